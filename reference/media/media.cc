#include "reference/media/media.h"

#include <algorithm>

#include "reference/media/media_stream.h"

namespace parity::media {

std::string_view to_string(MediaType type) {
  switch (type) {
    case MediaType::image: return "image";
    case MediaType::video: return "video";
    case MediaType::audio: return "audio";
    case MediaType::document: return "document";
  }
  return "image";
}

std::optional<MediaType> parse_media_type(std::string_view s) {
  for (MediaType t : kMediaTypes) {
    if (to_string(t) == s) return t;
  }
  return std::nullopt;
}

std::string_view hkdf_info(MediaType type) {
  switch (type) {
    case MediaType::image: return kImageKeysInfo;
    case MediaType::video: return kVideoKeysInfo;
    case MediaType::audio: return kAudioKeysInfo;
    case MediaType::document: return kDocumentKeysInfo;
  }
  return kImageKeysInfo;
}

std::string_view to_string(MediaErrc code) {
  switch (code) {
    case MediaErrc::invalid_argument: return "invalid_argument";
    case MediaErrc::truncated: return "truncated";
    case MediaErrc::bad_hash: return "bad_hash";
    case MediaErrc::bad_mac: return "bad_mac";
    case MediaErrc::bad_padding: return "bad_padding";
    case MediaErrc::inconsistent_input: return "inconsistent_input";
    case MediaErrc::io_error: return "io_error";
    case MediaErrc::crypto_failure: return "crypto_failure";
  }
  return "crypto_failure";
}

Error to_error(const MediaError& e) {
  std::string detail = std::string(to_string(e.code)) + ": " + e.detail;
  switch (e.code) {
    case MediaErrc::invalid_argument: return make_error(Errc::invalid_argument, std::move(detail));
    // A file that is too short, or whose bytes changed, is a malformed message.
    case MediaErrc::truncated:
    case MediaErrc::inconsistent_input: return make_error(Errc::malformed, std::move(detail));
    // A wrong file_enc_sha256 is an integrity failure like a wrong MAC.
    case MediaErrc::bad_hash:
    case MediaErrc::bad_mac: return make_error(Errc::bad_mac, std::move(detail));
    case MediaErrc::bad_padding: return make_error(Errc::bad_padding, std::move(detail));
    case MediaErrc::crypto_failure: return make_error(Errc::crypto_failure, std::move(detail));
    case MediaErrc::io_error: return make_error(Errc::internal, std::move(detail));
  }
  return make_error(Errc::internal, std::move(detail));
}

void MediaKeys::wipe() {
  secure_wipe(iv.data(), iv.size());
  secure_wipe(cipher_key.data(), cipher_key.size());
  secure_wipe(mac_key.data(), mac_key.size());
  secure_wipe(ref_key.data(), ref_key.size());
}

MediaResult<MediaKeys> expand_media_key(MediaType type, ByteView media_key) {
  if (media_key.size() != kMediaKeyBytes) {
    return make_media_error(MediaErrc::invalid_argument,
                            "media key must be 32 bytes, got " + std::to_string(media_key.size()));
  }
  std::string_view info = hkdf_info(type);
  // No salt: hkdf_sha256 then extracts with 32 zero bytes, which HMAC treats exactly like
  // the empty salt the clients pass.
  auto okm = hkdf_sha256(media_key, {}, ByteView(reinterpret_cast<const uint8_t*>(info.data()), info.size()),
                         kExpandedKeyBytes);
  if (!okm.ok()) return make_media_error(MediaErrc::crypto_failure, okm.error().detail);
  Bytes& b = *okm;
  MediaKeys k;
  auto at = b.begin();
  std::copy_n(at, kIvBytes, k.iv.begin());
  at += kIvBytes;
  std::copy_n(at, kCipherKeyBytes, k.cipher_key.begin());
  at += kCipherKeyBytes;
  std::copy_n(at, kMacKeyBytes, k.mac_key.begin());
  at += kMacKeyBytes;
  std::copy_n(at, kRefKeyBytes, k.ref_key.begin());
  secure_wipe(b.data(), b.size());
  return k;
}

MediaResult<EncryptedMedia> encrypt_media(MediaType type, ByteView plaintext, Rng& rng) {
  return encrypt_media(type, plaintext, rng.key32());
}

MediaResult<EncryptedMedia> encrypt_media(MediaType type, ByteView plaintext, const Key32& media_key) {
  auto enc = MediaEncryptor::create(type, media_key);
  if (!enc.ok()) return enc.error();
  EncryptedMedia out;
  out.media_key = media_key;
  // One allocation: the ciphertext is the plaintext padded to a whole block, plus the MAC.
  out.encrypted.reserve(plaintext.size() + kBlockBytes + kMacBytes);
  if (MediaStatus st = enc->update(plaintext, &out.encrypted); !st.ok()) return st.error();
  auto tail = enc->finish();
  if (!tail.ok()) return tail.error();
  out.encrypted.insert(out.encrypted.end(), tail->tail.begin(), tail->tail.end());
  out.file_sha256 = tail->file_sha256;
  out.file_enc_sha256 = tail->file_enc_sha256;
  return out;
}

MediaResult<Bytes> decrypt_media(MediaType type, ByteView media_key, ByteView encrypted, ByteView file_enc_sha256) {
  // The caller's buffer cannot change during the call: pass 2 need not re-hash it.
  auto dec = MediaDecryptor::create(type, media_key, file_enc_sha256, SecondPass::same_bytes);
  if (!dec.ok()) return dec.error();
  dec->verify_update(encrypted);
  if (MediaStatus st = dec->verify_finish(); !st.ok()) return st.error();
  Bytes plaintext;
  plaintext.reserve(encrypted.size() + 2 * kBlockBytes);  // decrypt_update asks for one block of slack
  if (MediaStatus st = dec->decrypt_update(encrypted, &plaintext); !st.ok()) return st.error();
  if (MediaStatus st = dec->decrypt_finish(&plaintext); !st.ok()) return st.error();
  return plaintext;
}

}  // namespace parity::media
