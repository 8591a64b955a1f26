// evidence.h: what the checks of optional capabilities (MED, STZ) share: evidence that
// stays readable when requests carry megabytes, raw requests whose ok:false answers are
// refusals, strict hex fields, and the verdict of a list of failures.
#pragma once

#include <optional>
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
};

// call_op sends a request of an op the harness's Target has no method for; an ok:false
// answer becomes a Refusal (an unknown error code reads as internal).
Op<harness::Json> call_op(Evidence& ev, harness::Json request);

// hex_of reads a lowercase hex field of a response; nullopt when absent or not hex.
std::optional<Bytes> hex_of(const harness::Json& j, const char* field);

// with_failures passes with pass_summary, or fails with "N of `total` `what`", the first
// failure as counterexample and up to 20 as observations; notes follow either way.
CheckOutcome with_failures(Evidence& ev, const std::vector<std::string>& failures, size_t total,
                           const std::string& what, std::string pass_summary, std::vector<std::string> notes = {});

}  // namespace parity::suites
