#include "suites/common/evidence_trim.h"

#include <algorithm>
#include <string>
#include <utility>

namespace parity::suites {

harness::Transcript trim_transcript(harness::Transcript all, EvidenceTrim trim) {
  harness::Transcript out;
  const size_t n = all.entries.size();
  const bool cut_lines = trim.head != 0 && n > trim.head + trim.tail;
  for (size_t i = 0; i < n; ++i) {
    if (cut_lines && i == trim.head) {
      harness::TranscriptEntry gap;
      gap.direction = harness::Direction::note;
      gap.target = "suite";
      gap.line = "(" + std::to_string(n - trim.head - trim.tail) + " lines left out of the evidence)";
      gap.micros = all.entries[i].micros;
      out.entries.push_back(std::move(gap));
      i = n - trim.tail;
      if (i >= n) break;
    }
    harness::TranscriptEntry e = std::move(all.entries[i]);
    if (trim.max_line != 0 && e.line.size() > trim.max_line) {
      const size_t full = e.line.size();
      e.line = e.line.substr(0, trim.max_line) + "…(" + std::to_string(full) + " characters)";
    }
    out.entries.push_back(std::move(e));
  }
  return out;
}

harness::Transcript trimmed_evidence(harness::CheckContext& ctx, EvidenceTrim trim) {
  harness::Transcript all = ctx.target.take_transcript();
  if (ctx.baseline != nullptr) {
    harness::Transcript b = ctx.baseline->take_transcript();
    all.entries.insert(all.entries.end(), b.entries.begin(), b.entries.end());
  }
  std::stable_sort(
      all.entries.begin(), all.entries.end(),
      [](const harness::TranscriptEntry& a, const harness::TranscriptEntry& b) { return a.micros < b.micros; });
  return trim_transcript(std::move(all), trim);
}

}  // namespace parity::suites
