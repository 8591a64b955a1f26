#include "suites/msg/msg.h"

#include <chrono>
#include <map>
#include <set>

#include <rapidcheck/state.h>

#include "suites/common/check_spec.h"
#include "suites/common/conversation.h"
#include "suites/common/schedule.h"
#include "suites/common/steps.h"
#include "suites/common/tamper.h"

namespace parity::suites {

namespace {

using harness::CiphertextResult;
using harness::Profile;
using harness::Verdict;

// ---------------------------------------------------------------------------------
// MSG-1: every plaintext of 0 bytes to 256 KiB round-trips.
// ---------------------------------------------------------------------------------

constexpr size_t kMaxPlaintext = 256 * 1024;

CheckOutcome msg1_scenario(Run& run, Tally& out_) {
  Target& t = run.target;
  Rng& rng = run.rng;
  const int random_lengths = run.ctx.options.cases > 0 ? run.ctx.options.cases : 8;
  // Edge lengths around AES blocks, varint and 16-bit boundaries, then random ones.
  std::vector<size_t> lengths = {0, 1, 15, 16, 17, 255, 256, 1024, 65535, kMaxPlaintext};
  const size_t fixed = lengths.size();
  for (int i = 0; i < random_lengths; ++i) lengths.push_back(next_u32(rng) % (kMaxPlaintext + 1));
  Conversation c(t);
  PARITY_DO(c.start(), "starting a session from bob's bundle");
  int ok = 0;
  for (size_t i = 0; i < lengths.size(); ++i) {
    // Fixed lengths alternate senders (a ratchet step each); random ones stay in alice's chain.
    const int from = i < fixed ? static_cast<int>(i % 2) : 0;
    Bytes pt = random_bytes(rng, lengths[i]);
    auto m = c.send(from, pt);
    if (m.violated()) return CheckOutcome::error(m.violation());
    if (m.refused()) {
      CheckOutcome o = CheckOutcome::fail(c.name(from) + " refused to encrypt a " + std::to_string(lengths[i]) +
                                          "-byte plaintext (" + refusal_text(m.refusal()) + ")");
      o.counterexample = c.story();
      return o;
    }
    auto p = c.deliver(*m);
    if (p.violated()) return CheckOutcome::error(p.violation());
    if (p.refused() || *p != pt) {
      CheckOutcome o = CheckOutcome::fail(
          "a " + std::to_string(lengths[i]) + "-byte plaintext " +
          (p.refused() ? "was refused by " + c.peer_of(from) + " (" + refusal_text(p.refusal()) + ")"
                       : "decrypted to " + std::to_string(p->size()) + " other bytes (first difference at byte " +
                             std::to_string(first_difference(*p, pt).value_or(0)) + ")"));
      o.observations.push_back("plaintext " + short_hex(pt, 24) + ", ciphertext (" + std::string(to_string(m->c.kind)) +
                               ") " + short_hex(m->c.ciphertext, 24));
      o.counterexample = c.story();
      out_["plaintexts round-tripped"] = ok;
      return o;
    }
    ++ok;
  }
  out_["plaintexts round-tripped"] = ok;
  return CheckOutcome::pass(std::to_string(ok) +
                            " plaintexts of random content round-tripped, lengths 0 to 256 KiB "
                            "(0, 1, 15, 16, 17, 255, 256, 1024, 65535, 262144 and " +
                            std::to_string(random_lengths) + " random)");
}

// ---------------------------------------------------------------------------------
// MSG-2: equal plaintexts never give equal ciphertexts.
// ---------------------------------------------------------------------------------

CheckOutcome msg2_scenario(Run& run, Tally& out_) {
  Rng& rng = run.rng;
  const int repeats = run.ctx.options.cases > 0 ? run.ctx.options.cases : 10;
  Conversation c(run.target);
  PARITY_DO(c.start(), "starting a session from bob's bundle");
  const Bytes same = random_bytes(rng, 32);
  std::map<Bytes, int> seen;  // ciphertext -> message number
  int compared = 0;
  // record adds ciphertexts and fails at the first repeat, before anything is delivered.
  auto record = [&](const std::vector<Sent>& batch) -> std::optional<CheckOutcome> {
    for (const Sent& m : batch) {
      ++compared;
      auto [it, fresh] = seen.emplace(m.c.ciphertext, m.number);
      if (!fresh) {
        out_["ciphertexts compared"] = compared;
        out_["repeated ciphertexts"] = 1;
        CheckOutcome o =
            CheckOutcome::fail("messages #" + std::to_string(it->second) + " and #" + std::to_string(m.number) +
                               " carry the same plaintext and have the same ciphertext");
        o.observations.push_back("plaintext " + short_hex(m.plaintext) + ", ciphertext " +
                                 short_hex(m.c.ciphertext, 32));
        o.counterexample = c.story();
        return o;
      }
    }
    return std::nullopt;
  };
  auto send_batch = [&](int party, const Bytes& pt, int n, std::vector<Sent>& out) -> std::optional<CheckOutcome> {
    for (int i = 0; i < n; ++i) {
      PARITY_STEP(Sent m, c.send(party, pt), c.name(party) + " encrypting the same plaintext again");
      out.push_back(std::move(m));
    }
    return std::nullopt;
  };
  auto deliver_all = [&](const std::vector<Sent>& batch) -> std::optional<CheckOutcome> {
    for (const Sent& m : batch) {
      PARITY_STEP(Bytes got, c.deliver(m), "decrypting message #" + std::to_string(m.number));
      if (got != m.plaintext)
        return CheckOutcome::fail("message #" + std::to_string(m.number) + " decrypted to other bytes");
    }
    return std::nullopt;
  };
  // One chain: alice's first messages, the same plaintext (and the empty one) again and again.
  std::vector<Sent> a;
  if (auto o = send_batch(0, same, repeats, a)) return *o;
  if (auto o = send_batch(0, Bytes{}, 3, a)) return *o;
  if (auto o = record(a)) return *o;
  if (auto o = deliver_all(a)) return *o;
  // bob's chain.
  std::vector<Sent> b;
  if (auto o = send_batch(1, same, repeats, b)) return *o;
  if (auto o = record(b)) return *o;
  if (auto o = deliver_all(b)) return *o;
  // Across ratchet steps: each turn a new chain, the same plaintext.
  for (int i = 0; i < repeats; ++i) {
    for (int party : {0, 1}) {
      std::vector<Sent> one;
      if (auto o = send_batch(party, same, 1, one)) return *o;
      if (auto o = record(one)) return *o;
      if (auto o = deliver_all(one)) return *o;
    }
  }
  out_["ciphertexts compared"] = compared;
  out_["repeated ciphertexts"] = 0;
  return CheckOutcome::pass(std::to_string(compared) +
                            " encryptions of the same plaintext (in one chain, in the other "
                            "party's chain and across " +
                            std::to_string(2 * repeats) + " ratchet steps) were all different");
}

// ---------------------------------------------------------------------------------
// MSG-3: every modification is refused.
//
// For a few genuine messages (a first message, the first and second of a new chain, a
// later one) the suite delivers, before the genuine one: each single bit flipped, every
// truncation, extensions, and splices with another genuine message. Rules:
//   - a modification that decrypts to other bytes than were sent is a forgery: fail;
//   - a modified later message that decrypts at all: fail (every bit of it must be
//     authenticated, as in Signal);
//   - a modified first message that decrypts to exactly the sent plaintext is a
//     re-encoding, counted beside the baseline and not failed: Signal's own first
//     message carries fields that feed no key (registrationId, the ignored top bit of
//     X25519 keys), so it has such re-encodings too;
//   - after the sweep the genuine message must still decrypt (a refusal changed nothing).
// Each swept message ends a conversation of its own. With export and import the sweep
// runs on a copy of the recipient, and after an accepted re-encoding on a fresh copy, so
// each modification meets the untouched state; without them it runs on the recipient.
// Every refusal is timed: the slowest is reported for DOS-1.
// ---------------------------------------------------------------------------------

struct SweepTally {
  int tried = 0;
  int reencodings = 0;
  double slowest_ms = 0;
  std::string slowest_what;
  std::vector<std::string> reencoded;
};

class Sweep {
 public:
  Sweep(Conversation& c, const Sent& genuine, const std::vector<Bytes>& all_genuine, SweepTally& tally)
      : c_(c),
        t_(c.target()),
        genuine_(genuine),
        all_genuine_(all_genuine),
        tally_(tally),
        recipient_(c.peer_of(genuine.from)),
        sender_(c.name(genuine.from)),
        party_(recipient_) {}

  // begin takes a snapshot of the recipient and moves the sweep onto a copy of it.
  std::optional<CheckOutcome> begin(const std::string& tag) {
    tag_ = tag;
    if (!(t_.hello().has("export") && t_.hello().has("import"))) return std::nullopt;
    PARITY_STEP(Bytes st, t_.export_state(recipient_), "export of " + recipient_);
    snapshot_ = std::move(st);
    return fresh_copy();
  }

  // attempt delivers one modification; a returned outcome ends the check.
  std::optional<CheckOutcome> attempt(const Bytes& bytes, const std::string& what) {
    for (const Bytes& g : all_genuine_) {
      if (bytes == g) return std::nullopt;  // the modification happens to be a genuine message
    }
    ++tally_.tried;
    const auto t0 = std::chrono::steady_clock::now();
    auto p = t_.decrypt(party_, sender_, bytes, genuine_.c.kind);
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    if (p.violated()) return CheckOutcome::error(p.violation());
    if (p.refused()) {
      ++refused_;
      if (ms > tally_.slowest_ms) {
        tally_.slowest_ms = ms;
        tally_.slowest_what = what + " of message #" + std::to_string(genuine_.number);
      }
      return std::nullopt;
    }
    const std::string where = what + " of " + sender_ + "'s " + (first() ? "first" : "later") + " message #" +
                              std::to_string(genuine_.number) + " (" + std::to_string(genuine_.c.ciphertext.size()) +
                              " bytes)";
    if (*p != genuine_.plaintext || !first()) {
      CheckOutcome o = CheckOutcome::fail(
          *p != genuine_.plaintext ? "a modified message was accepted and decrypted to other bytes: " + where
                                   : "a modified later message was accepted: " + where +
                                         " decrypted to the sent plaintext, so the change is not authenticated");
      o.observations.push_back("sent " + short_hex(genuine_.plaintext) + ", " + party_ + " read " + short_hex(*p));
      o.observations.push_back("genuine " + short_hex(genuine_.c.ciphertext, 48));
      o.observations.push_back("modified " + short_hex(bytes, 48));
      c_.note("the attacker delivers a modified copy of #" + std::to_string(genuine_.number) + " (" + what + ") to " +
              party_ + ": it is accepted");
      o.counterexample = c_.story();
      return o;
    }
    ++tally_.reencodings;
    if (tally_.reencoded.size() < 6) tally_.reencoded.push_back(where);
    if (snapshot_) return fresh_copy();
    restored_ = false;  // without import the sweep goes on against the changed state
    return std::nullopt;
  }

  // finish delivers the genuine message to the sweep's party (it must still decrypt)
  // and, when that was a copy, to the recipient itself so the conversation goes on.
  std::optional<CheckOutcome> finish() {
    if (restored_) {
      auto p = t_.decrypt(party_, sender_, genuine_.c.ciphertext, genuine_.c.kind);
      if (p.violated()) return CheckOutcome::error(p.violation());
      if (!p.ok() || *p != genuine_.plaintext) {
        CheckOutcome o = CheckOutcome::fail(
            "after " + std::to_string(refused_) + " refused modifications of message #" +
            std::to_string(genuine_.number) + " the genuine message " +
            (p.ok() ? "decrypted to other bytes" : "was refused (" + refusal_text(p.refusal()) + ")") +
            ": a refusal changed the session (PTP atomicity, see MSG-4)");
        c_.note(std::to_string(refused_) + " modified copies of #" + std::to_string(genuine_.number) + " refused by " +
                party_ + "; then the genuine #" + std::to_string(genuine_.number) + " fails there");
        o.counterexample = c_.story();
        return o;
      }
      if (party_ == recipient_) {
        c_.note("#" + std::to_string(genuine_.number) + " delivered to " + recipient_ + ": reads it");
        return std::nullopt;
      }
    }
    // The sweep ran on copies: the recipient itself now gets the genuine message. (Without
    // copies and after an accepted re-encoding, the recipient already holds it.)
    if (party_ != recipient_) {
      PARITY_STEP(Bytes got, c_.deliver(genuine_),
                  recipient_ + " decrypting the genuine message #" + std::to_string(genuine_.number));
      if (got != genuine_.plaintext) return CheckOutcome::fail("the genuine message decrypted to other bytes");
    }
    return std::nullopt;
  }

  bool first() const { return genuine_.c.kind == harness::MessageKind::prekey; }

 private:
  std::optional<CheckOutcome> fresh_copy() {
    party_ = recipient_ + "~" + tag_ + std::to_string(copies_++);
    PARITY_DO(t_.import_state(party_, *snapshot_), "import of " + recipient_ + "'s snapshot");
    c_.note("modified copies of #" + std::to_string(genuine_.number) + " go to " + party_ + ", a copy of " +
            recipient_ + " made before any of them");
    return std::nullopt;
  }

  Conversation& c_;
  Target& t_;
  const Sent& genuine_;
  const std::vector<Bytes>& all_genuine_;
  SweepTally& tally_;
  std::string recipient_;
  std::string sender_;
  std::string party_;
  std::string tag_;
  std::optional<Bytes> snapshot_;
  int copies_ = 0;
  int refused_ = 0;
  bool restored_ = true;  // false once an accepted re-encoding changed the state for good
};

// sweep runs every modification of `m` (splicing with `partner`) against its recipient.
std::optional<CheckOutcome> sweep(Conversation& c, Rng& rng, const Sent& m, const Sent& partner,
                                  const std::vector<Bytes>& all, SweepTally& tally) {
  Sweep s(c, m, all, tally);
  if (auto o = s.begin(std::to_string(m.number) + "s")) return o;
  const Bytes& g = m.c.ciphertext;
  for (size_t bit = 0; bit < g.size() * 8; ++bit) {
    if (auto o = s.attempt(flip_bit(g, bit),
                           "bit " + std::to_string(bit % 8) + " of byte " + std::to_string(bit / 8) + " flipped"))
      return o;
  }
  for (size_t n = 0; n < g.size(); ++n) {
    if (auto o = s.attempt(truncated(g, n), "truncation to " + std::to_string(n) + " bytes")) return o;
  }
  const std::vector<std::pair<Bytes, std::string>> tails = {{Bytes{0x00}, "a zero byte appended"},
                                                            {random_bytes(rng, 1), "a random byte appended"},
                                                            {random_bytes(rng, 8), "8 random bytes appended"},
                                                            {random_bytes(rng, 32), "32 random bytes appended"},
                                                            {g, "a second copy appended"}};
  for (const auto& [tail, what] : tails) {
    if (auto o = s.attempt(extended(g, tail), what)) return o;
  }
  if (auto o = s.attempt(concat({Bytes{0x00}, g}), "a zero byte prepended")) return o;
  const Bytes& h = partner.c.ciphertext;
  for (size_t cut : cut_points(std::min(g.size(), h.size()), 16)) {
    const std::string at = " at byte " + std::to_string(cut);
    if (auto o =
            s.attempt(spliced(g, h, cut), "splice of its head and #" + std::to_string(partner.number) + "'s tail" + at))
      return o;
    if (auto o =
            s.attempt(spliced(h, g, cut), "splice of #" + std::to_string(partner.number) + "'s head and its tail" + at))
      return o;
  }
  return s.finish();
}

// Stage names one swept message: what precedes it in its own conversation.
enum class Stage { first_message, new_chain_first, new_chain_second, later_message };

// msg3_stage plays one stage in a conversation of its own, so that whatever a sweep
// leaves behind (an accepted re-encoding without import) cannot disturb another stage.
std::optional<CheckOutcome> msg3_stage(Target& t, Rng& rng, Stage stage, int k, SweepTally& tally) {
  Conversation c(t, "alice.m" + std::to_string(k), "bob.m" + std::to_string(k));
  PARITY_DO(c.start(), "starting a session from " + c.name(1) + "'s bundle");
  std::vector<Bytes> all;
  auto send = [&](int party) -> Op<Sent> {
    auto m = c.send(party, random_bytes(rng, 24));
    if (m.ok()) all.push_back(m->c.ciphertext);
    return m;
  };
  auto deliver = [&](const Sent& m) -> std::optional<CheckOutcome> {
    PARITY_STEP(Bytes got, c.deliver(m), "decrypting message #" + std::to_string(m.number));
    if (got != m.plaintext)
      return CheckOutcome::fail("message #" + std::to_string(m.number) + " decrypted to other bytes");
    return std::nullopt;
  };
  if (stage != Stage::first_message) {
    PARITY_STEP(Sent opening, send(0), "alice encrypting a first message");
    if (auto o = deliver(opening)) return o;
  }
  if (stage == Stage::later_message) {
    PARITY_STEP(Sent reply, send(1), "bob encrypting a reply");
    if (auto o = deliver(reply)) return o;
  }
  // The swept message and a partner for splices, from the same sender.
  const int from = stage == Stage::new_chain_first || stage == Stage::new_chain_second ? 1 : 0;
  PARITY_STEP(Sent m0, send(from), "encrypting a message");
  PARITY_STEP(Sent m1, send(from), "encrypting another message");
  if (stage == Stage::new_chain_second) {
    if (auto o = deliver(m0)) return o;
    return sweep(c, rng, m1, m0, all, tally);
  }
  return sweep(c, rng, m0, m1, all, tally);
}

CheckOutcome msg3_scenario(Run& run, Tally& out_) {
  Target& t = run.target;
  Rng& rng = run.rng;
  SweepTally tally;
  const Stage stages[] = {Stage::first_message, Stage::new_chain_first, Stage::new_chain_second, Stage::later_message};
  for (int k = 0; k < 4; ++k) {
    auto o = msg3_stage(t, rng, stages[k], k, tally);
    out_["modifications tried"] = tally.tried;
    out_["first-message re-encodings accepted"] = tally.reencodings;
    out_["slowest refusal"] = tally.slowest_ms;
    if (o) return *o;
  }
  CheckOutcome o = CheckOutcome::pass(std::to_string(tally.tried) +
                                      " modifications (each bit flipped, every truncation, extensions, splices) of a "
                                      "first message, the first and second of a new chain and a later message were "
                                      "refused, and each genuine message decrypted afterwards");
  if (tally.reencodings > 0) {
    o.summary += "; " + std::to_string(tally.reencodings) +
                 " changes to a first message decrypted to the same plaintext (re-encodings, as Signal's own "
                 "first message allows: counted, not failed)";
    for (const std::string& w : tally.reencoded) o.observations.push_back("re-encoding accepted: " + w);
  }
  o.observations.push_back("slowest refusal: " + std::to_string(tally.slowest_ms) + " ms (" + tally.slowest_what + ")");
  return o;
}

// ---------------------------------------------------------------------------------
// MSG-4: a refused message leaves the session unchanged (a stateful property).
//
// Commands (schedule.h's delivery model): Send (either party), Deliver (the oldest
// deliverable message), DeliverAny (any one, out of order) and Tamper (a bit flip,
// truncation, extension or splice of any message sent so far). Every genuine message
// must decrypt; at the end every message still deliverable is delivered and must
// decrypt. With export, the recipient's state is exported before and after each refused
// tampered message and must be byte-equal (PTP atomicity; the position of the random
// generator is not part of an export). A target whose export differs between two
// exports with nothing in between cannot be judged that way: that comparison is
// skipped and counted, not failed.
// A tampered message that is accepted (MSG-3's matter) ends the judgement of that case:
// the session may have moved on, so later genuine messages are no longer expected.
// The model keeps deliveries within one receiving chain back, inside every known
// target's bounds (at least 3 receiving chains).
// ---------------------------------------------------------------------------------

namespace m4 {

const std::string kName[2] = {"alice", "bob"};

struct Stats {
  int cases = 0;
  int tampered = 0;
  int refused = 0;
  int exports_compared = 0;
  int exports_unstable = 0;
  int accepted_tampers = 0;
  std::string first_accepted;
};

// start is the model of a fresh case: deliveries stay within one receiving chain back.
schedule::Model start() {
  schedule::Model m;
  Bounds one_chain_back;
  one_chain_back.max_skip = std::numeric_limits<uint64_t>::max();
  one_chain_back.max_skipped_keys = std::numeric_limits<uint64_t>::max();
  one_chain_back.max_receiver_chains = 2;
  m.reach = one_chain_back;
  return m;
}

struct Sut {
  Target& t;
  PropertyRun& run;
  Stats& stats;
  bool compare_exports = false;
  std::vector<CiphertextResult> cts;
  std::vector<Bytes> pts;
  std::vector<std::string> last_tamper;  // per message: the last refused tampered copy
  bool tainted = false;                  // a tampered message was accepted: stop judging

  template <class T>
  T take(Op<T> op, const std::string& what) {
    return require(run, std::move(op), what);
  }

  void send(const schedule::Model&, int n, int party) {
    Bytes pt = to_bytes("#" + std::to_string(n) + " from " + kName[party]);
    CiphertextResult c =
        take(t.encrypt(kName[party], kName[1 - party], pt), kName[party] + " encrypting #" + std::to_string(n));
    cts.push_back(std::move(c));
    pts.push_back(std::move(pt));
    last_tamper.emplace_back();
  }

  // deliver decrypts message i at its recipient and judges the answer.
  void deliver(const schedule::Model& m, int n) {
    const size_t i = static_cast<size_t>(n);
    const int from = m.msgs[i].from;
    auto p = t.decrypt(kName[1 - from], kName[from], cts[i].ciphertext, cts[i].kind);
    if (p.violated()) {
      (void)take(std::move(p), "decrypting #" + std::to_string(i));
    }
    if (tainted) return;
    const std::string after =
        last_tamper[i].empty() ? "" : " after a tampered copy (" + last_tamper[i] + ") was refused";
    if (p.refused()) {
      check_that(run, false,
                 "genuine #" + std::to_string(i) + " was refused by " + kName[1 - from] + after + ": " +
                     refusal_text(p.refusal()));
    }
    check_that(run, *p == pts[i], "genuine #" + std::to_string(i) + " decrypted to other bytes" + after);
  }

  void tamper(const schedule::Model& m, const schedule::Tampering& change) {
    const size_t index = static_cast<size_t>(change.n);
    auto [bytes, what] = change.apply(cts[index].ciphertext, cts[static_cast<size_t>(change.partner)].ciphertext);
    for (const CiphertextResult& c : cts) {
      if (c.ciphertext == bytes) return;  // the change made another genuine message: nothing to test
    }
    const int from = m.msgs[index].from;
    const std::string& at = kName[1 - from];
    std::optional<Bytes> before;
    if (compare_exports) before = take(t.export_state(at), "export of " + at);
    auto p = t.decrypt(at, kName[from], bytes, cts[index].kind);
    if (p.violated()) (void)take(std::move(p), "decrypting a tampered copy of #" + std::to_string(index));
    ++stats.tampered;
    if (p.ok()) {
      // MSG-3's matter; this case stops judging what follows.
      ++stats.accepted_tampers;
      if (stats.first_accepted.empty()) stats.first_accepted = "a copy of #" + std::to_string(index) + " with " + what;
      tainted = true;
      return;
    }
    ++stats.refused;
    last_tamper[index] = what;
    if (!before) return;
    Bytes after = take(t.export_state(at), "export of " + at);
    if (after == *before) {
      ++stats.exports_compared;
      return;
    }
    Bytes again = take(t.export_state(at), "export of " + at);
    if (again != after) {
      ++stats.exports_unstable;  // the export is not canonical: no judgement from it
      return;
    }
    ++stats.exports_compared;
    check_that(run, false,
               "a tampered copy of #" + std::to_string(index) + " (" + what + ") was refused (" +
                   refusal_text(p.refusal()) + ") but " + at + "'s exported state changed (first difference at byte " +
                   std::to_string(first_difference(*before, after).value_or(0)) + " of " +
                   std::to_string(before->size()) + ")");
  }
};

// property_body is one case: a fresh world, random commands, then every message
// still deliverable is delivered.
void property_body(Target& t, PropertyRun& run, Stats& stats, const Key32& seed) {
  ++stats.cases;
  std::optional<Key32> s;
  if (t.hello().has("deterministic")) {
    Key32 k = seed;
    k[31] ^= static_cast<uint8_t>(stats.cases);
    k[30] ^= static_cast<uint8_t>(stats.cases >> 8);
    s = k;
  }
  (void)require(run, t.reset(s), "reset");
  (void)require(run, t.create("alice"), "create alice");
  (void)require(run, t.create("bob"), "create bob");
  harness::BundleResult b = require(run, t.bundle("bob"), "the bundle of bob");
  (void)require(run, t.initiate("alice", "bob", b.bundle), "alice starting a session");
  Sut sut{t, run, stats, t.hello().has("export"), {}, {}, {}, false};
  using Send = schedule::Send<Sut>;
  using DeliverNext = schedule::Deliver<Sut>;
  using DeliverOutOfOrder = schedule::DeliverAny<Sut>;
  using Tamper = schedule::Tamper<Sut>;
  const schedule::Model m =
      schedule::play(start(), sut, rc::state::gen::execOneOfWithArgs<Send, DeliverNext, DeliverOutOfOrder, Tamper>());
  for (int i : m.deliverables()) sut.deliver(m, i);
}

}  // namespace m4

using Msg4Side = schedule::PropertySide<m4::Stats>;

// msg4_atomic_refusals plays the property on one process (each gets the same cases from
// the check's seed; property.h lets one RapidCheck search run at a time).
Msg4Side msg4_atomic_refusals(Run& r) {
  Msg4Side side;
  PropertyRun run;
  run.targets = {&r.target};
  PropertyOptions options;
  options.default_cases = 60;
  options.max_size = 40;
  side.outcome = run_property(
      r, run, "every genuine message decrypting around refused tampered ones",
      [&] { m4::property_body(r.target, run, side.stats, r.seed()); }, options);
  return side;
}

CheckOutcome judge_msg4(Msg4Side& mine, Msg4Side* base) {
  if (mine.stop) return *mine.stop;
  CheckOutcome out = mine.outcome;
  const m4::Stats& ts = mine.stats;
  out.observations.push_back(std::to_string(ts.tampered) + " tampered deliveries in " + std::to_string(ts.cases) +
                             " runs of the property (shrinking included), " + std::to_string(ts.refused) +
                             " refused; exported state compared around " + std::to_string(ts.exports_compared) +
                             " refusals");
  if (ts.exports_unstable > 0) {
    out.observations.push_back(std::to_string(ts.exports_unstable) +
                               " comparisons skipped: two exports with nothing in between differed (the export is not "
                               "canonical), so atomicity was judged by behaviour only there");
  }
  if (ts.accepted_tampers > 0) {
    out.observations.push_back(std::to_string(ts.accepted_tampers) +
                               " tampered messages were accepted (MSG-3's matter; " +
                               "those cases stopped judging), the first: " + ts.first_accepted);
  }
  out.figures.push_back(
      schedule::stat_figure("tampered deliveries refused", mine, base, &m4::Stats::refused, "messages"));
  out.figures.push_back(
      schedule::stat_figure("exports compared around refusals", mine, base, &m4::Stats::exports_compared, "refusals"));
  return out;
}

// ---------------------------------------------------------------------------------
// MSG-5: a message is bound to its direction: reflected back to its sender, refused.
// ---------------------------------------------------------------------------------

// Each reflection ends its own conversation (fresh parties): the message is first
// delivered to its recipient, then given back to its sender, and nothing follows, so a
// refusal that disturbed the sender's state (MSG-4's matter) cannot fail a later step.
struct Reflection {
  std::string label;
  int rounds_before = 0;  // round trips before the reflected message
  int from = 0;           // who sends it
  int earlier_sends = 0;  // messages the sender sends (and delivers) first in the same chain
};

CheckOutcome msg5_scenario(Run& run, Tally& out_) {
  Target& t = run.target;
  const std::vector<Reflection> cases = {
      {"first message", 0, 0, 0},
      {"first reply (a new chain)", 0, 1, 0},
      {"second reply (same chain)", 0, 1, 1},
      {"later message after a ratchet step", 1, 0, 0},
      {"message after 3 round trips", 3, 1, 2},
  };
  int accepted = 0;
  int garbage = 0;
  std::string first;
  std::string story;
  for (size_t k = 0; k < cases.size(); ++k) {
    const Reflection& r = cases[k];
    Conversation c(t, "alice.r" + std::to_string(k), "bob.r" + std::to_string(k));
    PARITY_DO(c.start(), "starting a session from " + c.name(1) + "'s bundle");
    if (r.from == 1) {
      PARITY_STEP(Sent opening, c.send(0), c.name(0) + " encrypting a first message");
      PARITY_DO(c.deliver(opening), c.name(1) + " decrypting the first message");
    }
    for (int i = 0; i < r.rounds_before; ++i) PARITY_DO(c.round_trip(0), "a round trip");
    for (int i = 0; i < r.earlier_sends; ++i) {
      PARITY_STEP(Sent e, c.send(r.from), c.name(r.from) + " encrypting");
      PARITY_DO(c.deliver(e), c.peer_of(r.from) + " decrypting");
    }
    PARITY_STEP(Sent m, c.send(r.from), c.name(r.from) + " encrypting the " + r.label);
    PARITY_STEP(Bytes got, c.deliver(m), c.peer_of(r.from) + " decrypting the " + r.label);
    if (got != m.plaintext) return CheckOutcome::fail("the " + r.label + " decrypted to other bytes");
    c.note("the attacker gives #" + std::to_string(m.number) + " back to " + c.name(r.from) + " as from " +
           c.peer_of(r.from));
    auto p = c.deliver(m, c.name(r.from), c.peer_of(r.from));
    if (p.violated()) return CheckOutcome::error(p.violation());
    if (p.ok() && *p != m.plaintext) {
      ++garbage;  // no message authentication: MSG-3's matter, not a reflection read
    } else if (p.ok()) {
      ++accepted;
      if (first.empty()) {
        first = c.name(r.from) + " read its own " + r.label + " given back as from " + c.peer_of(r.from);
        story = c.story();
      }
    }
  }
  out_["reflected messages read"] = accepted;
  if (accepted > 0) {
    CheckOutcome o = CheckOutcome::fail("a message given back to its sender as from the peer was read: " + first);
    o.observations.push_back(std::to_string(accepted) + " of " + std::to_string(cases.size()) +
                             " reflections decrypted");
    o.counterexample = story;
    return o;
  }
  CheckOutcome o =
      CheckOutcome::pass(std::to_string(cases.size()) +
                         " messages (a first message, the first and second of a new chain, "
                         "later ones after ratchet steps) given back to their sender as from the peer were not read");
  if (garbage > 0) {
    o.observations.push_back(std::to_string(garbage) +
                             " reflections were accepted as other bytes than were sent (no message authentication: "
                             "MSG-3's matter, not counted here)");
  }
  return o;
}

}  // namespace

void register_msg_checks(harness::Registry& registry) {
  add_check(registry, CheckSpec<Verdicted>{
                          .id = "MSG-1.round-trip",
                          .requirement = "MSG-1",
                          .description = "plaintexts of 0 bytes to 256 KiB, random content, decrypt to themselves",
                          .scenario = self_judged(msg1_scenario),
                          .judge = judge_verdicted({{"plaintexts round-tripped", "messages"}}),
                      });
  add_check(registry,
            CheckSpec<Verdicted>{
                .id = "MSG-2.no-repeated-ciphertext",
                .requirement = "MSG-2",
                .description = "the same plaintext, in one chain and across ratchet steps, never gives the "
                               "same ciphertext",
                .scenario = self_judged(msg2_scenario),
                .judge = judge_verdicted({{"ciphertexts compared", "messages"}, {"repeated ciphertexts", "pairs"}}),
            });
  add_check(registry, CheckSpec<Verdicted>{
                          .id = "MSG-3.modifications",
                          .requirement = "MSG-3",
                          .description = "each bit flipped, every truncation, extensions and splices of 4 messages "
                                         "are refused",
                          .scenario = self_judged(msg3_scenario),
                          .judge = judge_verdicted({{"modifications tried", "messages"},
                                                    {"first-message re-encodings accepted", "messages"},
                                                    {"slowest refusal", "ms"}}),
                      });
  add_check(registry, CheckSpec<Msg4Side>{
                          .id = "MSG-4.atomic-refusals",
                          .requirement = "MSG-4",
                          .description = "refused tampered messages, interleaved with genuine ones, change nothing "
                                         "(property, exports compared)",
                          .scenario = msg4_atomic_refusals,
                          .judge = judge_msg4,
                      });
  add_check(registry, CheckSpec<Verdicted>{
                          .id = "MSG-5.reflection",
                          .requirement = "MSG-5",
                          .description = "a message given back to its sender as from the peer is refused",
                          .scenario = self_judged(msg5_scenario),
                          .judge = judge_verdicted({{"reflected messages read", "messages"}}),
                      });
}

}  // namespace parity::suites
