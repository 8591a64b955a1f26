#include "tests/suites/check_runner.h"

#include <chrono>
#include <variant>

#include <gtest/gtest.h>

#include "harness/runner/runner.h"
#include "harness/runner/seeds.h"

#include "cli/checks.h"

namespace parity::suites::test {

namespace {

using harness::CheckOutcome;

// check_failure is a check that could not be run, as a verdict the test will report.
CheckOutcome check_failure(const std::string& why) {
  CheckOutcome o;
  o.verdict = harness::Verdict::error;
  o.summary = why;
  return o;
}

// reset_for_check resets a process with the check's seed, as the runner does.
std::optional<CheckOutcome> reset_for_check(harness::Target& t, const Key32& seed, const std::string& who) {
  auto r = t.reset(seed);
  if (r.violated()) return CheckOutcome::error(r.violation());
  if (r.refused()) return CheckOutcome::unexpected_refusal("reset of the " + who, r.refusal());
  return std::nullopt;
}

}  // namespace

std::unique_ptr<harness::Target> start_reference(const std::string& label, const std::string& args) {
  harness::Limits limits;
  limits.request = std::chrono::milliseconds(60000);  // a loaded test machine
  const std::string command = std::string(PARITY_REFERENCE_TARGET) + (args.empty() ? "" : " " + args);
  auto r = harness::start_target(command, label, limits);
  if (auto* e = std::get_if<harness::StartError>(&r)) {
    ADD_FAILURE() << "the reference does not start: " << e->violation.detail;
    return nullptr;
  }
  return std::get<std::unique_ptr<harness::Target>>(std::move(r));
}

CheckOutcome run_registered_check(harness::Target& target, const std::string& id, const RunOptions& options) {
  static const harness::Registry registry = [] {
    harness::Registry r;
    harness::register_all_checks(r);
    return r;
  }();
  const harness::CheckDef* def = registry.find(id);
  if (def == nullptr) {
    ADD_FAILURE() << id << " is not registered";
    return check_failure(id + " is not registered");
  }
  if (auto gate = harness::gate_check(*def, options.profile, target.hello())) return std::move(gate->outcome);
  Key32 run_seed{};
  run_seed.fill(0x5e);
  const Key32 seed = harness::derive_check_seed(run_seed, def->id);
  std::unique_ptr<harness::Target> baseline;
  if (def->needs_baseline()) {
    baseline = start_reference("baseline");
    if (!baseline) return check_failure("the baseline does not start");
    if (auto o = reset_for_check(*baseline, seed, "baseline")) return *o;
  }
  if (auto o = reset_for_check(target, seed, "target")) return *o;
  harness::CheckOptions check_options;
  check_options.cases = options.cases;
  harness::CheckContext ctx{target, baseline.get(), options.profile, seed, check_options, PARITY_SOURCE_DIR "/vectors"};
  return def->run(ctx);
}

}  // namespace parity::suites::test
