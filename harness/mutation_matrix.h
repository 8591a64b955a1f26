// mutation_matrix.h: the mutation matrix, in one place. For each mutant of the reference
// target (targets/reference/mutants), the MUST requirements that fail against it: the
// requirement it targets first, then the ones the same flaw breaks as a direct
// consequence (listed in docs/mutants.md with the reason). tests/mutants asserts the
// failing set is exactly this (a missing entry means a check does not bite, an extra one
// is a false alarm); `parity list --markdown` shows, per requirement, the mutants that
// must fail it.
#pragma once

#include <set>
#include <string>
#include <vector>

namespace parity::harness {

struct MutantRow {
  std::string mutant;               // the --mutant argument; "none" is the baseline itself
  std::string targets;              // the requirement the mutant is written against
  std::set<std::string> must_fail;  // every MUST requirement failing (verdict fail or error)
};

inline const std::vector<MutantRow>& mutation_matrix() {
  static const std::vector<MutantRow> rows = {
      {"none", "", {}},
      {"keep-used-keys", "FS-1", {"AKE-4", "FS-1", "FS-3", "ORD-1", "ORD-3", "ORD-4"}},
      {"no-dh-ratchet", "PCS-1", {"AKE-7", "PCS-1", "PCS-2", "PCS-3", "SIG-3"}},
      {"dh-every-second-turn", "PCS-1", {"PCS-1", "PCS-2", "PCS-3", "SIG-3"}},
      {"no-mac-check", "MSG-3", {"GRP-2", "MSG-3"}},
      {"advance-on-refusal", "MSG-4", {"AKE-7", "GRP-2", "GRP-3", "GRP-6", "MSG-3", "MSG-4"}},
      {"late-message-drops-current", "AKE-7", {"AKE-7"}},
      {"unbounded-skip", "DOS-1", {"DOS-1", "DOS-2", "FS-4"}},
      {"no-prekey-signature", "AKE-2", {"AKE-2"}},
      {"weak-randomness", "KEY-1", {"AKE-3", "GRP-3", "KEY-1"}},
      {"deterministic-encryption", "MSG-2", {"MSG-2"}},
      {"accept-reflection", "MSG-5", {"MSG-5"}},
      {"no-identity-binding", "AKE-3", {"AKE-3", "GRP-12", "GRP-3", "SIG-1", "SIG-2", "SIG-3", "SIG-4"}},
      {"keep-old-chains", "FS-4", {"DOS-2", "FS-4"}},
      {"keys-past-bound", "FS-4", {"DOS-2", "FS-4"}},
      {"small-bounds-keep-chains", "FS-4", {"DOS-2", "FS-4"}},
      // Group mutants (GroupHooks, reference/group/group_hooks.h).
      {"group-no-rotation-on-removal", "GRP-5", {"GRP-5"}},
      {"group-no-signature-check", "GRP-3", {"GRP-2", "GRP-3"}},
      {"group-replays-accepted", "GRP-4", {"GRP-1", "GRP-4", "GRP-7"}},
      {"group-distribution-rollback", "GRP-4", {"GRP-4"}},
      {"group-unbounded-jump", "GRP-8", {"GRP-8"}},
      {"group-joiner-gets-origin-chain", "GRP-6", {"GRP-6"}},
      {"group-control-not-bound", "GRP-9", {"GRP-9"}},
  };
  return rows;
}

// SoundRow is a sound alternative of the reference (`parity-target-reference --variant
// NAME`, targets/reference/variants): a protocol that differs from Signal wherever a
// provider's may (AEAD, KDF labels, chain constants, smaller declared bounds, its own
// protocol name) and keeps every security property. tests/mutants runs it and asserts
// that every check passes or is not applicable (no fail, no error, at any level): a
// failure is a false alarm of that check.
struct SoundRow {
  std::string variant;  // the --variant argument
  std::string profile;  // the profile its hello selects
  // must_pass are requirements at least one check of which must pass (not merely be not
  // applicable): the variant speaks that part of the protocol and is judged on it.
  std::set<std::string> must_pass;
};

inline const std::vector<SoundRow>& sound_variants() {
  static const std::vector<SoundRow> rows = {
      // alt keeps groups (Sender Keys with its own bounds), so every group MUST applies.
      {"alt", "equivalent", {"GRP-1", "GRP-2", "GRP-3", "GRP-4", "GRP-5", "GRP-6", "GRP-7", "GRP-8", "GRP-9"}},
  };
  return rows;
}

}  // namespace parity::harness
