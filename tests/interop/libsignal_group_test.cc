// libsignal_group_test.cc: the libsignal wrapper's Sender Keys on their own: injected keys
// give the distribution message byte for byte, the bounds libsignal compiles in (a jump
// of 2000, 5 states per record), export, and the library's handling of an old
// distribution message (docs/findings.md, "libsignal-protocol-c: groups").
#include <gtest/gtest.h>

#include "reference/crypto/x25519.h"
#include "reference/crypto/xeddsa.h"
#include "targets/libsignal/libsignal_device.h"
#include "tests/interop/harness.h"

namespace parity::interop {
namespace {

using libsignal::Device;
using libsignal::SenderKeyOptions;

const std::string kGroup = "g1";

Device make(Rng& rng) {
  auto d = Device::create(rng);
  EXPECT_TRUE(d.ok()) << describe(d);
  return std::move(d).value();
}

Bytes must_distribution(Device& d, const std::string& self) {
  auto m = d.sender_key_distribution(kGroup, self);
  EXPECT_TRUE(m.ok()) << describe(m);
  return m.ok() ? *m : Bytes{};
}

Bytes must_group_encrypt(Device& d, const std::string& self, const std::string& msg) {
  auto m = d.group_encrypt(kGroup, self, text(msg));
  EXPECT_TRUE(m.ok()) << describe(m);
  return m.ok() ? *m : Bytes{};
}

void must_read(Device& d, const std::string& from, const Bytes& message, const std::string& msg) {
  auto p = d.group_decrypt(kGroup, from, message);
  ASSERT_TRUE(p.ok()) << describe(p);
  EXPECT_EQ(*p, text(msg));
}

void expect_refused(Device& d, const std::string& from, const Bytes& message, Errc code) {
  auto p = d.group_decrypt(kGroup, from, message);
  ASSERT_FALSE(p.ok()) << "read " << to_hex(*p);
  EXPECT_EQ(p.code(), code) << p.error().detail;
}

struct Pair {
  SeededRng alice_rng{test_key(0x61, 1)};
  SeededRng bob_rng{test_key(0x62, 1)};
  Device alice = make(alice_rng);
  Device bob = make(bob_rng);
  // start makes alice's key (optionally injected) and gives it to bob.
  Bytes start(const SenderKeyOptions& o = {}) {
    auto st = alice.new_sender_key(kGroup, "alice", o);
    EXPECT_TRUE(st.ok()) << st.error().detail;
    Bytes skdm = must_distribution(alice, "alice");
    auto p = bob.process_distribution(kGroup, "alice", skdm);
    EXPECT_TRUE(p.ok()) << p.error().detail;
    return skdm;
  }
};

// The injected keys come out exactly: SKDM = 0x33 || {1 id, 2 iteration 0, 3 chain key,
// 4 0x05 || X25519(clamp(signing_private))}, and every message verifies under that key.
TEST(LibsignalGroup, InjectedKeysGiveTheDistributionMessageByteForByte) {
  Pair w;
  const Key32 chain = test_key(0xc1, 1);
  const Key32 signing = test_key(0xc2, 1);  // unclamped: libsignal clamps it
  const uint32_t id = 0x12345678;
  Bytes skdm = w.start({chain, signing, id});
  const Key32 pub = x25519_public(clamp_private(signing));
  Bytes want{0x33, 0x08, 0xf8, 0xac, 0xd1, 0x91, 0x01, 0x10, 0x00, 0x1a, 0x20};
  want.insert(want.end(), chain.begin(), chain.end());
  want.insert(want.end(), {0x22, 0x21, 0x05});
  want.insert(want.end(), pub.begin(), pub.end());
  EXPECT_EQ(to_hex(skdm), to_hex(want));

  Bytes m = must_group_encrypt(w.alice, "alice", "hello");
  ASSERT_GT(m.size(), 64u);
  EXPECT_TRUE(xeddsa_verify(pub, ByteView(m).first(m.size() - 64), ByteView(m).last(64)));
  must_read(w.bob, "alice", m, "hello");
}

// The chain id libsignal cannot make (it reduces the drawn id modulo INT32_MAX) is refused.
TEST(LibsignalGroup, ChainIdIntMaxIsRefused) {
  Pair w;
  auto st = w.alice.new_sender_key(kGroup, "alice", {std::nullopt, std::nullopt, 0x7fffffffu});
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.code(), Errc::invalid_argument);
  EXPECT_FALSE(w.alice.has_sender_key(kGroup, "alice"));
}

TEST(LibsignalGroup, OutOfOrderOnceEach) {
  Pair w;
  w.start();
  std::vector<Bytes> m;
  for (int i = 0; i < 6; ++i) m.push_back(must_group_encrypt(w.alice, "alice", "m" + std::to_string(i)));
  for (int i : {5, 0, 3, 1, 4, 2}) must_read(w.bob, "alice", m[static_cast<size_t>(i)], "m" + std::to_string(i));
  for (const Bytes& b : m) expect_refused(w.bob, "alice", b, Errc::duplicate_message);
  // A message under another sender's name has no key there.
  expect_refused(w.bob, "carol", m[0], Errc::no_session);
}

// group_cipher.c: a message more than 2000 past the chain is refused; 2000 is read.
TEST(LibsignalGroup, SkipBoundIs2000) {
  Pair w;
  w.start();
  std::vector<Bytes> m;
  for (int i = 0; i <= 2001; ++i) m.push_back(must_group_encrypt(w.alice, "alice", std::to_string(i)));
  Device bob_copy = [&] {
    auto d = Device::deserialize(w.bob_rng, w.bob.serialize());
    EXPECT_TRUE(d.ok()) << describe(d);
    return std::move(d).value();
  }();
  expect_refused(w.bob, "alice", m[2001], Errc::counter_too_far);
  must_read(w.bob, "alice", m[2000], "2000");  // the refusal changed nothing
  must_read(w.bob, "alice", m[0], "0");        // skipped keys were kept
  must_read(bob_copy, "alice", m[2000], "2000");
}

// sender_key_record.c MAX_STATES = 5: a sixth key evicts the first.
TEST(LibsignalGroup, FiveStatesPerSender) {
  Pair w;
  std::vector<Bytes> first;
  for (int k = 0; k < 6; ++k) {
    w.start();  // new_sender_key replaces alice's own key; bob adds a state each time
    first.push_back(must_group_encrypt(w.alice, "alice", "key" + std::to_string(k)));
  }
  expect_refused(w.bob, "alice", first[0], Errc::no_session);
  for (int k = 1; k < 6; ++k) must_read(w.bob, "alice", first[static_cast<size_t>(k)], "key" + std::to_string(k));
}

TEST(LibsignalGroup, ExportKeepsSenderKeys) {
  Pair w;
  w.start();
  Bytes m0 = must_group_encrypt(w.alice, "alice", "zero");
  Bytes m1 = must_group_encrypt(w.alice, "alice", "one");
  must_read(w.bob, "alice", m1, "one");
  auto clone = Device::deserialize(w.bob_rng, w.bob.serialize());
  ASSERT_TRUE(clone.ok()) << describe(clone);
  must_read(*clone, "alice", m0, "zero");
  expect_refused(*clone, "alice", m1, Errc::duplicate_message);
  auto alice2 = Device::deserialize(w.alice_rng, w.alice.serialize());
  ASSERT_TRUE(alice2.ok()) << describe(alice2);
  must_read(w.bob, "alice", must_group_encrypt(*alice2, "alice", "two"), "two");
  w.bob.forget_sender_key(kGroup, "alice");
  expect_refused(w.bob, "alice", m0, Errc::no_session);
}

// GRP-4 finding (docs/findings.md): group_session_builder_process_session adds a state for
// every distribution message (sender_key_record_add_sender_key_state prepends, and
// get_sender_key_state_by_id returns the first state of that id), so an old distribution
// message of a key the receiver holds moves that key's chain back: messages it refused as
// duplicates are read again. This test records the library's behaviour; it is not a
// behaviour the suite accepts.
TEST(LibsignalGroup, OldDistributionMessageRollsTheChainBack) {
  Pair w;
  Bytes skdm0 = w.start();
  std::vector<Bytes> m;
  for (int i = 0; i < 3; ++i) m.push_back(must_group_encrypt(w.alice, "alice", "m" + std::to_string(i)));
  for (int i = 0; i < 3; ++i) must_read(w.bob, "alice", m[static_cast<size_t>(i)], "m" + std::to_string(i));
  expect_refused(w.bob, "alice", m[1], Errc::duplicate_message);
  auto st = w.bob.process_distribution(kGroup, "alice", skdm0);
  ASSERT_TRUE(st.ok()) << st.error().detail;
  must_read(w.bob, "alice", m[1], "m1");  // a refused replay is readable again
  must_read(w.bob, "alice", m[0], "m0");
  // The same old message, given five times more, fills the record (MAX_STATES) with
  // copies of one key.
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(w.bob.process_distribution(kGroup, "alice", skdm0).ok());
  must_read(w.bob, "alice", m[2], "m2");
}

}  // namespace
}  // namespace parity::interop
