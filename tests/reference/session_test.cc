// Sessions of the reference with itself: establishment, ratchet steps, delivery order,
// replay, bounds and atomic refusals.
#include <gtest/gtest.h>

#include "reference/device.h"
#include "reference/keys/kdf_labels.h"
#include "reference/wire/signal_message.h"

namespace parity::signal {
namespace {

Key32 seed_of(uint8_t b) {
  Key32 k{};
  k.fill(b);
  return k;
}

Bytes text(const std::string& s) { return to_bytes(s); }

// Pair is two devices with a session alice -> bob that bob has not yet seen.
struct Pair {
  SeededRng rng{seed_of(7)};
  Device alice = Device::create(rng);
  Device bob = Device::create(rng);

  explicit Pair(bool onetime = true) {
    BundleOptions o;
    o.with_onetime_prekey = onetime;
    auto b = bob.bundle(rng, o);
    EXPECT_TRUE(b.ok());
    EXPECT_TRUE(alice.initiate("bob", *b, rng).ok());
  }
  Ciphertext a2b(const std::string& s) { return *alice.encrypt("bob", text(s)); }
  Ciphertext b2a(const std::string& s) { return *bob.encrypt("alice", text(s)); }
  Result<Bytes> at_bob(const Ciphertext& c) { return bob.decrypt("alice", c, rng); }
  Result<Bytes> at_alice(const Ciphertext& c) { return alice.decrypt("bob", c, rng); }
};

TEST(Session, FirstMessagesDecryptBeforeTheResponderAnswers) {
  for (bool onetime : {true, false}) {
    Pair p(onetime);
    Ciphertext c1 = p.a2b("one");
    Ciphertext c2 = p.a2b("two");
    EXPECT_EQ(c1.kind, MessageKind::prekey);
    EXPECT_EQ(c2.kind, MessageKind::prekey);
    ASSERT_TRUE(p.at_bob(c2).ok());
    EXPECT_EQ(*p.at_bob(c1), text("one"));
    Ciphertext r = p.b2a("reply");
    EXPECT_EQ(r.kind, MessageKind::message);
    EXPECT_EQ(*p.at_alice(r), text("reply"));
    // Once answered, alice stops sending prekey messages.
    EXPECT_EQ(p.a2b("three").kind, MessageKind::message);
  }
}

TEST(Session, PingPongTakesADhStepEachTurn) {
  Pair p;
  ASSERT_TRUE(p.at_bob(p.a2b("hello")).ok());
  Key32 last{};
  for (int i = 0; i < 20; ++i) {
    Ciphertext c = (i % 2 == 0) ? p.b2a("b" + std::to_string(i)) : p.a2b("a" + std::to_string(i));
    auto m = wire::decode_signal_message(c.bytes);
    ASSERT_TRUE(m.ok());
    EXPECT_NE(m->ratchet_key, last) << "turn " << i << " reused the ratchet key";
    EXPECT_EQ(m->counter, 0u);
    last = m->ratchet_key;
    auto pt = (i % 2 == 0) ? p.at_alice(c) : p.at_bob(c);
    ASSERT_TRUE(pt.ok()) << to_string(pt.code()) << " " << pt.error().detail;
  }
}

TEST(Session, OutOfOrderWithinAndAcrossChains) {
  Pair p;
  ASSERT_TRUE(p.at_bob(p.a2b("start")).ok());
  std::vector<Ciphertext> first;
  for (int i = 0; i < 5; ++i) first.push_back(p.a2b("x" + std::to_string(i)));
  ASSERT_TRUE(p.at_alice(p.b2a("turn")).ok());
  std::vector<Ciphertext> second;
  for (int i = 0; i < 3; ++i) second.push_back(p.a2b("y" + std::to_string(i)));
  // Deliver the new chain first, then the old one backwards.
  for (int i = 2; i >= 0; --i) EXPECT_EQ(*p.at_bob(second[static_cast<size_t>(i)]), text("y" + std::to_string(i)));
  for (int i = 4; i >= 0; --i) EXPECT_EQ(*p.at_bob(first[static_cast<size_t>(i)]), text("x" + std::to_string(i)));
}

TEST(Session, ReplaysAreRefusedAsDuplicates) {
  Pair p;
  Ciphertext first = p.a2b("first");
  ASSERT_TRUE(p.at_bob(first).ok());
  auto again = p.at_bob(first);
  EXPECT_EQ(again.code(), Errc::duplicate_message);
  Ciphertext m = p.a2b("m");
  ASSERT_TRUE(p.at_bob(m).ok());
  EXPECT_EQ(p.at_bob(m).code(), Errc::duplicate_message);
  // The replayed prekey message after the session moved on: no second plaintext.
  ASSERT_TRUE(p.at_alice(p.b2a("answer")).ok());
  ASSERT_TRUE(p.at_bob(p.a2b("more")).ok());
  EXPECT_FALSE(p.at_bob(first).ok());
  EXPECT_EQ(p.bob.session("alice")->previous.size(), 0u) << "a replayed prekey message made a second session";
}

TEST(Session, CounterJumpBoundIsTwoThousand) {
  Pair p;
  ASSERT_TRUE(p.at_bob(p.a2b("start")).ok());
  std::vector<Ciphertext> sent;
  for (uint32_t i = 0; i <= kMaxSkip + 1; ++i) sent.push_back(p.a2b("m"));
  // counter 1 + 2001 is 2001 ahead of the chain at 1: refused, state unchanged.
  Bytes before = p.bob.serialize();
  EXPECT_EQ(p.at_bob(sent.back()).code(), Errc::counter_too_far);
  EXPECT_EQ(p.bob.serialize(), before);
  // exactly 2000 ahead is accepted, and keeps 2000 skipped keys.
  ASSERT_TRUE(p.at_bob(sent[kMaxSkip]).ok());
  const ReceiverChain& chain = p.bob.session("alice")->current->receiver_chains.back();
  EXPECT_EQ(chain.skipped.size(), kMaxMessageKeys);
  EXPECT_TRUE(p.at_bob(sent[0]).ok());
}

TEST(Session, TamperedMessagesAreRefusedAtomically) {
  Pair p;
  ASSERT_TRUE(p.at_bob(p.a2b("start")).ok());
  ASSERT_TRUE(p.at_alice(p.b2a("turn")).ok());
  Ciphertext c = p.a2b("secret");
  Bytes before = p.bob.serialize();
  for (size_t bit = 0; bit < c.bytes.size() * 8; ++bit) {
    Ciphertext t = c;
    t.bytes[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    auto r = p.at_bob(t);
    ASSERT_FALSE(r.ok()) << "flip of bit " << bit << " accepted";
    ASSERT_EQ(p.bob.serialize(), before) << "flip of bit " << bit << " changed state";
  }
  EXPECT_EQ(*p.at_bob(c), text("secret"));
}

TEST(Session, MessageIsBoundToItsDirection) {
  Pair p;
  ASSERT_TRUE(p.at_bob(p.a2b("start")).ok());
  ASSERT_TRUE(p.at_alice(p.b2a("turn")).ok());
  Ciphertext c = p.a2b("to bob");
  EXPECT_FALSE(p.at_alice(c).ok());
  EXPECT_TRUE(p.at_bob(c).ok());
}

TEST(Session, OneTimePrekeyServesOneSession) {
  SeededRng rng(seed_of(3));
  Device bob = Device::create(rng);
  Device alice = Device::create(rng);
  Device carol = Device::create(rng);
  auto bundle = bob.bundle(rng);
  ASSERT_TRUE(bundle.ok());
  ASSERT_TRUE(alice.initiate("bob", *bundle, rng).ok());
  ASSERT_TRUE(carol.initiate("bob", *bundle, rng).ok());
  ASSERT_TRUE(bob.decrypt("alice", *alice.encrypt("bob", text("a")), rng).ok());
  auto second = bob.decrypt("carol", *carol.encrypt("bob", text("c")), rng);
  EXPECT_EQ(second.code(), Errc::unknown_prekey);
}

TEST(Session, BadSignatureAndChangedIdentityAreRefused) {
  SeededRng rng(seed_of(4));
  Device bob = Device::create(rng);
  Device alice = Device::create(rng);
  auto bundle = bob.bundle(rng);
  ASSERT_TRUE(bundle.ok());
  for (size_t i = 0; i < 32; ++i) {
    wire::Bundle b = *bundle;
    b.signed_prekey_public[i] ^= 1;
    EXPECT_EQ(alice.initiate("bob", b, rng).code(), Errc::bad_signature) << "byte " << i;
  }
  wire::Bundle b = *bundle;
  b.signed_prekey_signature[5] ^= 0x10;
  EXPECT_EQ(alice.initiate("bob", b, rng).code(), Errc::bad_signature);
  EXPECT_FALSE(alice.has_session("bob"));
  ASSERT_TRUE(alice.initiate("bob", *bundle, rng).ok());
  Device impostor = Device::create(rng);
  auto other = impostor.bundle(rng);
  EXPECT_EQ(alice.initiate("bob", *other, rng).code(), Errc::untrusted_identity);
}

TEST(Session, ReceiverChainsAndArchivedStatesAreBounded) {
  Pair p;
  ASSERT_TRUE(p.at_bob(p.a2b("start")).ok());
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(p.at_alice(p.b2a("b")).ok());
    ASSERT_TRUE(p.at_bob(p.a2b("a")).ok());
  }
  EXPECT_EQ(p.bob.session("alice")->current->receiver_chains.size(), kMaxReceiverChains);
  SeededRng rng(seed_of(9));
  for (size_t i = 0; i < kMaxArchivedStates + 5; ++i) {
    auto b = p.bob.bundle(rng);
    ASSERT_TRUE(p.alice.initiate("bob", *b, rng).ok());
  }
  EXPECT_EQ(p.alice.session("bob")->previous.size(), kMaxArchivedStates);
}

TEST(Session, SameSeedSameTranscript) {
  auto run = [] {
    Pair p;
    Bytes all;
    for (int i = 0; i < 4; ++i) {
      Ciphertext a = p.a2b("a");
      all.insert(all.end(), a.bytes.begin(), a.bytes.end());
      EXPECT_TRUE(p.at_bob(a).ok());
      Ciphertext b = p.b2a("b");
      all.insert(all.end(), b.bytes.begin(), b.bytes.end());
      EXPECT_TRUE(p.at_alice(b).ok());
    }
    return all;
  };
  EXPECT_EQ(run(), run());
}

}  // namespace
}  // namespace parity::signal
