// member_fixture.h: the seeded group conversation that group_member_receive fuzzes
// against and that make_corpus draws its genuine deliveries from: bob's whole device
// (pairwise sessions and group states) after alice and carol have talked in a group.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "fuzz/session_fixture.h"
#include "reference/crypto/random.h"
#include "reference/device.h"
#include "reference/group/group_member.h"

#include "base/bytes.h"

namespace parity::fuzz {

// kMemberGroup is the fixture's group; kMemberSenders are who bob's input is read as
// coming from (members of the roster, and one who never was).
inline constexpr const char* kMemberGroup = "fuzz-member-group@g.example";
inline const std::vector<std::string>& member_senders() {
  static const std::vector<std::string> senders{"alice", "carol", "mallory"};
  return senders;
}

// MemberFixture is bob, serialised, and the deliveries made for him: the ones he read
// (replays now) and the genuine ones he has not seen, each with its sender.
struct MemberFixture {
  struct Sent {
    std::string from;
    group::Delivery delivery;
  };
  Bytes bob_state;
  std::vector<Sent> delivered;
  std::vector<Sent> undelivered;
};

inline Key32 member_fixture_seed() {
  return counting_seed(0xe0);
}

// member_receive_seed seeds the generator group_member_receive hands bob per attempt.
inline Key32 member_receive_seed() {
  return repeated_seed(0x43);
}

// make_member_fixture: alice, bob and carol with pairwise sessions; alice makes the group
// and sends (bob reads the control delivery and some messages, one skipped), carol sends
// once (bob reads none of it), then alice rotates (an update) and sends again unseen.
inline MemberFixture make_member_fixture() {
  MemberFixture fx;
  SeededRng rng(member_fixture_seed());
  std::map<std::string, signal::Device> parties;
  for (const char* n : {"alice", "bob", "carol"}) parties.emplace(n, signal::Device::create(rng));
  auto connect = [&](const std::string& a, const std::string& b) {
    signal::Device& da = parties.at(a);
    signal::Device& db = parties.at(b);
    must(da.initiate(b, must(db.bundle(rng), "bundle"), rng), "initiate");
    must(db.decrypt(a, must(da.encrypt(b, view(std::string("hi"))), "encrypt"), rng), "decrypt");
    must(da.decrypt(b, must(db.encrypt(a, view(std::string("hi"))), "encrypt"), rng), "decrypt");
  };
  connect("alice", "bob");
  connect("alice", "carol");
  connect("carol", "bob");
  auto member = [&](const std::string& n) { return group::GroupMember(parties.at(n), n, rng); };
  const std::vector<std::string> roster{"alice", "bob", "carol"};
  for (const std::string& n : roster) must(member(n).set_roster(kMemberGroup, roster), "roster");

  // send returns the deliveries for bob; carol reads everything hers at once.
  auto send = [&](const std::string& from, const std::string& text) {
    std::vector<MemberFixture::Sent> for_bob;
    for (const group::Delivery& d : must(member(from).encrypt(kMemberGroup, view(text)), "group encrypt")) {
      if (d.to == "bob") {
        for_bob.push_back({from, d});
      } else {
        must(member(d.to).receive(kMemberGroup, from, d.envelope), "group receive");
      }
    }
    return for_bob;
  };
  auto bob_reads = [&](const std::vector<MemberFixture::Sent>& sent) {
    for (const auto& s : sent) {
      must(member("bob").receive(kMemberGroup, s.from, s.delivery.envelope), "bob group receive");
      fx.delivered.push_back(s);
    }
  };
  auto unseen = [&](const std::vector<MemberFixture::Sent>& sent) {
    fx.undelivered.insert(fx.undelivered.end(), sent.begin(), sent.end());
  };

  bob_reads(send("alice", "hello group"));  // control + application
  auto skipped = send("alice", "skipped");
  bob_reads(send("alice", "after a gap"));
  unseen(skipped);
  unseen(send("alice", std::string(200, 'x')));
  unseen(send("carol", "carol's first"));  // carol's control and application
  must(member("alice").update(kMemberGroup), "update");
  unseen(send("alice", "on the new key"));  // a new control and application
  fx.bob_state = parties.at("bob").serialize();
  return fx;
}

}  // namespace parity::fuzz
