// variants.h: sound alternatives of the reference target, one at a time
// (`parity-target-reference --variant NAME`). A variant is a different protocol that
// keeps every security property of the baseline, so the suite must judge it as sound
// under profile `equivalent` (docs/mutants.md, "Sound alternative"); the mutation matrix
// runs it and requires that it passes every check. Like the mutants, a variant is a
// SessionPolicy of its own (reference/session_policy.h) plus what the target declares in
// hello; the reference itself knows nothing of it. Linked by parity-target-reference only.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "targets/reference/reference_adapter.h"

namespace parity::variants {

// VariantInfo describes a variant for --help and docs.
struct VariantInfo {
  std::string_view name;  // the --variant argument
  std::string_view description;
};

// variants lists every variant, the baseline ("signal") first.
const std::vector<VariantInfo>& variants();

// variant_config is the target configuration of the variant `name` ("signal": the
// baseline), or nullopt for an unknown name.
std::optional<ptp::ReferenceConfig> variant_config(std::string_view name);

}  // namespace parity::variants
