#include "suites/stz/stz.h"

#include <chrono>
#include <filesystem>

#include "reference/stanza/stanza.h"
#include "suites/common/check_spec.h"
#include "suites/common/evidence.h"
#include "suites/common/steps.h"
#include "suites/stz/corpus.h"

#include "base/utf8.h"

namespace parity::suites {

namespace {

using harness::StanzaEncoding;

// kElideBytes: transcript lines longer than this (a 1 MiB hostile stanza) are replaced
// by a note with their beginning, so the evidence stays readable.
constexpr size_t kElideBytes = size_t{16} << 10;

bool is_utf8(std::string_view s) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  for (size_t i = 0; i < s.size();) {
    if (p[i] < 0x80) {
      ++i;
      continue;
    }
    uint32_t code = 0;
    const size_t len = utf8_sequence(p + i, s.size() - i, code);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

// The stanza's id travels as `stanza_id`: ptp-1.md names it `id`, which is PTP's own
// request/response id field (every response echoes the request's), so it cannot carry
// the stanza's; docs/ptp.md records the field as this project's reading of the spec.

// A stanza travels in `unwrap` as the JSON string `stanza`, or, for bytes that are not
// UTF-8 (which no JSON string can carry), as `stanza_hex`, an optional field of this
// project's PTP extension (docs/ptp.md): StanzaEncoding::hex.

// unwrap hands a stanza to `party`'s unwrap and collects the exchange.
Op<UnwrapFields> unwrap(Evidence& ev, const std::string& party, std::string_view bytes, StanzaEncoding how) {
  auto r = ev.collected(ev.target.unwrap(party, bytes, how));
  if (r.violated()) return r.violation();
  if (r.refused()) return r.refusal();
  return UnwrapFields{r->stanza_id, r->to, r->from, r->kind, std::move(r->ciphertext)};
}

// differences lists the fields of `got` that are not `want`; kind is compared for the
// PTP kinds only (a sender-key message has none in PTP/1).
std::string differences(const UnwrapFields& want, const UnwrapFields& got) {
  std::string d;
  auto field = [&](const char* name, const std::string& w, const std::string& g) {
    if (w != g) d += std::string(" ") + name + ": want \"" + w.substr(0, 80) + "\", got \"" + g.substr(0, 80) + "\";";
  };
  field("id", want.id, got.id);
  field("to", want.to, got.to);
  field("from", want.from, got.from);
  if (harness::parse_message_kind(want.kind)) field("kind", want.kind, got.kind);
  if (want.ciphertext != got.ciphertext) {
    d += " ciphertext: want " + short_hex(want.ciphertext) + ", got " + short_hex(got.ciphertext) + ";";
  }
  return d;
}

CheckOutcome corpus_error(const Error& e) {
  CheckOutcome o;
  o.verdict = harness::Verdict::error;
  o.summary = "the stanza corpus cannot be loaded: " + e.detail;
  return o;
}

Result<std::vector<CorpusEntry>> load(const Run& run) {
  return load_stanza_corpus(std::filesystem::path(run.ctx.vectors_dir) / "stanza");
}

std::string rule_of(const CorpusEntry& e) {
  return e.file + " (" + std::string(stanza::to_string(e.code)) + " at " + std::to_string(e.offset) + ")";
}

// setup_reader creates the party that unwraps.
std::optional<CheckOutcome> setup_reader(Run& run, Evidence& ev) {
  auto reset = run.target.reset(run.seed());
  ev.collect();
  if (reset.violated()) return ev.finish(CheckOutcome::error(reset.violation()));
  if (reset.refused()) return ev.finish(CheckOutcome::unexpected_refusal("reset", reset.refusal()));
  auto c = run.target.create("bob");
  ev.collect();
  if (c.violated()) return ev.finish(CheckOutcome::error(c.violation()));
  if (c.refused()) return ev.finish(CheckOutcome::unexpected_refusal("create", c.refusal()));
  return std::nullopt;
}

// HexSupport: whether the target takes `stanza_hex`, probed with a valid message.
enum class HexSupport { yes, no };

Op<HexSupport> probe_hex(Evidence& ev, const std::vector<CorpusEntry>& corpus) {
  for (const CorpusEntry& e : corpus) {
    if (e.expect != Expect::valid || !e.unwrap) continue;
    auto r = unwrap(ev, "bob", e.bytes, StanzaEncoding::hex);
    if (r.violated()) return r.violation();
    return r.ok() && differences(*e.unwrap, *r).empty() ? HexSupport::yes : HexSupport::no;
  }
  return HexSupport::no;
}

// RefusalSide is what STZ-2.invalid-corpus and STZ-3.hostile measure: the stanzas sent
// (total), those accepted (failures), and the slowest refusal.
struct RefusalSide : Findings {
  double slowest_ms = 0;
};

// refuse_all sends every entry to unwrap and collects those not refused in side_. Entries
// that are not UTF-8 need `stanza_hex`; without it they are left out and named in its notes.
std::optional<CheckOutcome> refuse_all(Evidence& ev, const std::vector<const CorpusEntry*>& entries, HexSupport hex,
                                       RefusalSide& side_) {
  size_t skipped = 0;
  for (const CorpusEntry* e : entries) {
    const StanzaEncoding how = is_utf8(e->bytes) ? StanzaEncoding::text : StanzaEncoding::hex;
    if (how == StanzaEncoding::hex && hex == HexSupport::no) {
      ++skipped;
      continue;
    }
    ++side_.total;
    const auto start = std::chrono::steady_clock::now();
    auto r = ev.collected(ev.target.unwrap("bob", e->bytes, how));
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    side_.slowest_ms = std::max(side_.slowest_ms, ms);
    if (r.violated()) {
      CheckOutcome o = CheckOutcome::error(r.violation());
      o.summary = e->file + ": " + o.summary;
      o.counterexample = rule_of(*e);
      return ev.finish(std::move(o));
    }
    if (r.ok()) side_.failures.push_back(rule_of(*e) + ": accepted");
  }
  if (skipped > 0) {
    side_.notes.push_back(
        std::to_string(skipped) +
        " non-UTF-8 stanzas were not sent: a JSON string cannot carry them and the target does not take "
        "`stanza_hex` (tests/stanza checks them against the reference)");
  }
  return std::nullopt;
}

// ---- STZ-1: what the target writes ----------------------------------------------------

struct WrapCase {
  std::string id;
  std::string to;
  std::string from;
  size_t plaintext_size;
};

// wrap_cases wraps messages of a real session both ways and collects in side_ those that
// are not valid stanzas of their ciphertext. It returns a verdict only when the check
// must stop.
std::optional<CheckOutcome> wrap_cases(Run& run, Evidence& ev, Findings& side_) {
  Target& t = run.target;
  Rng& rng = run.rng;
  PARITY_DO(t.reset(run.seed()), "reset");
  PARITY_STEP(auto alice_id, t.create("alice"), "create alice");
  PARITY_STEP(auto bob_id, t.create("bob"), "create bob");
  (void)alice_id;
  (void)bob_id;
  PARITY_STEP(auto bundle, t.bundle("bob"), "bundle");
  PARITY_DO(t.initiate("alice", "bob", bundle.bundle), "initiate");
  ev.collect();

  const std::string long_local(64, 'b');
  // Each case: a message alice -> bob, then bob -> alice, so both kinds (prekey, then
  // message once the session is confirmed) are wrapped; ids and JIDs at their limits and
  // a resource that needs escaping.
  const std::vector<WrapCase> cases = {
      {"3EB0A1B2C3D4E5F6", "bob@interop.example", "alice@provider.example", 5},
      {"m", "bob@interop.example/phone", "alice@provider.example/desk", 0},
      {std::string(64, 'Z'), long_local + "@interop.example", "alice@provider.example", 1000},
      {"a.b_c-d", "bob@interop.example/caf\xc3\xa9 & <\"tea\">", "alice@provider.example/t'l", 100},
      {"big", "bob@interop.example", "alice@provider.example", 100 * 1024},
  };
  std::vector<std::string>& failures = side_.failures;
  for (size_t i = 0; i < cases.size(); ++i) {
    for (int dir = 0; dir < 2; ++dir) {
      const WrapCase& c = cases[i];
      const std::string sender = dir == 0 ? "alice" : "bob", recipient = dir == 0 ? "bob" : "alice";
      // The JIDs follow the direction: alice's messages go to bob's JID.
      const std::string to = dir == 0 ? c.to : c.from, from = dir == 0 ? c.from : c.to;
      const std::string label =
          "case " + std::to_string(i) + " " + sender + "->" + recipient + " id " + c.id.substr(0, 16);
      ++side_.total;
      const Bytes plaintext = random_bytes(rng, c.plaintext_size);
      PARITY_STEP(auto ct, t.encrypt(sender, recipient, plaintext), "encrypt");
      auto w = ev.collected(t.wrap(sender, recipient, ct.ciphertext, ct.kind, {c.id, to, from}));
      if (w.violated()) return ev.finish(CheckOutcome::error(w.violation()));
      if (w.refused()) {
        failures.push_back(label + ": wrap refused: " + std::string(ptp::to_string(w.refusal().code)) + " " +
                           w.refusal().detail);
        // Keep the session in step: the recipient still decrypts the plain ciphertext.
        PARITY_STEP(auto pt, t.decrypt(recipient, sender, ct.ciphertext, ct.kind), "decrypt");
        (void)pt;
        continue;
      }
      const std::string& text = *w;
      auto m = stanza::parse_message(text);
      Bytes payload = ct.ciphertext;
      if (!m.ok()) {
        failures.push_back(label + ": the stanza does not validate: " + std::string(stanza::to_string(m.error().code)) +
                           " at " + std::to_string(m.error().offset) + ": " + m.error().message + " in " +
                           text.substr(0, 200));
      } else {
        const stanza::Enc* enc = std::get_if<stanza::Enc>(&m->payload);
        const stanza::EncType want_type =
            ct.kind == harness::MessageKind::prekey ? stanza::EncType::pkmsg : stanza::EncType::msg;
        std::string wrong;
        if (m->id != c.id) wrong += " id " + m->id + ";";
        if (m->to != to) wrong += " to " + m->to + ";";
        if (m->from != from) wrong += " from " + m->from + ";";
        if (enc == nullptr) {
          wrong += " a participants fan-out instead of one enc;";
        } else {
          if (enc->type != want_type)
            wrong += " enc type " + std::string(stanza::to_string(enc->type)) + " for kind " +
                     std::string(to_string(ct.kind)) + ";";
          if (enc->ciphertext != ct.ciphertext) wrong += " enc holds other bytes than the ciphertext;";
          payload = enc->ciphertext;
        }
        if (!wrong.empty()) failures.push_back(label + ": the stanza says" + wrong);
      }
      // The payload as the reference read it decrypts at the recipient ...
      auto pt = t.decrypt(recipient, sender, payload, ct.kind);
      ev.collect();
      if (pt.violated()) return ev.finish(CheckOutcome::error(pt.violation()));
      if (pt.refused() || *pt != plaintext) {
        failures.push_back(label + ": the stanza's payload does not decrypt to the plaintext");
        continue;
      }
      // ... and the recipient's own unwrap reads the same fields back.
      auto u = unwrap(ev, recipient, text, StanzaEncoding::text);
      if (u.violated()) return ev.finish(CheckOutcome::error(u.violation()));
      if (u.refused()) {
        failures.push_back(label + ": unwrap refused the target's own stanza: " + u.refusal().detail);
        continue;
      }
      const std::string diff =
          differences(UnwrapFields{c.id, to, from, std::string(to_string(ct.kind)), ct.ciphertext}, *u);
      if (!diff.empty()) failures.push_back(label + ": unwrap of its own stanza:" + diff);
    }
  }
  return std::nullopt;
}

Findings stz1_wrap(Run& run) {
  Evidence ev{run.target, kElideBytes};
  Findings side;
  // A step's own verdict (PARITY_STEP) carries no evidence: the runner keeps the transcripts.
  if (auto o = wrap_cases(run, ev, side)) return stopped(std::move(*o));
  side.evidence = ev.take();
  return side;
}

CheckOutcome judge_wrap(Findings& mine, Findings*) {
  return with_failures(mine, "wrapped messages are not valid stanzas of their ciphertext",
                       std::to_string(mine.total) +
                           " wrapped messages (both kinds, ids and JIDs at their limits, escaped "
                           "resources, 0 B to 100 KiB) validate, decrypt and unwrap");
}

// ---- STZ-2: the corpus ------------------------------------------------------------------

Findings stz2_valid(Run& run) {
  auto corpus = load(run);
  if (!corpus) return stopped(corpus_error(corpus.error()));
  Evidence ev{run.target, kElideBytes};
  if (auto o = setup_reader(run, ev)) return stopped(std::move(*o));
  Findings side;
  size_t not_messages = 0;
  for (const CorpusEntry& e : *corpus) {
    if (e.expect != Expect::valid) continue;
    if (!e.unwrap) {
      ++not_messages;
      continue;
    }
    ++side.total;
    auto u = unwrap(ev, "bob", e.bytes, StanzaEncoding::text);
    if (u.violated()) return stopped(ev, CheckOutcome::error(u.violation()));
    if (u.refused()) {
      side.failures.push_back(e.file + ": refused: " + std::string(ptp::to_string(u.refusal().code)) + " " +
                              u.refusal().detail);
      continue;
    }
    const std::string diff = differences(*e.unwrap, *u);
    if (!diff.empty()) side.failures.push_back(e.file + ":" + diff);
  }
  if (not_messages > 0) {
    side.notes.push_back(std::to_string(not_messages) +
                         " valid key bundle and retry receipt stanzas are not sent: PTP/1 `unwrap` carries messages");
  }
  side.evidence = ev.take();
  return side;
}

CheckOutcome judge_valid(Findings& mine, Findings*) {
  return with_failures(mine, "valid corpus messages are not read correctly",
                       "the " + std::to_string(mine.total) +
                           " valid corpus messages (unknown attributes and elements "
                           "included) unwrap to their fields");
}

RefusalSide stz2_invalid(Run& run) {
  auto corpus = load(run);
  if (!corpus) return stopped<RefusalSide>(corpus_error(corpus.error()));
  Evidence ev{run.target, kElideBytes};
  if (auto o = setup_reader(run, ev)) return stopped<RefusalSide>(std::move(*o));
  auto hex = probe_hex(ev, *corpus);
  if (hex.violated()) return stopped<RefusalSide>(ev, CheckOutcome::error(hex.violation()));
  std::vector<const CorpusEntry*> entries;
  for (const CorpusEntry& e : *corpus) {
    if (e.expect == Expect::invalid) entries.push_back(&e);
  }
  RefusalSide side;
  if (auto o = refuse_all(ev, entries, *hex, side)) return stopped<RefusalSide>(std::move(*o));
  side.evidence = ev.take();
  return side;
}

// judge_refusals judges STZ-2.invalid-corpus and STZ-3.hostile: every stanza sent is refused.
CheckOutcome judge_refusals(const RefusalSide& mine, const std::string& what, std::string pass_summary) {
  CheckOutcome o = with_failures(mine, what, std::move(pass_summary));
  if (!mine.stop) o.figures.push_back({"slowest refusal", mine.slowest_ms, std::nullopt, "ms"});
  return o;
}

CheckOutcome judge_invalid(RefusalSide& mine, RefusalSide*) {
  return judge_refusals(mine, "invalid corpus stanzas are accepted",
                        "the " + std::to_string(mine.total) + " invalid corpus stanzas are refused");
}

// ---- STZ-3: hostile XML -----------------------------------------------------------------

RefusalSide stz3_hostile(Run& run) {
  auto corpus = load(run);
  if (!corpus) return stopped<RefusalSide>(corpus_error(corpus.error()));
  Evidence ev{run.target, kElideBytes};
  if (auto o = setup_reader(run, ev)) return stopped<RefusalSide>(std::move(*o));
  auto hex = probe_hex(ev, *corpus);
  if (hex.violated()) return stopped<RefusalSide>(ev, CheckOutcome::error(hex.violation()));
  const std::vector<CorpusEntry> generated = generated_hostile_stanzas();
  std::vector<const CorpusEntry*> entries;
  for (const CorpusEntry& e : *corpus) {
    if (e.expect == Expect::invalid && e.hostility == Hostility::hostile) entries.push_back(&e);
  }
  for (const CorpusEntry& e : generated) entries.push_back(&e);
  RefusalSide side;
  if (auto o = refuse_all(ev, entries, *hex, side)) return stopped<RefusalSide>(std::move(*o));
  // After the attacks the target still reads a genuine stanza: none of them left it broken.
  for (const CorpusEntry& e : *corpus) {
    if (e.expect != Expect::valid || !e.unwrap) continue;
    auto u = unwrap(ev, "bob", e.bytes, StanzaEncoding::text);
    if (u.violated()) return stopped<RefusalSide>(ev, CheckOutcome::error(u.violation()));
    if (!u.ok() || !differences(*e.unwrap, *u).empty()) {
      side.failures.push_back("after the hostile inputs, the valid " + e.file + " is no longer read correctly");
    }
    break;
  }
  side.evidence = ev.take();
  return side;
}

CheckOutcome judge_hostile(RefusalSide& mine, RefusalSide*) {
  return judge_refusals(mine, "hostile stanzas are accepted",
                        "the " + std::to_string(mine.total) +
                            " hostile stanzas (DOCTYPE, entities, billion laughs, "
                            "XXE, 200,000-deep nesting, 1 MiB attributes, invalid UTF-8, NUL) are refused");
}

}  // namespace

void register_stz_checks(harness::Registry& registry) {
  // STZ checks judge the target's stanzas against the profile itself (reference/stanza
  // and the corpus), not beside the baseline's.
  add_check(registry, CheckSpec<Findings>{
                          .id = "STZ-1.wrap",
                          .requirement = "STZ-1",
                          .description = "wrapped ciphertexts of a real session validate against the profile, "
                                         "decrypt, and unwrap at the recipient",
                          .needs = {Capability::stanza},
                          .baseline = BaselineUse::none,
                          .scenario = stz1_wrap,
                          .judge = judge_wrap,
                      });
  add_check(registry, CheckSpec<Findings>{
                          .id = "STZ-2.valid-corpus",
                          .requirement = "STZ-2",
                          .description = "every valid corpus message (vectors/stanza) unwraps to its fields",
                          .needs = {Capability::stanza},
                          .baseline = BaselineUse::none,
                          .scenario = stz2_valid,
                          .judge = judge_valid,
                          .aliases = {"STZ-2.valid_corpus"},
                      });
  add_check(registry, CheckSpec<RefusalSide>{
                          .id = "STZ-2.invalid-corpus",
                          .requirement = "STZ-2",
                          .description = "every invalid corpus stanza is refused by unwrap",
                          .needs = {Capability::stanza},
                          .baseline = BaselineUse::none,
                          .scenario = stz2_invalid,
                          .judge = judge_invalid,
                          .aliases = {"STZ-2.invalid_corpus"},
                      });
  add_check(registry, CheckSpec<RefusalSide>{
                          .id = "STZ-3.hostile",
                          .requirement = "STZ-3",
                          .description = "hostile XML (DOCTYPE, entities, deep nesting, huge attributes, invalid "
                                         "UTF-8) is refused, and the target still reads stanzas afterwards",
                          .needs = {Capability::stanza},
                          .baseline = BaselineUse::none,
                          .scenario = stz3_hostile,
                          .judge = judge_hostile,
                      });
}

}  // namespace parity::suites
