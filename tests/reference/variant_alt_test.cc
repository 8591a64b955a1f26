// The sound alternative `alt` (targets/reference/variants/alt.h) through the same Device
// as the baseline: it keeps the properties (delivery out of order, replay refusal, atomic
// refusal of any tampering, identity binding, its declared bounds) and shares nothing
// on the wire or in its keys with Signal.
#include <gtest/gtest.h>

#include "reference/device.h"
#include "reference/wire/signal_message.h"
#include "targets/reference/variants/alt.h"

namespace parity::signal {
namespace {

Bytes text(const std::string& s) {
  return to_bytes(s);
}

SessionPolicy alt_policy() {
  ptp::ReferenceConfig c;
  variants::apply_alt(c);
  return c.policy;
}

// AltPair is two `alt` devices with a session alice -> bob that bob has not yet seen.
struct AltPair {
  SeededRng rng{Key32{7}};
  Device alice = Device::create(rng);
  Device bob = Device::create(rng);

  explicit AltPair(const SessionPolicy& policy = alt_policy()) {
    alice.set_policy(policy);
    bob.set_policy(policy);
    auto b = bob.bundle(rng);
    EXPECT_TRUE(b.ok());
    EXPECT_TRUE(alice.initiate("bob", *b, rng).ok());
  }
  Ciphertext a2b(const std::string& s) { return *alice.encrypt("bob", text(s)); }
  Ciphertext b2a(const std::string& s) { return *bob.encrypt("alice", text(s)); }
  Result<Bytes> at_bob(const Ciphertext& c) { return bob.decrypt("alice", c, rng); }
  Result<Bytes> at_alice(const Ciphertext& c) { return alice.decrypt("bob", c, rng); }
};

TEST(VariantAlt, DeliversInAnyOrderAndRefusesReplays) {
  AltPair p;
  Ciphertext first = p.a2b("first");
  EXPECT_EQ(first.kind, MessageKind::prekey);
  EXPECT_EQ(first.bytes[0], variants::kAltVersionByte);
  ASSERT_TRUE(p.at_bob(first).ok());
  EXPECT_EQ(p.at_bob(first).code(), Errc::duplicate_message);
  std::vector<Ciphertext> sent;
  for (int i = 0; i < 5; ++i) sent.push_back(p.a2b("x" + std::to_string(i)));
  ASSERT_TRUE(p.at_alice(p.b2a("turn")).ok());
  Ciphertext next = p.a2b("next chain");
  EXPECT_EQ(*p.at_bob(next), text("next chain"));
  for (int i = 4; i >= 0; --i) EXPECT_EQ(*p.at_bob(sent[i]), text("x" + std::to_string(i)));
  EXPECT_EQ(p.at_bob(sent[2]).code(), Errc::duplicate_message);
}

TEST(VariantAlt, SharesNothingWithSignal) {
  // The same seeds and draws: only the policy differs.
  AltPair alt;
  AltPair signal(SessionPolicy{});
  Ciphertext a = alt.a2b("same");
  Ciphertext s = signal.a2b("same");
  EXPECT_NE(a.bytes, s.bytes);
  // Neither reads the other's messages: another version byte, and other keys.
  EXPECT_EQ(signal.at_bob(a).code(), Errc::bad_version);
  EXPECT_EQ(alt.at_bob(s).code(), Errc::bad_version);
  Bytes forged = s.bytes;
  forged[0] = variants::kAltVersionByte;
  EXPECT_FALSE(alt.at_bob(Ciphertext{MessageKind::prekey, forged}).ok());
  // The key schedule differs at every step.
  const Key32 k{1};
  EXPECT_NE(RootKey{k}.kdf(k, variants::kAltKdf).root, RootKey{k}.kdf(k).root);
  const ChainKey chain{k, 0};
  EXPECT_NE(chain.next(variants::kAltKdf), chain.next());
  EXPECT_NE(chain.message_keys(variants::kAltKdf), chain.message_keys());
}

TEST(VariantAlt, EveryBitFlipIsRefusedAtomically) {
  AltPair p;
  ASSERT_TRUE(p.at_bob(p.a2b("start")).ok());
  ASSERT_TRUE(p.at_alice(p.b2a("turn")).ok());
  Ciphertext c = p.a2b("secret");
  EXPECT_EQ(c.kind, MessageKind::message);
  Bytes before = p.bob.serialize();
  for (size_t bit = 0; bit < c.bytes.size() * 8; ++bit) {
    Ciphertext t = c;
    t.bytes[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    ASSERT_FALSE(p.at_bob(t).ok()) << "flip of bit " << bit << " accepted";
    ASSERT_EQ(p.bob.serialize(), before) << "flip of bit " << bit << " changed state";
  }
  // Truncated: the tag is missing.
  Ciphertext cut = c;
  cut.bytes.resize(cut.bytes.size() - 1);
  EXPECT_FALSE(p.at_bob(cut).ok());
  EXPECT_EQ(*p.at_bob(c), text("secret"));
}

TEST(VariantAlt, IdentitiesAreBoundIntoTheAssociatedData) {
  // A policy whose associated data leaves the identities out reads nothing of `alt`.
  struct NoIdentities final : SessionHooks {
    std::pair<Key32, Key32> mac_identities(const Key32&, const Key32&) const override { return {}; }
  };
  SessionPolicy unbound = alt_policy();
  unbound.hooks = std::make_shared<const NoIdentities>();
  AltPair p;
  ASSERT_TRUE(p.at_bob(p.a2b("start")).ok());
  Ciphertext c = p.a2b("bound");
  p.bob.set_policy(unbound);
  EXPECT_EQ(p.at_bob(c).code(), Errc::bad_mac);
  p.bob.set_policy(alt_policy());
  EXPECT_EQ(*p.at_bob(c), text("bound"));
}

TEST(VariantAlt, KeepsItsDeclaredBounds) {
  AltPair p;
  ASSERT_TRUE(p.at_bob(p.a2b("start")).ok());
  std::vector<Ciphertext> sent;
  for (uint32_t i = 0; i <= *variants::kAltRules.max_skip + 1; ++i) sent.push_back(p.a2b("m"));
  Bytes before = p.bob.serialize();
  EXPECT_EQ(p.at_bob(sent.back()).code(), Errc::counter_too_far);  // PTP limit_exceeded
  EXPECT_EQ(p.bob.serialize(), before);
  ASSERT_TRUE(p.at_bob(sent[*variants::kAltRules.max_skip]).ok());
  EXPECT_EQ(p.bob.session("alice")->current->receiver_chains.back().skipped.size(),
            *variants::kAltRules.max_message_keys);
  for (int i = 0; i < 6; ++i) {
    ASSERT_TRUE(p.at_alice(p.b2a("b")).ok());
    ASSERT_TRUE(p.at_bob(p.a2b("a")).ok());
  }
  EXPECT_EQ(p.bob.session("alice")->current->receiver_chains.size(), variants::kAltRules.max_receiver_chains);
}

// alt's groups keep the bounds it declares (GroupHooks), which differ from the baseline's.
TEST(VariantAlt, DeclaresItsGroupBounds) {
  ptp::ReferenceConfig c;
  variants::apply_alt(c);
  EXPECT_EQ(c.group_hooks.max_skip, variants::kAltGroupLimits.max_skip);
  EXPECT_EQ(c.group_hooks.max_skipped_keys, variants::kAltGroupLimits.max_skipped_keys);
  EXPECT_EQ(c.group_hooks.max_sender_states, variants::kAltGroupLimits.max_sender_states);
  EXPECT_NE(c.group_hooks.max_sender_states, ptp::GroupLimits{}.max_sender_states);
  const ptp::HelloInfo h = ptp::ReferenceAdapter(std::move(c)).hello();
  EXPECT_EQ(h.limits["group_max_skip"], 1000);
  EXPECT_EQ(h.limits["group_max_skipped_keys"], 1000);
  EXPECT_EQ(h.limits["group_max_sender_states"], 3);
  EXPECT_EQ(h.protocol, "custom:parity-alt-1");
}

}  // namespace
}  // namespace parity::signal
