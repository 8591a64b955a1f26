#include "reference/mutant.h"

namespace parity::signal {

const std::vector<MutantInfo>& mutants() {
  static const std::vector<MutantInfo> all = {
      {Mutant::none, "none", "the Signal baseline, no flaw"},
      {Mutant::keep_used_keys, "keep-used-keys", "keeps message keys after use (a later clone reads old messages)"},
      {Mutant::no_dh_ratchet, "no-dh-ratchet", "never takes a DH ratchet step (no healing after compromise)"},
      {Mutant::dh_every_second_turn, "dh-every-second-turn",
       "every second ratchet key is derived from the previous one (heals a round trip later)"},
      {Mutant::no_mac_check, "no-mac-check", "does not verify message MACs"},
      {Mutant::advance_on_refusal, "advance-on-refusal", "a message refused for its MAC still advances the chain"},
      {Mutant::unbounded_skip, "unbounded-skip", "no bound on skipped message keys"},
      {Mutant::no_prekey_signature, "no-prekey-signature", "does not verify the signed prekey's signature"},
      {Mutant::weak_randomness, "weak-randomness", "every party draws the same keys"},
      {Mutant::deterministic_encryption, "deterministic-encryption",
       "encrypting the same plaintext again repeats the ciphertext"},
      {Mutant::accept_reflection, "accept-reflection", "accepts its own messages reflected back to it"},
      {Mutant::no_identity_binding, "no-identity-binding",
       "MAC without identities, and a message is tried against every session (unknown key share)"},
      {Mutant::keep_old_chains, "keep-old-chains", "never drops old receiving chains"},
  };
  return all;
}

std::optional<Mutant> parse_mutant(std::string_view name) {
  for (const MutantInfo& m : mutants()) {
    if (m.name == name) return m.mutant;
  }
  return std::nullopt;
}

std::string_view to_string(Mutant m) {
  for (const MutantInfo& info : mutants()) {
    if (info.mutant == m) return info.name;
  }
  return "none";
}

}  // namespace parity::signal
