// check_runner.h: runs one registered check against a target the way `parity run` does,
// for the suites' tests. Every test that runs a check goes through run_registered_check,
// so a change to how checks are registered or run is made here and in check_runner.cc.
#pragma once

#include <memory>
#include <string>

#include "harness/client/target.h"
#include "harness/runner/check.h"

namespace parity::suites::test {

// start_reference starts the reference target process under `label` (transcripts name
// it), with request limits for a loaded test machine; `args` are its arguments (for
// example "--mutant keys-past-bound"). Null, and a test failure, when it does not start.
std::unique_ptr<harness::Target> start_reference(const std::string& label = "target", const std::string& args = "");

// RunOptions are the knobs of one check run.
struct RunOptions {
  int cases = 0;  // property-test cases; 0: the check's default
  harness::Profile profile = harness::Profile::signal;
};

// run_registered_check runs check `id` (of every suite, registered as the CLI registers
// them) against `target`: the catalogue's gate first (its outcome when the check does not
// run), a fresh reference process as the baseline when the check needs one, both reset
// with the check's seed, then the check. An unknown id is a test failure.
harness::CheckOutcome run_registered_check(harness::Target& target, const std::string& id,
                                           const RunOptions& options = {});

}  // namespace parity::suites::test
