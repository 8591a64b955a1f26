// sender_message_key.h: the keys of one group message (libsignal-protocol-c
// sender_message_key).
#pragma once

#include <array>
#include <cstdint>

#include "base/bytes.h"

namespace parity::group {

// SenderMessageKey is HKDF-SHA256(seed, salt 32 zero bytes, "WhisperGroup", 48) split as
// IV (16) then AES-256 key (32), with the seed it came from (kept skipped keys store the
// seed, as libsignal's SenderMessageKey structure does).
struct SenderMessageKey {
  uint32_t iteration = 0;
  Key32 seed{};
  std::array<uint8_t, 16> iv{};
  Key32 cipher_key{};

  static SenderMessageKey from_seed(uint32_t iteration, const Key32& seed);
  bool operator==(const SenderMessageKey&) const = default;
};

}  // namespace parity::group
