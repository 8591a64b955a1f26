#include "suites/common/property.h"

#include <mutex>
#include <unordered_map>

#include <rapidcheck/detail/TestListener.h>
#include <rapidcheck/detail/TestMetadata.h>
#include <rapidcheck/detail/TestParams.h>

namespace parity::suites {
namespace {

// QuietListener hears RapidCheck's events without printing them: the default listener
// would load RapidCheck's global configuration, which prints a line on stderr.
class QuietListener : public rc::detail::TestListener {
 public:
  void onTestCaseFinished(const rc::detail::CaseDescription&) override {}
  void onShrinkTried(const rc::detail::CaseDescription&, bool) override {}
  void onTestFinished(const rc::detail::TestMetadata&, const rc::detail::TestResult&) override {}
};

}  // namespace

void PropertyRun::begin_case() {
  for (Target* t : targets) (void)t->take_transcript();
}

void PropertyRun::keep_failing_exchange() {
  harness::Transcript all;
  for (Target* t : targets) {
    harness::Transcript part = t->take_transcript();
    all.entries.insert(all.entries.end(), part.entries.begin(), part.entries.end());
  }
  std::stable_sort(
      all.entries.begin(), all.entries.end(),
      [](const harness::TranscriptEntry& a, const harness::TranscriptEntry& b) { return a.micros < b.micros; });
  failing_exchange = std::move(all);
}

void check_that(PropertyRun& run, bool ok, const std::string& what) {
  if (ok) return;
  run.keep_failing_exchange();
  fail_case(what);
}

CheckOutcome run_property(const Run& r, PropertyRun& run, const std::string& what,
                          const std::function<void()>& property, PropertyOptions options) {
  const CheckContext& ctx = r.ctx;
  rc::detail::TestParams params;
  uint64_t seed = 0;
  for (int i = 0; i < 8; ++i) seed = (seed << 8) | ctx.seed[static_cast<size_t>(i)];
  params.seed = seed;
  params.maxSuccess = ctx.options.cases > 0 ? ctx.options.cases : options.default_cases;
  params.maxSize = options.max_size;
  params.maxDiscardRatio = 20;
  // RapidCheck binds its implicit parameters in process-wide statics: properties played
  // on the target and on the baseline at once (run_sides) take turns.
  static std::mutex one_at_a_time;
  std::lock_guard<std::mutex> lock(one_at_a_time);
  int played = 0;
  auto wrapped = [&] {
    // Once a violation happened, every further case fails at once: the target is dead.
    if (run.violation) fail_case("stopped after a protocol violation");
    ++played;
    r.step(played <= params.maxSuccess
               ? "case " + std::to_string(played) + " of " + std::to_string(params.maxSuccess)
               : "shrinking a failing case (" + std::to_string(played - params.maxSuccess) + " tries)");
    run.begin_case();
    property();
  };
  QuietListener quiet;
  const std::unordered_map<std::string, rc::detail::Reproduce> no_reproduce;
  rc::detail::TestResult result =
      rc::detail::checkTestable(wrapped, rc::detail::TestMetadata{}, params, quiet, no_reproduce);
  if (run.violation) {
    CheckOutcome o = CheckOutcome::error(*run.violation);
    o.evidence = run.failing_exchange;
    return o;
  }
  rc::detail::SuccessResult success;
  if (result.match(success)) {
    return CheckOutcome::pass(what + " held in " + std::to_string(success.numSuccess) + " random cases");
  }
  rc::detail::FailureResult failure;
  if (result.match(failure)) {
    CheckOutcome o = CheckOutcome::fail(what + " does not hold: " + failure.description);
    std::ostringstream os;
    for (const auto& [type, value] : failure.counterExample) os << value << "\n";
    o.counterexample = os.str();
    o.observations.push_back("failed after " + std::to_string(failure.numSuccess) +
                             " passing cases; the counterexample is shrunk to a minimal one");
    o.evidence = run.failing_exchange;
    return o;
  }
  rc::detail::GaveUpResult gave_up;
  if (result.match(gave_up)) {
    CheckOutcome o;
    o.verdict = harness::Verdict::error;
    o.summary = "the property generator gave up: " + gave_up.description;
    return o;
  }
  rc::detail::Error err;
  result.match(err);
  CheckOutcome o;
  o.verdict = harness::Verdict::error;
  o.summary = "the property could not run: " + err.description;
  return o;
}

}  // namespace parity::suites
