// chain_key.h: a sending or receiving chain key and its index.
#pragma once

#include <cstdint>
#include <utility>

#include "base/bytes.h"
#include "reference/keys/kdf_labels.h"
#include "reference/keys/message_keys.h"

namespace parity::signal {

// ChainKey is a symmetric-ratchet chain key; index counts the steps taken from the
// chain's start and is the counter of the next message.
struct ChainKey {
  Key32 key{};
  uint32_t index = 0;

  // message_key_seed is HMAC-SHA256(key, 0x01) (kdf.message_key_seed).
  Key32 message_key_seed(const KdfConstants& kdf = kSignalKdf) const;
  // message_keys expands the seed into the keys of message `index`.
  MessageKeys message_keys(const KdfConstants& kdf = kSignalKdf) const;
  // next is HMAC-SHA256(key, 0x02) (kdf.chain_key_seed) at index + 1.
  ChainKey next(const KdfConstants& kdf = kSignalKdf) const;
  // step returns message_keys() and next() together, keying the HMAC once.
  std::pair<MessageKeys, ChainKey> step(const KdfConstants& kdf = kSignalKdf) const;
  bool operator==(const ChainKey&) const = default;
};

}  // namespace parity::signal
