// evidence.h: what the checks of optional capabilities (MED, STZ) share: evidence that
// stays readable when requests carry megabytes, and the verdict of a list of failures.
#pragma once

#include <string>
#include <vector>

#include "suites/common/steps.h"

namespace parity::suites {

// Evidence collects a check's exchanges as it goes; transcript lines longer than
// elide_bytes become a note with their first 160 bytes, so a check that moves megabytes
// keeps readable evidence.
struct Evidence {
  Evidence(Target& t, size_t elide) : target(t), elide_bytes(elide) {}

  Target& target;
  size_t elide_bytes;
  harness::Transcript kept;

  // note adds a line of the suite's own (what it compared, where the files are).
  void note(std::string line);
  // collect moves the target's transcript so far into `kept`, eliding huge lines.
  void collect();
  // finish collects and attaches the evidence to a verdict.
  CheckOutcome finish(CheckOutcome o);
  // collected collects after the op that gave `r`: ev.collected(ev.target.media_encrypt(...)).
  template <class T>
  Op<T> collected(Op<T> r) {
    collect();
    return r;
  }
};

// with_failures passes with pass_summary, or fails with "N of `total` `what`", the first
// failure as counterexample and up to 20 as observations; notes follow either way.
CheckOutcome with_failures(Evidence& ev, const std::vector<std::string>& failures, size_t total,
                           const std::string& what, std::string pass_summary, std::vector<std::string> notes = {});

}  // namespace parity::suites
