// transcript.h: the record of every line exchanged with a target during one check.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/errors.h"

namespace parity::harness {

// Direction says who wrote a transcript line.
enum class Direction { request, response, note };

// TranscriptEntry is one line: a request, a response, or a note by the suite
// (start, restart, exit status, stderr excerpt).
struct TranscriptEntry {
  Direction direction = Direction::note;
  std::string target;  // "target" or "baseline"
  std::string line;
  int64_t micros = 0;  // since the check started
};

std::string_view to_string(Direction d);

// Transcript is the evidence of one check; it can be written as JSON lines and read
// back by `parity replay`.
struct Transcript {
  std::vector<TranscriptEntry> entries;
  // to_json writes an array of {"dir": "request"|"response"|"note", "target", "line", "us"}.
  nlohmann::json to_json() const;
  // from_json reads what to_json wrote; anything else is a bad_input error
  // naming the first bad entry (never a silently empty transcript).
  static HarnessResult<Transcript> from_json(const nlohmann::json& j);
};

}  // namespace parity::harness
