// bundle.h: the PTP signal-v3 prekey bundle (a protobuf message, see docs/ptp.md).
#pragma once

#include <cstdint>
#include <optional>

#include "base/bytes.h"
#include "reference/crypto/xeddsa.h"

namespace parity::wire {

// Bundle is what a party publishes so another can start a session with it.
// Fields: 1 registration_id, 2 device_id, 3 prekey_id?, 4 prekey_public?,
// 5 signed_prekey_id, 6 signed_prekey_public, 7 signed_prekey_signature (64),
// 8 identity_key. Public keys are kept raw (32 bytes) and written as 0x05 || u.
struct Bundle {
  uint32_t registration_id = 0;
  uint32_t device_id = 1;
  std::optional<uint32_t> prekey_id;
  std::optional<Key32> prekey_public;
  uint32_t signed_prekey_id = 0;
  Key32 signed_prekey_public{};
  Signature64 signed_prekey_signature{};
  Key32 identity_key{};

  Bytes serialize() const;
  bool operator==(const Bundle&) const = default;
};

// BundleLayout gives the byte ranges of a serialised bundle that AKE-2 may tamper with.
struct BundleLayout {
  std::pair<size_t, size_t> identity;
  std::pair<size_t, size_t> signed_prekey;
  std::pair<size_t, size_t> signature;
};

// decode_bundle parses a bundle strictly: fields ascending, no unknown field, a prekey
// id exactly when there is a prekey, and every required field present.
Result<Bundle> decode_bundle(ByteView data);

// bundle_layout locates the authenticated ranges of a serialised bundle.
Result<BundleLayout> bundle_layout(ByteView data);

}  // namespace parity::wire
