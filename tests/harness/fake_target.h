// fake_target.h: a Target without a process, for the runner's tests: every op
// succeeds, the hello is whatever the test says, and `kill()` makes it look dead.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "harness/client/target.h"

namespace parity::test {

using parity::Bytes;
using harness::Hello;
using harness::Json;
using harness::Op;
using harness::Transcript;
using harness::Unit;

// FakeStats is shared by the fakes a test starts, so it can count across restarts.
struct FakeStats {
  int starts = 0;
  int restarts = 0;
  int resets = 0;
  std::vector<std::optional<parity::Key32>> reset_seeds;
};

class FakeTarget final : public harness::Target {
 public:
  FakeTarget(std::string label, Hello hello, std::shared_ptr<FakeStats> stats)
      : label_(std::move(label)), hello_(std::move(hello)), stats_(std::move(stats)) {}

  const std::string& name() const override { return label_; }
  const Hello& hello() const override { return hello_; }
  Op<Json> call(Json request) override {
    note(request.dump());
    return Json{{"ok", true}};
  }
  Op<Json> send_raw(const std::string& line) override {
    note(line);
    return Json{{"ok", true}};
  }
  Op<Unit> reset(std::optional<parity::Key32> seed) override {
    ++stats_->resets;
    stats_->reset_seeds.push_back(seed);
    note("reset");
    return Unit{};
  }
  Op<Bytes> create(const std::string& party, const harness::Inject&) override {
    note("create " + party);
    return Bytes{5, 1, 2};
  }
  Op<harness::BundleResult> bundle(const std::string&, const harness::Inject&) override {
    return harness::BundleResult{Bytes{1}, std::nullopt, {}};
  }
  Op<Unit> initiate(const std::string&, const std::string&, parity::ByteView, const harness::Inject&) override {
    return Unit{};
  }
  Op<harness::CiphertextResult> encrypt(const std::string&, const std::string&, parity::ByteView p,
                                        const harness::Inject&) override {
    return harness::CiphertextResult{Bytes(p.begin(), p.end()), harness::MessageKind::message};
  }
  Op<Bytes> decrypt(const std::string&, const std::string&, parity::ByteView c, harness::MessageKind,
                    const harness::Inject&) override {
    return Bytes(c.begin(), c.end());
  }
  Op<Bytes> export_state(const std::string&) override { return Bytes{}; }
  Op<Unit> import_state(const std::string&, parity::ByteView) override { return Unit{}; }
  Op<Json> primitive(const std::string&, const Json&) override { return Json::object(); }
  // Media: the "encrypted" file is the plaintext itself, under an all-zero key.
  Op<harness::MediaEncrypted> media_encrypt(parity::media::MediaType, parity::ByteView p,
                                            std::optional<parity::ByteView> key) override {
    note("media_encrypt");
    return harness::MediaEncrypted{key ? Bytes(key->begin(), key->end()) : Bytes(32, 0), Bytes(p.begin(), p.end()),
                                   Bytes(32, 0), Bytes(32, 0)};
  }
  Op<Bytes> media_decrypt(parity::media::MediaType, parity::ByteView, parity::ByteView encrypted,
                          parity::ByteView) override {
    note("media_decrypt");
    return Bytes(encrypted.begin(), encrypted.end());
  }
  Op<harness::MediaFileEncrypted> media_encrypt_file(parity::media::MediaType, const std::string& path,
                                                     const std::string&, std::optional<parity::ByteView>) override {
    note("media_encrypt_file " + path);
    return harness::MediaFileEncrypted{Bytes(32, 0), Bytes(32, 0), Bytes(32, 0), 0};
  }
  Op<uint64_t> media_decrypt_file(parity::media::MediaType, parity::ByteView, const std::string& path, parity::ByteView,
                                  const std::string&) override {
    note("media_decrypt_file " + path);
    return uint64_t{0};
  }
  // Stanzas: wrap writes a placeholder; unwrap reads back the stanza's bytes as the ciphertext.
  Op<std::string> wrap(const std::string&, const std::string&, parity::ByteView, harness::MessageKind,
                       const harness::StanzaAddress& address) override {
    note("wrap " + address.stanza_id);
    return "<message id='" + address.stanza_id + "'/>";
  }
  Op<harness::Unwrapped> unwrap(const std::string&, std::string_view stanza, harness::StanzaEncoding) override {
    note("unwrap");
    return harness::Unwrapped{"", "", "", "message", Bytes(stanza.begin(), stanza.end())};
  }
  Op<Unit> restart() override {
    ++stats_->restarts;
    alive_ = true;
    return Unit{};
  }
  bool alive() const override { return alive_; }
  Transcript take_transcript() override {
    Transcript t;
    t.entries = std::move(entries_);
    entries_.clear();
    return t;
  }
  std::string stderr_tail() const override { return "fake stderr"; }
  uint64_t round_trips() const override { return entries_.size(); }

  // kill makes the target look dead, as after a violation.
  void kill() { alive_ = false; }

 private:
  void note(const std::string& line) {
    entries_.push_back(harness::TranscriptEntry{harness::Direction::request, label_, line, 0});
  }
  std::string label_;
  Hello hello_;
  std::shared_ptr<FakeStats> stats_;
  bool alive_ = true;
  std::vector<harness::TranscriptEntry> entries_;
};

// fake_starter returns a TargetStarter whose targets say `hello`; a command equal to
// "fail" cannot start. Baselines (label "baseline") say the reference's hello.
inline auto fake_starter(Hello hello, std::shared_ptr<FakeStats> stats) {
  return [hello, stats](const std::string& command, const std::string& label,
                        const harness::Limits&) -> std::variant<std::unique_ptr<harness::Target>, harness::StartError> {
    if (command == "fail") {
      return harness::StartError{harness::Violation{harness::ViolationKind::exited, "exited with status 1", ""}};
    }
    ++stats->starts;
    Hello h = hello;
    if (label == "baseline") {
      h.implementation = "reference";
      h.protocol = "signal-v3";
      h.capabilities = {"export", "import", "deterministic", "inject", "primitives"};
    }
    return std::unique_ptr<harness::Target>(new FakeTarget(label, h, stats));
  };
}

}  // namespace parity::test
