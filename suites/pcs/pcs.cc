#include "suites/pcs/pcs.h"

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <variant>

#include "suites/common/attacker.h"
#include "suites/common/conversation.h"
#include "suites/common/property.h"
#include "suites/common/schedule.h"

namespace parity::suites {

namespace {

using harness::CheckDef;
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

// run_healing plays measure_healing on a fresh process; a failure ends the check with
// the conversation so far as its counterexample.
std::variant<Measured, CheckOutcome> run_healing(CheckContext& ctx, int world, int scenario, int victim, Phase phase,
                                                 int alignment, bool probe_forgery) {
  Target& t = world == 0 ? ctx.target : *ctx.baseline;
  auto r = fresh_world(t, ctx.seed, scenario);
  if (r.violated()) return CheckOutcome::error(r.violation());
  if (r.refused()) return CheckOutcome::unexpected_refusal("reset of the " + label_of(world), r.refusal());
  Conversation c(t);
  auto h = measure_healing(c, victim, phase, alignment, probe_forgery);
  if (h.ok()) return Measured{std::move(h.value()), c.story(60)};
  CheckOutcome o =
      h.violated()
          ? CheckOutcome::error(h.violation())
          : CheckOutcome::unexpected_refusal(
                "a step of the " + label_of(world) + "'s conversation (" + phase_short(phase) + ")", h.refusal());
  o.counterexample = c.story();
  return o;
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

// healing_check is PCS-1 (victim 1, the responder) and PCS-2 (victim 0, the initiator).
CheckOutcome healing_check(CheckContext& ctx, int victim) {
  CheckOutcome out = CheckOutcome::pass("");
  std::vector<std::string> failed;
  std::string baseline_fault;
  int scenario = 0;
  std::string per_phase;
  for (Phase phase : {Phase::after_send, Phase::after_receive}) {
    std::optional<int> worst[2] = {0, 0};
    std::string worst_story;
    // The chart shows the alignment where the target heals latest (the first on a tie).
    harness::Series chart{phase_short(phase) + ": peer messages the attacker's clone has read",
                          "messages",
                          "round trip after compromise",
                          {},
                          {}};
    std::optional<int> charted;
    for (int alignment : {0, 1}) {
      ++scenario;
      std::optional<int> lat[2];
      std::string reads[2];
      std::vector<double> series[2];
      std::string story;
      for (int world : {0, 1}) {
        auto m = run_healing(ctx, world, scenario, victim, phase, alignment, false);
        if (auto* o = std::get_if<CheckOutcome>(&m)) return *o;
        Measured& got = std::get<Measured>(m);
        lat[world] = got.h.latency();
        reads[world] = got.h.reads_line();
        series[world] = got.h.read_series();
        worst[world] = worse(worst[world], lat[world]);
        if (world == 0) story = got.story;
      }
      if (alignment == 0 || later(lat[0], charted)) {
        charted = lat[0];
        chart.target = series[0];
        chart.baseline = series[1];
      }
      out.observations.push_back(phase_short(phase) + ", alignment " + std::to_string(alignment) +
                                 ": target heals after " + show_latency(lat[0]) + " (" + reads[0] +
                                 "), baseline after " + show_latency(lat[1]) + " (" + reads[1] + ")");
      if (later(lat[0], lat[1]) && worst_story.empty()) worst_story = story;
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
  if (!failed.empty()) {
    out.verdict = Verdict::fail;
    std::string list;
    for (const std::string& f : failed) list += (list.empty() ? "" : "; ") + f;
    out.summary = who + " the target heals later than Signal: " + list + " round trips";
    return out;
  }
  out.summary =
      who + " the target heals no later than Signal in either phase (round trips, target vs baseline: " + per_phase +
      ")";
  return out;
}

CheckOutcome pcs1_responder(CheckContext& ctx) {
  return healing_check(ctx, 1);
}
CheckOutcome pcs2_initiator(CheckContext& ctx) {
  return healing_check(ctx, 0);
}

// pcs4_forgery measures the active attacker's window: in each round trip after t, the
// clone forges a message as the victim to a copy of the peer. INFO: never fails.
CheckOutcome pcs4_forgery(CheckContext& ctx) {
  CheckOutcome out = CheckOutcome::pass("");
  int scenario = 100;
  std::string line;
  for (int victim : {1, 0}) {
    for (Phase phase : {Phase::after_send, Phase::after_receive}) {
      ++scenario;
      Healing h[2];
      for (int world : {0, 1}) {
        auto m = run_healing(ctx, world, scenario, victim, phase, 0, true);
        if (auto* o = std::get_if<CheckOutcome>(&m)) return *o;
        h[world] = std::get<Measured>(m).h;
      }
      const std::string name = role_name(victim) + " compromised, " + phase_short(phase);
      out.figures.push_back({name + ": last round trip a forgery is accepted",
                             static_cast<double>(h[0].forgery_window()), static_cast<double>(h[1].forgery_window()),
                             "round trips (0: none)"});
      auto after_healing = [](const Healing& x) {
        int n = 0;
        auto l = x.latency();
        for (const auto& [rt, ok] : x.forgeries) {
          if (ok && (!l || rt > *l)) ++n;
        }
        return n;
      };
      out.figures.push_back({name + ": forgeries accepted after healing", static_cast<double>(after_healing(h[0])),
                             static_cast<double>(after_healing(h[1])), "round trips"});
      std::string seq[2];
      for (int w : {0, 1}) {
        for (const auto& [rt, ok] : h[w].forgeries)
          seq[w] +=
              (seq[w].empty() ? "" : " ") + std::string("rt") + std::to_string(rt) + (ok ? ":accepted" : ":refused");
      }
      out.observations.push_back(name + ": target " + seq[0] + " (heals after " + show_latency(h[0].latency()) +
                                 "); baseline " + seq[1] + " (heals after " + show_latency(h[1].latency()) + ")");
      line += (line.empty() ? "" : ", ") + name + " " + std::to_string(h[0].forgery_window()) + " vs " +
              std::to_string(h[1].forgery_window());
    }
  }
  out.summary = "forgery window in round trips after t, target vs baseline: " + line;
  return out;
}

// --- PCS-3: healing under loss, delay and reordering (rc::state) --------------------

// Pcs3World is one process playing a schedule, with Signal's turn structure tracked
// from what was actually delivered: a party enters a new epoch (a new ratchet key) when
// it receives a message of a peer epoch newer than any it had received; base[p][k] is
// the peer epoch party p had received when it entered epoch k. A message the peer sends
// in an epoch based on a victim epoch entered after t follows a round trip completed
// after t among the delivered messages: the clone must not read it.
struct Pcs3World {
  Target* t = nullptr;
  int index = 0;  // 0 target, 1 baseline
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
};

// Pcs3Stats add up what every case measured, for the figures.
struct Pcs3Stats {
  int cases = 0;
  int locked[2] = {0, 0};
  int read_locked[2] = {0, 0};
};

// Pcs3Sut plays each command on the target and on the baseline.
struct Pcs3Sut {
  PropertyRun* run = nullptr;
  Pcs3World worlds[2];

  int send(int party) {
    int n = -1;
    for (Pcs3World& w : worlds) {
      Sent m = require(*run, w.c->send(party),
                       label_of(w.index) + ": " + std::string(schedule::party_name(party)) + " encrypting");
      n = static_cast<int>(w.sent.size());
      w.sent.push_back(std::move(m));
      w.epoch.push_back(w.e[party]);
      w.delivered.push_back(false);
      w.delivered_before_t.push_back(false);
      w.read.emplace_back();
      if (w.victim && party != *w.victim) feed_one(w, static_cast<size_t>(n));  // the attacker sees it at once
    }
    return n;
  }
  void send(int n, int party) {
    int got = send(party);
    check_that(*run, got == n, "schedule and worlds disagree on message numbers");
  }
  void deliver(int n) {
    for (Pcs3World& w : worlds) {
      const Sent& m = w.sent[static_cast<size_t>(n)];
      auto p = w.c->deliver(m);
      if (p.violated()) (void)require(*run, std::move(p), "delivery");
      if (!p.ok() || *p != m.plaintext) continue;  // refused: not delivered (ORD judges that)
      w.delivered[static_cast<size_t>(n)] = true;
      const int to = 1 - m.from;
      const int ep = w.epoch[static_cast<size_t>(n)];
      if (ep > w.seen[to]) {
        w.seen[to] = ep;
        w.base[to][++w.e[to]] = ep;
      }
    }
  }
  void delay(int n) {
    for (Pcs3World& w : worlds) w.c->note("#" + std::to_string(n) + " is delayed");
  }
  void drop(int n) {
    for (Pcs3World& w : worlds) w.c->note("#" + std::to_string(n) + " is dropped");
  }
  void compromise(int victim) {
    for (Pcs3World& w : worlds) {
      w.victim = victim;
      w.e_t = w.e[victim];
      w.clone = w.c->name(victim) + "~1";
      w.delivered_before_t = w.delivered;
      (void)require(*run, w.c->clone(victim, w.clone),
                    label_of(w.index) + ": export and import of " + w.c->name(victim));
    }
  }
  void feed_one(Pcs3World& w, size_t n) {
    if (!w.victim || w.sent[n].from == *w.victim || w.delivered_before_t[n] || w.read[n]) return;
    w.read[n] = require(*run, read_by(*w.c, w.sent[n], w.clone), "feeding the clone");
  }
  void feed(int n) {
    for (Pcs3World& w : worlds) feed_one(w, static_cast<size_t>(n));
  }

  // finish completes the conversation in order, so healing is due, then feeds the clone
  // whatever it was not given, and judges both worlds.
  void finish(int victim_if_none, Pcs3Stats& stats) {
    if (!worlds[0].victim) compromise(victim_if_none);
    const int victim = *worlds[0].victim;
    for (int i = 0; i < 3; ++i) {
      for (int party : {1 - victim, victim}) deliver(send(party));
    }
    (void)send(1 - victim);
    for (Pcs3World& w : worlds) {
      for (size_t n = 0; n < w.sent.size(); ++n) feed_one(w, n);
    }
    for (Pcs3World& w : worlds) {
      for (size_t n = 0; n < w.sent.size(); ++n) {
        if (!w.locked(n)) continue;
        stats.locked[w.index]++;
        if (w.read[n] && *w.read[n]) stats.read_locked[w.index]++;
      }
    }
    stats.cases++;
    for (Pcs3World& w : worlds) {
      for (size_t n = 0; n < w.sent.size(); ++n) {
        if (!w.locked(n) || !w.read[n] || !*w.read[n]) continue;
        const std::string what =
            w.index == 0 ? "the target's clone" : "the baseline's clone (a fault of the suite's model)";
        check_that(*run, false,
                   what + " of " + w.c->name(victim) + " read #" + std::to_string(n) + ", sent by " +
                       w.c->peer_of(victim) + " after a round trip completed among the delivered messages after t\n" +
                       w.c->story(45));
      }
    }
  }
};

CheckOutcome pcs3_schedules(CheckContext& ctx) {
  PropertyRun run;
  run.targets = {&ctx.target, ctx.baseline};
  Pcs3Stats stats;
  int scenario = 1000;
  auto property = [&] {
    Pcs3Sut sut;
    ++scenario;
    const schedule::Model m0 = schedule::start_both(run, ctx, sut, scenario, 1);
    rc::state::check(m0, sut, schedule::commands<Pcs3Sut>(true));
    sut.finish(*rc::gen::inRange(0, 2), stats);
  };
  CheckOutcome o = run_property(ctx, run, "healing at the first round trip completed among the delivered messages",
                                property, PropertyOptions{50, 40});
  o.figures.push_back(
      {"random schedules played", static_cast<double>(stats.cases), static_cast<double>(stats.cases), "cases"});
  o.figures.push_back({"messages to the victim due to be locked out", static_cast<double>(stats.locked[0]),
                       static_cast<double>(stats.locked[1]), "messages"});
  o.figures.push_back({"of those, read by the clone", static_cast<double>(stats.read_locked[0]),
                       static_cast<double>(stats.read_locked[1]), "messages"});
  o.observations.push_back(
      "the schedules drop, delay and reorder messages; the clone is fed every message addressed to "
      "the victim that the victim had not received at t; a refused delivery counts as not delivered");
  return o;
}

}  // namespace

void register_pcs_checks(harness::Registry& registry) {
  const std::vector<Capability> needs = {Capability::export_state, Capability::import_state};
  registry.add({.id = "PCS-1.healing",
                 .requirement = "PCS-1",
                 .description = "healing latency after a compromise of the responder, phase by phase, against the baseline's",
                 .needs = needs,
                 .baseline = BaselineUse::compare,
                 .run = pcs1_responder,
                 .file = __FILE__,
                 .line = __LINE__});
  registry.add({.id = "PCS-2.healing",
                 .requirement = "PCS-2",
                 .description = "healing latency after a compromise of the initiator, phase by phase, against the baseline's",
                 .needs = needs,
                 .baseline = BaselineUse::compare,
                 .run = pcs2_initiator,
                 .file = __FILE__,
                 .line = __LINE__});
  registry.add({.id = "PCS-3.schedules",
                 .requirement = "PCS-3",
                 .description = "under random loss, delay and reordering the clone is locked out at the first completed round trip",
                 .needs = needs,
                 .baseline = BaselineUse::compare,
                 .run = pcs3_schedules,
                 .file = __FILE__,
                 .line = __LINE__});
  registry.add({.id = "PCS-4.forgery",
                 .requirement = "PCS-4",
                 .description = "how long a message forged with the clone's state is accepted",
                 .needs = needs,
                 .baseline = BaselineUse::compare,
                 .run = pcs4_forgery,
                 .file = __FILE__,
                 .line = __LINE__});
}

}  // namespace parity::suites
