#!/usr/bin/env bash
# Runs ShellCheck over every shell script of the repository: the project's own scripts, .ci/run, and
# every script an image ships (features' files/ directories, images' and apps' files/), checked
# as POSIX sh since BusyBox ash runs them on Alpine. Exit 1 on any finding.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v shellcheck >/dev/null || { echo "shellcheck.sh: shellcheck is not installed (apt-get install shellcheck)" >&2; exit 1; }
shellcheck scripts/*.sh .ci/run
mapfile -t shipped < <(grep -rlE '^#!(/usr)?/bin/(env )?(ba)?sh' packages/*/files images/*/files apps/*/files 2>/dev/null || true)
if [ ${#shipped[@]} -gt 0 ]; then shellcheck "${shipped[@]}"; fi
echo "shellcheck: $(( $(find scripts -name "*.sh" | wc -l) + 1 + ${#shipped[@]} )) scripts, no findings"
