// med_test: MED-4.round_trip against the reference target process: it passes with
// `media_file` (0 B to 64 MiB through files), is not-tested without it (a part left out
// is no pass), and still fails without it when a size over lines fails. MED-2.files
// passes on the reference and fails a target that accepts a tampered file or leaves a
// partial plaintext file behind. A violation stops a MED check as `error` with the
// evidence gathered before it.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include <gtest/gtest.h>

#include "harness/runner/check.h"
#include "tests/suites/check_runner.h"
#include "tests/suites/forwarding_target.h"

namespace parity::suites {
namespace {

namespace fs = std::filesystem;
using harness::CheckOutcome;
using harness::Json;
using harness::Op;
using harness::Target;
using harness::Verdict;

// Masked forwards to the reference target but hides capabilities from its hello and can
// refuse media_decrypt of one plaintext size (the size of its encrypted file).
class Masked final : public test::ForwardingTarget {
 public:
  Masked(std::unique_ptr<Target> inner, const std::string& hide) : ForwardingTarget(std::move(inner)) {
    std::erase(mutable_hello().capabilities, hide);
  }
  size_t refuse_encrypted_size = 0;  // 0: refuse nothing
  bool accept_bad_files = false;     // media_decrypt_file: answer ok where the reference refuses
  bool leave_part_files = false;     // media_decrypt_file: leave OUT.part behind after a refusal
  int break_after_encrypts = -1;     // media_encrypt: break the protocol after this many; -1: never

  Op<harness::MediaEncrypted> media_encrypt(media::MediaType type, ByteView plaintext,
                                            std::optional<ByteView> key) override {
    if (break_after_encrypts >= 0 && encrypts_++ >= break_after_encrypts) {
      return harness::Violation{harness::ViolationKind::exited, "broken by the test", ""};
    }
    return ForwardingTarget::media_encrypt(type, plaintext, key);
  }

  Op<Bytes> media_decrypt(media::MediaType type, ByteView key, ByteView encrypted, ByteView hash) override {
    if (refuse_encrypted_size != 0 && encrypted.size() == refuse_encrypted_size) {
      return harness::Refusal{ptp::ErrorCode::invalid_message, "refused by the test"};
    }
    return ForwardingTarget::media_decrypt(type, key, encrypted, hash);
  }
  Op<uint64_t> media_decrypt_file(media::MediaType type, ByteView key, const std::string& path, ByteView hash,
                                  const std::string& out) override {
    Op<uint64_t> r = ForwardingTarget::media_decrypt_file(type, key, path, hash, out);
    if (r.refused()) {
      if (accept_bad_files) return uint64_t{0};
      if (leave_part_files) std::ofstream(out + ".part") << "unverified plaintext";
    }
    return r;
  }

 private:
  int encrypts_ = 0;
};

std::unique_ptr<Masked> reference(const std::string& hide) {
  auto inner = test::start_reference();
  if (!inner) return nullptr;
  return std::make_unique<Masked>(std::move(inner), hide);
}

CheckOutcome run_check(Target& target, const std::string& id) {
  return test::run_registered_check(target, id);
}

CheckOutcome run_med4(Target& target) {
  return run_check(target, "MED-4.round_trip");
}

// PrivateTmp points TMPDIR at a fresh directory for one test, so that counting the
// checks' scratch directories sees only this test's (ctest runs tests in parallel).
class PrivateTmp {
 public:
  PrivateTmp() {
    std::string name = (fs::temp_directory_path() / "parity-med-test-XXXXXX").string();
    if (::mkdtemp(name.data()) != nullptr) dir_ = name;
    const char* old = std::getenv("TMPDIR");
    if (old != nullptr) old_ = old;
    if (!dir_.empty()) ::setenv("TMPDIR", dir_.c_str(), 1);
  }
  ~PrivateTmp() {
    if (old_) {
      ::setenv("TMPDIR", old_->c_str(), 1);
    } else {
      ::unsetenv("TMPDIR");
    }
    std::error_code ec;
    if (!dir_.empty()) fs::remove_all(dir_, ec);
  }
  PrivateTmp(const PrivateTmp&) = delete;
  PrivateTmp& operator=(const PrivateTmp&) = delete;
  bool ok() const { return !dir_.empty(); }

  // scratch_dirs counts the MED checks' temporary directories in it (none after a check).
  size_t scratch_dirs() const {
    size_t n = 0;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir_, ec)) {
      if (e.path().filename().string().starts_with("parity-med")) ++n;
    }
    return n;
  }

 private:
  std::string dir_;
  std::optional<std::string> old_;
};

TEST(Med4, PassesThroughFilesUpTo64MiB) {
  auto t = reference("");
  ASSERT_TRUE(t);
  ASSERT_TRUE(t->hello().has("media_file"));
  PrivateTmp tmp;
  ASSERT_TRUE(tmp.ok());
  CheckOutcome o = run_med4(*t);
  EXPECT_EQ(o.verdict, Verdict::pass) << o.summary << "\n" << (o.observations.empty() ? "" : o.observations[0]);
  EXPECT_NE(o.summary.find("64 MiB"), std::string::npos) << o.summary;
  ASSERT_FALSE(o.figures.empty());
  EXPECT_EQ(o.figures[0].target, static_cast<double>(size_t{64} << 20));
  EXPECT_EQ(tmp.scratch_dirs(), 0u) << "MED-4 left its temporary directory behind";
  // The evidence names the files and sizes and holds no megabytes of hex.
  ASSERT_TRUE(o.evidence.has_value());
  bool saw_file_op = false;
  for (const harness::TranscriptEntry& e : o.evidence->entries) {
    EXPECT_LE(e.line.size(), size_t{64} << 10);
    if (e.line.find("\"media_decrypt_file\"") != std::string::npos &&
        e.line.find("video-67108864.enc") != std::string::npos) {
      saw_file_op = true;
    }
  }
  EXPECT_TRUE(saw_file_op) << "the transcript does not show the 64 MiB video file";
}

TEST(Med4, WithoutMediaFileIsNotTested) {
  auto t = reference("media_file");
  ASSERT_TRUE(t);
  CheckOutcome o = run_med4(*t);
  EXPECT_EQ(o.verdict, Verdict::not_tested) << o.summary;
  EXPECT_NE(o.summary.find("32 attachments round-trip"), std::string::npos) << o.summary;
  EXPECT_NE(o.summary.find("6 MiB"), std::string::npos) << o.summary;
  EXPECT_NE(o.summary.find("64 MiB needs the capability `media_file`"), std::string::npos) << o.summary;
  for (const harness::TranscriptEntry& e : o.evidence->entries) {
    EXPECT_EQ(e.line.find("media_encrypt_file"), std::string::npos) << "a file op sent to a target without media_file";
  }
}

TEST(Med4, WithoutMediaFileALineFailureStaysAFail) {
  auto t = reference("media_file");
  ASSERT_TRUE(t);
  t->refuse_encrypted_size = 1008 + 10;  // the file of a 1000-byte attachment, one a type
  CheckOutcome o = run_med4(*t);
  EXPECT_EQ(o.verdict, Verdict::fail) << o.summary;
  EXPECT_NE(o.summary.find("4 of 32"), std::string::npos) << o.summary;
  EXPECT_NE(o.counterexample.find("1000 B: media_decrypt refused"), std::string::npos) << o.counterexample;
  bool says_untested = false;
  for (const std::string& line : o.observations)
    says_untested |= line.starts_with("not tested: attachments above 6 MiB");
  EXPECT_TRUE(says_untested) << "the failure does not say that 64 MiB was left out";
}

TEST(Med2Files, ReferenceRefusesEveryTamperedFileAndLeavesNothing) {
  auto t = reference("");
  ASSERT_TRUE(t);
  PrivateTmp tmp;
  ASSERT_TRUE(tmp.ok());
  CheckOutcome o = run_check(*t, "MED-2.files");
  EXPECT_EQ(o.verdict, Verdict::pass) << o.summary;
  EXPECT_NE(o.summary.find("16 tampered files"), std::string::npos) << o.summary;
  EXPECT_EQ(tmp.scratch_dirs(), 0u) << "MED-2.files left its temporary directory behind";
}

TEST(Med2Files, FailsATargetThatAcceptsATamperedFile) {
  auto t = reference("");
  ASSERT_TRUE(t);
  t->accept_bad_files = true;
  CheckOutcome o = run_check(*t, "MED-2.files");
  EXPECT_EQ(o.verdict, Verdict::fail) << o.summary;
  EXPECT_NE(o.counterexample.find("first byte flipped: accepted"), std::string::npos) << o.counterexample;
}

TEST(Med2Files, FailsATargetThatLeavesAPartialFileBehind) {
  auto t = reference("");
  ASSERT_TRUE(t);
  t->leave_part_files = true;
  CheckOutcome o = run_check(*t, "MED-2.files");
  EXPECT_EQ(o.verdict, Verdict::fail) << o.summary;
  EXPECT_NE(o.counterexample.find(".out.part behind"), std::string::npos) << o.counterexample;
}

// A violation in the middle of a check stops it as `error`, with the exchanges before it
// as evidence (and no figure measured by the part that did not run).
TEST(Med3, AViolationIsAnErrorWithTheEvidenceSoFar) {
  auto t = reference("");
  ASSERT_TRUE(t);
  t->break_after_encrypts = 3;
  CheckOutcome o = run_check(*t, "MED-3.fresh-keys");
  EXPECT_EQ(o.verdict, Verdict::error) << o.summary;
  EXPECT_NE(o.summary.find("broken by the test"), std::string::npos) << o.summary;
  EXPECT_TRUE(o.figures.empty());
  ASSERT_TRUE(o.evidence.has_value());
  size_t encrypts = 0;
  for (const harness::TranscriptEntry& e : o.evidence->entries) {
    if (e.direction == harness::Direction::request && e.line.find("\"media_encrypt\"") != std::string::npos) ++encrypts;
  }
  EXPECT_EQ(encrypts, 3u) << "the evidence does not hold the three encryptions before the violation";
}

}  // namespace
}  // namespace parity::suites
