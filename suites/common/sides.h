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

namespace parity::suites {

// kBaselineMaxSkip and friends are the Signal baseline's bounds (requirements.md,
// libsignal-protocol-c 2.3.3), used when neither process declares a bound.
inline constexpr uint64_t kBaselineMaxSkip = 2000;
inline constexpr uint64_t kBaselineMaxSkippedKeys = 2000;
inline constexpr uint64_t kBaselineMaxReceiverChains = 5;

// Bounds are the limits within which delivery requirements hold for one process.
struct Bounds {
  uint64_t max_skip = kBaselineMaxSkip;
  uint64_t max_skipped_keys = kBaselineMaxSkippedKeys;
  uint64_t max_receiver_chains = kBaselineMaxReceiverChains;
  std::vector<std::string> borrowed;  // the names taken from the baseline, not declared

  // describe says where the bounds come from, for observations.
  std::string describe() const {
    std::string s = "bounds: max_skip " + std::to_string(max_skip) + ", max_skipped_keys " +
                    std::to_string(max_skipped_keys) + ", max_receiver_chains " + std::to_string(max_receiver_chains);
    if (!borrowed.empty()) {
      s += " (not declared in hello, the baseline's used instead:";
      for (const std::string& b : borrowed) s += " " + b;
      s += ")";
    }
    return s;
  }
};

// bounds_of reads the bounds `t` declares; a bound it leaves out is the baseline's
// declaration, or the catalogue's baseline figure when the baseline is absent too.
inline Bounds bounds_of(const harness::Target& t, const harness::Target* baseline) {
  Bounds b;
  auto pick = [&](const char* name, uint64_t fallback, uint64_t& out_) {
    if (auto v = t.hello().limit(name)) {
      out_ = *v;
      return;
    }
    b.borrowed.emplace_back(name);
    out_ = fallback;
    if (baseline != nullptr) {
      if (auto v = baseline->hello().limit(name)) out_ = *v;
    }
  };
  pick("max_skip", kBaselineMaxSkip, b.max_skip);
  pick("max_skipped_keys", kBaselineMaxSkippedKeys, b.max_skipped_keys);
  pick("max_receiver_chains", kBaselineMaxReceiverChains, b.max_receiver_chains);
  return b;
}

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

// baseline_trouble turns a baseline's failed step into the check's error: the reference
// misbehaving is a fault of the suite or its build, never a verdict on the target.
inline harness::CheckOutcome baseline_trouble(harness::CheckOutcome o) {
  o.verdict = harness::Verdict::error;
  o.summary = "the baseline could not run the measurement: " + o.summary;
  return o;
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

// trimmed_evidence takes both processes' transcripts and keeps the first `head` and
// the last `tail` lines, each cut to `max_line` characters: checks that send thousands
// of requests or 32 MiB lines would otherwise put all of it into the report.
inline harness::Transcript trimmed_evidence(harness::CheckContext& ctx, size_t head = 200, size_t tail = 200,
                                            size_t max_line = 2048) {
  harness::Transcript all = ctx.target.take_transcript();
  if (ctx.baseline != nullptr) {
    harness::Transcript b = ctx.baseline->take_transcript();
    all.entries.insert(all.entries.end(), b.entries.begin(), b.entries.end());
  }
  std::stable_sort(all.entries.begin(), all.entries.end(),
                   [](const harness::TranscriptEntry& a, const harness::TranscriptEntry& b) { return a.micros < b.micros; });
  harness::Transcript out;
  const size_t n = all.entries.size();
  for (size_t i = 0; i < n; ++i) {
    if (i == head && n > head + tail) {
      harness::TranscriptEntry gap;
      gap.direction = harness::Direction::note;
      gap.target = "suite";
      gap.line = "(" + std::to_string(n - head - tail) + " lines left out of the evidence)";
      gap.micros = all.entries[i].micros;
      out.entries.push_back(std::move(gap));
      i = n - tail;
    }
    harness::TranscriptEntry e = std::move(all.entries[i]);
    if (e.line.size() > max_line) {
      const size_t full = e.line.size();
      e.line = e.line.substr(0, max_line) + "…(" + std::to_string(full) + " characters)";
    }
    out.entries.push_back(std::move(e));
  }
  return out;
}

}  // namespace parity::suites
