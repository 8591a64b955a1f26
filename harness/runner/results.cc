#include "harness/runner/results.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>

#include "harness/runner/runner.h"  // shell_quote

#include "base/file_io.h"

namespace parity::harness {

using nlohmann::json;

namespace {

json optional_number(const std::optional<double>& v) {
  return v ? json(*v) : json(nullptr);
}

json string_or_null(const std::string& s) {
  return s.empty() ? json(nullptr) : json(s);
}

constexpr Verdict kAllVerdicts[] = {Verdict::pass,           Verdict::fail,       Verdict::error,
                                    Verdict::not_applicable, Verdict::not_tested, Verdict::waived};

}  // namespace

json scripts_json(const std::vector<RunInfo::ScriptHash>& scripts) {
  json out = json::array();
  for (const RunInfo::ScriptHash& s : scripts) out.push_back(json{{"path", s.path}, {"sha256", s.sha256}});
  return out;
}

json libraries_json(const std::vector<RunInfo::Library>& libraries) {
  json out = json::array();
  for (const RunInfo::Library& l : libraries) {
    out.push_back(json{{"name", l.name}, {"version", l.version}, {"used_by", l.used_by}});
  }
  return out;
}

json RunInfo::to_json() const {
  return json{
      {"format", kResultsFormat},
      {"parity_version", parity_version},
      {"parity_revision", string_or_null(parity_revision)},
      {"libraries", libraries_json(libraries)},
      {"target_command", target_command},
      {"baseline_command", baseline_command},
      {"implementation", implementation},
      {"version", version},
      {"protocol", protocol},
      {"commit_policy", string_or_null(commit_policy)},
      {"post_quantum", string_or_null(post_quantum)},
      {"capabilities", capabilities},
      {"limits", limits.is_object() ? limits : json::object()},
      {"profile", std::string(to_string(profile))},
      {"profile_source", profile_source},
      {"seed", seed},
      {"shard", json{{"index", shard.index}, {"count", shard.count}}},
      {"only", only},
      {"strict", strictness == Strictness::strict},
      {"started_at", started_at},
      {"host", host},
      {"target_executable", string_or_null(target_executable)},
      {"target_sha256", string_or_null(target_sha256)},
      {"target_scripts", scripts_json(target_scripts)},
      {"vectors_sha256", string_or_null(vectors_sha256)},
  };
}

json ResultRecord::to_json() const {
  json figs = json::array();
  for (const Figure& f : figures) {
    figs.push_back(json{{"name", f.name},
                        {"target", optional_number(f.target)},
                        {"baseline", optional_number(f.baseline)},
                        {"unit", f.unit}});
  }
  json transcript_ref = nullptr;
  if (transcript_index && !transcript_file.empty()) {
    transcript_ref = json{{"file", transcript_file}, {"index", *transcript_index}};
  }
  json out = json{
      {"check", check},
      {"requirement", requirement},
      {"group", group},
      {"level", std::string(to_string(level))},
      {"title", title},
      {"verdict", std::string(to_string(verdict))},
      {"waived_verdict", waived_verdict ? json(std::string(to_string(*waived_verdict))) : json(nullptr)},
      {"summary", summary},
      {"observations", observations},
      {"figures", figs},
      {"counterexample", string_or_null(counterexample)},
      {"seed", seed},
      {"transcript", transcript_ref},
      {"duration_ms", duration_ms},
      {"waiver", waiver ? json(*waiver) : json(nullptr)},
      {"replay", string_or_null(replay)},
  };
  if (!replay.empty() && replay_exact) out["replay_exact"] = *replay_exact;
  if (!rerun.empty()) out["rerun"] = rerun;
  // Optional, so results of checks without series stay as they were.
  if (!series.empty()) {
    json list = json::array();
    for (const Series& s : series) {
      list.push_back(json{
          {"name", s.name}, {"unit", s.unit}, {"x_label", s.x_label}, {"target", s.target}, {"baseline", s.baseline}});
    }
    out["series"] = std::move(list);
  }
  return out;
}

Reproduction reproduction(const RunInfo& info, const ResultRecord& r) {
  if (r.replay.empty()) return {true, {}};
  const bool deterministic =
      std::find(info.capabilities.begin(), info.capabilities.end(), "deterministic") != info.capabilities.end();
  if (r.replay_exact.value_or(deterministic)) return {true, r.replay};
  std::string rerun = r.rerun;
  if (rerun.empty()) {
    rerun = "parity run --target " + shell_quote(info.target_command) + " --seed " + info.seed + " --only " +
            shell_quote(r.check);
  }
  return {false, rerun};
}

json Summary::to_json() const {
  json c = json::object();
  for (Verdict v : kAllVerdicts) {
    auto it = counts.find(v);
    c[std::string(to_string(v))] = it == counts.end() ? 0 : it->second;
  }
  json un = json::array();
  for (const Untested& u : untested) un.push_back(json{{"capability", u.capability}, {"checks", u.checks}});
  return json{{"counts", c},        {"total", total}, {"exit_status", exit_status}, {"complete", complete},
              {"failing", failing}, {"untested", un}, {"finished_at", finished_at}};
}

bool counts_against(Level level, Verdict verdict, Strictness strictness) {
  const bool bad = verdict == Verdict::fail || verdict == Verdict::error || verdict == Verdict::not_tested;
  if (!bad) return false;
  if (level == Level::must) return true;
  return level == Level::should && strictness == Strictness::strict;
}

Summary summarize(const std::vector<ResultRecord>& records, Strictness strictness) {
  Summary s;
  for (Verdict v : kAllVerdicts) s.counts[v] = 0;
  for (const ResultRecord& r : records) {
    ++s.counts[r.verdict];
    ++s.total;
    if (counts_against(r.level, r.verdict, strictness)) s.failing.push_back(r.check);
  }
  s.exit_status = s.failing.empty() ? 0 : 1;
  s.finished_at = now_rfc3339();
  return s;
}

Transcript merge_transcripts(Transcript target, Transcript baseline) {
  Transcript out = std::move(target);
  out.entries.insert(out.entries.end(), std::make_move_iterator(baseline.entries.begin()),
                     std::make_move_iterator(baseline.entries.end()));
  // Stable, so each process keeps its own order even where the clock ties.
  std::stable_sort(out.entries.begin(), out.entries.end(),
                   [](const TranscriptEntry& a, const TranscriptEntry& b) { return a.micros < b.micros; });
  return out;
}

ResultPaths derive_result_paths(const std::string& json_path) {
  std::string stem = json_path;
  if (stem.size() > 5 && stem.ends_with(".json")) stem.resize(stem.size() - 5);
  return ResultPaths{json_path, stem + ".jsonl", stem + ".transcripts.jsonl"};
}

HarnessResult<std::unique_ptr<ResultsWriter>> ResultsWriter::open(const ResultPaths& paths) {
  std::unique_ptr<ResultsWriter> w(new ResultsWriter());
  w->paths_ = paths;
  // The reason (errno after a failed open) tells "no such folder" from "permission denied".
  errno = 0;
  w->stream_.open(paths.stream, std::ios::binary | std::ios::trunc);
  if (!w->stream_) {
    return harness_error(HarnessErrc::io, paths.stream + ": cannot write the results stream: " + std::strerror(errno));
  }
  errno = 0;
  w->transcripts_.open(paths.transcripts, std::ios::binary | std::ios::trunc);
  if (!w->transcripts_) {
    return harness_error(HarnessErrc::io, paths.transcripts + ": cannot write transcripts: " + std::strerror(errno));
  }
  return w;
}

HarnessStatus ResultsWriter::write_line(std::ofstream& out, const json& line, const std::string& path) {
  // One line per event, flushed at once: a run killed later keeps every line so far.
  out << dump_line(line) << '\n';
  out.flush();
  if (!out) return harness_error(HarnessErrc::io, path + ": write failed");
  return {};
}

HarnessStatus ResultsWriter::write_header(const RunInfo& info) {
  return write_line(stream_, json{{"header", info.to_json()}}, paths_.stream);
}

HarnessResult<int64_t> ResultsWriter::write_transcript(const std::string& check, const Transcript& transcript,
                                                       const json& extra) {
  const int64_t index = transcript_lines_;
  json line = json{{"check", check}, {"index", index}, {"transcript", transcript.compacted(compaction).to_json()}};
  for (const auto& [key, value] : extra.items()) line[key] = value;
  PARITY_TRY(write_line(transcripts_, line, paths_.transcripts));
  ++transcript_lines_;
  return index;
}

HarnessStatus ResultsWriter::write_record(const ResultRecord& record) {
  return write_line(stream_, json{{"result", record.to_json()}}, paths_.stream);
}

HarnessStatus ResultsWriter::write_footer(const Summary& summary) {
  return write_line(stream_, json{{"footer", summary.to_json()}}, paths_.stream);
}

json document_json(const RunInfo& info, const std::vector<ResultRecord>& records, const Summary& summary) {
  json results = json::array();
  for (const ResultRecord& r : records) results.push_back(r.to_json());
  return json{{"format", kResultsFormat},
              {"run", info.to_json()},
              {"results", results},
              {"summary", summary.to_json()},
              {"complete", summary.complete}};
}

HarnessStatus write_json_file(const std::string& path, const json& value) {
  auto written = write_file_atomic(path, value.dump(2, ' ', false, json::error_handler_t::replace) + '\n');
  if (!written.ok()) return harness_error(HarnessErrc::io, written.error().detail);
  return {};
}

std::string dump_line(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string now_rfc3339() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace parity::harness
