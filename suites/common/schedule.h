// schedule.h: the one delivery model for RapidCheck stateful tests (rc::state): who sent
// what in which ratchet chain, what is in flight, what was delivered, what the attacker
// did, and the commands Send, Deliver (the oldest deliverable message), DeliverAny (any,
// out of order), Delay, Drop, Replay, Tamper, Compromise and Feed. A property picks the
// commands it needs and supplies the system under test (Sut) that plays each one on its
// target process: FS-3, PCS-3, ORD-1, ORD-4 and MSG-4 use it. Header-only, so
// suites/common's library is unchanged.
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include <rapidcheck.h>
#include <rapidcheck/state.h>

#include "suites/common/attacker.h"
#include "suites/common/bounds.h"
#include "suites/common/check_spec.h"
#include "suites/common/conversation.h"
#include "suites/common/property.h"
#include "suites/common/tamper.h"

namespace parity::suites::schedule {

// Msg is one sent message as the model sees it.
struct Msg {
  int from = 0;          // 0: the initiator (alice), 1: the responder (bob)
  int chain = 0;         // label of the sender's sending chain
  uint32_t counter = 0;  // position in that chain
};

// Model is what the parties, the network and the attacker have done so far. Chain labels
// follow the Double Ratchet: a party starts a new sending chain after it receives a chain
// it had not seen (in Signal at that moment, in Olm at its next encrypt; the same for the
// model). A delivery is only scheduled where `reach` promises it decrypts.
struct Model {
  // The rules of a case, set before it runs.
  bool two_way = true;                              // both parties send (false: only the initiator)
  size_t cap = std::numeric_limits<size_t>::max();  // most messages sent per case
  // reach, when set, keeps deliveries where these bounds promise decryption (ORD: the
  // declared bounds; MSG-4: one receiving chain back); unset: any message in flight.
  std::optional<Bounds> reach;
  int max_compromises = 0;

  // The network.
  std::vector<Msg> msgs;          // by message number
  std::deque<int> queue;          // in flight (sent, neither delivered nor dropped), oldest first
  std::vector<bool> delivered;    // delivered (as far as the model knows)
  std::vector<int> delivery_log;  // delivered message numbers, in order of delivery

  // The ratchet.
  int send_chain[2] = {0, 1000};
  uint32_t next_counter[2] = {0, 0};
  int chains_made[2] = {0, 0};
  bool can_send[2] = {true, false};  // the responder needs a session first
  std::vector<int> seen[2];          // per receiver: the peer's chains, in order of first receipt
  std::map<int, uint32_t> next_expected[2];

  // The attacker.
  std::vector<bool> fed;      // given to the attacker's clone (or not to be given)
  std::optional<int> victim;  // the party compromised last
  int compromises = 0;

  int count() const { return static_cast<int>(msgs.size()); }
  bool valid(int n) const { return n >= 0 && n < count(); }
  bool in_queue(int n) const { return std::find(queue.begin(), queue.end(), n) != queue.end(); }
  bool was_delivered(int n) const { return valid(n) && delivered[static_cast<size_t>(n)]; }

  // promised tells whether message n, delivered now, is within `reach`: its chain is
  // among the newest max_receiver_chains the receiver has seen (or new), it is at most
  // max_skip ahead, and a skipped key for it is among the newest max_skipped_keys of its
  // chain.
  bool promised(int n) const {
    if (!reach) return true;
    const Msg& m = msgs[static_cast<size_t>(n)];
    const int r = 1 - m.from;
    const auto& s = seen[r];
    auto it = std::find(s.begin(), s.end(), m.chain);
    if (it == s.end()) return m.counter <= reach->max_skip;
    const auto age = static_cast<uint64_t>(s.end() - it - 1);
    if (age >= reach->max_receiver_chains) return false;
    const uint32_t ne = next_expected[r].at(m.chain);
    if (m.counter >= ne) return m.counter - ne <= reach->max_skip;
    uint64_t newer_skipped = 0;
    for (size_t i = 0; i < msgs.size(); ++i) {
      const Msg& x = msgs[i];
      if (x.from == m.from && x.chain == m.chain && x.counter > m.counter && x.counter < ne && !delivered[i]) {
        ++newer_skipped;
      }
    }
    return newer_skipped < reach->max_skipped_keys;
  }
  bool deliverable(int n) const { return in_queue(n) && promised(n); }
  // deliverables are the messages a Deliver may take, oldest in flight first.
  std::vector<int> deliverables() const {
    std::vector<int> out;
    for (int n : queue) {
      if (promised(n)) out.push_back(n);
    }
    return out;
  }
  // feedable tells whether the attacker may still give message n to its clone.
  bool feedable(int n) const {
    return victim && valid(n) && msgs[static_cast<size_t>(n)].from != *victim && !fed[static_cast<size_t>(n)];
  }

  void send(int party) {
    msgs.push_back({party, send_chain[party], next_counter[party]++});
    queue.push_back(count() - 1);
    delivered.push_back(false);
    fed.push_back(false);
  }
  void deliver(int n) {
    const Msg m = msgs[static_cast<size_t>(n)];
    const int r = 1 - m.from;
    auto& s = seen[r];
    if (std::find(s.begin(), s.end(), m.chain) == s.end()) {
      s.push_back(m.chain);
      next_expected[r][m.chain] = m.counter + 1;
      send_chain[r] = r * 1000 + ++chains_made[r];
      next_counter[r] = 0;
      can_send[r] = true;
    } else if (m.counter >= next_expected[r][m.chain]) {
      next_expected[r][m.chain] = m.counter + 1;
    }
    leave_queue(n);
    delivered[static_cast<size_t>(n)] = true;
    delivery_log.push_back(n);
  }
  void leave_queue(int n) {
    auto it = std::find(queue.begin(), queue.end(), n);
    if (it != queue.end()) queue.erase(it);
  }
};

// party_name names a party in show() lines, as Conversation names them by default.
inline const char* party_name(int party) {
  return party == 0 ? "alice" : "bob";
}

// uniform draws from `g` at full size: rapidcheck scales integer ranges by the case's
// size, which would make early cases pick only the first party.
template <class T>
T uniform(rc::Gen<T> g) {
  return *rc::gen::resize(rc::kNominalSize, std::move(g));
}

// Every Sut method gets the model as it was before the command.

// Send: a party encrypts a new message; it goes in flight. Sut: send(m, n, party).
template <class Sut>
struct Send : rc::state::Command<Model, Sut> {
  int party = 0;
  explicit Send(const Model& m) : party(m.two_way ? uniform(rc::gen::inRange(0, 2)) : 0) {}
  void checkPreconditions(const Model& m) const override {
    RC_PRE(m.can_send[party]);
    RC_PRE(m.msgs.size() < m.cap);
  }
  void apply(Model& m) const override { m.send(party); }
  void run(const Model& m, Sut& sut) const override { sut.send(m, m.count(), party); }
  void show(std::ostream& os) const override { os << party_name(party) << " sends a message"; }
};

// Deliver: the oldest deliverable message reaches its recipient. Sut: deliver(m, n).
template <class Sut>
struct Deliver : rc::state::Command<Model, Sut> {
  int n = -1;
  explicit Deliver(const Model& m) {
    const std::vector<int> d = m.deliverables();
    RC_PRE(!d.empty());
    n = d.front();
  }
  void checkPreconditions(const Model& m) const override { RC_PRE(m.deliverable(n)); }
  void apply(Model& m) const override { m.deliver(n); }
  void run(const Model& m, Sut& sut) const override { sut.deliver(m, n); }
  void show(std::ostream& os) const override { os << "deliver #" << n; }
};

// DeliverAny: any deliverable message reaches its recipient, out of order. Sut: deliver(m, n).
template <class Sut>
struct DeliverAny : rc::state::Command<Model, Sut> {
  int n = -1;
  explicit DeliverAny(const Model& m) {
    const std::vector<int> d = m.deliverables();
    RC_PRE(!d.empty());
    n = *rc::gen::elementOf(d);
  }
  void checkPreconditions(const Model& m) const override { RC_PRE(m.deliverable(n)); }
  void apply(Model& m) const override { m.deliver(n); }
  void run(const Model& m, Sut& sut) const override { sut.deliver(m, n); }
  void show(std::ostream& os) const override { os << "deliver #" << n << " (any in flight)"; }
};

// Delay: a message in flight goes to the back of the queue (reordering). Sut: delay(m, n).
template <class Sut>
struct Delay : rc::state::Command<Model, Sut> {
  int n = -1;
  explicit Delay(const Model& m) {
    RC_PRE(m.queue.size() >= 2);
    n = *rc::gen::elementOf(m.queue);
  }
  void checkPreconditions(const Model& m) const override { RC_PRE(m.queue.size() >= 2 && m.in_queue(n)); }
  void apply(Model& m) const override {
    m.leave_queue(n);
    m.queue.push_back(n);
  }
  void run(const Model& m, Sut& sut) const override { sut.delay(m, n); }
  void show(std::ostream& os) const override { os << "delay #" << n; }
};

// Drop: a message in flight is lost for good (the attacker still saw it). Sut: drop(m, n).
template <class Sut>
struct Drop : rc::state::Command<Model, Sut> {
  int n = -1;
  explicit Drop(const Model& m) {
    RC_PRE(!m.queue.empty());
    n = *rc::gen::elementOf(m.queue);
  }
  void checkPreconditions(const Model& m) const override { RC_PRE(m.in_queue(n)); }
  void apply(Model& m) const override { m.leave_queue(n); }
  void run(const Model& m, Sut& sut) const override { sut.drop(m, n); }
  void show(std::ostream& os) const override { os << "drop #" << n << " (lost)"; }
};

// Replay: a delivered message is delivered again: it must be refused. Sut: replay(m, n).
template <class Sut>
struct Replay : rc::state::Command<Model, Sut> {
  int n = -1;
  explicit Replay(const Model& m) {
    RC_PRE(!m.delivery_log.empty());
    n = *rc::gen::elementOf(m.delivery_log);
  }
  void checkPreconditions(const Model& m) const override { RC_PRE(m.was_delivered(n)); }
  void run(const Model& m, Sut& sut) const override { sut.replay(m, n); }
  void show(std::ostream& os) const override { os << "replay #" << n << " (must be refused)"; }
};

// TamperKind is how Tamper changes a message.
enum class TamperKind { flip, truncate, extend, splice };

// Tampering is one change of message n's ciphertext (with `partner`'s for a splice).
struct Tampering {
  int n = 0;
  int partner = 0;
  TamperKind kind = TamperKind::flip;
  uint32_t pos = 0;

  // apply returns the changed bytes and what was done, in words.
  std::pair<Bytes, std::string> apply(const Bytes& g, const Bytes& partner_bytes) const {
    const size_t len = std::max<size_t>(g.size(), 1);
    switch (kind) {
      case TamperKind::flip: {
        const size_t bit = pos % (8 * len);
        return {flip_bit(g, bit),
                "bit " + std::to_string(bit % 8) + " of byte " + std::to_string(bit / 8) + " flipped"};
      }
      case TamperKind::truncate: {
        const size_t k = pos % len;
        return {truncated(g, k), "truncated to " + std::to_string(k) + " bytes"};
      }
      case TamperKind::extend: {
        Bytes tail(1 + pos % 16, static_cast<uint8_t>(pos >> 8));
        return {extended(g, tail), std::to_string(tail.size()) + " bytes appended"};
      }
      case TamperKind::splice: {
        const size_t cut = pos % len;
        return {spliced(g, partner_bytes, cut),
                "its first " + std::to_string(cut) + " bytes on #" + std::to_string(partner) + "'s tail"};
      }
    }
    return {g, "unchanged"};
  }
};

// Tamper: the attacker delivers a changed copy of a message (a bit flip, truncation,
// extension or splice), mostly of one not yet delivered, where a refusal that moved its
// chain shows. Sut: tamper(m, tampering).
template <class Sut>
struct Tamper : rc::state::Command<Model, Sut> {
  Tampering t;
  explicit Tamper(const Model& m) {
    RC_PRE(!m.msgs.empty());
    std::vector<int> waiting;
    for (int i = 0; i < m.count(); ++i) {
      if (!m.was_delivered(i)) waiting.push_back(i);
    }
    const bool pick_waiting = !waiting.empty() && uniform(rc::gen::inRange(0, 5)) != 0;
    t.n = pick_waiting ? uniform(rc::gen::elementOf(waiting)) : uniform(rc::gen::inRange(0, m.count()));
    t.partner = uniform(rc::gen::inRange(0, m.count()));
    t.kind = uniform(rc::gen::element(TamperKind::flip, TamperKind::flip, TamperKind::truncate, TamperKind::extend,
                                      TamperKind::splice));
    t.pos = uniform(rc::gen::inRange<uint32_t>(0, 0xffffffffu));
  }
  void checkPreconditions(const Model& m) const override { RC_PRE(m.valid(t.n) && m.valid(t.partner)); }
  void run(const Model& m, Sut& sut) const override { sut.tamper(m, t); }
  void show(std::ostream& os) const override {
    os << "deliver a tampered #" << t.n << ": ";
    switch (t.kind) {
      case TamperKind::flip:
        os << "flip bit (" << t.pos << " mod 8*length)";
        break;
      case TamperKind::truncate:
        os << "truncate to (" << t.pos << " mod length) bytes";
        break;
      case TamperKind::extend:
        os << "append " << (1 + t.pos % 16) << " bytes";
        break;
      case TamperKind::splice:
        os << "splice its head (" << t.pos << " mod length bytes) on #" << t.partner << "'s tail";
        break;
    }
  }
};

// Compromise: the attacker exports a party's state into a clone. Sut: compromise(m, victim).
template <class Sut>
struct Compromise : rc::state::Command<Model, Sut> {
  int victim = 0;
  explicit Compromise(const Model& m) : victim(uniform(rc::gen::inRange(0, 2))) {
    RC_PRE(m.compromises < m.max_compromises);
  }
  void checkPreconditions(const Model& m) const override { RC_PRE(m.compromises < m.max_compromises); }
  void apply(Model& m) const override {
    m.victim = victim;
    m.compromises++;
    // The clone already holds what the victim had received: only the rest is fed.
    for (size_t i = 0; i < m.msgs.size(); ++i) m.fed[i] = m.fed[i] || m.delivered[i];
  }
  void run(const Model& m, Sut& sut) const override { sut.compromise(m, victim); }
  void show(std::ostream& os) const override { os << "compromise " << party_name(victim) << " (clone made)"; }
};

// Feed: the attacker gives its clone a message addressed to the victim that it saw.
// Sut: feed(m, n).
template <class Sut>
struct Feed : rc::state::Command<Model, Sut> {
  int n = -1;
  explicit Feed(const Model& m) {
    std::vector<int> can;
    for (int i = 0; i < m.count(); ++i) {
      if (m.feedable(i)) can.push_back(i);
    }
    RC_PRE(!can.empty());
    n = *rc::gen::elementOf(can);
  }
  void checkPreconditions(const Model& m) const override { RC_PRE(m.feedable(n)); }
  void apply(Model& m) const override { m.fed[static_cast<size_t>(n)] = true; }
  void run(const Model& m, Sut& sut) const override { sut.feed(m, n); }
  void show(std::ostream& os) const override { os << "feed #" << n << " to the clone"; }
};

// play generates one schedule from `m0`, plays it on `sut` (as rc::state::check does) and
// returns the model after it, for what a property does once the schedule is over.
template <class Sut, class GenFunc>
Model play(const Model& m0, Sut& sut, GenFunc&& gen) {
  const auto cmds = *rc::state::gen::commands(m0, std::forward<GenFunc>(gen));
  rc::state::runAll(cmds, m0, sut);
  Model m = m0;
  rc::state::applyAll(cmds, m);
  return m;
}

// attacker_commands is the generator of FS-3 and PCS-3: sends and in-order deliveries
// weigh most, then delays, drops and a compromise. `with_feed` adds Feed (PCS-3);
// without it (FS-3) clones are only probed.
template <class Sut>
auto attacker_commands(bool with_feed) {
  return [with_feed](const Model& m) {
    using C = std::shared_ptr<const rc::state::Command<Model, Sut>>;
    auto base = rc::state::gen::execOneOfWithArgs<Send<Sut>, Send<Sut>, Send<Sut>, Deliver<Sut>, Deliver<Sut>,
                                                  Deliver<Sut>, Delay<Sut>, Drop<Sut>, Compromise<Sut>>()(m);
    if (!with_feed) return rc::Gen<C>(base);
    return rc::Gen<C>(rc::gen::weightedOneOf<C>({{6, base}, {1, rc::state::gen::execOneOfWithArgs<Feed<Sut>>()(m)}}));
  };
}

// PropertySide is the Side of a property check on one process: its outcome (the verdict
// when it played on the target) and what it counted, for the figures.
template <class Stats>
struct PropertySide {
  std::optional<CheckOutcome> stop;
  CheckOutcome outcome;
  Stats stats;
};

// stat_figure puts one counter of both sides' stats beside each other.
template <class Stats, class T>
harness::Figure stat_figure(std::string name, const PropertySide<Stats>& mine, const PropertySide<Stats>* base,
                            T Stats::*field, std::string unit) {
  std::optional<double> theirs;
  if (base != nullptr) theirs = static_cast<double>(base->stats.*field);
  return {std::move(name), static_cast<double>(mine.stats.*field), theirs, std::move(unit)};
}

// start begins one case of FS-3 or PCS-3 on `t`: a reset (scenario `scenario` of the
// check's seed), a session, and messages #0 and #1, one each way, sent and delivered
// through `sut` (which keeps its Conversation in `c`). It returns the model of that state.
template <class Sut>
Model start(PropertyRun& run, Target& t, const Key32& seed, int scenario, const std::string& label, Sut& sut,
            int max_compromises) {
  (void)require(run, fresh_world(t, seed, scenario), "reset of the " + label);
  sut.c = std::make_unique<Conversation>(t);
  (void)require(run, sut.c->start(), label + ": starting a session");
  Model m;
  m.max_compromises = max_compromises;
  for (int party : {0, 1}) {
    const int n = m.count();
    sut.send(m, n, party);
    m.send(party);
    sut.deliver(m, n);
    m.deliver(n);
  }
  for (size_t i = 0; i < m.fed.size(); ++i) m.fed[i] = true;
  return m;
}

}  // namespace parity::suites::schedule
