// group_world.h: the suite as a group's server for one Run (groups.md, "The group attacker
// model"). A GroupWorld makes the parties, the pairwise sessions the spec asks for before
// group_create and group_add, performs the membership ops at the creator, announces
// rosters (roster "server"), and routes every delivery: per recipient, control deliveries
// in the order produced and before any later application delivery to that recipient;
// application deliveries may be held and then given, permuted, dropped, repeated or
// forked by the scenario. Clones (export, then import as `X~N`) follow their original:
// every delivery given to X is also given to them. Every delivery given is recorded
// (who read what), for the checks' models and counterexamples.
//
// Both sides of a check play the same scenario, each on its own GroupWorld: nothing here
// depends on the process but its answers.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "suites/common/bounds.h"
#include "suites/common/check_spec.h"

namespace parity::suites::grp {

using harness::Deliveries;
using harness::DeliveryKind;

// Routed is one delivery a group op produced; its id is its index in production order.
struct Routed {
  int id = 0;
  std::string from;  // the performer of the op that produced it
  std::string to;
  DeliveryKind kind = DeliveryKind::application;
  Bytes envelope;
  std::string op;    // what produced it, in words ("alice sends m3", "alice adds dave")
  int message = -1;  // the application message it carries (Message::n); -1 for control
  // The world's roster once the producing op took effect at its performer: what a member
  // that processes this control delivery knows of the group (roster "protocol").
  std::vector<std::string> roster;
};

// Got is what came of one delivery given to a party.
enum class Got { read, control, refused };

// Given is one delivery given to a party, and what came of it.
struct Given {
  int delivery = -1;  // Routed::id; -1 for bytes the scenario made itself
  std::string at;
  std::string from;  // as claimed in group_receive
  Got got = Got::refused;
  Bytes plaintext;
  int message = -1;  // the message whose plaintext was read; -1 for none or other bytes
  std::optional<harness::Refusal> refusal;
};

// Message is one application message a member sent through the world.
struct Message {
  int n = 0;
  std::string sender;
  Bytes plaintext;
  // Who it was sent to: the world's roster (roster "server"), or under roster "protocol"
  // the members of the sender's processed view that are still in the world's roster (a
  // join takes effect for a sender when it has processed the commit, groups.md).
  std::vector<std::string> roster;
  std::vector<int> deliveries;      // its application deliveries
};

// Hold says which produced deliveries wait for the scenario instead of going at once.
enum class Hold { none, application, all };

// Announce says whether a membership op announces the new roster at once (roster
// "server"), or leaves it to announce() (GRP-5 clones the removed member in between).
enum class Announce { now, later };

// BundleEdit lets a scenario alter the fresh bundle of `member` before the suite passes
// it to group_create/group_add (GRP-2's tampered bundles).
using BundleEdit = std::function<void(const std::string& member, harness::BundleResult& bundle)>;

// Ids are delivery ids (Routed::id).
using Ids = std::vector<int>;

class GroupWorld {
 public:
  // GroupWorld plays the server of group `group` on `r`'s process.
  GroupWorld(Run& r, std::string group);

  Target& target() { return t_; }
  const std::string& group() const { return group_; }
  const GroupBounds& bounds() const { return bounds_; }
  bool server_roster() const { return server_roster_; }
  bool with_bundles() const { return bundles_; }
  const std::string& creator() const { return creator_; }
  // roster is the server's view: the creator, then members in the order they were added.
  const std::vector<std::string>& roster() const { return roster_; }
  bool in_roster(const std::string& party) const;
  // removed lists members removed so far (re-added ones leave it).
  const std::set<std::string>& removed() const { return removed_; }

  // stop is the first violation, or refusal of a step that must work; once set, every
  // op answers false/none and the scenario ends with it.
  const std::optional<CheckOutcome>& stop() const { return stop_; }
  bool stopped() const { return stop_.has_value(); }
  // must turns a failed op into the world's stop (error for a violation, fail naming
  // `what` for a refusal) and says whether the op worked.
  template <class T>
  bool must(const Op<T>& op, const std::string& what) {
    if (op.ok()) return true;
    if (op.violated()) violation_ = op.violation();
    halt(outcome_of(op, what));
    return false;
  }
  void halt(CheckOutcome o);
  // violation is the protocol violation that stopped the world, if that is what did.
  const std::optional<harness::Violation>& violation() const { return violation_; }

  // Setup. make_party creates a party once; pair makes a pairwise session between two
  // parties once (b publishes a bundle, a initiates, one message each way).
  bool make_party(const std::string& party);
  bool pair(const std::string& a, const std::string& b);

  // Membership, performed by the creator (create makes the creator). Each makes the
  // parties and pairwise sessions the spec asks for first; with group_bundles it passes
  // fresh bundles (edited by `edit` when given). A refusal is returned, not a stop (a
  // tampered bundle must be refused); a violation stops. With roster "server" the new
  // roster is announced to every member, the removed one included (Announce::now).
  Op<Ids> create(const std::string& creator, const std::vector<std::string>& members, const BundleEdit& edit = {});
  Op<Ids> add(const std::string& member, const BundleEdit& edit = {}, Announce announce = Announce::now);
  // remove is asked of `performer` when given (GRP-10's victim changing the membership),
  // of the creator otherwise.
  Op<Ids> remove(const std::string& member, Announce announce = Announce::now, const std::string& performer = "");
  // update has `party` refresh its own keys (group_update) and routes what it produced.
  Op<Ids> update(const std::string& party);
  // announce_to gives `roster` to `party` alone, whatever the world's roster (a server
  // that forks the group: GRP-11), and routes what it produced.
  Op<Ids> announce_to(const std::string& party, const std::vector<std::string>& roster);
  // adopt takes `other`'s parties and pairwise sessions as made: a second group of the
  // same members on the same process (GRP-9).
  void adopt(const GroupWorld& other);
  // announce gives the current roster with group_roster to every member and to `also`
  // (roster "server" only; nothing otherwise). Returns the deliveries it produced.
  Op<Ids> announce(const std::vector<std::string>& also = {});

  // encrypt has `sender` encrypt a fresh message (or `plaintext`); returns the
  // deliveries it produced (control first, as the target ordered them). `message_out`
  // receives the message number.
  // `inject` passes group_encrypt's injected keys (capability inject).
  Op<Ids> encrypt(const std::string& sender, int* message_out = nullptr, std::optional<Bytes> plaintext = std::nullopt,
                  const harness::GroupInject& inject = {});
  // round is groups.md's round: each member in roster order makes one group_encrypt,
  // routed at once (whatever the hold), clones included. Returns the message numbers.
  std::optional<std::vector<int>> round();

  // Clones. clone exports `party` and imports it as `party~N`; the clone follows the
  // original (every delivery given to it is also given to the clone) unless `follow` is
  // false. Returns the clone's name.
  std::optional<std::string> clone(const std::string& party, bool follow = true);
  const std::vector<std::string>& clones_of(const std::string& party) const;
  // watch makes `party` (and its clones) receive every delivery given from now on,
  // whoever it is addressed to (each distinct envelope once), as a curious party whose
  // server forwards everything (GRP-5's removed member).
  void watch(const std::string& party);

  // Routing.
  void set_hold(Hold h) { hold_ = h; }
  Hold hold() const { return hold_; }
  // give gives delivery `id` to `at` (default: its recipient), claimed `from` (default:
  // its performer). Given to its own recipient, the delivery leaves the pending queue,
  // every earlier pending control delivery to that recipient goes first, and followers
  // (clones, watchers) get it too. None on a violation (the world stops).
  std::optional<Given> give(int id, const std::string& at = "", const std::string& from = "");
  // give_bytes gives bytes the scenario made (a tampered or forged envelope); it counts
  // as no delivery in times_read and read_by.
  std::optional<Given> give_bytes(const std::string& at, const std::string& from, ByteView envelope,
                                  const std::string& label);
  // flush gives every pending delivery to `at` in production order; flush_all to all.
  bool flush(const std::string& at);
  bool flush_all();
  // drop forgets a pending delivery: it is never given (by the world).
  void drop(int id);
  // pending lists the deliveries waiting for `at`, in production order.
  Ids pending(const std::string& at) const;

  const Routed& delivery(int id) const { return routed_[static_cast<size_t>(id)]; }
  const std::vector<Routed>& deliveries() const { return routed_; }
  const std::vector<Message>& messages() const { return messages_; }
  const Message& message(int n) const { return messages_[static_cast<size_t>(n)]; }
  // message_of finds the message with these plaintext bytes (-1 if none).
  int message_of(ByteView plaintext) const;

  // The record of who read what.
  const std::vector<Given>& given() const { return given_; }
  int times_read(const std::string& at, int message) const;
  // read_by lists the messages `at` read, each once, in the order first read.
  std::vector<int> read_by(const std::string& at) const;

  // Log in words for counterexamples.
  void note(std::string line) { log_.push_back(std::move(line)); }
  const std::vector<std::string>& log() const { return log_; }
  std::string story(size_t max_lines = 40) const;

 private:
  Ids take(const Deliveries& ds, const std::string& from, const std::string& op, int message);
  // failed notes a group op that violated PTP (which stops the world) or was refused, and
  // returns what the caller hands back; nullopt when the op succeeded (noted by the caller).
  std::optional<Op<Ids>> failed(const Op<harness::Deliveries>& op, const std::string& words);
  // route gives or queues freshly produced deliveries per the hold (or at once).
  bool route(const Ids& ids, bool at_once);
  std::optional<Given> give_one(int id, const std::string& at, const std::string& from);
  // audience is who a message `sender` makes now is owed to (Message::roster).
  std::vector<std::string> audience(const std::string& sender) const;
  std::optional<Given> receive(const std::string& at, const std::string& from, ByteView envelope, int delivery,
                               const std::string& label);
  void violated(const harness::Violation& v);
  Op<Bytes> fresh_bundle(const std::string& member, const BundleEdit& edit);

  Target& t_;
  std::string group_;
  GroupBounds bounds_;
  bool server_roster_ = true;
  bool bundles_ = false;
  Hold hold_ = Hold::none;
  std::string creator_;
  std::vector<std::string> roster_;
  // Roster "protocol": the roster each party has processed (its own ops at once, others'
  // when it takes their control delivery).
  std::map<std::string, std::vector<std::string>> views_;
  std::set<std::string> removed_;
  std::set<std::string> parties_;
  std::set<std::pair<std::string, std::string>> paired_;
  std::map<std::string, std::vector<std::string>> clones_;
  std::set<std::string> following_;                  // clones that follow their original
  std::map<std::string, std::set<Bytes>> watchers_;  // watcher -> envelopes given to it
  std::vector<Routed> routed_;
  std::map<std::string, std::deque<int>> pending_;
  std::vector<Message> messages_;
  std::map<Bytes, int> by_plaintext_;
  std::vector<Given> given_;
  std::vector<std::string> log_;
  std::optional<CheckOutcome> stop_;
  std::optional<harness::Violation> violation_;
};

// ReadCheck is GRP-1's promise checked over everything a world gave: each message read
// exactly once by every member of the roster it was sent to (its sender aside).
struct ReadCheck {
  double expected = 0;  // (member, message) pairs promised
  double read = 0;      // of those, read exactly once
  std::vector<std::string> problems;
};
ReadCheck expected_reads(const GroupWorld& w);

// origin_of is the party a clone was imported from (the name itself for a non-clone).
std::string origin_of(const std::string& party);

}  // namespace parity::suites::grp
