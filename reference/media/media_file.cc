#include "reference/media/media_file.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

namespace parity::media {

namespace {

struct FileClose {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
using File = std::unique_ptr<std::FILE, FileClose>;

MediaError io(const std::filesystem::path& p, const char* what) {
  return make_media_error(MediaErrc::io_error, p.string() + ": cannot " + what + ": " + std::strerror(errno));
}

MediaResult<File> open(const std::filesystem::path& p, const char* mode) {
  File f(std::fopen(p.c_str(), mode));
  if (!f) return io(p, mode[0] == 'r' ? "open for reading" : "open for writing");
  return f;
}

// read_chunk reads up to buf.size() bytes; 0 means end of file.
MediaResult<size_t> read_chunk(std::FILE* f, Bytes& buf, const std::filesystem::path& p) {
  size_t n = std::fread(buf.data(), 1, buf.size(), f);
  if (n < buf.size() && std::ferror(f) != 0) return io(p, "read");
  return n;
}

MediaStatus write_all(std::FILE* f, ByteView b, const std::filesystem::path& p) {
  if (!b.empty() && std::fwrite(b.data(), 1, b.size(), f) != b.size()) return io(p, "write");
  return {};
}

}  // namespace

MediaResult<FileEncryption> encrypt_media_file(MediaType type, const Key32& media_key, const std::filesystem::path& in,
                                               const std::filesystem::path& out) {
  auto enc = MediaEncryptor::create(type, media_key);
  if (!enc.ok()) return enc.error();
  auto src = open(in, "rb");
  if (!src.ok()) return src.error();
  auto dst = open(out, "wb");
  if (!dst.ok()) return dst.error();
  FileEncryption r;
  r.media_key = media_key;
  Bytes buf(kFileChunkBytes);
  Bytes ct;
  ct.reserve(kFileChunkBytes + kBlockBytes);
  for (;;) {
    auto n = read_chunk(src->get(), buf, in);
    if (!n.ok()) return n.error();
    if (*n == 0) break;
    r.plaintext_size += *n;
    ct.clear();
    if (MediaStatus st = enc->update(ByteView(buf).first(*n), &ct); !st.ok()) return st.error();
    if (MediaStatus st = write_all(dst->get(), ct, out); !st.ok()) return st.error();
  }
  auto tail = enc->finish();
  if (!tail.ok()) return tail.error();
  if (MediaStatus st = write_all(dst->get(), tail->tail, out); !st.ok()) return st.error();
  if (std::fclose(dst->release()) != 0) return io(out, "close");
  r.file_sha256 = tail->file_sha256;
  r.file_enc_sha256 = tail->file_enc_sha256;
  r.encrypted_size = tail->encrypted_size;
  secure_wipe(buf.data(), buf.size());
  return r;
}

MediaResult<uint64_t> decrypt_media_file(MediaType type, ByteView media_key, ByteView file_enc_sha256,
                                         const std::filesystem::path& in, const std::filesystem::path& out) {
  auto dec = MediaDecryptor::create(type, media_key, file_enc_sha256, SecondPass::recheck);
  if (!dec.ok()) return dec.error();
  auto src = open(in, "rb");
  if (!src.ok()) return src.error();
  Bytes buf(kFileChunkBytes);
  // Pass 1: verify; nothing is written.
  for (;;) {
    auto n = read_chunk(src->get(), buf, in);
    if (!n.ok()) return n.error();
    if (*n == 0) break;
    dec->verify_update(ByteView(buf).first(*n));
  }
  if (MediaStatus st = dec->verify_finish(); !st.ok()) return st.error();
  if (std::fseek(src->get(), 0, SEEK_SET) != 0) return io(in, "rewind");

  // Pass 2: decrypt into OUT.part; renamed only once the whole file decrypted.
  std::filesystem::path part = out;
  part += ".part";
  auto dst = open(part, "wb");
  if (!dst.ok()) return dst.error();
  auto fail = [&](MediaError e) -> MediaError {
    dst.value().reset();
    std::error_code ec;
    std::filesystem::remove(part, ec);
    return e;
  };
  uint64_t size = 0;
  Bytes pt;
  pt.reserve(kSegmentBytes + kFileChunkBytes + kBlockBytes);
  for (;;) {
    auto n = read_chunk(src->get(), buf, in);
    if (!n.ok()) return fail(n.error());
    if (*n == 0) break;
    pt.clear();
    if (MediaStatus st = dec->decrypt_update(ByteView(buf).first(*n), &pt); !st.ok()) return fail(st.error());
    if (MediaStatus st = write_all(dst->get(), pt, part); !st.ok()) return fail(st.error());
    size += pt.size();
  }
  pt.clear();
  if (MediaStatus st = dec->decrypt_finish(&pt); !st.ok()) return fail(st.error());
  if (MediaStatus st = write_all(dst->get(), pt, part); !st.ok()) return fail(st.error());
  size += pt.size();
  secure_wipe(pt.data(), pt.size());
  if (std::fclose(dst->release()) != 0) return fail(io(part, "close"));
  std::error_code ec;
  std::filesystem::rename(part, out, ec);
  if (ec) return fail(make_media_error(MediaErrc::io_error, "cannot rename " + part.string() + ": " + ec.message()));
  return size;
}

}  // namespace parity::media
