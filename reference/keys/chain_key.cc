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

std::pair<MessageKeys, ChainKey> ChainKey::step() const {
  static const uint8_t kInputs[2] = {kMessageKeySeed, kChainKeySeed};
  const ByteView inputs[2] = {ByteView(&kInputs[0], 1), ByteView(&kInputs[1], 1)};
  Digest256 out[2];
  hmac_sha256_each(key, inputs, out);
  std::pair<MessageKeys, ChainKey> r{MessageKeys::from_seed(out[0], index), ChainKey{out[1], index + 1}};
  secure_wipe(out, sizeof out);
  return r;
}

ChainKey ChainKey::next() const {
  const uint8_t input = kChainKeySeed;
  return ChainKey{hmac_sha256(key, ByteView(&input, 1)), index + 1};
}

}  // namespace parity::signal
