// mutant.h: deliberate flaws the reference can be built to have, one at a time, so the
// suite can prove that each check detects the flaw it is written for
// (`parity-target-reference --mutant NAME`). Mutant::none is the Signal baseline.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace parity::signal {

// Mutant names one flaw.
enum class Mutant {
  none,
  keep_used_keys,         // message keys stay in the state after they decrypted
  no_dh_ratchet,          // the DH ratchet never turns: one sending chain for ever
  dh_every_second_turn,   // every second new ratchet key is derived from the previous one
  no_mac_check,           // the MAC of a message is not verified
  advance_on_refusal,     // a message refused for its MAC still moves the receiving chain
  unbounded_skip,         // no bound on how far ahead a counter may jump
  no_prekey_signature,    // a bundle's signed prekey signature is not verified
  weak_randomness,        // every party draws the same sequence of keys
  deterministic_encryption,  // the same plaintext again gives the same ciphertext again
  accept_reflection,      // a party's own message, reflected back to it, decrypts
  no_identity_binding,    // the MAC omits the identities and every session is tried
  keep_old_chains,        // receiving chains are never dropped
};

// MutantInfo describes a mutant for --help and docs.
struct MutantInfo {
  Mutant mutant;
  std::string_view name;         // the --mutant argument
  std::string_view description;
};

const std::vector<MutantInfo>& mutants();
std::optional<Mutant> parse_mutant(std::string_view name);
std::string_view to_string(Mutant m);

}  // namespace parity::signal
