#include "harness/runner/runner.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <exception>
#include <map>
#include <set>

#include <unistd.h>

#include "harness/runner/fingerprint.h"
#include "harness/runner/seeds.h"

namespace parity::harness {

namespace {

// uses_randomness tells whether the target's side of an exchange asked it for something
// drawn from its randomness: keys, bundles, sessions, ciphertexts, fresh media keys. A
// request that injects its keys (`*_private`) or gives its media key draws none.
bool uses_randomness(const Transcript& tr) {
  static const std::vector<std::string_view> kRandomOps = {"create",  "bundle", "initiate",      "encrypt",
                                                           "decrypt", "import", "media_encrypt", "media_encrypt_file"};
  for (const TranscriptEntry& e : tr.entries) {
    if (e.direction != Direction::request || e.target != "target") continue;
    auto j = nlohmann::json::parse(e.line, nullptr, false);
    if (!j.is_object()) continue;
    const std::string op = j.value("op", std::string());
    if (std::find(kRandomOps.begin(), kRandomOps.end(), op) == kRandomOps.end()) continue;
    bool injected = j.contains("media_key");
    for (const auto& [key, value] : j.items()) {
      if (key.ends_with("_private")) injected = true;
    }
    if (!injected) return true;
  }
  return false;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::optional<int> parse_positive(std::string_view s) {
  int v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size() || v < 1) return std::nullopt;
  return v;
}

std::string host_name() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "";
  return buf;
}

// Matcher is one way an --only item can name checks.
enum class Match { check, requirement, group };

// matches tells whether the item names check c, given how the item matched.
bool matches(const CheckDef& c, Match how, const std::string& key) {
  switch (how) {
    case Match::check:
      return c.id == key;
    case Match::requirement:
      return c.requirement == key;
    case Match::group: {
      const Requirement* r = find_requirement(c.requirement);
      return r != nullptr && r->group == key;
    }
  }
  return false;
}

// resolve_item finds what an --only item names: a check id, a requirement id or a group
// id, exact first and then ignoring case.
std::optional<std::pair<Match, std::string>> resolve_item(const Registry& registry, std::string_view item) {
  for (int pass = 0; pass < 2; ++pass) {
    const auto same = [&](std::string_view known) { return pass == 0 ? known == item : iequals(known, item); };
    for (const CheckDef& c : registry.checks()) {
      if (same(c.id)) return std::pair{Match::check, c.id};
      for (const std::string& alias : c.aliases) {
        if (same(alias)) return std::pair{Match::check, c.id};  // a former id names the check
      }
    }
    for (const Requirement& r : catalogue()) {
      if (same(r.id)) return std::pair{Match::requirement, std::string(r.id)};
    }
    for (const Group& g : groups()) {
      if (same(g.id)) return std::pair{Match::group, std::string(g.id)};
    }
  }
  return std::nullopt;
}

// run_guarded runs a check; anything it throws (a std::get on the wrong alternative, a
// JSON type error) is a defect of the suite, not a verdict on the target: the check is
// `error` and the run goes on with its results document intact.
CheckOutcome run_guarded(const CheckDef& def, CheckContext& ctx) {
  try {
    return def.run(ctx);
  } catch (const std::exception& e) {
    CheckOutcome out;
    out.verdict = Verdict::error;
    out.summary = "suite defect: the check threw an exception (" + std::string(e.what()) + ")";
    return out;
  } catch (...) {
    CheckOutcome out;
    out.verdict = Verdict::error;
    out.summary = "suite defect: the check threw an exception of unknown type";
    return out;
  }
}

ResultRecord base_record(const CheckDef& def, const std::string& seed) {
  ResultRecord rec;
  const Requirement* req = find_requirement(def.requirement);
  rec.check = def.id;
  rec.requirement = def.requirement;
  rec.group = req != nullptr ? std::string(req->group) : "";
  rec.level = def.level ? *def.level : req != nullptr ? req->level : Level::must;
  rec.title = def.description.empty() && req != nullptr ? std::string(req->title) : def.description;
  rec.seed = seed;
  return rec;
}

void apply_outcome(ResultRecord& rec, CheckOutcome outcome) {
  rec.verdict = outcome.verdict;
  rec.summary = std::move(outcome.summary);
  rec.observations = std::move(outcome.observations);
  rec.figures = std::move(outcome.figures);
  rec.series = std::move(outcome.series);
  rec.counterexample = std::move(outcome.counterexample);
}

CheckOutcome error_outcome(std::string summary, std::vector<std::string> observations = {}) {
  CheckOutcome out;
  out.verdict = Verdict::error;
  out.summary = std::move(summary);
  out.observations = std::move(observations);
  return out;
}

// Process is a target or baseline the runner owns, with its start bookkeeping.
struct Process {
  std::string command;
  std::string label;
  std::unique_ptr<Target> target;
  std::optional<Violation> start_failure;  // set once starting failed; not retried
};

bool start_process(Process& p, const TargetStarter& start, const Limits& limits) {
  if (p.target || p.start_failure) return p.target != nullptr;
  StartResult r = start(p.command, p.label, limits);
  if (auto* t = std::get_if<std::unique_ptr<Target>>(&r)) {
    p.target = std::move(*t);
    return true;
  }
  p.start_failure = std::get<StartError>(r).violation;
  return false;
}

std::string violation_line(const Violation& v) {
  std::string s = std::string(to_string(v.kind));
  if (!v.detail.empty()) s += ": " + v.detail;
  return s;
}

// revive restarts a process found dead after a check; returns a note for the record.
std::string revive(Process& p) {
  Op<Unit> r = p.target->restart();
  if (r.ok()) return "the " + p.label + " was dead or untrusted after this check; it was restarted";
  const std::string why = r.violated() ? violation_line(r.violation()) : std::string(ptp::to_string(r.refusal().code));
  p.start_failure = r.violated() ? r.violation() : Violation{ViolationKind::bad_hello, why, ""};
  p.target.reset();
  return "the " + p.label + " was dead after this check and could not be restarted (" + why + ")";
}

// reset_for_check resets a process before a check; a failure is the check's error.
std::optional<CheckOutcome> reset_for_check(Target& t, const Key32& seed, const std::string& label) {
  // The seed is sent only to deterministic targets: for them it makes the check's
  // transcript reproducible by `parity replay`; others need not know the field.
  std::optional<Key32> s;
  if (t.hello().has("deterministic")) s = seed;
  Op<Unit> r = t.reset(s);
  if (r.ok()) return std::nullopt;
  if (r.violated()) {
    CheckOutcome out = CheckOutcome::error(r.violation());
    out.summary = "reset of the " + label + " failed: " + out.summary;
    return out;
  }
  return error_outcome("the " + label + " refused reset (" + std::string(ptp::to_string(r.refusal().code)) +
                       "): " + r.refusal().detail);
}

}  // namespace

HarnessResult<Shard> parse_shard(std::string_view text) {
  const size_t slash = text.find('/');
  const auto bad = [&] {
    return harness_error(HarnessErrc::bad_argument,
                         "--shard expects I/N with 1 <= I <= N, got '" + std::string(text) + "'");
  };
  if (slash == std::string_view::npos) return bad();
  auto i = parse_positive(text.substr(0, slash));
  auto n = parse_positive(text.substr(slash + 1));
  if (!i || !n || *i > *n) return bad();
  return Shard{*i, *n};
}

std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> out;
  while (true) {
    const size_t comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    while (!item.empty() && std::isspace(static_cast<unsigned char>(item.front()))) item.remove_prefix(1);
    while (!item.empty() && std::isspace(static_cast<unsigned char>(item.back()))) item.remove_suffix(1);
    if (!item.empty()) out.emplace_back(item);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

HarnessResult<Selection> select_checks(const Registry& registry, const std::vector<std::string>& only, Shard shard) {
  if (shard.count < 1 || shard.index < 1 || shard.index > shard.count) {
    return harness_error(HarnessErrc::bad_argument, "invalid shard");
  }
  Selection sel;
  std::vector<const CheckDef*> all;
  for (const CheckDef& c : registry.checks()) all.push_back(&c);
  // Sorting by id makes shards independent of registration order.
  std::sort(all.begin(), all.end(), [](const CheckDef* a, const CheckDef* b) { return a->id < b->id; });

  std::vector<const CheckDef*> chosen;
  if (only.empty()) {
    chosen = all;
  } else {
    std::set<std::string> ids;
    for (const std::string& item : only) {
      auto found = resolve_item(registry, item);
      if (!found) {
        return harness_error(HarnessErrc::bad_argument,
                             "--only: '" + item + "' is not a check, requirement or group id (see `parity list`)");
      }
      size_t hits = 0;
      for (const CheckDef* c : all) {
        if (matches(*c, found->first, found->second)) {
          ids.insert(c->id);
          ++hits;
        }
      }
      if (hits == 0) sel.warnings.push_back("--only: " + found->second + " has no checks in this build");
    }
    for (const CheckDef* c : all) {
      if (ids.count(c->id)) chosen.push_back(c);
    }
  }
  for (size_t i = 0; i < chosen.size(); ++i) {
    if (static_cast<int>(i % static_cast<size_t>(shard.count)) == shard.index - 1) sel.checks.push_back(chosen[i]);
  }
  return sel;
}

Profile choose_profile(std::optional<Profile> requested, const Hello& hello) {
  if (requested) return *requested;
  return hello.protocol == "signal-v3" ? Profile::signal : Profile::equivalent;
}

std::optional<Gate> gate_check(const CheckDef& check, Profile profile, const Hello& hello) {
  const Requirement* req = find_requirement(check.requirement);
  if (req != nullptr && !applies(*req, profile)) {
    CheckOutcome out;
    out.verdict = Verdict::not_applicable;
    out.summary = "profile " + std::string(to_string(profile)) + " does not include " + check.requirement;
    return Gate{out, ""};
  }
  std::optional<std::string> missing_required;
  std::optional<std::string> missing_optional;
  for (Capability cap : check.needs) {
    const std::string name(to_string(cap));
    if (hello.has(name)) continue;
    if (profile_requires(profile, cap)) {
      if (!missing_required) missing_required = name;
    } else if (!missing_optional) {
      missing_optional = name;
    }
  }
  if (missing_required) {
    CheckOutcome out;
    out.verdict = Verdict::not_tested;
    out.summary = "needs capability '" + *missing_required + "', which profile " + std::string(to_string(profile)) +
                  " requires and the target does not declare";
    return Gate{out, ""};
  }
  if (missing_optional) {
    CheckOutcome out;
    out.verdict = Verdict::not_applicable;
    out.summary = "needs optional capability '" + *missing_optional + "', which the target does not declare";
    return Gate{out, *missing_optional};
  }
  return std::nullopt;
}

std::string shell_quote(std::string_view word) {
  const bool plain = !word.empty() && std::all_of(word.begin(), word.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) ||
           std::string_view("@%_+=:,./-").find(c) != std::string_view::npos;
  });
  if (plain) return std::string(word);
  std::string out = "'";
  for (char c : word) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

RunOutcome run_suite(const Registry& registry, const Selection& selection, const RunConfig& config,
                     Progress& progress) {
  (void)registry;
  RunOutcome outcome;
  const TargetStarter start = config.start ? config.start : TargetStarter(&start_target);

  Process target{config.target_command, "target", nullptr, std::nullopt};
  if (!start_process(target, start, config.limits)) {
    outcome.exit_status = kExitTargetStart;
    outcome.error =
        "the target '" + config.target_display + "' could not be started: " + violation_line(*target.start_failure);
    if (!target.start_failure->stderr_tail.empty())
      outcome.error += " (stderr: " + target.start_failure->stderr_tail + ")";
    return outcome;
  }
  Process baseline{config.baseline_command, "baseline", nullptr, std::nullopt};

  const Hello hello = target.target->hello();
  const Profile profile = choose_profile(config.profile, hello);
  const std::string run_seed = seed_hex(config.seed);

  RunInfo& info = outcome.info;
  info.parity_version = config.parity_version;
  info.parity_revision = config.parity_revision;
  info.libraries = config.libraries;
  info.target_command = config.target_command;
  info.baseline_command = config.baseline_command;
  info.implementation = hello.implementation;
  info.version = hello.version;
  info.protocol = hello.protocol;
  info.commit_policy = hello.commit_policy;
  info.post_quantum = hello.post_quantum;
  info.capabilities = hello.capabilities;
  info.limits = hello.limits;
  info.profile = profile;
  info.profile_source = config.profile ? "option" : "hello";
  info.seed = run_seed;
  info.shard = config.shard;
  info.only = config.only;
  info.strictness = config.strictness;
  info.started_at = now_rfc3339();
  info.host = host_name();
  // The fingerprints say exactly which program and which vectors this report is about.
  if (std::optional<std::string> exe = command_executable(config.target_command)) {
    if (HarnessResult<std::string> h = file_sha256(*exe); h.ok()) {
      info.target_executable = *exe;
      info.target_sha256 = *h;
    }
  }
  for (const std::string& script : command_scripts(config.target_command)) {
    if (HarnessResult<std::string> h = file_sha256(script); h.ok()) info.target_scripts.push_back({script, *h});
  }
  if (!config.vectors_dir.empty()) {
    if (HarnessResult<std::string> h = vector_set_sha256(config.vectors_dir); h.ok()) info.vectors_sha256 = *h;
  }

  std::unique_ptr<ResultsWriter> writer;
  if (config.paths) {
    auto w = ResultsWriter::open(*config.paths);
    if (!w.ok()) {
      outcome.exit_status = kExitUsage;
      outcome.error = w.error().detail;
      return outcome;
    }
    writer = std::move(w).value();
    writer->compaction = config.compaction;
    if (HarnessStatus s = writer->write_header(info); !s.ok()) {
      outcome.exit_status = kExitUsage;
      outcome.error = s.error().detail;
      return outcome;
    }
  }

  std::map<std::string, std::vector<std::string>> untested;  // capability or missing piece → checks
  bool complete = true;
  const int total = static_cast<int>(selection.checks.size());
  progress.start(total, run_seed);

  for (int n = 0; n < total; ++n) {
    if (config.interrupted != nullptr && config.interrupted->load()) {
      complete = false;
      break;
    }
    const CheckDef& def = *selection.checks[n];
    progress.begin(n + 1, def.id);
    const Key32 check_seed = derive_check_seed(config.seed, def.id);
    ResultRecord rec = base_record(def, seed_hex(check_seed));
    const auto t0 = std::chrono::steady_clock::now();
    bool ran = false;
    std::optional<Transcript> evidence;  // the check's own choice of transcript, if any

    if (auto gate = gate_check(def, profile, hello)) {
      apply_outcome(rec, std::move(gate->outcome));
      if (!gate->missing_optional.empty()) untested[gate->missing_optional].push_back(def.id);
    } else if (!target.target) {
      apply_outcome(rec, error_outcome("the target is down and could not be restarted: " +
                                       violation_line(*target.start_failure)));
    } else {
      std::optional<CheckOutcome> early;
      Target* base = nullptr;
      target.target->take_transcript();  // lines before the check (restarts) are not its evidence
      if (def.needs_baseline()) {
        if (start_process(baseline, start, config.limits)) {
          base = baseline.target.get();
          base->take_transcript();
        } else {
          early = error_outcome("the baseline (" + config.baseline_command +
                                ") could not be started: " + violation_line(*baseline.start_failure));
        }
      }
      if (!early) early = reset_for_check(*target.target, check_seed, "target");
      if (!early && base != nullptr) early = reset_for_check(*base, check_seed, "baseline");
      if (early) {
        apply_outcome(rec, std::move(*early));
      } else {
        CheckContext ctx{*target.target, base, profile, check_seed, config.options, config.vectors_dir};
        ctx.progress = [&progress](const std::string& detail) { progress.step(detail); };
        CheckOutcome result = run_guarded(def, ctx);
        evidence = std::move(result.evidence);
        if (result.verdict == Verdict::not_applicable && !result.untested_area.empty())
          untested[result.untested_area].push_back(def.id);
        apply_outcome(rec, std::move(result));
      }
      ran = true;
    }
    rec.duration_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();

    if (ran) {
      Transcript tr = target.target ? target.target->take_transcript() : Transcript{};
      if (def.needs_baseline() && baseline.target)
        tr = merge_transcripts(std::move(tr), baseline.target->take_transcript());
      // A check may keep only part of its exchange (a property test's minimal
      // counterexample); the rest is still drained so it cannot leak into the next check.
      if (evidence) tr = std::move(*evidence);
      if (target.target && !target.target->alive()) {
        // A check cannot pass while the target broke PTP under it, whatever it concluded.
        if (rec.verdict == Verdict::pass) {
          rec.verdict = Verdict::error;
          rec.summary =
              "the target violated PTP during the check (it was dead or untrusted afterwards); " + rec.summary;
        }
        rec.observations.push_back("target stderr (tail): " + target.target->stderr_tail());
        const std::string note = revive(target);
        rec.observations.push_back(note);
        progress.note("parity: " + def.id + ": " + note);
      }
      if (def.needs_baseline() && baseline.target && !baseline.target->alive()) {
        const std::string note = revive(baseline);
        rec.observations.push_back(note);
        progress.note("parity: " + def.id + ": " + note);
      }
      if (config.interrupted != nullptr && config.interrupted->load()) {
        // The interrupt probably reached the target's process group mid-check: the
        // verdict would blame the target for our signal, so the check is not recorded.
        complete = false;
        break;
      }
      rec.rerun = config.parity_program + " run --target " + shell_quote(config.target_display) +
                  (config.profile ? " --profile " + std::string(to_string(*config.profile)) : std::string()) +
                  " --seed " + run_seed + " --only " + shell_quote(def.id);
      rec.replay_exact = hello.has("deterministic") || !uses_randomness(tr);
      if (writer) {
        // What `parity replay` needs to rerun the check when the file left something out.
        nlohmann::json extra = {{"rerun", rec.rerun}, {"run_seed", run_seed}};
        if (config.profile) extra["profile"] = std::string(to_string(*config.profile));
        auto index = writer->write_transcript(def.id, tr, extra);
        if (index.ok()) {
          rec.transcript_file = writer->paths().transcripts;
          rec.transcript_index = *index;
          rec.replay = config.parity_program + " replay " + shell_quote(rec.transcript_file) + " --target " +
                       shell_quote(config.target_display) + " --check " + shell_quote(def.id);
        } else {
          rec.observations.push_back("transcript not written: " + index.error().detail);
        }
      }
    }

    if (config.waivers != nullptr && (rec.verdict == Verdict::fail || rec.verdict == Verdict::error)) {
      if (const Waiver* w = config.waivers->find(def)) {
        rec.waived_verdict = rec.verdict;
        rec.verdict = Verdict::waived;
        rec.waiver = w->reason;
      }
    }
    if (writer) {
      if (HarnessStatus s = writer->write_record(rec); !s.ok()) progress.note("parity: " + s.error().detail);
    }
    if (config.on_result) config.on_result(rec);
    outcome.records.push_back(std::move(rec));
  }
  progress.finish();

  outcome.summary = summarize(outcome.records, config.strictness);
  outcome.summary.complete = complete;
  for (auto& [cap, checks] : untested) outcome.summary.untested.push_back(Untested{cap, checks});
  if (!complete) outcome.summary.exit_status = kExitInterrupted;
  outcome.exit_status = outcome.summary.exit_status;
  if (writer) {
    if (HarnessStatus s = writer->write_footer(outcome.summary); !s.ok()) progress.note("parity: " + s.error().detail);
  }
  if (config.paths) {
    if (HarnessStatus s =
            write_json_file(config.paths->document, document_json(info, outcome.records, outcome.summary));
        !s.ok()) {
      outcome.error = s.error().detail;
    }
  }
  return outcome;
}

}  // namespace parity::harness
