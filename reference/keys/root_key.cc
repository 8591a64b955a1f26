#include "reference/keys/root_key.h"

#include <algorithm>
#include <cstdlib>

#include "reference/crypto/hash.h"
#include "reference/crypto/x25519.h"

namespace parity::signal {

RootStep RootKey::kdf(const Key32& dh_output, const KdfConstants& constants) const {
  auto okm = hkdf_sha256(dh_output, key, label_bytes(constants.ratchet_info), 64);
  if (!okm.ok()) std::abort();
  RootStep step;
  std::copy_n(okm->begin(), 32, step.root.key.begin());
  std::copy_n(okm->begin() + 32, 32, step.chain.key.begin());
  step.chain.index = 0;
  secure_wipe(okm->data(), okm->size());
  return step;
}

RootStep RootKey::create_chain(const Key32& their_ratchet, const KeyPair& ours, const KdfConstants& constants) const {
  Key32 shared = x25519(ours, their_ratchet);
  RootStep step = kdf(shared, constants);
  secure_wipe(shared.data(), shared.size());
  return step;
}

}  // namespace parity::signal
