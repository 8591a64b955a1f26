// schedule.h: random delivery schedules for RapidCheck stateful tests (rc::state):
// a plain model of who sent what, what is in flight and what was delivered, and the
// commands Send, Deliver, Delay, Drop, Compromise and Feed. A suite supplies the system
// under test (Sut) that plays each command on its target and baseline; FS-3 and PCS-3
// use it. Header-only, so suites/common's library is unchanged.
#pragma once

#include <algorithm>
#include <deque>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <rapidcheck.h>
#include <rapidcheck/state.h>

#include "suites/common/attacker.h"
#include "suites/common/conversation.h"
#include "suites/common/property.h"

namespace parity::suites::schedule {

// Model is what the attacker and the network have done so far, as message numbers.
struct Model {
  std::vector<int> from;        // sender of message n: 0 initiator, 1 responder
  std::deque<int> queue;        // messages in flight, oldest first: Deliver takes the front
  std::vector<bool> delivered;  // delivered (as far as the model knows)
  std::vector<bool> fed;        // given to the attacker's clone (or not to be given)
  std::optional<int> victim;    // the party compromised last
  int compromises = 0;
  int max_compromises = 1;

  bool in_queue(int n) const { return std::find(queue.begin(), queue.end(), n) != queue.end(); }
  bool valid(int n) const { return n >= 0 && n < static_cast<int>(from.size()); }
  // feedable tells whether the attacker may still give message n to its clone.
  bool feedable(int n) const { return victim && valid(n) && from[n] != *victim && !fed[n]; }
};

// party_name names a party in show() lines, as Conversation names them by default.
inline const char* party_name(int party) {
  return party == 0 ? "alice" : "bob";
}

// Send: a party encrypts a new message; it goes in flight.
template <class Sut>
struct Send : rc::state::Command<Model, Sut> {
  int party = 0;
  explicit Send(const Model&) : party(*rc::gen::inRange(0, 2)) {}
  void apply(Model& m) const override {
    int n = static_cast<int>(m.from.size());
    m.from.push_back(party);
    m.queue.push_back(n);
    m.delivered.push_back(false);
    m.fed.push_back(false);
  }
  void run(const Model& m, Sut& sut) const override { sut.send(static_cast<int>(m.from.size()), party); }
  void show(std::ostream& os) const override { os << party_name(party) << " sends a message"; }
};

// Deliver: the oldest message in flight reaches its recipient.
template <class Sut>
struct Deliver : rc::state::Command<Model, Sut> {
  int n = -1;
  explicit Deliver(const Model& m) {
    RC_PRE(!m.queue.empty());
    n = m.queue.front();
  }
  void checkPreconditions(const Model& m) const override { RC_PRE(!m.queue.empty() && m.queue.front() == n); }
  void apply(Model& m) const override {
    m.queue.pop_front();
    m.delivered[static_cast<size_t>(n)] = true;
  }
  void run(const Model&, Sut& sut) const override { sut.deliver(n); }
  void show(std::ostream& os) const override { os << "deliver #" << n; }
};

// Delay: a message in flight goes to the back of the queue (reordering).
template <class Sut>
struct Delay : rc::state::Command<Model, Sut> {
  int n = -1;
  explicit Delay(const Model& m) {
    RC_PRE(m.queue.size() >= 2);
    n = *rc::gen::elementOf(m.queue);
  }
  void checkPreconditions(const Model& m) const override { RC_PRE(m.queue.size() >= 2 && m.in_queue(n)); }
  void apply(Model& m) const override {
    m.queue.erase(std::find(m.queue.begin(), m.queue.end(), n));
    m.queue.push_back(n);
  }
  void run(const Model&, Sut& sut) const override { sut.delay(n); }
  void show(std::ostream& os) const override { os << "delay #" << n; }
};

// Drop: a message in flight is lost for good (the attacker still saw it).
template <class Sut>
struct Drop : rc::state::Command<Model, Sut> {
  int n = -1;
  explicit Drop(const Model& m) {
    RC_PRE(!m.queue.empty());
    n = *rc::gen::elementOf(m.queue);
  }
  void checkPreconditions(const Model& m) const override { RC_PRE(m.in_queue(n)); }
  void apply(Model& m) const override { m.queue.erase(std::find(m.queue.begin(), m.queue.end(), n)); }
  void run(const Model&, Sut& sut) const override { sut.drop(n); }
  void show(std::ostream& os) const override { os << "drop #" << n; }
};

// Compromise: the attacker exports a party's state into a clone.
template <class Sut>
struct Compromise : rc::state::Command<Model, Sut> {
  int victim = 0;
  explicit Compromise(const Model& m) : victim(*rc::gen::inRange(0, 2)) { RC_PRE(m.compromises < m.max_compromises); }
  void checkPreconditions(const Model& m) const override { RC_PRE(m.compromises < m.max_compromises); }
  void apply(Model& m) const override {
    m.victim = victim;
    m.compromises++;
    // The clone already holds what the victim had received: only the rest is fed.
    for (size_t i = 0; i < m.from.size(); ++i) m.fed[i] = m.fed[i] || m.delivered[i];
  }
  void run(const Model&, Sut& sut) const override { sut.compromise(victim); }
  void show(std::ostream& os) const override { os << "compromise " << party_name(victim) << " (clone made)"; }
};

// Feed: the attacker gives its clone a message addressed to the victim that it saw.
template <class Sut>
struct Feed : rc::state::Command<Model, Sut> {
  int n = -1;
  explicit Feed(const Model& m) {
    std::vector<int> can;
    for (int i = 0; i < static_cast<int>(m.from.size()); ++i) {
      if (m.feedable(i)) can.push_back(i);
    }
    RC_PRE(!can.empty());
    n = *rc::gen::elementOf(can);
  }
  void checkPreconditions(const Model& m) const override { RC_PRE(m.feedable(n)); }
  void apply(Model& m) const override { m.fed[static_cast<size_t>(n)] = true; }
  void run(const Model&, Sut& sut) const override { sut.feed(n); }
  void show(std::ostream& os) const override { os << "feed #" << n << " to the clone"; }
};

// commands is the generator for rc::state::check: sends and deliveries weigh most.
// `with_feed` adds Feed (PCS-3); without it (FS-3) clones are only probed.
template <class Sut>
auto commands(bool with_feed) {
  return [with_feed](const Model& m) {
    using C = std::shared_ptr<const rc::state::Command<Model, Sut>>;
    auto base = rc::state::gen::execOneOfWithArgs<Send<Sut>, Send<Sut>, Send<Sut>, Deliver<Sut>, Deliver<Sut>,
                                                  Deliver<Sut>, Delay<Sut>, Drop<Sut>, Compromise<Sut>>()(m);
    if (!with_feed) return rc::Gen<C>(base);
    return rc::Gen<C>(rc::gen::weightedOneOf<C>({{6, base}, {1, rc::state::gen::execOneOfWithArgs<Feed<Sut>>()(m)}}));
  };
}

// start_both begins one scenario of a schedule check (FS-3, PCS-3) in both worlds (0: the
// target, 1: the baseline): a reset, a session, one message each way sent and delivered.
// It returns the model of that state, for rc::state::check. Sut has `worlds[2]` (t, index,
// c), `run`, send() and deliver().
template <class Sut>
Model start_both(PropertyRun& run, CheckContext& ctx, Sut& sut, int scenario, int max_compromises) {
  sut.run = &run;
  for (int w : {0, 1}) {
    Target& t = w == 0 ? ctx.target : *ctx.baseline;
    (void)require(run, fresh_world(t, ctx.seed, scenario), "reset of the " + label_of(w));
    sut.worlds[w].t = &t;
    sut.worlds[w].index = w;
    sut.worlds[w].c = std::make_unique<Conversation>(t);
    (void)require(run, sut.worlds[w].c->start(), label_of(w) + ": starting a session");
  }
  // Messages 0 and 1 establish the session both ways.
  sut.deliver(sut.send(0));
  sut.deliver(sut.send(1));
  Model m0;
  m0.from = {0, 1};
  m0.delivered = {true, true};
  m0.fed = {true, true};
  m0.max_compromises = max_compromises;
  return m0;
}

}  // namespace parity::suites::schedule
