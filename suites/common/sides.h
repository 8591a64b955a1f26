// sides.h: what the ORD, DOS and KEY checks share: the delivery bounds a target
// declares (with the baseline's standing in for those it leaves out), running one
// measurement on the target and on the baseline at once, timing a request, and a
// transcript cut down to a size a report can carry. Header-only, so it needs no change
// to parity_suite_common's build.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <future>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "harness/runner/check.h"
#include "suites/common/bounds.h"
#include "suites/common/check_spec.h"
#include "suites/common/evidence_trim.h"

namespace parity::suites {

// Bounds, bounds_of and Signal's bounds (kSignal*) live in bounds.h.

// on_both runs `measure(target, is_baseline)` on the target and on the baseline in
// parallel: they are separate processes, and halving the wall time keeps the suite
// inside its time budget. `measure` must not share mutable state between its two calls
// (each draws its own generator).
template <class Measure>
auto on_both(harness::CheckContext& ctx, Measure&& measure) {
  using R = decltype(measure(ctx.target, false));
  std::future<R> base = std::async(std::launch::async, [&] { return measure(*ctx.baseline, true); });
  R mine = measure(ctx.target, false);
  return std::pair<R, R>{std::move(mine), base.get()};
}

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

// trimmed_evidence keeps the first `head` and the last `tail` lines of both processes'
// transcripts, each cut to `max_line` characters (evidence_trim.h).
inline harness::Transcript trimmed_evidence(harness::CheckContext& ctx, size_t head = 200, size_t tail = 200,
                                            size_t max_line = 2048) {
  return trimmed_evidence(ctx, EvidenceTrim{head, tail, max_line});
}

}  // namespace parity::suites
