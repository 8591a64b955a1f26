#include "suites/med/med.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <set>
#include <system_error>
#include <utility>

#include "reference/crypto/hash.h"
#include "reference/media/media.h"
#include "reference/media/media_file.h"
#include "suites/common/check_spec.h"
#include "suites/common/evidence.h"
#include "suites/common/steps.h"
#include "vectors/loader.h"

namespace parity::suites {

namespace {

using harness::Refusal;
using media::MediaType;
namespace fs = std::filesystem;

constexpr const char* kVectorFile = "vectors/media/media.json";

// kMaxPtpAttachment is the largest attachment MED-4 sends as hex on a PTP line: a
// response line holds the file as hex (two characters a byte) and the suite accepts lines
// of up to 16 MiB, so about 8 MiB is the ceiling; 6 MiB keeps a margin for the JSON.
// Larger attachments go through files (capability `media_file`).
constexpr size_t kMaxPtpAttachment = size_t{6} << 20;

// kMaxAttachment is MED-4's upper bound (requirements.md: 0 bytes to 64 MiB).
constexpr size_t kMaxAttachment = size_t{64} << 20;

// kFileSizes are the sizes MED-4 sends through files: the edges of an AES block, one
// past the file drivers' 1 MiB chunk, one under the suite's 16 MiB line bound, and
// 64 MiB. The 64 MiB files dominate the check's time (about 2 s a type for the reference).
constexpr size_t kFileSizes[] = {0, 1, 15, 16, 17, (size_t{1} << 20) + 1, (size_t{16} << 20) - 1, kMaxAttachment};

// kFileChunk is the size the suite writes and reads attachment files in.
constexpr size_t kFileChunk = size_t{1} << 20;

// kElideBytes: transcript lines longer than this are replaced by a note, so a check that
// moves megabytes keeps readable evidence instead of tens of MiB of hex.
constexpr size_t kElideBytes = size_t{64} << 10;

// suite_error ends a check whose own machinery failed (a file the suite cannot write):
// an error of the run, not a verdict on the target.
CheckOutcome suite_error(Evidence& ev, std::string summary) {
  CheckOutcome o;
  o.verdict = harness::Verdict::error;
  o.summary = std::move(summary);
  return ev.finish(std::move(o));
}

// The ops below run one PTP request and move its exchange into the evidence at once.

Op<harness::MediaEncrypted> media_encrypt(Evidence& ev, MediaType type, ByteView plaintext, const Bytes* media_key) {
  return ev.collected(ev.target.media_encrypt(
      type, plaintext, media_key != nullptr ? std::optional<ByteView>(*media_key) : std::nullopt));
}

Op<Bytes> media_decrypt(Evidence& ev, MediaType type, ByteView media_key, ByteView encrypted,
                        ByteView file_enc_sha256) {
  return ev.collected(ev.target.media_decrypt(type, media_key, encrypted, file_enc_sha256));
}

Op<harness::MediaFileEncrypted> media_encrypt_file(Evidence& ev, MediaType type, const fs::path& in,
                                                   const fs::path& out) {
  return ev.collected(ev.target.media_encrypt_file(type, in.string(), out.string()));
}

// media_decrypt_file returns the plaintext size the target reports.
Op<uint64_t> media_decrypt_file(Evidence& ev, MediaType type, ByteView media_key, const fs::path& in,
                                ByteView file_enc_sha256, const fs::path& out) {
  return ev.collected(ev.target.media_decrypt_file(type, media_key, in.string(), file_enc_sha256, out.string()));
}

// refusal_counts: a refusal counts as refusing the file unless it says the op is missing.
bool counts_as_refusal(const Refusal& r) {
  return r.code != ptp::ErrorCode::unsupported;
}

// size_name writes a size for people: "6 MiB", "16 MiB - 1 B", "1000 B".
std::string size_name(size_t n) {
  constexpr size_t kMiB = size_t{1} << 20;
  const size_t mib = (n + kMiB / 2) / kMiB;  // the nearest whole MiB
  if (mib == 0) return std::to_string(n) + " B";
  if (n == mib * kMiB) return std::to_string(mib) + " MiB";
  if (n > mib * kMiB && n - mib * kMiB < 1024)
    return std::to_string(mib) + " MiB + " + std::to_string(n - mib * kMiB) + " B";
  if (n < mib * kMiB && mib * kMiB - n < 1024)
    return std::to_string(mib) + " MiB - " + std::to_string(mib * kMiB - n) + " B";
  return std::to_string(n) + " B";
}

Result<vectors::VectorFile> load(const Run& run) {
  std::filesystem::path path = std::filesystem::path(run.ctx.vectors_dir) / "media" / "media.json";
  return vectors::load_vector_file(path, kVectorFile);
}

CheckOutcome vector_file_error(const Error& e) {
  CheckOutcome o;
  o.verdict = harness::Verdict::error;
  o.summary = "the vector file cannot be read: " + e.detail;
  return o;
}

Bytes plaintext_of(const vectors::Vector& t) {
  if (t.fields.has("plaintext")) return t.fields.hex("plaintext");
  const Bytes& pattern = t.fields.hex("pattern");
  Bytes out;
  for (int64_t i = 0; i < t.fields.integer("repeat"); ++i) out.insert(out.end(), pattern.begin(), pattern.end());
  return out;
}

std::string label(const vectors::Vector& t) {
  return "tcId " + std::to_string(t.tc_id) + " (" + t.comment + ")";
}

// ---- MED-1: valid vectors ---------------------------------------------------------------

Findings med1_vectors(Run& run) {
  auto file = load(run);
  if (!file) return stopped(vector_file_error(file.error()));
  Evidence ev{run.target, kElideBytes};
  Findings side;
  std::vector<std::string>& failures = side.failures;
  for (const vectors::TestGroup& g : file->groups) {
    for (const vectors::Vector& t : g.tests) {
      if (t.result == vectors::Expect::invalid) continue;  // MED-2.vectors
      auto type = media::parse_media_type(t.fields.string("media_type"));
      if (!type) return stopped(vector_file_error(make_error(Errc::malformed, label(t) + ": unknown media_type")));
      ++side.total;
      const Bytes& key = t.fields.hex("media_key");
      const Bytes& want_hash = t.fields.hex("file_enc_sha256");
      const Bytes plaintext = plaintext_of(t);
      auto enc = media_encrypt(ev, *type, plaintext, &key);
      if (enc.violated()) return stopped(ev, CheckOutcome::error(enc.violation()));
      if (enc.refused()) {
        failures.push_back(label(t) + ": media_encrypt refused: " + std::string(ptp::to_string(enc.refusal().code)) +
                           " " + enc.refusal().detail);
        continue;
      }
      std::string wrong;
      if (t.fields.has("encrypted") && enc->encrypted != t.fields.hex("encrypted")) {
        wrong += " encrypted: want " + short_hex(t.fields.hex("encrypted"), 24) + ", got " +
                 short_hex(enc->encrypted, 24) + ";";
      }
      if (enc->file_sha256 != t.fields.hex("file_sha256")) wrong += " file_sha256 differs;";
      if (enc->file_enc_sha256 != want_hash) wrong += " file_enc_sha256 differs;";
      if (enc->media_key != key) wrong += " the response's media_key is not the given one;";
      if (!wrong.empty()) {
        failures.push_back(label(t) + ":" + wrong);
        continue;
      }
      // The file to decrypt: the vector's, or for large vectors the target's own, which
      // file_enc_sha256 has just pinned to the right bytes.
      const Bytes& file_bytes = t.fields.has("encrypted") ? t.fields.hex("encrypted") : enc->encrypted;
      auto dec = media_decrypt(ev, *type, key, file_bytes, want_hash);
      if (dec.violated()) return stopped(ev, CheckOutcome::error(dec.violation()));
      if (dec.refused()) {
        failures.push_back(label(t) + ": media_decrypt of the vector's file refused: " +
                           std::string(ptp::to_string(dec.refusal().code)) + " " + dec.refusal().detail);
      } else if (*dec != plaintext) {
        failures.push_back(label(t) + ": media_decrypt gave " + short_hex(*dec, 24) + ", want " +
                           short_hex(plaintext, 24));
      }
    }
  }
  side.evidence = ev.take();
  return side;
}

CheckOutcome judge_vectors(Findings& mine, Findings*) {
  return with_failures(mine, "attachment vectors do not match",
                       std::to_string(mine.total) + " attachment vectors of " + kVectorFile +
                           " (4 types; 0, 16, 100 bytes and 1 MiB) encrypt to the known files and decrypt back");
}

// ---- MED-2: tampered files ----------------------------------------------------------------

Findings med2_vectors(Run& run) {
  auto file = load(run);
  if (!file) return stopped(vector_file_error(file.error()));
  Evidence ev{run.target, kElideBytes};
  Findings side;
  std::vector<std::string>& failures = side.failures;
  for (const vectors::TestGroup& g : file->groups) {
    for (const vectors::Vector& t : g.tests) {
      if (t.result != vectors::Expect::invalid) continue;
      auto type = media::parse_media_type(t.fields.string("media_type"));
      if (!type) return stopped(vector_file_error(make_error(Errc::malformed, label(t) + ": unknown media_type")));
      ++side.total;
      auto dec = media_decrypt(ev, *type, t.fields.hex("media_key"), t.fields.hex("encrypted"),
                               t.fields.hex("file_enc_sha256"));
      if (dec.violated()) return stopped(ev, CheckOutcome::error(dec.violation()));
      if (dec.ok()) {
        failures.push_back(label(t) + ": accepted, gave " + short_hex(*dec, 24));
      } else if (!counts_as_refusal(dec.refusal())) {
        failures.push_back(label(t) + ": answered `unsupported` instead of refusing the file");
      }
    }
  }
  side.evidence = ev.take();
  return side;
}

CheckOutcome judge_invalid_vectors(Findings& mine, Findings*) {
  return with_failures(mine, "invalid attachment vectors are accepted",
                       std::to_string(mine.total) +
                           " invalid attachment vectors (tampered blocks and MAC, truncated, "
                           "extended, wrong hash, wrong type, bad padding) are refused");
}

// Tamper is one damaged variant of a genuine file.
struct Tamper {
  std::string what;
  MediaType type;
  Bytes encrypted;
  Bytes file_enc_sha256;
};

std::vector<Tamper> tampers_of(MediaType type, const Bytes& file, const Bytes& hash) {
  std::vector<Tamper> out;
  auto recomputed = [](const Bytes& b) { return to_bytes(sha256(b)); };
  for (size_t bit = 0; bit < file.size() * 8; ++bit) {
    Bytes t = file;
    t[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    std::string at = "bit " + std::to_string(bit) + " of " + std::to_string(file.size() * 8) + " flipped";
    out.push_back({at + ", original file_enc_sha256", type, t, hash});
    out.push_back({at + ", file_enc_sha256 recomputed", type, t, recomputed(t)});
  }
  for (size_t len = 0; len < file.size(); ++len) {
    Bytes t(file.begin(), file.begin() + static_cast<std::ptrdiff_t>(len));
    out.push_back(
        {"truncated to " + std::to_string(len) + " bytes, file_enc_sha256 recomputed", type, t, recomputed(t)});
  }
  for (size_t extra : {size_t{1}, size_t{10}, size_t{16}, size_t{32}}) {
    Bytes t = file;
    t.insert(t.end(), extra, 0x00);
    out.push_back(
        {"extended by " + std::to_string(extra) + " zero bytes, file_enc_sha256 recomputed", type, t, recomputed(t)});
  }
  Bytes wrong = hash;
  wrong[0] ^= 0x01;
  out.push_back({"genuine file, file_enc_sha256 with a bit flipped", type, file, wrong});
  out.push_back({"genuine file, file_enc_sha256 of the empty string", type, file, recomputed({})});
  for (MediaType other : media::kMediaTypes) {
    if (other != type) {
      out.push_back(
          {"genuine " + std::string(media::to_string(type)) + " file as " + std::string(media::to_string(other)), other,
           file, hash});
    }
  }
  return out;
}

Findings med2_tamper(Run& run) {
  Evidence ev{run.target, kElideBytes};
  Findings side;
  Rng& rng = run.rng;
  std::vector<std::string>& failures = side.failures;
  // A short file keeps every bit affordable: 20 bytes -> 32 of ciphertext + 10 of MAC.
  // Two types, so the IV and keys of more than one label are exercised.
  for (MediaType type : {MediaType::image, MediaType::document}) {
    Bytes plaintext = random_bytes(rng, 20);
    auto enc = media_encrypt(ev, type, plaintext, nullptr);
    if (enc.violated()) return stopped(ev, CheckOutcome::error(enc.violation()));
    if (enc.refused()) return stopped(ev, CheckOutcome::unexpected_refusal("media_encrypt", enc.refusal()));
    // The control: the genuine file decrypts (a target refusing everything would pass otherwise).
    auto genuine = media_decrypt(ev, type, enc->media_key, enc->encrypted, enc->file_enc_sha256);
    if (genuine.violated()) return stopped(ev, CheckOutcome::error(genuine.violation()));
    if (genuine.refused())
      return stopped(ev, CheckOutcome::unexpected_refusal("media_decrypt of a genuine file", genuine.refusal()));
    if (*genuine != plaintext)
      return stopped(ev, CheckOutcome::fail("a genuine attachment does not decrypt to its plaintext"));
    for (const Tamper& t : tampers_of(type, enc->encrypted, enc->file_enc_sha256)) {
      ++side.total;
      auto dec = media_decrypt(ev, t.type, enc->media_key, t.encrypted, t.file_enc_sha256);
      if (dec.violated()) return stopped(ev, CheckOutcome::error(dec.violation()));
      if (dec.ok()) {
        failures.push_back(std::string(media::to_string(type)) + ": " + t.what + ": accepted, gave " +
                           short_hex(*dec, 24));
      } else if (!counts_as_refusal(dec.refusal())) {
        failures.push_back(std::string(media::to_string(type)) + ": " + t.what + ": answered `unsupported`");
      }
    }
  }
  side.evidence = ev.take();
  return side;
}

CheckOutcome judge_tamper(Findings& mine, Findings*) {
  return with_failures(mine, "tampered attachments are accepted",
                       std::to_string(mine.total) +
                           " tampered attachments refused: every bit of two 42-byte files (with "
                           "the original and a recomputed file_enc_sha256), truncation at every "
                           "length, extensions, wrong file_enc_sha256, the keys of the other types");
}

// ---- MED-3: fresh media keys -------------------------------------------------------------

// KeySide is what MED-3 measures: the encryptions made (total), those that repeated a
// key or a file, and how many distinct keys there were.
struct KeySide : Findings {
  size_t distinct_keys = 0;
};

KeySide med3_fresh_keys(Run& run) {
  Evidence ev{run.target, kElideBytes};
  KeySide side;
  const int per_type = run.ctx.options.cases > 0 ? std::max(1, run.ctx.options.cases / 4) : 50;
  const Bytes plaintext(64, 0x61);  // the same attachment every time
  std::set<Bytes> keys;
  std::set<Bytes> files;
  std::vector<std::string>& failures = side.failures;
  for (MediaType type : media::kMediaTypes) {
    for (int i = 0; i < per_type; ++i) {
      auto enc = media_encrypt(ev, type, plaintext, nullptr);
      if (enc.violated()) return stopped<KeySide>(ev, CheckOutcome::error(enc.violation()));
      if (enc.refused())
        return stopped<KeySide>(ev, CheckOutcome::unexpected_refusal("media_encrypt without media_key", enc.refusal()));
      ++side.total;
      // One line per encryption, so the count is of encryptions, not of problems.
      std::string wrong;
      if (enc->media_key.size() != media::kMediaKeyBytes) {
        wrong += " a media_key of " + std::to_string(enc->media_key.size()) + " bytes;";
      }
      if (!keys.insert(enc->media_key).second) wrong += " media_key repeated: " + short_hex(enc->media_key) + ";";
      if (!files.insert(enc->encrypted).second) wrong += " encrypted file repeated: " + short_hex(enc->encrypted) + ";";
      if (!wrong.empty())
        failures.push_back(std::string(media::to_string(type)) + " #" + std::to_string(i + 1) + ":" + wrong);
    }
  }
  side.distinct_keys = keys.size();
  side.evidence = ev.take();
  return side;
}

CheckOutcome judge_fresh_keys(KeySide& mine, KeySide*) {
  CheckOutcome o = with_failures(mine, "encryptions of one attachment repeat a key or a file",
                                 std::to_string(mine.total) +
                                     " encryptions of the same 64-byte attachment (all four "
                                     "types) gave " +
                                     std::to_string(mine.distinct_keys) + " distinct media keys and distinct files");
  if (!mine.stop)
    o.figures.push_back({"distinct media keys", static_cast<double>(mine.distinct_keys), std::nullopt, "keys"});
  return o;
}

// ---- MED-4: round trips -----------------------------------------------------------------

// RoundTrips tallies one half of MED-4 (as hex on lines, or through files).
struct RoundTrips {
  std::vector<std::string> failures;
  size_t run = 0;
  size_t largest = 0;  // the largest attachment that round-tripped without a failure
};

std::string refused(const char* op, const Refusal& r) {
  return std::string(op) + " refused: " + std::string(ptp::to_string(r.code)) + " " + r.detail;
}

// med4_lines round-trips every type at sizes up to kMaxPtpAttachment as hex on PTP lines.
// It returns a verdict only when the check must stop (a protocol violation).
std::optional<CheckOutcome> med4_lines(const Run& run, Evidence& ev, Rng& rng, RoundTrips& t) {
  const size_t sizes[] = {0, 1, 15, 16, 17, 1000, size_t{1} << 20, kMaxPtpAttachment};
  for (MediaType type : media::kMediaTypes) {
    for (size_t n : sizes) {
      ++t.run;
      Bytes plaintext = random_bytes(rng, n);
      std::string at = std::string(media::to_string(type)) + ", " + size_name(n) + ": ";
      run.step("on PTP lines: " + at.substr(0, at.size() - 2));
      auto enc = media_encrypt(ev, type, plaintext, nullptr);
      if (enc.violated()) return ev.finish(CheckOutcome::error(enc.violation()));
      if (enc.refused()) {
        t.failures.push_back(at + refused("media_encrypt", enc.refusal()));
        continue;
      }
      const size_t before = t.failures.size();
      if (enc->file_sha256 != to_bytes(sha256(plaintext)))
        t.failures.push_back(at + "file_sha256 is not SHA-256(plaintext)");
      if (enc->file_enc_sha256 != to_bytes(sha256(enc->encrypted))) {
        t.failures.push_back(at + "file_enc_sha256 is not SHA-256(encrypted)");
      }
      auto dec = media_decrypt(ev, type, enc->media_key, enc->encrypted, enc->file_enc_sha256);
      if (dec.violated()) return ev.finish(CheckOutcome::error(dec.violation()));
      if (dec.refused()) {
        t.failures.push_back(at + refused("media_decrypt", dec.refusal()));
      } else if (*dec != plaintext) {
        t.failures.push_back(at + "decrypts to other bytes");
      }
      if (t.failures.size() == before) t.largest = std::max(t.largest, n);
    }
  }
  return std::nullopt;
}

struct FileClose {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
using File = std::unique_ptr<std::FILE, FileClose>;

std::string io_problem(const fs::path& p, const char* what) {
  return p.string() + ": cannot " + what + ": " + std::strerror(errno);
}

// ScratchDir is a MED check's private temporary directory (mkdtemp: mode 0700, named
// parity-<check>-XXXXXX), removed with everything in it when the check ends, however it ends.
class ScratchDir {
 public:
  // make creates one under the system's temporary directory ($TMPDIR); nullopt and the
  // reason in *why_ when it cannot.
  static std::optional<ScratchDir> make(const char* check, std::string* why_) {
    std::error_code ec;
    fs::path base = fs::temp_directory_path(ec);
    if (!ec) base = fs::absolute(base, ec);
    if (ec) {
      *why_ = "no temporary directory: " + ec.message();
      return std::nullopt;
    }
    std::string name = (base / (std::string("parity-") + check + "-XXXXXX")).string();
    if (::mkdtemp(name.data()) == nullptr) {
      *why_ = io_problem(name, "create a directory");
      return std::nullopt;
    }
    return ScratchDir(fs::path(name));
  }
  ScratchDir(ScratchDir&& o) noexcept : path_(std::exchange(o.path_, fs::path())) {}
  ScratchDir& operator=(ScratchDir&&) = delete;
  ~ScratchDir() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  explicit ScratchDir(fs::path p) : path_(std::move(p)) {}
  fs::path path_;
};

// FileDigest is a file's SHA-256 and size.
struct FileDigest {
  Bytes sha256;
  uint64_t size = 0;
};

// write_plaintext writes n bytes drawn from rng to `path`, a chunk at a time, hashing
// them on the way (never a whole 64 MiB attachment in memory).
std::optional<FileDigest> write_plaintext(const fs::path& path, size_t n, Rng& rng, std::string* why_) {
  File f(std::fopen(path.c_str(), "wb"));
  if (!f) {
    *why_ = io_problem(path, "create");
    return std::nullopt;
  }
  Sha256Stream hash;
  Bytes chunk;
  for (size_t left = n; left > 0;) {
    chunk.resize(std::min(left, kFileChunk));
    rng.fill(chunk);
    hash.update(chunk);
    if (std::fwrite(chunk.data(), 1, chunk.size(), f.get()) != chunk.size()) {
      *why_ = io_problem(path, "write");
      return std::nullopt;
    }
    left -= chunk.size();
  }
  if (std::fclose(f.release()) != 0) {
    *why_ = io_problem(path, "close");
    return std::nullopt;
  }
  return FileDigest{to_bytes(hash.final()), n};
}

// digest_file reads a file a chunk at a time and returns its SHA-256 and size.
std::optional<FileDigest> digest_file(const fs::path& path, std::string* why_) {
  File f(std::fopen(path.c_str(), "rb"));
  if (!f) {
    *why_ = io_problem(path, "open");
    return std::nullopt;
  }
  Sha256Stream hash;
  Bytes chunk(kFileChunk);
  FileDigest d;
  for (;;) {
    const size_t got = std::fread(chunk.data(), 1, chunk.size(), f.get());
    if (got < chunk.size() && std::ferror(f.get()) != 0) {
      *why_ = io_problem(path, "read");
      return std::nullopt;
    }
    if (got == 0) break;
    hash.update(ByteView(chunk).first(got));
    d.size += got;
  }
  d.sha256 = to_bytes(hash.final());
  return d;
}

// compare_files reads both files a chunk at a time: empty when they are equal, otherwise
// where `got` first differs from `want` (or why it cannot be read).
std::string compare_files(const fs::path& want, const fs::path& got) {
  File a(std::fopen(want.c_str(), "rb"));
  if (!a) return io_problem(want, "open");
  File b(std::fopen(got.c_str(), "rb"));
  if (!b) return io_problem(got, "open");
  Bytes ca(kFileChunk), cb(kFileChunk);
  uint64_t offset = 0;
  for (;;) {
    const size_t na = std::fread(ca.data(), 1, ca.size(), a.get());
    const size_t nb = std::fread(cb.data(), 1, cb.size(), b.get());
    if (std::ferror(a.get()) != 0) return io_problem(want, "read");
    if (std::ferror(b.get()) != 0) return io_problem(got, "read");
    const size_t common = std::min(na, nb);
    const auto mismatch = std::mismatch(ca.begin(), ca.begin() + static_cast<std::ptrdiff_t>(common), cb.begin());
    if (mismatch.first != ca.begin() + static_cast<std::ptrdiff_t>(common)) {
      return "differs from the plaintext at byte " +
             std::to_string(offset + static_cast<uint64_t>(mismatch.first - ca.begin()));
    }
    offset += common;
    if (na != nb)
      return "has " + std::string(nb < na ? "fewer" : "more") + " bytes than the plaintext (same first " +
             std::to_string(offset) + ")";
    if (na == 0) return {};
  }
}

// med4_files round-trips every type at kFileSizes through files in `dir` (capability
// media_file): the suite writes the plaintext, the target encrypts it to a file and
// decrypts that to another, and the reference decrypts the target's file too (a target
// whose two halves agree on a wrong format would round-trip on its own). It returns a
// verdict only when the check must stop.
std::optional<CheckOutcome> med4_files(const Run& run, Evidence& ev, Rng& rng, const fs::path& dir, RoundTrips& t) {
  for (MediaType type : media::kMediaTypes) {
    for (size_t n : kFileSizes) {
      const std::string name = std::string(media::to_string(type)) + "-" + std::to_string(n);
      run.step("through files: " + std::string(media::to_string(type)) + ", " + size_name(n));
      const fs::path plain = dir / (name + ".plain"), enc = dir / (name + ".enc"), back = dir / (name + ".back"),
                     ref = dir / (name + ".ref");
      std::string why;
      auto written = write_plaintext(plain, n, rng, &why);
      if (!written) {
        return suite_error(ev, "MED-4 cannot write its plaintext file: " + why);
      }
      ++t.run;
      const std::string at = std::string(media::to_string(type)) + ", " + size_name(n) + " through files: ";
      const size_t before = t.failures.size();
      auto fail = [&](const std::string& what) { t.failures.push_back(at + what); };
      auto remove_files = [&] {
        std::error_code ec;
        for (const fs::path& p : {plain, enc, back, ref}) fs::remove(p, ec);
      };

      auto e = media_encrypt_file(ev, type, plain, enc);
      if (e.violated()) return ev.finish(CheckOutcome::error(e.violation()));
      if (e.refused()) {
        fail(refused("media_encrypt_file", e.refusal()));
        remove_files();
        continue;
      }
      if (e->file_sha256 != written->sha256) fail("file_sha256 is not SHA-256 of the plaintext file");
      auto on_disk = digest_file(enc, &why);
      if (!on_disk) {
        fail("the encrypted file cannot be read: " + why);
        remove_files();
        continue;
      }
      if (e->file_enc_sha256 != on_disk->sha256) fail("file_enc_sha256 is not SHA-256 of the encrypted file");
      if (e->size != on_disk->size) {
        fail("size says " + std::to_string(e->size) + " bytes, the encrypted file has " +
             std::to_string(on_disk->size));
      }

      auto d = media_decrypt_file(ev, type, e->media_key, enc, e->file_enc_sha256, back);
      if (d.violated()) return ev.finish(CheckOutcome::error(d.violation()));
      std::string target_says = "refused";
      if (d.refused()) {
        fail(refused("media_decrypt_file", d.refusal()));
        std::error_code ec;
        if (fs::exists(back, ec)) fail("media_decrypt_file refused but left a file at `out`");
      } else {
        if (*d != n)
          fail("media_decrypt_file's size says " + std::to_string(*d) + " bytes, the plaintext has " +
               std::to_string(n));
        const std::string diff = compare_files(plain, back);
        if (!diff.empty()) fail("the decrypted file " + diff);
        target_says = diff.empty() ? "equal to the plaintext" : diff;
      }

      auto r = media::decrypt_media_file(type, e->media_key, on_disk->sha256, enc, ref);
      std::string reference_says = "refused";
      if (!r.ok()) {
        fail("the reference refuses the target's encrypted file: " + std::string(media::to_string(r.code())) + ": " +
             r.error().detail);
      } else {
        const std::string diff = compare_files(plain, ref);
        if (!diff.empty()) fail("the reference's decryption of the target's file " + diff);
        reference_says = diff.empty() ? "equal to the plaintext" : diff;
      }
      ev.note(name + ": plaintext " + std::to_string(n) + " bytes (SHA-256 " + to_hex(written->sha256) +
              "), encrypted " + std::to_string(on_disk->size) + " bytes; the target's decryption: " + target_says +
              "; the reference's decryption of the target's file: " + reference_says);
      if (t.failures.size() == before) t.largest = std::max(t.largest, n);
      remove_files();
    }
  }
  return std::nullopt;
}

// ---- MED-2 through files (capability media_file) -------------------------------------------

// read_file reads a whole (small) file.
std::optional<Bytes> read_file(const fs::path& path) {
  File f(std::fopen(path.c_str(), "rb"));
  if (!f) return std::nullopt;
  Bytes out;
  Bytes chunk(kFileChunk);
  for (;;) {
    const size_t got = std::fread(chunk.data(), 1, chunk.size(), f.get());
    if (got < chunk.size() && std::ferror(f.get()) != 0) return std::nullopt;
    if (got == 0) return out;
    out.insert(out.end(), chunk.begin(), chunk.begin() + static_cast<std::ptrdiff_t>(got));
  }
}

// write_file writes bytes to a new file.
bool write_file(const fs::path& path, ByteView bytes) {
  File f(std::fopen(path.c_str(), "wbx"));
  return f && std::fwrite(bytes.data(), 1, bytes.size(), f.get()) == bytes.size() && std::fflush(f.get()) == 0;
}

// left_behind lists what a refused media_decrypt_file left in `dir` besides `keep`.
std::vector<std::string> left_behind(const fs::path& dir, const std::vector<fs::path>& keep) {
  std::vector<std::string> extra;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (std::find(keep.begin(), keep.end(), entry.path()) == keep.end()) extra.push_back(entry.path().filename());
  }
  return extra;
}

// med2_files tampers with encrypted files of 1 MiB + 1 B (past the file drivers' chunk)
// and hands them to media_decrypt_file: each must be refused, and leave no plaintext
// file, partial or whole, behind (`out` or anything else in the directory).
Findings med2_files(Run& run) {
  Evidence ev{run.target, kElideBytes};
  Findings side;
  Rng& rng = run.rng;
  std::string why;
  auto dir = ScratchDir::make("med2", &why);
  if (!dir) {
    return stopped(suite_error(ev, "MED-2 cannot create its temporary directory: " + why));
  }
  std::vector<std::string>& failures = side.failures;
  constexpr size_t kSize = (size_t{1} << 20) + 1;
  for (MediaType type : {MediaType::image, MediaType::video}) {
    const std::string name(media::to_string(type));
    const fs::path plain = dir->path() / (name + ".plain"), enc = dir->path() / (name + ".enc"),
                   back = dir->path() / (name + ".back");
    if (!write_plaintext(plain, kSize, rng, &why)) {
      return stopped(suite_error(ev, "MED-2 cannot write its plaintext file: " + why));
    }
    auto e = media_encrypt_file(ev, type, plain, enc);
    if (e.violated()) return stopped(ev, CheckOutcome::error(e.violation()));
    if (e.refused()) return stopped(ev, CheckOutcome::unexpected_refusal("media_encrypt_file", e.refusal()));
    // The control: the genuine file decrypts (a target refusing everything would pass otherwise).
    auto genuine = media_decrypt_file(ev, type, e->media_key, enc, e->file_enc_sha256, back);
    if (genuine.violated()) return stopped(ev, CheckOutcome::error(genuine.violation()));
    if (genuine.refused()) {
      return stopped(ev, CheckOutcome::unexpected_refusal("media_decrypt_file of a genuine file", genuine.refusal()));
    }
    if (const std::string diff = compare_files(plain, back); !diff.empty()) {
      return stopped(
          ev, CheckOutcome::fail("a genuine attachment file decrypts to other bytes: the decrypted file " + diff));
    }
    auto file = read_file(enc);
    if (!file || file->size() < 26) {
      return stopped(suite_error(ev, "MED-2 cannot read back the target's encrypted file " + enc.string()));
    }
    const Bytes& f = *file;
    auto flip = [](Bytes b, size_t at) {
      b[at] ^= 0x01;
      return b;
    };
    auto hash_of = [](const Bytes& b) { return to_bytes(sha256(b)); };
    struct FileTamper {
      std::string what;
      Bytes file;
      Bytes hash;
      MediaType type;
    };
    Bytes short1(f.begin(), f.end() - 1), short16(f.begin(), f.end() - 16), longer = f;
    longer.insert(longer.end(), f.end() - 16, f.end());
    const std::vector<FileTamper> tampers = {
        {"first byte flipped", flip(f, 0), e->file_enc_sha256, type},
        {"a middle byte flipped, file_enc_sha256 recomputed", flip(f, f.size() / 2), hash_of(flip(f, f.size() / 2)),
         type},
        {"last MAC byte flipped, file_enc_sha256 recomputed", flip(f, f.size() - 1), hash_of(flip(f, f.size() - 1)),
         type},
        {"one byte cut, file_enc_sha256 recomputed", short1, hash_of(short1), type},
        {"last block cut, file_enc_sha256 recomputed", short16, hash_of(short16), type},
        {"a block appended, file_enc_sha256 recomputed", longer, hash_of(longer), type},
        {"genuine file, wrong file_enc_sha256", f, flip(e->file_enc_sha256, 31), type},
        {"genuine file as the other type", f, e->file_enc_sha256,
         type == MediaType::image ? MediaType::document : MediaType::audio},
    };
    for (size_t i = 0; i < tampers.size(); ++i) {
      const FileTamper& t = tampers[i];
      const fs::path bad = dir->path() / (name + ".t" + std::to_string(i)), out = dir->path() / (name + ".out");
      if (!write_file(bad, t.file)) {
        return stopped(suite_error(ev, "MED-2 cannot write a tampered file: " + io_problem(bad, "write")));
      }
      ++side.total;
      const std::string at = name + ", " + t.what + ": ";
      auto d = media_decrypt_file(ev, t.type, e->media_key, bad, t.hash, out);
      if (d.violated()) return stopped(ev, CheckOutcome::error(d.violation()));
      if (d.ok()) {
        failures.push_back(at + "accepted (" + std::to_string(*d) + " bytes of plaintext)");
      } else if (!counts_as_refusal(d.refusal())) {
        failures.push_back(at + "answered `unsupported`");
      }
      for (const std::string& extra : left_behind(dir->path(), {plain, enc, back, bad})) {
        failures.push_back(at + "left " + extra + " behind");
      }
      std::error_code ec;
      fs::remove(out, ec);
      fs::remove(bad, ec);
    }
    ev.note(name + ": " + std::to_string(tampers.size()) + " tampered copies of a " + std::to_string(f.size()) +
            "-byte encrypted file handed to media_decrypt_file in " + dir->path().string());
    std::error_code ec;
    for (const fs::path& p : {plain, enc, back}) fs::remove(p, ec);
  }
  side.evidence = ev.take();
  return side;
}

CheckOutcome judge_files(Findings& mine, Findings*) {
  return with_failures(mine, "tampered attachment files are accepted or leave files behind",
                       std::to_string(mine.total) +
                           " tampered files of 1 MiB + 1 B (bits of the first block, the middle and the MAC, "
                           "truncations, an extension, a wrong file_enc_sha256, another type's keys) were refused "
                           "by media_decrypt_file, and none left a file behind");
}

// RoundTripSide is what MED-4 measures: the round trips as hex on PTP lines, and through
// files when the target declares `media_file`.
struct RoundTripSide {
  std::optional<CheckOutcome> stop;
  RoundTrips lines;
  RoundTrips files;
  bool with_files = false;
  harness::Transcript evidence;
};

RoundTripSide med4_round_trip(Run& run) {
  Evidence ev{run.target, kElideBytes};
  Rng& rng = run.rng;
  RoundTripSide side;
  if (auto stop = med4_lines(run, ev, rng, side.lines)) return stopped<RoundTripSide>(std::move(*stop));
  side.with_files = run.target.hello().has("media_file");
  if (side.with_files) {
    std::string why;
    auto dir = ScratchDir::make("med4", &why);
    if (!dir) {
      return stopped<RoundTripSide>(suite_error(ev, "MED-4 cannot create its temporary directory: " + why));
    }
    ev.note("media_file: the suite's files are in " + dir->path().string() + " (mode 0700, removed when MED-4 ends)");
    if (auto stop = med4_files(run, ev, rng, dir->path(), side.files)) return stopped<RoundTripSide>(std::move(*stop));
  }
  side.evidence = ev.take();
  return side;
}

CheckOutcome judge_round_trip(RoundTripSide& mine, RoundTripSide*) {
  if (mine.stop) return *mine.stop;
  const RoundTrips& lines = mine.lines;
  const RoundTrips& files = mine.files;
  const size_t largest = std::max(lines.largest, files.largest);
  const std::string over_lines = std::to_string(lines.run) +
                                 " attachments round-trip as hex on PTP lines (4 types; 0 B to " +
                                 size_name(kMaxPtpAttachment) + ")";
  Findings all;
  all.total = lines.run + files.run;
  all.failures = lines.failures;
  all.failures.insert(all.failures.end(), files.failures.begin(), files.failures.end());
  all.evidence = mine.evidence;
  CheckOutcome o;
  if (!all.failures.empty() || mine.with_files) {
    o = with_failures(all, "attachments do not round-trip",
                      over_lines + " and " + std::to_string(files.run) +
                          " through files (media_file; 4 types; 0 B to " + size_name(kMaxAttachment) +
                          "); the reference decrypts each of the target's files to the same plaintext");
    if (!mine.with_files) {
      o.observations.push_back("not tested: attachments above " + size_name(kMaxPtpAttachment) +
                               " (64 MiB needs the capability `media_file`, which the target does not declare)");
    }
  } else {
    // A part of MED-4 left out is not a pass: the run counts it against the target.
    o.verdict = harness::Verdict::not_tested;
    o.summary = over_lines +
                "; 64 MiB needs the capability `media_file` (attachments through files), which the "
                "target does not declare, so attachments above " +
                size_name(kMaxPtpAttachment) + " are not tested";
    o.observations.push_back(
        "limit: a PTP line holds at most about 8 MiB of attachment as hex (16 MiB line bound); "
        "declare `media_file` (docs/ptp.md, PTP 1.2) to be tested up to 64 MiB");
    o.evidence = mine.evidence;
  }
  o.figures.push_back({"largest attachment round-tripped", static_cast<double>(largest), std::nullopt, "bytes"});
  return o;
}

}  // namespace

void register_med_checks(harness::Registry& registry) {
  // MED checks judge the target's attachments against the vectors and the reference's
  // media code itself, not beside the baseline's.
  add_check(registry, CheckSpec<Findings>{
                          .id = "MED-1.vectors",
                          .requirement = "MED-1",
                          .description = "attachment vectors (vectors/media): media_encrypt with the given key and "
                                         "media_decrypt",
                          .needs = {Capability::media},
                          .baseline = BaselineUse::none,
                          .scenario = med1_vectors,
                          .judge = judge_vectors,
                      });
  add_check(registry, CheckSpec<Findings>{
                          .id = "MED-2.vectors",
                          .requirement = "MED-2",
                          .description = "invalid attachment vectors (vectors/media) are refused by media_decrypt",
                          .needs = {Capability::media},
                          .baseline = BaselineUse::none,
                          .scenario = med2_vectors,
                          .judge = judge_invalid_vectors,
                      });
  add_check(registry, CheckSpec<Findings>{
                          .id = "MED-2.tamper",
                          .requirement = "MED-2",
                          .description = "every bit, truncation, extension, wrong file_enc_sha256 and wrong type of "
                                         "fresh files is refused",
                          .needs = {Capability::media},
                          .baseline = BaselineUse::none,
                          .scenario = med2_tamper,
                          .judge = judge_tamper,
                      });
  add_check(registry, CheckSpec<Findings>{
                          .id = "MED-2.files",
                          .requirement = "MED-2",
                          .description = "tampered files of 1 MiB + 1 B are refused by media_decrypt_file, leaving no "
                                         "file behind",
                          .needs = {Capability::media, Capability::media_file},
                          .baseline = BaselineUse::none,
                          .scenario = med2_files,
                          .judge = judge_files,
                      });
  add_check(registry, CheckSpec<KeySide>{
                          .id = "MED-3.fresh-keys",
                          .requirement = "MED-3",
                          .description = "media_encrypt without media_key draws a fresh key every time",
                          .needs = {Capability::media},
                          .baseline = BaselineUse::none,
                          .scenario = med3_fresh_keys,
                          .judge = judge_fresh_keys,
                          .aliases = {"MED-3.fresh_keys"},
                      });
  add_check(registry, CheckSpec<RoundTripSide>{
                          .id = "MED-4.round-trip",
                          .requirement = "MED-4",
                          .description = "every type round-trips: 0 B .. 6 MiB as hex on PTP lines, and 0 B .. 64 MiB "
                                         "through files (capability media_file; without it MED-4 is not-tested)",
                          .needs = {Capability::media},
                          .baseline = BaselineUse::none,
                          .scenario = med4_round_trip,
                          .judge = judge_round_trip,
                          .aliases = {"MED-4.round_trip"},
                      });
}

}  // namespace parity::suites
