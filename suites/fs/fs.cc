#include "suites/fs/fs.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "suites/common/attacker.h"
#include "suites/common/check_spec.h"
#include "suites/common/conversation.h"
#include "suites/common/property.h"
#include "suites/common/schedule.h"
#include "suites/common/steps.h"

namespace parity::suites {

namespace {

using harness::Unit;
using harness::Verdict;

// Probe is what one clone could read of the messages it was tried on.
struct Probe {
  int tried = 0;
  std::vector<int> read;  // message numbers it read
  std::string story;

  std::string read_list() const {
    std::string s;
    for (int n : read) s += (s.empty() ? "#" : ", #") + std::to_string(n);
    return s.empty() ? "none" : s;
  }
};

// probe_clone tries each message on `clone` and records which it reads.
Op<Unit> probe_clone(Conversation& c, const std::vector<Sent>& messages, const std::string& clone, Probe& out_) {
  for (const Sent& m : messages) {
    PARITY_PASS(bool read, read_by(c, m, clone));
    out_.tried++;
    if (read) out_.read.push_back(m.number);
  }
  return Unit{};
}

// play_probe plays `scenario` (a function of a fresh Conversation) on the process of
// `r`. A failing step is the outcome, with the story so far.
template <class F>
std::variant<Probe, CheckOutcome> play_probe(Run& r, int scenario, F&& play) {
  auto reset = fresh_world(r.target, r.seed(), scenario);
  if (reset.violated()) return CheckOutcome::error(reset.violation());
  if (reset.refused()) return CheckOutcome::unexpected_refusal("reset of the " + side_label(r), reset.refusal());
  Conversation c(r.target);
  Probe p;
  auto done = play(c, p);
  if (done.ok()) {
    p.story = c.story(60);
    return p;
  }
  CheckOutcome o = done.violated() ? CheckOutcome::error(done.violation())
                                   : CheckOutcome::unexpected_refusal("a step of the " + side_label(r) + "'s scenario",
                                                                      done.refusal());
  o.counterexample = c.story();
  return o;
}

// ProbeSide is FS-1 or FS-2 on one process: what its clones read.
struct ProbeSide {
  std::optional<CheckOutcome> stop;
  Probe probe;
};

template <class F>
ProbeSide probe_side(Run& r, int scenario, F&& play) {
  ProbeSide side;
  auto got = play_probe(r, scenario, std::forward<F>(play));
  if (auto* o = std::get_if<CheckOutcome>(&got)) {
    side.stop = std::move(*o);
  } else {
    side.probe = std::move(std::get<Probe>(got));
  }
  return side;
}

// read_count is a side's count for a figure (none without a baseline).
std::optional<double> read_count(const ProbeSide* side) {
  if (side == nullptr) return std::nullopt;
  return static_cast<double>(side->probe.read.size());
}

// --- FS-1 --------------------------------------------------------------------------

// fs1_scenario: alice sends six messages, bob receives five of them out of order, a
// ratchet step later one of the old chain arrives late (a skipped key used), two more
// epochs follow; then clones of bob and of alice try every message delivered to them.
Op<Unit> fs1_scenario(Conversation& c, Probe& out_) {
  PARITY_PASS([[maybe_unused]] Unit e, c.establish());
  std::vector<Sent> to_bob;
  std::vector<Sent> to_alice;
  std::vector<Sent> m;
  for (int i = 0; i < 6; ++i) {
    PARITY_PASS(Sent s, c.send(0));
    m.push_back(std::move(s));
  }
  for (int i : {1, 0, 3, 5, 2}) {  // #4 waits
    PARITY_PASS([[maybe_unused]] Bytes p, c.deliver(m[static_cast<size_t>(i)]));
    to_bob.push_back(m[static_cast<size_t>(i)]);
  }
  PARITY_PASS(Sent r0, c.send(1));
  PARITY_PASS([[maybe_unused]] Bytes p0, c.deliver(r0));
  to_alice.push_back(r0);
  PARITY_PASS(Sent n0, c.send(0));
  PARITY_PASS(Sent n1, c.send(0));
  for (const Sent* s : {&n1, &m[4], &n0}) {  // the late #4 of the previous chain uses a skipped key
    PARITY_PASS([[maybe_unused]] Bytes p, c.deliver(*s));
    to_bob.push_back(*s);
  }
  PARITY_PASS(Sent r1, c.send(1));
  PARITY_PASS([[maybe_unused]] Bytes p1, c.deliver(r1));
  to_alice.push_back(r1);
  PARITY_PASS(Sent k0, c.send(0));
  PARITY_PASS([[maybe_unused]] Bytes p2, c.deliver(k0));
  to_bob.push_back(k0);
  PARITY_PASS([[maybe_unused]] Unit cb, c.clone(1, "bob~1"));
  PARITY_PASS([[maybe_unused]] Unit pb, probe_clone(c, to_bob, "bob~1", out_));
  PARITY_PASS([[maybe_unused]] Unit ca, c.clone(0, "alice~1"));
  PARITY_PASS([[maybe_unused]] Unit pa, probe_clone(c, to_alice, "alice~1", out_));
  return Unit{};
}

CheckOutcome judge_fs1(ProbeSide& mine, ProbeSide* base) {
  if (mine.stop) return *mine.stop;
  const Probe& p = mine.probe;
  CheckOutcome o = CheckOutcome::pass("");
  o.figures.push_back(
      {"delivered messages a later clone reads", static_cast<double>(p.read.size()), read_count(base), "messages"});
  o.observations.push_back(
      "each clone tried the " + std::to_string(p.tried) +
      " messages its original had decrypted (in order, out of order, and late across a ratchet step)");
  o.observations.push_back("target's clones read: " + p.read_list() +
                           (base ? "; baseline's clones read: " + base->probe.read_list() : ""));
  if (!p.read.empty()) {
    o.verdict = Verdict::fail;
    o.summary = "a clone made after delivery reads " + std::to_string(p.read.size()) + " of " +
                std::to_string(p.tried) + " messages its original had already decrypted (" + p.read_list() + ")";
    o.counterexample = p.story;
    return o;
  }
  o.summary = "no clone made after delivery reads any of the " + std::to_string(p.tried) + " delivered messages";
  return o;
}

// --- FS-2 (limited) ----------------------------------------------------------------

// fs2_scenario hands each party's sent messages, undelivered and delivered, to a later
// clone of that party as if they came from the peer.
Op<Unit> fs2_scenario(Conversation& c, Probe& out_) {
  PARITY_PASS([[maybe_unused]] Unit e, c.establish());
  PARITY_PASS([[maybe_unused]] Unit rt, c.round_trip(0));
  PARITY_PASS(Sent a0, c.send(0));
  PARITY_PASS(Sent a1, c.send(0));
  PARITY_PASS(Sent b0, c.send(1));
  PARITY_PASS(Sent a_delivered, c.send(0));
  PARITY_PASS([[maybe_unused]] Bytes p, c.deliver(a_delivered));
  PARITY_PASS([[maybe_unused]] Unit ca, c.clone(0, "alice~1"));
  PARITY_PASS([[maybe_unused]] Unit cb, c.clone(1, "bob~1"));
  for (const Sent* s : {&a0, &a1, &a_delivered}) {
    PARITY_PASS(bool read, read_by(c, *s, "alice~1"));
    out_.tried++;
    if (read) out_.read.push_back(s->number);
  }
  auto r = c.deliver(b0, "bob~1", "alice");  // bob's own message, as if from alice
  if (r.violated()) return r.violation();
  out_.tried++;
  if (r.ok() && *r == b0.plaintext) out_.read.push_back(b0.number);
  return Unit{};
}

CheckOutcome judge_fs2(ProbeSide& mine, ProbeSide* base) {
  if (mine.stop) return *mine.stop;
  const Probe& p = mine.probe;
  CheckOutcome o = CheckOutcome::pass("");
  o.figures.push_back({"own sent messages a later clone of the sender reads", static_cast<double>(p.read.size()),
                       read_count(base), "messages"});
  o.observations.push_back(
      "limited check: black-box, a clone of the sender is handed its own sent messages as if "
      "they came from the peer; the export scan for message, chain and root keys (profile "
      "signal with inject) is not implemented");
  if (!p.read.empty()) {
    o.verdict = Verdict::fail;
    o.summary = "(limited) a later clone of the sender reads its own sent messages " + p.read_list();
    o.counterexample = p.story;
    return o;
  }
  o.summary = "(limited) no later clone of a sender reads any of its " + std::to_string(p.tried) +
              " sent messages handed to it as if from the peer";
  return o;
}

// --- FS-3 (rc::state) --------------------------------------------------------------

// Fs3Stats add up every case on one process, for the figures.
struct Fs3Stats {
  int cases = 0;
  int tried = 0;
  int read_delivered = 0;
  int read_undelivered = 0;
  int clones_with_skipped = 0;  // clones that could read an undelivered message
};

// Fs3Sut plays each command on one process; clones are probed when made.
struct Fs3Sut {
  PropertyRun* run = nullptr;
  Fs3Stats* stats = nullptr;
  std::string label;  // "target" or "baseline"
  std::unique_ptr<Conversation> c;
  std::vector<Sent> sent;
  std::vector<bool> delivered;
  int clones = 0;

  void send(const schedule::Model&, int n, int party) {
    Sent m = require(*run, c->send(party), label + ": " + std::string(schedule::party_name(party)) + " encrypting");
    check_that(*run, static_cast<int>(sent.size()) == n, "schedule and conversation disagree on message numbers");
    sent.push_back(std::move(m));
    delivered.push_back(false);
  }
  void deliver(const schedule::Model&, int n) {
    const Sent& m = sent[static_cast<size_t>(n)];
    auto p = c->deliver(m);
    if (p.violated()) (void)require(*run, std::move(p), "delivery");
    // A refused delivery is not a delivery (ORD judges it).
    delivered[static_cast<size_t>(n)] = p.ok() && *p == m.plaintext;
  }
  void delay(const schedule::Model&, int n) { c->note("#" + std::to_string(n) + " is delayed"); }
  void drop(const schedule::Model&, int n) { c->note("#" + std::to_string(n) + " is dropped"); }
  void feed(const schedule::Model&, int) {}  // FS-3's schedules have no Feed
  // compromise clones the victim and tries every message ever addressed to it: the
  // delivered ones must stay unreadable; undelivered ones are retention (FS-4).
  void compromise(const schedule::Model&, int victim) {
    const std::string clone = c->name(victim) + "~" + std::to_string(++clones);
    (void)require(*run, c->clone(victim, clone), label + ": export and import of " + c->name(victim));
    bool skipped = false;
    for (size_t n = 0; n < sent.size(); ++n) {
      if (sent[n].from == victim) continue;
      const bool read = require(*run, read_by(*c, sent[n], clone), "probing the clone");
      stats->tried++;
      if (!delivered[n]) {
        if (read) {
          stats->read_undelivered++;
          skipped = true;
        }
        continue;
      }
      if (!read) continue;
      stats->read_delivered++;
      check_that(*run, false,
                 "the " + label + "'s clone " + clone + " reads #" + std::to_string(n) + ", which " + c->name(victim) +
                     " had already decrypted\n" + c->story(45));
    }
    if (skipped) stats->clones_with_skipped++;
  }
};

using Fs3Side = schedule::PropertySide<Fs3Stats>;

// fs3_schedules plays the property on one process with the check's seed. FS-3 used to
// drive target and baseline in lockstep; RapidCheck's generation depends only on the
// seed and the model (never on what a process answers), so each process now gets the
// same schedules on its own, and BaselineUse::compare's policy applies: a baseline whose
// clone reads a delivered message makes the check error, as any baseline fault does.
Fs3Side fs3_schedules(Run& r) {
  Fs3Side side;
  PropertyRun run;
  run.targets = {&r.target};
  int scenario = 1000;
  auto property = [&] {
    Fs3Sut sut;
    sut.run = &run;
    sut.stats = &side.stats;
    sut.label = side_label(r);
    ++scenario;
    const schedule::Model m0 = schedule::start(run, r.target, r.seed(), scenario, sut.label, sut, 3);
    const schedule::Model m = schedule::play(m0, sut, schedule::attacker_commands<Fs3Sut>(false));
    // Whatever happened, both parties are compromised at the end.
    sut.compromise(m, 1);
    sut.compromise(m, 0);
    side.stats.cases++;
  };
  side.outcome =
      run_property(r, run, "no later clone reads a delivered message of any epoch", property, PropertyOptions{50, 40});
  return side;
}

CheckOutcome judge_fs3(Fs3Side& mine, Fs3Side* base) {
  if (mine.stop) return *mine.stop;
  CheckOutcome o = mine.outcome;
  o.figures.push_back(schedule::stat_figure("random schedules played", mine, base, &Fs3Stats::cases, "cases"));
  o.figures.push_back(
      schedule::stat_figure("messages tried on later clones", mine, base, &Fs3Stats::tried, "messages"));
  o.figures.push_back(schedule::stat_figure("delivered messages a later clone reads", mine, base,
                                            &Fs3Stats::read_delivered, "messages"));
  o.figures.push_back(schedule::stat_figure("clones holding skipped keys (read an undelivered message)", mine, base,
                                            &Fs3Stats::clones_with_skipped, "clones"));
  o.observations.push_back(
      "random schedules of sends, deliveries, delays and drops across ratchet epochs; clones are "
      "made during the schedule and of both parties at its end; undelivered messages a clone reads "
      "are retention, judged by FS-4");
  return o;
}

// --- FS-4 ----------------------------------------------------------------------------

constexpr int kExtra = 48;  // messages skipped past the baseline's per-chain bound

// ChainPlan is FS-4's one-chain stream: jumps of `step` (within both processes' max_skip)
// until `total` messages are undelivered, more than one chain may keep; then, when
// `past` is set, a jump of the target's max_skip + 1, which its bounds permit it to refuse.
struct ChainPlan {
  uint64_t step = 1;
  uint64_t total = 0;
  uint64_t past = 0;       // 0: no jump past the declared bound
  bool unbounded = false;  // max_skip declared null: `past` goes past Signal's figure instead
};

// fs4_chain: alice sends the chain's messages; bob receives the one after each jump;
// a clone of bob then tries every message never delivered that only a kept skipped key
// reads (after a refused jump past the bound, the held messages are ahead of bob's chain:
// any clone reads those with the chain key, so they are not retention).
Op<Unit> fs4_chain(Conversation& c, Probe& out_, const ChainPlan& plan, std::string& past_note_) {
  PARITY_PASS([[maybe_unused]] Unit e, c.establish());
  std::vector<Sent> undelivered;
  while (undelivered.size() < plan.total) {
    const uint64_t n = std::min<uint64_t>(plan.step, plan.total - undelivered.size());
    for (uint64_t i = 0; i < n; ++i) {
      PARITY_PASS(Sent s, c.send(0));
      undelivered.push_back(std::move(s));
    }
    PARITY_PASS(Sent next, c.send(0));
    PARITY_PASS([[maybe_unused]] Bytes p, c.deliver(next));
  }
  c.note("(" + std::to_string(undelivered.size()) + " messages of this chain stay undelivered)");
  if (plan.past > 0) {
    std::vector<Sent> held;
    for (uint64_t i = 0; i < plan.past; ++i) {
      PARITY_PASS(Sent s, c.send(0));
      held.push_back(std::move(s));
    }
    PARITY_PASS(Sent far, c.send(0));
    auto d = c.deliver(far);
    if (d.violated()) return d.violation();
    const std::string jump = "a jump of max_skip + 1 (" + std::to_string(plan.past) + ")";
    const std::string past =
        plan.unbounded ? " past Signal's max_skip (the target declares none)" : " past the declared bound";
    if (d.ok()) {
      past_note_ =
          jump + past + " was accepted: its " + std::to_string(plan.past) + " held messages are tried on the clone too";
      undelivered.insert(undelivered.end(), held.begin(), held.end());
    } else {
      past_note_ = jump + " was refused (" + refusal_text(d.refusal()) + ")" +
                   (plan.unbounded ? "" : ", as the declared bound permits");
    }
  }
  PARITY_PASS([[maybe_unused]] Unit cl, c.clone(1, "bob~1"));
  return probe_clone(c, undelivered, "bob~1", out_);
}

// fs4_epochs: in each epoch alice sends `per_epoch` messages that are never delivered
// and one that is, and bob answers (a ratchet step each way); a clone of bob then tries
// all the undelivered ones.
Op<Unit> fs4_epochs(Conversation& c, Probe& out_, const EpochPlan& plan) {
  PARITY_PASS([[maybe_unused]] Unit e, c.establish());
  std::vector<Sent> undelivered;
  for (uint64_t i = 0; i < plan.epochs; ++i) {
    for (uint64_t k = 0; k < plan.per_epoch; ++k) {
      PARITY_PASS(Sent u, c.send(0));
      undelivered.push_back(std::move(u));
    }
    c.note("(" + std::to_string(plan.per_epoch) + " messages of this epoch stay undelivered)");
    PARITY_PASS([[maybe_unused]] Unit rt, c.round_trip(0));
  }
  PARITY_PASS([[maybe_unused]] Unit cl, c.clone(1, "bob~1"));
  return probe_clone(c, undelivered, "bob~1", out_);
}

// RetentionSide is FS-4 on one process: the streams it played (the same on both) and
// what a clone read of them.
struct RetentionSide {
  std::optional<CheckOutcome> stop;
  Bounds baseline;  // the baseline's bounds, which retention is compared with
  Bounds target;    // the target's declared bounds, which size the streams
  ChainPlan chain_plan;
  EpochPlan epoch_plan;
  std::string past_note;      // what became of the jump past the declared bound
  std::string target_limits;  // what the target declared, for the observations
  Probe chain;
  Probe epochs;
};

// fs4_retention plays both streams, sized from the target's declared bounds and the
// baseline's (both processes play the same streams): every delivery is within the
// target's max_skip, and each stream leaves more undelivered than the baseline's bounds
// let a clone read, so a target keeping more than it declares is seen where it matters.
RetentionSide fs4_retention(Run& r) {
  RetentionSide side;
  side.baseline = bounds_of(*r.ctx.baseline, nullptr);
  side.target = bounds_of(r.ctx.target, r.ctx.baseline);
  const Bounds& bb = side.baseline;
  const Bounds& tb = side.target;
  side.chain_plan.step = std::max<uint64_t>(std::min({bb.max_skipped_keys, bb.max_skip, tb.max_skip}), 1);
  side.chain_plan.total = bb.max_skipped_keys + kExtra;
  // The jump past the bound costs max_skip + 1 messages: probed up to twice Signal's.
  // A max_skip declared null is sized as the baseline's: the jump still goes past it.
  if (tb.max_skip < 2 * bb.max_skip) side.chain_plan.past = tb.max_skip + 1;
  side.chain_plan.unbounded = tb.is_unbounded("max_skip");
  side.epoch_plan = plan_epochs(tb, bb);
  const auto& limits = r.ctx.target.hello().limits;
  side.target_limits = limits.empty() ? std::string("none") : limits.dump();
  const ChainPlan chain_plan = side.chain_plan;
  std::string past_note;
  auto chain = play_probe(
      r, 1, [&chain_plan, &past_note](Conversation& c, Probe& p) { return fs4_chain(c, p, chain_plan, past_note); });
  if (auto* o = std::get_if<CheckOutcome>(&chain)) {
    side.stop = std::move(*o);
    return side;
  }
  side.chain = std::move(std::get<Probe>(chain));
  side.past_note = past_note.empty() ? "the jump past the declared max_skip (" + std::to_string(tb.max_skip) +
                                           ") was not probed: more than twice the baseline's"
                                     : past_note;
  const EpochPlan epoch_plan = side.epoch_plan;
  auto epochs = play_probe(r, 2, [&epoch_plan](Conversation& c, Probe& p) { return fs4_epochs(c, p, epoch_plan); });
  if (auto* o = std::get_if<CheckOutcome>(&epochs)) {
    side.stop = std::move(*o);
    return side;
  }
  side.epochs = std::move(std::get<Probe>(epochs));
  return side;
}

CheckOutcome judge_fs4(RetentionSide& mine, RetentionSide* base) {
  if (mine.stop) return *mine.stop;
  const Bounds& bb = mine.baseline;
  const Probe& chain = mine.chain;
  const Probe& epochs = mine.epochs;
  const EpochPlan& ep = mine.epoch_plan;
  const uint64_t chain_bound = std::min<uint64_t>(static_cast<uint64_t>(chain.tried), bb.max_skipped_keys);
  CheckOutcome o = CheckOutcome::pass("");
  const auto n = [](const Probe& p) { return static_cast<double>(p.read.size()); };
  const auto theirs = [&](const Probe RetentionSide::*probe) -> std::optional<double> {
    if (base == nullptr) return std::nullopt;
    return n(base->*probe);
  };
  o.figures.push_back({"undelivered messages of one chain a clone reads (of " + std::to_string(chain.tried) + ")",
                       n(chain), theirs(&RetentionSide::chain), "messages"});
  o.figures.push_back({"undelivered messages of " + std::to_string(ep.epochs) + " epochs a clone reads (of " +
                           std::to_string(epochs.tried) + ")",
                       n(epochs), theirs(&RetentionSide::epochs), "messages"});
  o.observations.push_back("target's declared limits: " + mine.target_limits + "; " + mine.target.describe());
  o.observations.push_back("baseline bounds: " + std::to_string(bb.max_skipped_keys) + " skipped keys per chain, " +
                           std::to_string(bb.max_receiver_chains) + " receiver chains");
  o.observations.push_back("one chain: jumps of " + std::to_string(mine.chain_plan.step) +
                           " (within the declared max_skip) leave " + std::to_string(mine.chain_plan.total) +
                           " undelivered; allowed " + std::to_string(chain_bound) + "; " + mine.past_note);
  o.observations.push_back("epochs: " + std::to_string(ep.epochs) + " epochs of " + std::to_string(ep.per_epoch) +
                           " undelivered (each a jump within the declared max_skip); allowed " +
                           std::to_string(ep.allowance) + " = the larger of one chain's " +
                           std::to_string(bb.max_skipped_keys) + " and " + std::to_string(bb.max_receiver_chains) +
                           " epochs' worth, so a target is not presumed to ratchet");
  if (mine.target.borrowed.empty() && !mine.target.is_unbounded("max_skipped_keys") &&
      chain.read.size() > mine.target.max_skipped_keys) {
    o.observations.push_back("the target's clone read " + std::to_string(chain.read.size()) +
                             " undelivered messages of one chain, more than its declared max_skipped_keys (" +
                             std::to_string(mine.target.max_skipped_keys) + ")");
  }
  std::vector<std::string> over;
  if (chain.read.size() > chain_bound) {
    over.push_back("one chain: " + std::to_string(chain.read.size()) + " > " + std::to_string(chain_bound));
    o.counterexample = chain.story;
  }
  if (epochs.read.size() > ep.allowance) {
    over.push_back(std::to_string(ep.epochs) + " epochs: " + std::to_string(epochs.read.size()) + " > " +
                   std::to_string(ep.allowance));
    if (o.counterexample.empty()) o.counterexample = epochs.story;
  }
  const auto count = [](const RetentionSide* s, const Probe RetentionSide::*probe) {
    return s == nullptr ? std::string("-") : std::to_string((s->*probe).read.size());
  };
  const std::string counts = "one chain " + std::to_string(chain.read.size()) + " vs " +
                             count(base, &RetentionSide::chain) + ", " + std::to_string(ep.epochs) + " epochs " +
                             std::to_string(epochs.read.size()) + " vs " + count(base, &RetentionSide::epochs);
  if (!over.empty()) {
    o.verdict = Verdict::fail;
    std::string list;
    for (const std::string& s : over) list += (list.empty() ? "" : "; ") + s;
    o.summary = "a clone reads more undelivered messages than the baseline's bounds allow (" + list +
                "); target vs baseline: " + counts;
    return o;
  }
  o.summary =
      "a clone reads no more undelivered messages than the baseline's bounds allow; target vs baseline: " + counts;
  return o;
}

}  // namespace

void register_fs_checks(harness::Registry& registry) {
  const std::vector<Capability> needs = {Capability::export_state, Capability::import_state};
  add_check(registry,
            CheckSpec<ProbeSide>{
                .id = "FS-1.delivered",
                .requirement = "FS-1",
                .description =
                    "a clone made after delivery reads none of the delivered messages, skipped and late ones included",
                .needs = needs,
                .scenario = [](Run& r) { return probe_side(r, 1, fs1_scenario); },
                .judge = judge_fs1,
            });
  add_check(registry, CheckSpec<ProbeSide>{
                          .id = "FS-2.sender-clone",
                          .requirement = "FS-2",
                          .description = "(limited) a later clone of the sender cannot read its own sent messages "
                                         "handed to it as the peer's",
                          .needs = needs,
                          .scenario = [](Run& r) { return probe_side(r, 2, fs2_scenario); },
                          .judge = judge_fs2,
                      });
  add_check(registry, CheckSpec<Fs3Side>{
                          .id = "FS-3.schedules",
                          .requirement = "FS-3",
                          .description = "under random schedules no later clone reads a delivered message of any epoch",
                          .needs = needs,
                          .scenario = fs3_schedules,
                          .judge = judge_fs3,
                      });
  add_check(registry,
            CheckSpec<RetentionSide>{
                .id = "FS-4.retention",
                .requirement = "FS-4",
                .description = "a clone reads no more never-delivered messages than the baseline's bounds allow",
                .needs = needs,
                .scenario = fs4_retention,
                .judge = judge_fs4,
            });
}

}  // namespace parity::suites
