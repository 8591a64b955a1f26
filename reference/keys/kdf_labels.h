// kdf_labels.h: the KDF labels and constants of libsignal-protocol-c, named once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/bytes.h"

namespace parity::signal {

// kSessionInfo is the HKDF info of the X3DH master secret ("WhisperText").
inline constexpr std::string_view kSessionInfo = "WhisperText";
// kRatchetInfo is the HKDF info of the root-key step ("WhisperRatchet").
inline constexpr std::string_view kRatchetInfo = "WhisperRatchet";
// kMessageKeysInfo is the HKDF info of the message-key expansion ("WhisperMessageKeys").
inline constexpr std::string_view kMessageKeysInfo = "WhisperMessageKeys";
// kMessageKeySeed is the HMAC input that turns a chain key into a message-key seed.
inline constexpr uint8_t kMessageKeySeed = 0x01;
// kChainKeySeed is the HMAC input that advances a chain key.
inline constexpr uint8_t kChainKeySeed = 0x02;
// kDiscontinuityByte fills the 32 bytes that precede the X3DH DH outputs.
inline constexpr uint8_t kDiscontinuityByte = 0xff;
// kMessageKeysLength is the length of the expanded message-key material: cipher key
// (32), MAC key (32), IV (16).
inline constexpr size_t kMessageKeysLength = 80;
// kMacLength is the truncated MAC length of a SignalMessage.
inline constexpr size_t kMacLength = 8;
// kCiphertextVersion is the protocol version carried in both nibbles of the version byte.
inline constexpr uint8_t kCiphertextVersion = 3;
inline constexpr uint8_t kVersionByte = (kCiphertextVersion << 4) | kCiphertextVersion;
// kKeyType is the type byte of a serialised Curve25519 public key.
inline constexpr uint8_t kKeyType = 0x05;

// KdfConstants are the labels and constants the key schedule derives with; a variant of
// the baseline (session_policy.h) may use its own. The defaults are Signal's, above.
struct KdfConstants {
  std::string_view session_info = kSessionInfo;           // HKDF info of the X3DH master secret
  std::string_view ratchet_info = kRatchetInfo;           // HKDF info of the root-key step
  std::string_view message_keys_info = kMessageKeysInfo;  // HKDF info of the message-key expansion
  uint8_t message_key_seed = kMessageKeySeed;             // HMAC input: chain key -> message-key seed
  uint8_t chain_key_seed = kChainKeySeed;                 // HMAC input: chain key -> next chain key
  bool operator==(const KdfConstants&) const = default;
};

// kSignalKdf is Signal's key schedule.
inline constexpr KdfConstants kSignalKdf{};

// label_bytes views a label as the bytes HKDF takes, without a copy.
inline ByteView label_bytes(std::string_view label) {
  return {reinterpret_cast<const uint8_t*>(label.data()), label.size()};
}

// kMaxSkip is the largest counter jump accepted within a receiving chain.
inline constexpr uint32_t kMaxSkip = 2000;
// kMaxMessageKeys is the number of skipped message keys kept per receiving chain.
inline constexpr size_t kMaxMessageKeys = 2000;
// kMaxReceiverChains is the number of receiving chains a session state keeps.
inline constexpr size_t kMaxReceiverChains = 5;
// kMaxArchivedStates is the number of earlier session states a record keeps.
inline constexpr size_t kMaxArchivedStates = 40;
// kMaxPrekeyId is the largest one-time prekey id (PRE_KEY_MEDIUM_MAX_VALUE).
inline constexpr uint32_t kMaxPrekeyId = 0xffffff;

}  // namespace parity::signal
