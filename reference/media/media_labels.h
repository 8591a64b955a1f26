// media_labels.h: every constant of the attachment format of the gatekeeper's clients
// (WhatsApp/Messenger media), in one place. The rest of reference/media reads them from here.
#pragma once

#include <cstddef>
#include <string_view>

namespace parity::media {

// kImageKeysInfo and its siblings are the HKDF-SHA256 `info` labels, one per media type:
// a key expanded for one type is useless for another (the MAC fails).
inline constexpr std::string_view kImageKeysInfo = "WhatsApp Image Keys";
inline constexpr std::string_view kVideoKeysInfo = "WhatsApp Video Keys";
inline constexpr std::string_view kAudioKeysInfo = "WhatsApp Audio Keys";
inline constexpr std::string_view kDocumentKeysInfo = "WhatsApp Document Keys";

// kMediaKeyBytes is the size of the fresh random media key sent in the message.
inline constexpr size_t kMediaKeyBytes = 32;
// kExpandedKeyBytes is the HKDF output (no salt): IV | cipher key | MAC key | ref key.
inline constexpr size_t kExpandedKeyBytes = 112;
inline constexpr size_t kIvBytes = 16;
inline constexpr size_t kCipherKeyBytes = 32;
inline constexpr size_t kMacKeyBytes = 32;
inline constexpr size_t kRefKeyBytes = 32;
static_assert(kIvBytes + kCipherKeyBytes + kMacKeyBytes + kRefKeyBytes == kExpandedKeyBytes);

// kBlockBytes is the AES block; the ciphertext is AES-256-CBC with PKCS#7 padding, so it
// is a positive multiple of it.
inline constexpr size_t kBlockBytes = 16;
// kMacBytes is the length of the truncated HMAC-SHA256(MAC key, IV || ciphertext)
// appended to the ciphertext.
inline constexpr size_t kMacBytes = 10;
// kMinEncryptedBytes is the shortest encrypted file: one padding block and the MAC.
inline constexpr size_t kMinEncryptedBytes = kBlockBytes + kMacBytes;

}  // namespace parity::media
