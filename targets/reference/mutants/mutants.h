// mutants.h: deliberate flaws the reference target can be started with, one at a time
// (`parity-target-reference --mutant NAME`), so the suite can prove that each check
// detects the flaw it is written for (docs/mutants.md). Each flaw is a variant of the
// baseline's SessionPolicy (reference/session_policy.h), of its group rules (GroupHooks,
// reference/group/group_hooks.h) or of the target's PartyHooks; the reference itself
// knows nothing of them. Linked by parity-target-reference only.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "targets/reference/reference_adapter.h"

namespace parity::mutants {

// MutantInfo describes a mutant for --help and docs.
struct MutantInfo {
  std::string_view name;  // the --mutant argument
  std::string_view description;
};

// mutants lists every mutant, the baseline ("none") first.
const std::vector<MutantInfo>& mutants();

// apply_mutant switches the flaw `name` on in `config_` (the baseline's, or a variant's:
// targets/reference/variants); "none" changes nothing. False for an unknown name.
bool apply_mutant(std::string_view name, ptp::ReferenceConfig& config_);

// mutant_config is the baseline's configuration with the mutant `name` ("none": the
// baseline), or nullopt for an unknown name.
std::optional<ptp::ReferenceConfig> mutant_config(std::string_view name);

}  // namespace parity::mutants
