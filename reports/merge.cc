#include "reports/merge.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "harness/runner/results.h"
#include "harness/runner/runner.h"
#include "reports/report_input.h"

namespace parity::reports {

namespace {

using nlohmann::json;

// same_run tells what differs between two shard headers, or "" when they are of one run.
std::string difference(const harness::RunInfo& a, const harness::RunInfo& b) {
  if (a.seed != b.seed) return "seed";
  if (a.target_command != b.target_command) return "target command";
  if (a.profile != b.profile) return "profile";
  if (a.strictness != b.strictness) return "--strict";
  if (a.only != b.only) return "--only";
  if (a.shard.count != b.shard.count) return "shard count";
  if (a.target_sha256 != b.target_sha256) return "target SHA-256";
  for (size_t i = 0; i < a.target_scripts.size() && i < b.target_scripts.size(); ++i) {
    if (a.target_scripts[i].sha256 != b.target_scripts[i].sha256) return "target script SHA-256";
  }
  if (a.target_scripts.size() != b.target_scripts.size()) return "target scripts";
  return "";
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  if (from.empty()) return s;
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
  return s;
}

}  // namespace

HarnessResult<MergeOutcome> merge_results(const std::vector<std::string>& inputs, const std::string& out_json) {
  if (inputs.empty()) return harness_error(HarnessErrc::bad_argument, "merge: no results files given");
  std::vector<ReportInput> shards;
  for (const std::string& path : inputs) {
    auto in = load_results(path);
    if (!in.ok()) return in.error();
    if (!in->has_header)
      return harness_error(HarnessErrc::bad_input, path + ": no run header; cannot tell which run it belongs to");
    shards.push_back(std::move(in).value());
  }
  std::sort(shards.begin(), shards.end(),
            [](const ReportInput& x, const ReportInput& y) { return x.run.shard.index < y.run.shard.index; });
  MergeOutcome out;
  std::set<int> seen;
  for (const ReportInput& s : shards) {
    if (const std::string d = difference(shards.front().run, s.run); !d.empty()) {
      return harness_error(HarnessErrc::bad_argument, "merge: " + s.path + " is not of the same run as " +
                                                          shards.front().path + " (" + d +
                                                          " differs; give every shard the same --seed)");
    }
    if (!seen.insert(s.run.shard.index).second) {
      return harness_error(HarnessErrc::bad_argument, "merge: shard " + std::to_string(s.run.shard.index) + "/" +
                                                          std::to_string(s.run.shard.count) + " is given twice");
    }
  }
  const int count = shards.front().run.shard.count;
  bool complete = true;
  for (int i = 1; i <= count; ++i) {
    if (!seen.count(i)) {
      complete = false;
      out.notes.push_back("shard " + std::to_string(i) + "/" + std::to_string(count) + " is missing");
    }
  }

  harness::ResultPaths paths = harness::derive_result_paths(out_json);
  out.document = paths.document;
  out.transcripts = paths.transcripts;
  std::ofstream tr(paths.transcripts, std::ios::binary | std::ios::trunc);
  if (!tr) return harness_error(HarnessErrc::io, paths.transcripts + ": cannot write");

  harness::RunInfo run = shards.front().run;
  std::vector<harness::ResultRecord> records;
  std::map<std::string, std::set<std::string>> untested;
  std::string finished_at;
  int64_t next_index = 0;
  for (ReportInput& s : shards) {
    if (!s.complete) {
      complete = false;
      out.notes.push_back(s.path + ": shard " + std::to_string(s.run.shard.index) + " is incomplete");
    }
    if (s.run.started_at < run.started_at) run.started_at = s.run.started_at;
    finished_at = std::max(finished_at, s.summary.finished_at);
    for (const harness::Untested& u : s.summary.untested)
      untested[u.capability].insert(u.checks.begin(), u.checks.end());
    // Each record's transcript moves to the merged file, under a new line number.
    std::vector<TranscriptKey> wanted;
    for (const harness::ResultRecord& r : s.results) {
      if (r.transcript_index) wanted.emplace_back(r.transcript_file, *r.transcript_index);
    }
    const LoadedTranscripts loaded = load_transcripts(s, wanted);
    for (const std::string& m : loaded.missing) out.notes.push_back(s.path + ": transcripts file " + m + " not found");
    for (harness::ResultRecord& r : s.results) {
      if (r.transcript_index) {
        auto it = loaded.by_key.find({r.transcript_file, *r.transcript_index});
        if (it != loaded.by_key.end()) {
          json entries = json::array();
          for (const TranscriptLine& e : it->second) {
            entries.push_back(json{{"dir", e.dir}, {"target", e.target}, {"line", e.line}, {"us", e.us}});
          }
          tr << harness::dump_line(json{{"check", r.check}, {"index", next_index}, {"transcript", entries}}) << '\n';
          r.replay =
              replace_all(r.replay, harness::shell_quote(r.transcript_file), harness::shell_quote(paths.transcripts));
          r.transcript_file = paths.transcripts;
          r.transcript_index = next_index++;
        } else {
          r.transcript_index.reset();
          r.transcript_file.clear();
          r.replay.clear();
        }
      }
      records.push_back(std::move(r));
    }
  }
  tr.flush();
  if (!tr) return harness_error(HarnessErrc::io, paths.transcripts + ": write failed");
  std::sort(records.begin(), records.end(),
            [](const harness::ResultRecord& x, const harness::ResultRecord& y) { return x.check < y.check; });

  run.shard = harness::Shard{1, 1};
  harness::Summary summary = harness::summarize(records, run.strictness);
  summary.finished_at = finished_at.empty() ? harness::now_rfc3339() : finished_at;
  summary.complete = complete;
  for (const auto& [cap, checks] : untested) {
    summary.untested.push_back(harness::Untested{cap, std::vector<std::string>(checks.begin(), checks.end())});
  }
  if (!complete) summary.exit_status = harness::kExitInterrupted;
  out.exit_status = summary.exit_status;
  if (HarnessStatus st = harness::write_json_file(paths.document, harness::document_json(run, records, summary));
      !st.ok()) {
    return st.error();
  }
  return out;
}

}  // namespace parity::reports
