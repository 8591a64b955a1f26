// both.h: run one scenario on the target and on the Signal baseline, and put their
// figures side by side. The verdict is the target's; a baseline that does not pass the
// same scenario is named in the observations (it points at the suite, not the target).
// Header-only.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "suites/common/check_spec.h"
#include "suites/common/steps.h"

namespace parity::suites {

// Tally holds a scenario's measurements by figure name.
using Tally = std::map<std::string, double>;

// Scenario runs on one process; `profile` is the profile of that process's protocol
// (the target's as chosen for the run; signal for the baseline).
using Scenario = std::function<CheckOutcome(Target& target, harness::Profile profile, Tally& out_)>;

// FigureSpec (a figure a scenario's Tally may hold) is check_spec.h's.

// on_both runs `scenario` on ctx.target, then on ctx.baseline when the check has one,
// and returns the target's outcome with the figures of both.
inline CheckOutcome on_both(CheckContext& ctx, const Scenario& scenario, const std::vector<FigureSpec>& figures) {
  Tally target_tally;
  Tally baseline_tally;
  CheckOutcome out = scenario(ctx.target, ctx.profile, target_tally);
  if (ctx.baseline != nullptr) {
    CheckOutcome base = scenario(*ctx.baseline, harness::Profile::signal, baseline_tally);
    if (base.verdict != harness::Verdict::pass) {
      out.observations.push_back("the Signal baseline did not pass the same scenario (" +
                                 std::string(harness::to_string(base.verdict)) + "): " + base.summary +
                                 " (this points at the suite or the baseline, not at the target)");
    }
  }
  auto value = [](const Tally& t, const std::string& name) -> std::optional<double> {
    auto it = t.find(name);
    if (it == t.end()) return std::nullopt;
    return it->second;
  };
  for (const FigureSpec& f : figures) {
    out.figures.push_back({f.name, value(target_tally, f.name), value(baseline_tally, f.name), f.unit});
  }
  return out;
}

}  // namespace parity::suites
