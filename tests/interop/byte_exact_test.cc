// byte_exact_test.cc: with every key and id injected, libsignal-protocol-c and the
// reference produce identical bundles and ciphertexts for the same conversation, in
// every pairing (which proves the wire format and the KDF chains byte for byte).
#include <gtest/gtest.h>

#include <map>
#include <sstream>

#include "reference/crypto/xeddsa.h"
#include "reference/wire/public_key.h"
#include "reference/wire/signal_message.h"
#include "tests/interop/harness.h"

namespace parity::interop {
namespace {

// Event is one ciphertext of the scripted conversation, as a world produced it.
struct Event {
  std::string label;
  Ciphertext ciphertext;
};

struct Transcript {
  wire::Bundle bundle;
  wire::Bundle second_bundle;
  std::vector<Event> events;
  std::string failure;  // the first thing that went wrong, if any
};

Key32 alice_ratchet(uint32_t i) { return test_key(0x71, i); }
Key32 bob_ratchet(uint32_t i) { return test_key(0x72, i); }

// run_script plays the fixed conversation between alice (`a`) and bob (`b`), both
// deterministic: all keys injected, generators seeded identically in every world.
Transcript run_script(Impl a, Impl b) {
  Transcript t;
  SeededRng ra(test_key(0x61, 0));
  SeededRng rb(test_key(0x62, 0));
  auto alice_r = make_party(a, ra, test_key(0x10, 0), 1111);
  auto bob_r = make_party(b, rb, test_key(0x10, 1), 2222);
  if (!alice_r.ok() || !bob_r.ok()) {
    t.failure = "create failed";
    return t;
  }
  Party& alice = **alice_r;
  Party& bob = **bob_r;
  uint32_t alice_decrypts = 0;
  uint32_t bob_decrypts = 0;

  auto fail = [&](const std::string& what) {
    if (t.failure.empty()) t.failure = what;
  };
  std::map<std::string, Ciphertext> sent;
  auto send = [&](Party& from, const std::string& label, const std::string& plaintext) {
    auto c = from.encrypt(&from == &alice ? "bob" : "alice", text(plaintext));
    if (!c.ok()) return fail("encrypt " + label + ": " + describe(c));
    t.events.push_back({label, *c});
    sent[label] = *c;
  };
  auto receive = [&](Party& at, const std::string& label, const std::string& plaintext) {
    if (!sent.contains(label)) return fail("no ciphertext " + label);
    const bool is_alice = &at == &alice;
    const Key32 k = is_alice ? alice_ratchet(++alice_decrypts) : bob_ratchet(++bob_decrypts);
    auto p = at.decrypt(is_alice ? "bob" : "alice", sent[label], k);
    if (!p.ok()) return fail("decrypt " + label + ": " + describe(p));
    if (*p != text(plaintext)) fail("decrypt " + label + ": wrong plaintext");
  };

  BundleOptions o;
  o.signed_prekey_private = test_key(0x20, 0);
  o.signed_prekey_id = 5;
  o.onetime_prekey_private = test_key(0x21, 0);
  o.prekey_id = 31;
  auto bundle = bob.bundle(o);
  if (!bundle.ok()) {
    t.failure = "bundle: " + describe(bundle);
    return t;
  }
  t.bundle = *bundle;
  if (auto st = alice.initiate("bob", *bundle, test_key(0x30, 0), alice_ratchet(0)); !st.ok()) {
    t.failure = "initiate: " + st.error().detail;
    return t;
  }

  send(alice, "A0", "first");
  send(alice, "A1", "second");
  send(alice, "A2", "third, delivered late");
  receive(bob, "A1", "second");
  receive(bob, "A0", "first");
  send(bob, "B0", "reply zero");
  send(bob, "B1", "reply one");
  receive(alice, "B1", "reply one");
  receive(alice, "B0", "reply zero");
  send(alice, "A3", "three");
  send(alice, "A4", "four, delivered late");
  send(alice, "A5", "five");
  receive(bob, "A5", "five");
  receive(bob, "A3", "three");
  send(bob, "B2", "");
  receive(alice, "B2", "");
  send(alice, "A6", std::string(1000, 'q'));
  receive(bob, "A6", std::string(1000, 'q'));
  receive(bob, "A4", "four, delivered late");
  receive(bob, "A2", "third, delivered late");
  for (int round = 0; round < 10; ++round) {
    Party& from = round % 2 == 0 ? bob : alice;
    Party& to = round % 2 == 0 ? alice : bob;
    const int burst = 1 + (round * 7) % 4;
    for (int i = 0; i < burst; ++i) {
      const std::string label = "R" + std::to_string(round) + "." + std::to_string(i);
      const std::string msg = label + std::string(static_cast<size_t>(i * 13), '#');
      send(from, label, msg);
      receive(to, label, msg);
    }
  }

  // A second session, from a bundle without a one-time prekey, replaces the first.
  BundleOptions o2;
  o2.signed_prekey_private = test_key(0x20, 1);
  o2.signed_prekey_id = 6;
  o2.with_onetime_prekey = false;
  auto bundle2 = bob.bundle(o2);
  if (!bundle2.ok()) {
    fail("second bundle: " + describe(bundle2));
    return t;
  }
  t.second_bundle = *bundle2;
  if (auto st = alice.initiate("bob", *bundle2, test_key(0x30, 1), alice_ratchet(100)); !st.ok()) {
    fail("second initiate: " + st.error().detail);
    return t;
  }
  send(alice, "S0", "new session");
  send(alice, "S1", "new session again");
  receive(bob, "S1", "new session again");
  receive(bob, "S0", "new session");
  send(bob, "T0", "answer on the new session");
  receive(alice, "T0", "answer on the new session");
  send(alice, "S2", "and back");
  receive(bob, "S2", "and back");
  return t;
}

std::string hex_prefix(ByteView b) { return to_hex(b.subspan(0, std::min<size_t>(b.size(), 40))); }

// explain narrows a difference down to the first byte and the decoded fields.
std::string explain(const Ciphertext& x, const Ciphertext& y) {
  std::ostringstream s;
  if (x.kind != y.kind) s << "kinds differ; ";
  size_t i = 0;
  while (i < x.bytes.size() && i < y.bytes.size() && x.bytes[i] == y.bytes[i]) ++i;
  s << "first difference at byte " << i << " of " << x.bytes.size() << "/" << y.bytes.size() << "; ";
  auto fields = [&](const wire::SignalMessage& a, const wire::SignalMessage& b) {
    if (a.ratchet_key != b.ratchet_key) s << "ratchet_key " << to_hex(a.ratchet_key) << " vs " << to_hex(b.ratchet_key) << "; ";
    if (a.counter != b.counter) s << "counter " << a.counter << " vs " << b.counter << "; ";
    if (a.previous_counter != b.previous_counter) {
      s << "previous_counter " << a.previous_counter.value_or(~0u) << " vs " << b.previous_counter.value_or(~0u) << "; ";
    }
    if (a.ciphertext != b.ciphertext) s << "ciphertext " << hex_prefix(a.ciphertext) << " vs " << hex_prefix(b.ciphertext) << "; ";
    if (a.mac != b.mac) s << "mac " << to_hex(a.mac) << " vs " << to_hex(b.mac) << "; ";
  };
  if (x.kind == MessageKind::prekey) {
    auto a = wire::decode_prekey_message(x.bytes);
    auto b = wire::decode_prekey_message(y.bytes);
    if (!a.ok() || !b.ok()) return s.str() + "undecodable: " + describe(a) + " / " + describe(b);
    if (a->prekey_id != b->prekey_id) s << "prekey_id; ";
    if (a->base_key != b->base_key) s << "base_key; ";
    if (a->identity_key != b->identity_key) s << "identity_key; ";
    if (a->registration_id != b->registration_id) s << "registration_id; ";
    if (a->signed_prekey_id != b->signed_prekey_id) s << "signed_prekey_id; ";
    fields(a->message, b->message);
  } else {
    auto a = wire::decode_signal_message(x.bytes);
    auto b = wire::decode_signal_message(y.bytes);
    if (!a.ok() || !b.ok()) return s.str() + "undecodable: " + describe(a) + " / " + describe(b);
    fields(*a, *b);
  }
  return s.str();
}

std::string world_name(Impl a, Impl b) { return std::string(impl_name(a)) + "->" + impl_name(b); }

void expect_same_transcript(const Transcript& base, const Transcript& other, const std::string& name) {
  SCOPED_TRACE(name + " against libsignal->libsignal");
  ASSERT_TRUE(base.failure.empty()) << "libsignal->libsignal: " << base.failure;
  EXPECT_TRUE(other.failure.empty()) << name << ": " << other.failure;
  wire::Bundle b1 = base.bundle, b2 = other.bundle;
  b1.signed_prekey_signature = b2.signed_prekey_signature = {};
  EXPECT_EQ(b1.serialize(), b2.serialize()) << "bundles differ outside the signature";
  const size_t n = std::min(base.events.size(), other.events.size());
  EXPECT_EQ(base.events.size(), other.events.size());
  int reported = 0;
  for (size_t i = 0; i < n; ++i) {
    const Event& x = base.events[i];
    const Event& y = other.events[i];
    ASSERT_EQ(x.label, y.label);
    if (x.ciphertext.kind != y.ciphertext.kind || x.ciphertext.bytes != y.ciphertext.bytes) {
      ADD_FAILURE() << "message " << x.label << " (#" << i << ") differs: " << explain(x.ciphertext, y.ciphertext);
      if (++reported == 3) break;
    }
  }
}

TEST(ByteExact, EveryPairingProducesTheSameCiphertexts) {
  const Transcript base = run_script(Impl::libsignal, Impl::libsignal);
  ASSERT_TRUE(base.failure.empty()) << base.failure;
  ASSERT_GT(base.events.size(), 30u);
  for (auto [a, b] : {std::pair{Impl::reference, Impl::reference}, std::pair{Impl::libsignal, Impl::reference},
                      std::pair{Impl::reference, Impl::libsignal}}) {
    expect_same_transcript(base, run_script(a, b), world_name(a, b));
  }
}

// Both draw the same 64 bytes of randomness Z here, so the signed prekey signatures
// must be the same bytes: the reference signs exactly as libsignal-protocol-c 2.3.3's
// curve25519_sign (the clamped key unreduced in the nonce, no negation, the sign of A in
// bit 511 of the signature).
TEST(ByteExact, SignedPrekeySignaturesMatchWithTheSameRandomness) {
  const Transcript lib = run_script(Impl::libsignal, Impl::libsignal);
  const Transcript ref = run_script(Impl::reference, Impl::reference);
  ASSERT_TRUE(lib.failure.empty() && ref.failure.empty()) << lib.failure << " / " << ref.failure;
  EXPECT_EQ(to_hex(lib.bundle.signed_prekey_signature), to_hex(ref.bundle.signed_prekey_signature));
  EXPECT_EQ(lib.bundle.serialize(), ref.bundle.serialize());
  EXPECT_EQ(lib.second_bundle.serialize(), ref.second_bundle.serialize());
}

TEST(ByteExact, BundlesMatchOutsideTheSignatureAndVerifyEitherWay) {
  const Transcript lib = run_script(Impl::libsignal, Impl::libsignal);
  const Transcript ref = run_script(Impl::reference, Impl::reference);
  ASSERT_TRUE(lib.failure.empty() && ref.failure.empty()) << lib.failure << " / " << ref.failure;
  for (const auto& [x, y] : {std::pair{lib.bundle, ref.bundle}, std::pair{lib.second_bundle, ref.second_bundle}}) {
    wire::Bundle a = x, b = y;
    a.signed_prekey_signature = b.signed_prekey_signature = {};
    EXPECT_EQ(a, b);
    // Each signature verifies under the reference's libsignal-style verifier; the
    // libsignal side verifies the reference's in every reference->libsignal session.
    EXPECT_TRUE(xeddsa_verify(x.identity_key, wire::serialize_key(x.signed_prekey_public), x.signed_prekey_signature));
    EXPECT_TRUE(xeddsa_verify(y.identity_key, wire::serialize_key(y.signed_prekey_public), y.signed_prekey_signature));
  }
}

TEST(ByteExact, EveryLibsignalCiphertextReencodesExactly) {
  const Transcript lib = run_script(Impl::libsignal, Impl::libsignal);
  ASSERT_TRUE(lib.failure.empty()) << lib.failure;
  for (const Event& e : lib.events) {
    SCOPED_TRACE(e.label);
    if (e.ciphertext.kind == MessageKind::prekey) {
      auto m = wire::decode_prekey_message(e.ciphertext.bytes);
      ASSERT_TRUE(m.ok()) << describe(m);
      EXPECT_EQ(m->serialize(), e.ciphertext.bytes);
    } else {
      auto m = wire::decode_signal_message(e.ciphertext.bytes);
      ASSERT_TRUE(m.ok()) << describe(m);
      EXPECT_EQ(m->serialize(), e.ciphertext.bytes);
    }
  }
}

}  // namespace
}  // namespace parity::interop
