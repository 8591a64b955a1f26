#!/usr/bin/env bash
# findings.sh: re-runs every built-in target over a real library (full runs at one seed) and
# regenerates the measured tables of docs/findings.md (scripts/findings_tables.py; the prose
# around them is written by hand and must be re-read when a verdict moves).
# Usage: ./scripts/findings.sh [TARGET...]   (default: libsignal olm libsignal-client mls mls-no-policy)
# Env: PARITY_FINDINGS_SEED (default 5eed). Results, reports and logs go to out/findings/.
# Builds preset dev first if parity is not built. Exit status 0 when every run completed and the
# tables were written (a target failing a MUST is a finding, not an error), 1 otherwise.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
PARITY_OUT="$PARITY_OUT/findings"
SEED="${PARITY_FINDINGS_SEED:-5eed}"
mkdir -p "$PARITY_OUT"
targets=("$@")
((${#targets[@]} > 0)) || targets=(libsignal olm libsignal-client mls mls-no-policy)

parity=build/dev/cli/parity
if [[ ! -x $parity ]]; then
  install_deps
  build_preset dev
fi

results=()
failed=()
for t in "${targets[@]}"; do
  step "parity run --target $t --seed $SEED"
  rc=0
  timed "$parity" run --target "$t" --seed "$SEED" --json "$PARITY_OUT/$t.json" \
    --report "$PARITY_OUT/$t.html" --summary "$PARITY_OUT/$t.md" >"$PARITY_OUT/$t.log" 2>&1 || rc=$?
  tail -n 3 "$PARITY_OUT/$t.log" | sed 's/^/    /'
  # 0: every MUST passes; 1: a MUST fails (a finding). Anything else: the run itself failed.
  if [[ $rc == 0 || $rc == 1 ]]; then
    results+=("$PARITY_OUT/$t.json")
  else
    failed+=("$t (exit $rc, log $PARITY_OUT/$t.log)")
  fi
done

if ((${#failed[@]} > 0)); then
  printf 'findings: run failed: %s\n' "${failed[@]}"
  exit 1
fi
step "regenerate docs/findings.md tables"
python3 scripts/findings_tables.py docs/findings.md "${results[@]}"
git --no-pager diff --stat -- docs/findings.md || true
