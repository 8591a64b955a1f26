#include "suites/ake/ake.h"

#include <algorithm>
#include <map>
#include <numeric>
#include <set>

#include "reference/wire/bundle.h"
#include "suites/common/check_spec.h"
#include "suites/common/conversation.h"
#include "suites/common/steps.h"
#include "suites/common/tamper.h"

namespace parity::suites {

namespace {

using harness::CiphertextResult;
using harness::Profile;
using harness::Verdict;

Bytes text(const std::string& s) {
  return to_bytes(s);
}

// establish starts a session initiator -> responder from a fresh bundle and sends one
// message each way, so both hold a two-way session. nullopt when all went well.
std::optional<CheckOutcome> establish(Conversation& s, const std::string& initiator, const std::string& responder) {
  Target& t = s.target();
  PARITY_STEP(harness::BundleResult b, t.bundle(responder), "the bundle of " + responder);
  PARITY_DO(t.initiate(initiator, responder, b.bundle),
            initiator + " starting a session from " + responder + "'s bundle");
  s.note(initiator + " starts a session from " + responder + "'s bundle");
  // Step numbers keep every plaintext unique (a repeated one could meet a cache).
  const Bytes hello = text("hello " + responder + ", " + initiator + " here (" + std::to_string(s.log().size()) + ")");
  const Bytes reply = text("hello " + initiator + ", " + responder + " here (" + std::to_string(s.log().size()) + ")");
  PARITY_STEP(CiphertextResult c1, s.encrypt(initiator, responder, hello, "a first message"),
              initiator + " encrypting to " + responder);
  PARITY_STEP(Bytes p1, s.decrypt(responder, initiator, c1, initiator + "'s first message"),
              responder + " decrypting " + initiator + "'s first message");
  PARITY_STEP(CiphertextResult c2, s.encrypt(responder, initiator, reply, "a reply"),
              responder + " encrypting to " + initiator);
  PARITY_STEP(Bytes p2, s.decrypt(initiator, responder, c2, responder + "'s reply"),
              initiator + " decrypting " + responder + "'s reply");
  if (p1 != hello || p2 != reply) {
    CheckOutcome o =
        CheckOutcome::fail("a message between " + initiator + " and " + responder + " decrypted to other bytes");
    o.counterexample = s.story();
    return o;
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------------
// AKE-1: first messages decrypt before the responder sends, in any order.
// ---------------------------------------------------------------------------------

constexpr int kFirstMessages = 5;

CheckOutcome ake1_scenario(Run& run, Tally& out_) {
  Rng& rng = run.rng;
  Conversation c(run.target);
  PARITY_DO(c.start(), "starting a session from bob's bundle");
  std::vector<Sent> firsts;
  for (int i = 0; i < kFirstMessages; ++i) {
    PARITY_STEP(Sent m, c.send(0), "alice encrypting first message " + std::to_string(i));
    firsts.push_back(std::move(m));
  }
  // A random order that is not the sending order, so delivery is out of order.
  std::vector<size_t> order(firsts.size());
  std::iota(order.begin(), order.end(), size_t{0});
  for (size_t i = order.size() - 1; i > 0; --i) {
    uint8_t r[4];
    rng.fill(r);
    size_t j = ((size_t{r[0]} << 24) | (size_t{r[1]} << 16) | (size_t{r[2]} << 8) | r[3]) % (i + 1);
    std::swap(order[i], order[j]);
  }
  if (std::is_sorted(order.begin(), order.end())) std::reverse(order.begin(), order.end());
  c.note("bob, who has sent nothing, receives them in the order " + [&] {
    std::string s;
    for (size_t k : order) s += (s.empty() ? "#" : ", #") + std::to_string(firsts[k].number);
    return s;
  }());
  int decrypted = 0;
  for (size_t k : order) {
    const Sent& m = firsts[k];
    auto p = c.deliver(m);
    if (p.violated()) return CheckOutcome::error(p.violation());
    if (p.refused() || *p != m.plaintext) {
      CheckOutcome o = p.refused()
                           ? CheckOutcome::fail("bob refused alice's first message #" + std::to_string(m.number) +
                                                " before sending anything (" + refusal_text(p.refusal()) + ")")
                           : CheckOutcome::fail("alice's first message #" + std::to_string(m.number) +
                                                " decrypted to other bytes at bob");
      o.observations.push_back(std::to_string(decrypted) + " first messages had decrypted before it; kind " +
                               std::string(to_string(m.c.kind)));
      o.counterexample = c.story();
      out_["first messages decrypted"] = decrypted;
      return o;
    }
    ++decrypted;
  }
  out_["first messages decrypted"] = decrypted;
  // The session then works both ways.
  PARITY_DO(c.round_trip(1), "bob answering after the first messages, and alice reading the answer");
  return CheckOutcome::pass(std::to_string(decrypted) +
                            " first messages, delivered out of order, decrypted at a responder "
                            "that had sent nothing; the session then worked both ways");
}

// ---------------------------------------------------------------------------------
// AKE-2: tampered bundles are refused by initiate.
// ---------------------------------------------------------------------------------

// BundleTamper is one modified bundle and what was changed, in words.
struct BundleTamper {
  Bytes bundle;
  std::string what;
  bool maybe_noop = false;  // a top bit of a byte in a key range: maybe an X25519 bit 255
  std::string group;        // the range flipped in, or "substitution"
  bool u_top_bit = false;   // the top bit where a little-endian 32-byte key of the range ends
};

std::string describe_bit(size_t bit, const NamedRange& r) {
  const size_t byte = bit / 8;
  return "bit " + std::to_string(bit % 8) + " of byte " + std::to_string(byte) + " (byte " +
         std::to_string(byte - r.start) + " of \"" + r.name + "\" [" + std::to_string(r.start) + ", " +
         std::to_string(r.end) + "))";
}

// signal_tampers builds the tampers of a signal-v3 bundle from its protobuf fields. Bit
// 255 of each u-coordinate is skipped: X25519 ignores it (RFC 7748), so it is no tamper.
std::optional<std::string> signal_tampers(const Bytes& bob, const Bytes& carol, std::vector<BundleTamper>& out_,
                                          std::vector<std::string>& notes_out_) {
  auto layout = wire::bundle_layout(bob);
  auto db = wire::decode_bundle(bob);
  auto dc = wire::decode_bundle(carol);
  if (!db) return "bob's bundle does not decode as the PTP signal-v3 bundle: " + db.error().detail;
  if (!dc) return "carol's bundle does not decode as the PTP signal-v3 bundle: " + dc.error().detail;
  if (!layout) return "bob's bundle does not decode as the PTP signal-v3 bundle: " + layout.error().detail;
  const std::vector<NamedRange> ranges = {{"identity", layout->identity.first, layout->identity.second},
                                          {"signed_prekey", layout->signed_prekey.first, layout->signed_prekey.second},
                                          {"signature", layout->signature.first, layout->signature.second}};
  for (const NamedRange& r : ranges) {
    for (size_t bit = r.start * 8; bit < r.end * 8; ++bit) {
      // Keys are 0x05 || u (little-endian): bit 255 of u is bit 7 of the range's last byte.
      if (r.name != "signature" && bit == (r.end - 1) * 8 + 7) continue;
      out_.push_back({flip_bit(bob, bit), "bundle with " + describe_bit(bit, r) + " flipped", false, r.name});
    }
  }
  notes_out_.push_back(
      "bit 255 of the identity key and of the signed prekey was not flipped: X25519 ignores it (RFC 7748)");
  // A substitution that changes nothing (carol's keys equal bob's: KEY-1's matter) is no tamper.
  wire::Bundle other_identity = *db;
  other_identity.identity_key = dc->identity_key;
  if (other_identity != *db) {
    out_.push_back({other_identity.serialize(), "bob's bundle carrying carol's identity key", false, "substitution"});
  } else {
    notes_out_.push_back("carol's identity key equals bob's, so it was not substituted (see KEY-1)");
  }
  wire::Bundle other_prekey = *db;
  other_prekey.signed_prekey_public = dc->signed_prekey_public;
  other_prekey.signed_prekey_signature = dc->signed_prekey_signature;
  if (other_prekey != *db) {
    out_.push_back({other_prekey.serialize(),
                    "bob's bundle carrying carol's signed prekey and carol's valid signature of it", false,
                    "substitution"});
  } else {
    notes_out_.push_back("carol's signed prekey equals bob's, so it was not substituted (see KEY-1)");
  }
  return std::nullopt;
}

// layout_tampers builds the tampers of a bundle from the ranges its `layout` names.
void layout_tampers(const Bytes& bob, const std::vector<NamedRange>& ranges, const Bytes& carol,
                    const std::vector<NamedRange>& carol_ranges, std::vector<BundleTamper>& out_) {
  std::set<size_t> flipped;  // layouts may name one range twice (olm: signed_prekey = onetime_prekey)
  for (const NamedRange& r : ranges) {
    for (size_t bit = r.start * 8; bit < r.end * 8; ++bit) {
      if (!flipped.insert(bit).second) continue;
      // A flipped top bit in a key range may be bit 255 of an X25519 u-coordinate, which
      // changes no key (RFC 7748). Where a key of the range would end (its last byte, or
      // byte 31 of a 32-byte key at its start) an acceptance is excused as such; elsewhere
      // a probe tells whether the session still reaches bob, i.e. no key changed.
      const size_t byte = bit / 8;
      const bool top = r.name != "signature" && bit % 8 == 7;
      const bool key_end = byte + 1 == r.end || (byte - r.start) % 32 == 31;
      out_.push_back({flip_bit(bob, bit), "bundle with " + describe_bit(bit, r) + " flipped", top && !key_end, r.name,
                      top && key_end});
    }
  }
  // Substitutions of carol's authenticated parts, where both layouts agree on their place.
  auto substitute = [&](std::vector<std::string> names, const std::string& what) {
    Bytes b = bob;
    for (const std::string& n : names) {
      const NamedRange* mine = find_range(ranges, n);
      const NamedRange* hers = find_range(carol_ranges, n);
      if (mine == nullptr || hers == nullptr || mine->start != hers->start || mine->end != hers->end) return;
      std::copy(carol.begin() + static_cast<std::ptrdiff_t>(hers->start),
                carol.begin() + static_cast<std::ptrdiff_t>(hers->end),
                b.begin() + static_cast<std::ptrdiff_t>(mine->start));
    }
    if (b != bob) out_.push_back({std::move(b), what, false, "substitution"});
  };
  substitute({"identity"}, "bob's bundle carrying carol's identity");
  substitute({"signed_prekey", "signature"},
             "bob's bundle carrying carol's signed prekey and carol's valid signature of it");
}

CheckOutcome ake2_scenario(Run& run, Tally& out_) {
  Target& t = run.target;
  PARITY_STEP([[maybe_unused]] Bytes ia, t.create("alice"), "create alice");
  PARITY_STEP([[maybe_unused]] Bytes ib, t.create("bob"), "create bob");
  PARITY_STEP([[maybe_unused]] Bytes ic, t.create("carol"), "create carol");
  PARITY_STEP(harness::BundleResult bob, t.bundle("bob"), "the bundle of bob");
  PARITY_STEP(harness::BundleResult carol, t.bundle("carol"), "the bundle of carol");

  std::vector<BundleTamper> tampers;
  std::vector<std::string> notes;
  if (run.profile == Profile::signal) {
    if (auto problem = signal_tampers(bob.bundle, carol.bundle, tampers, notes)) {
      CheckOutcome o = CheckOutcome::fail(*problem);
      o.observations.push_back("bundle " + short_hex(bob.bundle, 64));
      return o;
    }
  } else {
    if (!bob.layout) {
      CheckOutcome o;
      if (bob.layout_problem.empty()) {
        o.verdict = Verdict::not_tested;
        o.summary =
            "the target's bundle response carries no `layout`, so the suite cannot tell which bytes must be "
            "authenticated in a " +
            t.hello().protocol + " bundle; AKE-2 is not tested";
      } else {
        o = CheckOutcome::fail("the bundle's `layout` is malformed: " + bob.layout_problem);
      }
      return o;
    }
    const std::vector<NamedRange>& ranges = bob.layout->ranges;
    if (bob.layout->find("signature") == nullptr || bob.layout->find("signed_prekey") == nullptr) {
      CheckOutcome o = CheckOutcome::fail(
          "the bundle's layout names no signed prekey and signature: a protocol without signed prekeys lets whoever "
          "substitutes the prekey read the first messages");
      o.observations.push_back("layout " + bob.layout->to_json());
      return o;
    }
    layout_tampers(bob.bundle, ranges, carol.bundle, carol.layout ? carol.layout->ranges : std::vector<NamedRange>{},
                   tampers);
    std::string names;
    for (const NamedRange& r : ranges)
      names +=
          (names.empty() ? "" : ", ") + r.name + " [" + std::to_string(r.start) + ", " + std::to_string(r.end) + ")";
    notes.push_back("tampered inside the layout's ranges: " + names);
  }

  // A snapshot of bob before any session, for the probes of maybe-no-op flips (each
  // probe consumes a one-time prekey of this bundle, so each gets its own copy).
  std::optional<Bytes> bob_snapshot;
  if (t.hello().has("export") && t.hello().has("import")) {
    PARITY_STEP(Bytes st, t.export_state("bob"), "export of bob");
    bob_snapshot = std::move(st);
  }
  // The control: the untampered bundle starts a session that reaches bob.
  PARITY_DO(t.initiate("alice", "bob", bob.bundle), "alice starting a session from bob's untampered bundle");
  PARITY_STEP(CiphertextResult first, t.encrypt("alice", "bob", text("control")), "alice encrypting to bob");
  PARITY_STEP(Bytes control, t.decrypt("bob", "alice", first.ciphertext, first.kind),
              "bob decrypting the control message");
  if (control != text("control"))
    return CheckOutcome::fail("the control message from the untampered bundle decrypted to other bytes");

  // Each tamper is a first contact under a new peer name, so no identity trusted
  // earlier can be what refuses it.
  int accepted = 0;
  int noops = 0;
  int top_bits = 0;
  std::vector<std::string> accepted_what;
  std::map<std::string, int> accepted_by_group;
  for (size_t i = 0; i < tampers.size(); ++i) {
    const BundleTamper& tb = tampers[i];
    const std::string peer = "bob.t" + std::to_string(i);
    auto r = t.initiate("alice", peer, tb.bundle);
    if (r.violated()) return CheckOutcome::error(r.violation());
    if (r.refused()) continue;
    if (tb.u_top_bit) {
      ++top_bits;  // bit 255 of a u-coordinate, if a key ends there: no tamper
      continue;
    }
    if (tb.maybe_noop && bob_snapshot) {
      const std::string probe_bob = "bob.p" + std::to_string(i);
      PARITY_DO(t.import_state(probe_bob, *bob_snapshot), "import of bob's snapshot");
      PARITY_STEP(CiphertextResult pc, t.encrypt("alice", peer, text("probe")),
                  "alice encrypting after an accepted bundle");
      auto pp = t.decrypt(probe_bob, "alice", pc.ciphertext, pc.kind);
      if (pp.violated()) return CheckOutcome::error(pp.violation());
      if (pp.ok() && *pp == text("probe")) {
        ++noops;  // the change reached no key: bob (the bundle's owner) reads the session
        continue;
      }
    }
    ++accepted;
    ++accepted_by_group[tb.group];
    if (accepted_by_group[tb.group] == 1) accepted_what.push_back(tb.what);  // the first of each range
  }
  out_["tampered bundles tried"] = static_cast<double>(tampers.size());
  out_["tampered bundles accepted"] = accepted;
  if (top_bits > 0) {
    notes.push_back(std::to_string(top_bits) +
                    " accepted flips were the top bit of the last byte of a key (bit 255 of an X25519 "
                    "u-coordinate, which RFC 7748 ignores); not counted as tampers");
  }
  if (noops > 0) {
    notes.push_back(std::to_string(noops) +
                    " accepted flips changed no key (bob read the session started from them: "
                    "the top bit of an X25519 u-coordinate); not counted as tampers");
  }
  noops += top_bits;
  if (accepted > 0) {
    CheckOutcome o =
        CheckOutcome::fail("initiate accepted " + std::to_string(accepted) + " of " + std::to_string(tampers.size()) +
                           " tampered bundles, the first: " + accepted_what.front());
    for (const auto& [group, n] : accepted_by_group) {
      o.observations.push_back(std::to_string(n) + " accepted in " +
                               (group == "substitution" ? "substitutions" : "\"" + group + "\""));
    }
    for (const std::string& w : accepted_what) o.observations.push_back("accepted: " + w);
    for (const std::string& n : notes) o.observations.push_back(n);
    o.counterexample =
        "create alice, bob, carol; bob publishes a bundle; the attacker changes it: " + accepted_what.front() +
        "; alice's initiate from it is accepted (whoever substituted the prekey reads her first messages)";
    return o;
  }
  CheckOutcome o = CheckOutcome::pass(
      "initiate refused all " + std::to_string(tampers.size() - static_cast<size_t>(noops)) +
      " tampered bundles (each bit of identity, signed prekey and signature flipped; "
      "another party's identity; another party's signed prekey)" +
      (noops > 0 ? "; " + std::to_string(noops) + " flips that changed no key were accepted, rightly" : ""));
  o.observations = notes;
  return o;
}

// ---------------------------------------------------------------------------------
// AKE-3: unknown-key-share: a message is bound to both identities.
// ---------------------------------------------------------------------------------

// Misreads counts wrong-place deliveries that decrypted: to the sent plaintext (the
// finding) or to other bytes (garbage accepted: an integrity failure, MSG-3's matter,
// only noted here so that a missing MAC check cannot make this verdict a coin toss).
struct Misreads {
  int read = 0;
  int garbage = 0;
  std::string first;
};

// expect_refused delivers `c` (meant for someone else) to `at` as from `from`.
std::optional<CheckOutcome> expect_refused(Conversation& s, const std::string& at, const std::string& from,
                                           const CiphertextResult& c, const Bytes& sent, const std::string& label,
                                           const std::string& why, Misreads& out_) {
  auto p = s.decrypt(at, from, c, label);
  if (p.violated()) return CheckOutcome::error(p.violation());
  if (p.ok() && *p == sent) {
    ++out_.read;
    if (out_.first.empty()) out_.first = why;
  } else if (p.ok()) {
    ++out_.garbage;
  }
  return std::nullopt;
}

// garbage_note says how many wrong-place deliveries were accepted as other bytes.
std::optional<std::string> garbage_note(int garbage) {
  if (garbage == 0) return std::nullopt;
  return std::to_string(garbage) +
         " wrong-place deliveries were accepted as other bytes than were sent (no message authentication: "
         "MSG-3's matter, not counted here)";
}

CheckOutcome ake3_scenario(Run& run, Tally& out_) {
  Target& t = run.target;
  Conversation s(t);
  std::vector<Bytes> identities;
  for (const char* n : {"alice", "bob", "carol"}) {
    PARITY_STEP(Bytes id, t.create(n), std::string("create ") + n);
    identities.push_back(std::move(id));
  }
  // Parties that share an identity cannot be told apart by any binding (KEY-1's matter).
  const bool shared_identity =
      identities[0] == identities[1] || identities[0] == identities[2] || identities[1] == identities[2];
  if (auto o = establish(s, "alice", "bob")) return *o;
  if (auto o = establish(s, "carol", "alice")) return *o;
  if (auto o = establish(s, "bob", "carol")) return *o;

  Misreads mis;
  // A later message of the session alice -> bob.
  const Bytes later = text("for bob only: a later message");
  PARITY_STEP(CiphertextResult m, s.encrypt("alice", "bob", later, "a later message"), "alice encrypting to bob");
  if (auto o = expect_refused(s, "carol", "alice", m, later, "alice's message for bob",
                              "carol, who has her own session with alice, read alice's message for bob", mis))
    return *o;
  if (auto o =
          expect_refused(s, "bob", "carol", m, later, "alice's message for bob",
                         "bob, holding sessions with alice and carol, read alice's message as coming from carol", mis))
    return *o;
  auto unknown_key_share = [&]() -> std::optional<CheckOutcome> {
    out_["misdirected messages read"] = mis.read;
    if (mis.read == 0) return std::nullopt;
    CheckOutcome o = CheckOutcome::fail(
        "a message of the session alice -> bob was accepted by the wrong party or from "
        "the wrong sender (unknown key share): " +
        mis.first);
    o.observations.push_back(std::to_string(mis.read) + " misdeliveries were read");
    if (auto g = garbage_note(mis.garbage)) o.observations.push_back(*g);
    if (shared_identity) {
      o.observations.push_back(
          "alice, bob and carol do not have three different identity keys (see KEY-1): the "
          "misdelivery may follow from that");
    }
    o.counterexample = s.story();
    return o;
  };
  if (auto o = unknown_key_share()) return *o;
  PARITY_STEP(Bytes got, s.decrypt("bob", "alice", m, "alice's message"),
              "bob decrypting alice's message after the misdeliveries");
  if (got != later) return CheckOutcome::fail("alice's message decrypted to other bytes at bob");

  // A first message of a new session alice -> bob.
  PARITY_STEP(harness::BundleResult b2, t.bundle("bob"), "a second bundle of bob");
  PARITY_DO(t.initiate("alice", "bob", b2.bundle), "alice starting a second session with bob");
  s.note("alice starts a new session from a new bundle of bob");
  const Bytes opening = text("for bob only: a first message");
  PARITY_STEP(CiphertextResult p, s.encrypt("alice", "bob", opening, "a first message"),
              "alice encrypting a first message");
  if (auto o = expect_refused(s, "carol", "alice", p, opening, "alice's first message for bob",
                              "carol read alice's first message for bob", mis))
    return *o;
  if (auto o = expect_refused(s, "bob", "carol", p, opening, "alice's first message for bob",
                              "bob read alice's first message as coming from carol", mis))
    return *o;
  if (auto o = unknown_key_share()) return *o;
  PARITY_STEP(Bytes got2, s.decrypt("bob", "alice", p, "alice's first message"),
              "bob decrypting alice's new first message");
  if (got2 != opening) return CheckOutcome::fail("alice's new first message decrypted to other bytes at bob");
  CheckOutcome o = CheckOutcome::pass(
      "alice's messages for bob (a later one and a first one) were not read by carol nor by bob "
      "told they came from carol, and then read by bob as from alice");
  if (auto g = garbage_note(mis.garbage)) o.observations.push_back(*g);
  return o;
}

// ---------------------------------------------------------------------------------
// AKE-4: a replayed first message yields no second plaintext and no second session.
// ---------------------------------------------------------------------------------

CheckOutcome ake4_scenario(Run& run, Tally& out_) {
  Conversation c(run.target);
  PARITY_DO(c.start(), "starting a session from bob's bundle");
  PARITY_STEP(Sent p0, c.send(0), "alice encrypting a first message");
  PARITY_STEP(Sent p1, c.send(0), "alice encrypting a second first message");
  PARITY_STEP(Bytes got0, c.deliver(p0), "bob decrypting alice's first message");
  if (got0 != p0.plaintext) return CheckOutcome::fail("alice's first message decrypted to other bytes");

  int replays_accepted = 0;
  std::string first;
  auto replay = [&](const Sent& m, const std::string& when) -> std::optional<CheckOutcome> {
    c.note("the attacker replays #" + std::to_string(m.number) + " " + when);
    auto p = c.deliver(m);
    if (p.violated()) return CheckOutcome::error(p.violation());
    if (p.ok()) {
      ++replays_accepted;
      if (first.empty())
        first = "first message #" + std::to_string(m.number) + " replayed " + when + " decrypted again";
    }
    return std::nullopt;
  };
  if (auto o = replay(p0, "right away")) return *o;
  // The session p0 started is still the one in use: p1, bob's answer and more flow.
  PARITY_STEP(Bytes got1, c.deliver(p1), "bob decrypting alice's second first message after the replay");
  if (got1 != p1.plaintext) return CheckOutcome::fail("alice's second first message decrypted to other bytes");
  for (int i = 0; i < 3; ++i) PARITY_DO(c.round_trip(1), "a round trip after the replay");
  if (auto o = replay(p0, "after 3 round trips")) return *o;
  if (auto o = replay(p1, "after 3 round trips")) return *o;
  out_["replayed first messages accepted"] = replays_accepted;
  if (replays_accepted > 0) {
    CheckOutcome o = CheckOutcome::fail("a replayed first (prekey) message gave a second plaintext: " + first);
    o.observations.push_back(std::to_string(replays_accepted) + " of 3 replays decrypted");
    o.counterexample = c.story();
    return o;
  }
  // And the session still works both ways, so no replay replaced it.
  PARITY_DO(c.round_trip(0), "a round trip after the late replays");
  PARITY_DO(c.round_trip(1), "a round trip after the late replays");
  return CheckOutcome::pass(
      "3 replays of first messages (at once and after 3 round trips) were refused and the "
      "session went on both ways");
}

// ---------------------------------------------------------------------------------
// AKE-5: two sessions between the same two parties are independent.
//
// Three sessions between alice's and bob's identities, each held by its own pair of
// parties so that no holder keeps two of them:
//   S1: alice and bob, then snapshotted into alice~1 and bob~1 (they hold S1 only);
//   S2: alice re-initiates with bob from a new bundle (alice and bob: S2 current; an
//       implementation may keep S1 archived for messages in flight, as libsignal does);
//   S3: alice~0 and bob~0, snapshots of alice and bob taken before any session, start
//       their own (they hold S3 only; same identities, same peer names).
// A fresh later message of each session decrypts at its own holder, and is then
// delivered to every holder of another session (as from the right peer name) and must
// not decrypt to what was sent, except S1's messages to alice and bob, who may
// legitimately still hold S1. (Two sessions with equal keys read each other's messages;
// a holder that accepts one as other bytes lacks authentication, MSG-3's matter.)
// ---------------------------------------------------------------------------------

struct Holder {
  std::string alice_side;
  std::string bob_side;
};

CheckOutcome ake5_scenario(Run& run, Tally& out_) {
  Target& t = run.target;
  Conversation s(t);
  PARITY_STEP([[maybe_unused]] Bytes ia, t.create("alice"), "create alice");
  PARITY_STEP([[maybe_unused]] Bytes ib, t.create("bob"), "create bob");
  PARITY_DO(s.snapshot("alice", "alice~0"), "a snapshot of alice before any session");
  PARITY_DO(s.snapshot("bob", "bob~0"), "a snapshot of bob before any session");

  // S1, then its snapshot.
  if (auto o = establish(s, "alice", "bob")) return *o;
  PARITY_STEP(CiphertextResult a, s.encrypt("alice", "bob", text("S1 again"), "an S1 message"),
              "alice encrypting in S1");
  PARITY_DO(s.decrypt("bob", "alice", a, "the S1 message"), "bob decrypting in S1");
  PARITY_DO(s.snapshot("alice", "alice~1"), "a snapshot of alice holding S1");
  PARITY_DO(s.snapshot("bob", "bob~1"), "a snapshot of bob holding S1");
  // S2: alice starts again from a new bundle of the same bob.
  s.note("S2: alice starts a new session with bob");
  if (auto o = establish(s, "alice", "bob")) return *o;
  PARITY_STEP(CiphertextResult a2, s.encrypt("alice", "bob", text("S2 again"), "an S2 message"),
              "alice encrypting in S2");
  PARITY_DO(s.decrypt("bob", "alice", a2, "the S2 message"), "bob decrypting in S2");
  // S3: the snapshots taken before any session start their own, under the same names.
  s.note("S3: alice~0 (alice's identity) starts a session with bob~0 (bob's identity)");
  {
    PARITY_STEP(harness::BundleResult b, t.bundle("bob~0"), "the bundle of bob~0");
    PARITY_DO(t.initiate("alice~0", "bob", b.bundle), "alice~0 starting a session from bob~0's bundle");
    PARITY_STEP(CiphertextResult c1, s.encrypt("alice~0", "bob", text("S3 first"), "an S3 first message"),
                "alice~0 encrypting");
    PARITY_DO(s.decrypt("bob~0", "alice", c1, "the S3 first message"), "bob~0 decrypting alice~0's first message");
    PARITY_STEP(CiphertextResult c2, s.encrypt("bob~0", "alice", text("S3 reply"), "an S3 reply"), "bob~0 encrypting");
    PARITY_DO(s.decrypt("alice~0", "bob", c2, "the S3 reply"), "alice~0 decrypting bob~0's reply");
  }

  const std::vector<std::pair<std::string, Holder>> sessions = {
      {"S1", {"alice~1", "bob~1"}}, {"S2", {"alice", "bob"}}, {"S3", {"alice~0", "bob~0"}}};
  struct Fresh {
    std::string session;
    bool from_alice;
    Bytes plaintext;
    CiphertextResult c;
  };
  std::vector<Fresh> fresh;
  for (const auto& [name, h] : sessions) {
    for (bool from_alice : {true, false}) {
      const std::string from = from_alice ? h.alice_side : h.bob_side;
      const std::string to = from_alice ? "bob" : "alice";
      Bytes pt = text(name + " message from " + from);
      PARITY_STEP(CiphertextResult c, s.encrypt(from, to, pt, "a fresh " + name + " message"),
                  from + " encrypting in " + name);
      fresh.push_back({name, from_alice, std::move(pt), std::move(c)});
    }
  }
  // Each message first decrypts in its own session; only then do the other sessions'
  // holders get it, so a refusal that disturbed a holder's state (not AKE-5's matter)
  // cannot fail a later step.
  for (const Fresh& f : fresh) {
    const Holder& h =
        std::find_if(sessions.begin(), sessions.end(), [&](const auto& x) { return x.first == f.session; })->second;
    const std::string at = f.from_alice ? h.bob_side : h.alice_side;
    PARITY_STEP(Bytes got, s.decrypt(at, f.from_alice ? "alice" : "bob", f.c, "the fresh " + f.session + " message"),
                at + " decrypting a message of its own session " + f.session);
    if (got != f.plaintext)
      return CheckOutcome::fail("a message of " + f.session + " decrypted to other bytes at " + at);
  }
  int crossings = 0;
  Misreads mis;
  for (const Fresh& f : fresh) {
    for (const auto& [name, h] : sessions) {
      if (name == f.session) continue;
      if (f.session == "S1" && name == "S2") continue;  // alice and bob may keep S1 archived
      const std::string at = f.from_alice ? h.bob_side : h.alice_side;
      const std::string from = f.from_alice ? "alice" : "bob";
      ++crossings;
      if (auto o = expect_refused(s, at, from, f.c, f.plaintext, "the fresh " + f.session + " message",
                                  at + ", holding " + name + ", read a message of " + f.session, mis))
        return *o;
    }
  }
  out_["cross-session decryptions"] = mis.read;
  if (mis.read > 0) {
    CheckOutcome o = CheckOutcome::fail("two sessions between the same two parties are not independent: " + mis.first);
    o.observations.push_back(std::to_string(mis.read) + " of " + std::to_string(crossings) +
                             " cross-session deliveries decrypted to the sent plaintext");
    if (auto g = garbage_note(mis.garbage)) o.observations.push_back(*g);
    o.counterexample = s.story(60);
    return o;
  }
  CheckOutcome pass = CheckOutcome::pass(
      "3 sessions between alice's and bob's identities: each message decrypted in its own session "
      "and none of " +
      std::to_string(crossings) + " deliveries to another session's holders did");
  if (auto g = garbage_note(mis.garbage)) pass.observations.push_back(*g);
  return pass;
}

// ---------------------------------------------------------------------------------
// AKE-6: a one-time prekey serves one session.
//
// alice and carol both start from the same bundle of bob. Black-box rule: bob must
// refuse carol's first message. If bob reads it, the one-time prekey served two
// sessions: the initiator mixed that key into the agreement, so a responder that
// derives the same keys still held the key (a responder that left the consumed key out
// could not read it). A bundle without a one-time prekey (profile signal: no prekey id)
// has nothing to consume: the check passes and says so.
// ---------------------------------------------------------------------------------

CheckOutcome ake6_scenario(Run& run, Tally& out_) {
  Target& t = run.target;
  Conversation s(t);
  for (const char* n : {"alice", "bob", "carol"}) {
    PARITY_STEP([[maybe_unused]] Bytes id, t.create(n), std::string("create ") + n);
  }
  PARITY_STEP(harness::BundleResult b, t.bundle("bob"), "the bundle of bob");
  if (run.profile == Profile::signal) {
    auto d = wire::decode_bundle(b.bundle);
    if (d && !d->prekey_id) {
      out_["second sessions accepted"] = 0;
      return CheckOutcome::pass("bob's bundle carries no one-time prekey, so no session consumes one");
    }
  }
  PARITY_DO(t.initiate("alice", "bob", b.bundle), "alice starting a session from bob's bundle");
  PARITY_DO(t.initiate("carol", "bob", b.bundle), "carol starting a session from the same bundle");
  s.note("bob publishes one bundle; alice and carol both start a session from it");
  const Bytes from_alice = text("alice's first message");
  PARITY_STEP(CiphertextResult pa, s.encrypt("alice", "bob", from_alice, "a first message"), "alice encrypting");
  PARITY_STEP(Bytes got, s.decrypt("bob", "alice", pa, "alice's first message"),
              "bob decrypting alice's first message");
  if (got != from_alice) return CheckOutcome::fail("alice's first message decrypted to other bytes");
  PARITY_STEP(CiphertextResult pc, s.encrypt("carol", "bob", text("carol's first message"), "a first message"),
              "carol encrypting");
  auto second = s.decrypt("bob", "carol", pc, "carol's first message");
  if (second.violated()) return CheckOutcome::error(second.violation());
  out_["second sessions accepted"] = second.ok() ? 1 : 0;
  // alice's session is unaffected either way.
  const Bytes more = text("alice again");
  PARITY_STEP(CiphertextResult pa2, s.encrypt("alice", "bob", more, "another message"), "alice encrypting again");
  PARITY_STEP(Bytes got2, s.decrypt("bob", "alice", pa2, "alice's next message"),
              "bob decrypting alice's next message");
  if (got2 != more) return CheckOutcome::fail("alice's next message decrypted to other bytes");
  if (second.ok()) {
    CheckOutcome o = CheckOutcome::fail(
        "bob accepted a second session started from the same bundle: its one-time prekey served two sessions");
    o.observations.push_back(
        "the initiator mixes the one-time prekey into the key agreement, so a responder that reads "
        "the second session's first message still held that key after the first session used it");
    o.counterexample = s.story();
    return o;
  }
  return CheckOutcome::pass("bob refused a second session from the same bundle (" + refusal_text(second.refusal()) +
                            "): its one-time prekey served alice's session only");
}

// ---------------------------------------------------------------------------------
// AKE-7: a late, replayed or tampered message of a replaced session never breaks the
// current one.
//
// S1: alice and bob talk both ways; each holds back `held` messages of the other (at most
//     8, within the declared bounds) and reads the one sent after them.
// S2: alice starts a new session from a new bundle of bob, which replaces S1 at both;
//     both use it both ways.
// Then, for bob and then for alice (the receiver): the receiver's peer sends two S2
// messages that stay in flight; the receiver gets a tampered copy of each held S1
// message, the held messages themselves (late), and replays of every S1 message it had
// read (the first, prekey, message among them) and of the late ones; then the messages
// in flight, and the conversation goes on both ways, the receiver's peer first (a
// receiver that lost S2 cannot read it). Reading a late message (in S1's archived state)
// and refusing it are both right; the check fails only when a message of the
// conversation after them does not come through. A target that refuses the second
// session `unsupported` cannot have one replace the other: not applicable.
// ---------------------------------------------------------------------------------

constexpr uint64_t kHeldBack = 8;

// LateTally counts what the old session's messages did at their receivers.
struct LateTally {
  int late = 0;           // held S1 messages delivered late
  int late_read = 0;      // ... read to what was sent
  int replays = 0;        // replays of S1 messages already read
  int replays_read = 0;   // ... read again (ORD-3's and AKE-4's matter, noted only)
  int tampered = 0;       // tampered copies of them delivered
  int tampered_read = 0;  // ... accepted (MSG-3's matter, noted only)
  int garbage = 0;        // late or replayed messages read as other bytes
  int current_read = 0;   // messages of the current conversation read after the late ones
};

// no_second_session tells whether a refusal says the target has no second session
// between the same two parties (PTP's `unsupported`), and makes that not applicable.
std::optional<CheckOutcome> no_second_session(const harness::Refusal& r, const std::string& what) {
  if (r.code != ptp::ErrorCode::unsupported) return std::nullopt;
  CheckOutcome o;
  o.verdict = Verdict::not_applicable;
  o.summary = "the target cannot make a second session between the same two parties (" + what + ": " + refusal_text(r) +
              "), so no session replaces another";
  return o;
}

CheckOutcome ake7_scenario(Run& run, Tally& out_) {
  Target& t = run.target;
  Conversation c(t);
  // A refusal the declared bounds permit is no failure: hold back no more than a chain
  // may skip and keep.
  const int held = static_cast<int>(std::min({kHeldBack, run.bounds.max_skip, run.bounds.max_skipped_keys}));
  LateTally n;
  auto tally = [&] {
    out_["late messages read"] = n.late_read;
    out_["replayed messages read"] = n.replays_read;
    out_["current messages read after them"] = n.current_read;
  };
  tally();

  // S1, with messages held back each way.
  PARITY_DO(c.start(), "starting a session from bob's bundle");
  std::vector<Sent> read_by[2];  // S1 messages each party (0 alice, 1 bob) has read
  std::vector<Sent> held_for[2];
  for (int from : {0, 1}) {
    PARITY_STEP(Sent m, c.send(from), c.name(from) + " encrypting in S1");
    PARITY_STEP(Bytes got, c.deliver(m), c.peer_of(from) + " decrypting an S1 message");
    if (got != m.plaintext) return CheckOutcome::fail("an S1 message decrypted to other bytes");
    read_by[1 - from].push_back(std::move(m));
  }
  for (int from : {0, 1}) {
    for (int i = 0; i < held; ++i) {
      PARITY_STEP(Sent m, c.send(from), c.name(from) + " encrypting an S1 message to be held back");
      held_for[1 - from].push_back(std::move(m));
    }
    PARITY_STEP(Sent m, c.send(from), c.name(from) + " encrypting in S1");
    c.note("the network holds back " + std::to_string(held) + " of " + c.name(from) + "'s S1 messages");
    PARITY_STEP(Bytes got, c.deliver(m), c.peer_of(from) + " decrypting an S1 message after held-back ones");
    if (got != m.plaintext) return CheckOutcome::fail("an S1 message decrypted to other bytes");
    read_by[1 - from].push_back(std::move(m));
  }

  // S2 replaces S1.
  PARITY_STEP(harness::BundleResult b2, t.bundle("bob"), "a second bundle of bob");
  c.note("S2: alice starts a new session from a new bundle of bob");
  if (auto r = t.initiate("alice", "bob", b2.bundle); !r.ok()) {
    if (r.refused()) {
      if (auto na = no_second_session(r.refusal(), "alice's second initiate with bob")) return *na;
    }
    return outcome_of(r, "alice starting a second session with bob");
  }
  PARITY_STEP(Sent first2, c.send(0), "alice encrypting the first message of S2");
  if (auto got = c.deliver(first2); !got.ok() || *got != first2.plaintext) {
    if (got.refused()) {
      if (auto na = no_second_session(got.refusal(), "bob reading the first message of S2")) return *na;
    }
    if (got.ok()) return CheckOutcome::fail("the first message of S2 decrypted to other bytes at bob");
    return outcome_of(got, "bob decrypting the first message of S2");
  }
  for (int from : {1, 0, 1}) {
    PARITY_STEP(Sent m, c.send(from), c.name(from) + " encrypting in S2");
    PARITY_STEP(Bytes got, c.deliver(m), c.peer_of(from) + " decrypting an S2 message");
    if (got != m.plaintext) return CheckOutcome::fail("an S2 message decrypted to other bytes");
  }

  // notes are what the old session's messages did, for both verdicts.
  auto notes = [&](std::vector<std::string>& out) {
    out.push_back(std::to_string(n.late_read) + " of " + std::to_string(n.late) +
                  " late messages of the replaced session were read, the others refused (both are right)");
    out.push_back(std::to_string(n.replays_read) + " of " + std::to_string(n.replays) +
                  " replays of its messages were read again (ORD-3's and AKE-4's matter, not judged here)");
    if (n.tampered_read > 0)
      out.push_back(std::to_string(n.tampered_read) + " of " + std::to_string(n.tampered) +
                    " tampered copies were accepted (MSG-3's matter, not judged here)");
    if (n.garbage > 0)
      out.push_back(std::to_string(n.garbage) +
                    " late or replayed messages were read as other bytes than were sent (MSG-3's matter, not judged "
                    "here)");
    if (held < static_cast<int>(kHeldBack))
      out.push_back("held back " + std::to_string(held) + " messages each way, within the bounds " +
                    run.bounds.describe());
  };
  // broke is the verdict when the current conversation stops: the late messages broke it.
  auto broke = [&](const std::string& what) {
    tally();
    CheckOutcome o = CheckOutcome::fail("the current session broke after late messages of the replaced one: " + what);
    notes(o.observations);
    o.counterexample = c.story(60);
    return o;
  };
  // goes_on sends one message of the current conversation and delivers it.
  auto goes_on = [&](const Sent& m) -> std::optional<CheckOutcome> {
    auto got = c.deliver(m);
    if (got.violated()) return CheckOutcome::error(got.violation());
    if (got.refused())
      return broke(c.peer_of(m.from) + " refused " + c.name(m.from) + "'s message #" + std::to_string(m.number) + " (" +
                   refusal_text(got.refusal()) + ")");
    if (*got != m.plaintext)
      return broke(c.name(m.from) + "'s message #" + std::to_string(m.number) + " decrypted to other bytes");
    ++n.current_read;
    return std::nullopt;
  };
  auto send_current = [&](int from, Sent& out) -> std::optional<CheckOutcome> {
    auto m = c.send(from);
    if (m.violated()) return CheckOutcome::error(m.violation());
    if (m.refused())
      return broke(c.name(from) + " could no longer encrypt to " + c.peer_of(from) + " (" + refusal_text(m.refusal()) +
                   ")");
    out = std::move(*m);
    return std::nullopt;
  };
  // old delivers a message of S1 to its receiver (`bytes`: the message or a tampered
  // copy, which has no `read_` count); read or refused, only a violation stops.
  auto old = [&](const Sent& m, ByteView bytes, int* read_) -> std::optional<CheckOutcome> {
    auto got = t.decrypt(c.peer_of(m.from), c.name(m.from), bytes, m.c.kind);
    if (got.violated()) return CheckOutcome::error(got.violation());
    if (!got.ok()) return std::nullopt;
    if (read_ == nullptr) {
      ++n.tampered_read;
    } else if (*got == m.plaintext) {
      ++*read_;
    } else {
      ++n.garbage;
    }
    return std::nullopt;
  };

  for (int receiver : {1, 0}) {
    const int sender = 1 - receiver;
    std::vector<Sent> in_flight(2);
    for (Sent& m : in_flight) {
      if (auto o = send_current(sender, m)) return *o;
    }
    c.note("those two stay in flight while " + c.name(receiver) + " gets the replaced session's messages");
    for (const Sent& m : held_for[receiver]) {
      ++n.tampered;
      if (auto o = old(m, flip_bit(m.c.ciphertext, m.c.ciphertext.size() * 8 - 1), nullptr)) return *o;
    }
    c.note(c.name(receiver) + " gets a tampered copy (last bit flipped) of each of the " + std::to_string(held) +
           " held-back S1 messages");
    const int read_before = n.late_read;
    for (const Sent& m : held_for[receiver]) {
      ++n.late;
      if (auto o = old(m, m.c.ciphertext, &n.late_read)) return *o;
    }
    c.note(c.name(receiver) + " gets the " + std::to_string(held) + " held-back S1 messages, late: reads " +
           std::to_string(n.late_read - read_before));
    const int replays_before = n.replays_read;
    std::vector<Sent> replays = read_by[receiver];
    replays.insert(replays.end(), held_for[receiver].begin(), held_for[receiver].end());
    for (const Sent& m : replays) {
      ++n.replays;
      if (auto o = old(m, m.c.ciphertext, &n.replays_read)) return *o;
    }
    c.note(c.name(receiver) + " gets replays of the " + std::to_string(replays.size()) +
           " S1 messages it had been sent: reads " + std::to_string(n.replays_read - replays_before));
    for (const Sent& m : in_flight) {
      if (auto o = goes_on(m)) return *o;
    }
    for (int from : {sender, receiver, sender}) {
      Sent m;
      if (auto o = send_current(from, m)) return *o;
      if (auto o = goes_on(m)) return *o;
    }
  }
  for (int from : {0, 1, 0, 1}) {
    Sent m;
    if (auto o = send_current(from, m)) return *o;
    if (auto o = goes_on(m)) return *o;
  }
  tally();
  CheckOutcome o =
      CheckOutcome::pass("after S2 replaced S1, " + std::to_string(n.late_read) + "/" + std::to_string(n.late) +
                         " late S1 messages were read and " + std::to_string(n.late - n.late_read) +
                         " refused, tampered copies and replays came too, and the current session went on both ways (" +
                         std::to_string(n.current_read) + " messages)");
  notes(o.observations);
  return o;
}

}  // namespace

void register_ake_checks(harness::Registry& registry) {
  add_check(registry, CheckSpec<Verdicted>{
                          .id = "AKE-1.first-messages",
                          .requirement = "AKE-1",
                          .description = "several first messages, delivered out of order, decrypt before the "
                                         "responder sends",
                          .scenario = self_judged(ake1_scenario),
                          .judge = judge_verdicted({{"first messages decrypted", "messages"}}),
                      });
  add_check(
      registry,
      CheckSpec<Verdicted>{
          .id = "AKE-2.tampered-bundle",
          .requirement = "AKE-2",
          .description = "bundles with a flipped identity, signed prekey or signature bit, or another "
                         "party's keys, are refused",
          .scenario = self_judged(ake2_scenario),
          .judge = judge_verdicted({{"tampered bundles tried", "bundles"}, {"tampered bundles accepted", "bundles"}}),
      });
  add_check(registry, CheckSpec<Verdicted>{
                          .id = "AKE-3.unknown-key-share",
                          .requirement = "AKE-3",
                          .description = "a message of alice -> bob is refused by carol and by bob told it comes "
                                         "from carol",
                          .scenario = self_judged(ake3_scenario),
                          .judge = judge_verdicted({{"misdirected messages read", "messages"}}),
                      });
  add_check(registry, CheckSpec<Verdicted>{
                          .id = "AKE-4.replayed-first-message",
                          .requirement = "AKE-4",
                          .description = "a replayed first message gives no second plaintext, at once and after "
                                         "round trips",
                          .scenario = self_judged(ake4_scenario),
                          .judge = judge_verdicted({{"replayed first messages accepted", "messages"}}),
                      });
  add_check(registry, CheckSpec<Verdicted>{
                          .id = "AKE-5.independent-sessions",
                          .requirement = "AKE-5",
                          .description = "no state of one session between alice and bob decrypts another session's "
                                         "messages",
                          .needs = {Capability::export_state, Capability::import_state},
                          .scenario = self_judged(ake5_scenario),
                          .judge = judge_verdicted({{"cross-session decryptions", "messages"}}),
                      });
  add_check(registry, CheckSpec<Verdicted>{
                          .id = "AKE-6.onetime-prekey",
                          .requirement = "AKE-6",
                          .description = "a second session from the same bundle is refused by the responder",
                          .scenario = self_judged(ake6_scenario),
                          .judge = judge_verdicted({{"second sessions accepted", "sessions"}}),
                      });
  add_check(registry, CheckSpec<Verdicted>{
                          .id = "AKE-7.replaced-session",
                          .requirement = "AKE-7",
                          .description = "late, replayed and tampered messages of a replaced session leave the "
                                         "current one working both ways",
                          .scenario = self_judged(ake7_scenario),
                          .judge = judge_verdicted({{"late messages read", "messages"},
                                                    {"replayed messages read", "messages"},
                                                    {"current messages read after them", "messages"}}),
                      });
}

}  // namespace parity::suites
