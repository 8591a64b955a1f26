#include "reference/group/sender_message_key.h"

#include <algorithm>
#include <cstdlib>

#include "reference/crypto/hash.h"
#include "reference/group/group_labels.h"

namespace parity::group {

SenderMessageKey SenderMessageKey::from_seed(uint32_t iteration, const Key32& seed) {
  // libsignal-protocol-c passes an explicit salt of 32 zero bytes; hkdf_sha256 treats an
  // empty salt as exactly that (RFC 5869 2.2), so both spellings derive the same bytes.
  const Key32 salt{};
  const ByteView info{reinterpret_cast<const uint8_t*>(kWhisperGroupInfo.data()), kWhisperGroupInfo.size()};
  auto okm = hkdf_sha256(seed, salt, info, kSenderMessageKeyLength);
  if (!okm.ok()) std::abort();  // a fixed, valid length cannot fail
  SenderMessageKey mk;
  mk.iteration = iteration;
  mk.seed = seed;
  const Bytes& b = okm.value();
  std::copy_n(b.begin(), kSenderIvLength, mk.iv.begin());
  std::copy_n(b.begin() + kSenderIvLength, 32, mk.cipher_key.begin());
  secure_wipe(okm.value().data(), okm.value().size());
  return mk;
}

}  // namespace parity::group
