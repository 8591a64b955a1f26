#!/usr/bin/env bash
# main.sh: the main job. Installs the dependencies, builds, and runs what Parity is for:
# today the libsignal-protocol-c interoperability tests and the benchmarks of the Signal
# baseline; later `parity run --target reference --report out/report.html` (only
# main_job below changes then). Outputs go to out/ (PARITY_OUT), printed at the end.
# Usage: ./scripts/main.sh        (root or sudo, Debian 12)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
mkdir -p "$PARITY_OUT"

install_deps
build_preset dev
build_preset bench --target parity-bench

# main_job runs the job proper and lists what it wrote.
main_job() {
  step "interoperability with libsignal-protocol-c (ctest -L interop)"
  timed ctest --preset dev -L interop --no-tests=error \
    --output-junit "$PARITY_OUT/interop.junit.xml" | tee "$PARITY_OUT/interop.log"

  step "benchmarks (parity-bench, reference beside its peers)"
  timed build/bench/bench/parity-bench --benchmark_min_time="${PARITY_BENCH_MIN_TIME:-0.2}" \
    --benchmark_out="$PARITY_OUT/bench.json" --benchmark_out_format=json | tee "$PARITY_OUT/bench.txt"

  OUTPUTS=("$PARITY_OUT/interop.log" "$PARITY_OUT/interop.junit.xml" "$PARITY_OUT/bench.txt" "$PARITY_OUT/bench.json")
}

main_job

step "outputs"
for f in "${OUTPUTS[@]}"; do
  printf '  %s\n' "$f"
done
