#include "suites/common/vector_check.h"

#include <filesystem>

namespace parity::suites {

namespace {

constexpr size_t kShownFailures = 20;  // observations a failing walk lists

// case_line names a case for a failure line: `<file> tcId N (comment; result R; flags F)`.
std::string case_line(const std::string& file, const vectors::Vector& t) {
  std::string flags;
  for (const std::string& f : t.flags) flags += (flags.empty() ? "" : ",") + f;
  return file + " tcId " + std::to_string(t.tc_id) + " (" + t.comment + "; result " +
         std::string(vectors::to_string(t.result)) + (flags.empty() ? "" : "; flags " + flags) + ")";
}

// listed puts up to kShownFailures lines in observations, and how many more there were.
void listed(const std::vector<std::string>& lines, std::vector<std::string>& out_) {
  for (size_t i = 0; i < lines.size() && i < kShownFailures; ++i) out_.push_back(lines[i]);
  if (lines.size() > kShownFailures) out_.push_back("… and " + std::to_string(lines.size() - kShownFailures) + " more");
}

}  // namespace

CaseVerdict VectorCase::judge_match(bool matched, const std::string& detail) const {
  if (test_.result == vectors::Expect::invalid) {
    return matched ? CaseVerdict("an invalid vector was accepted: " + detail) : std::nullopt;
  }
  return matched ? std::nullopt : CaseVerdict(detail);
}

CaseVerdict VectorCase::judge_refusal(const std::string& detail) const {
  if (test_.result == vectors::Expect::acceptable) return std::nullopt;
  return detail;
}

VectorWalk walk_vectors(const vectors::VectorFile& file, const VectorCheck& check) {
  VectorWalk walk;
  walk.file = file.name;
  walk.what = check.what;
  for (const vectors::TestGroup& g : file.groups) {
    if (check.take_group && !check.take_group(g)) continue;
    for (const vectors::Vector& t : g.tests) {
      t.fields.reset_usage();  // a file may be walked more than once
      VectorCase c(g, t);
      if (check.take_case && !check.take_case(c)) continue;
      if (c.stop_) {  // take_case found a case no check can judge
        walk.stop = std::move(c.stop_);
        return walk;
      }
      CaseVerdict verdict = check.run_case(c);
      if (c.stop_) {
        walk.stop = std::move(c.stop_);
        return walk;
      }
      ++walk.run;
      if (c.unsupported_) {
        ++walk.unsupported;
        std::string why = "refused as unsupported" + (c.unsupported_->empty() ? "" : ": " + *c.unsupported_);
        if (check.unsupported_not_applicable) {
          walk.not_applicable.push_back(case_line(file.name, t) + ": " + why);
          continue;
        }
        verdict = std::move(why);
      }
      for (const std::string& m : t.fields.misuses()) {
        walk.defects.push_back("suite defect: tcId " + std::to_string(t.tc_id) + ": " + m);
      }
      // A failed case may stop before its expectation; a passed one must have read it all.
      if (!verdict) {
        for (const std::string& f : t.fields.unused()) {
          walk.defects.push_back("suite defect: field " + f + " of tcId " + std::to_string(t.tc_id) + " never used");
        }
      } else {
        walk.failures.push_back(case_line(file.name, t) + ": " + *verdict);
      }
    }
  }
  return walk;
}

VectorWalk walk_vector_file(const std::string& vectors_dir, std::string_view name, const VectorCheck& check) {
  // `name` starts with "vectors/"; the folder may be elsewhere (an installed copy).
  std::filesystem::path path =
      std::filesystem::path(vectors_dir) / std::filesystem::path(name).lexically_relative("vectors");
  auto loaded = vectors::load_vector_file(path, name);
  if (!loaded) {
    VectorWalk walk;
    walk.file = std::string(name);
    walk.what = check.what;
    CheckOutcome o;
    o.verdict = harness::Verdict::error;
    o.summary = "the vector file cannot be read: " + loaded.error().detail;
    walk.stop = std::move(o);
    return walk;
  }
  return walk_vectors(*loaded, check);
}

CheckOutcome vector_outcome(const VectorWalk& walk) {
  if (walk.stop) return *walk.stop;
  if (!walk.defects.empty()) {
    CheckOutcome o;
    o.verdict = harness::Verdict::error;
    o.summary = walk.defects.front() + " (" + walk.file + ")";
    if (walk.defects.size() > 1) o.summary += ", and " + std::to_string(walk.defects.size() - 1) + " more";
    listed(walk.defects, o.observations);
    return o;
  }
  if (!walk.failures.empty()) {
    CheckOutcome o = CheckOutcome::fail(std::to_string(walk.failures.size()) + " of " + std::to_string(walk.run) + " " +
                                        walk.what + " vectors do not behave as published");
    o.counterexample = walk.failures.front();
    listed(walk.failures, o.observations);
    return o;
  }
  if (walk.run > 0 && walk.not_applicable.size() == walk.run) {
    CheckOutcome o;
    o.verdict = harness::Verdict::not_applicable;
    o.summary = "the target answers `unsupported` for all " + std::to_string(walk.run) + " " + walk.what +
                " vectors of " + walk.file + " it was given";
    o.untested_area = walk.what + " vectors outside the protocol's domain (answered `unsupported`)";
    listed(walk.not_applicable, o.observations);
    return o;
  }
  const size_t answered = walk.run - walk.not_applicable.size();
  CheckOutcome o = CheckOutcome::pass(std::to_string(answered) + " " + walk.what + " vectors of " + walk.file +
                                      " behave as published");
  if (!walk.not_applicable.empty()) {
    o.summary += "; " + std::to_string(walk.not_applicable.size()) + " answered `unsupported` (listed)";
    listed(walk.not_applicable, o.observations);
  }
  return o;
}

}  // namespace parity::suites
