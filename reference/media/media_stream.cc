#include "reference/media/media_stream.h"

#include <algorithm>
#include <vector>

#include <openssl/evp.h>

#include "reference/media/digest_worker.h"

namespace parity::media {

namespace {

// kPieceBytes is how much is encrypted before the same bytes are MACed and hashed: small
// enough that they are still in cache when the digests read them.
constexpr size_t kPieceBytes = size_t{64} << 10;

// kParallelPieceBytes is the piece size when a DigestWorker hashes beside the cipher:
// smaller, so that the two threads overlap even on a 64 KiB attachment, and a chunk of
// fewer than two pieces is not worth the hand-over. Chunks up to kSmallChunkBytes use half
// of it: the last piece, which the worker hashes after the cipher is done, is then a
// smaller share.
constexpr size_t kParallelPieceBytes = size_t{16} << 10;
constexpr size_t kSmallChunkBytes = size_t{256} << 10;

// worth_a_worker tells whether a chunk is big enough to hash beside the cipher.
bool worth_a_worker(size_t chunk) {
  return chunk >= 2 * kParallelPieceBytes;
}

// piece_bytes is the piece size for a chunk, hashed beside the cipher or not.
size_t piece_bytes(bool parallel, size_t chunk) {
  if (!parallel) return kPieceBytes;
  return chunk <= kSmallChunkBytes ? kParallelPieceBytes / 2 : kParallelPieceBytes;
}

// kHoldBytes is what pass 1 keeps back from the MAC: the last two ciphertext blocks (the
// padding check decrypts the last one with the one before as its IV) and the MAC itself.
constexpr size_t kHoldBytes = 2 * kBlockBytes + kMacBytes;

struct CtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CtxFree>;

// The cipher is fetched once: an implicit fetch per attachment would cost a lookup.
const EVP_CIPHER* cipher_cbc() {
  static EVP_CIPHER* c = EVP_CIPHER_fetch(nullptr, "AES-256-CBC", nullptr);
  return c;
}

MediaResult<CipherCtx> new_cbc(const Key32& key, ByteView iv, int encrypt) {
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  if (!ctx || cipher_cbc() == nullptr ||
      EVP_CipherInit_ex2(ctx.get(), cipher_cbc(), key.data(), iv.data(), encrypt, nullptr) != 1) {
    return make_media_error(MediaErrc::crypto_failure, "AES-256-CBC init");
  }
  return ctx;
}

// cipher_append runs one EVP update over `in` (any size) and appends the output to out_.
MediaStatus cipher_append(EVP_CIPHER_CTX* ctx, ByteView in, Bytes* out_) {
  size_t old = out_->size();
  out_->resize(old + in.size() + kBlockBytes);
  size_t written = 0;
  for (size_t at = 0; at < in.size(); at += kPieceBytes) {
    size_t n = std::min(kPieceBytes, in.size() - at);
    int len = 0;
    if (EVP_CipherUpdate(ctx, out_->data() + old + written, &len, in.data() + at, static_cast<int>(n)) != 1) {
      out_->resize(old);
      return make_media_error(MediaErrc::crypto_failure, "AES-256-CBC update");
    }
    written += static_cast<size_t>(len);
  }
  out_->resize(old + written);
  return {};
}

}  // namespace

// ---- MediaEncryptor ----------------------------------------------------------------------

struct MediaEncryptor::Impl {
  explicit Impl(const MediaKeys& k) : mac(k.mac_key) {}
  CipherCtx ctx;
  Hmac256 mac;         // over IV || ciphertext
  Sha256Stream plain;  // file_sha256
  Sha256Stream enc;    // file_enc_sha256
  uint64_t encrypted = 0;
  bool finished = false;
  // worker MACs and hashes ciphertext beside the cipher (declared after what it feeds).
  DigestWorker worker{[this](ByteView ct) { hash_ciphertext(ct); }};

  // hash_ciphertext feeds ciphertext to the MAC and file_enc_sha256 (the worker's job).
  void hash_ciphertext(ByteView ct) {
    mac.update(ct);
    enc.update(ct);
  }
};

MediaEncryptor::MediaEncryptor(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
MediaEncryptor::MediaEncryptor(MediaEncryptor&&) noexcept = default;
MediaEncryptor& MediaEncryptor::operator=(MediaEncryptor&&) noexcept = default;
MediaEncryptor::~MediaEncryptor() = default;

MediaResult<MediaEncryptor> MediaEncryptor::create(MediaType type, const Key32& media_key) {
  auto keys = expand_media_key(type, media_key);
  if (!keys.ok()) return keys.error();
  auto impl = std::make_unique<Impl>(*keys);
  auto ctx = new_cbc(keys->cipher_key, keys->iv, 1);
  if (!ctx.ok()) return ctx.error();
  impl->ctx = std::move(*ctx);
  impl->mac.update(keys->iv);
  keys->wipe();
  return MediaEncryptor(std::move(impl));
}

MediaStatus MediaEncryptor::update(ByteView chunk, Bytes* out_) {
  Impl& s = *impl_;
  if (s.finished) return make_media_error(MediaErrc::invalid_argument, "update after finish");
  size_t old = out_->size();
  out_->resize(old + chunk.size() + kBlockBytes);  // no reallocation below: the worker reads out_
  // With the worker, this thread hashes the plaintext and encrypts; the worker MACs and
  // hashes the ciphertext of each piece while the next one is encrypted. The halves cost
  // about the same (AES-CBC + SHA-256 against HMAC + SHA-256).
  const bool parallel = worth_a_worker(chunk.size()) && s.worker.begin();
  const size_t step = piece_bytes(parallel, chunk.size());
  size_t written = 0;
  for (size_t at = 0; at < chunk.size(); at += step) {
    ByteView piece = chunk.subspan(at, std::min(step, chunk.size() - at));
    s.plain.update(piece);
    int len = 0;
    uint8_t* dst = out_->data() + old + written;
    if (EVP_EncryptUpdate(s.ctx.get(), dst, &len, piece.data(), static_cast<int>(piece.size())) != 1) {
      if (parallel) s.worker.end();
      out_->resize(old);
      return make_media_error(MediaErrc::crypto_failure, "AES-256-CBC update");
    }
    ByteView produced(dst, static_cast<size_t>(len));
    if (parallel) {
      s.worker.post(produced);
    } else {
      s.hash_ciphertext(produced);
    }
    written += produced.size();
  }
  if (parallel) s.worker.end();
  out_->resize(old + written);
  s.encrypted += written;
  return {};
}

MediaResult<Bytes> MediaEncryptor::update(ByteView chunk) {
  Bytes out;
  if (MediaStatus st = update(chunk, &out); !st.ok()) return st.error();
  return out;
}

MediaResult<EncryptedTail> MediaEncryptor::finish() {
  Impl& s = *impl_;
  if (s.finished) return make_media_error(MediaErrc::invalid_argument, "finish called twice");
  s.finished = true;
  EncryptedTail t;
  t.tail.resize(kBlockBytes);
  int len = 0;
  if (EVP_EncryptFinal_ex(s.ctx.get(), t.tail.data(), &len) != 1) {
    return make_media_error(MediaErrc::crypto_failure, "AES-256-CBC final");
  }
  t.tail.resize(static_cast<size_t>(len));
  s.mac.update(t.tail);
  s.enc.update(t.tail);
  Digest256 full = s.mac.final();
  ByteView mac(full.data(), kMacBytes);
  s.enc.update(mac);
  t.tail.insert(t.tail.end(), mac.begin(), mac.end());
  t.file_sha256 = s.plain.final();
  t.file_enc_sha256 = s.enc.final();
  t.encrypted_size = s.encrypted + t.tail.size();
  return t;
}

// ---- MediaDecryptor ----------------------------------------------------------------------

namespace {

// Phase is where a decryptor is; every phase but the ones named refuses the calls of another.
enum class Phase { verifying, verified, decrypting, done, failed };

}  // namespace

struct MediaDecryptor::Impl {
  explicit Impl(const MediaKeys& k) : keys(k), mac(k.mac_key) {}
  ~Impl() { keys.wipe(); }
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  MediaKeys keys;
  Digest256 expected{};
  SecondPass second_pass = SecondPass::same_bytes;
  Phase phase = Phase::verifying;

  // pass 1
  Sha256Stream whole;
  Hmac256 mac;
  Bytes held;  // the last kHoldBytes seen, not yet MACed
  uint64_t total = 0;
  std::vector<Digest256> segments;  // recheck: digest of each kSegmentBytes of input
  std::unique_ptr<Sha256Stream> segment_hash;
  size_t segment_filled = 0;

  // pass 2
  CipherCtx ctx;
  uint64_t seen = 0;      // input bytes pass 2 has taken
  uint64_t released = 0;  // input offset up to which ciphertext went into the cipher
  Bytes pending;          // recheck: the current segment, held until its digest matches
  size_t segment_index = 0;

  // worker runs hash_file beside the MAC in pass 1 (declared after what it feeds).
  DigestWorker worker{[this](ByteView piece) { hash_file(piece); }};

  uint64_t ciphertext_size() const { return total - kMacBytes; }

  // hash_file feeds pass 1's input to file_enc_sha256 and, for recheck, the segment
  // digests (the worker's job: it runs while this thread MACs).
  void hash_file(ByteView piece) {
    whole.update(piece);
    if (second_pass != SecondPass::recheck) return;
    for (ByteView rest = piece; !rest.empty();) {
      size_t take = std::min(kSegmentBytes - segment_filled, rest.size());
      segment_hash->update(rest.first(take));
      segment_filled += take;
      rest = rest.subspan(take);
      if (segment_filled == kSegmentBytes) {
        segments.push_back(segment_hash->final());
        segment_hash = std::make_unique<Sha256Stream>();
        segment_filled = 0;
      }
    }
  }

  // mac_piece feeds pass 1's input to the MAC, holding back the last kHoldBytes.
  void mac_piece(ByteView piece) {
    total += piece.size();
    // Everything but the last kHoldBytes goes into the MAC now.
    if (piece.size() >= kHoldBytes) {
      mac.update(held);
      mac.update(piece.first(piece.size() - kHoldBytes));
      held.assign(piece.end() - static_cast<std::ptrdiff_t>(kHoldBytes), piece.end());
    } else {
      held.insert(held.end(), piece.begin(), piece.end());
      if (held.size() > kHoldBytes) {
        size_t extra = held.size() - kHoldBytes;
        mac.update(ByteView(held).first(extra));
        held.erase(held.begin(), held.begin() + static_cast<std::ptrdiff_t>(extra));
      }
    }
  }

  // decrypt_range decrypts the input bytes [offset, offset + bytes.size()) that are
  // ciphertext (not MAC) and appends the plaintext to out_.
  MediaStatus decrypt_range(uint64_t offset, ByteView bytes, Bytes* out_) {
    uint64_t end = std::min<uint64_t>(offset + bytes.size(), ciphertext_size());
    if (end <= offset) return {};
    ByteView ct = bytes.first(static_cast<size_t>(end - offset));
    released = end;
    return cipher_append(ctx.get(), ct, out_);
  }

  MediaStatus fail(MediaErrc code, std::string detail) {
    phase = Phase::failed;
    return make_media_error(code, std::move(detail));
  }

  // release_segment checks the held segment against pass 1's digest, then decrypts it.
  MediaStatus release_segment(Bytes* out_) {
    if (pending.empty()) return {};
    Sha256Stream h;
    h.update(pending);
    if (segment_index >= segments.size() || !ct_equal(h.final(), segments[segment_index])) {
      return fail(MediaErrc::inconsistent_input,
                  "segment " + std::to_string(segment_index) + " differs from the bytes verified in pass 1");
    }
    uint64_t offset = static_cast<uint64_t>(segment_index) * kSegmentBytes;
    ++segment_index;
    MediaStatus st = decrypt_range(offset, pending, out_);
    pending.clear();
    if (!st.ok()) phase = Phase::failed;
    return st;
  }
};

MediaDecryptor::MediaDecryptor(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
MediaDecryptor::MediaDecryptor(MediaDecryptor&&) noexcept = default;
MediaDecryptor& MediaDecryptor::operator=(MediaDecryptor&&) noexcept = default;
MediaDecryptor::~MediaDecryptor() = default;

MediaResult<MediaDecryptor> MediaDecryptor::create(MediaType type, ByteView media_key, ByteView file_enc_sha256,
                                                   SecondPass second_pass) {
  if (file_enc_sha256.size() != 32) {
    return make_media_error(MediaErrc::invalid_argument,
                            "file_enc_sha256 must be 32 bytes, got " + std::to_string(file_enc_sha256.size()));
  }
  auto keys = expand_media_key(type, media_key);
  if (!keys.ok()) return keys.error();
  auto impl = std::make_unique<Impl>(*keys);
  keys->wipe();
  std::copy(file_enc_sha256.begin(), file_enc_sha256.end(), impl->expected.begin());
  impl->second_pass = second_pass;
  impl->mac.update(impl->keys.iv);
  impl->held.reserve(2 * kHoldBytes);  // a short piece is appended before the excess is MACed
  if (second_pass == SecondPass::recheck) impl->segment_hash = std::make_unique<Sha256Stream>();
  return MediaDecryptor(std::move(impl));
}

void MediaDecryptor::verify_update(ByteView chunk) {
  Impl& s = *impl_;
  if (s.phase != Phase::verifying) {
    // Bytes fed after verify_finish would not be covered by its verdict.
    s.phase = Phase::failed;
    return;
  }
  // With the worker, the file hash runs there while this thread computes the MAC: the two
  // digests of pass 1 cost one instead of two.
  const bool parallel = worth_a_worker(chunk.size()) && s.worker.begin();
  const size_t step = piece_bytes(parallel, chunk.size());
  for (size_t at = 0; at < chunk.size(); at += step) {
    ByteView piece = chunk.subspan(at, std::min(step, chunk.size() - at));
    if (parallel) {
      s.worker.post(piece);
    } else {
      s.hash_file(piece);
    }
    s.mac_piece(piece);
  }
  // The chunk's bytes belong to the caller only until this returns.
  if (parallel) s.worker.end();
}

MediaStatus MediaDecryptor::verify_finish() {
  Impl& s = *impl_;
  if (s.phase != Phase::verifying) return s.fail(MediaErrc::invalid_argument, "pass 1 is not in progress");
  // Length first: a file that cannot be ciphertext || MAC needs no digest to be refused.
  if (s.total < kMinEncryptedBytes || (s.total - kMacBytes) % kBlockBytes != 0) {
    return s.fail(MediaErrc::truncated,
                  std::to_string(s.total) + " bytes cannot be AES-CBC ciphertext and a 10-byte MAC");
  }
  if (!ct_equal(s.whole.final(), s.expected)) {
    return s.fail(MediaErrc::bad_hash, "SHA-256 of the encrypted file differs from file_enc_sha256");
  }
  // held is the last 26 or 42 bytes: one or two ciphertext blocks, then the MAC.
  ByteView held(s.held);
  ByteView ct_tail = held.first(held.size() - kMacBytes);
  ByteView got_mac = held.last(kMacBytes);
  s.mac.update(ct_tail);
  Digest256 want = s.mac.final();
  if (!ct_equal(ByteView(want.data(), kMacBytes), got_mac)) {
    return s.fail(MediaErrc::bad_mac, "the MAC does not verify");
  }
  // The padding is checked now, by decrypting the last block alone, so pass 2 cannot
  // fail on a genuine file after releasing plaintext.
  ByteView last = ct_tail.last(kBlockBytes);
  ByteView before = ct_tail.size() == 2 * kBlockBytes ? ct_tail.first(kBlockBytes) : ByteView(s.keys.iv);
  auto ctx = new_cbc(s.keys.cipher_key, before, 0);
  if (!ctx.ok()) return s.fail(ctx.code(), ctx.error().detail);
  uint8_t block[2 * kBlockBytes];
  int n1 = 0;
  int n2 = 0;
  bool padded = EVP_DecryptUpdate(ctx->get(), block, &n1, last.data(), static_cast<int>(last.size())) == 1 &&
                EVP_DecryptFinal_ex(ctx->get(), block + n1, &n2) == 1;
  secure_wipe(block, sizeof block);
  if (!padded) return s.fail(MediaErrc::bad_padding, "bad PKCS#7 padding under a valid MAC");
  if (s.second_pass == SecondPass::recheck && s.segment_filled > 0) {
    s.segments.push_back(s.segment_hash->final());
    s.segment_hash.reset();
  }
  s.phase = Phase::verified;
  return {};
}

bool MediaDecryptor::verified() const {
  return impl_->phase == Phase::verified || impl_->phase == Phase::decrypting;
}

MediaStatus MediaDecryptor::decrypt_update(ByteView chunk, Bytes* out_) {
  Impl& s = *impl_;
  if (s.phase == Phase::verified) {
    auto ctx = new_cbc(s.keys.cipher_key, s.keys.iv, 0);
    if (!ctx.ok()) return s.fail(ctx.code(), ctx.error().detail);
    s.ctx = std::move(*ctx);
    s.phase = Phase::decrypting;
  }
  if (s.phase != Phase::decrypting) {
    return s.fail(MediaErrc::invalid_argument, "no plaintext before the file is verified (verify_finish)");
  }
  if (chunk.size() > s.total - s.seen) {
    return s.fail(MediaErrc::inconsistent_input, "pass 2 reads more bytes than pass 1 verified");
  }
  uint64_t offset = s.seen;
  s.seen += chunk.size();
  if (s.second_pass == SecondPass::same_bytes) {
    MediaStatus st = s.decrypt_range(offset, chunk, out_);
    if (!st.ok()) s.phase = Phase::failed;
    return st;
  }
  for (ByteView rest = chunk; !rest.empty();) {
    size_t take = std::min(kSegmentBytes - s.pending.size(), rest.size());
    s.pending.insert(s.pending.end(), rest.begin(), rest.begin() + static_cast<std::ptrdiff_t>(take));
    rest = rest.subspan(take);
    if (s.pending.size() == kSegmentBytes) {
      if (MediaStatus st = s.release_segment(out_); !st.ok()) return st;
    }
  }
  return {};
}

MediaStatus MediaDecryptor::decrypt_finish(Bytes* out_) {
  Impl& s = *impl_;
  if (s.phase != Phase::decrypting) {
    return s.fail(MediaErrc::invalid_argument, "pass 2 is not in progress");
  }
  if (s.seen != s.total) {
    return s.fail(MediaErrc::inconsistent_input,
                  "pass 2 read " + std::to_string(s.seen) + " bytes, pass 1 verified " + std::to_string(s.total));
  }
  if (s.second_pass == SecondPass::recheck) {
    if (MediaStatus st = s.release_segment(out_); !st.ok()) return st;
  }
  size_t old = out_->size();
  out_->resize(old + kBlockBytes);
  int len = 0;
  if (EVP_DecryptFinal_ex(s.ctx.get(), out_->data() + old, &len) != 1) {
    out_->resize(old);
    return s.fail(MediaErrc::bad_padding, "bad PKCS#7 padding in pass 2");
  }
  out_->resize(old + static_cast<size_t>(len));
  s.phase = Phase::done;
  return {};
}

}  // namespace parity::media
