// doctor.h: `parity doctor`, PTP conformance of a target itself (not of its protocol):
// hello fields, unknown ops and fields, malformed lines, bad hex, unknown parties,
// duplicate creates, atomicity of a failed decrypt, inject fields without `inject`,
// every allowed party-name character, a replaced session (nothing but PTP on stdout),
// a clone reading what its original could, and exit on end of input. One line per
// probe: `ok|FAIL|skip probe: detail` (skip: a capability the probe needs is missing).
#pragma once

#include <ostream>
#include <string>

#include "harness/client/target.h"

namespace parity::harness {

// DoctorResult counts the probes.
struct DoctorResult {
  int passed = 0;
  int failed = 0;
  int skipped = 0;  // needed a capability the target does not declare
};

// run_doctor runs every probe against `command` (already resolved), printing a line
// per probe to out. Returns nullopt-like failure via start_error when the target does
// not start; the caller maps that to exit status 3.
struct DoctorRun {
  bool started = false;
  std::string start_error;
  DoctorResult result;
};
DoctorRun run_doctor(const std::string& command, const Limits& limits, std::ostream& out);

}  // namespace parity::harness
