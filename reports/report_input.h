// report_input.h: a run's results as the reports read them back: the final document
// (`parity run --json FILE`) or the JSON-lines stream an interrupted or killed run
// left behind, plus the transcripts file beside them.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "harness/runner/results.h"
#include "harness/errors.h"

namespace parity::reports {

// Reports read and write files with the harness's errors.
using harness::harness_error;
using harness::HarnessErrc;
using harness::HarnessResult;
using harness::HarnessStatus;

// Source says what kind of file a report was read from.
enum class Source { document, stream };

// ReportInput is everything a report shows about one run.
struct ReportInput {
  std::string path;  // the file read
  Source source = Source::document;
  bool has_header = false;  // false: a stream cut before its header line
  harness::RunInfo run;
  std::vector<harness::ResultRecord> results;
  bool has_footer = false;  // false: a killed run; summary was computed from the results
  harness::Summary summary;
  // complete is false when the run was interrupted (footer or document says so) or
  // killed (no footer): the report is then marked INCOMPLETE.
  bool complete = true;
  // notes are problems met while reading (an unreadable last line, unknown values);
  // the report shows them, so nothing is dropped silently.
  std::vector<std::string> notes;
};

// load_results reads a results document or stream (told apart by content, not by
// name). A FILE.json that does not exist falls back to its FILE.jsonl stream, which a
// killed run leaves. Errors: unreadable file, no JSON at all, a document of another
// format version.
HarnessResult<ReportInput> load_results(const std::string& path);

// parse_results reads results from text already in memory; path is only for messages
// and for finding transcripts.
HarnessResult<ReportInput> parse_results(const std::string& text, const std::string& path);

// TranscriptLine is one entry of a check's PTP exchange.
struct TranscriptLine {
  std::string dir;     // request, response, note
  std::string target;  // target, baseline
  std::string line;
  int64_t us = 0;
};

// TranscriptKey names a transcript: the file a record points to and its 0-based line.
using TranscriptKey = std::pair<std::string, int64_t>;

// LoadedTranscripts maps the transcripts that were found; missing lists the files that
// could not be opened (each once), for the report to say so.
struct LoadedTranscripts {
  std::map<TranscriptKey, std::vector<TranscriptLine>> by_key;
  std::map<std::string, std::string> resolved;  // record's file → the file read
  std::vector<std::string> missing;
};

// load_transcripts reads the wanted transcripts. A record's file is looked for as
// written, then under the same name beside the results file (results moved together
// from a CI runner to a laptop still find their transcripts).
LoadedTranscripts load_transcripts(const ReportInput& input, const std::vector<TranscriptKey>& wanted);

}  // namespace parity::reports
