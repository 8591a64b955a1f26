// media_stream.h: attachment encryption and decryption in chunks, so a 64 MiB video is
// never held whole (let alone three times: plaintext, ciphertext, a copy).
//
// Decryption design (the choice the format forces): the MAC and file_enc_sha256 sit at
// the end of the file, and no plaintext may be released before both verify. The
// decryptor therefore takes TWO PASSES over a re-readable input (a file, or a buffer):
//   pass 1  verify_update / verify_finish: SHA-256 of the whole file, HMAC over IV ||
//           ciphertext, the length, and the PKCS#7 padding of the last block (decrypted
//           alone from the last two ciphertext blocks), so pass 2 cannot fail on a
//           genuine file. Nothing is decrypted but that one block; nothing is released.
//   pass 2  decrypt_update / decrypt_finish: AES-256-CBC over the same bytes, one
//           EVP_CIPHER_CTX across chunks; refused until pass 1 succeeded.
// The alternative, buffering the ciphertext once, would hold the whole file in memory;
// two passes keep memory bounded by the chunk size. The price is that pass 2 must see
// the bytes pass 1 verified. SecondPass says who guarantees that:
//   same_bytes  the caller does (a buffer it holds and does not change between passes,
//               as decrypt_media does): pass 2 only checks the length.
//   recheck     the decryptor does (a file someone else might rewrite between passes):
//               pass 1 also records the SHA-256 of every 1 MiB segment, and pass 2
//               holds back each segment's plaintext until that segment's digest matches,
//               so changed bytes give inconsistent_input before their plaintext is
//               released. Memory: one segment, plus 32 bytes per MiB of file. Cost: two
//               more SHA-256 passes.
#pragma once

#include <cstdint>
#include <memory>

#include "reference/media/media.h"

namespace parity::media {

// kSegmentBytes is the unit SecondPass::recheck verifies pass 2 in (a multiple of the
// AES block, so each segment decrypts on its own in the one CBC context).
inline constexpr size_t kSegmentBytes = size_t{1} << 20;

// SecondPass says how pass 2 of a MediaDecryptor is bound to pass 1 (see above).
enum class SecondPass { same_bytes, recheck };

// EncryptedTail is what MediaEncryptor::finish gives: the last ciphertext bytes with the
// MAC appended (to write after everything update gave), and the digests.
struct EncryptedTail {
  Bytes tail;                 // last padded block(s) || 10-byte MAC
  Digest256 file_sha256{};    // SHA-256(plaintext)
  Digest256 file_enc_sha256{};  // SHA-256(ciphertext || MAC)
  uint64_t encrypted_size = 0;  // bytes of the whole encrypted file
};

// MediaEncryptor encrypts an attachment in chunks: update() returns the ciphertext bytes
// it can already give (CBC holds back a partial block), finish() the rest and the MAC.
class MediaEncryptor {
 public:
  // create sets up the contexts for one attachment under a given media key.
  static MediaResult<MediaEncryptor> create(MediaType type, const Key32& media_key);
  MediaEncryptor(MediaEncryptor&&) noexcept;
  MediaEncryptor& operator=(MediaEncryptor&&) noexcept;
  ~MediaEncryptor();

  // update encrypts a chunk and appends the ciphertext it yields to out_ (up to
  // chunk.size() + 15 bytes). Fails only if OpenSSL does, or after finish().
  MediaStatus update(ByteView chunk, Bytes* out_);
  // update is the allocating form: the ciphertext this chunk yields.
  MediaResult<Bytes> update(ByteView chunk);
  // finish pads, appends the MAC and returns the tail and the digests; once.
  MediaResult<EncryptedTail> finish();

 private:
  struct Impl;
  explicit MediaEncryptor(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// MediaDecryptor verifies and then decrypts an attachment in two passes (see above).
class MediaDecryptor {
 public:
  // create checks the sizes of media_key (32) and file_enc_sha256 (32).
  static MediaResult<MediaDecryptor> create(MediaType type, ByteView media_key, ByteView file_enc_sha256,
                                            SecondPass second_pass);
  MediaDecryptor(MediaDecryptor&&) noexcept;
  MediaDecryptor& operator=(MediaDecryptor&&) noexcept;
  ~MediaDecryptor();

  // verify_update feeds pass 1 the next chunk of the encrypted file.
  void verify_update(ByteView chunk);
  // verify_finish ends pass 1: truncated, bad_hash, bad_mac or bad_padding, in that
  // order, or ok. Nothing is released either way.
  MediaStatus verify_finish();
  // verified tells whether pass 1 succeeded.
  bool verified() const;

  // decrypt_update feeds pass 2 the next chunk of the same bytes and appends the
  // plaintext it releases to out_. Refused (invalid_argument) before verify_finish
  // succeeded; inconsistent_input when the bytes differ from pass 1's (recheck) or run
  // past its length.
  MediaStatus decrypt_update(ByteView chunk, Bytes* out_);
  // decrypt_finish ends pass 2 and appends the last plaintext bytes to out_.
  MediaStatus decrypt_finish(Bytes* out_);

 private:
  struct Impl;
  explicit MediaDecryptor(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace parity::media
