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
  // compacted: the line's long strings are {"$compact": ...} placeholders (Compaction).
  bool compacted = false;
  // trimmed: this note marks where `trimmed` lines were left out of a long transcript.
  int64_t trimmed = 0;
};

// Compaction keeps a written transcript small: a string longer than max_string inside a
// line (a JSON value, or the whole line when it is not JSON) is written as
// {"$compact": {"sha256": hex of its bytes, "length": bytes, "head": first edge bytes,
// "tail": last edge bytes}}, and a transcript still larger than max_bytes once compacted
// keeps its first and last keep_lines lines with a note between them saying how many were
// left out. The byte budget, not a line count, decides: a vector walk of many short lines
// (KAT) stays whole and replayable; only the few checks with thousands of large exchanges
// are trimmed.
// docs/results.md states it as policy; `parity replay` knows both forms.
struct Compaction {
  size_t max_string = 4096;
  size_t edge = 32;
  size_t keep_lines = 200;
  size_t max_bytes = 512 * 1024;
};

// kWholeTranscripts compacts nothing and trims nothing (`parity run --full-transcripts`).
inline constexpr Compaction kWholeTranscripts{.max_string = SIZE_MAX, .edge = 32, .keep_lines = 0};

// kCompactKey is the key of a placeholder object.
inline constexpr const char* kCompactKey = "$compact";

// compact_value replaces every string of `j` longer than c.max_string by its placeholder;
// returns whether it replaced any.
bool compact_value(nlohmann::json& j, const Compaction& c);
// compact_placeholder is the placeholder of one string.
nlohmann::json compact_placeholder(const std::string& s, const Compaction& c);
// placeholder_sha256 returns the sha256 (hex) a placeholder names, or empty when `j` is
// not a placeholder.
std::string placeholder_sha256(const nlohmann::json& j);
// sha256_hex hashes a string's bytes.
std::string sha256_hex(const std::string& s);

std::string_view to_string(Direction d);

// Transcript is the evidence of one check; it can be written as JSON lines and read
// back by `parity replay`.
struct Transcript {
  std::vector<TranscriptEntry> entries;
  // to_json writes an array of {"dir": "request"|"response"|"note", "target", "line", "us"},
  // plus "compacted": true or "trimmed": N on the entries that have them.
  nlohmann::json to_json() const;
  // compacted returns a copy with long strings as placeholders and long transcripts
  // trimmed (Compaction); entries are flagged `compacted` or `trimmed`.
  Transcript compacted(const Compaction& c = {}) const;
  // complete tells whether nothing was left out (no placeholder, no trimming).
  bool complete() const;
  // from_json reads what to_json wrote; anything else is a bad_input error
  // naming the first bad entry (never a silently empty transcript).
  static HarnessResult<Transcript> from_json(const nlohmann::json& j);
};

}  // namespace parity::harness
