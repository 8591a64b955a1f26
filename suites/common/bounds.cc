#include "suites/common/bounds.h"

#include <algorithm>

namespace parity::suites {

bool Bounds::is_unbounded(std::string_view name) const {
  return std::find(unbounded.begin(), unbounded.end(), name) != unbounded.end();
}

std::string Bounds::describe() const {
  // signal is Signal's figure for the name: a null bound sized as it says so.
  const auto one = [&](const char* name, uint64_t value, uint64_t signal) {
    if (!is_unbounded(name)) return std::string(name) + " " + std::to_string(value);
    return std::string(name) + " unbounded (declared null; sized as " +
           (value == signal ? "Signal's " : "the baseline's ") + std::to_string(value) + ")";
  };
  std::string s = "bounds: " + one("max_skip", max_skip, kSignalMaxSkip) + ", " +
                  one("max_skipped_keys", max_skipped_keys, kSignalMaxSkippedKeys) + ", " +
                  one("max_receiver_chains", max_receiver_chains, kSignalMaxReceiverChains);
  if (!borrowed.empty()) {
    s += " (not declared in hello, the baseline's used instead:";
    for (const std::string& b : borrowed) s += " " + b;
    s += ")";
  }
  return s;
}

namespace {

// pick_bound reads the limit `name` that `t` declares into out_. Absent or null (listed in
// borrowed_ or unbounded_): the baseline's figure, else `fallback`. Null means no bound:
// scenarios need a finite size, and retention is judged against the baseline's bounds
// whatever the target declares.
void pick_bound(const harness::Target& t, const harness::Target* baseline, const char* name, uint64_t fallback,
                uint64_t& out_, std::vector<std::string>& borrowed_, std::vector<std::string>& unbounded_) {
  const harness::DeclaredLimit d = t.hello().declared(name);
  if (d.kind == harness::LimitKind::number) {
    out_ = d.value;
    return;
  }
  (d.kind == harness::LimitKind::unbounded ? unbounded_ : borrowed_).emplace_back(name);
  out_ = fallback;
  if (baseline != nullptr) {
    if (auto v = baseline->hello().limit(name)) out_ = *v;
  }
}

}  // namespace

Bounds bounds_of(const harness::Target& t, const harness::Target* baseline) {
  Bounds b;
  auto pick = [&](const char* name, uint64_t fallback, uint64_t& out_) {
    pick_bound(t, baseline, name, fallback, out_, b.borrowed, b.unbounded);
  };
  pick("max_skip", kSignalMaxSkip, b.max_skip);
  pick("max_skipped_keys", kSignalMaxSkippedKeys, b.max_skipped_keys);
  pick("max_receiver_chains", kSignalMaxReceiverChains, b.max_receiver_chains);
  return b;
}

bool GroupBounds::is_unbounded(std::string_view name) const {
  return std::find(unbounded.begin(), unbounded.end(), name) != unbounded.end();
}

std::string GroupBounds::describe() const {
  const auto one = [&](const char* name, uint64_t value) {
    if (!is_unbounded(name)) return std::string(name) + " " + std::to_string(value);
    return std::string(name) + " unbounded (declared null; sized as " + std::to_string(value) + ")";
  };
  std::string s = "group bounds: " + one("group_max_skip", max_skip) + ", " +
                  one("group_max_skipped_keys", max_skipped_keys) + ", " +
                  one("group_max_sender_states", max_sender_states);
  if (!borrowed.empty()) {
    s += " (not declared in hello, the baseline's used instead:";
    for (const std::string& b : borrowed) s += " " + b;
    s += ")";
  }
  return s;
}

GroupBounds group_bounds_of(const harness::Target& t, const harness::Target* baseline) {
  GroupBounds b;
  auto pick = [&](const char* name, uint64_t fallback, uint64_t& out_) {
    pick_bound(t, baseline, name, fallback, out_, b.borrowed, b.unbounded);
  };
  pick(harness::kGroupBoundNames[0], kSignalGroupMaxSkip, b.max_skip);
  pick(harness::kGroupBoundNames[1], kSignalGroupMaxSkippedKeys, b.max_skipped_keys);
  pick(harness::kGroupBoundNames[2], kSignalGroupMaxSenderStates, b.max_sender_states);
  return b;
}

uint64_t chains_allowance(const Bounds& baseline, uint64_t per_epoch, uint64_t epochs) {
  const uint64_t one_chain = std::min(per_epoch * epochs, baseline.max_skipped_keys);
  const uint64_t per_chain =
      std::min(epochs, baseline.max_receiver_chains) * std::min(per_epoch, baseline.max_skipped_keys);
  return std::max(one_chain, per_chain);
}

EpochPlan plan_epochs(const Bounds& target, const Bounds& baseline) {
  // Eight epochs of an eighth of the baseline's per-chain keys, and ten more, when the
  // target's max_skip allows such jumps; smaller jumps take more epochs.
  const uint64_t min_epochs = baseline.max_receiver_chains + 3;
  EpochPlan p;
  p.per_epoch = std::max<uint64_t>(
      1, std::min({baseline.max_skipped_keys / min_epochs + 10, target.max_skip, baseline.max_skip}));
  p.epochs = std::max(min_epochs, baseline.max_skipped_keys / p.per_epoch + 1);
  p.allowance = chains_allowance(baseline, p.per_epoch, p.epochs);
  return p;
}

}  // namespace parity::suites
