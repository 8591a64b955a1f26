#include "suites/grp/grp.h"

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include <rapidcheck/state.h>

#include "suites/common/attacker.h"
#include "suites/common/check_spec.h"
#include "suites/common/property.h"
#include "suites/common/schedule.h"
#include "suites/common/tamper.h"
#include "suites/grp/group_world.h"
#include "suites/grp/grp_attacks.h"
#include "suites/grp/grp_more.h"

namespace parity::suites {

namespace {

using grp::Got;
using grp::GroupWorld;
using grp::Hold;
using grp::Ids;

// ---------------------------------------------------------------------------------
// GRP-1.order: a group of three, then four, reads every message in order and reordered
// within min(group_max_skip, group_max_skipped_keys).
// ---------------------------------------------------------------------------------

CheckOutcome grp1_order(Run& r, Tally& out_) {
  GroupWorld w(r, "g1");
  auto stopped = [&] { return *w.stop(); };
  r.step("making the group");
  if (!w.must(w.create("alice", {"bob", "carol"}), "group_create")) return stopped();
  for (int i = 0; i < 2; ++i)
    if (!w.round()) return stopped();
  if (!w.must(w.add("dave"), "group_add of dave")) return stopped();
  if (!w.round()) return stopped();
  // Reordered: each of bob and carol sends k messages, held, then each recipient is given
  // its pending ones in a random order. k - 1 is the largest jump and the most keys kept.
  const uint64_t k = std::min<uint64_t>(w.bounds().reorder_window() + 1, 8);
  r.step("reordering " + std::to_string(k) + " messages of each of two senders");
  w.set_hold(Hold::application);
  for (uint64_t i = 0; i < k; ++i)
    for (const char* s : {"bob", "carol"})
      if (!w.must(w.encrypt(s), std::string(s) + " sending")) return stopped();
  for (const std::string& to : w.roster()) {
    Ids p = w.pending(to);
    for (size_t i = p.size(); i > 1; --i) std::swap(p[i - 1], p[next_u32(r.rng) % i]);
    for (int id : p)
      if (!w.give(id)) return stopped();
  }
  w.set_hold(Hold::none);
  if (!w.round()) return stopped();
  const grp::ReadCheck reads = grp::expected_reads(w);
  out_["messages sent"] = static_cast<double>(w.messages().size());
  out_["readings expected"] = reads.expected;
  out_["readings"] = reads.read;
  CheckOutcome o = reads.problems.empty()
                       ? CheckOutcome::pass(
                             "every member read every message sent while it was a member exactly once, "
                             "in order and reordered within " +
                             std::to_string(k - 1) + " iterations")
                       : CheckOutcome::fail(reads.problems.front());
  for (size_t i = 0; i < reads.problems.size() && i < 10; ++i) o.observations.push_back(reads.problems[i]);
  o.observations.push_back(w.bounds().describe());
  if (!reads.problems.empty()) o.counterexample = w.story(40);
  return o;
}

// ---------------------------------------------------------------------------------
// GRP-1.property: random groups of 2 to 8 members, random sends, deliveries in any order,
// drops, duplicates, adds and removes, against a plain model of who may read what: a
// message is read, exactly once, by every member of the roster it was sent to that is
// given it; a duplicate is never read again. Reorders stay within the declared window:
// a sender sends at most min(window + 1, 10) messages in a case (so no jump and no set of
// skipped keys exceeds it), and every application delivery still held is given before a
// membership change (a message across a rotation is GRP-9's "may").
// ---------------------------------------------------------------------------------

namespace p1 {

const char* const kPool[8] = {"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"};

struct Stats {
  int cases = 0;
  int deliveries = 0;
  int duplicates = 0;
  int changes = 0;
};

struct Model {
  std::vector<int> roster;  // pool indices; roster[0] is the creator
  std::vector<int> sent;    // per pool index
  int messages = 0;
  int cap = 1;                               // messages per sender per case
  std::vector<std::pair<int, int>> pending;  // (message, recipient) held
  std::vector<std::pair<int, int>> given;    // (message, recipient) given
  bool member(int p) const { return std::find(roster.begin(), roster.end(), p) != roster.end(); }
  void flush() {
    given.insert(given.end(), pending.begin(), pending.end());
    pending.clear();
  }
};

struct Sut {
  GroupWorld* w = nullptr;
  PropertyRun* run = nullptr;
  Stats* stats = nullptr;
  std::string prefix;

  std::string name(int p) const { return prefix + kPool[p]; }
  // sync ends the case when the world stopped (a violation stops the whole search).
  void sync() const {
    if (!w->stopped()) return;
    if (w->violation()) {
      run->violation = *w->violation();
      run->keep_failing_exchange();
      fail_case("protocol violation: " + w->violation()->detail);
    }
    run->keep_failing_exchange();
    fail_case(w->stop()->summary);
  }
  int delivery_of(int message, int recipient) const {
    for (int id : w->message(message).deliveries)
      if (w->delivery(id).to == name(recipient)) return id;
    return -1;
  }
  void give_expecting_read(int message, int recipient) {
    const int id = delivery_of(message, recipient);
    auto g = w->give(id);
    sync();
    ++stats->deliveries;
    if (g->got != Got::read || g->message != message) {
      run->keep_failing_exchange();
      fail_case("m" + std::to_string(message) + " given to " + name(recipient) + " (a member when it was sent): " +
                (g->got == Got::refused
                     ? "refused (" + std::string(ptp::to_string(g->refusal->code)) + ": " + g->refusal->detail + ")"
                 : g->got == Got::control ? "taken as a control delivery"
                                          : "read as other bytes"));
    }
  }
  void flush(const Model& m) {
    for (const auto& [message, recipient] : m.pending) give_expecting_read(message, recipient);
  }
};

struct Send : rc::state::Command<Model, Sut> {
  int sender = 0;
  explicit Send(const Model& m) : sender(*rc::gen::elementOf(m.roster)) {}
  void checkPreconditions(const Model& m) const override {
    RC_PRE(m.member(sender));
    RC_PRE(m.sent[static_cast<size_t>(sender)] < m.cap);
  }
  void apply(Model& m) const override {
    for (int p : m.roster)
      if (p != sender) m.pending.emplace_back(m.messages, p);
    ++m.sent[static_cast<size_t>(sender)];
    ++m.messages;
  }
  void run(const Model& m, Sut& sut) const override {
    auto op = sut.w->encrypt(sut.name(sender));
    if (!sut.w->must(op, sut.name(sender) + " sending m" + std::to_string(m.messages))) sut.sync();
    for (int p : m.roster)
      if (p != sender && sut.delivery_of(m.messages, p) < 0) {
        sut.run->keep_failing_exchange();
        fail_case("m" + std::to_string(m.messages) + " from " + sut.name(sender) + " has no delivery for member " +
                  sut.name(p));
      }
  }
  void show(std::ostream& os) const override { os << kPool[sender] << " sends a message (held)"; }
};

struct Deliver : rc::state::Command<Model, Sut> {
  std::pair<int, int> d;
  explicit Deliver(const Model& m) {
    RC_PRE(!m.pending.empty());
    d = *rc::gen::elementOf(m.pending);
  }
  void checkPreconditions(const Model& m) const override {
    RC_PRE(std::find(m.pending.begin(), m.pending.end(), d) != m.pending.end());
  }
  void apply(Model& m) const override {
    m.pending.erase(std::find(m.pending.begin(), m.pending.end(), d));
    m.given.push_back(d);
  }
  void run(const Model&, Sut& sut) const override { sut.give_expecting_read(d.first, d.second); }
  void show(std::ostream& os) const override {
    os << "m" << d.first << " given to " << kPool[d.second] << " (any held one)";
  }
};

struct Drop : rc::state::Command<Model, Sut> {
  std::pair<int, int> d;
  explicit Drop(const Model& m) {
    RC_PRE(!m.pending.empty());
    d = *rc::gen::elementOf(m.pending);
  }
  void checkPreconditions(const Model& m) const override {
    RC_PRE(std::find(m.pending.begin(), m.pending.end(), d) != m.pending.end());
  }
  void apply(Model& m) const override { m.pending.erase(std::find(m.pending.begin(), m.pending.end(), d)); }
  void run(const Model&, Sut& sut) const override { sut.w->drop(sut.delivery_of(d.first, d.second)); }
  void show(std::ostream& os) const override { os << "m" << d.first << " to " << kPool[d.second] << " dropped"; }
};

struct Duplicate : rc::state::Command<Model, Sut> {
  std::pair<int, int> d;
  explicit Duplicate(const Model& m) {
    RC_PRE(!m.given.empty());
    d = *rc::gen::elementOf(m.given);
  }
  void checkPreconditions(const Model& m) const override {
    RC_PRE(std::find(m.given.begin(), m.given.end(), d) != m.given.end());
  }
  void run(const Model&, Sut& sut) const override {
    auto g = sut.w->give(sut.delivery_of(d.first, d.second));
    sut.sync();
    ++sut.stats->duplicates;
    if (g->got == Got::read) {
      sut.run->keep_failing_exchange();
      fail_case("m" + std::to_string(d.first) + " given again to " + sut.name(d.second) + " was read a second time");
    }
  }
  void show(std::ostream& os) const override {
    os << "m" << d.first << " given again to " << kPool[d.second] << " (a duplicate: never read twice)";
  }
};

struct Add : rc::state::Command<Model, Sut> {
  int member = 0;
  explicit Add(const Model& m) {
    std::vector<int> out;
    for (int p = 1; p < 8; ++p)
      if (!m.member(p)) out.push_back(p);
    RC_PRE(!out.empty());
    member = *rc::gen::elementOf(out);
  }
  void checkPreconditions(const Model& m) const override { RC_PRE(!m.member(member)); }
  void apply(Model& m) const override {
    m.flush();
    m.roster.push_back(member);
  }
  void run(const Model& m, Sut& sut) const override {
    sut.flush(m);
    auto op = sut.w->add(sut.name(member));
    if (!sut.w->must(op, "group_add of " + sut.name(member))) sut.sync();
    ++sut.stats->changes;
  }
  void show(std::ostream& os) const override { os << "held messages given; " << kPool[0] << " adds " << kPool[member]; }
};

struct Remove : rc::state::Command<Model, Sut> {
  int member = 0;
  explicit Remove(const Model& m) {
    RC_PRE(m.roster.size() > 2);
    member = *rc::gen::elementOf(std::vector<int>(m.roster.begin() + 1, m.roster.end()));
  }
  void checkPreconditions(const Model& m) const override {
    RC_PRE(m.roster.size() > 2);
    RC_PRE(member != 0 && m.member(member));
  }
  void apply(Model& m) const override {
    m.flush();
    m.roster.erase(std::find(m.roster.begin(), m.roster.end(), member));
  }
  void run(const Model& m, Sut& sut) const override {
    sut.flush(m);
    auto op = sut.w->remove(sut.name(member));
    if (!sut.w->must(op, "group_remove of " + sut.name(member))) sut.sync();
    ++sut.stats->changes;
  }
  void show(std::ostream& os) const override {
    os << "held messages given; " << kPool[0] << " removes " << kPool[member];
  }
};

}  // namespace p1

using P1Side = schedule::PropertySide<p1::Stats>;

P1Side grp1_property(Run& r) {
  P1Side side;
  PropertyRun run;
  run.targets = {&r.target};
  const uint64_t window = grp::GroupWorld(r, "probe").bounds().reorder_window();
  auto property = [&] {
    const int n = side.stats.cases++;
    (void)require(run, fresh_world(r.target, r.seed(), n), "reset before case " + std::to_string(n));
    GroupWorld w(r, "g" + std::to_string(n));
    w.set_hold(Hold::application);
    p1::Sut sut{&w, &run, &side.stats, ""};
    p1::Model m;
    m.cap = static_cast<int>(std::min<uint64_t>(window + 1, 10));
    m.sent.assign(8, 0);
    const int size = schedule::uniform(rc::gen::inRange(2, 9));
    for (int p = 0; p < size; ++p) m.roster.push_back(p);
    std::vector<std::string> members;
    for (int p = 1; p < size; ++p) members.push_back(sut.name(p));
    if (!w.must(w.create(sut.name(0), members), "group_create of " + std::to_string(size) + " members")) sut.sync();
    using Cmd = std::shared_ptr<const rc::state::Command<p1::Model, p1::Sut>>;
    auto gen = [](const p1::Model& model) {
      return rc::gen::weightedOneOf<Cmd>({
          {4, rc::state::gen::execOneOfWithArgs<p1::Send>()(model)},
          {5, rc::state::gen::execOneOfWithArgs<p1::Deliver>()(model)},
          {1, rc::state::gen::execOneOfWithArgs<p1::Drop>()(model)},
          {1, rc::state::gen::execOneOfWithArgs<p1::Duplicate>()(model)},
          {1, rc::state::gen::execOneOfWithArgs<p1::Add>()(model)},
          {1, rc::state::gen::execOneOfWithArgs<p1::Remove>()(model)},
      });
    };
    const auto cmds = *rc::state::gen::commands(m, gen);
    rc::state::runAll(cmds, m, sut);
    // Whatever is still held is given at the end: each must be read.
    p1::Model end = m;
    rc::state::applyAll(cmds, end);
    sut.flush(end);
  };
  side.outcome = run_property(r, run, "GRP-1 delivery", property, PropertyOptions{20, 40});
  side.outcome.observations.insert(side.outcome.observations.begin(), grp::GroupWorld(r, "probe").bounds().describe());
  side.outcome.observations.push_back(
      "the model: a message is read exactly once by each member of the roster it was sent to when given it (in any "
      "order, within min(group_max_skip, group_max_skipped_keys)); a duplicate is never read; held messages are "
      "given before each add or remove");
  return side;
}

CheckOutcome judge_grp1_property(P1Side& mine, P1Side* base) {
  if (mine.stop) return *mine.stop;
  CheckOutcome o = mine.outcome;
  o.figures.push_back(schedule::stat_figure("random cases run", mine, base, &p1::Stats::cases, "cases"));
  o.figures.push_back(schedule::stat_figure("deliveries read", mine, base, &p1::Stats::deliveries, "deliveries"));
  o.figures.push_back(schedule::stat_figure("duplicates refused", mine, base, &p1::Stats::duplicates, "deliveries"));
  o.figures.push_back(schedule::stat_figure("adds and removes", mine, base, &p1::Stats::changes, "changes"));
  return o;
}

}  // namespace

void register_grp_checks(harness::Registry& registry) {
  add_check(registry,
            CheckSpec<Verdicted>{
                .id = "GRP-1.order",
                .requirement = "GRP-1",
                .description = "a group of three, then four, reads every message once, in order and "
                               "reordered within the declared window",
                .needs = {Capability::group},
                .scenario = self_judged(grp1_order),
                .judge = judge_verdicted(
                    {{"messages sent", "messages"}, {"readings expected", "readings"}, {"readings", "readings"}}),
            });
  add_check(registry, CheckSpec<P1Side>{
                          .id = "GRP-1.property",
                          .requirement = "GRP-1",
                          .description = "random groups of 2 to 8: sends, reorders, drops, duplicates, adds and "
                                         "removes against a model of who reads what (property)",
                          .needs = {Capability::group},
                          .scenario = grp1_property,
                          .judge = judge_grp1_property,
                      });
  register_grp_attack_checks(registry);
  register_grp_more_checks(registry);
}

}  // namespace parity::suites
