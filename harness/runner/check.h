// check.h: what a check is. A check sees Target handles and returns a verdict with
// figures and evidence; it never sees a process, a pipe or JSON framing.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "harness/catalogue.h"
#include "harness/client/target.h"
#include "reference/crypto/random.h"

namespace parity::harness {

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
  std::string counterexample;             // a short readable scenario, for failures
  // evidence, when set, replaces the check's whole exchange as its transcript: a
  // property test keeps only the minimal counterexample's exchange.
  std::optional<Transcript> evidence;
  // series are optional measurements over time (last, so positional initializers of the
  // fields above keep their meaning).
  std::vector<Series> series;

  static CheckOutcome pass(std::string summary) { return {Verdict::pass, std::move(summary), {}, {}, {}, {}, {}}; }
  static CheckOutcome fail(std::string summary) { return {Verdict::fail, std::move(summary), {}, {}, {}, {}, {}}; }
  // error turns a protocol violation into the check's verdict.
  static CheckOutcome error(const Violation& v);
  // unexpected_refusal fails a check when an operation that should work was refused.
  static CheckOutcome unexpected_refusal(const std::string& what, const Refusal& r);
};

// CheckOptions are the knobs of a run that checks read.
struct CheckOptions {
  int cases = 0;          // property-test case count; 0 means the check's default
  bool strict = false;
};

// CheckContext is what a running check gets.
struct CheckContext {
  Target& target;
  Target* baseline = nullptr;  // the reference target, when the check asked for it
  Profile profile = Profile::signal;
  Key32 seed{};                // this check's seed (derived from the run seed and the check id)
  CheckOptions options;
  std::string vectors_dir;     // the vectors/ folder

  // rng returns a generator seeded by this check's seed, for the check's own choices.
  SeededRng rng() const { return SeededRng(seed); }
};

// CheckDef declares a check: which requirement it serves, which capabilities it needs.
struct CheckDef {
  std::string id;           // unique, e.g. "KAT-1.x25519"; starts with the requirement id
  std::string requirement;  // a catalogue id
  std::string description;  // one line
  std::vector<std::string> needs;  // capabilities, e.g. {"primitives"}
  bool needs_baseline = false;     // also start the reference as a second process
  std::function<CheckOutcome(CheckContext&)> run;
};

// Registry collects the checks of every suite. Suites add theirs with a
// register_*_checks(Registry&) function, called from one place in the CLI.
class Registry {
 public:
  // add registers a check. A check with an empty id, an id that does not start with its
  // requirement id, an unknown requirement id, no run function or a duplicate id is
  // refused and named in errors(); the CLI refuses to run while errors() is not empty.
  void add(CheckDef def);
  const std::vector<CheckDef>& checks() const { return checks_; }
  // find returns the check with this id, if registered.
  const CheckDef* find(std::string_view id) const;
  // errors lists the registrations add() refused, one line each.
  const std::vector<std::string>& errors() const { return errors_; }

 private:
  std::vector<CheckDef> checks_;
  std::vector<std::string> errors_;
};

}  // namespace parity::harness
