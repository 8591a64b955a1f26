#include "cli/report_cmd.h"

#include "harness/runner/runner.h"
#include "reports/html_report.h"
#include "reports/markdown_summary.h"
#include "reports/merge.h"
#include "reports/report_input.h"

#include "cli/build_info.h"

namespace parity::harness {

void add_report_commands(CLI::App& app, ReportCommands& cmds) {
  cmds.report = app.add_subcommand("report", "Render a results file (document or stream) as an HTML report");
  cmds.report->add_option("RESULTS", cmds.results, "results.json, or the .jsonl stream of an interrupted run")->required();
  cmds.report->add_option("--html", cmds.html, "Write the self-contained HTML report to FILE");
  cmds.report->add_option("--summary", cmds.summary, "Write a Markdown summary (for CI step summaries) to FILE");

  cmds.merge = app.add_subcommand("merge", "Combine the results of the shards of one run into one results file");
  cmds.merge->add_option("RESULTS", cmds.merge_inputs, "The shards' results files")->required();
  cmds.merge->add_option("--json", cmds.merge_json, "Write the merged results document to FILE (and its transcripts)")
      ->required();
  cmds.merge->add_option("--report", cmds.merge_html, "Also write the HTML report of the merged run to FILE");
  cmds.merge->add_option("--summary", cmds.merge_summary, "Also write its Markdown summary to FILE");
}

std::string report_results_path(const std::string& report_path) {
  std::string stem = report_path;
  for (const char* ext : {".html", ".htm"}) {
    if (stem.size() > std::string_view(ext).size() && stem.ends_with(ext)) {
      stem.resize(stem.size() - std::string_view(ext).size());
      break;
    }
  }
  return stem + ".json";
}

int write_reports(const std::string& results, const std::string& html, const std::string& summary, const CliEnv& env) {
  auto input = reports::load_results(results);
  if (!input.ok()) {
    env.err << "parity: " << input.error().detail << "\n";
    return kExitUsage;
  }
  if (!html.empty()) {
    reports::ReportOptions options;
    const harness::Registry& registry = env.registry;
    options.needs_of = [&registry](std::string_view check) {
      const harness::CheckDef* def = registry.find(check);
      return def == nullptr ? std::vector<std::string>{} : def->capability_names();
    };
    options.generator = "parity " + build_version();
    if (auto s = reports::write_html_report(*input, options, html); !s.ok()) {
      env.err << "parity: " << s.error().detail << "\n";
      return kExitUsage;
    }
    env.out << "parity: report in " << html << (input->complete ? "" : " (INCOMPLETE run)") << "\n";
  }
  if (!summary.empty()) {
    if (auto s = reports::write_text_file(summary, reports::render_markdown(*input, html)); !s.ok()) {
      env.err << "parity: " << s.error().detail << "\n";
      return kExitUsage;
    }
    env.out << "parity: summary in " << summary << "\n";
  }
  return kExitOk;
}

std::optional<int> run_report_commands(const ReportCommands& cmds, const CliEnv& env) {
  if (cmds.report != nullptr && cmds.report->parsed()) {
    if (cmds.html.empty() && cmds.summary.empty()) {
      env.err << "parity: report: give --html FILE and/or --summary FILE\n";
      return kExitUsage;
    }
    return write_reports(cmds.results, cmds.html, cmds.summary, env);
  }
  if (cmds.merge != nullptr && cmds.merge->parsed()) {
    auto merged = reports::merge_results(cmds.merge_inputs, cmds.merge_json);
    if (!merged.ok()) {
      env.err << "parity: " << merged.error().detail << "\n";
      return kExitUsage;
    }
    for (const std::string& n : merged->notes) env.err << "parity: merge: " << n << "\n";
    env.out << "parity: merged " << cmds.merge_inputs.size() << " results into " << merged->document << " and "
            << merged->transcripts << "\n";
    if (int rc = write_reports(merged->document, cmds.merge_html, cmds.merge_summary, env); rc != kExitOk) return rc;
    // Like `parity run`: 0 when no MUST fails in the merged run, 1 otherwise, 130 when
    // a shard is missing or incomplete; so a CI job can gate on the merge step.
    return merged->exit_status;
  }
  return std::nullopt;
}

}  // namespace parity::harness
