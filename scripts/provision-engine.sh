#!/usr/bin/env bash
# Installs and starts what kiln's builds and e2e tests need on a Debian/Ubuntu machine, as root:
# Docker Engine with the containerd image store, buildx, QEMU binfmt for arm64, and a loopback
# registry on 127.0.0.1:5000. Idempotent: a re-run on a provisioned machine takes a second or two.
#
#   scripts/provision-engine.sh              install what is missing, start what is stopped
#   scripts/provision-engine.sh --check      report only; exit 1 if something is missing
#   scripts/provision-engine.sh --stop       stop the dockerd this script started (the registry keeps running)
#   scripts/provision-engine.sh --no-registry
set -euo pipefail

state_dir=/var/lib/kiln-engine
registry_dir=/var/lib/kiln-registry
registry_addr=127.0.0.1:5000
dockerd_log=/var/log/kiln-dockerd.log
registry_log=/var/log/kiln-registry.log
mode=provision
with_registry=1
for arg in "$@"; do
  case "$arg" in
    --check) mode=check ;;
    --stop) mode=stop ;;
    --no-registry) with_registry=0 ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "provision-engine: unknown option $arg (see --help)" >&2; exit 2 ;;
  esac
done

say() { printf 'provision-engine: %s\n' "$*"; }
die() { printf 'provision-engine: error: %s\n' "$*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "run as root (sudo bash $0)"

engine_up() { docker info >/dev/null 2>&1; }
registry_up() { curl -fsS -o /dev/null "http://$registry_addr/v2/" 2>/dev/null; }
binfmt_entry=/proc/sys/fs/binfmt_misc/qemu-aarch64
binfmt_ok() { grep -q '^enabled' "$binfmt_entry" 2>/dev/null && grep -q '^flags:.*F' "$binfmt_entry" && grep -q '^flags:.*C' "$binfmt_entry"; }

# dockerd stops answering its API well before its process ends (it stops containers, flushes the
# image store); a new dockerd refuses to start while the old one still holds /var/run/docker.pid.
dockerd_gone() { local pid; pid=$(cat /var/run/docker.pid 2>/dev/null) || return 0; ! kill -0 "$pid" 2>/dev/null; }
wait_dockerd_gone() {
  for _ in $(seq 1 120); do dockerd_gone && return 0; sleep 0.5; done
  return 1
}

if [ "$mode" = stop ]; then
  if [ -f "$state_dir/dockerd.pid" ] && kill "$(cat "$state_dir/dockerd.pid")" 2>/dev/null; then
    wait_dockerd_gone || die "dockerd (pid $(cat /var/run/docker.pid)) is still shutting down after 60 s; see $dockerd_log"
    say "dockerd stopped"
  fi
  rm -f "$state_dir/dockerd.pid"
  exit 0
fi

if [ "$mode" = check ]; then
  missing=0
  if engine_up; then say "engine: $(docker version --format '{{.Server.Version}}')"; else say "engine: not running"; missing=1; fi
  if docker buildx version >/dev/null 2>&1; then say "buildx: $(docker buildx version)"; else say "buildx: missing"; missing=1; fi
  if command -v cosign >/dev/null; then say "cosign: $(dpkg-query -W -f='${Version}' cosign 2>/dev/null || command -v cosign)"; else say "cosign: missing"; missing=1; fi
  if binfmt_ok; then say "binfmt: qemu-aarch64 enabled (F, C)"; else say "binfmt: qemu-aarch64 missing, or without F or C"; missing=1; fi
  if [ "$with_registry" = 1 ]; then
    if registry_up; then say "registry: $registry_addr answers"; else say "registry: not answering"; missing=1; fi
  fi
  exit "$missing"
fi

mkdir -p "$state_dir"

# 1. Host packages from the machine's own Debian/Ubuntu archive.
host_packages=(iptables qemu-user-static binfmt-support docker-registry mmdebstrap arch-test curl ca-certificates)
need=()
for pkg in "${host_packages[@]}"; do dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg"); done
if [ "${#need[@]}" -gt 0 ]; then
  say "installing ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# Debian 13 (trixie) packages through a private apt source list derived from the machine's own:
# the machine's mirror URIs and keyring, only the suite changes. Sets up once per run.
apt_dir="$state_dir/apt"
trixie=(-o "Dir::Etc::SourceList=/dev/null" -o "Dir::Etc::SourceParts=$apt_dir/parts" -o "Dir::State::Lists=$apt_dir/lists")
trixie_ready=0
trixie_source() {
  [ "$trixie_ready" = 1 ] && return 0
  rm -rf "$apt_dir" && mkdir -p "$apt_dir/lists/partial" "$apt_dir/debs" "$apt_dir/parts"
  local source_file=/etc/apt/sources.list.d/debian.sources
  [ -f "$source_file" ] || die "$source_file not found: this step expects a Debian machine with deb822 sources"
  awk 'BEGIN{RS=""; ORS="\n\n"} /URIs:[^\n]*\/debian(\n|$)/ && !/debian-security/ {gsub(/Suites:[^\n]*/, "Suites: trixie"); print}' \
    "$source_file" > "$apt_dir/parts/trixie.sources"
  grep -q 'Suites: trixie' "$apt_dir/parts/trixie.sources" || die "could not derive a trixie source from $source_file"
  apt-get "${trixie[@]}" update -qq
  trixie_ready=1
}

# 2. The engine. Bookworm's docker.io (20.10) predates the containerd image store that
# multi-platform --load needs, so take docker.io, containerd and docker-buildx from trixie.
# runc and tini stay from the host's release: trixie's builds need a newer libc.
if ! command -v dockerd >/dev/null || ! docker buildx version >/dev/null 2>&1; then
  say "installing Docker Engine, containerd and buildx (Debian trixie packages)"
  trixie_source
  (cd "$apt_dir/debs" && apt-get "${trixie[@]}" download docker.io containerd docker-buildx >/dev/null)
  (cd "$apt_dir/debs" && apt-get download runc tini >/dev/null)
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$apt_dir"/debs/*.deb >/dev/null
fi

# 2b. cosign, which signs releases and verifies them (kiln release, kiln verify). Bookworm has no
# cosign package; trixie's is one static Go binary, so it installs on bookworm as it is. It touches
# nothing the engine runs on, so a provisioned machine gets it without restarting anything.
if ! command -v cosign >/dev/null; then
  say "installing cosign (Debian trixie package)"
  trixie_source
  (cd "$apt_dir/debs" && apt-get "${trixie[@]}" download cosign >/dev/null)
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$apt_dir"/debs/cosign_*.deb >/dev/null
fi

# 3. The containerd image store: multi-platform --load, and FROM a local multi-platform image.
mkdir -p /etc/docker
if ! grep -q '"containerd-snapshotter": *true' /etc/docker/daemon.json 2>/dev/null; then
  if [ -s /etc/docker/daemon.json ]; then
    node -e 'const f="/etc/docker/daemon.json";const c=JSON.parse(require("fs").readFileSync(f,"utf8"));c.features={...c.features,"containerd-snapshotter":true};require("fs").writeFileSync(f,JSON.stringify(c,null,2)+"\n")'
  else
    printf '{"features":{"containerd-snapshotter":true}}\n' > /etc/docker/daemon.json
  fi
  engine_up && die "dockerd is running without the containerd image store: restart it after this change"
fi
if ! engine_up; then
  wait_dockerd_gone || die "a dockerd (pid $(cat /var/run/docker.pid)) is running but not answering; stop it, then run this again"
  say "starting dockerd (log: $dockerd_log)"
  # Appended, not truncated: the log of the previous dockerd is what explains a slow stop.
  setsid nohup dockerd >>"$dockerd_log" 2>&1 < /dev/null &
  echo $! > "$state_dir/dockerd.pid"
  for _ in $(seq 1 60); do engine_up && break; sleep 1; done
  engine_up || { tail -n 20 "$dockerd_log" >&2; die "dockerd did not come up within 60 s"; }
fi

# 4. QEMU for linux/arm64. The F flag opens the interpreter at registration, so it works inside
# containers whose root filesystem has no QEMU. The C flag runs setuid binaries with their
# owner's credentials: without it sudo in an emulated arm64 container fails with "effective uid
# is not 0". Debian registers the handler without C, so it is registered again with it.
add_credentials_flag() {
  grep -q '^flags:.*C' "$binfmt_entry" && return 0
  local interpreter flags offset magic mask
  interpreter=$(sed -n 's/^interpreter //p' "$binfmt_entry")
  flags=$(sed -n 's/^flags: //p' "$binfmt_entry")
  offset=$(sed -n 's/^offset //p' "$binfmt_entry")
  magic=$(sed -n 's/^magic //p' "$binfmt_entry" | sed 's/../\\x&/g')
  mask=$(sed -n 's/^mask //p' "$binfmt_entry" | sed 's/../\\x&/g')
  echo -1 > "$binfmt_entry"
  printf ':qemu-aarch64:M:%s:%s:%s:%s:%sC' "$offset" "$magic" "$mask" "$interpreter" "$flags" > /proc/sys/fs/binfmt_misc/register
}
if ! binfmt_ok; then
  [ -d /proc/sys/fs/binfmt_misc ] && { mountpoint -q /proc/sys/fs/binfmt_misc || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc; }
  grep -q '^enabled' "$binfmt_entry" 2>/dev/null || update-binfmts --enable qemu-aarch64 || true
  [ -f "$binfmt_entry" ] && add_credentials_flag
  binfmt_ok || die "qemu-aarch64 binfmt handler is not enabled with the F and C flags (see $binfmt_entry)"
fi

# 5. A loopback registry (dockerd treats 127.0.0.0/8 as insecure, so plain HTTP works).
if [ "$with_registry" = 1 ] && ! registry_up; then
  say "starting the registry on $registry_addr (storage: $registry_dir, log: $registry_log)"
  mkdir -p "$registry_dir"
  cat > "$state_dir/registry.yml" <<YAML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $registry_dir
  delete:
    enabled: true
http:
  addr: $registry_addr
YAML
  setsid nohup docker-registry serve "$state_dir/registry.yml" >"$registry_log" 2>&1 < /dev/null &
  echo $! > "$state_dir/registry.pid"
  for _ in $(seq 1 30); do registry_up && break; sleep 1; done
  registry_up || { tail -n 20 "$registry_log" >&2; die "the registry did not come up on $registry_addr"; }
fi

say "ready: engine $(docker version --format '{{.Server.Version}}'), $(docker buildx version | cut -d' ' -f1-2), binfmt arm64 on$([ "$with_registry" = 1 ] && echo ", registry $registry_addr")"
