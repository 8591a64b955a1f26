#!/usr/bin/env bash
# install-deps.sh installs every Debian 12 package Parity builds, tests and benchmarks
# with. Idempotent: packages already present are left alone, and apt is only asked
# when something is missing.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git python3 python3-cryptography
  libssl-dev libsodium-dev
  libgtest-dev libgmock-dev librapidcheck-dev libbenchmark-dev
  libpugixml-dev libexpat1-dev nlohmann-json3-dev libcli11-dev
  libsignal-protocol-c-dev libolm-dev
  clang libclang-rt-14-dev clang-format clang-tidy
  openssl
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
  exit 0
fi

sudo=""
if [[ $(id -u) != 0 ]]; then sudo="sudo"; fi
echo "install-deps: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
