// check_spec.h: the one way to write a check. A check is data (id, requirement, what it
// needs, what it does with the baseline) plus two functions: a scenario that plays on
// one target process and returns what it measured there (a Side), and a judge that
// turns the target's Side, beside the baseline's, into the verdict. run_sides owns
// everything else, once for every suite:
// - the scenario runs on the target and on the baseline at the same time (separate
//   processes), each with its own generator drawn from the check's seed;
// - each side's declared bounds (Bounds), completed with the baseline's, so a scenario
//   stays within what the process it plays on declared;
// - one baseline policy: when the baseline cannot play its own scenario, or its Side
//   does not pass the judge against itself, the check is `error` (a fault of the suite
//   or its build, never a verdict on the target);
// - the evidence: both transcripts in time order, trimmed (EvidenceTrim) when asked.
#pragma once

#include <concepts>
#include <functional>
#include <future>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "harness/runner/check.h"
#include "suites/common/bounds.h"
#include "suites/common/evidence_trim.h"
#include "suites/common/steps.h"

namespace parity::suites {

using harness::Registry;

// A Side is what a scenario measured on one process. `stop` holds the verdict that cut
// the scenario short (a violation: error; a refusal the bounds do not permit: fail);
// whatever else it measured before that is still shown beside the other side's.
template <class S>
concept Side = requires(S s) {
  { s.stop } -> std::convertible_to<std::optional<CheckOutcome>>;
};

// Run is what a scenario gets for the process it plays on.
struct Run {
  Target& target;
  harness::Profile profile;  // the run's profile on the target; signal on the baseline
  Bounds bounds;             // what this process declared (the baseline's where it did not)
  bool is_baseline = false;
  Target* peer = nullptr;   // BaselineUse::peer: the baseline process, the target's peer
  SeededRng rng;            // this side's generator: both sides draw the same sequence
  const CheckContext& ctx;  // the check's seed, options and vectors folder

  const Key32& seed() const { return ctx.seed; }
  // signal tells whether this process is held to Signal's exact formats (the baseline
  // always is; the target under profile signal).
  bool signal() const { return is_baseline || profile == harness::Profile::signal; }
  // step shows the target side's progress on the status line (the baseline plays the
  // same scenario beside it).
  void step(const std::string& detail) const {
    if (!is_baseline) ctx.step(detail);
  }
};

// CheckSpec declares a check. Write it with designated initializers:
//   add_check(registry, CheckSpec<RetainSide>{
//       .id = "DOS-2.retention", .requirement = "DOS-2", .description = "...",
//       .needs = {Capability::export_state}, .scenario = retention, .judge = judge_retention});
template <Side S>
struct CheckSpec {
  std::string id = {};           // "<requirement>.<kebab-case-name>"
  std::string requirement = {};  // a catalogue id
  std::string description = {};  // one line
  std::vector<Capability> needs = {};
  BaselineUse baseline = BaselineUse::compare;
  // precondition, when set, may decide the check before anything runs (a profile or a
  // declared bound it cannot judge: not-applicable, with the reason).
  std::function<std::optional<CheckOutcome>(const CheckContext&)> precondition = {};
  // scenario plays on one process (on both at once, for BaselineUse::compare).
  std::function<S(Run&)> scenario = {};
  // judge gives the verdict: `baseline` is the baseline's Side for compare, null
  // otherwise. It is also asked judge(b, &b) of the baseline alone, which must pass.
  std::function<CheckOutcome(S& target, S* baseline)> judge = {};
  std::vector<std::string> aliases = {};  // former ids (still accepted by --only, waivers, replay)
  // level, when set, weighs the check less than its requirement (CheckDef::level).
  std::optional<harness::Level> level = {};
  // trim bounds the evidence (both transcripts, merged in time order).
  EvidenceTrim trim = {};
  // Where the spec is written (clang 14 has no std::source_location; the builtins give the
  // place of the initialization in gcc and clang alike).
  const char* file = __builtin_FILE();
  int line = __builtin_LINE();
};

// baseline_trouble turns a baseline that could not play, or did not pass, its own
// scenario into the check's error.
CheckOutcome baseline_trouble(CheckOutcome o);

// run_sides runs one check: the scenario on the target (and the baseline), then judge.
template <Side S>
CheckOutcome run_sides(const CheckSpec<S>& spec, CheckContext& ctx) {
  auto play = [&](Target& t, bool is_baseline) {
    Run run{t,
            is_baseline ? harness::Profile::signal : ctx.profile,
            is_baseline ? bounds_of(t, nullptr) : bounds_of(t, ctx.baseline),
            is_baseline,
            spec.baseline == BaselineUse::peer ? ctx.baseline : nullptr,
            SeededRng(ctx.seed),
            ctx};
    return spec.scenario(run);
  };
  if (spec.precondition) {
    if (std::optional<CheckOutcome> decided = spec.precondition(ctx)) return std::move(*decided);
  }
  if (spec.baseline == BaselineUse::compare && ctx.baseline == nullptr) {
    // The runner starts the baseline for every check that uses it; a judge of a compare
    // check reads the baseline's side, so without one there is nothing to judge.
    CheckOutcome o;
    o.verdict = harness::Verdict::error;
    o.summary = "suite defect: " + spec.id + " compares with the baseline, but no baseline process was given";
    return o;
  }
  CheckOutcome out;
  if (spec.baseline == BaselineUse::compare) {
    // Separate processes: playing both at once halves the wall time of the suite.
    std::future<S> theirs = std::async(std::launch::async, [&] { return play(*ctx.baseline, true); });
    S mine = play(ctx.target, false);
    S base = theirs.get();
    if (base.stop) {
      out = baseline_trouble(std::move(*base.stop));
    } else if (CheckOutcome self = spec.judge(base, &base); self.verdict != harness::Verdict::pass) {
      out = baseline_trouble(std::move(self));
    } else {
      out = spec.judge(mine, &base);
    }
  } else {
    S mine = play(ctx.target, false);
    out = spec.judge(mine, nullptr);
  }
  // Without a trim the runner keeps both whole transcripts itself.
  if (!out.evidence && (spec.trim.head != 0 || spec.trim.max_line != 0))
    out.evidence = trimmed_evidence(ctx, spec.trim);
  return out;
}

// add_check registers a spec with the runner's registry.
template <Side S>
void add_check(Registry& registry, CheckSpec<S> spec) {
  harness::CheckDef def;
  def.id = spec.id;
  def.requirement = spec.requirement;
  def.description = spec.description;
  def.needs = spec.needs;
  def.baseline = spec.baseline;
  def.aliases = spec.aliases;
  def.level = spec.level;
  def.file = spec.file;
  def.line = spec.line;
  if (spec.scenario && spec.judge) {
    def.run = [spec = std::move(spec)](CheckContext& ctx) { return run_sides(spec, ctx); };
  }
  registry.add(std::move(def));
}

// Verdicted is the Side of a scenario that judges itself as it goes (a check whose
// verdict is a sequence of expectations: AKE, MSG): its outcome and its tallies.
struct Verdicted {
  std::optional<CheckOutcome> stop;
  CheckOutcome outcome;
  std::map<std::string, double> tally;  // figures by name
};

// Tally holds a self-judging scenario's measurements by figure name.
using Tally = decltype(Verdicted::tally);

// self_judged makes a scenario that judges itself as it goes (and fills a Tally) a
// CheckSpec<Verdicted> scenario.
inline std::function<Verdicted(Run&)> self_judged(CheckOutcome (*scenario)(Run&, Tally&)) {
  return [scenario](Run& run) {
    Verdicted side;
    side.outcome = scenario(run, side.tally);
    return side;
  };
}

// FigureSpec names a figure a Verdicted side's tally may hold.
struct FigureSpec {
  std::string name;
  std::string unit;
};

// judge_verdicted keeps the target's own outcome and puts both sides' tallies beside
// each other as figures.
std::function<CheckOutcome(Verdicted&, Verdicted*)> judge_verdicted(std::vector<FigureSpec> figures);

}  // namespace parity::suites
