#include "suites/fs/fs.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "suites/common/attacker.h"
#include "suites/common/conversation.h"
#include "suites/common/property.h"
#include "suites/common/schedule.h"

namespace parity::suites {

namespace {

using harness::CheckDef;
using harness::Unit;
using harness::Verdict;

// Baseline bounds of requirements.md (libsignal-protocol-c 2.3.3).
constexpr uint64_t kBaselineSkippedPerChain = 2000;
constexpr int kBaselineChains = 5;

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

// run_world plays `scenario` (a function of a fresh Conversation) on the target (world
// 0) or the baseline (world 1). A failing step ends the check with the story so far.
template <class F>
std::variant<Probe, CheckOutcome> run_world(CheckContext& ctx, int world, int scenario, F&& play) {
  Target& t = world == 0 ? ctx.target : *ctx.baseline;
  auto r = fresh_world(t, ctx.seed, scenario);
  if (r.violated()) return CheckOutcome::error(r.violation());
  if (r.refused()) return CheckOutcome::unexpected_refusal("reset of the " + label_of(world), r.refusal());
  Conversation c(t);
  Probe p;
  auto done = play(c, p);
  if (done.ok()) {
    p.story = c.story(60);
    return p;
  }
  CheckOutcome o = done.violated() ? CheckOutcome::error(done.violation())
                                   : CheckOutcome::unexpected_refusal(
                                         "a step of the " + label_of(world) + "'s scenario", done.refusal());
  o.counterexample = c.story();
  return o;
}

// both runs a scenario on target and baseline; on failure `out_` holds the outcome.
template <class F>
bool both(CheckContext& ctx, int scenario, F&& play, Probe (&probes_)[2], std::optional<CheckOutcome>& out_) {
  for (int w : {0, 1}) {
    auto got = run_world(ctx, w, scenario, play);
    if (auto* o = std::get_if<CheckOutcome>(&got)) {
      out_ = *o;
      return false;
    }
    probes_[w] = std::get<Probe>(got);
  }
  return true;
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

CheckOutcome fs1_delivered(CheckContext& ctx) {
  Probe p[2];
  std::optional<CheckOutcome> early;
  if (!both(ctx, 1, fs1_scenario, p, early)) return *early;
  CheckOutcome o = CheckOutcome::pass("");
  o.figures.push_back({"delivered messages a later clone reads", static_cast<double>(p[0].read.size()),
                       static_cast<double>(p[1].read.size()), "messages"});
  o.observations.push_back(
      "each clone tried the " + std::to_string(p[0].tried) +
      " messages its original had decrypted (in order, out of order, and late across a ratchet step)");
  o.observations.push_back("target's clones read: " + p[0].read_list() +
                           "; baseline's clones read: " + p[1].read_list());
  if (!p[0].read.empty()) {
    o.verdict = Verdict::fail;
    o.summary = "a clone made after delivery reads " + std::to_string(p[0].read.size()) + " of " +
                std::to_string(p[0].tried) + " messages its original had already decrypted (" + p[0].read_list() + ")";
    o.counterexample = p[0].story;
    return o;
  }
  o.summary = "no clone made after delivery reads any of the " + std::to_string(p[0].tried) + " delivered messages";
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

CheckOutcome fs2_sender(CheckContext& ctx) {
  Probe p[2];
  std::optional<CheckOutcome> early;
  if (!both(ctx, 2, fs2_scenario, p, early)) return *early;
  CheckOutcome o = CheckOutcome::pass("");
  o.figures.push_back({"own sent messages a later clone of the sender reads", static_cast<double>(p[0].read.size()),
                       static_cast<double>(p[1].read.size()), "messages"});
  o.observations.push_back(
      "limited check: black-box, a clone of the sender is handed its own sent messages as if "
      "they came from the peer; the export scan for message, chain and root keys (profile "
      "signal with inject) is not implemented");
  if (!p[0].read.empty()) {
    o.verdict = Verdict::fail;
    o.summary = "(limited) a later clone of the sender reads its own sent messages " + p[0].read_list();
    o.counterexample = p[0].story;
    return o;
  }
  o.summary = "(limited) no later clone of a sender reads any of its " + std::to_string(p[0].tried) +
              " sent messages handed to it as if from the peer";
  return o;
}

// --- FS-3 (rc::state) --------------------------------------------------------------

// Fs3World is one process playing a schedule; clones are probed when made.
struct Fs3World {
  Target* t = nullptr;
  int index = 0;
  std::unique_ptr<Conversation> c;
  std::vector<Sent> sent;
  std::vector<bool> delivered;
  int clones = 0;
};

// Fs3Stats add up every case, for the figures.
struct Fs3Stats {
  int cases = 0;
  int tried[2] = {0, 0};
  int read_delivered[2] = {0, 0};
  int read_undelivered[2] = {0, 0};
  int clones_with_skipped[2] = {0, 0};  // clones that could read an undelivered message
};

// Fs3Sut plays each command on the target and the baseline.
struct Fs3Sut {
  PropertyRun* run = nullptr;
  Fs3Stats* stats = nullptr;
  Fs3World worlds[2];

  int send(int party) {
    int n = -1;
    for (Fs3World& w : worlds) {
      Sent m = require(*run, w.c->send(party),
                       label_of(w.index) + ": " + std::string(schedule::party_name(party)) + " encrypting");
      n = static_cast<int>(w.sent.size());
      w.sent.push_back(std::move(m));
      w.delivered.push_back(false);
    }
    return n;
  }
  void send(int n, int party) { check_that(*run, send(party) == n, "schedule and worlds disagree on message numbers"); }
  void deliver(int n) {
    for (Fs3World& w : worlds) {
      const Sent& m = w.sent[static_cast<size_t>(n)];
      auto p = w.c->deliver(m);
      if (p.violated()) (void)require(*run, std::move(p), "delivery");
      // A refused delivery is not a delivery (ORD judges it).
      w.delivered[static_cast<size_t>(n)] = p.ok() && *p == m.plaintext;
    }
  }
  void delay(int n) {
    for (Fs3World& w : worlds) w.c->note("#" + std::to_string(n) + " is delayed");
  }
  void drop(int n) {
    for (Fs3World& w : worlds) w.c->note("#" + std::to_string(n) + " is dropped");
  }
  void feed(int) {}
  // compromise clones the victim and tries every message ever addressed to it: the
  // delivered ones must stay unreadable; undelivered ones are retention (FS-4).
  void compromise(int victim) {
    for (Fs3World& w : worlds) {
      const std::string clone = w.c->name(victim) + "~" + std::to_string(++w.clones);
      (void)require(*run, w.c->clone(victim, clone), label_of(w.index) + ": export and import of " + w.c->name(victim));
      bool skipped = false;
      for (size_t n = 0; n < w.sent.size(); ++n) {
        if (w.sent[n].from == victim) continue;
        const bool read = require(*run, read_by(*w.c, w.sent[n], clone), "probing the clone");
        stats->tried[w.index]++;
        if (!w.delivered[n]) {
          if (read) {
            stats->read_undelivered[w.index]++;
            skipped = true;
          }
          continue;
        }
        if (!read) continue;
        stats->read_delivered[w.index]++;
        const std::string who = w.index == 0 ? "the target's" : "the baseline's";
        check_that(*run, false,
                   who + " clone " + clone + " reads #" + std::to_string(n) + ", which " + w.c->name(victim) +
                       " had already decrypted\n" + w.c->story(45));
      }
      if (skipped) stats->clones_with_skipped[w.index]++;
    }
  }
};

CheckOutcome fs3_schedules(CheckContext& ctx) {
  PropertyRun run;
  run.targets = {&ctx.target, ctx.baseline};
  Fs3Stats stats;
  int scenario = 1000;
  auto property = [&] {
    Fs3Sut sut;
    sut.stats = &stats;
    ++scenario;
    const schedule::Model m0 = schedule::start_both(run, ctx, sut, scenario, 3);
    rc::state::check(m0, sut, schedule::commands<Fs3Sut>(false));
    // Whatever happened, both parties are compromised at the end.
    sut.compromise(1);
    sut.compromise(0);
    stats.cases++;
  };
  CheckOutcome o = run_property(ctx, run, "no later clone reads a delivered message of any epoch", property,
                                PropertyOptions{50, 40});
  o.figures.push_back(
      {"random schedules played", static_cast<double>(stats.cases), static_cast<double>(stats.cases), "cases"});
  o.figures.push_back({"messages tried on later clones", static_cast<double>(stats.tried[0]),
                       static_cast<double>(stats.tried[1]), "messages"});
  o.figures.push_back({"delivered messages a later clone reads", static_cast<double>(stats.read_delivered[0]),
                       static_cast<double>(stats.read_delivered[1]), "messages"});
  o.figures.push_back({"clones holding skipped keys (read an undelivered message)",
                       static_cast<double>(stats.clones_with_skipped[0]),
                       static_cast<double>(stats.clones_with_skipped[1]), "clones"});
  o.observations.push_back(
      "random schedules of sends, deliveries, delays and drops across ratchet epochs; clones are "
      "made during the schedule and of both parties at its end; undelivered messages a clone reads "
      "are retention, judged by FS-4");
  return o;
}

// --- FS-4 ----------------------------------------------------------------------------

// chain_jump is how many messages of one chain the FS-4 scenario skips at once: the
// baseline's bound, or the target's declared max_skip when it is smaller.
uint64_t chain_jump(const CheckContext& ctx) {
  uint64_t jump = kBaselineSkippedPerChain;
  if (auto s = ctx.target.hello().limit("max_skip")) jump = std::min(jump, *s);
  return std::max<uint64_t>(jump, 1);
}

constexpr int kExtra = 48;  // messages sent past the first jump: more than the baseline keeps per chain

// fs4_chain: alice sends jump+kExtra+1 messages in one chain; bob receives message
// #jump (within the declared skip) and the last one; a clone of bob then tries every
// message never delivered.
Op<Unit> fs4_chain(Conversation& c, Probe& out_, uint64_t jump) {
  PARITY_PASS([[maybe_unused]] Unit e, c.establish());
  std::vector<Sent> burst;
  const size_t total = static_cast<size_t>(jump) + kExtra + 1;
  for (size_t i = 0; i < total; ++i) {
    PARITY_PASS(Sent s, c.send(0));
    burst.push_back(std::move(s));
  }
  PARITY_PASS([[maybe_unused]] Bytes p0, c.deliver(burst[static_cast<size_t>(jump)]));
  PARITY_PASS([[maybe_unused]] Bytes p1, c.deliver(burst.back()));
  std::vector<Sent> undelivered;
  for (size_t i = 0; i + 1 < total; ++i) {
    if (i != jump) undelivered.push_back(burst[i]);
  }
  c.note("(" + std::to_string(undelivered.size()) + " messages of this chain stay undelivered)");
  PARITY_PASS([[maybe_unused]] Unit cl, c.clone(1, "bob~1"));
  return probe_clone(c, undelivered, "bob~1", out_);
}

constexpr int kEpochs = 8;
// kPerEpoch undelivered messages per epoch: 8 of them exceed the 2000 one chain may keep,
// so a target whose turns share one chain is held to the per-chain bound and one with a
// chain per turn to the 5 chains; reading more than either allows breaks both.
constexpr int kPerEpoch = static_cast<int>(kBaselineSkippedPerChain) / kEpochs + 10;
constexpr size_t kEpochBound = std::max<size_t>(kBaselineSkippedPerChain, size_t{kBaselineChains} * kPerEpoch);

// fs4_epochs: in each of 8 epochs alice sends kPerEpoch messages that are never
// delivered and one that is, and bob answers (a ratchet step each way); a clone of bob
// then tries all the undelivered ones.
Op<Unit> fs4_epochs(Conversation& c, Probe& out_) {
  PARITY_PASS([[maybe_unused]] Unit e, c.establish());
  std::vector<Sent> undelivered;
  for (int i = 0; i < kEpochs; ++i) {
    for (int k = 0; k < kPerEpoch; ++k) {
      PARITY_PASS(Sent u, c.send(0));
      undelivered.push_back(std::move(u));
    }
    c.note("(" + std::to_string(kPerEpoch) + " messages of this epoch stay undelivered)");
    PARITY_PASS([[maybe_unused]] Unit rt, c.round_trip(0));
  }
  PARITY_PASS([[maybe_unused]] Unit cl, c.clone(1, "bob~1"));
  return probe_clone(c, undelivered, "bob~1", out_);
}

CheckOutcome fs4_retention(CheckContext& ctx) {
  const uint64_t jump = chain_jump(ctx);
  Probe chain[2];
  Probe epochs[2];
  std::optional<CheckOutcome> early;
  if (!both(
          ctx, 1, [jump](Conversation& c, Probe& p) { return fs4_chain(c, p, jump); }, chain, early))
    return *early;
  if (!both(ctx, 2, fs4_epochs, epochs, early)) return *early;
  CheckOutcome o = CheckOutcome::pass("");
  const auto n = [](const Probe& p) { return static_cast<double>(p.read.size()); };
  o.figures.push_back({"undelivered messages of one chain a clone reads (of " + std::to_string(chain[0].tried) + ")",
                       n(chain[0]), n(chain[1]), "messages"});
  o.figures.push_back({"undelivered messages of " + std::to_string(kEpochs) + " epochs a clone reads (of " +
                           std::to_string(epochs[0].tried) + ")",
                       n(epochs[0]), n(epochs[1]), "messages"});
  const auto& limits = ctx.target.hello().limits;
  o.observations.push_back("target's declared limits: " + (limits.empty() ? std::string("none") : limits.dump()));
  o.observations.push_back("baseline bounds: " + std::to_string(kBaselineSkippedPerChain) +
                           " skipped keys per chain, " + std::to_string(kBaselineChains) + " receiver chains");
  o.observations.push_back("epochs: " + std::to_string(kPerEpoch) + " undelivered per epoch; allowed " +
                           std::to_string(kEpochBound) + " = the larger of one chain's " +
                           std::to_string(kBaselineSkippedPerChain) + " and " + std::to_string(kBaselineChains) +
                           " epochs' worth, so a target is not presumed to ratchet");
  std::vector<std::string> over;
  if (chain[0].read.size() > kBaselineSkippedPerChain) {
    over.push_back("one chain: " + std::to_string(chain[0].read.size()) + " > " +
                   std::to_string(kBaselineSkippedPerChain));
    o.counterexample = chain[0].story;
  }
  if (epochs[0].read.size() > kEpochBound) {
    over.push_back(std::to_string(kEpochs) + " epochs: " + std::to_string(epochs[0].read.size()) + " > " +
                   std::to_string(kEpochBound));
    if (o.counterexample.empty()) o.counterexample = epochs[0].story;
  }
  const std::string counts = "one chain " + std::to_string(chain[0].read.size()) + " vs " +
                             std::to_string(chain[1].read.size()) + ", " + std::to_string(kEpochs) + " epochs " +
                             std::to_string(epochs[0].read.size()) + " vs " + std::to_string(epochs[1].read.size());
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
  registry.add({.id = "FS-1.delivered",
                 .requirement = "FS-1",
                 .description = "a clone made after delivery reads none of the delivered messages, skipped and late ones included",
                 .needs = needs,
                 .baseline = BaselineUse::compare,
                 .run = fs1_delivered,
                 .file = __FILE__,
                 .line = __LINE__});
  registry.add({.id = "FS-2.sender-clone",
                 .requirement = "FS-2",
                 .description = "(limited) a later clone of the sender cannot read its own sent messages handed to it as the peer's",
                 .needs = needs,
                 .baseline = BaselineUse::compare,
                 .run = fs2_sender,
                 .file = __FILE__,
                 .line = __LINE__});
  registry.add({.id = "FS-3.schedules",
                 .requirement = "FS-3",
                 .description = "under random schedules no later clone reads a delivered message of any epoch",
                 .needs = needs,
                 .baseline = BaselineUse::compare,
                 .run = fs3_schedules,
                 .file = __FILE__,
                 .line = __LINE__});
  registry.add({.id = "FS-4.retention",
                 .requirement = "FS-4",
                 .description = "a clone reads no more never-delivered messages than the baseline's bounds allow",
                 .needs = needs,
                 .baseline = BaselineUse::compare,
                 .run = fs4_retention,
                 .file = __FILE__,
                 .line = __LINE__});
}

}  // namespace parity::suites
