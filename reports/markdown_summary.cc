#include "reports/markdown_summary.h"

#include "harness/runner/group_healing.h"
#include "reports/assessment.h"
#include "reports/charts.h"
#include "reports/escape.h"

namespace parity::reports {

namespace {

using harness::Verdict;

std::string e(std::string_view s) {
  return markdown_escape(s);
}

std::string cell(std::string_view s, size_t max = 160) {
  const std::string_view cut = truncate_utf8(s, max);
  return e(cut) + (cut.size() < s.size() ? "…" : "");
}

}  // namespace

std::string render_markdown(const ReportInput& input, const std::string& report_path) {
  const Assessment a = assess(input);
  std::string o;
  const char* mark = a.outcome == Outcome::equivalent ? "✅" : a.outcome == Outcome::not_equivalent ? "❌" : "⚠️";
  o += "## Parity: " + std::string(mark) + " " + e(a.line) + "\n\n";
  if (!input.complete) {
    o += "> **INCOMPLETE**: " +
         std::string(input.has_footer ? "the run was interrupted before it finished"
                                      : "the results stream has no footer (the run was killed)") +
         "; " + std::to_string(input.results.size()) + " checks recorded.\n\n";
  }
  o += e(a.why) + "\n\n";
  const harness::RunInfo& r = input.run;
  o += "- **Target**: " + e(r.implementation.empty() ? "unknown" : r.implementation) + " " + e(r.version) + " (" +
       e(r.protocol.empty() ? "unknown protocol" : r.protocol) + "), profile " +
       std::string(harness::to_string(r.profile)) + "\n";
  if (!r.commit_policy.empty()) o += "- **Commit policy**: " + e(r.commit_policy) + "\n";
  if (!r.post_quantum.empty()) {
    o += "- **Post-quantum protection** (declared): " + e(r.post_quantum) + "; the Signal v3 baseline: none\n";
  }
  if (!r.target_sha256.empty()) o += "- **Target SHA-256**: " + markdown_code(r.target_sha256) + "\n";
  for (const harness::RunInfo::ScriptHash& s : r.target_scripts) {
    o += "- **Target script SHA-256**: " + markdown_code(s.sha256) + " of " + markdown_code(s.path) + "\n";
  }
  o += "- **Parity** " + e(r.parity_version);
  if (!r.parity_revision.empty()) o += " (revision " + markdown_code(r.parity_revision) + ")";
  o += ", seed " + markdown_code(r.seed);
  if (!r.vectors_sha256.empty()) o += ", vectors SHA-256 " + markdown_code(r.vectors_sha256);
  o += "\n";
  const std::string scope = scope_note(input);
  if (!scope.empty()) o += "- **Scope**: " + e(scope) + "\n";
  o += "\n";

  const Verdict order[] = {Verdict::pass,       Verdict::fail,   Verdict::error,
                           Verdict::not_tested, Verdict::waived, Verdict::not_applicable};
  o += "| level |";
  for (Verdict v : order) o += " " + std::string(harness::to_string(v)) + " |";
  o += "\n| --- |";
  for (size_t i = 0; i < std::size(order); ++i) o += " ---: |";
  o += "\n";
  for (const char* level : {"MUST", "SHOULD", "INFO"}) {
    o += "| " + std::string(level) + " |";
    for (Verdict v : order) o += " " + std::to_string(a.counts.at(level).at(v)) + " |";
    o += "\n";
  }
  o += "\n";

  std::vector<const harness::ResultRecord*> findings;
  for (const harness::ResultRecord& rec : input.results) {
    if (rec.verdict == Verdict::fail || rec.verdict == Verdict::error || rec.verdict == Verdict::not_tested) {
      findings.push_back(&rec);
    }
  }
  if (!findings.empty()) {
    constexpr size_t kMax = 40;
    o += "### Findings\n\n| check | level | verdict | observed |\n| --- | --- | --- | --- |\n";
    for (size_t i = 0; i < findings.size() && i < kMax; ++i) {
      const harness::ResultRecord& f = *findings[i];
      o += "| " + markdown_code(f.check) + " | " + std::string(harness::to_string(f.level)) + " | " +
           std::string(harness::to_string(f.verdict)) + " | " + cell(f.summary) + " |\n";
    }
    if (findings.size() > kMax)
      o += "\n… and " + std::to_string(findings.size() - kMax) + " more in the full report.\n";
    o += "\n";
  }
  // GRP-10's healing rounds, per variant, beside the baseline's (the HTML report charts them).
  std::string healing;
  for (const harness::ResultRecord& rec : input.results) {
    if (rec.requirement != harness::kGroupHealingRequirement) continue;
    const harness::Figure* fig = nullptr;
    for (const harness::Figure& f : rec.figures) {
      if (f.name == harness::kGroupHealingFigure) fig = &f;
    }
    const std::string target = fig ? healing_text(fig->target) : std::string(harness::to_string(rec.verdict));
    healing += "| " + markdown_code(rec.check) + " | " + e(target) + " | " + e(fig ? healing_text(fig->baseline) : "") +
               " |\n";
  }
  if (!healing.empty()) {
    o += "### Group healing (" + std::string(harness::kGroupHealingRequirement) +
         ")\n\nFirst round after a compromise whose messages the clone reads none of.\n\n| variant | target | Signal "
         "baseline |\n| --- | --- | --- |\n" +
         healing + "\n";
  }
  if (a.waived > 0) {
    o += "### Waived\n\n";
    for (const harness::ResultRecord& rec : input.results) {
      if (rec.verdict == Verdict::waived)
        o += "- " + markdown_code(rec.check) + ": " + cell(rec.waiver.value_or(""), 200) + "\n";
    }
    o += "\n";
  }
  if (!a.untested_areas.empty()) {
    o += "**Not covered** (optional capabilities, primitives or layouts the target does not give): ";
    for (size_t i = 0; i < a.untested_areas.size(); ++i) o += (i ? "; " : "") + e(a.untested_areas[i]);
    o += "\n\n";
  }
  if (!report_path.empty()) o += "Full report: " + markdown_code(report_path) + "\n";
  return o;
}

}  // namespace parity::reports
