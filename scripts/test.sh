#!/usr/bin/env bash
# test.sh: every test. Installs the dependencies; builds preset dev (warnings are errors)
# and runs all of ctest (labels reference, kat, interop, fuzz replay, ...); builds the
# Debian package and tests it installed on a clean Debian 12 chroot (scripts/package.sh);
# then builds preset fuzz (clang, libFuzzer, ASan+UBSan) and runs each fuzzer from its corpus for
# PARITY_FUZZ_SECONDS (default 30), failing on any crash. Exits non-zero on any failure.
# About 50 minutes on 2 cores (dev build 14, ctest 10, package 11, fuzz 14). Logs go to
# out/test/ (the package's to out/package/).
# Usage: ./scripts/test.sh        (root or sudo, Debian 12; CI runs it via .ci/run)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
PARITY_OUT="$PARITY_OUT/test"
FUZZ_SECONDS="${PARITY_FUZZ_SECONDS:-30}"
mkdir -p "$PARITY_OUT"
failures=()

# The report tests (ctest -L report) open the HTML report in headless Chromium.
export PARITY_WITH_BROWSER=1
install_deps

build_preset dev
step "ctest --preset dev (all labels)"
timed ctest --preset dev --no-tests=error --output-junit "$PARITY_OUT/ctest.junit.xml" ||
  failures+=("ctest")

# The Debian package, built as a release is (preset package) and tested installed on a
# clean Debian 12 system (scripts/package_test.py; docs/ci.md).
step "Debian package: scripts/package.sh (build, cpack, installed-package test)"
timed ./scripts/package.sh || failures+=("package")

build_preset fuzz

# run_fuzzer NAME runs one libFuzzer binary for FUZZ_SECONDS. New inputs go to a scratch
# corpus under out/ (the committed corpus is only read); crashes go to out/test/fuzz/.
# Regressions are seeds too, so a bug once found fails at once until it is fixed.
run_fuzzer() {
  local name=$1 bin="build/fuzz/fuzz/$1" dir="$PARITY_OUT/fuzz/$1"
  rm -rf "$dir" && mkdir -p "$dir/corpus"
  local seeds=("fuzz/$name/corpus") flags=()
  [[ -d "fuzz/$name/regressions" ]] && seeds+=("fuzz/$name/regressions")
  [[ -f "fuzz/$name.dict" ]] && flags+=("-dict=fuzz/$name.dict")
  local rc=0
  # timeout: a target hanging outside libFuzzer's own timers must not stall CI.
  timeout --kill-after=30 "$((FUZZ_SECONDS + 120))" "$bin" "${flags[@]}" \
    -max_total_time="$FUZZ_SECONDS" -timeout=25 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$dir/" "$dir/corpus" "${seeds[@]}" >"$dir/fuzz.log" 2>&1 || rc=$?
  local execs rate
  execs=$(awk '/stat::number_of_executed_units/ {print $2}' "$dir/fuzz.log")
  rate=$(awk '/stat::average_exec_per_sec/ {print $2}' "$dir/fuzz.log")
  printf '  %-24s %10s execs %8s execs/s  %s\n' "$name" "${execs:-?}" "${rate:-?}" \
    "$([[ $rc == 0 ]] && echo ok || echo "FAILED (exit $rc), log: $dir/fuzz.log")"
  if [[ $rc != 0 ]]; then
    grep -E 'ERROR|SUMMARY|fuzz property|Test unit written' "$dir/fuzz.log" | head -20 | sed 's/^/    /'
  fi
  return $rc
}

step "fuzz each target for ${FUZZ_SECONDS}s (preset fuzz)"
fuzzers=()
for corpus in fuzz/*/corpus; do
  fuzzers+=("$(basename "$(dirname "$corpus")")")
done
if ((${#fuzzers[@]} == 0)); then
  echo "no fuzz/<name>/corpus directories found"
  failures+=("fuzz: no fuzzers")
fi
for name in "${fuzzers[@]}"; do
  if [[ ! -x "build/fuzz/fuzz/$name" ]]; then
    echo "  $name: corpus present but build/fuzz/fuzz/$name was not built"
    failures+=("fuzz $name: not built")
    continue
  fi
  run_fuzzer "$name" || failures+=("fuzz $name")
done

step "summary"
echo "logs: $PARITY_OUT"
if ((${#failures[@]} > 0)); then
  printf '  FAILED: %s\n' "${failures[@]}"
  exit 1
fi
echo "  all tests passed"
