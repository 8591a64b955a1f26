// errors.h: the harness's own errors (reading and writing results, waivers, seeds,
// shards, transcripts, starting processes). They are not Signal's: the reference's
// Errc names ways a protocol operation fails, these name ways a run's input or output
// fails. The reports and the CLI above use them too.
#pragma once

#include <string>
#include <utility>

#include "base/result.h"

namespace parity::harness {

// HarnessErrc says what kind of trouble a harness operation had.
enum class HarnessErrc {
  bad_argument,  // a command-line value or a setting is out of its domain
  bad_input,     // a file's content does not parse (results, waivers, transcripts)
  io,            // a file or process could not be read, written or started
};

// HarnessError is a code and a one-line detail that names the file and position.
struct HarnessError {
  HarnessErrc code = HarnessErrc::io;
  std::string detail;
};

inline HarnessError harness_error(HarnessErrc code, std::string detail) {
  return HarnessError{code, std::move(detail)};
}

template <class T>
using HarnessResult = BasicResult<T, HarnessError>;
using HarnessStatus = HarnessResult<void>;

}  // namespace parity::harness
