// markdown_summary.h: a short Markdown summary of a run for CI step summaries
// (GitHub's $GITHUB_STEP_SUMMARY, GitLab job descriptions): the verdict, counts,
// what was tested and the failing checks. Target text is escaped for Markdown.
#pragma once

#include <string>

#include "reports/report_input.h"

namespace parity::reports {

// render_markdown writes the summary; report_path, when not empty, is named as where
// the full HTML report is.
std::string render_markdown(const ReportInput& input, const std::string& report_path);

}  // namespace parity::reports
