// script.h: any number of named parties of one target process talking, with a log in
// words for counterexamples. Conversation covers two parties; Script is for scenarios
// with third parties and clones (AKE-3, AKE-5). Header-only.
#pragma once

#include <string>
#include <vector>

#include "suites/common/steps.h"

namespace parity::suites {

// Script sends and delivers between named parties of `target` and logs every step.
class Script {
 public:
  explicit Script(Target& target) : target_(target) {}

  Target& target() { return target_; }

  // send encrypts `plaintext` from `from` to its peer `to`; `label` names it in the log.
  Op<harness::CiphertextResult> send(const std::string& from, const std::string& to, const Bytes& plaintext,
                                     const std::string& label) {
    auto c = target_.encrypt(from, to, plaintext);
    log_.push_back(from + " sends " + label + " to " + to +
                   (c.ok()        ? " (" + std::string(to_string(c->kind)) + ")"
                    : c.refused() ? ": refused"
                                  : ": violates PTP"));
    return c;
  }

  // receive decrypts `c` at `at`, told that it comes from `from`.
  Op<Bytes> receive(const std::string& at, const std::string& from, const harness::CiphertextResult& c,
                    const std::string& label) {
    auto p = target_.decrypt(at, from, c.ciphertext, c.kind);
    std::string outcome = p.ok()        ? "reads it"
                          : p.refused() ? "refuses it (" + std::string(ptp::to_string(p.refusal().code)) + ")"
                                        : "violates PTP";
    log_.push_back(label + " delivered to " + at + " as from " + from + ": " + outcome);
    return p;
  }

  // clone exports `party` and imports it as `clone_name` (the attacker's or a snapshot copy).
  Op<harness::Unit> clone(const std::string& party, const std::string& clone_name) {
    auto state = target_.export_state(party);
    if (!state.ok())
      return state.violated() ? Op<harness::Unit>(state.violation()) : Op<harness::Unit>(state.refusal());
    log_.push_back("snapshot of " + party + " exported and imported as " + clone_name);
    return target_.import_state(clone_name, *state);
  }

  void note(std::string line) { log_.push_back(std::move(line)); }
  const std::vector<std::string>& log() const { return log_; }

  // story joins the last `max_lines` log lines for a counterexample.
  std::string story(size_t max_lines = 40) const {
    std::string out;
    size_t start = log_.size() > max_lines ? log_.size() - max_lines : 0;
    if (start > 0) out = "… (" + std::to_string(start) + " earlier steps)\n";
    for (size_t i = start; i < log_.size(); ++i) out += log_[i] + "\n";
    return out;
  }

 private:
  Target& target_;
  std::vector<std::string> log_;
};

}  // namespace parity::suites
