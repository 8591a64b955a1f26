// media.h: attachment encryption as the gatekeeper's clients do it (WhatsApp/Messenger
// media): types, typed errors, key expansion and the whole-buffer functions. The streaming
// encryptor and decryptor are in media_stream.h, the file drivers in media_file.h.
//
// Format (constants in media_labels.h):
//   media_key  32 random bytes, sent inside the end-to-end-encrypted message
//   expanded   HKDF-SHA256(ikm = media_key, no salt, info = "WhatsApp <Type> Keys", 112)
//              = IV (16) | cipher key (32) | MAC key (32) | ref key (32, unused here)
//   encrypted  AES-256-CBC(cipher key, IV, PKCS#7(plaintext)) || MAC
//   MAC        the first 10 bytes of HMAC-SHA256(MAC key, IV || ciphertext)
//   file_sha256      SHA-256(plaintext)
//   file_enc_sha256  SHA-256(encrypted), i.e. over ciphertext || MAC
// The IV is derived, never transmitted.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "base/bytes.h"
#include "reference/crypto/hash.h"
#include "reference/crypto/random.h"
#include "reference/media/media_labels.h"
#include "base/result.h"

namespace parity::media {

// MediaType selects the HKDF label; the four are the ones PTP's `media_type` names.
enum class MediaType { image, video, audio, document };

// kMediaTypes lists every media type, in PTP's order.
inline constexpr std::array<MediaType, 4> kMediaTypes = {MediaType::image, MediaType::video, MediaType::audio,
                                                         MediaType::document};

// to_string gives PTP's spelling of a media type ("image", ...).
std::string_view to_string(MediaType type);
// parse_media_type reads PTP's spelling; anything else has no type.
std::optional<MediaType> parse_media_type(std::string_view s);
// hkdf_info returns the HKDF info label of a media type.
std::string_view hkdf_info(MediaType type);

// MediaErrc names each way an attachment operation fails. The order of the decryptor's
// checks decides which code a damaged file gets: length, then file_enc_sha256, then
// MAC, then padding (see MediaDecryptor).
enum class MediaErrc {
  invalid_argument,    // a key or digest of the wrong size, or an API misuse (plaintext before verification)
  truncated,           // the length cannot be ciphertext || MAC: under 26 bytes, or not 10 more than a multiple of 16
  bad_hash,            // SHA-256 of the encrypted file differs from file_enc_sha256
  bad_mac,             // the 10-byte MAC does not verify (tampering, or keys of another media type)
  bad_padding,         // PKCS#7 padding is wrong under a valid MAC (a broken sender)
  inconsistent_input,  // the second pass read other bytes than the verified first pass
  io_error,            // a file could not be read or written
  crypto_failure,      // OpenSSL refused an operation
};

// to_string returns the enum name of a media error code.
std::string_view to_string(MediaErrc code);

// MediaError is a typed media error with a detail for people.
struct MediaError {
  MediaErrc code = MediaErrc::crypto_failure;
  std::string detail;
};

// to_error maps a media error onto the reference's Errc (and so onto PTP's codes):
// refusals of the file become bad_mac / bad_padding / malformed (PTP invalid_message),
// argument errors invalid_argument (PTP bad_request), the rest internal.
Error to_error(const MediaError& e);

inline MediaError make_media_error(MediaErrc code, std::string detail = {}) {
  return MediaError{code, std::move(detail)};
}

// MediaResult holds a value of T or a MediaError, like Result<T> with the media codes.
template <class T>
using MediaResult = BasicResult<T, MediaError>;
using MediaStatus = MediaResult<void>;

using Iv = std::array<uint8_t, kIvBytes>;
using Mac10 = std::array<uint8_t, kMacBytes>;

// MediaKeys are the four parts of the expanded media key.
struct MediaKeys {
  Iv iv{};
  Key32 cipher_key{};
  Key32 mac_key{};
  Key32 ref_key{};
  // wipe overwrites every key.
  void wipe();
};

// expand_media_key derives the keys of one media type from a 32-byte media key.
MediaResult<MediaKeys> expand_media_key(MediaType type, ByteView media_key);

// EncryptedMedia is what encryption gives: the key to send, the file to upload, and
// the two digests the message carries.
struct EncryptedMedia {
  Key32 media_key{};
  Bytes encrypted;  // ciphertext || 10-byte MAC
  Digest256 file_sha256{};
  Digest256 file_enc_sha256{};
};

// encrypt_media encrypts a whole buffer under a fresh media key drawn from rng.
MediaResult<EncryptedMedia> encrypt_media(MediaType type, ByteView plaintext, Rng& rng);
// encrypt_media encrypts a whole buffer under a given media key (known answers).
MediaResult<EncryptedMedia> encrypt_media(MediaType type, ByteView plaintext, const Key32& media_key);

// decrypt_media checks the length, file_enc_sha256, the MAC and the padding of a whole
// encrypted file, and only then decrypts it. media_key: 32 bytes; file_enc_sha256: 32 bytes.
MediaResult<Bytes> decrypt_media(MediaType type, ByteView media_key, ByteView encrypted, ByteView file_enc_sha256);

}  // namespace parity::media
