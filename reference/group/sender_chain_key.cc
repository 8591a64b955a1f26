#include "reference/group/sender_chain_key.h"

#include "reference/crypto/hash.h"
#include "reference/group/group_labels.h"

namespace parity::group {

namespace {

Key32 derive(const Key32& key, uint8_t input) {
  const uint8_t data[1] = {input};
  return hmac_sha256(key, data);
}

}  // namespace

Key32 SenderChainKey::seed() const {
  return derive(key, kSenderMessageKeySeed);
}

SenderMessageKey SenderChainKey::message_key() const {
  return SenderMessageKey::from_seed(iteration, seed());
}

SenderChainKey SenderChainKey::next() const {
  return SenderChainKey{iteration + 1, derive(key, kSenderChainKeySeed)};
}

}  // namespace parity::group
