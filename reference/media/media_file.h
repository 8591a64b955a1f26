// media_file.h: attachment encryption and decryption from file to file, streaming in
// chunks (memory stays a few MiB for a 64 MiB video). Used by `parity media`.
#pragma once

#include <cstdint>
#include <filesystem>

#include "reference/media/media_stream.h"

namespace parity::media {

// kFileChunkBytes is the read size of the file drivers.
inline constexpr size_t kFileChunkBytes = size_t{1} << 20;

// FileEncryption is what encrypt_media_file reports.
struct FileEncryption {
  Key32 media_key{};
  Digest256 file_sha256{};
  Digest256 file_enc_sha256{};
  uint64_t plaintext_size = 0;
  uint64_t encrypted_size = 0;
};

// encrypt_media_file encrypts `in` into `out` (created or truncated) under media_key.
MediaResult<FileEncryption> encrypt_media_file(MediaType type, const Key32& media_key, const std::filesystem::path& in,
                                               const std::filesystem::path& out);

// decrypt_media_file verifies `in` in a first pass and decrypts it in a second
// (SecondPass::recheck: `in` may change between the passes without unverified plaintext
// being released). The plaintext goes to `out`.part, renamed to `out` on success and
// removed on failure, so `out` never holds a partial or unverified file. Returns the
// plaintext size.
MediaResult<uint64_t> decrypt_media_file(MediaType type, ByteView media_key, ByteView file_enc_sha256,
                                         const std::filesystem::path& in, const std::filesystem::path& out);

}  // namespace parity::media
