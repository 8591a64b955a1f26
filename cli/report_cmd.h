// report_cmd.h: `parity report` (render any results file as the HTML report and a
// Markdown summary), `parity merge` (combine shard results into one run), and the
// report `parity run --report` writes when a run ends or is interrupted.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/cli.h"

namespace parity::harness {

// ReportCommands holds the subcommands and their options.
struct ReportCommands {
  CLI::App* report = nullptr;
  CLI::App* merge = nullptr;
  std::string results;  // parity report RESULTS
  std::string html;
  std::string summary;
  std::vector<std::string> merge_inputs;
  std::string merge_json;
  std::string merge_html;
  std::string merge_summary;
};

// add_report_commands declares `parity report` and `parity merge` on app.
void add_report_commands(CLI::App& app, ReportCommands& cmds);

// run_report_commands runs whichever of the two was parsed; nullopt when neither was.
std::optional<int> run_report_commands(const ReportCommands& cmds, const CliEnv& env);

// report_results_path is where `parity run --report FILE.html` without --json keeps
// its results: FILE.json beside the report (FILE.html → FILE.json, .jsonl, ...).
std::string report_results_path(const std::string& report_path);

// write_reports renders a results file into an HTML report and/or a Markdown summary
// (an empty path is skipped) and names them on env.out. Returns 0, or 2 after a
// one-line error on env.err.
int write_reports(const std::string& results, const std::string& html, const std::string& summary, const CliEnv& env);

}  // namespace parity::harness
