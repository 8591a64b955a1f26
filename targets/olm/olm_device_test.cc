// olm_device_test.cc: self-tests of parity::olm::Device (the libolm party).
#include "targets/olm/olm_device.h"

#include <string>

#include <gtest/gtest.h>

namespace parity::olm {
namespace {

using signal::Ciphertext;
using signal::MessageKind;

Key32 seed(uint8_t b) {
  Key32 k{};
  k.fill(b);
  return k;
}

Bytes text(const std::string& s) {
  return to_bytes(s);
}

// Pair holds two devices with an established session in both directions' state:
// alice initiated from bob's bundle.
struct Pair {
  SeededRng rng{seed(7)};
  Device alice = Device::create(rng).value();
  Device bob = Device::create(rng).value();

  void initiate() {
    auto bundle = bob.bundle(rng);
    ASSERT_TRUE(bundle.ok()) << bundle.error().detail;
    auto st = alice.initiate("bob", *bundle, rng);
    ASSERT_TRUE(st.ok()) << st.error().detail;
  }
};

TEST(OlmDevice, IdentityKeysDiffer) {
  SeededRng rng(seed(1));
  auto a = Device::create(rng);
  auto b = Device::create(rng);
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(b.ok());
  EXPECT_NE(a->identity_curve25519(), b->identity_curve25519());
  EXPECT_NE(a->identity_ed25519(), b->identity_ed25519());
}

TEST(OlmDevice, DeterministicUnderSeededRng) {
  auto run = [] {
    SeededRng rng(seed(3));
    Device a = Device::create(rng).value();
    Device b = Device::create(rng).value();
    Bytes bundle = b.bundle(rng).value();
    EXPECT_TRUE(a.initiate("b", bundle, rng).ok());
    return a.encrypt("b", text("same"), rng).value().bytes;
  };
  EXPECT_EQ(run(), run());
}

TEST(OlmDevice, RoundTripBothWays) {
  Pair p;
  p.initiate();
  auto c1 = p.alice.encrypt("bob", text("hello bob"), p.rng);
  ASSERT_TRUE(c1.ok());
  EXPECT_EQ(c1->kind, MessageKind::prekey);
  EXPECT_FALSE(p.bob.has_session("alice"));
  auto m1 = p.bob.decrypt("alice", *c1, p.rng);
  ASSERT_TRUE(m1.ok()) << m1.error().detail;
  EXPECT_EQ(*m1, text("hello bob"));
  EXPECT_TRUE(p.bob.has_session("alice"));

  auto c2 = p.bob.encrypt("alice", text("hello alice"), p.rng);
  ASSERT_TRUE(c2.ok());
  EXPECT_EQ(c2->kind, MessageKind::message);
  auto m2 = p.alice.decrypt("bob", *c2, p.rng);
  ASSERT_TRUE(m2.ok()) << m2.error().detail;
  EXPECT_EQ(*m2, text("hello alice"));

  // Once answered, alice sends normal messages.
  auto c3 = p.alice.encrypt("bob", text("again"), p.rng);
  ASSERT_TRUE(c3.ok());
  EXPECT_EQ(c3->kind, MessageKind::message);
  EXPECT_EQ(p.bob.decrypt("alice", *c3, p.rng).value(), text("again"));
}

TEST(OlmDevice, PingPong) {
  Pair p;
  p.initiate();
  for (int i = 0; i < 20; ++i) {
    bool from_alice = i % 2 == 0;
    Device& sender = from_alice ? p.alice : p.bob;
    Device& receiver = from_alice ? p.bob : p.alice;
    Bytes pt = text("message " + std::to_string(i));
    auto c = sender.encrypt(from_alice ? "bob" : "alice", pt, p.rng);
    ASSERT_TRUE(c.ok()) << i;
    auto m = receiver.decrypt(from_alice ? "alice" : "bob", *c, p.rng);
    ASSERT_TRUE(m.ok()) << i << ": " << m.error().detail;
    EXPECT_EQ(*m, pt);
  }
}

TEST(OlmDevice, ReplayRefused) {
  Pair p;
  p.initiate();
  auto c1 = p.alice.encrypt("bob", text("one"), p.rng).value();
  ASSERT_TRUE(p.bob.decrypt("alice", c1, p.rng).ok());
  auto again = p.bob.decrypt("alice", c1, p.rng);
  EXPECT_FALSE(again.ok());

  auto c2 = p.bob.encrypt("alice", text("two"), p.rng).value();
  ASSERT_TRUE(p.alice.decrypt("bob", c2, p.rng).ok());
  auto replay = p.alice.decrypt("bob", c2, p.rng);
  ASSERT_FALSE(replay.ok());
  EXPECT_EQ(replay.code(), Errc::bad_mac);
  // The session still works after the refusals.
  auto c3 = p.bob.encrypt("alice", text("three"), p.rng).value();
  EXPECT_EQ(p.alice.decrypt("bob", c3, p.rng).value(), text("three"));
}

TEST(OlmDevice, OneTimeKeyIsSpent) {
  Pair p;
  p.initiate();
  auto c1 = p.alice.encrypt("bob", text("one"), p.rng).value();
  ASSERT_TRUE(p.bob.decrypt("alice", c1, p.rng).ok());
  // The same prekey message under another peer name must make a new session, and the
  // one-time key it names is gone.
  auto again = p.bob.decrypt("mallory", c1, p.rng);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.code(), Errc::unknown_prekey);
  EXPECT_FALSE(p.bob.has_session("mallory"));
}

TEST(OlmDevice, TamperedBundleRefused) {
  Pair p;
  Bytes bundle = p.bob.bundle(p.rng).value();
  for (BundleRange r : {kBundleIdentity, kBundleOnetimeKey, kBundleSignature}) {
    Bytes bad = bundle;
    bad[r.first] ^= 0x01;
    EXPECT_FALSE(p.alice.initiate("bob", bad, p.rng).ok()) << r.first;
  }
  EXPECT_FALSE(p.alice.has_session("bob"));
  EXPECT_EQ(p.alice.initiate("bob", Bytes(bundle.begin(), bundle.end() - 1), p.rng).code(), Errc::malformed);
  EXPECT_TRUE(p.alice.initiate("bob", bundle, p.rng).ok());
}

TEST(OlmDevice, TamperedMessageRefused) {
  Pair p;
  p.initiate();
  auto c1 = p.alice.encrypt("bob", text("one"), p.rng).value();
  ASSERT_TRUE(p.bob.decrypt("alice", c1, p.rng).ok());
  auto c2 = p.bob.encrypt("alice", text("two"), p.rng).value();
  Ciphertext bad = c2;
  bad.bytes.back() ^= 0x01;  // the MAC
  EXPECT_EQ(p.alice.decrypt("bob", bad, p.rng).code(), Errc::bad_mac);
  bad = c2;
  bad.bytes[0] = 0x07;
  EXPECT_FALSE(p.alice.decrypt("bob", bad, p.rng).ok());
  EXPECT_EQ(p.alice.decrypt("bob", c2, p.rng).value(), text("two"));
  EXPECT_EQ(p.alice.decrypt("nobody", c2, p.rng).code(), Errc::no_session);
}

TEST(OlmDevice, PickleRoundTrip) {
  Pair p;
  p.initiate();
  auto c1 = p.alice.encrypt("bob", text("one"), p.rng).value();
  ASSERT_TRUE(p.bob.decrypt("alice", c1, p.rng).ok());
  auto c2 = p.bob.encrypt("alice", text("two"), p.rng).value();

  Bytes state = p.alice.serialize().value();
  auto clone = Device::deserialize(state);
  ASSERT_TRUE(clone.ok()) << clone.error().detail;
  EXPECT_EQ(clone->identity_curve25519(), p.alice.identity_curve25519());
  EXPECT_EQ(clone->identity_ed25519(), p.alice.identity_ed25519());
  EXPECT_TRUE(clone->has_session("bob"));
  EXPECT_EQ(clone->serialize().value(), state);

  // The clone decrypts what was in flight, as the original does.
  EXPECT_EQ(clone->decrypt("bob", c2, p.rng).value(), text("two"));
  EXPECT_EQ(p.alice.decrypt("bob", c2, p.rng).value(), text("two"));
  auto c3 = clone->encrypt("bob", text("from the clone"), p.rng).value();
  EXPECT_EQ(p.bob.decrypt("alice", c3, p.rng).value(), text("from the clone"));

  Bytes truncated(state.begin(), state.end() - 1);
  EXPECT_FALSE(Device::deserialize(truncated).ok());
  Bytes trailing = state;
  trailing.push_back(0);
  EXPECT_FALSE(Device::deserialize(trailing).ok());
}

}  // namespace
}  // namespace parity::olm
