#include "suites/common/bounds.h"

namespace parity::suites {

std::string Bounds::describe() const {
  std::string s = "bounds: max_skip " + std::to_string(max_skip) + ", max_skipped_keys " +
                  std::to_string(max_skipped_keys) + ", max_receiver_chains " + std::to_string(max_receiver_chains);
  if (!borrowed.empty()) {
    s += " (not declared in hello, the baseline's used instead:";
    for (const std::string& b : borrowed) s += " " + b;
    s += ")";
  }
  return s;
}

Bounds bounds_of(const harness::Target& t, const harness::Target* baseline) {
  Bounds b;
  auto pick = [&](const char* name, uint64_t fallback, uint64_t& out_) {
    if (auto v = t.hello().limit(name)) {
      out_ = *v;
      return;
    }
    b.borrowed.emplace_back(name);
    out_ = fallback;
    if (baseline != nullptr) {
      if (auto v = baseline->hello().limit(name)) out_ = *v;
    }
  };
  pick("max_skip", kSignalMaxSkip, b.max_skip);
  pick("max_skipped_keys", kSignalMaxSkippedKeys, b.max_skipped_keys);
  pick("max_receiver_chains", kSignalMaxReceiverChains, b.max_receiver_chains);
  return b;
}

}  // namespace parity::suites
