// property.h: RapidCheck properties over PTP. A property drives target processes; a
// protocol violation inside it stops the search and makes the check `error`; a failure
// is shrunk to a minimal counterexample, shown as the commands' show() lines, and the
// exchange of that minimal case becomes the check's evidence.
#pragma once

#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <rapidcheck.h>

#include "suites/common/check_spec.h"
#include "suites/common/steps.h"

namespace parity::suites {

// PropertyRun is shared by a property's cases: the violation that stopped it, and the
// exchange of the last failing case (after shrinking: the minimal one).
struct PropertyRun {
  std::vector<Target*> targets;  // whose transcripts make the evidence
  std::optional<harness::Violation> violation;
  std::optional<harness::Transcript> failing_exchange;

  // begin_case drops the exchange of the previous case.
  void begin_case();
  // keep_failing_exchange stores the current case's exchange as the evidence.
  void keep_failing_exchange();
};

// fail_case fails the current case with `what` as its whole description (RC_FAIL would
// prefix the source location of this helper, which says nothing to a reader).
[[noreturn]] inline void fail_case(const std::string& what) {
  throw rc::detail::CaseResult(rc::detail::CaseResult::Type::Failure, what);
}

// require unwraps an Op inside a property: a violation stops everything (RC_FAIL after
// recording it), a refusal fails the case with `what`.
template <class T>
T require(PropertyRun& run, harness::Op<T> op, const std::string& what) {
  if (op.violated()) {
    run.violation = op.violation();
    run.keep_failing_exchange();
    fail_case("protocol violation: " + op.violation().detail);
  }
  if (op.refused()) {
    run.keep_failing_exchange();
    fail_case(what + " was refused: " + std::string(ptp::to_string(op.refusal().code)) + " " + op.refusal().detail);
  }
  return std::move(op.value());
}

// check_that fails the case (keeping its exchange) when `ok` is false.
void check_that(PropertyRun& run, bool ok, const std::string& what);

// PropertyOptions tune one property check.
struct PropertyOptions {
  int default_cases = 20;  // used when the run gives no --cases
  int max_size = 30;       // rc's size: bounds command sequence lengths
};

// run_property runs `property` (a callable using RC_ macros and rc::state) with the
// check's seed and case count and turns the result into an outcome: pass, fail with a
// minimal counterexample, or error on a violation. Each case is shown on the status
// line; RapidCheck itself prints nothing (its configuration line would be noise on a
// provider's CI log: the run seed already reproduces every case).
CheckOutcome run_property(const Run& r, PropertyRun& run, const std::string& what,
                          const std::function<void()>& property, PropertyOptions options = {});

}  // namespace parity::suites
