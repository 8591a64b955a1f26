// root_key.h: the root key and the DH ratchet step (KDF_RK).
#pragma once

#include "base/bytes.h"
#include "reference/crypto/x25519.h"
#include "reference/keys/chain_key.h"
#include "reference/keys/kdf_labels.h"

namespace parity::signal {

struct RootKey;

// RootStep is the result of one root-key step: the next root key and a new chain.
struct RootStep;

// RootKey is the Double Ratchet root key.
struct RootKey {
  Key32 key{};

  // kdf splits HKDF-SHA256(ikm = dh_output, salt = key, info = "WhisperRatchet"
  // (constants.ratchet_info), 64) into the next root key and a chain key at index 0.
  RootStep kdf(const Key32& dh_output, const KdfConstants& constants = kSignalKdf) const;
  // create_chain is kdf(X25519(ours, their_ratchet)).
  RootStep create_chain(const Key32& their_ratchet, const KeyPair& ours,
                        const KdfConstants& constants = kSignalKdf) const;
  bool operator==(const RootKey&) const = default;
};

struct RootStep {
  RootKey root;
  ChainKey chain;
};

}  // namespace parity::signal
