// runner.h: one run of the suite against a target: choose the profile, select the
// checks, give each its verdict (by the catalogue's profile and capability rules, or by
// running it), write results as they come, and compute the exit status.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "harness/client/target.h"
#include "harness/errors.h"
#include "harness/runner/check.h"
#include "harness/runner/progress.h"
#include "harness/runner/results.h"
#include "harness/runner/waivers.h"

namespace parity::harness {

// Exit statuses of `parity` (requirements.md).
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitTargetStart = 3;
// kExitIncomplete: `parity replay` met a transcript that does not hold the whole exchange
// (trimmed, or a request payload stored as its hash that could not be rebuilt).
inline constexpr int kExitIncomplete = 4;
// kExitInterrupted is the status of a run stopped by SIGINT or SIGTERM (128 + SIGINT):
// its results are incomplete, so it neither passes nor fails.
inline constexpr int kExitInterrupted = 130;

// StartResult is what starting a target gives.
using StartResult = std::variant<std::unique_ptr<Target>, StartError>;
// TargetStarter starts a target process: start_target in the CLI, a fake in tests.
using TargetStarter = std::function<StartResult(const std::string& command, const std::string& label, const Limits&)>;

// parse_shard reads "I/N" (1 <= I <= N, both decimal). Check i (0-based, checks sorted
// by id) belongs to shard I when i % N == I - 1.
HarnessResult<Shard> parse_shard(std::string_view text);

// split_list splits a comma-separated list, dropping blanks around items and empty items.
std::vector<std::string> split_list(std::string_view text);

// Selection is the checks a run gives a verdict, sorted by id.
struct Selection {
  std::vector<const CheckDef*> checks;
  std::vector<std::string> warnings;  // --only items that name no registered check
};

// select_checks applies --only (check ids, requirement ids or group ids; exact, else
// case-insensitive) and then the shard. An item that names nothing in the catalogue
// or the registry is an input error.
HarnessResult<Selection> select_checks(const Registry& registry, const std::vector<std::string>& only, Shard shard);

// choose_profile is --profile when given, else signal for a signal-v3 target and
// equivalent for any other protocol.
Profile choose_profile(std::optional<Profile> requested, const Hello& hello);

// Gate is a verdict decided without running the check.
struct Gate {
  CheckOutcome outcome;
  std::string missing_optional;  // the optional capability that made it not-applicable, if that was why
};

// gate_check applies the catalogue's rules: not-applicable when the requirement is not
// in the profile or an optional capability is missing; not-tested when a capability the
// profile requires is missing (a missing required capability wins over an optional
// one). nullopt means: run the check.
std::optional<Gate> gate_check(const CheckDef& check, Profile profile, const Hello& hello);

// shell_quote quotes a word for a POSIX shell when it needs quoting.
std::string shell_quote(std::string_view word);

// RunConfig is everything a run needs.
struct RunConfig {
  std::string target_command;    // the command line started (built-in names resolved)
  std::string target_display;    // as the user gave it, for replay commands
  std::string baseline_command;  // the reference target
  std::optional<Profile> profile;
  std::vector<std::string> only;
  Shard shard;
  Key32 seed{};
  Strictness strictness = Strictness::normal;
  CheckOptions options;
  Limits limits;
  std::string vectors_dir;
  const Waivers* waivers = nullptr;
  std::optional<ResultPaths> paths;  // where the stream and transcripts go; none: not written
  std::string parity_version;
  std::string parity_revision;              // the git revision parity was built from
  std::vector<RunInfo::Library> libraries;  // what the built-in targets were built against
  std::string parity_program = "parity";  // how replay commands call parity
  Compaction compaction;                  // how transcripts are kept small (--full-transcripts: not)
  TargetStarter start;                    // empty: start_target
  // on_result sees each record as it is written (the CLI prints a line).
  std::function<void(const ResultRecord&)> on_result;
  // interrupted is polled between checks; when set, the run stops and is incomplete.
  const std::atomic<bool>* interrupted = nullptr;
};

// RunOutcome is what a run produced.
struct RunOutcome {
  int exit_status = kExitOk;
  std::string error;  // one line, when exit_status is 2 or 3
  RunInfo info;
  std::vector<ResultRecord> records;
  Summary summary;
};

// run_suite performs a run. The selection must come from select_checks on the same
// registry. It never throws; a target that cannot start gives exit status 3.
RunOutcome run_suite(const Registry& registry, const Selection& selection, const RunConfig& config, Progress& progress);

}  // namespace parity::harness
