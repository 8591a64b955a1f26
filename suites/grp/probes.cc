#include "suites/grp/probes.h"

namespace parity::suites::grp {

std::optional<CheckOutcome> fresh(Run& r, int n) {
  auto reset = fresh_world(r.target, r.seed(), n);
  if (reset.ok()) return std::nullopt;
  return outcome_of(reset, "reset of the " + side_label(r));
}

CheckOutcome stopped_or(const GroupWorld& w, CheckOutcome o) {
  if (w.stop()) return *w.stop();
  return o;
}

int first_delivery_to(const GroupWorld& w, int n, const std::string& to) {
  for (int id : w.message(n).deliveries)
    if (w.delivery(id).to == to) return id;
  return -1;
}

std::optional<CheckOutcome> probe_sender_states(Run& r, const std::string& group, int rotations, Eviction& out_) {
  GroupWorld w(r, group);
  if (!w.must(w.create("alice", {"bob", "carol", "dave"}), "group_create")) return *w.stop();
  if (!w.round()) return *w.stop();
  w.set_hold(Hold::application);
  int held = -1;
  if (!w.must(w.encrypt("alice", &held), "alice sending the message bob is given last")) return *w.stop();
  const int held_id = first_delivery_to(w, held, "bob");
  if (held_id < 0) return stopped_or(w, CheckOutcome::fail("alice's message has no delivery to bob"));
  w.set_hold(Hold::none);
  int last = -1;
  for (int i = 0; i < rotations; ++i) {
    // alice rotates by group_update where the target has it, so that this probe of
    // retention does not also judge rotation after a removal (GRP-5's); else a removal
    // makes every remaining sender rotate before its next send (groups.md).
    if (r.target.hello().has("group_update")) {
      if (!w.must(w.update("alice"), "alice's group_update")) return *w.stop();
    } else {
      if (!w.must(w.remove("dave"), "removing dave")) return *w.stop();
      if (!w.must(w.add("dave"), "re-adding dave")) return *w.stop();
    }
    if (!w.must(w.encrypt("alice", &last), "alice sending after rotation " + std::to_string(i + 1))) return *w.stop();
    out_.rotations = i + 1;
  }
  out_.newest_read = last >= 0 && w.times_read("bob", last) > 0;
  auto g = w.give(held_id);
  if (!g) return *w.stop();
  out_.old_read = reads(g);
  return std::nullopt;
}

}  // namespace parity::suites::grp
