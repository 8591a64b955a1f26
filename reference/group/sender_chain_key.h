// sender_chain_key.h: a Sender Keys chain key and its iteration (libsignal-protocol-c
// sender_chain_key).
#pragma once

#include <cstdint>

#include "reference/group/sender_message_key.h"

#include "base/bytes.h"

namespace parity::group {

// SenderChainKey is the chain key of one sender key state; iteration is the iteration of
// the next message it makes a key for.
struct SenderChainKey {
  uint32_t iteration = 0;
  Key32 key{};

  // seed is HMAC-SHA256(key, 0x01): the message-key seed of message `iteration`.
  Key32 seed() const;
  // message_key expands seed() into the keys of message `iteration`.
  SenderMessageKey message_key() const;
  // next is HMAC-SHA256(key, 0x02) at iteration + 1. Callers check that iteration is not
  // UINT32_MAX (the cipher refuses to step past it).
  SenderChainKey next() const;
  bool operator==(const SenderChainKey&) const = default;
};

}  // namespace parity::group
