// charts.h: inline SVG drawn by the report itself (no script, no external resource):
// bars of the target beside the baseline, a line chart of a series over time, and the
// stacked bar of verdicts. Every label is escaped here.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "harness/runner/outcome.h"

namespace parity::reports {

// BarRow is one measurement: a label and the target's and baseline's values.
struct BarRow {
  std::string label;  // e.g. "PCS-1.after-send · healing"
  std::string unit;
  std::optional<double> target;
  std::optional<double> baseline;
  bool failed = false;  // the check failed: its label is marked
};

// bar_chart draws each row as two horizontal bars on the row's own scale (rows have
// different units), with the numbers printed beside them. Returns "" for no rows.
std::string bar_chart(const std::vector<BarRow>& rows, const std::string& title);

// line_chart draws a series: the target's and the baseline's values per step.
std::string line_chart(const harness::Series& series);

// HealingRow is one variant of GRP-10: the first round after a compromise whose
// messages the clone reads none of, for the target and the baseline (1..10, or
// harness::kGroupHealingBeyond for "> 10"); `note` replaces a missing target value
// ("not applicable", "not tested").
struct HealingRow {
  std::string label;  // e.g. "GRP-10.no-change"
  std::optional<double> target;
  std::optional<double> baseline;
  std::string note;
};

// healing_chart draws every variant on one scale of rounds 1..10 plus "> 10", the
// target's bar beside the baseline's. Returns "" for no rows.
std::string healing_chart(const std::vector<HealingRow>& rows, const std::string& title);

// healing_text prints a healing round as the chart labels it: "round N", "> 10", or
// "n/a" for no value.
std::string healing_text(const std::optional<double>& round);

// VerdictSlice is one part of the verdict bar.
struct VerdictSlice {
  std::string name;  // verdict spelling
  int count = 0;
};

// verdict_bar draws one stacked bar of verdict counts with a legend.
std::string verdict_bar(const std::vector<VerdictSlice>& slices);

// format_number prints a figure compactly: integers without decimals, else up to
// four significant digits.
std::string format_number(double v);

}  // namespace parity::reports
