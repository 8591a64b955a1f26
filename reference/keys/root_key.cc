#include "reference/keys/root_key.h"

#include <algorithm>
#include <cstdlib>

#include "reference/crypto/hash.h"
#include "reference/crypto/x25519.h"
#include "reference/keys/kdf_labels.h"

namespace parity::signal {

RootStep RootKey::kdf(const Key32& dh_output) const {
  static const Bytes kInfo = to_bytes(kRatchetInfo);  // built once: hot path
  auto okm = hkdf_sha256(dh_output, key, kInfo, 64);
  if (!okm.ok()) std::abort();
  RootStep step;
  std::copy_n(okm->begin(), 32, step.root.key.begin());
  std::copy_n(okm->begin() + 32, 32, step.chain.key.begin());
  step.chain.index = 0;
  secure_wipe(okm->data(), okm->size());
  return step;
}

RootStep RootKey::create_chain(const Key32& their_ratchet, const KeyPair& ours) const {
  Key32 shared = x25519(ours, their_ratchet);
  RootStep step = kdf(shared);
  secure_wipe(shared.data(), shared.size());
  return step;
}

}  // namespace parity::signal
