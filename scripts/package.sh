#!/usr/bin/env bash
# package.sh: builds the Debian package out/package/parity_<version>_<arch>.deb (preset
# package: no tests, no benchmarks, no source-tree lookup; then cpack), then tests it
# installed on a clean Debian 12 system (scripts/package_test.py: a debootstrap chroot,
# the Dockerfile's own steps, `parity doctor` and `parity run` from the installed files
# alone). About 10 minutes on 2 cores, most of it the build.
# Usage: ./scripts/package.sh [--no-test]    (root or sudo, Debian 12)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
PACKAGE_OUT="$PARITY_OUT/package"
run_test=1
for arg in "$@"; do
  case "$arg" in
    --no-test) run_test=0 ;;
    *) echo "package.sh: unknown argument '$arg' (usage: scripts/package.sh [--no-test])" >&2; exit 2 ;;
  esac
done
mkdir -p "$PACKAGE_OUT"

install_deps
# The package carries the Node targets with the packages the lockfile pins: without them
# it would install two built-in targets that cannot start.
lock="targets/node/package-lock.json" stamp="targets/node/node_modules/.parity-lock-sha256"
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$(sha256sum "$lock" | cut -d' ' -f1)" ]]; then
  echo "package.sh: targets/node/node_modules is missing or not from $lock: the package must carry the Node targets' pinned packages (install Node.js 20 and run scripts/install-deps.sh)" >&2
  exit 1
fi

build_preset package
step "cpack (Debian package)"
rm -f "$PACKAGE_OUT"/parity_*.deb
timed cpack --config build/package/CPackConfig.cmake -G DEB -B "$PACKAGE_OUT" >"$PACKAGE_OUT/cpack.log" 2>&1 || {
  cat "$PACKAGE_OUT/cpack.log"
  exit 1
}
debs=("$PACKAGE_OUT"/parity_*.deb)
if [[ ${#debs[@]} != 1 || ! -f "${debs[0]}" ]]; then
  echo "package.sh: cpack made no single parity_*.deb in $PACKAGE_OUT (log: $PACKAGE_OUT/cpack.log)" >&2
  exit 1
fi
deb="${debs[0]}"
printf '  %s: %s bytes (%s), installed size %s KiB\n' "$deb" "$(stat -c %s "$deb")" \
  "$(du -h "$deb" | cut -f1)" "$(dpkg-deb -f "$deb" Installed-Size)"
printf '  Depends: %s\n' "$(dpkg-deb -f "$deb" Depends)"

if ((run_test)); then
  step "installed-package test (scripts/package_test.py)"
  timed python3 scripts/package_test.py "$deb" --source "$PARITY_ROOT" --out "$PACKAGE_OUT/test"
fi
