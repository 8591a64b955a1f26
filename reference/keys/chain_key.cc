#include "reference/keys/chain_key.h"

#include "reference/crypto/hash.h"
#include "reference/keys/kdf_labels.h"

namespace parity::signal {

Key32 ChainKey::message_key_seed() const {
  const uint8_t input = kMessageKeySeed;
  return hmac_sha256(key, ByteView(&input, 1));
}

MessageKeys ChainKey::message_keys() const {
  Key32 seed = message_key_seed();
  MessageKeys mk = MessageKeys::from_seed(seed, index);
  secure_wipe(seed.data(), seed.size());
  return mk;
}

ChainKey ChainKey::next() const {
  const uint8_t input = kChainKeySeed;
  return ChainKey{hmac_sha256(key, ByteView(&input, 1)), index + 1};
}

}  // namespace parity::signal
