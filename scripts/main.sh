#!/usr/bin/env bash
# main.sh: the main job. Installs the dependencies, builds, and runs what Parity is for:
# the compliance run of the Signal reference (`parity run --target reference`), which
# writes the HTML report, the results and JUnit. Exits 0 when no MUST requirement
# fails (the reference must pass), 1 when one does. Outputs go to out/ (PARITY_OUT),
# printed at the end.
# Usage: ./scripts/main.sh        (root or sudo, Debian 12)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
mkdir -p "$PARITY_OUT"

install_deps
build_preset dev
build_preset bench --target parity-bench

# main_job runs the job proper and lists what it wrote. Its status is the run's: 0 when
# the reference passes every MUST requirement, 1 when one fails (the report is written
# either way), 2/3 for a usage error or a target that does not start.
main_job() {
  local rc=0
  step "compliance run against the reference (parity run --report)"
  build/dev/cli/parity --version  # what the report will say about this build
  timed build/dev/cli/parity run --target reference --report "$PARITY_OUT/report.html" \
    --json "$PARITY_OUT/results.json" --junit "$PARITY_OUT/results.junit.xml" \
    --summary "$PARITY_OUT/summary.md" || rc=$?

  OUTPUTS=("$PARITY_OUT/report.html" "$PARITY_OUT/summary.md" "$PARITY_OUT/results.json"
    "$PARITY_OUT/results.jsonl" "$PARITY_OUT/results.transcripts.jsonl" "$PARITY_OUT/results.junit.xml")
  return $rc
}

status=0
main_job || status=$?

step "outputs"
for f in "${OUTPUTS[@]}"; do
  printf '  %s\n' "$f"
done
exit $status
