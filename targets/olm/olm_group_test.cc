// olm_group_test.cc: Megolm groups of parity::olm::Device (olm_group.cc) with three and
// four members: distribution, send, receive, reorder, replays, tampering, removal and
// rotation, joining, and what an exported clone reads.
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "targets/olm/olm_device.h"

namespace parity::olm {
namespace {

using Deliveries = std::vector<GroupDelivery>;
const std::vector<std::string> kTrio{"alice", "bob", "carol"};

Bytes text(const std::string& s) {
  return to_bytes(s);
}

// Group holds devices with pairwise Olm sessions between every two of them.
struct Group {
  SeededRng rng{[] {
    Key32 k{};
    k.fill(0x42);
    return k;
  }()};
  std::map<std::string, Device> devices;

  explicit Group(const std::vector<std::string>& names) {
    for (const auto& n : names) devices.emplace(n, Device::create(rng).value());
    for (size_t i = 0; i < names.size(); ++i) {
      for (size_t j = i + 1; j < names.size(); ++j) pair(names[i], names[j]);
    }
  }
  Device& at(const std::string& n) { return devices.at(n); }

  void pair(const std::string& a, const std::string& b) {
    Bytes bundle = at(b).bundle(rng).value();
    ASSERT_TRUE(at(a).initiate(b, bundle, rng).ok());
    auto c = at(a).encrypt(b, text("hi"), rng).value();
    ASSERT_TRUE(at(b).decrypt(a, c, rng).ok());
    c = at(b).encrypt(a, text("hi"), rng).value();
    ASSERT_TRUE(at(a).decrypt(b, c, rng).ok());
  }
  // announce is the server's roster announcement to every device in `to`.
  void announce(const std::string& group, const std::vector<std::string>& members, const std::vector<std::string>& to) {
    for (const auto& n : to) {
      auto r = at(n).group_roster(n, group, members);
      ASSERT_TRUE(r.ok()) << r.error().detail;
      EXPECT_TRUE(r->empty());
    }
  }
  Deliveries send(const std::string& from, const std::string& group, const std::string& msg) {
    auto r = at(from).group_encrypt(group, text(msg), rng);
    EXPECT_TRUE(r.ok()) << r.error().detail;
    return r.ok() ? *r : Deliveries{};
  }
  // route gives every delivery to its recipient and checks what each read.
  void route(const std::string& from, const std::string& group, const Deliveries& ds, const std::string& msg) {
    for (const auto& d : ds) {
      auto got = at(d.to).group_receive(group, from, d.envelope);
      ASSERT_TRUE(got.ok()) << d.to << ": " << got.error().detail;
      EXPECT_EQ(got->kind, d.kind);
      if (d.kind == GroupDeliveryKind::application) {
        EXPECT_EQ(got->plaintext, text(msg)) << d.to;
      }
    }
  }
};

const GroupDelivery& find(const Deliveries& ds, const std::string& to, GroupDeliveryKind kind) {
  for (const auto& d : ds) {
    if (d.to == to && d.kind == kind) return d;
  }
  static const GroupDelivery none;
  ADD_FAILURE() << "no delivery to " << to;
  return none;
}

Bytes session_id(const GroupDelivery& app) {
  return Bytes(app.envelope.begin() + 1, app.envelope.begin() + 33);
}

// trio makes group "g" of alice (its creator), bob and carol, announced to all three.
void make_trio(Group& t) {
  auto made = t.at("alice").group_create("alice", "g", {"bob", "carol"});
  ASSERT_TRUE(made.ok()) << made.error().detail;
  EXPECT_TRUE(made->empty());
  t.announce("g", kTrio, kTrio);
}

TEST(OlmGroup, DistributionThenMessagesEveryWay) {
  Group t(kTrio);
  make_trio(t);
  Deliveries first = t.send("alice", "g", "m1");
  // Room keys first, then the Megolm message, each in roster order.
  ASSERT_EQ(first.size(), 4u);
  EXPECT_EQ(first[0].to, "bob");
  EXPECT_EQ(first[0].kind, GroupDeliveryKind::control);
  EXPECT_EQ(first[0].envelope[0], kGroupControlTag);
  EXPECT_EQ(first[1].to, "carol");
  EXPECT_EQ(first[1].kind, GroupDeliveryKind::control);
  EXPECT_EQ(first[2].to, "bob");
  EXPECT_EQ(first[2].kind, GroupDeliveryKind::application);
  EXPECT_EQ(first[2].envelope[0], kGroupApplicationTag);
  EXPECT_EQ(first[2].envelope, first[3].envelope);  // one Megolm message for everyone
  t.route("alice", "g", first, "m1");

  Deliveries second = t.send("alice", "g", "m2");
  ASSERT_EQ(second.size(), 2u);  // the key went out once per member
  t.route("alice", "g", second, "m2");
  for (const std::string sender : {"bob", "carol"}) {
    Deliveries ds = t.send(sender, "g", "from " + sender);
    EXPECT_EQ(ds.size(), 4u);
    t.route(sender, "g", ds, "from " + sender);
  }
  GroupView view = t.at("carol").group_info("g").value();
  EXPECT_EQ(view.members, kTrio);
  EXPECT_FALSE(view.removed);
}

TEST(OlmGroup, ReorderedReadOnceAndFiledUnderFrom) {
  Group t(kTrio);
  make_trio(t);
  std::vector<Deliveries> sent;
  for (int i = 0; i < 6; ++i) sent.push_back(t.send("alice", "g", "m" + std::to_string(i)));
  // Too early: no key yet, refused without effect, read once the key has come.
  const GroupDelivery& early = find(sent[3], "carol", GroupDeliveryKind::application);
  EXPECT_EQ(t.at("carol").group_receive("g", "alice", early.envelope).code(), Errc::no_session);
  ASSERT_TRUE(
      t.at("carol").group_receive("g", "alice", find(sent[0], "carol", GroupDeliveryKind::control).envelope).ok());
  for (int i = 5; i >= 0; --i) {
    auto got =
        t.at("carol").group_receive("g", "alice", find(sent[i], "carol", GroupDeliveryKind::application).envelope);
    ASSERT_TRUE(got.ok()) << i << ": " << got.error().detail;
    EXPECT_EQ(got->plaintext, text("m" + std::to_string(i)));
  }
  // Replays: libolm would read them again (megolm.md "Message Replays"); the device
  // refuses a (session, index) it has read, as Matrix clients do.
  for (const auto& ds : sent) {
    EXPECT_EQ(
        t.at("carol").group_receive("g", "alice", find(ds, "carol", GroupDeliveryKind::application).envelope).code(),
        Errc::duplicate_message);
  }
  // The sender is the pairwise peer that delivered the key: relabelled, nothing matches.
  Deliveries more = t.send("alice", "g", "m6");
  const Bytes& app = find(more, "carol", GroupDeliveryKind::application).envelope;
  EXPECT_EQ(t.at("carol").group_receive("g", "bob", app).code(), Errc::no_session);
  EXPECT_EQ(t.at("carol").group_receive("g", "alice", app).value().plaintext, text("m6"));
  // A control delivery from outside the roster is a bad request.
  EXPECT_EQ(t.at("carol").group_receive("g", "dave", find(sent[0], "bob", GroupDeliveryKind::control).envelope).code(),
            Errc::invalid_argument);
}

TEST(OlmGroup, TamperedEnvelopesRefusedWithoutEffect) {
  Group t(kTrio);
  make_trio(t);
  Deliveries ds = t.send("alice", "g", "m1");
  const Bytes& control = find(ds, "bob", GroupDeliveryKind::control).envelope;
  const Bytes& app = find(ds, "bob", GroupDeliveryKind::application).envelope;
  Device& bob = t.at("bob");
  for (size_t i = 0; i < control.size(); ++i) {
    Bytes bad = control;
    bad[i] ^= 0x01;
    EXPECT_FALSE(bob.group_receive("g", "alice", bad).ok()) << "control bit flip at " << i;
  }
  for (size_t n = 0; n < control.size(); n += 7) {
    EXPECT_FALSE(bob.group_receive("g", "alice", Bytes(control.begin(), control.begin() + n)).ok()) << n;
  }
  Bytes longer = control;
  longer.push_back(0);
  EXPECT_FALSE(bob.group_receive("g", "alice", longer).ok());
  // A room key moved to another group the same members share is refused and changes
  // nothing: the genuine delivery is still read.
  ASSERT_TRUE(bob.group_roster("bob", "h", kTrio).ok());
  EXPECT_EQ(bob.group_receive("h", "alice", control).code(), Errc::malformed);
  ASSERT_TRUE(bob.group_receive("g", "alice", control).ok());
  EXPECT_FALSE(bob.group_receive("g", "alice", control).ok());  // the Olm message once only

  for (size_t i = 0; i < app.size(); ++i) {
    Bytes bad = app;
    bad[i] ^= 0x80;
    EXPECT_FALSE(bob.group_receive("g", "alice", bad).ok()) << "application bit flip at " << i;
  }
  for (size_t n = 0; n < app.size(); ++n) {
    EXPECT_FALSE(bob.group_receive("g", "alice", Bytes(app.begin(), app.begin() + n)).ok()) << n;
  }
  longer = app;
  longer.push_back(0);
  EXPECT_FALSE(bob.group_receive("g", "alice", longer).ok());
  EXPECT_EQ(bob.group_receive("h", "alice", app).code(), Errc::no_session);  // keys are per group
  EXPECT_EQ(bob.group_receive("g", "alice", app).value().plaintext, text("m1"));
}

TEST(OlmGroup, MalformedOfAnySizeRefused) {
  Group t(kTrio);
  make_trio(t);
  Deliveries ds = t.send("alice", "g", "m1");
  Device& bob = t.at("bob");
  for (size_t size : {size_t{0}, size_t{1}, size_t{2}, size_t{33}, size_t{34}, size_t{4096}, size_t{1} << 20}) {
    for (uint8_t tag : {kGroupControlTag, kGroupApplicationTag, uint8_t{0x00}, uint8_t{0x03}}) {
      Bytes junk(size, 0xa5);
      if (!junk.empty()) junk[0] = tag;
      if (junk.size() > 1) junk[1] = 0x01;
      EXPECT_FALSE(bob.group_receive("g", "alice", junk).ok()) << size << " tag " << int{tag};
    }
  }
  // Nothing changed: the genuine deliveries are read.
  t.route("alice", "g", ds, "m1");
}

TEST(OlmGroup, RemovalRotatesAndShutsTheRemovedOut) {
  Group t(kTrio);
  make_trio(t);
  Deliveries before = t.send("alice", "g", "before");
  t.route("alice", "g", before, "before");
  Deliveries carols = t.send("carol", "g", "carol's");  // withheld from bob until after the removal
  ASSERT_TRUE(t.at("alice").group_remove("g", "carol").ok());
  // The removed member's clone, taken before it hears of the removal.
  Device clone = Device::deserialize(t.at("carol").serialize().value()).value();
  t.announce("g", {"alice", "bob"}, kTrio);

  GroupView view = t.at("carol").group_info("g").value();
  EXPECT_TRUE(view.removed);
  EXPECT_EQ(view.members, (std::vector<std::string>{"alice", "bob"}));
  EXPECT_EQ(t.at("carol").group_encrypt("g", text("x"), t.rng).code(), Errc::invalid_argument);

  Deliveries after = t.send("alice", "g", "after");
  ASSERT_EQ(after.size(), 2u);  // a new session: its key to bob only, then the message
  EXPECT_EQ(after[0].kind, GroupDeliveryKind::control);
  EXPECT_NE(session_id(after[1]), session_id(find(before, "bob", GroupDeliveryKind::application)));
  t.route("alice", "g", after, "after");
  const Bytes& app = after[1].envelope;
  EXPECT_EQ(t.at("carol").group_receive("g", "alice", app).code(), Errc::invalid_argument);
  EXPECT_EQ(clone.group_receive("g", "alice", app).code(), Errc::no_session);
  // bob forgot carol's sessions: her message sent before the removal is no longer read.
  EXPECT_EQ(t.at("bob").group_receive("g", "carol", find(carols, "bob", GroupDeliveryKind::control).envelope).code(),
            Errc::invalid_argument);
  EXPECT_EQ(
      t.at("bob").group_receive("g", "carol", find(carols, "bob", GroupDeliveryKind::application).envelope).code(),
      Errc::no_session);
  // bob had sent nothing yet; his first session goes to alice only.
  Deliveries bobs = t.send("bob", "g", "bob's");
  EXPECT_EQ(bobs.size(), 2u);
  t.route("bob", "g", bobs, "bob's");
}

TEST(OlmGroup, UpdateStartsANewSession) {
  Group t(kTrio);
  make_trio(t);
  Deliveries one = t.send("bob", "g", "one");
  t.route("bob", "g", one, "one");
  Deliveries late = t.send("bob", "g", "late");  // withheld from carol
  ASSERT_TRUE(
      t.at("alice").group_receive("g", "bob", find(late, "alice", GroupDeliveryKind::application).envelope).ok());
  ASSERT_TRUE(t.at("bob").group_update("g").value().empty());
  Deliveries two = t.send("bob", "g", "two");
  ASSERT_EQ(two.size(), 4u);
  EXPECT_NE(session_id(find(two, "alice", GroupDeliveryKind::application)),
            session_id(find(one, "alice", GroupDeliveryKind::application)));
  t.route("bob", "g", two, "two");
  // A message of the previous session delivered after the rotation is still read: the
  // receiver keeps that session (GRP-9 allows it).
  EXPECT_EQ(t.at("carol")
                .group_receive("g", "bob", find(late, "carol", GroupDeliveryKind::application).envelope)
                .value()
                .plaintext,
            text("late"));
  Deliveries three = t.send("bob", "g", "three");
  EXPECT_EQ(three.size(), 2u);
  t.route("bob", "g", three, "three");
}

TEST(OlmGroup, JoinerReadsFromItsKeyOn) {
  std::vector<std::string> four{"alice", "bob", "carol", "dave"};
  Group t(four);
  make_trio(t);
  Deliveries early = t.send("alice", "g", "early");
  t.route("alice", "g", early, "early");
  ASSERT_TRUE(t.at("alice").group_add("g", "dave").ok());
  t.announce("g", four, four);
  Deliveries late = t.send("alice", "g", "late");
  ASSERT_EQ(late.size(), 4u);  // the current key to dave only, at the current index
  EXPECT_EQ(late[0].to, "dave");
  t.route("alice", "g", late, "late");
  // The earlier message's index is before dave's first known one.
  EXPECT_EQ(
      t.at("dave").group_receive("g", "alice", find(early, "bob", GroupDeliveryKind::application).envelope).code(),
      Errc::duplicate_message);
  // Room keys addressed to others open only with their pairwise sessions.
  EXPECT_FALSE(t.at("dave").group_receive("g", "alice", find(early, "bob", GroupDeliveryKind::control).envelope).ok());
}

TEST(OlmGroup, CloneReadsFromTheFirstKnownIndex) {
  Group t(kTrio);
  make_trio(t);
  Deliveries m1 = t.send("alice", "g", "m1");
  t.route("alice", "g", m1, "m1");
  Deliveries m2 = t.send("alice", "g", "m2");
  t.route("alice", "g", m2, "m2");
  Bytes state = t.at("bob").serialize().value();
  Device clone = Device::deserialize(state).value();
  EXPECT_EQ(clone.serialize().value(), state);
  EXPECT_EQ(clone.group_info("g").value().members, kTrio);

  Deliveries m3 = t.send("alice", "g", "m3");
  const Bytes& app3 = find(m3, "bob", GroupDeliveryKind::application).envelope;
  EXPECT_EQ(clone.group_receive("g", "alice", app3).value().plaintext, text("m3"));
  EXPECT_EQ(t.at("bob").group_receive("g", "alice", app3).value().plaintext, text("m3"));
  // Partial forward secrecy (megolm.md): libolm's inbound session keeps its first known
  // ratchet and the indices read live in memory only, as in Matrix clients, so the clone
  // reads what bob had read before the export; bob itself refuses them as replays.
  for (const auto* ds : {&m1, &m2}) {
    const Bytes& app = find(*ds, "bob", GroupDeliveryKind::application).envelope;
    EXPECT_TRUE(clone.group_receive("g", "alice", app).ok());
    EXPECT_EQ(t.at("bob").group_receive("g", "alice", app).code(), Errc::duplicate_message);
  }
  // A sender's clone reads its own messages: Matrix clients keep their own sessions.
  Device alice_clone = Device::deserialize(t.at("alice").serialize().value()).value();
  EXPECT_EQ(alice_clone.group_receive("g", "alice", find(m1, "bob", GroupDeliveryKind::application).envelope)
                .value()
                .plaintext,
            text("m1"));
  // The clone sends on alice's session where alice left off.
  Deliveries from_clone = alice_clone.group_encrypt("g", text("m4"), t.rng).value();
  EXPECT_EQ(from_clone.size(), 2u);
  t.route("alice", "g", from_clone, "m4");

  Bytes truncated(state.begin(), state.end() - 1);
  EXPECT_FALSE(Device::deserialize(truncated).ok());
  Bytes trailing = state;
  trailing.push_back(0);
  EXPECT_FALSE(Device::deserialize(trailing).ok());
}

}  // namespace
}  // namespace parity::olm
