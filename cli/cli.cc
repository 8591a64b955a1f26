#include "cli/cli.h"

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <sstream>

#include <CLI/CLI.hpp>
#include <stdlib.h>  // mkdtemp

#include "harness/runner/runner.h"
#include "harness/runner/seeds.h"
#include "harness/runner/waivers.h"
#include "reports/junit.h"

#include "cli/build_info.h"
#include "cli/doctor.h"
#include "cli/listing.h"
#include "cli/manual.h"
#include "cli/media_cmd.h"
#include "cli/replay.h"
#include "cli/report_cmd.h"
#include "cli/resolve.h"
#include "cli/stanza_cmd.h"

#ifndef PARITY_SOURCE_DIR
#define PARITY_SOURCE_DIR ""
#endif

namespace parity::harness {

namespace {

std::atomic<bool> g_interrupted{false};

extern "C" void on_interrupt(int) {
  g_interrupted.store(true);
}

// InterruptGuard routes SIGINT and SIGTERM to a flag the runner polls between checks,
// for as long as a run lasts. SA_RESETHAND: a second signal ends the process at once.
class InterruptGuard {
 public:
  InterruptGuard() {
    g_interrupted.store(false);
    struct sigaction sa {};
    sa.sa_handler = on_interrupt;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESETHAND;
    sigaction(SIGINT, &sa, &old_int_);
    sigaction(SIGTERM, &sa, &old_term_);
  }
  ~InterruptGuard() {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
  }
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

// RunArgs are the options of `parity run`.
struct RunArgs {
  std::string target;
  std::string baseline;
  std::string profile;
  std::string only;
  std::string seed;
  std::string shard = "1/1";
  std::string waivers;
  bool strict = false;
  bool full_transcripts = false;
  std::string json;
  std::string junit;
  std::string report;   // --report FILE.html
  std::string summary;  // --summary FILE.md
  std::string vectors;
  int cases = 0;
  int timeout_ms = 10000;
};

struct TargetArgs {
  std::string target;
  int timeout_ms = 10000;
};

Limits limits_from(int timeout_ms) {
  Limits l;
  l.hello = std::chrono::milliseconds(timeout_ms);
  l.request = std::chrono::milliseconds(timeout_ms);
  return l;
}

// resolve_or_explain resolves --target, or explains why a built-in name is missing.
std::optional<std::string> resolve_or_explain(const std::string& value, const CliEnv& env) {
  Resolution r = resolve_target(value, env.exe_dir);
  if (r.command) return r.command;
  std::string where;
  for (const std::string& s : r.searched) where += (where.empty() ? "" : ", ") + s;
  env.err << "parity: built-in target '" << value << "' is not installed (looked in " << where << ")\n";
  return std::nullopt;
}

std::string default_vectors_dir(const std::string& exe_dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path installed = fs::path(exe_dir) / ".." / "share" / "parity" / "vectors";
  if (fs::is_directory(installed, ec)) return fs::weakly_canonical(installed, ec).string();
  return std::string(PARITY_SOURCE_DIR).empty() ? "vectors" : std::string(PARITY_SOURCE_DIR) + "/vectors";
}

std::string pad(std::string_view s, size_t width) {
  std::string out(s);
  if (out.size() < width) out.append(width - out.size(), ' ');
  return out;
}

int do_run(const RunArgs& a, const CliEnv& env) {
  std::optional<Profile> profile;
  if (!a.profile.empty()) profile = parse_profile(a.profile);  // CLI11 checked the spelling

  Key32 seed{};
  if (a.seed.empty()) {
    seed = random_seed();
  } else {
    auto s = parse_seed(a.seed);
    if (!s.ok()) {
      env.err << "parity: --seed: " << s.error().detail << "\n";
      return kExitUsage;
    }
    seed = *s;
  }
  auto shard = parse_shard(a.shard);
  if (!shard.ok()) {
    env.err << "parity: " << shard.error().detail << "\n";
    return kExitUsage;
  }
  Waivers waivers;
  if (!a.waivers.empty()) {
    auto w = Waivers::load(a.waivers, env.registry);
    if (!w.ok()) {
      env.err << "parity: " << w.error().detail << "\n";
      return kExitUsage;
    }
    waivers = std::move(w).value();
  }
  const std::vector<std::string> only = split_list(a.only);
  auto selection = select_checks(env.registry, only, *shard);
  if (!selection.ok()) {
    env.err << "parity: " << selection.error().detail << "\n";
    return kExitUsage;
  }
  for (const std::string& w : selection->warnings) env.err << "parity: warning: " << w << "\n";

  auto target_command = resolve_or_explain(a.target, env);
  if (!target_command) return kExitTargetStart;
  std::string baseline_command = a.baseline;
  if (baseline_command.empty()) {
    Resolution r = resolve_target("reference", env.exe_dir);
    // Unresolved, the bare program name is kept: starting it fails visibly, and only
    // the checks that need the baseline are affected.
    baseline_command = r.command.value_or("parity-target-reference");
  }

  RunConfig config;
  config.target_command = *target_command;
  config.target_display = a.target;
  config.baseline_command = baseline_command;
  config.profile = profile;
  config.only = only;
  config.shard = *shard;
  config.seed = seed;
  config.strictness = a.strict ? Strictness::strict : Strictness::normal;
  config.options.cases = a.cases;
  config.options.strict = a.strict;
  config.limits = limits_from(a.timeout_ms);
  config.vectors_dir = a.vectors.empty() ? default_vectors_dir(env.exe_dir) : a.vectors;
  config.waivers = &waivers;
  if (!a.json.empty()) config.paths = derive_result_paths(a.json);
  if (a.full_transcripts) config.compaction = kWholeTranscripts;
  // A report is rendered from the results files (transcripts included), so --report
  // without --json keeps them beside the report.
  if (a.json.empty() && (!a.report.empty() || !a.summary.empty())) {
    config.paths = derive_result_paths(report_results_path(a.report.empty() ? a.summary : a.report));
  }
  config.parity_version = build_version();
  config.parity_revision = build_revision();
  config.libraries = build_libraries();
  config.interrupted = &g_interrupted;

  Progress progress(env.progress);
  config.on_result = [&](const ResultRecord& r) {
    progress.finish();  // the status line is redrawn by the next check
    std::string line = pad(to_string(r.verdict), 14) + " " + pad(r.check, 24) + " " + r.summary;
    if (r.waiver) line += " [waived: " + *r.waiver + "]";
    env.out << line << "\n";
    env.out.flush();
  };

  RunOutcome outcome;
  {
    InterruptGuard guard;
    outcome = run_suite(env.registry, *selection, config, progress);
  }
  if (outcome.exit_status == kExitTargetStart || outcome.exit_status == kExitUsage) {
    env.err << "parity: " << outcome.error << "\n";
    return outcome.exit_status;
  }
  if (!outcome.error.empty()) env.err << "parity: " << outcome.error << "\n";

  const Summary& s = outcome.summary;
  env.out << "parity: " << s.total << " checks:";
  for (const auto& [v, n] : s.counts) {
    if (n > 0) env.out << " " << n << " " << to_string(v) << ",";
  }
  env.out << " profile " << to_string(outcome.info.profile) << ", seed " << outcome.info.seed << "\n";
  for (const Untested& u : s.untested) {
    env.out << "parity: not applicable without '" << u.capability << "': ";
    for (size_t i = 0; i < u.checks.size(); ++i) env.out << (i ? ", " : "") << u.checks[i];
    env.out << "\n";
  }
  if (!s.complete) env.out << "parity: interrupted; the results are incomplete\n";
  if (!s.failing.empty()) {
    env.out << "parity: failing:";
    for (const std::string& f : s.failing) env.out << " " << f;
    env.out << "\n";
  }
  if (config.paths)
    env.out << "parity: results in " << config.paths->document << " and " << config.paths->stream << "\n";
  if (!a.junit.empty()) {
    if (auto st = reports::write_junit(a.junit, outcome.info, outcome.records, config.strictness); !st.ok()) {
      env.err << "parity: " << st.error().detail << "\n";
      return kExitUsage;
    }
  }
  if (config.paths && (!a.report.empty() || !a.summary.empty())) {
    // Also after an interrupt: the runner wrote the footer, and the report says INCOMPLETE.
    if (write_reports(config.paths->document, a.report, a.summary, env) != kExitOk && outcome.exit_status == kExitOk) {
      return kExitUsage;
    }
  }
  return outcome.exit_status;
}

int do_targets(const CliEnv& env) {
  size_t width = 0;
  for (const BuiltinTarget& b : builtin_targets()) width = std::max(width, b.name.size() + 2);
  for (const BuiltinTarget& b : builtin_targets()) {
    Resolution r = resolve_target(b.name, env.exe_dir);
    env.out << pad(b.name, width);
    if (r.command) {
      env.out << *r.command << "\n";
    } else {
      env.out << "(not found: " << b.program << "; looked in";
      for (const std::string& s : r.searched) env.out << " " << s;
      env.out << ")\n";
    }
  }
  env.out << "Anything else given to --target is run as a shell command line.\n";
  return kExitOk;
}

int do_doctor(const TargetArgs& a, const CliEnv& env) {
  auto command = resolve_or_explain(a.target, env);
  if (!command) return kExitTargetStart;
  DoctorRun run = run_doctor(*command, limits_from(a.timeout_ms), env.out);
  if (!run.started) {
    env.err << "parity: the target '" << a.target << "' could not be started: " << run.start_error << "\n";
    return kExitTargetStart;
  }
  env.out << "parity doctor: " << run.result.passed << " ok, " << run.result.failed << " failed";
  if (run.result.skipped > 0) env.out << ", " << run.result.skipped << " skipped";
  env.out << "\n";
  return run.result.failed == 0 ? kExitOk : kExitFailed;
}

// regenerate_payloads reruns one check from the run's seed with whole transcripts, in a
// private temporary folder, and returns every long string of that exchange: the payloads
// the suite derives from the seed (and a deterministic target's) come out the same, and
// replay uses one only when its SHA-256 matches the recorded hash.
PayloadPool regenerate_payloads(const LoadedTranscript& t, const TargetArgs& a, const CliEnv& env) {
  PayloadPool pool;
  namespace fs = std::filesystem;
  std::error_code ec;
  std::string dir = (fs::temp_directory_path(ec) / "parity-replay-XXXXXX").string();
  if (ec || mkdtemp(dir.data()) == nullptr) return pool;
  RunArgs run;
  run.target = a.target;
  run.timeout_ms = a.timeout_ms;
  run.seed = t.run_seed;
  run.profile = t.profile;
  run.only = t.check;
  run.json = dir + "/rerun.json";
  run.full_transcripts = true;
  std::ostringstream quiet_out, quiet_err;
  const CliEnv quiet{env.registry, env.exe_dir, quiet_out, quiet_err, ProgressMode::off};
  do_run(run, quiet);
  auto rerun = load_transcript(derive_result_paths(run.json).transcripts, t.check);
  if (rerun.ok()) {
    for (const TranscriptEntry& e : rerun.value().transcript.entries) {
      if (auto j = ptp::parse_line(e.line)) add_payloads(*j, Compaction{}, pool);
    }
  }
  fs::remove_all(dir, ec);
  return pool;
}

int do_replay(const std::string& file, const std::string& check, const std::string& side, const TargetArgs& a,
              const CliEnv& env) {
  // A check's former ids (aliases) and its current id name the same transcripts.
  std::vector<std::string> also;
  if (const CheckDef* def = env.registry.find(check); def != nullptr && !check.empty()) {
    also = def->aliases;
    also.push_back(def->id);
  }
  auto transcript = load_transcript(file, check.empty() ? std::nullopt : std::optional<std::string>(check), also);
  if (!transcript.ok()) {
    env.err << "parity: " << transcript.error().detail << "\n";
    return kExitUsage;
  }
  auto command = resolve_or_explain(a.target, env);
  if (!command) return kExitTargetStart;
  const auto replay_once = [&](const PayloadPool& pool, std::ostream& out, ReplayResult& out_result) {
    auto started = start_target(*command, side, limits_from(a.timeout_ms));
    if (auto* e = std::get_if<StartError>(&started)) {
      env.err << "parity: the target '" << a.target << "' could not be started: " << to_string(e->violation.kind)
              << ": " << e->violation.detail << "\n";
      return false;
    }
    out_result =
        replay_transcript(transcript->transcript, side, *std::get<std::unique_ptr<Target>>(started), out, pool);
    return true;
  };
  ReplayResult r;
  std::ostringstream first;
  if (!replay_once({}, first, r)) return kExitTargetStart;
  if (r.missing_payload && !transcript->run_seed.empty() && env.registry.find(transcript->check) != nullptr) {
    // The file kept a request payload only as its hash: the suite may make it again.
    PayloadPool pool = regenerate_payloads(*transcript, a, env);
    env.out << "parity replay: the transcript keeps long payloads as hashes; rerunning " << transcript->check
            << " from the run's seed gave " << pool.size() << " long strings to rebuild them from\n";
    if (!pool.empty()) {
      if (!replay_once(pool, env.out, r)) return kExitTargetStart;
    } else {
      env.out << first.str();
    }
  } else {
    env.out << first.str();
  }
  if (r.incomplete) {
    // What the file does not hold cannot be judged: no "differ" for exchanges after the gap.
    env.out << "parity: transcript incomplete: " << file << ":" << transcript->line << ": " << *r.incomplete << "\n";
    const std::string rerun = !transcript->rerun.empty()
                                  ? transcript->rerun
                                  : "parity run --target " + shell_quote(a.target) + " --seed SEED --only " +
                                        shell_quote(transcript->check) + "  (SEED: the run's seed)";
    env.out << "rerun the check with: " << rerun << "\n";
    if (r.differing > 0) {
      env.out << "parity replay: " << r.differing << " of " << r.exchanges << " exchanges differ before that point\n";
      return kExitFailed;
    }
    env.out << "parity replay: " << r.exchanges << " exchanges identical before that point\n";
    return kExitIncomplete;
  }
  if (r.differing == 0) {
    env.out << "parity replay: " << r.exchanges << " exchanges, identical\n";
    return kExitOk;
  }
  env.out << "parity replay: " << r.differing << " of " << r.exchanges << " exchanges differ\n";
  return kExitFailed;
}

}  // namespace

int cli_main(int argc, const char* const* argv, const CliEnv& env) {
  if (!env.registry.errors().empty()) {
    // A suite registered a check wrongly: no run could be trusted to be complete.
    for (const std::string& e : env.registry.errors()) env.err << "parity: check registration: " << e << "\n";
    return kExitUsage;
  }

  CLI::App app{"parity: conformance and security-equivalence checks of a messaging implementation", "parity"};
  app.require_subcommand(1);
  app.set_version_flag("--version", [&env] {
    std::ostringstream v;
    print_version(v, default_vectors_dir(env.exe_dir));
    std::string text = v.str();
    if (!text.empty() && text.back() == '\n') text.pop_back();  // CLI11 adds the last newline
    return text;
  });

  RunArgs run;
  CLI::App* run_cmd = app.add_subcommand("run", "Run the checks against a target");
  run_cmd->add_option("--target", run.target, "Built-in target name (see `parity targets`) or a command line")
      ->required();
  run_cmd->add_option("--baseline", run.baseline, "Command of the Signal baseline (default: the built-in reference)");
  run_cmd->add_option("--profile", run.profile, "signal or equivalent (default: from the target's protocol)")
      ->check(CLI::IsMember({"signal", "equivalent"}));
  run_cmd->add_option("--only", run.only, "Comma-separated check, requirement or group ids");
  run_cmd->add_option("--seed", run.seed, "Run seed: 1 to 64 hex digits (default: random)");
  run_cmd->add_option("--shard", run.shard, "I/N: run the I-th of N shards (default 1/1)");
  run_cmd->add_option("--waivers", run.waivers, "Waiver file (`ID: reason` per line)");
  run_cmd->add_flag("--strict", run.strict, "SHOULD failures fail the run too");
  run_cmd->add_option("--json", run.json, "Write the results document to FILE (and FILE's .jsonl stream)");
  run_cmd->add_flag("--full-transcripts", run.full_transcripts,
                    "Keep every transcript line whole (default: long payloads as hashes, long transcripts trimmed)");
  run_cmd->add_option("--junit", run.junit, "Write JUnit XML to FILE");
  run_cmd->add_option("--report", run.report, "Write the HTML report to FILE at the end (also when interrupted)");
  run_cmd->add_option("--summary", run.summary, "Write a Markdown summary (CI step summary) to FILE at the end");
  run_cmd->add_option("--vectors", run.vectors, "The vectors folder (default: installed or source tree)");
  run_cmd->add_option("--cases", run.cases, "Property-test cases per check (default: each check's own)")
      ->check(CLI::Range(1, 100000000));
  run_cmd->add_option("--timeout-ms", run.timeout_ms, "Time limit for hello and for each request (default 10000)")
      ->check(CLI::Range(1, 86400000));

  bool markdown = false;
  bool list_checks = false;
  CLI::App* list_cmd = app.add_subcommand("list", "List the requirement catalogue");
  list_cmd->add_flag("--markdown", markdown, "Print docs/catalogue.md");
  list_cmd->add_flag("--checks", list_checks, "List the registered checks instead");
  CLI::App* targets_cmd = app.add_subcommand("targets", "List the built-in targets and what they resolve to");

  TargetArgs doctor;
  CLI::App* doctor_cmd = app.add_subcommand("doctor", "Check a target's PTP conformance");
  doctor_cmd->add_option("--target", doctor.target, "Built-in target name or a command line")->required();
  doctor_cmd->add_option("--timeout-ms", doctor.timeout_ms, "Time limit per request (default 10000)")
      ->check(CLI::Range(1, 86400000));

  TargetArgs replay;
  std::string replay_file, replay_check, replay_side = "target";
  CLI::App* replay_cmd = app.add_subcommand("replay", "Re-send a check's recorded requests to a fresh target");
  replay_cmd->add_option("TRANSCRIPTS", replay_file, "A .transcripts.jsonl file written by `parity run --json`")
      ->required();
  replay_cmd->add_option("--target", replay.target, "Built-in target name or a command line")->required();
  replay_cmd->add_option("--check", replay_check, "The check whose transcript to replay");
  replay_cmd->add_option("--side", replay_side, "Whose requests to replay: target (default) or baseline")
      ->check(CLI::IsMember({"target", "baseline"}));
  replay_cmd->add_option("--timeout-ms", replay.timeout_ms, "Time limit per request (default 10000)")
      ->check(CLI::Range(1, 86400000));

  bool man = false;
  CLI::App* help_cmd = app.add_subcommand("help", "Print this help (the manual); --man: as a roff manual page");
  help_cmd->add_flag("--man", man, "Write the parity(1) manual page in roff, as the package installs it");

  MediaCommand media_cmd;
  add_media_command(app, media_cmd);

  ReportCommands report_cmds;
  add_report_commands(app, report_cmds);

  StanzaCommand stanza_cmd;  // `parity stanza validate` (cli/stanza_cmd.h)
  add_stanza_command(app, stanza_cmd);

  app.footer(help_footer());

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) {  // --help, --version
      app.exit(e, env.out, env.err);
      return kExitOk;
    }
    env.err << "parity: " << e.what() << " (see parity --help)\n";
    return kExitUsage;
  }

  if (run_cmd->parsed()) return do_run(run, env);
  if (help_cmd->parsed()) {
    // Not app.help(): once `help` is parsed, CLI11 would print the subcommand's own help.
    env.out << (man ? man_page(app) : app.get_formatter()->make_help(&app, "parity", CLI::AppFormatMode::Normal));
    return kExitOk;
  }
  if (list_cmd->parsed()) {
    if (list_checks) {
      env.out << check_lines(env.registry);
    } else {
      env.out << (markdown ? catalogue_markdown(env.registry) : catalogue_lines());
    }
    return kExitOk;
  }
  if (targets_cmd->parsed()) return do_targets(env);
  if (doctor_cmd->parsed()) return do_doctor(doctor, env);
  if (replay_cmd->parsed()) return do_replay(replay_file, replay_check, replay_side, replay, env);
  if (stanza_cmd.command->parsed()) return run_stanza_command(stanza_cmd, std::cin, env.out, env.err);
  if (media_cmd.command->parsed()) return run_media_command(media_cmd, env.out, env.err);
  if (std::optional<int> rc = run_report_commands(report_cmds, env)) return *rc;
  return kExitUsage;
}

}  // namespace parity::harness
