// steps.h: helpers that keep checks short: unwrap an Op or return the verdict it
// implies, and drive parties that may live in different target processes.
#pragma once

#include <chrono>
#include <string>

#include "harness/runner/check.h"

namespace parity::suites {

using harness::BaselineUse;
using harness::Capability;
using harness::CheckContext;
using harness::CheckOutcome;
using harness::Op;
using harness::Target;

// PARITY_STEP runs a PTP operation that must succeed: a violation makes the check
// `error`, a refusal makes it `fail` naming `what`; otherwise `decl` holds the value.
#define PARITY_STEP(decl, expr, what)                                                                            \
  auto PARITY_CONCAT_(step_, __LINE__) = (expr);                                                                 \
  if (PARITY_CONCAT_(step_, __LINE__).violated())                                                                \
    return ::parity::harness::CheckOutcome::error(PARITY_CONCAT_(step_, __LINE__).violation());                  \
  if (PARITY_CONCAT_(step_, __LINE__).refused())                                                                 \
    return ::parity::harness::CheckOutcome::unexpected_refusal(what, PARITY_CONCAT_(step_, __LINE__).refusal()); \
  decl = std::move(PARITY_CONCAT_(step_, __LINE__).value())

// PARITY_DO is PARITY_STEP for operations without a value.
#define PARITY_DO(expr, what)                                                                               \
  do {                                                                                                      \
    auto step_ = (expr);                                                                                    \
    if (step_.violated()) return ::parity::harness::CheckOutcome::error(step_.violation());                 \
    if (step_.refused()) return ::parity::harness::CheckOutcome::unexpected_refusal(what, step_.refusal()); \
  } while (0)

// outcome_of is the verdict a failed Op implies (PARITY_STEP's, for code that cannot
// return from where the step failed): a violation is `error`, a refusal `fail`.
template <class T>
CheckOutcome outcome_of(const Op<T>& op, const std::string& what) {
  return op.violated() ? CheckOutcome::error(op.violation()) : CheckOutcome::unexpected_refusal(what, op.refusal());
}

// PartyRef names a party hosted by a target process.
struct PartyRef {
  Target* target;
  std::string name;
};

// random_bytes draws n bytes from the check's generator.
Bytes random_bytes(Rng& rng, size_t n);

// next_u32 draws a number from the check's generator (for schedulers and choices).
uint32_t next_u32(Rng& rng);

// refusal_text names a refusal for observations: "code: detail".
std::string refusal_text(const harness::Refusal& r);

// short_hex shortens a hex string for observations.
std::string short_hex(ByteView b, size_t max_bytes = 16);

// Stopwatch measures how long a request took, in milliseconds.
class Stopwatch {
 public:
  Stopwatch() : start_(std::chrono::steady_clock::now()) {}
  double ms() const {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  std::chrono::steady_clock::time_point start_;
};

}  // namespace parity::suites
