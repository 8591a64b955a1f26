// evidence.h: what the checks of optional capabilities (MED, STZ) share: evidence that
// stays readable when requests carry megabytes, their Side (Findings: the cases tried
// and those that failed), and the verdict of a list of failures.
#pragma once

#include <optional>
#include <string>
#include <utility>
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
  // take collects and hands over the evidence kept so far (for a scenario's Side).
  harness::Transcript take();
  // collected collects after the op that gave `r`: ev.collected(ev.target.media_encrypt(...)).
  template <class T>
  Op<T> collected(Op<T> r) {
    collect();
    return r;
  }
};

// Findings is the Side of a MED or STZ check (check_spec.h): the cases it tried, one line
// per case that failed, notes for the report, and the evidence Evidence kept. Checks that
// measure more (a figure) extend it.
struct Findings {
  std::optional<CheckOutcome> stop;  // a violation, or the suite's own trouble; carries its evidence
  size_t total = 0;
  std::vector<std::string> failures;
  std::vector<std::string> notes;
  harness::Transcript evidence;
};

// stopped is the Side of a scenario cut short by `o` (which carries its own evidence, if any).
template <class S = Findings>
S stopped(CheckOutcome o) {
  S side;
  side.stop = std::move(o);
  return side;
}

// stopped is the Side of a scenario cut short by `o`, with the evidence kept so far.
template <class S = Findings>
S stopped(Evidence& ev, CheckOutcome o) {
  return stopped<S>(ev.finish(std::move(o)));
}

// with_failures judges Findings: a pass with pass_summary, or a fail with "N of `total`
// `what`", the first failure as counterexample and up to 20 as observations; notes
// follow either way, and the evidence. A stopped side is judged by its stop.
CheckOutcome with_failures(const Findings& f, const std::string& what, std::string pass_summary);

}  // namespace parity::suites
