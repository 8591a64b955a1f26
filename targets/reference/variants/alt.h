// alt.h: the sound alternative `alt`: the Double Ratchet of the baseline with another
// message scheme, another key schedule and smaller bounds, all declared:
// - messages: ChaCha20-Poly1305 (OpenSSL 3 EVP) under the message key, nonce the first 12
//   bytes of the message IV, associated data both identities (sender's, then
//   receiver's, 33 bytes each) and the message header; framed as Signal's protobuf with
//   version byte 0xa1 and no trailing MAC (the AEAD tag ends the ciphertext field);
// - key schedule: HKDF-SHA256 with its own info strings, chain constants 0x4d and 0x43;
// - bounds: max_skip 100, 100 skipped keys per chain, 3 receiving chains (oldest dropped);
// - groups: the baseline's Sender Keys with other bounds, kept and declared: a jump of at
//   most 1000, 1000 skipped keys per chain, 3 sender states per sender and group;
// - hello: protocol custom:parity-alt-1, so profile `equivalent`.
#pragma once

#include "targets/reference/reference_adapter.h"

namespace parity::variants {

// kAltKdf is the key schedule of `alt`.
inline constexpr signal::KdfConstants kAltKdf{
    .session_info = "ParityAlt1 session",
    .ratchet_info = "ParityAlt1 root step",
    .message_keys_info = "ParityAlt1 message keys",
    .message_key_seed = 0x4d,  // 'M'
    .chain_key_seed = 0x43,    // 'C'
};

// kAltVersionByte is the version byte of `alt` messages.
inline constexpr uint8_t kAltVersionByte = 0xa1;

// kAltRules are the bounds `alt` keeps and declares.
inline constexpr signal::RatchetRules kAltRules{.max_skip = 100, .max_message_keys = 100, .max_receiver_chains = 3};

// kAltGroupLimits are the group bounds `alt` keeps and declares.
inline constexpr ptp::GroupLimits kAltGroupLimits{.max_skip = 1000, .max_skipped_keys = 1000, .max_sender_states = 3};

// alt_scheme is the message scheme of `alt`.
std::shared_ptr<const signal::MessageScheme> alt_scheme();

// apply_alt makes `config_` the variant `alt`.
void apply_alt(ptp::ReferenceConfig& config_);

}  // namespace parity::variants
