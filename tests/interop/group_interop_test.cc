// group_interop_test.cc: the reference's Sender Keys (reference/group) against
// libsignal-protocol-c's group_session_builder / group_cipher (parity_libsignal), both
// ways: distribution, many messages in any order, replays, rotations, and byte for byte
// with injected keys (application envelopes equal but for the randomized 64-byte XEdDSA
// signature, which verifies under 0x05 || X25519(clamp(signing_private))).
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "reference/crypto/x25519.h"
#include "reference/crypto/xeddsa.h"
#include "reference/group/group_cipher.h"
#include "reference/group/group_session_builder.h"
#include "reference/group/sender_key_distribution_message.h"
#include "reference/group/sender_key_record.h"
#include "targets/libsignal/libsignal_device.h"
#include "tests/interop/harness.h"

namespace parity::interop {
namespace {

const std::string kGroup = "g1";

// KeyOptions are one sender key's injected keys, as PTP group_encrypt passes them.
struct KeyOptions {
  std::optional<Key32> chain_key;
  std::optional<Key32> signing_private;
  std::optional<uint32_t> key_id;
};

// GroupSender makes sender keys and messages; GroupReceiver reads them, filed under one
// sender. Each has a libsignal and a reference implementation.
class GroupSender {
 public:
  virtual ~GroupSender() = default;
  // rotate makes a fresh own key and returns its distribution message (iteration 0).
  virtual Result<Bytes> rotate(const KeyOptions& o) = 0;
  // distribution is the current key's distribution message at its current iteration.
  virtual Result<Bytes> distribution() = 0;
  virtual Result<Bytes> encrypt(ByteView plaintext) = 0;
};

class GroupReceiver {
 public:
  virtual ~GroupReceiver() = default;
  virtual Status process(ByteView distribution) = 0;
  virtual Result<Bytes> decrypt(ByteView message) = 0;
};

// must_device unwraps a new libsignal device; a failure fails the test.
libsignal::Device must_device(Result<libsignal::Device> d) {
  EXPECT_TRUE(d.ok()) << describe(d);
  return std::move(d).value();
}

class LibsignalSender final : public GroupSender {
 public:
  explicit LibsignalSender(uint32_t seed)
      : rng_(test_key(0x5a, seed)), device_(must_device(libsignal::Device::create(rng_))) {}
  Result<Bytes> rotate(const KeyOptions& o) override {
    PARITY_TRY(device_.new_sender_key(kGroup, "alice", {o.chain_key, o.signing_private, o.key_id}));
    return distribution();
  }
  Result<Bytes> distribution() override { return device_.sender_key_distribution(kGroup, "alice"); }
  Result<Bytes> encrypt(ByteView plaintext) override { return device_.group_encrypt(kGroup, "alice", plaintext); }

 private:
  SeededRng rng_;
  libsignal::Device device_;
};

class ReferenceSender final : public GroupSender {
 public:
  explicit ReferenceSender(uint32_t seed) : rng_(test_key(0x5b, seed)) {}
  Result<Bytes> rotate(const KeyOptions& o) override {
    PARITY_ASSIGN(group::SenderKeyState state,
                  group::create_sender_key(rng_, {o.chain_key, o.signing_private, o.key_id}));
    record_.set_state(std::move(state));
    return distribution();
  }
  Result<Bytes> distribution() override {
    if (record_.empty()) return make_error(Errc::no_session, "no own key");
    return group::distribution_of(*record_.newest()).serialize();
  }
  Result<Bytes> encrypt(ByteView plaintext) override { return group::group_encrypt(record_, plaintext, rng_); }

 private:
  SeededRng rng_;
  group::SenderKeyRecord record_;
};

class LibsignalReceiver final : public GroupReceiver {
 public:
  explicit LibsignalReceiver(uint32_t seed)
      : rng_(test_key(0x5c, seed)), device_(must_device(libsignal::Device::create(rng_))) {}
  Status process(ByteView distribution) override { return device_.process_distribution(kGroup, "alice", distribution); }
  Result<Bytes> decrypt(ByteView message) override { return device_.group_decrypt(kGroup, "alice", message); }

 private:
  SeededRng rng_;
  libsignal::Device device_;
};

class ReferenceReceiver final : public GroupReceiver {
 public:
  Status process(ByteView distribution) override {
    PARITY_ASSIGN(group::SenderKeyDistributionMessage m, group::decode_distribution_message(distribution));
    group::process_distribution(record_, m);
    return {};
  }
  Result<Bytes> decrypt(ByteView message) override { return group::group_decrypt(record_, message); }

 private:
  group::SenderKeyRecord record_;
};

std::unique_ptr<GroupSender> make_sender(Impl impl, uint32_t seed) {
  if (impl == Impl::libsignal) return std::make_unique<LibsignalSender>(seed);
  return std::make_unique<ReferenceSender>(seed);
}

std::unique_ptr<GroupReceiver> make_receiver(Impl impl, uint32_t seed) {
  if (impl == Impl::libsignal) return std::make_unique<LibsignalReceiver>(seed);
  return std::make_unique<ReferenceReceiver>();
}

std::string msg(int key, int i) {
  return "key " + std::to_string(key) + " message " + std::to_string(i);
}

// permutation is a fixed shuffle of 0..n-1 (a seeded Fisher-Yates).
std::vector<size_t> permutation(size_t n, uint32_t seed) {
  std::vector<size_t> p(n);
  for (size_t i = 0; i < n; ++i) p[i] = i;
  SeededRng rng(test_key(0x5e, seed));
  for (size_t i = n; i > 1; --i) {
    uint8_t b[4];
    rng.fill(b);
    const uint32_t r = (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | b[3];
    std::swap(p[i - 1], p[r % i]);
  }
  return p;
}

class GroupInterop : public ::testing::TestWithParam<PairParam> {};

// A sender (alice) of one implementation and a receiver of the other: 4 keys in turn,
// 40 messages each delivered in a shuffled order, each read exactly once; messages of
// earlier keys delivered after a rotation are still read (5 states are kept).
TEST_P(GroupInterop, ManyMessagesAnyOrderAcrossRotations) {
  auto sender = make_sender(GetParam().alice, 1);
  auto receiver = make_receiver(GetParam().bob, 1);
  constexpr int kKeys = 4;
  constexpr int kPerKey = 40;
  std::vector<std::vector<Bytes>> held(kKeys);  // per key, the second half, delivered late
  for (int k = 0; k < kKeys; ++k) {
    auto skdm = sender->rotate({});
    ASSERT_TRUE(skdm.ok()) << describe(skdm);
    auto st = receiver->process(*skdm);
    ASSERT_TRUE(st.ok()) << st.error().detail;
    std::vector<Bytes> sent;
    for (int i = 0; i < kPerKey; ++i) {
      auto m = sender->encrypt(text(msg(k, i)));
      ASSERT_TRUE(m.ok()) << describe(m);
      sent.push_back(*m);
    }
    for (size_t j : permutation(kPerKey / 2, static_cast<uint32_t>(k))) {
      auto p = receiver->decrypt(sent[j]);
      ASSERT_TRUE(p.ok()) << "key " << k << " message " << j << ": " << describe(p);
      EXPECT_EQ(*p, text(msg(k, static_cast<int>(j))));
    }
    held[static_cast<size_t>(k)].assign(sent.begin() + kPerKey / 2, sent.end());
    // Replays of what was read are refused.
    EXPECT_FALSE(receiver->decrypt(sent[0]).ok());
  }
  for (int k = kKeys - 1; k >= 0; --k) {
    const auto& late = held[static_cast<size_t>(k)];
    for (size_t j : permutation(late.size(), 100 + static_cast<uint32_t>(k))) {
      auto p = receiver->decrypt(late[j]);
      ASSERT_TRUE(p.ok()) << "late key " << k << " message " << j << ": " << describe(p);
      EXPECT_EQ(*p, text(msg(k, static_cast<int>(kPerKey / 2 + j))));
      EXPECT_FALSE(receiver->decrypt(late[j]).ok()) << "replay read";
    }
  }
}

// A member given the key later (the distribution at the current iteration) reads what
// follows, not what came before.
TEST_P(GroupInterop, LateDistributionReadsOnlyWhatFollows) {
  auto sender = make_sender(GetParam().alice, 2);
  auto receiver = make_receiver(GetParam().bob, 2);
  ASSERT_TRUE(sender->rotate({}).ok());
  std::vector<Bytes> before;
  for (int i = 0; i < 3; ++i) before.push_back(sender->encrypt(text(msg(0, i))).value());
  auto skdm = sender->distribution();
  ASSERT_TRUE(skdm.ok()) << describe(skdm);
  ASSERT_TRUE(receiver->process(*skdm).ok());
  auto after = sender->encrypt(text(msg(0, 3)));
  ASSERT_TRUE(after.ok());
  for (const Bytes& b : before) EXPECT_FALSE(receiver->decrypt(b).ok());
  auto p = receiver->decrypt(*after);
  ASSERT_TRUE(p.ok()) << describe(p);
  EXPECT_EQ(*p, text(msg(0, 3)));
}

// The skip bound is the same on both sides: 2000 past the next expected iteration is
// read, 2001 is refused.
TEST_P(GroupInterop, SkipBoundAgrees) {
  auto sender = make_sender(GetParam().alice, 3);
  auto receiver = make_receiver(GetParam().bob, 3);
  auto skdm = sender->rotate({});
  ASSERT_TRUE(skdm.ok());
  ASSERT_TRUE(receiver->process(*skdm).ok());
  std::vector<Bytes> m;
  for (int i = 0; i <= 2001; ++i) m.push_back(sender->encrypt(text(std::to_string(i))).value());
  EXPECT_FALSE(receiver->decrypt(m[2001]).ok());
  auto p = receiver->decrypt(m[2000]);
  ASSERT_TRUE(p.ok()) << describe(p);
  EXPECT_EQ(*p, text("2000"));
}

INSTANTIATE_TEST_SUITE_P(Pairs, GroupInterop,
                         ::testing::Values(PairParam{Impl::reference, Impl::libsignal},
                                           PairParam{Impl::libsignal, Impl::reference}),
                         pair_name);

// With the same injected keys both implementations make the same distribution message and
// the same application envelopes but for the signature, across rotations; every signature
// verifies under the signing public key, and each side reads the other's messages.
TEST(GroupByteExact, InjectedKeysGiveTheSameEnvelopes) {
  LibsignalSender lib(7);
  ReferenceSender ref(7);
  ReferenceReceiver ref_reader;
  LibsignalReceiver lib_reader(7);
  for (uint32_t k = 0; k < 3; ++k) {
    const KeyOptions o{test_key(0xd1, k), test_key(0xd2, k), 0x1000 + k * 0x01010101u};
    auto a = lib.rotate(o);
    auto b = ref.rotate(o);
    ASSERT_TRUE(a.ok() && b.ok()) << describe(a) << describe(b);
    EXPECT_EQ(to_hex(*a), to_hex(*b)) << "distribution message of key " << k;
    ASSERT_TRUE(ref_reader.process(*a).ok());
    ASSERT_TRUE(lib_reader.process(*b).ok());
    const Key32 pub = x25519_public(clamp_private(*o.signing_private));
    for (int i = 0; i < 5; ++i) {
      // Plaintext lengths 0..: one block of padding, unaligned, and whole blocks.
      const Bytes plaintext(static_cast<size_t>(i * 13), static_cast<uint8_t>(i));
      auto x = lib.encrypt(plaintext);
      auto y = ref.encrypt(plaintext);
      ASSERT_TRUE(x.ok() && y.ok()) << describe(x) << describe(y);
      ASSERT_EQ(x->size(), y->size());
      ASSERT_GT(x->size(), 64u);
      const size_t body = x->size() - 64;
      EXPECT_EQ(to_hex(ByteView(*x).first(body)), to_hex(ByteView(*y).first(body))) << "key " << k << " message " << i;
      EXPECT_TRUE(xeddsa_verify(pub, ByteView(*x).first(body), ByteView(*x).last(64))) << "libsignal signature";
      EXPECT_TRUE(xeddsa_verify(pub, ByteView(*y).first(body), ByteView(*y).last(64))) << "reference signature";
      auto p = ref_reader.decrypt(*x);
      ASSERT_TRUE(p.ok()) << describe(p);
      EXPECT_EQ(*p, plaintext);
      auto q = lib_reader.decrypt(*y);
      ASSERT_TRUE(q.ok()) << describe(q);
      EXPECT_EQ(*q, plaintext);
    }
  }
}

// GRP-4: an old distribution message of a key already held, processed again. libsignal
// adds a state (group_session_builder_process_session), so a refused replay is read
// again; the baseline ignores it. docs/findings.md, "libsignal-protocol-c: groups".
TEST(GroupRollback, LibsignalRollsBackTheBaselineDoesNot) {
  ReferenceSender sender(9);
  auto skdm0 = sender.rotate({});
  ASSERT_TRUE(skdm0.ok());
  LibsignalReceiver lib(9);
  ReferenceReceiver ref;
  ASSERT_TRUE(lib.process(*skdm0).ok());
  ASSERT_TRUE(ref.process(*skdm0).ok());
  std::vector<Bytes> m;
  for (int i = 0; i < 3; ++i) m.push_back(sender.encrypt(text(msg(0, i))).value());
  for (const Bytes& b : m) {
    ASSERT_TRUE(lib.decrypt(b).ok());
    ASSERT_TRUE(ref.decrypt(b).ok());
  }
  ASSERT_TRUE(lib.process(*skdm0).ok());
  ASSERT_TRUE(ref.process(*skdm0).ok());  // accepted without effect
  auto again = lib.decrypt(m[1]);
  ASSERT_TRUE(again.ok()) << "libsignal no longer rolls back: update docs/findings.md";
  EXPECT_EQ(*again, text(msg(0, 1)));
  EXPECT_FALSE(ref.decrypt(m[1]).ok());
  // Both still read new messages.
  Bytes next = sender.encrypt(text(msg(0, 3))).value();
  EXPECT_TRUE(lib.decrypt(next).ok());
  EXPECT_TRUE(ref.decrypt(next).ok());
}

}  // namespace
}  // namespace parity::interop
