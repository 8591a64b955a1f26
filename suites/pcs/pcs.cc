#include "suites/pcs/pcs.h"

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <variant>

#include "suites/common/attacker.h"
#include "suites/common/check_spec.h"
#include "suites/common/conversation.h"
#include "suites/common/property.h"
#include "suites/common/schedule.h"

namespace parity::suites {

namespace {

using harness::Unit;
using harness::Verdict;

// kRounds is how long the conversation goes on after t, in round trips: long enough
// for a healing one or two round trips late to be seen, and to see it last.
constexpr int kRounds = 6;
const char* const kNever = "round trips (empty: never healed within 6)";

// Phase is the moment of the compromise (requirements.md, PCS-1).
enum class Phase { after_send, after_receive };

std::string phase_name(Phase p) {
  return p == Phase::after_send ? "phase A (right after the victim sent)"
                                : "phase B (after it received a new ratchet key, before it answered)";
}
std::string phase_short(Phase p) {
  return p == Phase::after_send ? "phase A" : "phase B";
}
std::string role_name(int victim) {
  return victim == 1 ? "responder" : "initiator";
}

// Healing is one conversation after a compromise, as the attacker saw it.
struct Healing {
  // reads: for each message to the victim after t, its round trip and whether the
  // clone (fed every such message) read it.
  std::vector<std::pair<int, bool>> reads;
  // forgeries: for each round trip, whether a message forged by the clone as the victim
  // was accepted by (a copy of) the peer.
  std::vector<std::pair<int, bool>> forgeries;

  // latency is the round trip of the first message to the victim after which the clone
  // reads none; nullopt when it still reads the last one (never healed).
  std::optional<int> latency() const {
    if (reads.empty() || reads.back().second) return std::nullopt;
    size_t i = reads.size();
    while (i > 0 && !reads[i - 1].second) --i;
    return reads[i].first;
  }
  // forgery_window is the last round trip at which a forgery was accepted (0: none).
  int forgery_window() const {
    int last = 0;
    for (const auto& [rt, ok] : forgeries) {
      if (ok) last = rt;
    }
    return last;
  }
  // read_series is, for round trips k = 1, 2, ..., how many of the peer's messages the
  // clone has read up to round trip k (round trip 0 included): flat once healed, rising
  // for as long as the clone keeps reading.
  std::vector<double> read_series() const {
    std::vector<double> v;
    double total = 0;
    for (const auto& [rt, ok] : reads) {
      total += ok ? 1 : 0;
      if (rt >= 1) v.push_back(total);
    }
    return v;
  }
  std::string reads_line() const {
    std::string s;
    for (const auto& [rt, ok] : reads)
      s += (s.empty() ? "" : " ") + std::string("rt") + std::to_string(rt) + (ok ? ":read" : ":locked");
    return s;
  }
};

// forge asks the clone to encrypt as the victim and gives the result to a copy of the
// peer, so the real conversation is untouched. It tells whether the copy accepted it.
Op<bool> forge(Conversation& c, int victim, const std::string& clone, int round) {
  Target& t = c.target();
  const std::string suffix = std::to_string(round);
  const std::string forger = clone + ".f" + suffix;
  const std::string probe = c.peer_of(victim) + "~p" + suffix;
  PARITY_PASS(Bytes cs, t.export_state(clone));
  PARITY_PASS([[maybe_unused]] Unit a, t.import_state(forger, cs));
  PARITY_PASS(Bytes ps, t.export_state(c.peer_of(victim)));
  PARITY_PASS([[maybe_unused]] Unit b, t.import_state(probe, ps));
  const Bytes forged = to_bytes("forged by the attacker in round trip " + suffix);
  auto ct = t.encrypt(forger, c.peer_of(victim), forged);
  if (ct.violated()) return ct.violation();
  if (ct.refused()) {
    c.note("rt" + suffix + ": the clone cannot even encrypt to " + c.peer_of(victim));
    return false;
  }
  auto p = t.decrypt(probe, c.name(victim), ct->ciphertext, ct->kind);
  if (p.violated()) return p.violation();
  const bool accepted = p.ok() && *p == forged;
  c.note("rt" + suffix + ": a message forged by the clone as " + c.name(victim) + " is " +
         (accepted ? "accepted" : "refused") + " by " + c.peer_of(victim));
  return accepted;
}

// measure_healing plays a ping-pong conversation, compromises `victim` in `phase` after
// `alignment` extra round trips (so a flaw that depends on the parity of ratchet steps
// shows in one of the two alignments), keeps the clone in step by feeding it every
// message addressed to the victim, and records what it reads for kRounds round trips.
// Round trip k after t is the victim's k-th message after t and the peer's answer to
// it; in phase A the peer's answer to the message sent right before t is round trip 0.
Op<Healing> measure_healing(Conversation& c, int victim, Phase phase, int alignment, bool probe_forgery) {
  Healing h;
  const int peer = 1 - victim;
  PARITY_PASS([[maybe_unused]] Unit e, c.establish());
  for (int i = 0; i < alignment; ++i) {
    PARITY_PASS([[maybe_unused]] Unit r, c.round_trip(0));
  }
  // After establish and whole round trips the initiator (0) just received.
  if (victim == 1) {
    PARITY_PASS(Sent m, c.send(0));
    PARITY_PASS([[maybe_unused]] Bytes p, c.deliver(m));
  }
  std::optional<Sent> before_t;
  if (phase == Phase::after_send) {
    PARITY_PASS(Sent m, c.send(victim));
    before_t = std::move(m);
  }
  const std::string clone = c.name(victim) + "~1";
  c.note("t: " + phase_name(phase));
  PARITY_PASS([[maybe_unused]] Unit cl, c.clone(victim, clone));

  int rt = 0;
  // peer_turn: the peer answers; the attacker feeds the answer to its clone, then it
  // reaches the victim.
  auto peer_turn = [&]() -> Op<Unit> {
    PARITY_PASS(Sent x, c.send(peer));
    PARITY_PASS(bool read, read_by(c, x, clone));
    h.reads.emplace_back(rt, read);
    PARITY_PASS([[maybe_unused]] Bytes p, c.deliver(x));
    return Unit{};
  };
  if (before_t) {
    PARITY_PASS([[maybe_unused]] Bytes p, c.deliver(*before_t));
    PARITY_PASS([[maybe_unused]] Unit u, peer_turn());
  }
  for (rt = 1; rt <= kRounds; ++rt) {
    if (probe_forgery) {
      PARITY_PASS(bool accepted, forge(c, victim, clone, rt));
      h.forgeries.emplace_back(rt, accepted);
    }
    PARITY_PASS(Sent v, c.send(victim));
    PARITY_PASS([[maybe_unused]] Bytes p, c.deliver(v));
    PARITY_PASS([[maybe_unused]] Unit u, peer_turn());
  }
  return h;
}

// Measured is one scenario on one process, with its story for counterexamples.
struct Measured {
  Healing h;
  std::string story;
};

// run_healing plays measure_healing on a fresh process; a failure ends the side with
// the conversation so far as its counterexample.
std::variant<Measured, CheckOutcome> run_healing(Run& r, int scenario, int victim, Phase phase, int alignment,
                                                 bool probe_forgery) {
  auto reset = fresh_world(r.target, r.seed(), scenario);
  if (reset.violated()) return CheckOutcome::error(reset.violation());
  if (reset.refused()) return CheckOutcome::unexpected_refusal("reset of the " + side_label(r), reset.refusal());
  Conversation c(r.target);
  auto h = measure_healing(c, victim, phase, alignment, probe_forgery);
  if (h.ok()) return Measured{std::move(h.value()), c.story(60)};
  CheckOutcome o = h.violated() ? CheckOutcome::error(h.violation())
                                : CheckOutcome::unexpected_refusal(
                                      "a step of the " + side_label(r) + "'s conversation (" + phase_short(phase) + ")",
                                      h.refusal());
  o.counterexample = c.story();
  return o;
}

// HealingSide is a series of healing measurements on one process, in the order played.
struct HealingSide {
  std::optional<CheckOutcome> stop;
  std::vector<Measured> runs;
  std::string commit_policy;  // hello's: healing is measured under it (ptp-1.md)
};

// play_healings plays measure_healing for each (victim, phase, alignment) of `plan`,
// scenario numbers counting up from `first_scenario`.
struct Planned {
  int victim;
  Phase phase;
  int alignment;
};
HealingSide play_healings(Run& r, int first_scenario, const std::vector<Planned>& plan, bool probe_forgery) {
  HealingSide side;
  side.commit_policy = r.target.hello().commit_policy;
  int scenario = first_scenario;
  for (const Planned& p : plan) {
    auto m = run_healing(r, ++scenario, p.victim, p.phase, p.alignment, probe_forgery);
    if (auto* o = std::get_if<CheckOutcome>(&m)) {
      side.stop = std::move(*o);
      return side;
    }
    side.runs.push_back(std::move(std::get<Measured>(m)));
  }
  return side;
}

std::string show_latency(std::optional<int> l) {
  return l ? std::to_string(*l) : "never";
}
std::optional<double> figure_of(std::optional<int> l) {
  if (!l) return std::nullopt;
  return static_cast<double>(*l);
}
// worse is the slower of two latencies (never is the slowest).
std::optional<int> worse(std::optional<int> a, std::optional<int> b) {
  if (!a || !b) return std::nullopt;
  return std::max(*a, *b);
}
// later tells whether latency a is later than b.
bool later(std::optional<int> a, std::optional<int> b) {
  if (!b) return false;
  if (!a) return true;
  return *a > *b;
}

constexpr Phase kPhases[] = {Phase::after_send, Phase::after_receive};

// healing_plan is PCS-1 (victim 1, the responder) or PCS-2 (victim 0, the initiator):
// each phase in two alignments.
std::vector<Planned> healing_plan(int victim) {
  std::vector<Planned> plan;
  for (Phase phase : kPhases) {
    for (int alignment : {0, 1}) plan.push_back({victim, phase, alignment});
  }
  return plan;
}

// judge_healing compares the target's healing latency with the baseline's, phase by
// phase (the slower alignment of each). Judged against itself, a baseline that never
// heals is an error: the measurement is broken.
CheckOutcome judge_healing(HealingSide& mine, HealingSide* base, int victim) {
  if (mine.stop) return *mine.stop;
  CheckOutcome out = CheckOutcome::pass("");
  std::vector<std::string> failed;
  std::string baseline_fault;
  std::string per_phase;
  const std::vector<Planned> plan = healing_plan(victim);
  for (Phase phase : kPhases) {
    std::optional<int> worst[2] = {0, 0};
    std::string worst_story;
    // The chart shows the alignment where the target heals latest (the first on a tie).
    harness::Series chart{phase_short(phase) + ": peer messages the attacker's clone has read",
                          "messages",
                          "round trip after compromise",
                          {},
                          {}};
    std::optional<int> charted;
    for (size_t i = 0; i < plan.size(); ++i) {
      if (plan[i].phase != phase) continue;
      const Measured& m = mine.runs[i];
      const Measured* b = base ? &base->runs[i] : nullptr;
      std::optional<int> lat[2] = {m.h.latency(), b ? b->h.latency() : std::nullopt};
      worst[0] = worse(worst[0], lat[0]);
      worst[1] = worse(worst[1], lat[1]);
      if (plan[i].alignment == 0 || later(lat[0], charted)) {
        charted = lat[0];
        chart.target = m.h.read_series();
        chart.baseline = b ? b->h.read_series() : std::vector<double>{};
      }
      out.observations.push_back(phase_short(phase) + ", alignment " + std::to_string(plan[i].alignment) +
                                 ": target heals after " + show_latency(lat[0]) + " (" + m.h.reads_line() +
                                 "), baseline after " + show_latency(lat[1]) + " (" +
                                 (b ? b->h.reads_line() : std::string()) + ")");
      if (later(lat[0], lat[1]) && worst_story.empty()) worst_story = m.story;
    }
    out.figures.push_back({phase_short(phase) + ": healing latency", figure_of(worst[0]), figure_of(worst[1]), kNever});
    out.series.push_back(std::move(chart));
    if (!worst[1]) baseline_fault = phase_short(phase);
    per_phase += (per_phase.empty() ? "" : ", ") + phase_short(phase) + " " + show_latency(worst[0]) + " vs " +
                 show_latency(worst[1]);
    if (later(worst[0], worst[1])) {
      failed.push_back(phase_short(phase) + " (target " + show_latency(worst[0]) + ", baseline " +
                       show_latency(worst[1]) + ")");
      if (out.counterexample.empty()) out.counterexample = worst_story;
    }
  }
  const std::string who = "after a compromise of the " + role_name(victim);
  if (!baseline_fault.empty()) {
    out.verdict = Verdict::error;
    out.summary = "the baseline never healed in " + baseline_fault + ": the measurement is broken, not the target";
    return out;
  }
  // A protocol that heals only when it commits is measured under the rule it states; the
  // rule is what a failure here is about, so the evidence names it.
  if (!mine.commit_policy.empty())
    out.observations.insert(out.observations.begin(), "measured under the target's commit policy (hello): " +
                                                          mine.commit_policy);
  if (!failed.empty()) {
    out.verdict = Verdict::fail;
    std::string list;
    for (const std::string& f : failed) list += (list.empty() ? "" : "; ") + f;
    out.summary = who + " the target heals later than Signal: " + list + " round trips";
    if (!mine.commit_policy.empty()) out.summary += ", under its commit policy \"" + mine.commit_policy + "\"";
    return out;
  }
  out.summary =
      who + " the target heals no later than Signal in either phase (round trips, target vs baseline: " + per_phase +
      ")";
  return out;
}

// forgery_plan is PCS-4's: each victim, each phase, alignment 0.
std::vector<Planned> forgery_plan() {
  std::vector<Planned> plan;
  for (int victim : {1, 0}) {
    for (Phase phase : kPhases) plan.push_back({victim, phase, 0});
  }
  return plan;
}

// judge_forgery shows the active attacker's window: in each round trip after t, the
// clone forges a message as the victim to a copy of the peer. INFO: never fails.
CheckOutcome judge_forgery(HealingSide& mine, HealingSide* base) {
  if (mine.stop) return *mine.stop;
  CheckOutcome out = CheckOutcome::pass("");
  std::string line;
  const std::vector<Planned> plan = forgery_plan();
  auto after_healing = [](const Healing& x) {
    int n = 0;
    auto l = x.latency();
    for (const auto& [rt, ok] : x.forgeries) {
      if (ok && (!l || rt > *l)) ++n;
    }
    return n;
  };
  auto seq = [](const Healing& x) {
    std::string s;
    for (const auto& [rt, ok] : x.forgeries)
      s += (s.empty() ? "" : " ") + std::string("rt") + std::to_string(rt) + (ok ? ":accepted" : ":refused");
    return s;
  };
  for (size_t i = 0; i < plan.size(); ++i) {
    const Healing& h = mine.runs[i].h;
    const Healing* b = base ? &base->runs[i].h : nullptr;
    auto theirs = [&](auto f) -> std::optional<double> {
      if (b == nullptr) return std::nullopt;
      return static_cast<double>(f(*b));
    };
    const std::string name = role_name(plan[i].victim) + " compromised, " + phase_short(plan[i].phase);
    out.figures.push_back({name + ": last round trip a forgery is accepted", static_cast<double>(h.forgery_window()),
                           theirs([](const Healing& x) { return x.forgery_window(); }),
                           "round trips (0: none; a lower bound)"});
    out.figures.push_back({name + ": forgeries accepted after healing", static_cast<double>(after_healing(h)),
                           theirs(after_healing), "round trips"});
    out.observations.push_back(name + ": target " + seq(h) + " (heals after " + show_latency(h.latency()) +
                               "); baseline " + (b ? seq(*b) : std::string()) + " (heals after " +
                               (b ? show_latency(b->latency()) : std::string()) + ")");
    line += (line.empty() ? "" : ", ") + name + " " + std::to_string(h.forgery_window()) + " vs " +
            (b ? std::to_string(b->forgery_window()) : std::string("-"));
  }
  out.summary = "forgery window in round trips after t, target vs baseline: " + line +
                " (a lower bound: the clone forges only through the target's own encrypt)";
  // Why a lower bound: an attacker holding the state can also build messages the
  // adapter's encrypt never would (another counter, an old chain); those are not tried.
  out.observations.insert(out.observations.begin(),
                          "The window is a lower bound: the clone forges only by calling the target's own encrypt "
                          "with the stolen state. An attacker with that state may also craft messages the target's "
                          "encrypt would not produce (other counters or chains); those are not tried here.");
  return out;
}

// --- PCS-3: healing under loss, delay and reordering (rc::state) --------------------

// Pcs3Stats add up what every case measured on one process, for the figures.
struct Pcs3Stats {
  int cases = 0;
  int locked = 0;
  int read_locked = 0;
};

// Pcs3Sut plays each command on one process, with Signal's turn structure tracked from
// what was actually delivered: a party enters a new epoch (a new ratchet key) when it
// receives a message of a peer epoch newer than any it had received; base[p][k] is the
// peer epoch party p had received when it entered epoch k. A message the peer sends in
// an epoch based on a victim epoch entered after t follows a round trip completed after
// t among the delivered messages: the clone must not read it.
struct Pcs3Sut {
  PropertyRun* run = nullptr;
  std::string label;  // "target" or "baseline"
  std::unique_ptr<Conversation> c;
  std::vector<Sent> sent;
  std::vector<int> epoch;  // sender's epoch when it sent message n
  std::vector<bool> delivered;
  std::vector<bool> delivered_before_t;
  std::vector<std::optional<bool>> read;  // whether the clone read message n
  int e[2] = {1, 0};                      // the initiator starts with a ratchet key, the responder with its prekey
  int seen[2] = {0, 0};
  std::map<int, int> base[2] = {{{1, 0}}, {}};
  std::optional<int> victim;
  int e_t = 0;
  std::string clone;

  bool locked(size_t n) const {
    if (!victim || sent[n].from == *victim) return false;
    const int p = sent[n].from;
    auto it = base[p].find(epoch[n]);
    return it != base[p].end() && it->second > e_t;
  }

  int send(int party) {
    Sent m = require(*run, c->send(party), label + ": " + std::string(schedule::party_name(party)) + " encrypting");
    const int n = static_cast<int>(sent.size());
    sent.push_back(std::move(m));
    epoch.push_back(e[party]);
    delivered.push_back(false);
    delivered_before_t.push_back(false);
    read.emplace_back();
    if (victim && party != *victim) feed_one(static_cast<size_t>(n));  // the attacker sees it at once
    return n;
  }
  void send(const schedule::Model&, int n, int party) {
    int got = send(party);
    check_that(*run, got == n, "schedule and conversation disagree on message numbers");
  }
  void deliver(int n) {
    const Sent& m = sent[static_cast<size_t>(n)];
    auto p = c->deliver(m);
    if (p.violated()) (void)require(*run, std::move(p), "delivery");
    if (!p.ok() || *p != m.plaintext) return;  // refused: not delivered (ORD judges that)
    delivered[static_cast<size_t>(n)] = true;
    const int to = 1 - m.from;
    const int ep = epoch[static_cast<size_t>(n)];
    if (ep > seen[to]) {
      seen[to] = ep;
      base[to][++e[to]] = ep;
    }
  }
  void deliver(const schedule::Model&, int n) { deliver(n); }
  void delay(const schedule::Model&, int n) { c->note("#" + std::to_string(n) + " is delayed"); }
  void drop(const schedule::Model&, int n) { c->note("#" + std::to_string(n) + " is dropped"); }
  void compromise(int party) {
    victim = party;
    e_t = e[party];
    clone = c->name(party) + "~1";
    delivered_before_t = delivered;
    (void)require(*run, c->clone(party, clone), label + ": export and import of " + c->name(party));
  }
  void compromise(const schedule::Model&, int party) { compromise(party); }
  void feed_one(size_t n) {
    if (!victim || sent[n].from == *victim || delivered_before_t[n] || read[n]) return;
    read[n] = require(*run, read_by(*c, sent[n], clone), "feeding the clone");
  }
  void feed(const schedule::Model&, int n) { feed_one(static_cast<size_t>(n)); }

  // finish completes the conversation in order, so healing is due, then feeds the clone
  // whatever it was not given, and judges.
  void finish(int victim_if_none, Pcs3Stats& stats) {
    if (!victim) compromise(victim_if_none);
    const int v = *victim;
    for (int i = 0; i < 3; ++i) {
      for (int party : {1 - v, v}) deliver(send(party));
    }
    (void)send(1 - v);
    for (size_t n = 0; n < sent.size(); ++n) feed_one(n);
    for (size_t n = 0; n < sent.size(); ++n) {
      if (!locked(n)) continue;
      stats.locked++;
      if (read[n] && *read[n]) stats.read_locked++;
    }
    stats.cases++;
    for (size_t n = 0; n < sent.size(); ++n) {
      if (!locked(n) || !read[n] || !*read[n]) continue;
      const std::string what =
          label == "target" ? "the target's clone" : "the baseline's clone (a fault of the suite's model)";
      check_that(*run, false,
                 what + " of " + c->name(v) + " read #" + std::to_string(n) + ", sent by " + c->peer_of(v) +
                     " after a round trip completed among the delivered messages after t\n" + c->story(45));
    }
  }
};

using Pcs3Side = schedule::PropertySide<Pcs3Stats>;

// pcs3_schedules plays the property on one process with the check's seed. PCS-3 used to
// drive target and baseline in lockstep; RapidCheck's generation depends only on the
// seed and the model (never on what a process answers), so each process now gets the
// same schedules on its own, and BaselineUse::compare's policy applies: a baseline whose
// clone reads a message due to be locked out makes the check error (before, it failed
// the property), as any baseline fault does.
Pcs3Side pcs3_schedules(Run& r) {
  Pcs3Side side;
  PropertyRun run;
  run.targets = {&r.target};
  int scenario = 1000;
  auto property = [&] {
    Pcs3Sut sut;
    sut.run = &run;
    sut.label = side_label(r);
    ++scenario;
    const schedule::Model m0 = schedule::start(run, r.target, r.seed(), scenario, sut.label, sut, 1);
    (void)schedule::play(m0, sut, schedule::attacker_commands<Pcs3Sut>(true));
    sut.finish(*rc::gen::inRange(0, 2), side.stats);
  };
  side.outcome = run_property(r, run, "healing at the first round trip completed among the delivered messages",
                              property, PropertyOptions{50, 40});
  return side;
}

CheckOutcome judge_pcs3(Pcs3Side& mine, Pcs3Side* base) {
  if (mine.stop) return *mine.stop;
  CheckOutcome o = mine.outcome;
  o.figures.push_back(schedule::stat_figure("random schedules played", mine, base, &Pcs3Stats::cases, "cases"));
  o.figures.push_back(
      schedule::stat_figure("messages to the victim due to be locked out", mine, base, &Pcs3Stats::locked, "messages"));
  o.figures.push_back(
      schedule::stat_figure("of those, read by the clone", mine, base, &Pcs3Stats::read_locked, "messages"));
  o.observations.push_back(
      "the schedules drop, delay and reorder messages; the clone is fed every message addressed to "
      "the victim that the victim had not received at t; a refused delivery counts as not delivered");
  return o;
}

}  // namespace

void register_pcs_checks(harness::Registry& registry) {
  const std::vector<Capability> needs = {Capability::export_state, Capability::import_state};
  add_check(registry, CheckSpec<HealingSide>{
                          .id = "PCS-1.healing",
                          .requirement = "PCS-1",
                          .description = "healing latency after a compromise of the responder, phase by phase, against "
                                         "the baseline's",
                          .needs = needs,
                          .scenario = [](Run& r) { return play_healings(r, 0, healing_plan(1), false); },
                          .judge = [](HealingSide& mine, HealingSide* base) { return judge_healing(mine, base, 1); },
                      });
  add_check(registry, CheckSpec<HealingSide>{
                          .id = "PCS-2.healing",
                          .requirement = "PCS-2",
                          .description = "healing latency after a compromise of the initiator, phase by phase, against "
                                         "the baseline's",
                          .needs = needs,
                          .scenario = [](Run& r) { return play_healings(r, 0, healing_plan(0), false); },
                          .judge = [](HealingSide& mine, HealingSide* base) { return judge_healing(mine, base, 0); },
                      });
  add_check(registry, CheckSpec<Pcs3Side>{
                          .id = "PCS-3.schedules",
                          .requirement = "PCS-3",
                          .description = "under random loss, delay and reordering the clone is locked out at the first "
                                         "completed round trip",
                          .needs = needs,
                          .scenario = pcs3_schedules,
                          .judge = judge_pcs3,
                      });
  add_check(registry, CheckSpec<HealingSide>{
                          .id = "PCS-4.forgery",
                          .requirement = "PCS-4",
                          .description = "how long a message forged with the clone's state is accepted",
                          .needs = needs,
                          .scenario = [](Run& r) { return play_healings(r, 100, forgery_plan(), true); },
                          .judge = judge_forgery,
                      });
}

}  // namespace parity::suites
