// html_report.h: the compliance report, one self-contained HTML file: inline CSS and
// SVG, no external resource, readable without JavaScript, printable to PDF; a small
// script only adds filters and expand/collapse. The markup is XHTML-compatible (every
// element closed, void elements self-closed, script in CDATA), so it also parses as XML.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/runner/outcome.h"
#include "harness/errors.h"
#include "reports/report_input.h"

namespace parity::reports {

// ReportOptions tune a report.
struct ReportOptions {
  // needs_of, when given, names the capabilities a check needs (the CLI answers from its
  // registry), so a not-tested check can say what the target lacks.
  std::function<std::vector<std::string>(std::string_view check)> needs_of;
  std::string generator = "parity";  // e.g. "parity 0.1.0", shown in the footer
  std::string generated_at;          // timestamp shown in the footer; empty: now
  size_t transcript_line_bytes = 220;  // longer PTP lines are cut, visibly
  size_t transcript_max_lines = 300;   // longer transcripts keep their head and tail
};

// render_html renders the report.
std::string render_html(const ReportInput& input, const ReportOptions& options);

// write_html_report renders the report into a file (via a temporary file and a rename).
HarnessStatus write_html_report(const ReportInput& input, const ReportOptions& options, const std::string& path);

// write_text_file writes text via a temporary file and a rename.
HarnessStatus write_text_file(const std::string& path, const std::string& text);

}  // namespace parity::reports
