// The group member of the baseline (reference/group/group_member.h): WhatsApp's rules
// over Sender Keys, driven as the suite drives a target (roster announcements to every
// member, deliveries routed by hand), with clones made by export and import.
#include "reference/group/group_member.h"

#include <map>

#include <gtest/gtest.h>

#include "reference/crypto/x25519.h"
#include "reference/crypto/xeddsa.h"
#include "reference/group/group_labels.h"
#include "reference/group/sender_key_message.h"

namespace parity::group {
namespace {

Key32 seed_of(uint8_t b) {
  Key32 k{};
  k.fill(b);
  return k;
}

Bytes text(const std::string& s) {
  return to_bytes(s);
}

// World is a set of parties with pairwise sessions between every two, as the suite sets
// them up (bundle, initiate, one message each way).
struct World {
  SeededRng rng;
  std::map<std::string, signal::Device> parties;
  GroupHooks hooks;

  explicit World(const std::vector<std::string>& names, uint8_t seed = 1) : rng(seed_of(seed)) {
    for (const std::string& n : names) parties.emplace(n, signal::Device::create(rng));
    for (size_t i = 0; i < names.size(); ++i) {
      for (size_t j = i + 1; j < names.size(); ++j) connect(names[i], names[j]);
    }
  }
  void connect(const std::string& a, const std::string& b) {
    signal::Device& da = parties.at(a);
    signal::Device& db = parties.at(b);
    auto bundle = db.bundle(rng);
    ASSERT_TRUE(bundle.ok());
    ASSERT_TRUE(da.initiate(b, *bundle, rng).ok());
    auto c1 = da.encrypt(b, text("hi"));
    ASSERT_TRUE(c1.ok());
    ASSERT_TRUE(db.decrypt(a, *c1, rng).ok());
    auto c2 = db.encrypt(a, text("hi"));
    ASSERT_TRUE(c2.ok());
    ASSERT_TRUE(da.decrypt(b, *c2, rng).ok());
  }
  GroupMember member(const std::string& name) { return GroupMember(parties.at(name), name, rng, hooks); }
  void announce(const std::string& group, const std::vector<std::string>& roster, const std::vector<std::string>& to) {
    for (const std::string& p : to) ASSERT_TRUE(member(p).set_roster(group, roster).ok());
  }
  std::vector<Delivery> send(const std::string& from, const std::string& group, const std::string& plaintext) {
    auto d = member(from).encrypt(group, text(plaintext));
    EXPECT_TRUE(d.ok()) << (d.ok() ? "" : d.error().detail);
    return d.ok() ? *d : std::vector<Delivery>{};
  }
  // route gives every delivery to its recipient; returns what each read.
  std::map<std::string, std::vector<std::string>> route(const std::string& from, const std::string& group,
                                                        const std::vector<Delivery>& ds) {
    std::map<std::string, std::vector<std::string>> read;
    for (const Delivery& d : ds) {
      auto r = member(d.to).receive(group, from, d.envelope);
      EXPECT_TRUE(r.ok()) << d.to << ": " << (r.ok() ? "" : r.error().detail);
      if (r.ok()) {
        EXPECT_EQ(r->kind, d.kind);
        if (r->kind == DeliveryKind::application)
          read[d.to].push_back(std::string(r->plaintext.begin(), r->plaintext.end()));
      }
    }
    return read;
  }
};

const Delivery* find(const std::vector<Delivery>& ds, const std::string& to, DeliveryKind kind) {
  for (const Delivery& d : ds) {
    if (d.to == to && d.kind == kind) return &d;
  }
  return nullptr;
}

std::vector<std::string> one(const std::string& s) {
  return {s};
}

TEST(GroupMember, SendersDistributeOnceThenSendOnce) {
  World w({"alice", "bob", "carol"});
  ASSERT_TRUE(w.member("alice").create("g", {"bob", "carol"}).ok());
  w.announce("g", {"alice", "bob", "carol"}, {"alice", "bob", "carol"});
  auto first = w.send("alice", "g", "one");
  ASSERT_EQ(first.size(), 4u);
  EXPECT_EQ(first[0].kind, DeliveryKind::control);
  EXPECT_EQ(first[1].kind, DeliveryKind::control);
  EXPECT_EQ(first[0].envelope[0], kControlMessage);
  EXPECT_EQ(first[2].envelope, first[3].envelope);  // one SenderKeyMessage for all
  EXPECT_EQ(first[2].envelope[0], kSenderKeyVersionByte);
  auto read = w.route("alice", "g", first);
  EXPECT_EQ(read["bob"], one("one"));
  EXPECT_EQ(read["carol"], one("one"));
  auto second = w.send("alice", "g", "two");
  ASSERT_EQ(second.size(), 2u);  // the key went out already
  read = w.route("alice", "g", second);
  EXPECT_EQ(read["bob"], one("two"));
  auto from_bob = w.send("bob", "g", "from bob");
  read = w.route("bob", "g", from_bob);
  EXPECT_EQ(read["alice"], one("from bob"));
  EXPECT_EQ(read["carol"], one("from bob"));
  // Replays are refused; a relabelled `from` finds no key or a wrong signature.
  EXPECT_EQ(w.member("carol").receive("g", "bob", from_bob.back().envelope).code(), Errc::duplicate_message);
  auto relabelled = w.send("bob", "g", "relabel");
  EXPECT_FALSE(w.member("carol").receive("g", "alice", relabelled.back().envelope).ok());
  auto genuine = w.member("carol").receive("g", "bob", relabelled.back().envelope);
  ASSERT_TRUE(genuine.ok());
  EXPECT_EQ(genuine->plaintext, text("relabel"));
  auto info = w.member("carol").info("g");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->members.size(), 3u);
  EXPECT_FALSE(info->removed);
}

TEST(GroupMember, RemovalRotatesAndTheRemovedReadsNothing) {
  World w({"alice", "bob", "carol"});
  w.announce("g", {"alice", "bob", "carol"}, {"alice", "bob", "carol"});
  w.route("alice", "g", w.send("alice", "g", "before"));
  w.route("carol", "g", w.send("carol", "g", "carol speaks"));
  // A clone of carol made after the removal, before any announcement.
  ASSERT_TRUE(w.member("alice").remove("g", "carol").ok());
  auto clone = signal::Device::deserialize(w.parties.at("carol").serialize());
  ASSERT_TRUE(clone.ok());
  w.announce("g", {"alice", "bob"}, {"alice", "bob", "carol"});
  EXPECT_EQ(w.member("carol").encrypt("g", text("x")).code(), Errc::invalid_argument);
  auto info = w.member("carol").info("g");
  ASSERT_TRUE(info.ok());
  EXPECT_TRUE(info->removed);
  EXPECT_TRUE(w.parties.at("carol").groups().at("g").own.empty());
  EXPECT_FALSE(w.parties.at("bob").groups().at("g").received.contains("carol"));

  auto after = w.send("alice", "g", "after");
  ASSERT_EQ(after.size(), 2u);  // a fresh key to bob, then the message
  EXPECT_EQ(after[0].kind, DeliveryKind::control);
  auto read = w.route("alice", "g", after);
  EXPECT_EQ(read["bob"], one("after"));
  EXPECT_FALSE(w.member("carol").receive("g", "alice", after[1].envelope).ok());
  GroupMember clone_member(*clone, "carol", w.rng);
  EXPECT_EQ(clone_member.receive("g", "alice", after[1].envelope).code(), Errc::no_session);
  // Bob rotates too before his next send.
  auto bob_old = w.parties.at("bob").groups().at("g").own;
  auto bob_after = w.send("bob", "g", "bob after");
  EXPECT_EQ(bob_after.front().kind, DeliveryKind::control);
  EXPECT_NE(w.parties.at("bob").groups().at("g").own.newest()->chain.key,
            bob_old.newest() ? bob_old.newest()->chain.key : Key32{});
}

TEST(GroupMember, AJoinerReadsNothingEarlier) {
  World w({"alice", "bob", "dave"});
  w.announce("g", {"alice", "bob"}, {"alice", "bob"});
  auto early = w.send("alice", "g", "early");
  w.route("alice", "g", early);
  w.announce("g", {"alice", "bob", "dave"}, {"alice", "bob", "dave"});
  auto late = w.send("alice", "g", "late");
  ASSERT_EQ(late.size(), 3u);  // a control to dave only, then two messages
  ASSERT_NE(find(late, "dave", DeliveryKind::control), nullptr);
  EXPECT_TRUE(w.member("dave").receive("g", "alice", find(late, "dave", DeliveryKind::control)->envelope).ok());
  EXPECT_EQ(w.member("dave").receive("g", "alice", early.back().envelope).code(), Errc::duplicate_message);
  auto r = w.member("dave").receive("g", "alice", find(late, "dave", DeliveryKind::application)->envelope);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->plaintext, text("late"));
  // Another member's control delivery is not dave's to open.
  EXPECT_FALSE(w.member("dave").receive("g", "alice", early.front().envelope).ok());
}

TEST(GroupMember, ControlIsBoundToItsGroupAndItsSender) {
  World w({"alice", "bob", "eve"});
  w.announce("g1", {"alice", "bob"}, {"alice", "bob"});
  w.announce("g2", {"alice", "bob"}, {"alice", "bob"});
  auto in_g1 = w.send("alice", "g1", "for g1");
  const signal::Device before = w.parties.at("bob");
  EXPECT_EQ(w.member("bob").receive("g2", "alice", in_g1[0].envelope).code(), Errc::malformed);
  EXPECT_EQ(w.parties.at("bob"), before);  // the pairwise decrypt was undone
  auto read = w.route("alice", "g1", in_g1);
  EXPECT_EQ(read["bob"], one("for g1"));
  // A control delivery from outside the roster, and ops on an unknown group, are bad requests.
  EXPECT_EQ(w.member("bob").receive("g1", "eve", in_g1[0].envelope).code(), Errc::invalid_argument);
  EXPECT_EQ(w.member("bob").receive("nope", "alice", in_g1[1].envelope).code(), Errc::invalid_argument);
  EXPECT_EQ(w.member("bob").encrypt("nope", text("x")).code(), Errc::invalid_argument);
  // Without a pairwise session the send is refused before any change.
  w.announce("g3", {"alice", "bob", "eve"}, {"alice"});
  World lone({"alice", "frank"}, 9);
  lone.announce("g", {"alice", "frank", "ghost"}, {"alice"});
  const signal::Device alice_before = lone.parties.at("alice");
  EXPECT_EQ(lone.member("alice").encrypt("g", text("x")).code(), Errc::no_session);
  EXPECT_EQ(lone.parties.at("alice"), alice_before);
}

TEST(GroupMember, AnOlderDistributionInANewPairwiseMessageDoesNotRollBack) {
  World w({"alice", "bob"});
  w.announce("g", {"alice", "bob"}, {"alice", "bob"});
  // The distribution at iteration 0, as a stale member would resend it.
  const SenderKeyDistributionMessage at0 = [&] {
    auto first = w.send("alice", "g", "m0");
    w.route("alice", "g", first);
    return distribution_of(*w.parties.at("bob").groups().at("g").received.at("alice").newest());
  }();
  std::vector<Delivery> sent;
  for (int i = 1; i < 4; ++i) {
    auto d = w.send("alice", "g", "m" + std::to_string(i));
    w.route("alice", "g", d);
    sent.push_back(d.back());
  }
  const GroupKeyWrapper stale{"g",
                              SenderKeyDistributionMessage{at0.key_id, 0, at0.chain_key, at0.signing_key}.serialize()};
  auto c = w.parties.at("alice").encrypt("bob", stale.serialize());
  ASSERT_TRUE(c.ok());
  Bytes envelope{c->kind == signal::MessageKind::prekey ? kControlPrekey : kControlMessage};
  envelope.insert(envelope.end(), c->bytes.begin(), c->bytes.end());
  const GroupState held = w.parties.at("bob").groups().at("g");
  auto r = w.member("bob").receive("g", "alice", envelope);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->kind, DeliveryKind::control);
  EXPECT_EQ(w.parties.at("bob").groups().at("g").received, held.received);
  EXPECT_EQ(w.member("bob").receive("g", "alice", sent[0].envelope).code(), Errc::duplicate_message);
  auto next = w.send("alice", "g", "m4");
  EXPECT_EQ(w.route("alice", "g", next)["bob"], one("m4"));
}

TEST(GroupMember, ExportCarriesGroupsStrictly) {
  World w({"alice", "bob"});
  w.announce("g", {"alice", "bob"}, {"alice", "bob"});
  w.route("alice", "g", w.send("alice", "g", "x"));
  w.route("bob", "g", w.send("bob", "g", "y"));
  ASSERT_TRUE(w.member("bob").update("g").ok());
  const Bytes state = w.parties.at("bob").serialize();
  auto back = signal::Device::deserialize(state);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, w.parties.at("bob"));
  EXPECT_EQ(back->serialize(), state);
  Bytes longer = state;
  longer.push_back(0);
  EXPECT_FALSE(signal::Device::deserialize(longer).ok());
  for (size_t cut : {state.size() - 1, state.size() - 40, state.size() / 2}) {
    EXPECT_FALSE(signal::Device::deserialize(ByteView(state).first(cut)).ok()) << cut;
  }
  // The clone reads what is sent to bob; the pending rotation survives the export.
  GroupMember clone(*back, "bob", w.rng);
  auto d = w.send("alice", "g", "to both");
  auto r = clone.receive("g", "alice", d.back().envelope);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->plaintext, text("to both"));
  auto rotated = clone.encrypt("g", text("rotated"));
  ASSERT_TRUE(rotated.ok());
  EXPECT_EQ(rotated->front().kind, DeliveryKind::control);
  // A device without groups keeps the earlier format.
  signal::Device plain = signal::Device::create(w.rng);
  const Bytes p = plain.serialize();
  EXPECT_EQ(std::string(p.begin(), p.begin() + 22), "PARITY-SIGNAL-DEVICE-1");
}

TEST(GroupMember, InjectedKeysGiveEqualEnvelopesButTheSignature) {
  SenderKeyOptions inject{seed_of(0x10), seed_of(0x20), 1234};
  std::vector<Bytes> envelopes;
  for (uint8_t seed : {1, 2}) {
    World w({"alice", "bob"}, seed);
    w.announce("g", {"alice", "bob"}, {"alice", "bob"});
    auto d = w.member("alice").encrypt("g", text("same"), inject);
    ASSERT_TRUE(d.ok());
    envelopes.push_back(d->back().envelope);
    auto r = w.member("bob").receive("g", "alice", d->front().envelope);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(w.parties.at("bob").groups().at("g").received.at("alice").newest()->key_id, 1234u);
  }
  ASSERT_EQ(envelopes[0].size(), envelopes[1].size());
  const size_t body = envelopes[0].size() - 64;
  EXPECT_TRUE(
      std::equal(envelopes[0].begin(), envelopes[0].begin() + static_cast<std::ptrdiff_t>(body), envelopes[1].begin()));
  EXPECT_NE(envelopes[0], envelopes[1]);  // randomised signatures
  const Key32 pub = x25519_public(clamp_private(seed_of(0x20)));
  for (const Bytes& e : envelopes) {
    EXPECT_TRUE(xeddsa_verify(pub, ByteView(e).first(body), ByteView(e).subspan(body)));
  }
}

TEST(GroupMember, ForgeriesAreRefused) {
  World w({"alice", "bob", "carol"});
  w.announce("g", {"alice", "bob", "carol"}, {"alice", "bob", "carol"});
  w.route("alice", "g", w.send("alice", "g", "a"));
  w.route("carol", "g", w.send("carol", "g", "c"));
  // Carol holds alice's chain and signs with her own key.
  auto forged = w.member("carol").forge("g", "alice", std::nullopt);
  ASSERT_TRUE(forged.ok());
  EXPECT_EQ(w.member("bob").receive("g", "alice", *forged).code(), Errc::bad_signature);
  for (uint32_t far : {100000u, 0x80000000u, 0xffffffffu}) {
    auto f = w.member("carol").forge("g", "alice", far);
    ASSERT_TRUE(f.ok());
    EXPECT_FALSE(w.member("bob").receive("g", "alice", *f).ok()) << far;
  }
  // With the signature check off (a mutant's hook) the same-iteration forgery is read.
  GroupHooks lax;
  lax.verify_signature = false;
  GroupMember bob_lax(w.parties.at("bob"), "bob", w.rng, lax);
  auto read = bob_lax.receive("g", "alice", *forged);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->plaintext, text(std::string(kForgedPlaintext)));
}

}  // namespace
}  // namespace parity::group
