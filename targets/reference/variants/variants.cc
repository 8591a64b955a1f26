#include "targets/reference/variants/variants.h"

#include <functional>

#include "targets/reference/variants/alt.h"

namespace parity::variants {

namespace {

struct Entry {
  VariantInfo info;
  std::function<void(ptp::ReferenceConfig&)> apply;
};

const std::vector<Entry>& entries() {
  static const std::vector<Entry> all = {
      {{"signal", "the Signal baseline (signal-v3)"}, [](ptp::ReferenceConfig&) {}},
      {{"alt",
        "a sound Double Ratchet that is not Signal: ChaCha20-Poly1305 with identities in the associated data, "
        "its own KDF labels and chain constants, max_skip 100, 3 receiving chains; Sender Keys with group_max_skip "
        "1000, 1000 skipped keys, 3 sender states (custom:parity-alt-1)"},
       apply_alt},
  };
  return all;
}

}  // namespace

const std::vector<VariantInfo>& variants() {
  static const std::vector<VariantInfo> all = [] {
    std::vector<VariantInfo> v;
    for (const Entry& e : entries()) v.push_back(e.info);
    return v;
  }();
  return all;
}

std::optional<ptp::ReferenceConfig> variant_config(std::string_view name) {
  for (const Entry& e : entries()) {
    if (e.info.name != name) continue;
    ptp::ReferenceConfig c;
    if (name != "signal") c.version += "+variant." + std::string(name);
    e.apply(c);
    return c;
  }
  return std::nullopt;
}

}  // namespace parity::variants
