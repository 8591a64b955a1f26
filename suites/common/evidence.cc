#include "suites/common/evidence.h"

#include <utility>

namespace parity::suites {

namespace {

// kMaxFailuresShown bounds the observations of a failing check.
constexpr size_t kMaxFailuresShown = 20;

}  // namespace

void Evidence::note(std::string line) {
  collect();
  const int64_t at = kept.entries.empty() ? 0 : kept.entries.back().micros;
  kept.entries.push_back({harness::Direction::note, target.name(), std::move(line), at});
}

void Evidence::collect() {
  harness::Transcript t = target.take_transcript();
  for (harness::TranscriptEntry& e : t.entries) {
    if (e.line.size() > elide_bytes) {
      e.line = std::string(harness::to_string(e.direction)) + " of " + std::to_string(e.line.size()) +
               " bytes elided; it began: " + e.line.substr(0, 160);
      e.direction = harness::Direction::note;
    }
    kept.entries.push_back(std::move(e));
  }
}

CheckOutcome Evidence::finish(CheckOutcome o) {
  collect();
  o.evidence = std::move(kept);
  return o;
}

harness::Transcript Evidence::take() {
  collect();
  return std::exchange(kept, {});
}

CheckOutcome with_failures(const Findings& f, const std::string& what, std::string pass_summary) {
  if (f.stop) return *f.stop;
  const std::vector<std::string>& failures = f.failures;
  const size_t total = f.total;
  CheckOutcome o =
      failures.empty()
          ? CheckOutcome::pass(std::move(pass_summary))
          : CheckOutcome::fail(std::to_string(failures.size()) + " of " + std::to_string(total) + " " + what);
  if (!failures.empty()) o.counterexample = failures.front();
  for (size_t i = 0; i < failures.size() && i < kMaxFailuresShown; ++i) o.observations.push_back(failures[i]);
  if (failures.size() > kMaxFailuresShown) {
    o.observations.push_back("... and " + std::to_string(failures.size() - kMaxFailuresShown) + " more");
  }
  for (const std::string& n : f.notes) o.observations.push_back(n);
  o.evidence = f.evidence;
  return o;
}

}  // namespace parity::suites
