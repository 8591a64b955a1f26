// message_keys.h: the keys that encrypt and authenticate one message.
#pragma once

#include <array>
#include <cstdint>

#include "base/bytes.h"
#include "reference/keys/kdf_labels.h"

namespace parity::signal {

// MessageKeys is the 80-byte expansion of a message-key seed: AES-256-CBC key, HMAC
// key and IV, with the counter of the message they belong to.
struct MessageKeys {
  Key32 cipher_key{};
  Key32 mac_key{};
  std::array<uint8_t, 16> iv{};
  uint32_t counter = 0;

  // from_seed expands seed with HKDF-SHA256 (zero salt, "WhisperMessageKeys"
  // (kdf.message_keys_info), 80 bytes).
  static MessageKeys from_seed(const Key32& seed, uint32_t counter, const KdfConstants& kdf = kSignalKdf);
  bool operator==(const MessageKeys&) const = default;
};

}  // namespace parity::signal
