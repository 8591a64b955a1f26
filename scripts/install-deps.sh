#!/usr/bin/env bash
# install-deps.sh installs every Debian 12 package Parity builds, tests and benchmarks
# with, then the npm packages of the Node targets (targets/node: the official Rust
# libsignal and ts-mls) with `npm ci` from the committed lockfile. Idempotent: packages
# already present are left alone, apt is only asked when something is missing, and npm
# only when the lockfile changed since the last install.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# npm_deps installs targets/node/node_modules with `npm ci` (exactly the lockfile's
# versions). Without Node.js 20 or later it says so and installs nothing: the targets
# libsignal-client, mls and mls-no-policy then refuse to start, and their tests are not
# registered (cmake says so too).
npm_deps() {
  local dir="$ROOT/targets/node" stamp="$ROOT/targets/node/node_modules/.parity-lock-sha256"
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "install-deps: Node.js is not installed: the Node targets (libsignal-client, mls) need Node 20 or later and npm; skipping their packages"
    return 0
  fi
  local version major
  version="$(node --version)"
  major="${version#v}"
  major="${major%%.*}"
  if ((major < 20)); then
    echo "install-deps: Node.js $version is too old: the Node targets (libsignal-client, mls) need Node 20 or later; skipping their packages"
    return 0
  fi
  local want
  want="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    echo "install-deps: npm packages of targets/node present (lockfile unchanged)"
    return 0
  fi
  echo "install-deps: npm ci in targets/node (Node $version)"
  # --ignore-scripts: the packages ship prebuilt code; nothing runs at install time.
  (cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
  echo "$want" >"$stamp"
}

# dpkg-dev, file: cpack's Debian packager (dpkg-shlibdeps computes Depends); debootstrap:
# the installed-package test's clean Debian 12 system (scripts/package_test.py).
packages=(
  build-essential cmake ninja-build pkg-config git python3 python3-cryptography
  libssl-dev libsodium-dev
  libgtest-dev libgmock-dev librapidcheck-dev libbenchmark-dev
  libpugixml-dev libexpat1-dev nlohmann-json3-dev libcli11-dev
  libsignal-protocol-c-dev libolm-dev
  clang libclang-rt-14-dev clang-format clang-tidy
  openssl
  dpkg-dev file debootstrap
)
# chromium: the report tests (tests/report, ctest -L report) open the HTML report in
# headless Chromium. scripts/test.sh, which CI runs, sets PARITY_WITH_BROWSER=1, and so
# does the report test itself when it finds chromium missing.
if [[ "${PARITY_WITH_BROWSER:-0}" == 1 ]]; then
  packages+=(chromium)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages present"
  npm_deps
  exit 0
fi

sudo=""
if [[ $(id -u) != 0 ]]; then sudo="sudo"; fi
echo "install-deps: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
npm_deps
