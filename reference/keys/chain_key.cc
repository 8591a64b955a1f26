#include "reference/keys/chain_key.h"

#include "reference/crypto/hash.h"

namespace parity::signal {

Key32 ChainKey::message_key_seed(const KdfConstants& kdf) const {
  const uint8_t input = kdf.message_key_seed;
  return hmac_sha256(key, ByteView(&input, 1));
}

MessageKeys ChainKey::message_keys(const KdfConstants& kdf) const {
  Key32 seed = message_key_seed(kdf);
  MessageKeys mk = MessageKeys::from_seed(seed, index, kdf);
  secure_wipe(seed.data(), seed.size());
  return mk;
}

std::pair<MessageKeys, ChainKey> ChainKey::step(const KdfConstants& kdf) const {
  const uint8_t inputs_bytes[2] = {kdf.message_key_seed, kdf.chain_key_seed};
  const ByteView inputs[2] = {ByteView(&inputs_bytes[0], 1), ByteView(&inputs_bytes[1], 1)};
  Digest256 out[2];
  hmac_sha256_each(key, inputs, out);
  std::pair<MessageKeys, ChainKey> r{MessageKeys::from_seed(out[0], index, kdf), ChainKey{out[1], index + 1}};
  secure_wipe(out, sizeof out);
  return r;
}

ChainKey ChainKey::next(const KdfConstants& kdf) const {
  const uint8_t input = kdf.chain_key_seed;
  return ChainKey{hmac_sha256(key, ByteView(&input, 1)), index + 1};
}

}  // namespace parity::signal
