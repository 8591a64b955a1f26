// outcome.h: the results model of one check: verdict, figures, series and evidence.
// Reports read these through result records and never include the Target API
// (check.h); Violation and Refusal are only named here.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/client/transcript.h"

namespace parity::harness {

struct Violation;
struct Refusal;

// Verdict is a check's result.
enum class Verdict { pass, fail, error, not_applicable, not_tested, waived };
std::string_view to_string(Verdict v);
std::optional<Verdict> parse_verdict(std::string_view s);

// Figure is a measurement shown beside the baseline's (healing round trips,
// readable messages, retained keys, largest skip, timings).
struct Figure {
  std::string name;
  std::optional<double> target;
  std::optional<double> baseline;
  std::string unit;
};

// Series is a measurement taken repeatedly over the course of a check, shown in the
// report as a line chart of the target beside the baseline (e.g. PCS: messages readable
// by the attacker's clone per round trip after compromise). target[i] and baseline[i]
// are the values at step i + 1 of x_label; the two may differ in length.
struct Series {
  std::string name;
  std::string unit;
  std::string x_label;  // what a step is, e.g. "round trip after compromise"
  std::vector<double> target;
  std::vector<double> baseline;
};

// CheckOutcome is what a check returns.
struct CheckOutcome {
  Verdict verdict = Verdict::pass;
  std::string summary;                    // one sentence: what was observed
  std::vector<std::string> observations;  // details, one per line
  std::vector<Figure> figures;
  std::string counterexample;  // a short readable scenario, for failures
  // evidence, when set, replaces the check's whole exchange as its transcript: a
  // property test keeps only the minimal counterexample's exchange.
  std::optional<Transcript> evidence;
  // series are optional measurements over time (last, so positional initializers of the
  // fields above keep their meaning).
  std::vector<Series> series;
  // untested_area, for a not-applicable verdict, names what the target lacks (a
  // primitive it answers `unsupported`, a bundle `layout`): the report's "Not tested"
  // lists the check under it, as it lists checks an undeclared capability left out.
  std::string untested_area;

  static CheckOutcome pass(std::string summary) { return {Verdict::pass, std::move(summary), {}, {}, {}, {}, {}, {}}; }
  static CheckOutcome fail(std::string summary) { return {Verdict::fail, std::move(summary), {}, {}, {}, {}, {}, {}}; }
  // error turns a protocol violation into the check's verdict.
  static CheckOutcome error(const Violation& v);
  // unexpected_refusal fails a check when an operation that should work was refused.
  static CheckOutcome unexpected_refusal(const std::string& what, const Refusal& r);
};

}  // namespace parity::harness
