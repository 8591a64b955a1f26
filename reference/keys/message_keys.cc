#include "reference/keys/message_keys.h"

#include <algorithm>
#include <cstdlib>

#include "reference/crypto/hash.h"

namespace parity::signal {

MessageKeys MessageKeys::from_seed(const Key32& seed, uint32_t counter, const KdfConstants& kdf) {
  auto okm = hkdf_sha256(seed, {}, label_bytes(kdf.message_keys_info), kMessageKeysLength);
  if (!okm.ok()) std::abort();  // a fixed, valid length cannot fail
  MessageKeys mk;
  const Bytes& b = okm.value();
  std::copy_n(b.begin(), 32, mk.cipher_key.begin());
  std::copy_n(b.begin() + 32, 32, mk.mac_key.begin());
  std::copy_n(b.begin() + 64, 16, mk.iv.begin());
  mk.counter = counter;
  secure_wipe(okm.value().data(), okm.value().size());
  return mk;
}

}  // namespace parity::signal
