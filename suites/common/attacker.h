// attacker.h: small helpers for the attacker model of FS and PCS (requirements.md):
// fresh processes per scenario, "does this clone read that message", and forwarding a
// failed Op from one helper to its caller. Header-only, so suites/common's library is
// unchanged.
#pragma once

#include <optional>
#include <string>

#include "suites/common/check_spec.h"
#include "suites/common/conversation.h"

namespace parity::suites {

// forward_failure turns a failed Op into a failed Op of another type.
template <class T, class U>
Op<T> forward_failure(const Op<U>& op) {
  if (op.violated()) return op.violation();
  return op.refusal();
}

// PARITY_PASS is PARITY_STEP for helpers that return an Op: a failure is passed up
// to the caller as is.
#define PARITY_PASS(decl, expr)                                                  \
  auto PARITY_CONCAT_(try_, __LINE__) = (expr);                                  \
  if (!PARITY_CONCAT_(try_, __LINE__).ok())                                      \
    return ::parity::suites::forward_failure_of(PARITY_CONCAT_(try_, __LINE__)); \
  decl = std::move(PARITY_CONCAT_(try_, __LINE__).value())

// FailureOf converts to any Op<T>: PARITY_PASS returns it without naming T.
template <class U>
struct FailureOf {
  const Op<U>& op;
  template <class T>
  operator Op<T>() const {  // NOLINT(google-explicit-constructor)
    return forward_failure<T>(op);
  }
};
template <class U>
FailureOf<U> forward_failure_of(const Op<U>& op) {
  return FailureOf<U>{op};
}

// fresh_world resets a process before one scenario of a check. Deterministic targets
// get a seed derived from the check's and the scenario number, so each scenario
// replays; the same scenario number gives target and baseline the same seed.
inline Op<harness::Unit> fresh_world(Target& t, const Key32& check_seed, int scenario) {
  std::optional<Key32> s;
  if (t.hello().has("deterministic")) {
    Key32 k = check_seed;
    k[0] ^= static_cast<uint8_t>(scenario & 0xff);
    k[1] ^= static_cast<uint8_t>((scenario >> 8) & 0xff);
    k[2] ^= 0xc5;  // never the check's own seed
    s = k;
  }
  return t.reset(s);
}

// read_by tells whether `party` (typically a clone) decrypts m, as if from m's sender,
// to m's plaintext. A refusal, or other bytes, means it cannot read m.
inline Op<bool> read_by(Conversation& c, const Sent& m, const std::string& party) {
  auto p = c.deliver(m, party);
  if (p.violated()) return p.violation();
  return p.ok() && *p == m.plaintext;
}

// label_of names a process in observations ("target", "baseline").
inline std::string label_of(int world) {
  return world == 0 ? "target" : "baseline";
}

// side_label names the process a Run plays on, as label_of does.
inline std::string side_label(const Run& r) {
  return label_of(r.is_baseline ? 1 : 0);
}

}  // namespace parity::suites
