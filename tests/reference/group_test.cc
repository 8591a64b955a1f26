// The Sender Keys baseline (reference/group): derivations, the wire formats' strict
// decoders, the group cipher's bounds and atomicity, and the distribution rule (GRP-4).
#include <algorithm>
#include <numeric>

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "reference/codec.h"
#include "reference/crypto/hash.h"
#include "reference/crypto/x25519.h"
#include "reference/group/group_cipher.h"
#include "reference/group/group_labels.h"
#include "reference/group/group_session_builder.h"
#include "reference/group/sender_chain_key.h"
#include "reference/group/sender_key_distribution_message.h"
#include "reference/group/sender_key_message.h"
#include "reference/wire/protobuf.h"
#include "reference/wire/public_key.h"

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

// Pair is an owner with its own record and a receiver that filed the owner's key.
struct Pair {
  SeededRng rng;
  SenderKeyRecord own;
  SenderKeyRecord received;
  explicit Pair(uint8_t seed) : rng(seed_of(seed)) {
    auto s = create_sender_key(rng);
    EXPECT_TRUE(s.ok());
    own.set_state(*s);
    EXPECT_EQ(process_distribution(received, distribution_of(*own.newest())), DistributionOutcome::added);
  }
  Bytes send(const std::string& plaintext) {
    auto c = group_encrypt(own, text(plaintext), rng);
    EXPECT_TRUE(c.ok());
    return c.ok() ? *c : Bytes{};
  }
  // send_at makes the message of iteration `i` (the chain must not be past it).
  Bytes send_at(uint32_t i) {
    while (own.newest()->chain.iteration < i) own.newest()->chain = own.newest()->chain.next();
    return send("m" + std::to_string(i));
  }
};

TEST(GroupKeys, ChainStepsAreLibsignals) {
  SenderChainKey c{7, seed_of(0x11)};
  const uint8_t one[1] = {0x01};
  const uint8_t two[1] = {0x02};
  EXPECT_EQ(c.seed(), hmac_sha256(c.key, one));
  SenderChainKey n = c.next();
  EXPECT_EQ(n.iteration, 8u);
  EXPECT_EQ(n.key, hmac_sha256(c.key, two));
  EXPECT_NE(n.key, c.seed());
}

TEST(GroupKeys, MessageKeyIsWhisperGroupHkdfIvThenKey) {
  const Key32 seed = seed_of(0x22);
  SenderMessageKey mk = SenderMessageKey::from_seed(3, seed);
  // A zero salt of 32 bytes and an absent salt are the same HKDF (RFC 5869 2.2).
  auto salted = hkdf_sha256(seed, Key32{}, view(std::string(kWhisperGroupInfo)), 48);
  auto unsalted = hkdf_sha256(seed, {}, view(std::string(kWhisperGroupInfo)), 48);
  ASSERT_TRUE(salted.ok() && unsalted.ok());
  EXPECT_EQ(*salted, *unsalted);
  EXPECT_TRUE(std::equal(mk.iv.begin(), mk.iv.end(), salted->begin()));
  EXPECT_TRUE(std::equal(mk.cipher_key.begin(), mk.cipher_key.end(), salted->begin() + 16));
  EXPECT_EQ(mk.iteration, 3u);
  EXPECT_EQ(mk.seed, seed);
}

TEST(GroupKeys, InjectedKeys) {
  SeededRng rng(seed_of(1));
  Key32 priv = seed_of(0x37);
  auto s = create_sender_key(rng, {seed_of(0x44), priv, 0x7fffffffu});
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->key_id, 0x7fffffffu);
  EXPECT_EQ(s->chain, (SenderChainKey{0, seed_of(0x44)}));
  EXPECT_EQ(s->signing_public, x25519_public(clamp_private(priv)));
  EXPECT_EQ(*s->signing_private, clamp_private(priv));
  EXPECT_EQ(create_sender_key(rng, {std::nullopt, std::nullopt, 0x80000000u}).code(), Errc::invalid_argument);
  for (int i = 0; i < 50; ++i) {
    auto r = create_sender_key(rng);
    ASSERT_TRUE(r.ok());
    EXPECT_LT(r->key_id, kSenderKeyIdBound);
  }
}

TEST(GroupWire, LayoutsAreLibsignals) {
  SenderKeyMessage m{300, 5, Bytes(16, 0xab), {}};
  m.signature.fill(0x5a);
  Bytes b = m.serialize();
  const Bytes head = {0x33, 0x08, 0xac, 0x02, 0x10, 0x05, 0x1a, 0x10};
  ASSERT_EQ(b.size(), head.size() + 16 + 64);
  EXPECT_TRUE(std::equal(head.begin(), head.end(), b.begin()));
  auto d = decode_sender_key_message(b);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d, m);

  SenderKeyDistributionMessage k{1, 2, seed_of(3), seed_of(4)};
  Bytes kb = k.serialize();
  const Bytes khead = {0x33, 0x08, 0x01, 0x10, 0x02, 0x1a, 0x20};
  EXPECT_TRUE(std::equal(khead.begin(), khead.end(), kb.begin()));
  EXPECT_EQ(kb.size(), 7u + 32 + 2 + 33);
  EXPECT_EQ(kb[7 + 32], 0x22);
  EXPECT_EQ(kb[7 + 32 + 1], 33);
  EXPECT_EQ(kb[7 + 32 + 2], 0x05);
  auto kd = decode_distribution_message(kb);
  ASSERT_TRUE(kd.ok());
  EXPECT_EQ(*kd, k);

  GroupKeyWrapper w{"friends", kb};
  Bytes wb = w.serialize();
  EXPECT_EQ(wb[0], 0x0a);
  EXPECT_EQ(wb[1], 7);
  EXPECT_EQ(wb[9], 0x12);
  auto wd = decode_group_key_wrapper(wb);
  ASSERT_TRUE(wd.ok());
  EXPECT_EQ(*wd, w);
}

TEST(GroupWire, StrictRefusals) {
  SenderKeyDistributionMessage k{1, 2, seed_of(3), seed_of(4)};
  const Bytes good = k.serialize();
  auto refuse = [](const Bytes& b) { return !decode_distribution_message(b).ok(); };
  Bytes trailing = good;
  trailing.push_back(0);
  EXPECT_TRUE(refuse(trailing));
  Bytes version = good;
  version[0] = 0x23;
  EXPECT_EQ(decode_distribution_message(version).code(), Errc::bad_version);
  EXPECT_TRUE(refuse({}));
  EXPECT_TRUE(refuse({0x33}));
  // Missing field 2.
  wire::ProtoWriter w;
  w.uint32_field(1, 1);
  w.bytes_field(3, seed_of(3));
  w.bytes_field(4, wire::serialize_key(seed_of(4)));
  Bytes missing = concat({Bytes{0x33}, w.bytes()});
  EXPECT_EQ(decode_distribution_message(missing).code(), Errc::malformed);
  // A 31-byte chain key and an unprefixed signing key.
  for (int which = 0; which < 2; ++which) {
    wire::ProtoWriter v;
    v.uint32_field(1, 1);
    v.uint32_field(2, 2);
    v.bytes_field(3, which == 0 ? ByteView(seed_of(3)).first(31) : ByteView(seed_of(3)));
    v.bytes_field(4, which == 1 ? ByteView(seed_of(4)) : ByteView(wire::serialize_key(seed_of(4))));
    EXPECT_EQ(decode_distribution_message(concat({Bytes{0x33}, v.bytes()})).code(), Errc::malformed) << which;
  }
  // Repeated field.
  Bytes repeated = good;
  repeated.insert(repeated.begin() + 3, {0x08, 0x01});
  EXPECT_TRUE(refuse(repeated));

  // The wrapper: missing, repeated, unknown field, empty group id, bad inner message.
  const Bytes inner = good;
  GroupKeyWrapper gw{"g", inner};
  Bytes wb = gw.serialize();
  EXPECT_TRUE(decode_group_key_wrapper(wb).ok());
  wire::ProtoWriter only_id;
  only_id.bytes_field(1, view(std::string("g")));
  EXPECT_FALSE(decode_group_key_wrapper(only_id.bytes()).ok());
  wire::ProtoWriter only_skdm;
  only_skdm.bytes_field(2, inner);
  EXPECT_FALSE(decode_group_key_wrapper(only_skdm.bytes()).ok());
  Bytes extra = wb;
  extra.insert(extra.end(), {0x1a, 0x00});
  EXPECT_FALSE(decode_group_key_wrapper(extra).ok());
  Bytes twice = concat({only_id.bytes(), only_id.bytes(), only_skdm.bytes()});
  EXPECT_FALSE(decode_group_key_wrapper(twice).ok());
  EXPECT_FALSE(decode_group_key_wrapper(GroupKeyWrapper{"", inner}.serialize()).ok());
  EXPECT_FALSE(decode_group_key_wrapper(GroupKeyWrapper{"g", Bytes{0x33}}.serialize()).ok());
  Bytes wtrail = wb;
  wtrail.push_back(0x00);
  EXPECT_FALSE(decode_group_key_wrapper(wtrail).ok());

  // SenderKeyMessage: ciphertext not a multiple of 16, too short, wrong version.
  SenderKeyMessage m{1, 2, Bytes(15, 1), {}};
  EXPECT_EQ(decode_sender_key_message(m.serialize()).code(), Errc::malformed);
  EXPECT_EQ(decode_sender_key_message(Bytes(64, 0x33)).code(), Errc::malformed);
  m.ciphertext = Bytes(16, 1);
  Bytes mb = m.serialize();
  mb[0] = 0x32;
  EXPECT_EQ(decode_sender_key_message(mb).code(), Errc::bad_version);
  EXPECT_EQ(decode_sender_key_message(Bytes(kMaxGroupMessageSize + 1, 0x33)).code(), Errc::limit_exceeded);
}

RC_GTEST_PROP(GroupWireProperty, DistributionRoundTripsAndPrefixesAreRefused, ()) {
  SenderKeyDistributionMessage k;
  k.key_id = *rc::gen::arbitrary<uint32_t>();
  k.iteration = *rc::gen::arbitrary<uint32_t>();
  k.chain_key[0] = *rc::gen::arbitrary<uint8_t>();
  k.signing_key[31] = *rc::gen::arbitrary<uint8_t>();
  const Bytes b = k.serialize();
  auto d = decode_distribution_message(b);
  RC_ASSERT(d.ok());
  RC_ASSERT(*d == k);
  const size_t cut = *rc::gen::inRange<size_t>(0, b.size());
  RC_ASSERT(!decode_distribution_message(ByteView(b).first(cut)).ok());
  const std::string group = *rc::gen::nonEmpty(rc::gen::container<std::string>(rc::gen::inRange('a', 'z')));
  const Bytes wb = GroupKeyWrapper{group, b}.serialize();
  auto wd = decode_group_key_wrapper(wb);
  RC_ASSERT(wd.ok());
  RC_ASSERT(wd->group_id == group);
  RC_ASSERT(!decode_group_key_wrapper(ByteView(wb).first(*rc::gen::inRange<size_t>(0, wb.size()))).ok());
}

RC_GTEST_PROP(GroupWireProperty, MutatedDistributionIsRefusedOrCanonical, ()) {
  SenderKeyDistributionMessage k{*rc::gen::inRange<uint32_t>(0, 1u << 31), *rc::gen::arbitrary<uint32_t>(), seed_of(3),
                                 seed_of(4)};
  Bytes b = k.serialize();
  const size_t at = *rc::gen::inRange<size_t>(0, b.size());
  b[at] ^= static_cast<uint8_t>(1u << *rc::gen::inRange(0, 8));
  auto d = decode_distribution_message(b);
  // Anything the strict decoder accepts is exactly what it would write.
  if (d.ok()) RC_ASSERT(d->serialize() == b);
}

TEST(GroupCipher, RoundTripAndReplay) {
  Pair p(1);
  for (int i = 0; i < 5; ++i) {
    Bytes c = p.send("hello " + std::to_string(i));
    auto d = group_decrypt(p.received, c);
    ASSERT_TRUE(d.ok()) << d.error().detail;
    EXPECT_EQ(*d, text("hello " + std::to_string(i)));
    EXPECT_EQ(group_decrypt(p.received, c).code(), Errc::duplicate_message);
  }
  // The envelope is the SenderKeyMessage: ciphertext exactly AES-CBC/PKCS#7 of the plaintext.
  Bytes c = p.send(std::string(16, 'x'));
  auto m = decode_sender_key_message(c);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->ciphertext.size(), 32u);
  EXPECT_EQ(m->iteration, 5u);
  EXPECT_TRUE(xeddsa_verify(p.own.newest()->signing_public, signed_part(c), m->signature));
  // An owner's own message is behind its chain: it cannot read it back.
  EXPECT_EQ(group_decrypt(p.own, c).code(), Errc::duplicate_message);
  // An empty record has no key to encrypt with.
  SenderKeyRecord empty;
  EXPECT_EQ(group_encrypt(empty, text("x"), p.rng).code(), Errc::no_session);
  EXPECT_EQ(group_encrypt(p.received, text("x"), p.rng).code(), Errc::invalid_key);
}

RC_GTEST_PROP(GroupCipherProperty, OutOfOrderWithinTheBoundReadsEachOnce, ()) {
  const int n = *rc::gen::inRange(1, 40);
  Pair p(static_cast<uint8_t>(*rc::gen::arbitrary<uint8_t>()));
  std::vector<Bytes> sent;
  for (int i = 0; i < n; ++i) sent.push_back(p.send("m" + std::to_string(i)));
  std::vector<int> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  for (size_t i = order.size(); i > 1; --i) {
    std::swap(order[i - 1], order[*rc::gen::inRange<size_t>(0, i)]);
  }
  for (int i : order) {
    auto d = group_decrypt(p.received, sent[static_cast<size_t>(i)]);
    RC_ASSERT(d.ok());
    RC_ASSERT(*d == text("m" + std::to_string(i)));
  }
  for (const Bytes& c : sent) RC_ASSERT(group_decrypt(p.received, c).code() == Errc::duplicate_message);
}

TEST(GroupCipher, JumpOf2000IsReadAnd2001Refused) {
  Pair p(2);
  Bytes far = p.send_at(2001);
  const SenderKeyRecord before = p.received;
  EXPECT_EQ(group_decrypt(p.received, far).code(), Errc::limit_exceeded);
  EXPECT_EQ(p.received, before);

  Pair q(2);
  Bytes edge = q.send_at(2000);
  auto d = group_decrypt(q.received, edge);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(q.received.newest()->skipped.size(), 2000u);
  EXPECT_EQ(q.received.newest()->chain.iteration, 2001u);
  // After reading 2000 the next expected is 2001: 2001 + 2000 is read, 2001 + 2001 is not.
  Pair r(2);
  Bytes first = r.send_at(2000);
  ASSERT_TRUE(group_decrypt(r.received, first).ok());
  Bytes beyond = r.send_at(4002);
  EXPECT_EQ(group_decrypt(r.received, beyond).code(), Errc::limit_exceeded);
}

TEST(GroupCipher, SkippedKeysAreBoundedOldestEvicted) {
  Pair p(3);
  std::vector<Bytes> early;
  for (int i = 0; i < 3; ++i) early.push_back(p.send("early" + std::to_string(i)));
  Bytes at2000 = p.send_at(2000);
  ASSERT_TRUE(group_decrypt(p.received, at2000).ok());
  const SenderKeyState& s = *p.received.newest();
  EXPECT_EQ(s.skipped.size(), 2000u);
  EXPECT_EQ(s.skipped.front().iteration, 0u);
  Bytes at2002 = p.send_at(2002);  // skips 2001: one more key, the oldest (0) goes
  ASSERT_TRUE(group_decrypt(p.received, at2002).ok());
  EXPECT_EQ(p.received.newest()->skipped.size(), 2000u);
  EXPECT_EQ(p.received.newest()->skipped.front().iteration, 1u);
  EXPECT_EQ(group_decrypt(p.received, early[0]).code(), Errc::duplicate_message);
  auto d1 = group_decrypt(p.received, early[1]);
  ASSERT_TRUE(d1.ok());
  EXPECT_EQ(*d1, text("early1"));
}

TEST(GroupCipher, RecordKeepsFiveStatesNewestFirst) {
  SeededRng rng(seed_of(4));
  SenderKeyRecord received;
  std::vector<SenderKeyRecord> owners;
  for (uint32_t i = 0; i < 6; ++i) {
    auto s = create_sender_key(rng, {std::nullopt, std::nullopt, 100 + i});
    ASSERT_TRUE(s.ok());
    SenderKeyRecord own;
    own.set_state(*s);
    EXPECT_EQ(process_distribution(received, distribution_of(*s)), DistributionOutcome::added);
    owners.push_back(own);
  }
  ASSERT_EQ(received.states.size(), kMaxSenderStates);
  EXPECT_EQ(received.states.front().key_id, 105u);
  EXPECT_EQ(received.states.back().key_id, 101u);
  for (size_t i = 0; i < owners.size(); ++i) {
    auto c = group_encrypt(owners[i], text("x"), rng);
    ASSERT_TRUE(c.ok());
    auto d = group_decrypt(received, *c);
    if (i == 0) {
      EXPECT_EQ(d.code(), Errc::no_session);
    } else {
      EXPECT_TRUE(d.ok()) << i;
    }
  }
}

TEST(GroupCipher, TamperAndForgeryAreRefusedWithoutChange) {
  Pair p(5);
  Bytes c = p.send("genuine");
  const SenderKeyRecord before = p.received;
  for (size_t at = 0; at < c.size(); ++at) {
    Bytes t = c;
    t[at] ^= 0x01;
    EXPECT_FALSE(group_decrypt(p.received, t).ok()) << at;
    EXPECT_EQ(p.received, before) << at;
  }
  Bytes longer = c;
  longer.push_back(0);
  EXPECT_FALSE(group_decrypt(p.received, longer).ok());
  EXPECT_FALSE(group_decrypt(p.received, ByteView(c).first(c.size() - 1)).ok());
  EXPECT_EQ(p.received, before);

  // Another member holds the chain but not the signing key: its signature fails.
  SenderKeyRecord thief = p.received;
  thief.newest()->signing_private = seed_of(0x66);
  auto forged = group_encrypt(thief, text("forged"), p.rng);
  ASSERT_TRUE(forged.ok());
  EXPECT_EQ(group_decrypt(p.received, *forged).code(), Errc::bad_signature);
  EXPECT_EQ(p.received, before);
  // Without the check (a hook for a mutant) the forgery is read.
  GroupHooks lax;
  lax.verify_signature = false;
  SenderKeyRecord lax_copy = p.received;
  EXPECT_TRUE(group_decrypt(lax_copy, *forged, lax).ok());

  // A validly signed message whose ciphertext does not decrypt changes nothing.
  SenderKeyMessage bad{p.own.newest()->key_id, 0, Bytes(32, 0x00), {}};
  for (uint8_t v = 0; v < 8; ++v) {
    bad.ciphertext.assign(32, v);
    bad.sign(*p.own.newest()->signing_private, p.rng);
    auto d = group_decrypt(p.received, bad.serialize());
    if (!d.ok()) {
      EXPECT_EQ(p.received, before);
      break;
    }
    p.received = before;
  }
  auto g = group_decrypt(p.received, c);
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(*g, text("genuine"));
}

TEST(GroupSession, OlderDistributionDoesNotRollBack) {
  Pair p(6);
  const SenderKeyDistributionMessage at0 = distribution_of(*p.own.newest());
  std::vector<Bytes> sent;
  for (int i = 0; i < 4; ++i) sent.push_back(p.send("m" + std::to_string(i)));
  for (const Bytes& c : sent) ASSERT_TRUE(group_decrypt(p.received, c).ok());
  const SenderKeyRecord before = p.received;
  EXPECT_EQ(process_distribution(p.received, at0), DistributionOutcome::ignored);
  EXPECT_EQ(p.received, before);
  EXPECT_EQ(group_decrypt(p.received, sent[1]).code(), Errc::duplicate_message);
  // A later copy of the same chain adds nothing either.
  const SenderKeyDistributionMessage at4 = distribution_of(*p.own.newest());
  EXPECT_EQ(process_distribution(p.received, at4), DistributionOutcome::ignored);
  EXPECT_EQ(p.received, before);
  // libsignal-protocol-c's behaviour, kept behind a hook: the old copy rolls the chain back.
  GroupHooks rollback;
  rollback.allow_rollback = true;
  EXPECT_EQ(process_distribution(p.received, at0, rollback), DistributionOutcome::added);
  EXPECT_TRUE(group_decrypt(p.received, sent[1]).ok());
  // A new key (rotation) is a new state in front.
  SenderKeyRecord fresh;
  fresh.set_state(*create_sender_key(p.rng));
  EXPECT_EQ(process_distribution(p.received, distribution_of(*fresh.newest())), DistributionOutcome::added);
  EXPECT_EQ(p.received.newest()->key_id, fresh.newest()->key_id);
}

TEST(GroupSession, RecordSerialisationIsExactAndStrict) {
  Pair p(7);
  for (int i = 0; i < 3; ++i) p.send("skip");
  ASSERT_TRUE(group_decrypt(p.received, p.send("read")).ok());
  for (const SenderKeyRecord* rec : {&p.own, &p.received}) {
    ByteWriter w;
    write_sender_key_record(w, *rec);
    Bytes b = w.take();
    ByteReader r(b);
    auto back = read_sender_key_record(r);
    ASSERT_TRUE(back.ok());
    EXPECT_TRUE(r.finish().ok());
    EXPECT_EQ(*back, *rec);
    for (size_t cut = 0; cut < b.size(); ++cut) {
      ByteReader rc(ByteView(b).first(cut));
      auto partial = read_sender_key_record(rc);
      EXPECT_TRUE(!partial.ok() || !rc.finish().ok()) << cut;
    }
  }
  EXPECT_EQ(p.received.newest()->skipped.size(), 3u);
  // Skipped keys out of order are refused.
  SenderKeyRecord odd = p.received;
  std::swap(odd.newest()->skipped[0], odd.newest()->skipped[1]);
  ByteWriter w;
  write_sender_key_record(w, odd);
  Bytes b = w.take();
  ByteReader r(b);
  EXPECT_EQ(read_sender_key_record(r).code(), Errc::malformed);
}

}  // namespace
}  // namespace parity::group
