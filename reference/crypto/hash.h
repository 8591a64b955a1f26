// hash.h: SHA-256, SHA-512, HMAC-SHA256 and HKDF-SHA256 on OpenSSL 3 EVP.
#pragma once

#include <array>
#include <span>

#include "base/bytes.h"

namespace parity {

using Digest256 = std::array<uint8_t, 32>;
using Digest512 = std::array<uint8_t, 64>;

// sha256 hashes data with SHA-256.
Digest256 sha256(ByteView data);
// sha512 hashes data with SHA-512.
Digest512 sha512(ByteView data);

// hmac_sha256 computes HMAC-SHA256(key, data) (RFC 2104); any key length.
Digest256 hmac_sha256(ByteView key, ByteView data);

// hmac_sha256_each computes HMAC-SHA256 under one key for each input, setting the key
// up once (a chain key makes a message-key seed and the next chain key this way).
void hmac_sha256_each(ByteView key, std::span<const ByteView> inputs, Digest256* out_);

// Hmac256 is an incremental HMAC-SHA256, for MACs over several parts.
class Hmac256 {
 public:
  explicit Hmac256(ByteView key);
  ~Hmac256();
  Hmac256(const Hmac256&) = delete;
  Hmac256& operator=(const Hmac256&) = delete;
  void update(ByteView data);
  Digest256 final();

 private:
  void* ctx_;  // EVP_MAC_CTX
};

// Sha256Stream is an incremental SHA-256, for hashing large inputs piece by piece.
class Sha256Stream {
 public:
  Sha256Stream();
  ~Sha256Stream();
  Sha256Stream(const Sha256Stream&) = delete;
  Sha256Stream& operator=(const Sha256Stream&) = delete;
  void update(ByteView data);
  Digest256 final();

 private:
  void* ctx_;  // EVP_MD_CTX
};

// hkdf_sha256 derives `length` bytes (0 to 8160) by RFC 5869: extract with `salt` (an
// empty salt means 32 zero bytes) and expand with `info`.
Result<Bytes> hkdf_sha256(ByteView ikm, ByteView salt, ByteView info, size_t length);

}  // namespace parity
