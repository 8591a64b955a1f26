// Export and import: a device's state serialises completely, and a clone behaves as
// the original; a malformed state is refused with its offset.
#include <gtest/gtest.h>

#include "reference/device.h"
#include "reference/wire/signal_message.h"

namespace parity::signal {
namespace {

Key32 seed_of(uint8_t b) {
  Key32 k{};
  k.fill(b);
  return k;
}

TEST(DeviceState, CloneDecryptsWhatTheOriginalWould) {
  SeededRng rng(seed_of(11));
  Device alice = Device::create(rng);
  Device bob = Device::create(rng);
  ASSERT_TRUE(alice.initiate("bob", *bob.bundle(rng), rng).ok());
  ASSERT_TRUE(bob.decrypt("alice", *alice.encrypt("bob", to_bytes("hi")), rng).ok());
  std::vector<Ciphertext> pending;
  for (int i = 0; i < 3; ++i) pending.push_back(*alice.encrypt("bob", to_bytes("p" + std::to_string(i))));

  Bytes state = bob.serialize();
  auto clone = Device::deserialize(state);
  ASSERT_TRUE(clone.ok()) << clone.error().detail;
  EXPECT_EQ(*clone, bob);
  EXPECT_EQ(clone->serialize(), state);
  for (int i = 2; i >= 0; --i) {
    SeededRng r1(seed_of(1));
    SeededRng r2(seed_of(1));
    auto a = bob.decrypt("alice", pending[static_cast<size_t>(i)], r1);
    auto b = clone->decrypt("alice", pending[static_cast<size_t>(i)], r2);
    ASSERT_TRUE(a.ok());
    ASSERT_TRUE(b.ok());
    EXPECT_EQ(*a, *b);
  }
  EXPECT_EQ(clone->serialize(), bob.serialize());
}

TEST(DeviceState, MalformedStatesAreRefused) {
  SeededRng rng(seed_of(12));
  Device alice = Device::create(rng);
  Device bob = Device::create(rng);
  ASSERT_TRUE(alice.initiate("bob", *bob.bundle(rng), rng).ok());
  Bytes state = alice.serialize();
  for (size_t cut = 0; cut < state.size(); cut += 7) {
    auto d = Device::deserialize(ByteView(state.data(), cut));
    ASSERT_FALSE(d.ok()) << "truncation at " << cut << " accepted";
    EXPECT_EQ(d.code(), Errc::malformed);
    EXPECT_NE(d.error().detail.find("offset"), std::string::npos) << d.error().detail;
  }
  Bytes trailing = state;
  trailing.push_back(0);
  EXPECT_EQ(Device::deserialize(trailing).code(), Errc::malformed);
  Bytes bad_magic = state;
  bad_magic[0] ^= 1;
  EXPECT_EQ(Device::deserialize(bad_magic).code(), Errc::malformed);
}

TEST(DeviceState, InjectedKeysFixEveryPublicValue) {
  auto make = [] {
    SeededRng rng(seed_of(99));  // only signatures draw from it
    Device bob = Device::create(rng, seed_of(1), 1234);
    Device alice = Device::create(rng, seed_of(2), 5678);
    BundleOptions o;
    o.signed_prekey_private = seed_of(3);
    o.signed_prekey_id = 42;
    o.onetime_prekey_private = seed_of(4);
    o.prekey_id = 31337;
    auto b = bob.bundle(rng, o);
    EXPECT_TRUE(b.ok());
    EXPECT_EQ(b->signed_prekey_id, 42u);
    EXPECT_EQ(b->prekey_id, 31337u);
    EXPECT_TRUE(alice.initiate("bob", *b, rng, seed_of(5), seed_of(6)).ok());
    Ciphertext c = *alice.encrypt("bob", to_bytes("fixed"));
    EXPECT_TRUE(bob.decrypt("alice", c, rng, seed_of(7)).ok());
    Ciphertext r = *bob.encrypt("alice", to_bytes("reply"));
    return std::make_pair(c.bytes, r.bytes);
  };
  auto first = make();
  auto second = make();
  EXPECT_EQ(first, second);
  auto m = wire::decode_signal_message(second.second);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->ratchet_key, x25519_public(clamp_private(seed_of(7))));
}

}  // namespace
}  // namespace parity::signal
