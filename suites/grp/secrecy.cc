// secrecy.cc: GRP-7 (forward secrecy of group messages: clones made after reading or
// sending) and GRP-9 (binding: a delivery moved to another group, a key evicted or
// forgotten), groups.md.
#include <string>
#include <vector>

#include "suites/grp/grp_more.h"
#include "suites/grp/probes.h"

namespace parity::suites {

namespace {

using grp::Given;
using grp::GroupWorld;
using grp::Hold;
using harness::Verdict;

const char* const kReceiverFigure = "messages the receiver's clone read";
const char* const kSenderFigure = "own messages the sender's clone read";
const char* const kLaterFigure = "later messages the receiver's clone read";

std::string numbers(const std::vector<int>& ns) {
  std::string s;
  for (int n : ns) s += (s.empty() ? "m" : ", m") + std::to_string(n);
  return s.empty() ? "none" : s;
}

// --- GRP-7: forward secrecy ---------------------------------------------------------

// receiver_clone: bob reads two rounds of alice's and carol's messages; a clone of bob
// made afterwards is given each of them again and must read none. A later message shows
// the clone itself works (the figure beside the baseline's).
CheckOutcome receiver_clone(Run& r, Tally& tally) {
  if (auto o = grp::fresh(r, 1)) return *o;
  GroupWorld w(r, "g7r");
  PARITY_GRP(w, w.create("alice", {"bob", "carol"}), "group_create");
  if (!w.round() || !w.round()) return *w.stop();
  std::vector<int> read_before;
  for (const grp::Message& m : w.messages()) {
    if (m.sender == "bob") continue;
    if (w.times_read("bob", m.n) == 0)
      return grp::stopped_or(w, CheckOutcome::fail("bob did not read m" + std::to_string(m.n) + " from " + m.sender +
                                                   ", which GRP-7 needs read before the clone is made (GRP-1)"));
    read_before.push_back(m.n);
  }
  auto clone = w.clone("bob", false);
  if (!clone) return *w.stop();
  std::vector<int> leaked;
  for (int n : read_before) {
    const int id = grp::first_delivery_to(w, n, "bob");
    auto g = w.give(id, *clone, w.message(n).sender);
    if (!g) return *w.stop();
    if (grp::reads(g)) leaked.push_back(n);
  }
  // A message sent after the clone was made: a clone that reads it works.
  int later = -1;
  PARITY_GRP(w, w.encrypt("alice", &later), "alice sending after the compromise");
  auto lg = w.give(grp::first_delivery_to(w, later, "bob"), *clone, "alice");
  if (!lg) return *w.stop();
  tally[kReceiverFigure] = static_cast<double>(leaked.size());
  tally[kLaterFigure] = grp::reads(lg) ? 1 : 0;
  CheckOutcome out = CheckOutcome::pass("");
  out.observations.push_back("bob read " + numbers(read_before) + " before the attacker cloned him as " + *clone);
  out.observations.push_back("the clone read " + numbers(leaked) + " of them, and " +
                             (grp::reads(lg) ? "read" : "did not read") + " alice's later message m" +
                             std::to_string(later));
  if (!leaked.empty()) {
    out.verdict = Verdict::fail;
    out.summary = "a clone of bob made after he read " + numbers(read_before) + " read " + numbers(leaked) +
                  " again: the keys of read group messages are kept";
    out.counterexample = w.story();
    return out;
  }
  out.summary =
      "a clone of bob made after he read " + std::to_string(read_before.size()) + " group messages read none of them";
  return out;
}

// sender_clone: alice sends three messages, read by bob and carol; a clone of alice made
// afterwards is given their application deliveries with `from` alice.
CheckOutcome sender_clone(Run& r, Tally& tally) {
  if (auto o = grp::fresh(r, 2)) return *o;
  GroupWorld w(r, "g7s");
  PARITY_GRP(w, w.create("alice", {"bob", "carol"}), "group_create");
  std::vector<int> sent;
  for (int i = 0; i < 3; ++i) {
    int n = -1;
    PARITY_GRP(w, w.encrypt("alice", &n), "alice sending");
    sent.push_back(n);
  }
  auto clone = w.clone("alice", false);
  if (!clone) return *w.stop();
  std::vector<int> read;
  int refused = 0;
  for (int n : sent) {
    const int id = grp::first_delivery_to(w, n, "bob");
    auto g = w.give(id, *clone, "alice");
    if (!g) return *w.stop();
    if (grp::reads(g)) read.push_back(n);
    if (g->got == grp::Got::refused) ++refused;
  }
  tally[kSenderFigure] = static_cast<double>(read.size());
  const bool reads_own = r.target.hello().group_reads_own;
  CheckOutcome out = CheckOutcome::pass("");
  out.observations.push_back("alice sent " + numbers(sent) + "; the attacker then cloned her as " + *clone +
                             ", which read " + numbers(read));
  if (!read.empty() && !reads_own) {
    out.verdict = Verdict::fail;
    out.summary = "a clone of alice made after she sent " + numbers(sent) + " read " + numbers(read) +
                  ", and the target does not declare group_reads_own";
    out.counterexample = w.story();
    return out;
  }
  if (!read.empty()) {
    out.summary = "the target declares group_reads_own: a clone of the sender read " + numbers(read) +
                  " of its own messages by design (the baseline's figure beside it)";
    return out;
  }
  out.summary = "a clone of alice made after she sent " + std::to_string(sent.size()) + " messages read none of them";
  if (refused > 0) {
    // Why a lower bound: the clone may refuse a message only because it names itself as
    // the sender, which says nothing about whether its state still holds the key.
    out.summary += " (a lower bound: the clone may have refused its own messages merely because they came from itself)";
  }
  return out;
}

// --- GRP-9: binding -------------------------------------------------------------------

// moved_delivery: alice makes two groups of bob and carol; a control delivery and an
// application delivery of the first are given to bob in the second, which must refuse both.
CheckOutcome moved_delivery(Run& r, Tally& tally) {
  if (auto o = grp::fresh(r, 3)) return *o;
  GroupWorld one(r, "g9one");
  GroupWorld two(r, "g9two");
  PARITY_GRP(one, one.create("alice", {"bob", "carol"}), "group_create of g9one");
  two.adopt(one);
  PARITY_GRP(two, two.create("alice", {"bob", "carol"}), "group_create of g9two");
  // alice's first message in g9one is held: its control delivery carries her key.
  one.set_hold(Hold::all);
  int m0 = -1;
  PARITY_GRP(one, one.encrypt("alice", &m0), "alice sending in g9one");
  // bob holds alice's key in g9two, so a moved delivery meets a real record there.
  if (!two.round()) return *two.stop();
  std::vector<std::string> accepted;
  int moved_control = 0;
  for (int id : one.pending("bob")) {
    if (one.delivery(id).kind != harness::DeliveryKind::control) continue;
    ++moved_control;
    auto g = two.give_bytes("bob", "alice", one.delivery(id).envelope, "g9one's control #" + std::to_string(id));
    if (!g) return *two.stop();
    if (g->got != grp::Got::refused) accepted.push_back("g9one's control delivery to bob, given in g9two");
  }
  if (!one.flush_all()) return *one.stop();
  one.set_hold(Hold::none);
  int m1 = -1;
  PARITY_GRP(one, one.encrypt("alice", &m1), "alice sending again in g9one");
  for (int n : {m0, m1}) {
    const int id = grp::first_delivery_to(one, n, "bob");
    if (id < 0) continue;
    auto g = two.give_bytes("bob", "alice", one.delivery(id).envelope, "g9one's m" + std::to_string(n));
    if (!g) return *two.stop();
    if (g->got != grp::Got::refused)
      accepted.push_back("g9one's m" + std::to_string(n) + " given to bob in g9two (" +
                         (g->got == grp::Got::read ? "read" : "taken as control") + ")");
  }
  // The genuine deliveries still work in their own group.
  const bool still = one.times_read("bob", m1) > 0;
  tally["moved deliveries accepted"] = static_cast<double>(accepted.size());
  CheckOutcome out = CheckOutcome::pass("");
  out.observations.push_back(std::to_string(moved_control) +
                             " control and 2 application deliveries of g9one given to "
                             "bob in g9two; bob " +
                             (still ? "read" : "did not read") + " m" + std::to_string(m1) + " in g9one");
  if (!accepted.empty()) {
    out.verdict = Verdict::fail;
    out.summary = "deliveries moved to another group of the same members were accepted: " + accepted.front();
    for (const std::string& a : accepted) out.observations.push_back("accepted: " + a);
    out.counterexample = one.story(20) + "--- g9two ---\n" + two.story(20);
    return out;
  }
  out.summary = "every delivery of g9one given in g9two (control and application) was refused";
  return out;
}

// forgotten_key: carol's message held from bob while alice removes carol is refused
// when given to bob afterwards (the removal made him forget carol's key).
CheckOutcome forgotten_key(Run& r, Tally& tally) {
  if (auto o = grp::fresh(r, 4)) return *o;
  GroupWorld w(r, "g9rm");
  PARITY_GRP(w, w.create("alice", {"bob", "carol"}), "group_create");
  if (!w.round()) return *w.stop();
  w.set_hold(Hold::application);
  int held = -1;
  PARITY_GRP(w, w.encrypt("carol", &held), "carol sending");
  const int id = grp::first_delivery_to(w, held, "bob");
  w.set_hold(Hold::none);
  PARITY_GRP(w, w.remove("carol"), "alice removing carol");
  auto g = w.give(id);
  if (!g) return *w.stop();
  tally["messages of a forgotten key read"] = grp::reads(g) ? 1 : 0;
  if (grp::reads(g)) {
    CheckOutcome out = CheckOutcome::fail("bob read carol's m" + std::to_string(held) +
                                          " after carol's removal took effect for him: her key was not forgotten");
    out.counterexample = w.story();
    return out;
  }
  return CheckOutcome::pass("carol's message held until after her removal was refused by bob");
}

// evicted_state: past the target's declared group_max_sender_states, the oldest state's
// message is refused.
CheckOutcome evicted_state(Run& r, Tally& tally) {
  if (auto o = grp::fresh(r, 5)) return *o;
  GroupWorld probe(r, "g9ev");
  const GroupBounds& b = probe.bounds();
  if (b.is_unbounded(harness::kGroupBoundNames[2])) {
    CheckOutcome out;
    out.verdict = Verdict::not_applicable;
    out.summary = "the target declares no bound on group_max_sender_states: nothing is evicted (GRP-8 probes past it)";
    return out;
  }
  grp::Eviction e;
  const int rotations = static_cast<int>(b.max_sender_states);
  if (auto o = grp::probe_sender_states(r, "g9ev", rotations, e)) return *o;
  tally["messages of an evicted state read"] = e.old_read ? 1 : 0;
  const std::string what = "after alice rotated " + std::to_string(e.rotations) + " times (group_max_sender_states " +
                           std::to_string(b.max_sender_states) + ")";
  if (e.old_read)
    return CheckOutcome::fail(what + ", bob read a message of her first state, which he should have evicted");
  return CheckOutcome::pass(what + ", bob refused a message of her first, evicted state");
}

const std::vector<Capability> kClones = {Capability::group, Capability::export_state, Capability::import_state};

}  // namespace

void register_grp_secrecy_checks(harness::Registry& registry) {
  add_check(registry, CheckSpec<Verdicted>{
                          .id = "GRP-7.receiver-clone",
                          .requirement = "GRP-7",
                          .description = "a clone of a member made after it read group messages is given them again",
                          .needs = kClones,
                          .scenario = self_judged(receiver_clone),
                          .judge = judge_verdicted({{kReceiverFigure, "messages"}, {kLaterFigure, "messages"}}),
                      });
  add_check(registry,
            CheckSpec<Verdicted>{
                .id = "GRP-7.sender-clone",
                .requirement = "GRP-7",
                .description = "a clone of a sender made after it sent is given its own application deliveries",
                .needs = kClones,
                .scenario = self_judged(sender_clone),
                .judge = judge_verdicted({{kSenderFigure, "messages (a lower bound)"}}),
            });
  add_check(registry, CheckSpec<Verdicted>{
                          .id = "GRP-9.moved-delivery",
                          .requirement = "GRP-9",
                          .description = "control and application deliveries of one group given in another group of "
                                         "the same members",
                          .needs = {Capability::group},
                          .scenario = self_judged(moved_delivery),
                          .judge = judge_verdicted({{"moved deliveries accepted", "deliveries"}}),
                      });
  add_check(registry, CheckSpec<Verdicted>{
                          .id = "GRP-9.forgotten-key",
                          .requirement = "GRP-9",
                          .description = "a removed member's message held until after the removal",
                          .needs = {Capability::group},
                          .scenario = self_judged(forgotten_key),
                          .judge = judge_verdicted({{"messages of a forgotten key read", "messages"}}),
                      });
  add_check(registry,
            CheckSpec<Verdicted>{
                .id = "GRP-9.evicted-state",
                .requirement = "GRP-9",
                .description = "a message of a sender state evicted past the declared group_max_sender_states",
                .needs = {Capability::group},
                .scenario = self_judged(evicted_state),
                .judge = judge_verdicted({{"messages of an evicted state read", "messages"}}),
            });
}

}  // namespace parity::suites
