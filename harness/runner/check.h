// check.h: what a check is. A check sees Target handles and returns a verdict with
// figures and evidence (outcome.h); it never sees a process, a pipe or JSON framing.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "harness/catalogue.h"
#include "harness/client/target.h"
#include "harness/runner/outcome.h"
#include "reference/crypto/random.h"

namespace parity::harness {

// CheckOptions are the knobs of a run that checks read.
struct CheckOptions {
  int cases = 0;  // property-test case count; 0 means the check's default
  bool strict = false;
};

// CheckContext is what a running check gets.
struct CheckContext {
  Target& target;
  Target* baseline = nullptr;  // the reference target, when the check asked for it
  Profile profile = Profile::signal;
  Key32 seed{};  // this check's seed (derived from the run seed and the check id)
  CheckOptions options;
  std::string vectors_dir;  // the vectors/ folder
  // progress, when set, shows how far a long check got (a property test's case, a
  // stream's message) on the run's status line.
  std::function<void(const std::string&)> progress = {};

  // step reports progress within the check; a no-op without a status line.
  void step(const std::string& detail) const {
    if (progress) progress(detail);
  }
  // rng returns a generator seeded by this check's seed, for the check's own choices.
  SeededRng rng() const { return SeededRng(seed); }
};

// BaselineUse says what a check does with the Signal baseline (the reference, run as a
// second process).
enum class BaselineUse {
  none,     // the target alone (vectors, corpora)
  compare,  // the same scenario on both; figures side by side (suites/common/check_spec.h)
  peer,     // the baseline is the target's peer in one conversation (SIG interop)
};

// CheckDef declares a check as the runner sees it. Suites write checks as CheckSpec
// (suites/common/check_spec.h), which makes one of these; fields are in the order of a
// designated initializer.
struct CheckDef {
  std::string id = {};           // unique, "<requirement>.<kebab-case-name>", e.g. "KAT-1.x25519"
  std::string requirement = {};  // a catalogue id
  std::string description = {};  // one line
  std::vector<Capability> needs = {};
  BaselineUse baseline = BaselineUse::none;
  std::function<CheckOutcome(CheckContext&)> run = {};
  // aliases are former ids, still accepted by --only, waivers and replay.
  std::vector<std::string> aliases = {};
  // level, when set, weighs the check less than its requirement (never more): the part of
  // a requirement its statement names a SHOULD (KAT-1's vectors outside the domain the
  // protocol uses). Unset: the requirement's level.
  std::optional<Level> level = {};
  // file and line say where the check is written, for `parity list --markdown`.
  std::string file = {};
  int line = 0;

  bool needs_baseline() const { return baseline != BaselineUse::none; }
  // capability_names spells needs as PTP does.
  std::vector<std::string> capability_names() const;
};

// is_check_name tells whether the part of a check id after its requirement is
// kebab-case: lowercase letters and digits in words joined by single '-'.
bool is_check_name(std::string_view name);

// Registry collects the checks of every suite. Suites add theirs with a
// register_*_checks(Registry&) function, called from one place in the CLI.
class Registry {
 public:
  // add registers a check. A check with an empty id, an id that is not
  // "<requirement>.<kebab-case-name>", an unknown requirement id, no run function, or an
  // id or alias already taken is refused and named in errors(); the CLI refuses to run
  // while errors() is not empty.
  void add(CheckDef def);
  const std::vector<CheckDef>& checks() const { return checks_; }
  // find returns the check with this id or alias, if registered.
  const CheckDef* find(std::string_view id) const;
  // errors lists the registrations add() refused, one line each.
  const std::vector<std::string>& errors() const { return errors_; }

 private:
  std::vector<CheckDef> checks_;
  std::vector<std::string> errors_;
};

}  // namespace parity::harness
