// results.h: the results model and its files. A run writes a JSON-lines stream as it
// goes (header, one record per check, footer), so an interrupted run keeps what it did,
// a sibling JSON-lines file with one transcript per check, and at the end, on request,
// one JSON document. docs/results.md describes the schema; docs/results.schema.json
// checks it.
#pragma once

#include <cstdint>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/catalogue.h"
#include "harness/client/transcript.h"
#include "harness/errors.h"
#include "harness/runner/outcome.h"

namespace parity::harness {

// kResultsFormat is the version of the results schema; bump it on incompatible change.
inline constexpr int kResultsFormat = 1;

// Strictness says whether SHOULD failures fail the run (--strict).
enum class Strictness { normal, strict };

// Shard is the I/N part of a run: 1-based index, count.
struct Shard {
  int index = 1;
  int count = 1;
};

// RunInfo is the header of a run: what was tested, how, and how to reproduce it.
struct RunInfo {
  std::string parity_version;
  std::string parity_revision;  // the git revision parity was built from; empty: unknown
  // Library is a real library a built-in target (or parity itself) was built against.
  struct Library {
    std::string name;     // "libsignal-protocol-c", "@signalapp/libsignal-client"
    std::string version;  // as pkg-config, the CMake package or package-lock.json says
    std::string used_by;  // what links or loads it: "targets libsignal", "parity"
  };
  std::vector<Library> libraries;
  std::string target_command;
  std::string baseline_command;
  std::string implementation;
  std::string version;
  std::string protocol;
  std::string commit_policy;  // hello's, free text; empty when the target states none
  std::string post_quantum;   // hello's post-quantum declaration; empty: none (as the baseline)
  std::vector<std::string> capabilities;
  nlohmann::json limits = nlohmann::json::object();
  Profile profile = Profile::equivalent;
  std::string profile_source;  // "option" (--profile) or "hello" (from the protocol)
  std::string seed;            // 64 hex digits
  Shard shard;
  std::vector<std::string> only;
  Strictness strictness = Strictness::normal;
  std::string started_at;  // RFC 3339, UTC
  std::string host;
  // What exactly was tested (fingerprint.h); empty when unknown, written as null.
  std::string target_executable;  // the file the target command's first word resolved to
  std::string target_sha256;      // SHA-256 of that file, 64 hex digits
  // ScriptHash is a file a later word of the command names (an interpreter's script).
  struct ScriptHash {
    std::string path;
    std::string sha256;
  };
  std::vector<ScriptHash> target_scripts;
  std::string vectors_sha256;  // vector_set_sha256 of the vectors folder the run used
  nlohmann::json to_json() const;
};

// ResultRecord is one check's result as reporters see it.
struct ResultRecord {
  std::string check;
  std::string requirement;
  std::string group;
  Level level = Level::must;
  std::string title;
  Verdict verdict = Verdict::pass;
  std::optional<Verdict> waived_verdict;  // the verdict a waiver replaced
  std::string summary;
  std::vector<std::string> observations;
  std::vector<Figure> figures;
  std::vector<Series> series;  // written only when not empty
  std::string counterexample;
  std::string seed;                         // 64 hex digits
  std::string transcript_file;              // empty when no transcript was written
  std::optional<int64_t> transcript_index;  // 0-based line in transcript_file
  int64_t duration_ms = 0;
  std::optional<std::string> waiver;  // the waiver's reason
  std::string replay;                 // the `parity replay` command line, when a transcript exists
  // replay_exact: whether replay can reproduce the exchange byte for byte; false when it
  // used the target's randomness (keys, ciphertexts) and the target is not deterministic.
  // Unset in results written before the field existed.
  std::optional<bool> replay_exact;
  std::string rerun;  // `parity run ... --seed S --only ID`, which reruns the check, when it ran
  nlohmann::json to_json() const;
};

// Reproduction says how a reader reproduces a check: with `parity replay` when that gives
// the exchange byte for byte, otherwise by rerunning the check from the run's seed.
struct Reproduction {
  bool exact = true;    // `command` is the replay command
  std::string command;  // empty: the check did not run
};
// reproduction decides it for one record; a record without replay_exact is taken as
// exact only when the target declared `deterministic`.
Reproduction reproduction(const RunInfo& info, const ResultRecord& r);
// kNotReplayable is what reports say instead of offering replay.
inline constexpr const char* kNotReplayable =
    "Not replayable byte for byte: the target is not deterministic (its keys and ciphertexts come from its own "
    "randomness, so replay would re-send recorded ciphertexts to fresh keys); rerun the check instead";

// Untested names an optional capability the target lacks, or a piece it does not give
// (CheckOutcome::untested_area: a primitive, a bundle layout), and the checks it left out.
struct Untested {
  std::string capability;
  std::vector<std::string> checks;
};

// Summary is the footer of a run.
struct Summary {
  std::map<Verdict, int> counts;
  int total = 0;
  int exit_status = 0;
  bool complete = true;
  std::vector<std::string> failing;  // checks that make the exit status 1
  std::vector<Untested> untested;
  std::string finished_at;
  nlohmann::json to_json() const;
};

// counts_against tells whether a verdict at a level fails the run: a MUST (and, when
// strict, a SHOULD) that is fail, error or not-tested. INFO never fails; waived never does.
bool counts_against(Level level, Verdict verdict, Strictness strictness);

// summarize counts the records and computes the exit status (0 or 1).
Summary summarize(const std::vector<ResultRecord>& records, Strictness strictness);

// merge_transcripts interleaves the target's and the baseline's lines by time.
Transcript merge_transcripts(Transcript target, Transcript baseline);

// ResultPaths are the files of one run.
struct ResultPaths {
  std::string document;     // the final JSON document (--json FILE)
  std::string stream;       // JSON lines, written as the run goes
  std::string transcripts;  // JSON lines, one transcript per check
};

// derive_result_paths names the stream and transcript files from --json FILE: FILE
// with a trailing ".json" replaced by ".jsonl" and ".transcripts.jsonl"
// (results.json → results.jsonl, results.transcripts.jsonl); without ".json" the
// suffixes are appended.
ResultPaths derive_result_paths(const std::string& json_path);

// ResultsWriter writes the stream and transcript files, one flushed line at a time.
class ResultsWriter {
 public:
  static HarnessResult<std::unique_ptr<ResultsWriter>> open(const ResultPaths& paths);
  const ResultPaths& paths() const { return paths_; }
  HarnessStatus write_header(const RunInfo& info);
  // write_transcript appends a check's transcript, compacted (Compaction), and returns
  // its 0-based line index; `extra` are more fields of the line (how to rerun the check).
  HarnessResult<int64_t> write_transcript(const std::string& check, const Transcript& transcript,
                                          const nlohmann::json& extra = nlohmann::json::object());
  // compaction bounds the transcripts written (tests make it small).
  Compaction compaction;
  HarnessStatus write_record(const ResultRecord& record);
  HarnessStatus write_footer(const Summary& summary);

 private:
  ResultsWriter() = default;
  HarnessStatus write_line(std::ofstream& out, const nlohmann::json& line, const std::string& path);
  ResultPaths paths_;
  std::ofstream stream_;
  std::ofstream transcripts_;
  int64_t transcript_lines_ = 0;
};

// document_json builds the final document {"format","run","results","summary","complete"}.
nlohmann::json document_json(const RunInfo& info, const std::vector<ResultRecord>& records, const Summary& summary);

// write_json_file writes a JSON value to a file (via a temporary file and a rename, so
// a reader never sees half a document).
HarnessStatus write_json_file(const std::string& path, const nlohmann::json& value);

// dump_line writes JSON on one line, replacing invalid UTF-8 (a target's detail text may
// hold any bytes) instead of failing.
std::string dump_line(const nlohmann::json& value);

// now_rfc3339 is the current UTC time, e.g. "2024-05-01T12:00:00Z".
std::string now_rfc3339();

}  // namespace parity::harness
