# common.sh: shared by main.sh and test.sh (sourced, not run). Puts the shell at the
# repository root and defines logging, timing and the build parallelism.

PARITY_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$PARITY_ROOT"

# PARITY_JOBS: build parallelism; the reference machine has 2 cores and so does CI.
PARITY_JOBS="${PARITY_JOBS:-$(nproc 2>/dev/null || echo 2)}"
# PARITY_OUT: where the jobs write logs, reports and figures (ignored by git).
PARITY_OUT="${PARITY_OUT:-$PARITY_ROOT/out}"
export CTEST_OUTPUT_ON_FAILURE=1
export CMAKE_BUILD_PARALLEL_LEVEL="$PARITY_JOBS"

# step prints a visible header, so a CI log can be read by its steps.
step() {
  printf '\n==> %s\n' "$*"
}

# timed runs a command and prints how long it took.
timed() {
  local start=$SECONDS rc=0
  "$@" || rc=$?
  printf '    (%ss: %s)\n' "$((SECONDS - start))" "$*"
  return $rc
}

# install_deps installs the Debian 12 packages (no-op when all are present).
install_deps() {
  step "install dependencies (scripts/install-deps.sh)"
  bash "$PARITY_ROOT/scripts/install-deps.sh"
}

# build_preset configures and builds one CMake preset; extra arguments go to the build.
build_preset() {
  local preset=$1
  shift
  step "configure and build preset $preset"
  timed cmake --preset "$preset" >"$PARITY_OUT/configure-$preset.log" 2>&1 || {
    cat "$PARITY_OUT/configure-$preset.log"
    return 1
  }
  timed cmake --build --preset "$preset" -j "$PARITY_JOBS" "$@"
}
