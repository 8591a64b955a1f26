// healing.cc: GRP-10 (healing after a compromise, four variants) and GRP-11 (whether
// members detect a server that forks the group), groups.md. Both are INFO: they measure
// and show the target beside the baseline.
#include <algorithm>
#include <string>
#include <vector>

#include "harness/runner/group_healing.h"
#include "suites/grp/grp_more.h"
#include "suites/grp/probes.h"

namespace parity::suites {

namespace {

using grp::GroupWorld;
using grp::Hold;
using harness::Verdict;

// --- GRP-10: healing --------------------------------------------------------------------

// Variant is one of GRP-10's four ways the group goes on after the compromise.
enum class Variant {
  no_change,       // (a) no update and no membership change
  victim_update,   // (b) the victim calls group_update before round 1
  other_removes,   // (c) another member removes a third
  victim_removes,  // (d) the victim makes a membership change
};

const char* const kHealingUnit = "round (> 10: not within 10)";

// healing plays one variant: alice (creator), bob (the victim), carol and dave; a round
// so every key is out, a clone of bob following him, the variant's change, then up to 10
// rounds. The figure is the first round whose messages the clone reads none of.
CheckOutcome healing(Run& r, Tally& tally, Variant v) {
  if (auto o = grp::fresh(r, 1 + static_cast<int>(v))) return *o;
  GroupWorld w(r, "g10");
  PARITY_GRP(w, w.create("alice", {"bob", "carol", "dave"}), "group_create");
  if (!w.round()) return *w.stop();
  auto clone = w.clone("bob", true);
  if (!clone) return *w.stop();
  std::string change = "no update and no membership change";
  switch (v) {
    case Variant::no_change:
      break;
    case Variant::victim_update:
      PARITY_GRP(w, w.update("bob"), "group_update at bob");
      change = "bob (the victim) calls group_update";
      break;
    case Variant::other_removes:
      PARITY_GRP(w, w.remove("carol"), "alice removing carol");
      change = "alice removes carol";
      break;
    case Variant::victim_removes: {
      auto op = w.remove("dave", grp::Announce::now, "bob");
      if (op.refused() && !w.stopped()) {
        // The baseline's own refusal is no fault of the measurement: its figure is n/a.
        if (r.is_baseline) return CheckOutcome::pass("the baseline lets no member but the creator remove one");
        CheckOutcome out;
        out.verdict = Verdict::not_applicable;
        out.summary =
            "the target does not let a member other than the creator remove one (" + refusal_text(op.refusal()) + ")";
        return out;
      }
      PARITY_GRP(w, op, "bob removing dave");
      change = "bob (the victim) removes dave";
      break;
    }
  }
  std::vector<int> per_round;
  std::optional<int> healed;
  for (int round = 1; round <= harness::kGroupHealingRounds; ++round) {
    auto sent = w.round();
    if (!sent) return *w.stop();
    int read = 0;
    for (int n : *sent) read += w.times_read(*clone, n) > 0 ? 1 : 0;
    per_round.push_back(read);
    if (read == 0 && !healed) {
      healed = round;
      break;
    }
  }
  tally[harness::kGroupHealingFigure] = healed ? *healed : harness::kGroupHealingBeyond;
  std::string reads;
  for (size_t i = 0; i < per_round.size(); ++i) reads += (i ? ", " : "") + std::to_string(per_round[i]);
  CheckOutcome out = CheckOutcome::pass(
      "after a compromise of bob and " + change + ", " +
      (healed ? "his clone read nothing from round " + std::to_string(*healed)
              : "his clone still read messages of round " + std::to_string(harness::kGroupHealingRounds) + " (> 10)"));
  out.observations.push_back("messages the clone read per round: " + reads);
  return out;
}

CheckOutcome healing_a(Run& r, Tally& t) {
  return healing(r, t, Variant::no_change);
}
CheckOutcome healing_b(Run& r, Tally& t) {
  return healing(r, t, Variant::victim_update);
}
CheckOutcome healing_c(Run& r, Tally& t) {
  return healing(r, t, Variant::other_removes);
}
CheckOutcome healing_d(Run& r, Tally& t) {
  return healing(r, t, Variant::victim_removes);
}

// --- GRP-11: membership agreement ---------------------------------------------------

const char* const kDetectedFigure = "fork detected (1 yes, 0 no)";

// Detection is what the members showed of a fork.
struct Detection {
  bool epochs_differ = false;
  int refused_across = 0;
  std::vector<std::string> lines;
};

// compare_epochs reads group_info at `members` and says whether two members at the same
// epoch_number report different epochs.
std::optional<CheckOutcome> compare_epochs(GroupWorld& w, const std::vector<std::string>& members, Detection& d) {
  std::map<uint64_t, std::pair<std::string, Bytes>> seen;
  for (const std::string& m : members) {
    auto info = w.target().group_info(m, w.group());
    if (!w.must(info, "group_info at " + m)) return *w.stop();
    std::string view;
    for (const std::string& x : info->members) view += (view.empty() ? "" : ",") + x;
    d.lines.push_back(m + " sees [" + view + "]" +
                      (info->epoch ? ", epoch " + short_hex(*info->epoch) : std::string(", no epoch")) +
                      (info->epoch_number ? " at " + std::to_string(*info->epoch_number) : std::string()));
    if (!info->epoch || !info->epoch_number) continue;
    auto [it, fresh_number] = seen.emplace(*info->epoch_number, std::make_pair(m, *info->epoch));
    if (!fresh_number && it->second.second != *info->epoch) d.epochs_differ = true;
  }
  return std::nullopt;
}

// count_refused_across counts refused deliveries given from the round's start on between
// the two parts of a fork.
int count_refused_across(const GroupWorld& w, size_t from_given, const std::vector<std::string>& part) {
  int n = 0;
  const auto in = [&](const std::string& p) {
    return std::find(part.begin(), part.end(), grp::origin_of(p)) != part.end();
  };
  for (size_t i = from_given; i < w.given().size(); ++i) {
    const grp::Given& g = w.given()[i];
    if (g.got == grp::Got::refused && in(g.at) != in(g.from)) ++n;
  }
  return n;
}

CheckOutcome detection_outcome(const std::string& fork, const Detection& d, Tally& tally) {
  const bool detected = d.epochs_differ || d.refused_across > 0;
  tally[kDetectedFigure] = detected ? 1 : 0;
  CheckOutcome out = CheckOutcome::pass(
      fork + ": " +
      (detected ? std::string("the members detect it (") +
                      (d.epochs_differ ? "their epochs differ at the same epoch_number"
                                       : std::to_string(d.refused_across) + " deliveries across the fork refused") +
                      ")"
                : std::string("the members do not detect it (equal or no epochs, every delivery across it accepted)")));
  out.observations = d.lines;
  return out;
}

// roster_fork: with roster "server" the suite announces [alice, bob, carol] to alice and
// bob but keeps dave in the roster it announces to carol and dave; with roster
// "protocol", alice and carol each commit a group_update for the same epoch and each
// commit goes to a different half. Then a round.
CheckOutcome roster_fork(Run& r, Tally& tally) {
  if (auto o = grp::fresh(r, 1)) return *o;
  GroupWorld w(r, "g11");
  PARITY_GRP(w, w.create("alice", {"bob", "carol", "dave"}), "group_create");
  if (!w.round()) return *w.stop();
  const std::vector<std::string> half_a = {"alice", "bob"};
  const std::vector<std::string> half_b = {"carol", "dave"};
  const std::vector<std::string> all = {"alice", "bob", "carol", "dave"};
  std::string fork;
  const size_t start = w.given().size();
  if (w.server_roster()) {
    fork = "the server announced [alice, bob, carol] to alice and bob and [alice, bob, carol, dave] to carol and dave";
    for (const std::string& p : half_a)
      PARITY_GRP(w, w.announce_to(p, {"alice", "bob", "carol"}), "group_roster at " + p);
    for (const std::string& p : half_b) PARITY_GRP(w, w.announce_to(p, all), "group_roster at " + p);
  } else {
    if (!r.target.hello().has("group_update")) {
      CheckOutcome out;
      out.verdict = Verdict::not_tested;
      out.summary = "roster \"protocol\": the fork needs group_update, which the target does not declare";
      return out;
    }
    fork = "alice and carol each committed an update for the same epoch, each routed to a different half";
    w.set_hold(Hold::all);
    auto ua = w.update("alice");
    if (!w.must(ua, "group_update at alice")) return *w.stop();
    auto uc = w.update("carol");
    if (!w.must(uc, "group_update at carol")) return *w.stop();
    for (int id : *ua) {
      const std::string& to = w.delivery(id).to;
      if (std::find(half_a.begin(), half_a.end(), to) != half_a.end()) {
        if (!w.give(id)) return *w.stop();
      } else {
        w.drop(id);
      }
    }
    for (int id : *uc) {
      const std::string& to = w.delivery(id).to;
      if (std::find(half_b.begin(), half_b.end(), to) != half_b.end()) {
        if (!w.give(id)) return *w.stop();
      } else {
        w.drop(id);
      }
    }
    w.set_hold(Hold::none);
  }
  Detection d;
  if (auto o = compare_epochs(w, all, d)) return *o;
  // A round across the fork: each member sends; whatever it produced is routed.
  for (const std::string& p : all) {
    auto op = w.encrypt(p);
    if (op.violated()) return *w.stop();
    if (op.refused()) d.lines.push_back(p + " could not send: " + refusal_text(op.refusal()));
  }
  d.refused_across = count_refused_across(w, start, half_a);
  return detection_outcome(fork, d, tally);
}

// injected_member: roster "server" only. The suite announces a roster with mallory, whom
// the creator never added, to every member; mallory sends.
CheckOutcome injected_member(Run& r, Tally& tally) {
  if (auto o = grp::fresh(r, 2)) return *o;
  GroupWorld w(r, "g11m");
  if (!w.server_roster()) {
    CheckOutcome out;
    out.verdict = Verdict::not_applicable;
    out.summary = "roster \"protocol\": the server cannot announce a member (group_roster is unsupported)";
    return out;
  }
  PARITY_GRP(w, w.create("alice", {"bob", "carol"}), "group_create");
  if (!w.round()) return *w.stop();
  for (const char* p : {"alice", "bob", "carol"})
    if (!w.pair(p, "mallory")) return *w.stop();
  const std::vector<std::string> with = {"alice", "bob", "carol", "mallory"};
  const size_t start = w.given().size();
  for (const std::string& p : with) PARITY_GRP(w, w.announce_to(p, with), "group_roster at " + p);
  Detection d;
  if (auto o = compare_epochs(w, with, d)) return *o;
  for (const std::string& p : with) {
    auto op = w.encrypt(p);
    if (op.violated()) return *w.stop();
    if (op.refused()) d.lines.push_back(p + " could not send: " + refusal_text(op.refusal()));
  }
  d.refused_across = count_refused_across(w, start, {"mallory"});
  std::string got;
  for (int n : w.read_by("mallory")) got += (got.empty() ? "m" : ", m") + std::to_string(n);
  d.lines.push_back("mallory read " + (got.empty() ? std::string("nothing") : got));
  return detection_outcome("the server announced mallory, whom the creator never added", d, tally);
}

}  // namespace

void register_grp_info_checks(harness::Registry& registry) {
  struct HealingSpec {
    const char* id;
    const char* description;
    CheckOutcome (*play)(Run&, Tally&);
    bool update;
  };
  const HealingSpec specs[] = {
      {"GRP-10.no-change", "(a) rounds after a compromise of a member, with no update and no membership change",
       healing_a, false},
      {"GRP-10.victim-update", "(b) rounds after a compromise, the victim calling group_update before round 1",
       healing_b, true},
      {"GRP-10.other-removes", "(c) rounds after a compromise, the creator removing a third member first", healing_c,
       false},
      {"GRP-10.victim-changes-membership", "(d) rounds after a compromise, the victim removing a member first",
       healing_d, false},
  };
  for (const HealingSpec& s : specs) {
    std::vector<Capability> needs = {Capability::group, Capability::export_state, Capability::import_state};
    if (s.update) needs.push_back(Capability::group_update);
    add_check(registry, CheckSpec<Verdicted>{
                            .id = s.id,
                            .requirement = "GRP-10",
                            .description = s.description,
                            .needs = needs,
                            .scenario = self_judged(s.play),
                            .judge = judge_verdicted({{harness::kGroupHealingFigure, kHealingUnit}}),
                        });
  }
  add_check(registry, CheckSpec<Verdicted>{
                          .id = "GRP-11.roster-fork",
                          .requirement = "GRP-11",
                          .description = "the server forks the group (different rosters, or concurrent commits routed "
                                         "to different halves): do the members detect it",
                          .needs = {Capability::group},
                          .scenario = self_judged(roster_fork),
                          .judge = judge_verdicted({{kDetectedFigure, ""}}),
                      });
  add_check(registry,
            CheckSpec<Verdicted>{
                .id = "GRP-11.injected-member",
                .requirement = "GRP-11",
                .description = "the server announces a member the creator never added: do the members detect it",
                .needs = {Capability::group},
                .scenario = self_judged(injected_member),
                .judge = judge_verdicted({{kDetectedFigure, ""}}),
            });
}

}  // namespace parity::suites
