#!/usr/bin/env bash
# Makes the Debian bookworm base image kiln's e2e suite builds on, for linux/amd64 and linux/arm64,
# from Debian's own archive (mmdebstrap; arm64 runs under QEMU), and serves it from the loopback
# registry as 127.0.0.1:5000/library/debian:bookworm (a multi-platform index). kiln then maps
# `FROM debian:bookworm` to it with a registry mirror: --mirror registry.hub=127.0.0.1:5000.
#
# Idempotent: skips what the registry already has; root filesystem tarballs are cached in
# $KILN_CACHE_DIR (default /var/cache/kiln) so a wiped registry is refilled in seconds.
set -euo pipefail

registry=${KILN_BASE_REGISTRY:-127.0.0.1:5000}
repository="$registry/library/debian"
suite=bookworm
cache_dir=${KILN_CACHE_DIR:-/var/cache/kiln}
say() { printf 'make-debian-base: %s\n' "$*"; }
die() { printf 'make-debian-base: error: %s\n' "$*" >&2; exit 1; }

docker info >/dev/null 2>&1 || die "no Docker engine: run scripts/provision-engine.sh first"
if docker buildx imagetools inspect "$repository:$suite" 2>/dev/null | grep -q 'linux/arm64' &&
   docker buildx imagetools inspect "$repository:$suite" 2>/dev/null | grep -q 'linux/amd64'; then
  say "$repository:$suite is already served (linux/amd64, linux/arm64)"
  exit 0
fi

# The containers reach only the archive the machine itself uses, so take its URI.
archive=$(awk '/^URIs:/ && $2 ~ /\/debian\/?$/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
[ -n "$archive" ] || archive=$(awk '$1 == "deb" && $2 ~ /\/debian\/?$/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
[ -n "$archive" ] || die "cannot find the machine's Debian archive URI in /etc/apt/sources.list.d/debian.sources"
security=${archive%/debian}/debian-security
mkdir -p "$cache_dir"

for arch in amd64 arm64; do
  tarball="$cache_dir/debian-$suite-$arch.tar"
  if [ ! -s "$tarball" ]; then
    say "mmdebstrap $suite for $arch (from $archive)"
    start=$(date +%s)
    mmdebstrap --quiet --format=tar --variant=minbase --architectures="$arch" "$suite" "$tarball.tmp" \
      "deb $archive $suite main" "deb $archive $suite-updates main" "deb $security $suite-security main"
    mv "$tarball.tmp" "$tarball"
    say "$arch root filesystem in $(( $(date +%s) - start ))s"
  fi
  docker import --platform "linux/$arch" \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["bash"]' \
    "$tarball" "$repository:$suite-$arch" >/dev/null
  docker push --quiet "$repository:$suite-$arch" >/dev/null
done

docker buildx imagetools create --tag "$repository:$suite" "$repository:$suite-amd64" "$repository:$suite-arm64"
say "serving $repository:$suite for linux/amd64 and linux/arm64"
