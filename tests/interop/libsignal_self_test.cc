// libsignal_self_test.cc: the libsignal wrapper on its own: determinism, key injection,
// the wire form of its ciphertexts under the reference decoders, state export, error
// mapping and atomicity.
#include <gtest/gtest.h>

#include "reference/crypto/x25519.h"
#include "reference/crypto/xeddsa.h"
#include "reference/wire/bundle.h"
#include "reference/wire/public_key.h"
#include "reference/wire/signal_message.h"
#include "targets/libsignal/libsignal_device.h"
#include "tests/interop/harness.h"

namespace parity::interop {
namespace {

using libsignal::Device;

Device make(Rng& rng, std::optional<Key32> identity = std::nullopt, std::optional<uint32_t> reg = std::nullopt) {
  auto d = Device::create(rng, identity, reg);
  EXPECT_TRUE(d.ok()) << describe(d);
  return std::move(d).value();
}

Ciphertext must_encrypt(Device& d, const std::string& peer, const std::string& msg) {
  auto c = d.encrypt(peer, text(msg));
  EXPECT_TRUE(c.ok()) << describe(c);
  return c.ok() ? *c : Ciphertext{};
}

void must_decrypt(Device& d, const std::string& peer, const Ciphertext& c, const std::string& msg,
                  std::optional<Key32> ratchet = std::nullopt) {
  auto p = d.decrypt(peer, c, ratchet);
  ASSERT_TRUE(p.ok()) << describe(p);
  EXPECT_EQ(*p, text(msg));
}

// A short conversation; returns every ciphertext in order.
std::vector<Ciphertext> converse(Device& alice, Device& bob) {
  std::vector<Ciphertext> out;
  auto b = bob.bundle();
  EXPECT_TRUE(b.ok());
  EXPECT_TRUE(alice.initiate("bob", *b).ok());
  for (int round = 0; round < 6; ++round) {
    Device& from = round % 2 == 0 ? alice : bob;
    Device& to = round % 2 == 0 ? bob : alice;
    for (int i = 0; i < 3; ++i) {
      const std::string msg = "r" + std::to_string(round) + "i" + std::to_string(i);
      out.push_back(must_encrypt(from, round % 2 == 0 ? "bob" : "alice", msg));
      must_decrypt(to, round % 2 == 0 ? "alice" : "bob", out.back(), msg);
    }
  }
  return out;
}

TEST(LibsignalSelf, SameSeedsGiveTheSameConversation) {
  SeededRng ra1(test_key(1, 0)), rb1(test_key(2, 0)), ra2(test_key(1, 0)), rb2(test_key(2, 0));
  Device a1 = make(ra1), b1 = make(rb1), a2 = make(ra2), b2 = make(rb2);
  EXPECT_EQ(a1.identity(), a2.identity());
  EXPECT_EQ(a1.registration_id(), a2.registration_id());
  EXPECT_NE(a1.identity(), b1.identity());
  auto c1 = converse(a1, b1);
  auto c2 = converse(a2, b2);
  ASSERT_EQ(c1.size(), c2.size());
  for (size_t i = 0; i < c1.size(); ++i) EXPECT_EQ(c1[i].bytes, c2[i].bytes) << "message " << i;
  EXPECT_EQ(a1.serialize(), a2.serialize());
  EXPECT_EQ(b1.serialize(), b2.serialize());
}

TEST(LibsignalSelf, InjectedKeysAreUsed) {
  SeededRng ra(test_key(3, 0)), rb(test_key(4, 0));
  const Key32 ik_a = test_key(10, 0), ik_b = test_key(10, 1), spk = test_key(11, 0), opk = test_key(12, 0);
  const Key32 base = test_key(13, 0), ratchet_a = test_key(14, 0), ratchet_b = test_key(14, 1);
  Device alice = make(ra, ik_a, 1234);
  Device bob = make(rb, ik_b, 4321);
  EXPECT_EQ(alice.identity(), x25519_public(ik_a));
  EXPECT_EQ(alice.registration_id(), 1234u);

  BundleOptions o;
  o.signed_prekey_private = spk;
  o.signed_prekey_id = 77;
  o.onetime_prekey_private = opk;
  o.prekey_id = 99;
  auto b = bob.bundle(o);
  ASSERT_TRUE(b.ok()) << describe(b);
  EXPECT_EQ(b->registration_id, 4321u);
  EXPECT_EQ(b->identity_key, x25519_public(ik_b));
  EXPECT_EQ(b->signed_prekey_id, 77u);
  EXPECT_EQ(b->signed_prekey_public, x25519_public(spk));
  EXPECT_EQ(b->prekey_id, 99u);
  EXPECT_EQ(b->prekey_public, x25519_public(opk));
  // libsignal's signature verifies under the reference's XEdDSA.
  EXPECT_TRUE(xeddsa_verify(b->identity_key, wire::serialize_key(b->signed_prekey_public), b->signed_prekey_signature));

  ASSERT_TRUE(alice.initiate("bob", *b, base, ratchet_a).ok());
  Ciphertext p0 = must_encrypt(alice, "bob", "hello");
  auto m = wire::decode_prekey_message(p0.bytes);
  ASSERT_TRUE(m.ok()) << describe(m);
  EXPECT_EQ(m->base_key, x25519_public(base));
  EXPECT_EQ(m->message.ratchet_key, x25519_public(ratchet_a));
  EXPECT_EQ(m->identity_key, alice.identity());
  EXPECT_EQ(m->registration_id, 1234u);
  EXPECT_EQ(m->prekey_id, 99u);
  EXPECT_EQ(m->signed_prekey_id, 77u);

  must_decrypt(bob, "alice", p0, "hello", ratchet_b);
  Ciphertext r0 = must_encrypt(bob, "alice", "reply");
  auto r = wire::decode_signal_message(r0.bytes);
  ASSERT_TRUE(r.ok()) << describe(r);
  EXPECT_EQ(r->ratchet_key, x25519_public(ratchet_b));
}

TEST(LibsignalSelf, CiphertextsRoundTripThroughTheReferenceDecoders) {
  SeededRng ra(test_key(5, 0)), rb(test_key(6, 0));
  Device alice = make(ra), bob = make(rb);
  auto all = converse(alice, bob);
  // Add out-of-order and a long message for variety.
  for (int i = 0; i < 3; ++i) all.push_back(must_encrypt(alice, "bob", std::string(static_cast<size_t>(300 * i), 'z')));
  int prekey = 0;
  int plain = 0;
  for (size_t i = 0; i < all.size(); ++i) {
    SCOPED_TRACE("ciphertext " + std::to_string(i));
    const Bytes& bytes = all[i].bytes;
    ASSERT_FALSE(bytes.empty());
    EXPECT_EQ(bytes[0], 0x33);
    if (all[i].kind == MessageKind::prekey) {
      ++prekey;
      auto m = wire::decode_prekey_message(bytes);
      ASSERT_TRUE(m.ok()) << describe(m);
      EXPECT_EQ(m->serialize(), bytes);
      EXPECT_EQ(m->message.serialize(), m->message_bytes);
      EXPECT_EQ(m->identity_key, alice.identity());
      EXPECT_EQ(m->registration_id, alice.registration_id());
    } else {
      ++plain;
      auto m = wire::decode_signal_message(bytes);
      ASSERT_TRUE(m.ok()) << describe(m);
      EXPECT_EQ(m->serialize(), bytes);
      EXPECT_TRUE(m->previous_counter.has_value());
      EXPECT_EQ(m->ciphertext.size() % 16, 0u);
    }
  }
  EXPECT_EQ(prekey, 3);  // Alice's first burst, before Bob answered
  EXPECT_GT(plain, 10);
}

TEST(LibsignalSelf, BundleRoundTripsThroughTheReferenceCodec) {
  SeededRng rb(test_key(7, 0));
  Device bob = make(rb);
  for (bool opk : {true, false}) {
    BundleOptions o;
    o.with_onetime_prekey = opk;
    auto b = bob.bundle(o);
    ASSERT_TRUE(b.ok());
    Bytes wire_bytes = b->serialize();
    auto d = wire::decode_bundle(wire_bytes);
    ASSERT_TRUE(d.ok()) << describe(d);
    EXPECT_EQ(*d, *b);
  }
  // Each call publishes a new one-time prekey; the signed prekey is kept.
  auto b1 = bob.bundle();
  auto b2 = bob.bundle();
  ASSERT_TRUE(b1.ok() && b2.ok());
  EXPECT_NE(b1->prekey_id, b2->prekey_id);
  EXPECT_NE(b1->prekey_public, b2->prekey_public);
  EXPECT_EQ(b1->signed_prekey_id, b2->signed_prekey_id);
  EXPECT_EQ(b1->signed_prekey_signature, b2->signed_prekey_signature);
  BundleOptions bad;
  bad.prekey_id = 0;
  EXPECT_EQ(bob.bundle(bad).code(), Errc::invalid_argument);
}

TEST(LibsignalSelf, SerializeDeserializeIsExactAndStrict) {
  SeededRng ra(test_key(8, 0)), rb(test_key(9, 0));
  Device alice = make(ra), bob = make(rb);
  converse(alice, bob);
  Ciphertext pending = must_encrypt(alice, "bob", "in flight");
  const Bytes state = bob.serialize();
  auto copy = Device::deserialize(rb, state);
  ASSERT_TRUE(copy.ok()) << describe(copy);
  EXPECT_EQ(copy->serialize(), state);
  EXPECT_EQ(copy->identity(), bob.identity());
  EXPECT_EQ(copy->registration_id(), bob.registration_id());
  EXPECT_TRUE(copy->has_session("alice"));
  // The clone decrypts what the original would.
  must_decrypt(*copy, "alice", pending, "in flight");

  Bytes truncated(state.begin(), state.end() - 1);
  EXPECT_EQ(Device::deserialize(rb, truncated).code(), Errc::malformed);
  Bytes trailing = state;
  trailing.push_back(0);
  EXPECT_EQ(Device::deserialize(rb, trailing).code(), Errc::malformed);
  Bytes magic = state;
  magic[0] ^= 1;
  EXPECT_EQ(Device::deserialize(rb, magic).code(), Errc::malformed);
  EXPECT_FALSE(Device::deserialize(rb, {}).ok());
}

TEST(LibsignalSelf, FailedOperationsChangeNothing) {
  SeededRng ra(test_key(15, 0)), rb(test_key(16, 0));
  Device alice = make(ra), bob = make(rb);
  auto b = bob.bundle();
  ASSERT_TRUE(alice.initiate("bob", *b).ok());
  Ciphertext p0 = must_encrypt(alice, "bob", "hello");

  // A prekey message with a broken MAC: libsignal has already saved the sender's
  // identity and built a session state when the MAC check fails.
  auto decoded = wire::decode_prekey_message(p0.bytes);
  ASSERT_TRUE(decoded.ok());
  decoded->message.mac[7] ^= 1;
  decoded->message_bytes = decoded->message.serialize();
  Ciphertext bad{MessageKind::prekey, decoded->serialize()};
  ASSERT_NE(bad.bytes, p0.bytes);
  const Bytes before = bob.serialize();
  auto r = bob.decrypt("alice", bad);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), Errc::bad_mac) << describe(r);
  EXPECT_EQ(bob.serialize(), before);
  EXPECT_FALSE(bob.has_session("alice"));
  must_decrypt(bob, "alice", p0, "hello");

  // A replay: refused, state unchanged.
  const Bytes after = bob.serialize();
  auto replay = bob.decrypt("alice", p0);
  EXPECT_EQ(replay.code(), Errc::duplicate_message) << describe(replay);
  EXPECT_EQ(bob.serialize(), after);

  // A bundle with a bad signature: no session, no trusted identity saved.
  SeededRng rc(test_key(17, 0));
  Device carol = make(rc);
  auto cb = carol.bundle();
  ASSERT_TRUE(cb.ok());
  wire::Bundle forged = *cb;
  forged.signed_prekey_signature[0] ^= 1;
  const Bytes alice_before = alice.serialize();
  auto st = alice.initiate("carol", forged);
  EXPECT_EQ(st.code(), Errc::bad_signature) << st.error().detail;
  EXPECT_EQ(alice.serialize(), alice_before);
}

TEST(LibsignalSelf, ErrorsAreMapped) {
  SeededRng ra(test_key(18, 0)), rb(test_key(19, 0));
  Device alice = make(ra), bob = make(rb);
  auto b = bob.bundle();
  ASSERT_TRUE(alice.initiate("bob", *b).ok());
  must_decrypt(bob, "alice", must_encrypt(alice, "bob", "hi"), "hi");
  must_decrypt(alice, "bob", must_encrypt(bob, "alice", "hi"), "hi");

  Ciphertext garbage{MessageKind::message, Bytes{0x33, 0xff, 0xff, 0x01}};
  auto g = bob.decrypt("alice", garbage);
  EXPECT_FALSE(g.ok());
  EXPECT_EQ(g.code(), Errc::malformed) << describe(g);

  Ciphertext m = must_encrypt(alice, "bob", "x");
  Ciphertext old_version = m;
  old_version.bytes[0] = 0x22;
  auto v = bob.decrypt("alice", old_version);
  EXPECT_EQ(v.code(), Errc::bad_version) << describe(v);
  must_decrypt(bob, "alice", m, "x");

  EXPECT_EQ(alice.encrypt("nobody", text("x")).code(), Errc::no_session);
  EXPECT_EQ(bob.decrypt("nobody", m).code(), Errc::no_session);

  // A counter more than 2000 ahead of the chain.
  Ciphertext last;
  for (int i = 0; i < 2002; ++i) last = must_encrypt(alice, "bob", "skip");
  auto far = bob.decrypt("alice", last);
  EXPECT_EQ(far.code(), Errc::counter_too_far) << describe(far);
}

TEST(LibsignalSelf, DecryptInjectionAppliesToEveryAttempt) {
  // Bob's record holds two states (alice started twice); a message for the older
  // state makes libsignal try the newer one first, and both attempts ratchet.
  SeededRng ra(test_key(20, 0)), rb(test_key(21, 0));
  Device alice = make(ra), bob = make(rb);
  auto b1 = bob.bundle();
  ASSERT_TRUE(alice.initiate("bob", *b1).ok());
  Ciphertext s1 = must_encrypt(alice, "bob", "session one");
  must_decrypt(bob, "alice", s1, "session one");
  must_decrypt(alice, "bob", must_encrypt(bob, "alice", "ack one"), "ack one");
  Ciphertext late = must_encrypt(alice, "bob", "late on one");

  SeededRng ra2(test_key(22, 0));
  Device alice2 = Device::deserialize(ra2, alice.serialize()).value();
  auto b2 = bob.bundle();
  ASSERT_TRUE(alice2.initiate("bob", *b2).ok());
  must_decrypt(bob, "alice", must_encrypt(alice2, "bob", "session two"), "session two");

  const Key32 ratchet = test_key(23, 0);
  must_decrypt(bob, "alice", late, "late on one", ratchet);
  Ciphertext reply = must_encrypt(bob, "alice", "reply on one");
  auto r = wire::decode_signal_message(reply.bytes);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->ratchet_key, x25519_public(ratchet));
  must_decrypt(alice, "bob", reply, "reply on one");
}

}  // namespace
}  // namespace parity::interop
