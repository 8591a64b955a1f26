#include "suites/common/check_spec.h"

namespace parity::suites {

CheckOutcome baseline_trouble(CheckOutcome o) {
  o.verdict = harness::Verdict::error;
  o.summary = "the baseline could not run the measurement: " + o.summary;
  return o;
}

std::function<CheckOutcome(Verdicted&, Verdicted*)> judge_verdicted(std::vector<FigureSpec> figures) {
  return [figures = std::move(figures)](Verdicted& mine, Verdicted* base) {
    CheckOutcome out = mine.stop ? *mine.stop : mine.outcome;
    auto value = [](const Verdicted* side, const std::string& name) -> std::optional<double> {
      if (side == nullptr) return std::nullopt;
      auto it = side->tally.find(name);
      if (it == side->tally.end()) return std::nullopt;
      return it->second;
    };
    for (const FigureSpec& f : figures) {
      out.figures.push_back({f.name, value(&mine, f.name), value(base, f.name), f.unit});
    }
    return out;
  };
}

}  // namespace parity::suites
