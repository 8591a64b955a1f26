#include "suites/sig/sig.h"

#include <deque>
#include <map>
#include <sstream>

#include "reference/crypto/hash.h"
#include "reference/crypto/x25519.h"
#include "reference/crypto/xeddsa.h"
#include "reference/wire/bundle.h"
#include "reference/wire/public_key.h"
#include "reference/wire/signal_message.h"
#include "suites/common/check_spec.h"
#include "suites/common/steps.h"

namespace parity::suites {

namespace {

using harness::Inject;

Bytes text(const std::string& s) {
  return to_bytes(s);
}

// verdicted wraps the outcome of a scenario that judged itself (SIG-1, SIG-2, SIG-4).
Verdicted verdicted(CheckOutcome o) {
  Verdicted v;
  v.outcome = std::move(o);
  return v;
}

// exchange sends `plaintext` from one party to another and checks it arrives intact.
// It returns nullopt on success or the outcome that ends the check.
std::optional<CheckOutcome> exchange(const PartyRef& from, const PartyRef& to, const Bytes& plaintext,
                                     const std::string& label,
                                     std::vector<harness::CiphertextResult>* sent_out = nullptr) {
  auto c = from.target->encrypt(from.name, to.name, plaintext);
  if (c.violated()) return CheckOutcome::error(c.violation());
  if (c.refused()) return CheckOutcome::unexpected_refusal(from.target->name() + " encrypting " + label, c.refusal());
  if (sent_out != nullptr) sent_out->push_back(*c);
  auto p = to.target->decrypt(to.name, from.name, c->ciphertext, c->kind);
  if (p.violated()) return CheckOutcome::error(p.violation());
  if (p.refused()) {
    CheckOutcome o = CheckOutcome::unexpected_refusal(to.target->name() + " decrypting " + label + " from " +
                                                          from.target->name(),
                                                      p.refusal());
    o.observations.push_back("ciphertext (" + std::string(to_string(c->kind)) + "): " + short_hex(c->ciphertext, 48));
    return o;
  }
  if (*p != plaintext) {
    CheckOutcome o = CheckOutcome::fail(to.target->name() + " decrypted " + label + " to different bytes");
    o.observations.push_back("sent " + short_hex(plaintext) + ", got " + short_hex(*p));
    return o;
  }
  return std::nullopt;
}

// session_both_ways runs a session initiated by `initiator`: three first messages,
// a reply, then ping-pong rounds (a DH ratchet step each turn).
CheckOutcome session_both_ways(const PartyRef& initiator, const PartyRef& responder, int rounds) {
  PARITY_STEP([[maybe_unused]] auto ignored_a, initiator.target->create(initiator.name), "create " + initiator.name);
  PARITY_STEP([[maybe_unused]] auto ignored_b, responder.target->create(responder.name), "create " + responder.name);
  PARITY_STEP(harness::BundleResult b, responder.target->bundle(responder.name), "bundle of " + responder.name);
  PARITY_DO(initiator.target->initiate(initiator.name, responder.name, b.bundle),
            initiator.target->name() + " starting a session from " + responder.target->name() + "'s bundle");
  for (int i = 0; i < 3; ++i) {
    if (auto o =
            exchange(initiator, responder, text("first " + std::to_string(i)), "first message " + std::to_string(i)))
      return *o;
  }
  for (int i = 0; i < rounds; ++i) {
    if (auto o = exchange(responder, initiator, text("reply " + std::to_string(i)), "reply " + std::to_string(i)))
      return *o;
    if (auto o = exchange(initiator, responder, text("next " + std::to_string(i)), "message " + std::to_string(i)))
      return *o;
  }
  return CheckOutcome::pass("a session started by " + initiator.target->name() + " carried " +
                            std::to_string(3 + 2 * rounds) + " messages both ways");
}

Verdicted sig1_target_initiates(Run& run) {
  return verdicted(session_both_ways({&run.target, "alice"}, {run.peer, "bob"}, 5));
}

Verdicted sig1_reference_initiates(Run& run) {
  return verdicted(session_both_ways({run.peer, "alice"}, {&run.target, "bob"}, 5));
}

// describe_difference names the first field in which two messages differ.
std::string describe_difference(const Bytes& expected, const Bytes& got, harness::MessageKind kind) {
  size_t i = 0;
  while (i < expected.size() && i < got.size() && expected[i] == got[i]) ++i;
  std::ostringstream os;
  os << "first difference at byte " << i << " of " << expected.size() << " (target gave " << got.size() << " bytes)";
  ByteView inner_e = expected;
  ByteView inner_g = got;
  wire::PreKeySignalMessage pe;
  wire::PreKeySignalMessage pg;
  if (kind == harness::MessageKind::prekey) {
    auto de = wire::decode_prekey_message(expected);
    auto dg = wire::decode_prekey_message(got);
    if (!dg) return os.str() + "; the target's message does not decode: " + dg.error().detail;
    if (de) {
      pe = *de;
      pg = *dg;
      if (pe.registration_id != pg.registration_id) os << "; registrationId differs";
      if (pe.prekey_id != pg.prekey_id) os << "; preKeyId differs";
      if (pe.signed_prekey_id != pg.signed_prekey_id) os << "; signedPreKeyId differs";
      if (pe.base_key != pg.base_key) os << "; baseKey differs";
      if (pe.identity_key != pg.identity_key) os << "; identityKey differs";
      inner_e = pe.message_bytes;
      inner_g = pg.message_bytes;
    }
  }
  auto me = wire::decode_signal_message(inner_e);
  auto mg = wire::decode_signal_message(inner_g);
  if (!mg) return os.str() + "; the target's SignalMessage does not decode: " + mg.error().detail;
  if (me) {
    if (me->ratchet_key != mg->ratchet_key) os << "; ratchetKey differs";
    if (me->counter != mg->counter) os << "; counter " << mg->counter << " (expected " << me->counter << ")";
    if (me->previous_counter != mg->previous_counter) os << "; previousCounter differs";
    if (me->ciphertext != mg->ciphertext) os << "; AES-CBC ciphertext differs (message keys differ)";
    if (me->mac != mg->mac) os << "; MAC differs";
  }
  return os.str();
}

// fixed_key derives a fixed private key for SIG-3 from a label, so the vectors are the
// same in every run. It is clamped: libsignal-protocol-c signs with the private scalar
// as given, so an unclamped identity key would make its own signatures fail.
Key32 fixed_key(const std::string& label) {
  return clamp_private(sha256(to_bytes("parity SIG-3 " + label)));
}

struct ScriptStep {
  enum Kind { encrypt, decrypt } kind;
  std::string from;
  std::string to;
  std::string plaintext;
  std::optional<std::string> ratchet_label;  // decrypt: the injected next ratchet key
  int message = -1;                          // decrypt: which sent message
};

// sig3_script is the fixed conversation of SIG-3: first messages, a reply, then
// alternating turns, with out-of-order delivery in one chain.
std::vector<ScriptStep> sig3_script() {
  using S = ScriptStep;
  return {
      {S::encrypt, "alice", "bob", "first", {}, -1},  {S::encrypt, "alice", "bob", "second", {}, -1},
      {S::decrypt, "alice", "bob", "", "bob-1", 1},   {S::decrypt, "alice", "bob", "", {}, 0},
      {S::encrypt, "bob", "alice", "reply", {}, -1},  {S::decrypt, "bob", "alice", "", "alice-1", 2},
      {S::encrypt, "alice", "bob", "third", {}, -1},  {S::encrypt, "alice", "bob", "fourth", {}, -1},
      {S::decrypt, "alice", "bob", "", "bob-2", 3},   {S::decrypt, "alice", "bob", "", {}, 4},
      {S::encrypt, "bob", "alice", "answer", {}, -1}, {S::encrypt, "bob", "alice", std::string(100, 'x'), {}, -1},
  };
}

// run_script plays the SIG-3 scenario on one process, which hosts both parties.
Op<std::vector<harness::CiphertextResult>> run_script(Target& t) {
  auto fail_with = [](auto& op) -> Op<std::vector<harness::CiphertextResult>> {
    if (op.violated()) return op.violation();
    return op.refusal();
  };
  Inject a;
  a.identity_private = fixed_key("alice identity");
  a.registration_id = 1111;
  Inject b;
  b.identity_private = fixed_key("bob identity");
  b.registration_id = 2222;
  if (auto r = t.create("alice", a); !r.ok()) return fail_with(r);
  if (auto r = t.create("bob", b); !r.ok()) return fail_with(r);
  Inject keys;
  keys.signed_prekey_private = fixed_key("bob signed prekey");
  keys.signed_prekey_id = 7;
  keys.onetime_prekey_private = fixed_key("bob one-time prekey");
  keys.prekey_id = 31;
  auto bundle = t.bundle("bob", keys);
  if (!bundle.ok()) return fail_with(bundle);
  Inject start;
  start.base_private = fixed_key("alice base");
  start.ratchet_private = fixed_key("alice-0");
  if (auto r = t.initiate("alice", "bob", bundle->bundle, start); !r.ok()) return fail_with(r);
  std::vector<harness::CiphertextResult> sent;
  for (const ScriptStep& s : sig3_script()) {
    if (s.kind == ScriptStep::encrypt) {
      auto c = t.encrypt(s.from, s.to, text(s.plaintext));
      if (!c.ok()) return fail_with(c);
      sent.push_back(*c);
    } else {
      Inject r;
      if (s.ratchet_label) r.ratchet_private = fixed_key(*s.ratchet_label);
      const auto& m = sent.at(static_cast<size_t>(s.message));
      auto p = t.decrypt(s.to, s.from, m.ciphertext, m.kind, r);
      if (!p.ok()) return fail_with(p);
    }
  }
  return sent;
}

// TranscriptSide is the SIG-3 script played on one process: the ciphertexts it sent.
struct TranscriptSide {
  std::optional<CheckOutcome> stop;
  std::vector<harness::CiphertextResult> sent;
};

TranscriptSide play_transcript(Run& run) {
  TranscriptSide side;
  auto sent = run_script(run.target);
  if (sent.violated()) {
    side.stop = CheckOutcome::error(sent.violation());
  } else if (sent.refused()) {
    side.stop = CheckOutcome::unexpected_refusal("the SIG-3 script with injected keys", sent.refusal());
  } else {
    side.sent = std::move(sent.value());
  }
  return side;
}

// judge_transcript compares the target's ciphertexts with the baseline's, byte for byte.
CheckOutcome judge_transcript(TranscriptSide& mine, TranscriptSide* base) {
  if (mine.stop) return *mine.stop;
  if (base == nullptr) {
    CheckOutcome o;
    o.verdict = harness::Verdict::error;
    o.summary = "SIG-3 compares the target's transcript with the baseline's, and there was no baseline";
    return o;
  }
  const std::vector<harness::CiphertextResult>& expected = base->sent;
  const std::vector<harness::CiphertextResult>& got = mine.sent;
  if (got.size() != expected.size()) {
    return CheckOutcome::fail("the script gave " + std::to_string(got.size()) + " ciphertexts, the reference's " +
                              std::to_string(expected.size()));
  }
  for (size_t i = 0; i < expected.size(); ++i) {
    if (got[i].kind != expected[i].kind || got[i].ciphertext != expected[i].ciphertext) {
      CheckOutcome o = CheckOutcome::fail("ciphertext " + std::to_string(i) +
                                          " of the fixed-key transcript differs from the reference's");
      o.observations.push_back(describe_difference(expected[i].ciphertext, got[i].ciphertext, expected[i].kind));
      o.observations.push_back("expected (" + std::string(to_string(expected[i].kind)) + ") " +
                               to_hex(expected[i].ciphertext));
      o.observations.push_back("target   (" + std::string(to_string(got[i].kind)) + ") " + to_hex(got[i].ciphertext));
      o.counterexample = "create alice, bob with fixed identities; bundle bob with fixed prekeys; initiate with fixed "
                         "base and ratchet keys; message " + std::to_string(i) + " of the SIG-3 script";
      return o;
    }
  }
  return CheckOutcome::pass(std::to_string(expected.size()) + " ciphertexts equal the reference's byte for byte");
}

// check_message verifies one ciphertext of the target against the Signal v3 wire format.
std::optional<std::string> check_message(const harness::CiphertextResult& c, const Key32& identity) {
  ByteView inner = c.ciphertext;
  wire::PreKeySignalMessage pk;
  if (c.kind == harness::MessageKind::prekey) {
    auto d = wire::decode_prekey_message(c.ciphertext);
    if (!d) return "prekey message does not decode as a PreKeySignalMessage: " + d.error().detail;
    if (d->serialize() != c.ciphertext) return "PreKeySignalMessage is not in libsignal's canonical field order";
    if (!d->registration_id) return "PreKeySignalMessage lacks registrationId";
    if (d->identity_key != identity) return "PreKeySignalMessage carries an identity other than the sender's";
    pk = *d;
    inner = pk.message_bytes;
  }
  auto m = wire::decode_signal_message(inner);
  if (!m) return "SignalMessage does not decode: " + m.error().detail;
  if (m->serialize() != Bytes(inner.begin(), inner.end())) return "SignalMessage is not in canonical form";
  if (!m->previous_counter) return "SignalMessage lacks previousCounter (libsignal always writes it)";
  if (m->ciphertext.empty() || m->ciphertext.size() % 16 != 0) return "body is not AES-CBC blocks";
  return std::nullopt;
}

CheckOutcome sig2_messages(Target& target, Target& peer) {
  PartyRef alice{&target, "alice"};
  PartyRef bob{&peer, "bob"};
  PARITY_STEP(Bytes identity, target.create("alice"), "create alice");
  PARITY_STEP([[maybe_unused]] auto ignored, peer.create("bob"), "create bob");
  PARITY_STEP(harness::BundleResult b, peer.bundle("bob"), "bundle of bob");
  PARITY_DO(target.initiate("alice", "bob", b.bundle), "initiate from the reference's bundle");
  auto id = wire::parse_key(identity);
  if (!id) return CheckOutcome::fail("the identity from create is not a 33-byte 0x05 key: " + id.error().detail);
  std::vector<harness::CiphertextResult> sent;
  // The reference verifies each MAC over both 33-byte identities when it decrypts.
  if (auto o = exchange(alice, bob, text("one"), "message 1", &sent)) return *o;
  if (auto o = exchange(alice, bob, Bytes(31, 0x41), "message 2", &sent)) return *o;
  if (auto o = exchange(bob, alice, text("reply"), "the reply")) return *o;
  if (auto o = exchange(alice, bob, Bytes(), "an empty message", &sent)) return *o;
  if (auto o = exchange(alice, bob, Bytes(1000, 0x42), "a 1000-byte message", &sent)) return *o;
  size_t prekey = 0;
  for (size_t i = 0; i < sent.size(); ++i) {
    if (auto problem = check_message(sent[i], *id)) {
      CheckOutcome o = CheckOutcome::fail("message " + std::to_string(i) + " is not Signal v3: " + *problem);
      o.observations.push_back(std::string(to_string(sent[i].kind)) + " " + to_hex(sent[i].ciphertext));
      return o;
    }
    if (sent[i].kind == harness::MessageKind::prekey) ++prekey;
  }
  if (prekey != 2 || sent[2].kind != harness::MessageKind::message) {
    return CheckOutcome::fail("kinds are wrong: prekey messages must stop exactly when the peer has answered");
  }
  return CheckOutcome::pass(std::to_string(sent.size()) +
                            " messages decode strictly as Signal v3 and their MACs verify at the reference");
}

CheckOutcome sig2_bundle(Target& target) {
  PARITY_STEP(Bytes identity, target.create("bob"), "create bob");
  auto id = wire::parse_key(identity);
  if (!id) return CheckOutcome::fail("the identity from create is not a 33-byte 0x05 key: " + id.error().detail);
  for (int i = 0; i < 3; ++i) {
    PARITY_STEP(harness::BundleResult b, target.bundle("bob"), "bundle");
    auto d = wire::decode_bundle(b.bundle);
    CheckOutcome o = CheckOutcome::fail("");
    o.observations.push_back("bundle " + to_hex(b.bundle));
    if (!d) {
      o.summary = "the bundle does not decode as the PTP signal-v3 bundle: " + d.error().detail;
      return o;
    }
    if (d->serialize() != b.bundle) {
      o.summary = "the bundle is not in canonical field order";
      return o;
    }
    if (d->identity_key != *id) {
      o.summary = "the bundle's identity key is not the one create returned";
      return o;
    }
    if (!xeddsa_verify(d->identity_key, wire::serialize_key(d->signed_prekey_public), d->signed_prekey_signature)) {
      o.summary = "the signed prekey's signature does not verify under the identity key";
      return o;
    }
    if (!d->prekey_id) {
      o.summary = "the bundle carries no one-time prekey";
      return o;
    }
  }
  return CheckOutcome::pass("3 bundles decode strictly, carry the identity and a valid XEdDSA prekey signature");
}

// sig4_conversation counts the messages delivered in tally_ ("messages delivered").
CheckOutcome sig4_conversation(Run& run, std::map<std::string, double>& tally_) {
  const int total = run.ctx.options.cases > 0 ? run.ctx.options.cases : 300;
  SeededRng& rng = run.rng;
  PartyRef alice{&run.target, "alice"};
  PartyRef bob{run.peer, "bob"};
  // Half the runs the reference initiates.
  const bool target_first = (next_u32(rng) & 1) == 0;
  PartyRef first = target_first ? alice : bob;
  PartyRef second = target_first ? bob : alice;
  PARITY_STEP([[maybe_unused]] auto ia, first.target->create(first.name), "create");
  PARITY_STEP([[maybe_unused]] auto ib, second.target->create(second.name), "create");
  PARITY_STEP(harness::BundleResult b, second.target->bundle(second.name), "bundle");
  PARITY_DO(first.target->initiate(first.name, second.name, b.bundle), "initiate");

  struct Flight {
    bool from_first;
    int number;
    int age;
    harness::CiphertextResult c;
  };
  std::deque<Flight> flights;
  std::vector<std::string> scenario;
  int sent = 0;
  int delivered = 0;
  int dropped = 0;
  bool second_can_send = false;
  auto deliver = [&](size_t i) -> std::optional<CheckOutcome> {
    Flight f = flights[i];
    flights.erase(flights.begin() + static_cast<std::ptrdiff_t>(i));
    const PartyRef& to = f.from_first ? second : first;
    const PartyRef& from = f.from_first ? first : second;
    scenario.push_back("deliver #" + std::to_string(f.number));
    auto p = to.target->decrypt(to.name, from.name, f.c.ciphertext, f.c.kind);
    if (p.violated()) return CheckOutcome::error(p.violation());
    if (p.refused() || *p != to_bytes("m" + std::to_string(f.number))) {
      CheckOutcome o = p.refused()
                           ? CheckOutcome::unexpected_refusal(
                                 to.target->name() + " decrypting message #" + std::to_string(f.number), p.refusal())
                           : CheckOutcome::fail("message #" + std::to_string(f.number) + " decrypted to other bytes");
      std::string tail;
      size_t start = scenario.size() > 25 ? scenario.size() - 25 : 0;
      for (size_t k = start; k < scenario.size(); ++k) tail += (tail.empty() ? "" : "; ") + scenario[k];
      o.counterexample = "…" + tail;
      return o;
    }
    if (f.from_first) second_can_send = true;  // the second party has a session now
    tally_["messages delivered"] = ++delivered;
    return std::nullopt;
  };
  while (sent < total) {
    uint32_t r = next_u32(rng) % 100;
    for (Flight& f : flights) ++f.age;
    // Deliver whatever waited too long, so no message outlives the receiver chains kept.
    for (size_t i = 0; i < flights.size();) {
      if (flights[i].age > 6) {
        if (auto o = deliver(i)) return *o;
      } else {
        ++i;
      }
    }
    if (r < 60 || flights.empty()) {
      bool from_first = !second_can_send || (next_u32(rng) & 1) == 0;
      const PartyRef& from = from_first ? first : second;
      const PartyRef& to = from_first ? second : first;
      int n = sent++;
      PARITY_STEP(harness::CiphertextResult c,
                  from.target->encrypt(from.name, to.name, to_bytes("m" + std::to_string(n))),
                  from.target->name() + " encrypting message #" + std::to_string(n));
      bool drop = next_u32(rng) % 10 == 0;
      scenario.push_back(std::string(from_first ? first.name : second.name) + " sends #" + std::to_string(n) +
                         (drop ? " (dropped)" : ""));
      if (drop) {
        ++dropped;
      } else {
        flights.push_back({from_first, n, 0, std::move(c)});
      }
    } else {
      if (auto o = deliver(next_u32(rng) % flights.size())) return *o;
    }
  }
  while (!flights.empty()) {
    if (auto o = deliver(0)) return *o;
  }
  return CheckOutcome::pass(std::to_string(delivered) + " of " + std::to_string(sent) +
                            " messages delivered out of order (" + std::to_string(dropped) +
                            " dropped) all decrypted exactly");
}

}  // namespace

void register_sig_checks(harness::Registry& registry) {
  add_check(registry, CheckSpec<Verdicted>{
                          .id = "SIG-1.target-initiates",
                          .requirement = "SIG-1",
                          .description = "the target starts a session from the reference's bundle",
                          .baseline = BaselineUse::peer,
                          .scenario = sig1_target_initiates,
                          .judge = judge_verdicted({}),
                      });
  add_check(registry, CheckSpec<Verdicted>{
                          .id = "SIG-1.reference-initiates",
                          .requirement = "SIG-1",
                          .description = "the reference starts a session from the target's bundle",
                          .baseline = BaselineUse::peer,
                          .scenario = sig1_reference_initiates,
                          .judge = judge_verdicted({}),
                      });
  add_check(registry, CheckSpec<Verdicted>{
                          .id = "SIG-2.messages",
                          .requirement = "SIG-2",
                          .description = "the target's messages are Signal v3 on the wire",
                          .baseline = BaselineUse::peer,
                          .scenario = [](Run& r) { return verdicted(sig2_messages(r.target, *r.peer)); },
                          .judge = judge_verdicted({}),
                      });
  add_check(registry, CheckSpec<Verdicted>{
                          .id = "SIG-2.bundle",
                          .requirement = "SIG-2",
                          .description = "the target's bundles follow the PTP signal-v3 encoding",
                          .baseline = BaselineUse::none,
                          .scenario = [](Run& r) { return verdicted(sig2_bundle(r.target)); },
                          .judge = judge_verdicted({}),
                      });
  // The same fixed-key script on both processes; the baseline's ciphertexts are the answer.
  add_check(registry, CheckSpec<TranscriptSide>{
                          .id = "SIG-3.transcript",
                          .requirement = "SIG-3",
                          .description = "with injected keys the ciphertexts equal the reference's byte for byte",
                          .needs = {Capability::inject},
                          .baseline = BaselineUse::compare,
                          .scenario = play_transcript,
                          .judge = judge_transcript,
                      });
  add_check(registry, CheckSpec<Verdicted>{
                          .id = "SIG-4.conversation",
                          .requirement = "SIG-4",
                          .description = "a long random conversation with loss and reordering stays in step",
                          .baseline = BaselineUse::peer,
                          .scenario =
                              [](Run& r) {
                                Verdicted v;
                                v.outcome = sig4_conversation(r, v.tally);
                                return v;
                              },
                          .judge = judge_verdicted({{"messages delivered", "messages"}}),
                      });
}

}  // namespace parity::suites
