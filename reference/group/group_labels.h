// group_labels.h: the constants of libsignal-protocol-c 2.3.3's group cipher (Sender
// Keys) and of WhatsApp's group wrapper, named once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace parity::group {

// kSenderMessageKeySeed is the HMAC input that turns a sender chain key into a message-key
// seed (sender_chain_key.c MESSAGE_KEY_SEED).
inline constexpr uint8_t kSenderMessageKeySeed = 0x01;
// kSenderChainKeySeed is the HMAC input that advances a sender chain key (CHAIN_KEY_SEED).
inline constexpr uint8_t kSenderChainKeySeed = 0x02;
// kWhisperGroupInfo is the HKDF info of the sender message key expansion. libsignal-protocol-c
// passes a salt of 32 zero bytes; RFC 5869 treats an absent salt as HashLen zero bytes, so the
// Java ports' unsalted HKDFv3 derive the same keys.
inline constexpr std::string_view kWhisperGroupInfo = "WhisperGroup";
// kSenderMessageKeyLength is the expanded length: IV (16) then AES-256 key (32).
inline constexpr size_t kSenderMessageKeyLength = 48;
inline constexpr size_t kSenderIvLength = 16;
// kSenderKeyVersionByte is CIPHERTEXT_CURRENT_VERSION (3) in both nibbles.
inline constexpr uint8_t kSenderKeyVersionByte = 0x33;
// kSenderKeySignatureLength is the XEdDSA signature that ends a SenderKeyMessage.
inline constexpr size_t kSenderKeySignatureLength = 64;
// kMaxGroupSkip is the largest forward jump from the next expected iteration
// (group_cipher.c refuses iteration - chain iteration > 2000).
inline constexpr uint32_t kMaxGroupSkip = 2000;
// kMaxGroupSkippedKeys is the number of skipped message keys a sender key state keeps
// (sender_key_state.c MAX_MESSAGE_KEYS), oldest evicted first.
inline constexpr size_t kMaxGroupSkippedKeys = 2000;
// kMaxSenderStates is the number of states a sender key record keeps (MAX_STATES), the
// current one included.
inline constexpr size_t kMaxSenderStates = 5;
// kSenderKeyIdBound bounds key ids: key_helper's sender key id is a random 31-bit value.
inline constexpr uint32_t kSenderKeyIdBound = 0x80000000u;

// Control envelope kinds: the pairwise Signal message kind prefixed to a control delivery.
inline constexpr uint8_t kControlPrekey = 0x01;
inline constexpr uint8_t kControlMessage = 0x02;

}  // namespace parity::group
