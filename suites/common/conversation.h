// conversation.h: parties hosted by one target process, talking, with a log in words for
// counterexamples. Two parties are numbered (the initiator 0, the responder 1); scenarios
// with third parties and clones (AKE-3, AKE-5, AKE-6) name any party of the process.
#pragma once

#include <string>
#include <vector>

#include "suites/common/steps.h"

namespace parity::suites {

// Sent is one encrypted message, kept for delivery (perhaps late, perhaps twice).
struct Sent {
  int from = 0;    // 0: first party, 1: second party
  int number = 0;  // order of sending in this conversation
  Bytes plaintext;
  harness::CiphertextResult c;
};

// Conversation drives parties `names[0]` (the initiator) and `names[1]`.
class Conversation {
 public:
  explicit Conversation(Target& target, std::string initiator = "alice", std::string responder = "bob");

  Target& target() { return target_; }
  const std::string& name(int party) const { return names_[static_cast<size_t>(party)]; }
  const std::string& peer_of(int party) const { return names_[static_cast<size_t>(1 - party)]; }

  // start creates both parties, publishes the responder's bundle and initiates.
  Op<harness::Unit> start();
  // establish is start() plus one message each way, so both hold a two-way session.
  Op<harness::Unit> establish();
  // send encrypts a fresh plaintext (or `plaintext`) from `party` to its peer.
  Op<Sent> send(int party, std::optional<Bytes> plaintext = std::nullopt);
  // deliver decrypts `m` at its recipient (`to` overrides the recipient party name,
  // e.g. a clone; `from` overrides the claimed sender).
  Op<Bytes> deliver(const Sent& m, const std::string& to = "", const std::string& from = "");
  // round_trip sends one message each way, the `party` first, and delivers both.
  Op<harness::Unit> round_trip(int party = 0);

  // clone exports `party` and imports it as `clone_name` (the attacker's copy).
  Op<harness::Unit> clone(int party, const std::string& clone_name);

  // Any named party of the process (third parties, clones); `label` names the message in
  // the log. encrypt: `from` encrypts `plaintext` to its peer `to`.
  Op<harness::CiphertextResult> encrypt(const std::string& from, const std::string& to, const Bytes& plaintext,
                                        const std::string& label);
  // decrypt: `at` decrypts `c`, told that it comes from `from`.
  Op<Bytes> decrypt(const std::string& at, const std::string& from, const harness::CiphertextResult& c,
                    const std::string& label);
  // snapshot exports `party` and imports it as `copy_name` (a snapshot copy).
  Op<harness::Unit> snapshot(const std::string& party, const std::string& copy_name);

  const std::vector<std::string>& log() const { return log_; }
  // story joins the log for a counterexample (the last `max_lines` lines).
  std::string story(size_t max_lines = 40) const;
  void note(std::string line) { log_.push_back(std::move(line)); }

 private:
  Target& target_;
  std::string names_[2];
  int sent_ = 0;
  std::vector<std::string> log_;
};

}  // namespace parity::suites
