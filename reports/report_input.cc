#include "reports/report_input.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace parity::reports {

namespace {

using harness::Level;
using harness::Verdict;
using nlohmann::json;

std::string str(const json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::optional<double> num(const json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

int64_t integer(const json& obj, const char* key, int64_t fallback) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_number_integer() ? it->get<int64_t>() : fallback;
}

std::vector<std::string> strings(const json& obj, const char* key) {
  std::vector<std::string> out;
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_array()) return out;
  for (const json& v : *it) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

std::vector<double> numbers(const json& obj, const char* key) {
  std::vector<double> out;
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_array()) return out;
  for (const json& v : *it) out.push_back(v.is_number() ? v.get<double>() : 0.0);
  return out;
}

Level parse_level(const std::string& s) {
  if (s == "SHOULD") return Level::should;
  if (s == "INFO") return Level::info;
  return Level::must;
}

harness::RunInfo parse_run(const json& j) {
  harness::RunInfo r;
  if (!j.is_object()) return r;
  r.parity_version = str(j, "parity_version");
  r.parity_revision = str(j, "parity_revision");
  if (auto it = j.find("libraries"); it != j.end() && it->is_array()) {
    for (const json& l : *it) {
      if (l.is_object()) r.libraries.push_back({str(l, "name"), str(l, "version"), str(l, "used_by")});
    }
  }
  r.target_command = str(j, "target_command");
  r.baseline_command = str(j, "baseline_command");
  r.implementation = str(j, "implementation");
  r.version = str(j, "version");
  r.protocol = str(j, "protocol");
  r.commit_policy = str(j, "commit_policy");
  r.post_quantum = str(j, "post_quantum");
  r.capabilities = strings(j, "capabilities");
  if (auto it = j.find("limits"); it != j.end() && it->is_object()) r.limits = *it;
  r.profile = harness::parse_profile(str(j, "profile")).value_or(harness::Profile::equivalent);
  r.profile_source = str(j, "profile_source");
  r.seed = str(j, "seed");
  if (auto it = j.find("shard"); it != j.end() && it->is_object()) {
    r.shard.index = static_cast<int>(integer(*it, "index", 1));
    r.shard.count = static_cast<int>(integer(*it, "count", 1));
  }
  r.only = strings(j, "only");
  if (auto it = j.find("strict"); it != j.end() && it->is_boolean() && it->get<bool>()) {
    r.strictness = harness::Strictness::strict;
  }
  r.started_at = str(j, "started_at");
  r.host = str(j, "host");
  r.target_executable = str(j, "target_executable");
  r.target_sha256 = str(j, "target_sha256");
  if (auto it = j.find("target_scripts"); it != j.end() && it->is_array()) {
    for (const json& s : *it) {
      if (s.is_object()) r.target_scripts.push_back({str(s, "path"), str(s, "sha256")});
    }
  }
  r.vectors_sha256 = str(j, "vectors_sha256");
  return r;
}

harness::ResultRecord parse_record(const json& j, std::vector<std::string>& notes) {
  harness::ResultRecord r;
  r.check = str(j, "check");
  r.requirement = str(j, "requirement");
  r.group = str(j, "group");
  r.level = parse_level(str(j, "level"));
  r.title = str(j, "title");
  const std::string verdict = str(j, "verdict");
  if (auto v = harness::parse_verdict(verdict)) {
    r.verdict = *v;
  } else {
    // An unknown verdict is shown as the worst one rather than hidden.
    r.verdict = Verdict::error;
    notes.push_back("check " + r.check + ": unknown verdict '" + verdict + "', shown as error");
  }
  if (auto v = harness::parse_verdict(str(j, "waived_verdict"))) r.waived_verdict = *v;
  r.summary = str(j, "summary");
  r.observations = strings(j, "observations");
  if (auto it = j.find("figures"); it != j.end() && it->is_array()) {
    for (const json& f : *it) {
      if (f.is_object())
        r.figures.push_back(harness::Figure{str(f, "name"), num(f, "target"), num(f, "baseline"), str(f, "unit")});
    }
  }
  if (auto it = j.find("series"); it != j.end() && it->is_array()) {
    for (const json& s : *it) {
      if (!s.is_object()) continue;
      r.series.push_back(harness::Series{str(s, "name"), str(s, "unit"), str(s, "x_label"), numbers(s, "target"),
                                         numbers(s, "baseline")});
    }
  }
  r.counterexample = str(j, "counterexample");
  r.seed = str(j, "seed");
  if (auto it = j.find("transcript"); it != j.end() && it->is_object()) {
    r.transcript_file = str(*it, "file");
    if (auto idx = it->find("index"); idx != it->end() && idx->is_number_integer())
      r.transcript_index = idx->get<int64_t>();
  }
  r.duration_ms = integer(j, "duration_ms", 0);
  if (auto it = j.find("waiver"); it != j.end() && it->is_string()) r.waiver = it->get<std::string>();
  r.replay = str(j, "replay");
  if (auto it = j.find("replay_exact"); it != j.end() && it->is_boolean()) r.replay_exact = it->get<bool>();
  r.rerun = str(j, "rerun");
  return r;
}

harness::Summary parse_summary(const json& j) {
  harness::Summary s;
  if (auto it = j.find("counts"); it != j.end() && it->is_object()) {
    for (const auto& [name, n] : it->items()) {
      if (auto v = harness::parse_verdict(name); v && n.is_number_integer()) s.counts[*v] = n.get<int>();
    }
  }
  s.total = static_cast<int>(integer(j, "total", 0));
  s.exit_status = static_cast<int>(integer(j, "exit_status", 0));
  if (auto it = j.find("complete"); it != j.end() && it->is_boolean()) s.complete = it->get<bool>();
  s.failing = strings(j, "failing");
  if (auto it = j.find("untested"); it != j.end() && it->is_array()) {
    for (const json& u : *it) {
      if (u.is_object()) s.untested.push_back(harness::Untested{str(u, "capability"), strings(u, "checks")});
    }
  }
  s.finished_at = str(j, "finished_at");
  return s;
}

// untested_from_records rebuilds the summary's untested areas for a stream without a
// footer, from the runner's wording of an optional capability gate.
std::vector<harness::Untested> untested_from_records(const std::vector<harness::ResultRecord>& records) {
  static constexpr std::string_view kPrefix = "needs optional capability '";
  std::map<std::string, std::vector<std::string>> by_cap;
  for (const harness::ResultRecord& r : records) {
    if (r.verdict != Verdict::not_applicable || !r.summary.starts_with(kPrefix)) continue;
    const size_t end = r.summary.find('\'', kPrefix.size());
    if (end == std::string::npos) continue;
    by_cap[r.summary.substr(kPrefix.size(), end - kPrefix.size())].push_back(r.check);
  }
  std::vector<harness::Untested> out;
  for (auto& [cap, checks] : by_cap) out.push_back(harness::Untested{cap, std::move(checks)});
  return out;
}

HarnessResult<ReportInput> parse_document(const json& doc, ReportInput in) {
  if (auto it = doc.find("format");
      it != doc.end() && (!it->is_number_integer() || it->get<int>() != harness::kResultsFormat)) {
    return harness_error(HarnessErrc::bad_input, in.path + ": results format " + it->dump() +
                                                     " is not supported (expected " +
                                                     std::to_string(harness::kResultsFormat) + ")");
  }
  in.source = Source::document;
  if (auto it = doc.find("run"); it != doc.end() && it->is_object()) {
    in.run = parse_run(*it);
    in.has_header = true;
  }
  if (auto it = doc.find("results"); it != doc.end() && it->is_array()) {
    for (const json& r : *it) {
      if (r.is_object()) in.results.push_back(parse_record(r, in.notes));
    }
  }
  if (auto it = doc.find("summary"); it != doc.end() && it->is_object()) {
    in.summary = parse_summary(*it);
    in.has_footer = true;
  }
  in.complete = in.has_footer && in.summary.complete;
  if (auto it = doc.find("complete"); it != doc.end() && it->is_boolean() && !it->get<bool>()) in.complete = false;
  return in;
}

HarnessResult<ReportInput> parse_stream(const std::string& text, ReportInput in) {
  in.source = Source::stream;
  std::istringstream lines(text);
  std::string line;
  size_t number = 0;
  std::vector<std::pair<size_t, std::string>> bad;
  bool any = false;
  while (std::getline(lines, line)) {
    ++number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    json j = json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
      bad.emplace_back(number, line);
      continue;
    }
    any = true;
    if (auto it = j.find("header"); it != j.end()) {
      if (auto f = it->find("format");
          f != it->end() && (!f->is_number_integer() || f->get<int>() != harness::kResultsFormat)) {
        return harness_error(HarnessErrc::bad_input, in.path + ": results format " + f->dump() + " is not supported");
      }
      in.run = parse_run(*it);
      in.has_header = true;
    } else if (auto r = j.find("result"); r != j.end() && r->is_object()) {
      in.results.push_back(parse_record(*r, in.notes));
    } else if (auto f = j.find("footer"); f != j.end() && f->is_object()) {
      in.summary = parse_summary(*f);
      in.has_footer = true;
    } else {
      bad.emplace_back(number, line);
    }
  }
  if (!any) return harness_error(HarnessErrc::bad_input, in.path + ": neither a results document nor a results stream");
  for (const auto& [n, text_line] : bad) {
    // A killed writer leaves at most a cut last line; anything else is named too.
    in.notes.push_back(in.path + ":" + std::to_string(n) + ": unreadable line ignored (" +
                       std::to_string(text_line.size()) + " bytes)");
  }
  if (!in.has_footer) {
    in.summary = harness::summarize(in.results, in.run.strictness);
    in.summary.finished_at.clear();
    in.summary.complete = false;
    in.summary.untested = untested_from_records(in.results);
    in.notes.push_back("the stream has no footer: the run was killed or is still running; these are the " +
                       std::to_string(in.results.size()) + " checks it recorded");
  }
  if (!in.has_header) in.notes.push_back("the stream has no header: what was tested is unknown");
  in.complete = in.has_footer && in.summary.complete;
  return in;
}

bool file_exists(const std::string& path) {
  std::error_code ec;
  return std::filesystem::is_regular_file(path, ec);
}

}  // namespace

HarnessResult<ReportInput> parse_results(const std::string& text, const std::string& path) {
  ReportInput in;
  in.path = path;
  const size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return harness_error(HarnessErrc::bad_input, path + ": empty");
  // A document is one JSON value over many lines; a stream is one value per line. Try
  // the whole text first: a one-line stream holds a {"header":...} object, no "run".
  json doc = json::parse(text, nullptr, false);
  if (!doc.is_discarded() && doc.is_object() && (doc.contains("run") || doc.contains("results"))) {
    return parse_document(doc, std::move(in));
  }
  return parse_stream(text, std::move(in));
}

HarnessResult<ReportInput> load_results(const std::string& path) {
  std::string actual = path;
  std::string fallback_note;
  if (!file_exists(actual)) {
    const std::string stream = harness::derive_result_paths(path).stream;
    if (stream != path && file_exists(stream)) {
      fallback_note = path + " does not exist (the run did not finish); read its stream " + stream;
      actual = stream;
    } else {
      return harness_error(HarnessErrc::io, path + ": no such file");
    }
  }
  std::ifstream f(actual, std::ios::binary);
  if (!f) return harness_error(HarnessErrc::io, actual + ": cannot read");
  std::ostringstream buf;
  buf << f.rdbuf();
  auto in = parse_results(buf.str(), actual);
  if (in.ok() && !fallback_note.empty()) in->notes.insert(in->notes.begin(), fallback_note);
  return in;
}

LoadedTranscripts load_transcripts(const ReportInput& input, const std::vector<TranscriptKey>& wanted) {
  namespace fs = std::filesystem;
  LoadedTranscripts out;
  std::map<std::string, std::set<int64_t>> per_file;
  for (const TranscriptKey& k : wanted) per_file[k.first].insert(k.second);
  for (const auto& [file, indices] : per_file) {
    std::string actual;
    const fs::path beside = fs::path(input.path).parent_path() / fs::path(file).filename();
    if (file_exists(file)) {
      actual = file;
    } else if (file_exists(beside.string())) {
      actual = beside.string();
    } else {
      out.missing.push_back(file);
      continue;
    }
    out.resolved[file] = actual;
    std::ifstream f(actual, std::ios::binary);
    std::string line;
    int64_t number = -1;
    const int64_t last = *indices.rbegin();
    // Lines are read one at a time and only the wanted ones parsed: a transcripts file
    // can hold 16 MiB requests (DOS-3) many times over.
    while (number < last && std::getline(f, line)) {
      ++number;
      if (!indices.count(number)) continue;
      json j = json::parse(line, nullptr, false);
      if (j.is_discarded() || !j.is_object()) continue;
      const int64_t index = integer(j, "index", number);
      auto tr = j.find("transcript");
      if (tr == j.end() || !tr->is_array()) continue;
      std::vector<TranscriptLine> entries;
      for (const json& e : *tr) {
        if (!e.is_object()) continue;
        entries.push_back(TranscriptLine{str(e, "dir"), str(e, "target"), str(e, "line"), integer(e, "us", 0)});
      }
      out.by_key[{file, index}] = std::move(entries);
    }
  }
  return out;
}

}  // namespace parity::reports
