// evidence_trim.h: the one evidence trimmer. A check's evidence is both processes'
// transcripts in time order; checks that send thousands of requests or 16 MiB lines keep
// a head and a tail of it, each line cut to a length a report can carry.
#pragma once

#include <cstddef>

#include "harness/runner/check.h"

namespace parity::suites {

// EvidenceTrim bounds a check's evidence; the default keeps everything.
struct EvidenceTrim {
  size_t head = 0;      // lines kept from the start; 0: keep every line
  size_t tail = 0;      // lines kept from the end
  size_t max_line = 0;  // longer lines are cut, saying how long they were; 0: no cut
};

// trimmed_evidence takes the target's and the baseline's transcripts (draining both) and
// merges them in time order, trimmed by `trim`.
harness::Transcript trimmed_evidence(harness::CheckContext& ctx, EvidenceTrim trim);

// trim_transcript trims one transcript by `trim`.
harness::Transcript trim_transcript(harness::Transcript all, EvidenceTrim trim);

}  // namespace parity::suites
