#include "suites/kat/kat.h"

#include <algorithm>
#include <functional>

#include "suites/common/check_spec.h"
#include "suites/common/steps.h"
#include "suites/common/vector_check.h"

namespace parity::suites {

namespace {

using harness::Json;
using vectors::Expect;

// Call sends one primitive request; a violation ends the whole check.
struct Call {
  Target& target;
  std::string name;
  std::optional<harness::Violation> violation;
  bool unsupported = false;
  std::string unsupported_detail;  // the target's own explanation, shown as evidence

  // run returns the response body, or nullopt when refused (refusal_out_ gets it).
  std::optional<Json> run(const Json& fields, harness::Refusal* refusal_out_ = nullptr) {
    auto r = target.primitive(name, fields);
    if (r.violated()) {
      violation = r.violation();
      return std::nullopt;
    }
    if (r.refused()) {
      if (r.refusal().code == ptp::ErrorCode::unsupported) {
        unsupported = true;
        unsupported_detail = r.refusal().detail;
      }
      if (refusal_out_ != nullptr) *refusal_out_ = r.refusal();
      return std::nullopt;
    }
    return *r;
  }
};

// hex_field reads a lowercase hex field of a response.
std::optional<Bytes> hex_field(const Json& body, const char* field) {
  auto v = ptp::get_hex(body, field);
  if (!v) return std::nullopt;
  return std::move(v).value();
}

std::string want_got(const Bytes& want, const std::optional<Bytes>& got) {
  return "want " + short_hex(want, 40) + ", got " + (got ? short_hex(*got, 40) : std::string("no field"));
}

Json hex(const Bytes& b) {
  return to_hex(b);
}

// The per-kind translators: one vector to PTP requests and a judgement.
CaseVerdict x25519(Call& c, const VectorCase& t) {
  Bytes k = t.hex("private");
  Bytes u = t.hex("public");
  const Bytes& want = t.hex("shared");
  int64_t n = t.has("iterations") ? t.integer("iterations") : 1;
  for (int64_t i = 0; i < n; ++i) {
    harness::Refusal refusal;
    auto r = c.run({{"private", hex(k)}, {"public", hex(u)}}, &refusal);
    // RFC 7748 section 6.1 lets an implementation refuse an all-zero shared secret: the
    // `acceptable` vectors (low-order, twist, non-canonical) pass refused or answered.
    if (!r) return c.violation ? "violation" : t.judge_refusal("refused: " + std::string(ptp::to_string(refusal.code)));
    auto shared = hex_field(*r, "shared");
    if (!shared) return "response lacks a hex \"shared\"";
    u = k;  // RFC 7748 section 5.2: k, u <- X25519(k, u), k
    k = *shared;
  }
  return t.judge_match(k == want, want_got(want, k));
}

CaseVerdict x25519_public(Call& c, const VectorCase& t) {
  auto r = c.run({{"private", hex(t.hex("private"))}});
  if (!r) return "refused";
  auto got = hex_field(*r, "public");
  if (got && got->size() == 33 && (*got)[0] == 0x05) got->erase(got->begin());
  const Bytes& want = t.hex("public");
  return t.judge_match(got == want, want_got(want, got));
}

CaseVerdict xeddsa_verify(Call& c, const VectorCase& t) {
  harness::Refusal refusal;
  auto r = c.run(
      {{"public", hex(t.hex("public"))}, {"message", hex(t.hex("message"))}, {"signature", hex(t.hex("signature"))}},
      &refusal);
  if (!r) {
    // Refusing a malformed signature (wrong length) is as good as answering false.
    if (t.result() == Expect::invalid && refusal.code == ptp::ErrorCode::bad_request) return std::nullopt;
    return "refused: " + std::string(ptp::to_string(refusal.code));
  }
  auto v = r->find("valid");
  if (v == r->end() || !v->is_boolean()) return "response lacks a boolean \"valid\"";
  return t.judge_match(v->get<bool>(), std::string("valid = ") + (v->get<bool>() ? "true" : "false"));
}

CaseVerdict hkdf(Call& c, const VectorCase& t) {
  const Bytes& want = t.hex("okm");
  auto r = c.run({{"ikm", hex(t.hex("ikm"))},
                  {"salt", hex(t.hex("salt"))},
                  {"info", hex(t.hex("info"))},
                  {"length", t.integer("length")}});
  if (t.has_flag("SizeTooLarge")) return r ? CaseVerdict("a length above 8160 was not refused") : std::nullopt;
  if (!r) return "refused";
  auto got = hex_field(*r, "okm");
  return t.judge_match(got == want, want_got(want, got));
}

CaseVerdict hmac(Call& c, const VectorCase& t) {
  auto tag_bytes = static_cast<size_t>(t.params().integer("tagSize") / 8);
  auto r = c.run({{"key", hex(t.hex("key"))}, {"data", hex(t.hex("data"))}});
  if (!r) return "refused";
  auto got = hex_field(*r, "mac");
  if (got && got->size() > tag_bytes) got->resize(tag_bytes);  // truncated-tag vectors compare a prefix
  const Bytes& want = t.hex("mac");
  return t.judge_match(got == want, want_got(want, got));
}

CaseVerdict hash(Call& c, const VectorCase& t) {
  Bytes data = t.hex("data");
  if (t.has("repeat")) {
    Bytes unit = data;
    data.clear();
    for (int64_t i = 0; i < t.integer("repeat"); ++i) data.insert(data.end(), unit.begin(), unit.end());
  }
  auto r = c.run({{"data", hex(data)}});
  if (!r) return "refused";
  auto got = hex_field(*r, "digest");
  const Bytes& want = t.hex("digest");
  return t.judge_match(got == want, want_got(want, got));
}

// aes runs both directions: encryption must give the vector's ciphertext (valid) and
// decryption of an invalid ciphertext must be refused.
CaseVerdict aes(Call& c, const VectorCase& t, const std::string& mode, bool gcm) {
  const Bytes& key = t.hex("key");
  const Bytes& iv = t.hex("iv");
  const Bytes& pt = t.hex("plaintext");
  Bytes ct = t.hex("ciphertext");
  Json base = {{"key", hex(key)}, {"iv", hex(iv)}};
  if (gcm) {
    base["aad"] = hex(t.hex("aad"));
    const Bytes& tag = t.hex("tag");
    ct.insert(ct.end(), tag.begin(), tag.end());
  }
  Call dec{c.target, "aes256_" + mode + "_decrypt", std::nullopt, false, {}};
  Json d = base;
  d["data"] = hex(ct);
  auto decrypted = dec.run(d);
  if (dec.violation) {
    c.violation = dec.violation;
    return "violation";
  }
  if (dec.unsupported) c.unsupported = true;
  if (t.result() == Expect::invalid) {
    return decrypted ? CaseVerdict("decryption accepted an invalid ciphertext") : std::nullopt;
  }
  Json e = base;
  e["data"] = hex(pt);
  auto encrypted = c.run(e);
  if (!encrypted) return "encryption refused";
  auto got_ct = hex_field(*encrypted, "data");
  if (got_ct != ct) return "encryption: " + want_got(ct, got_ct);
  if (!decrypted) return "decryption refused";
  auto got_pt = hex_field(*decrypted, "data");
  if (got_pt != pt) return "decryption: " + want_got(pt, got_pt);
  return std::nullopt;
}

CaseVerdict kdf_ck(Call& c, const VectorCase& t) {
  auto r = c.run({{"chain", hex(t.hex("chain"))}});
  if (!r) return "refused";
  auto next = hex_field(*r, "chain");
  auto seed = hex_field(*r, "seed");
  const Bytes& want_next = t.hex("next_chain");
  const Bytes& want_seed = t.hex("seed");
  return t.judge_match(next == want_next && seed == want_seed,
                       "next chain " + want_got(want_next, next) + "; seed " + want_got(want_seed, seed));
}

CaseVerdict message_keys(Call& c, const VectorCase& t) {
  auto r = c.run({{"seed", hex(t.hex("seed"))}});
  if (!r) return "refused";
  Bytes got;
  for (const char* f : {"cipher_key", "mac_key", "iv"}) {
    auto v = hex_field(*r, f);
    if (!v) return std::string("response lacks \"") + f + "\"";
    got.insert(got.end(), v->begin(), v->end());
  }
  Bytes want = concat({t.hex("cipher_key"), t.hex("mac_key"), t.hex("iv")});
  return t.judge_match(got == want, "cipher_key||mac_key||iv " + want_got(want, got));
}

CaseVerdict kdf_rk(Call& c, const VectorCase& t) {
  auto r = c.run({{"root", hex(t.hex("root"))}, {"dh", hex(t.hex("dh"))}});
  if (!r) return "refused";
  auto root = hex_field(*r, "root");
  auto chain = hex_field(*r, "chain");
  const Bytes& want_root = t.hex("next_root");
  const Bytes& want_chain = t.hex("chain");
  return t.judge_match(root == want_root && chain == want_chain,
                       "root " + want_got(want_root, root) + "; chain " + want_got(want_chain, chain));
}

// sender_key_step is one step of a Sender Keys chain (KAT-3): the next chain key
// HMAC(ck, 0x02), the message key seed HMAC(ck, 0x01), and HKDF(seed, 32 zero bytes,
// "WhisperGroup", 48) split as iv (16) then cipher_key (32).
CaseVerdict sender_key_step(Call& c, const VectorCase& t) {
  auto r = c.run({{"chain", hex(t.hex("chain"))}});
  if (!r) return "refused";
  std::string detail;
  bool matched = true;
  for (const auto& [field, want_field] : {std::pair<const char*, const char*>{"chain", "next_chain"},
                                          {"seed", "seed"},
                                          {"iv", "iv"},
                                          {"cipher_key", "cipher_key"}}) {
    auto got = hex_field(*r, field);
    const Bytes& want = t.hex(want_field);
    if (got != want) {
      matched = false;
      if (!detail.empty()) detail += "; ";
      detail += std::string(field) + " " + want_got(want, got);
    }
  }
  return t.judge_match(matched, detail.empty() ? "every field as the vector gives it" : detail);
}

using Translator = std::function<CaseVerdict(Call&, const VectorCase&)>;

// Reach says which checks a file's vectors feed. KAT-1 is a MUST on the domain the
// protocol uses its primitives in and a SHOULD elsewhere (requirements.md); each
// primitive test says where it belongs in its `domain` field (vectors/README.md).
enum class Reach {
  domain,  // every vector is in Signal v3's domain: one check, its requirement's level
  split,   // the check judges the vectors in the domain; `<name>-edge` (SHOULD) the others
  edge,    // Signal v3 never calls it: the check judges every vector, as a SHOULD
};

struct KatFile {
  const char* requirement;
  const char* primitive;  // the PTP name (the check id's suffix)
  const char* path;
  Translator translate;
  bool v3_only = false;  // skip groups of other libsignal versions (PTP speaks v3)
  Reach reach = Reach::domain;
};

const std::vector<KatFile>& kat_files() {
  static const std::vector<KatFile> files = {
      {"KAT-1", "x25519", "vectors/primitives/x25519.json", x25519},
      {"KAT-1", "x25519_public", "vectors/primitives/x25519_public.json", x25519_public},
      {"KAT-1", "xeddsa_verify", "vectors/primitives/xeddsa.json", xeddsa_verify},
      {"KAT-1", "hkdf_sha256", "vectors/primitives/hkdf_sha256.json", hkdf, false, Reach::split},
      {"KAT-1", "hmac_sha256", "vectors/primitives/hmac_sha256.json", hmac, false, Reach::split},
      {"KAT-1", "sha256", "vectors/primitives/sha256.json", hash, false, Reach::split},
      {"KAT-1", "sha512", "vectors/primitives/sha512.json", hash, false, Reach::edge},
      {"KAT-1", "aes256_cbc", "vectors/primitives/aes256_cbc.json",
       [](Call& c, const VectorCase& t) { return aes(c, t, "cbc", false); }},
      {"KAT-1", "aes256_gcm", "vectors/primitives/aes256_gcm.json",
       [](Call& c, const VectorCase& t) { return aes(c, t, "gcm", true); }, false, Reach::edge},
      {"KAT-2", "kdf_ck", "vectors/signal/kdf_ck.json", kdf_ck, true},
      {"KAT-2", "kdf_rk", "vectors/signal/kdf_rk.json", kdf_rk, true},
      {"KAT-2", "message_keys", "vectors/signal/message_keys.json", message_keys, true},
      {"KAT-3", "sender_key_step", "vectors/signal/sender_keys.json", sender_key_step, true},
  };
  return files;
}

// in_domain reads a primitive test's `domain`: whether Signal v3 makes that call, for
// this target (attachments' calls count where it declares `media`). nullopt: a value the
// suite does not know (a defect of the vector file).
std::optional<bool> in_domain(const VectorCase& c, const Target& target) {
  const std::string& d = c.string("domain");
  if (d == "signal-v3") return true;
  if (d == "signal-v3-media") return target.hello().has("media");
  if (d == "other") return false;
  return std::nullopt;
}

// play_file sends the vectors of a file that the check judges (edge: those outside
// Signal v3's domain; otherwise those inside it) to the target's `primitive`.
VectorWalk play_file(Run& run, const KatFile& file, bool edge) {
  // AES checks call encrypt and decrypt; the others call the primitive itself.
  std::string name = file.primitive;
  if (name == "aes256_cbc" || name == "aes256_gcm") name += "_encrypt";
  Call call{run.target, name, std::nullopt, false, {}};
  VectorCheck check{
      .what = file.primitive,
      .take_case =
          [&](VectorCase& c) {
            std::optional<bool> inside = in_domain(c, run.target);
            if (!inside || (*inside && file.reach == Reach::edge) || (!*inside && file.reach == Reach::domain)) {
              // A vector this file's checks cannot judge: stop, never skip it silently.
              CheckOutcome o;
              o.verdict = harness::Verdict::error;
              o.summary = "suite defect: " + std::string(file.path) + " tcId " + std::to_string(c.tc_id()) +
                          ": domain \"" + c.string("domain") + "\" does not fit this file's checks";
              c.stop(std::move(o));
              return true;
            }
            return *inside != edge;
          },
      .run_case = [&](VectorCase& c) -> CaseVerdict {
        call.unsupported = false;
        CaseVerdict p = file.translate(call, c);
        if (call.violation) c.stop(CheckOutcome::error(*call.violation));
        if (call.unsupported) c.refused_as_unsupported(call.unsupported_detail);
        return p;
      },
      .unsupported_not_applicable = edge};
  // KAT-2's and KAT-3's files are Signal's own KDFs: no `domain`, all of it Signal's.
  if (std::string_view(file.requirement) != "KAT-1") check.take_case = {};
  if (file.v3_only) {
    check.take_group = [](const vectors::TestGroup& g) {
      return !g.params.has("version") || g.params.integer("version") == 3;
    };
  }
  VectorWalk walk = walk_vector_file(run.ctx.vectors_dir, file.path, check);
  if (!walk.stop && walk.run == 0) {
    CheckOutcome o;
    o.verdict = harness::Verdict::not_applicable;
    o.summary = edge ? "every vector of " + std::string(file.path) + " is in the domain Signal v3 uses " +
                           file.primitive + " in, for this target: the MUST check judges them"
                     : "no vector of " + std::string(file.path) + " is in the domain Signal v3 uses " + file.primitive +
                           " in, for this target (SHA-256 alone: attachments, with `media`); " +
                           "the -edge check judges them as a SHOULD";
    walk.stop = std::move(o);
  }
  // Outside the domain, `unsupported` is listed, not failed (vector_outcome). Inside it,
  // refusing one input as unsupported fails that vector; refusing every input means the
  // primitive is missing, which only profile signal fails.
  if (!edge && !walk.stop && walk.run > 0 && walk.unsupported == walk.run) {
    if (run.profile == harness::Profile::signal) {
      walk.stop = CheckOutcome::fail("the target answers `unsupported` for primitive " + std::string(file.primitive) +
                                     ", which profile signal requires");
    } else {
      CheckOutcome o;
      o.verdict = harness::Verdict::not_applicable;
      o.summary = "the target does not implement primitive " + std::string(file.primitive) +
                  " (listed, not failed, in profile equivalent)";
      o.untested_area = "primitive " + std::string(file.primitive) + " (answered `unsupported`)";
      walk.stop = std::move(o);
    }
  }
  return walk;
}

}  // namespace

void register_kat_checks(harness::Registry& registry) {
  for (const KatFile& f : kat_files()) {
    // Check names are kebab-case; the PTP primitive's own name (snake_case) stays an alias.
    std::string name = f.primitive;
    std::replace(name.begin(), name.end(), '_', '-');
    std::vector<std::string> aliases;
    if (name != f.primitive) aliases.push_back(std::string(f.requirement) + "." + f.primitive);
    const bool edge = f.reach == Reach::edge;
    std::optional<harness::Level> level;
    if (edge) level = harness::Level::should;
    add_check(registry, CheckSpec<VectorWalk>{
                            .id = std::string(f.requirement) + "." + name,
                            .requirement = f.requirement,
                            .description = std::string("vectors of ") + f.path +
                                           (f.reach == Reach::domain ? ""
                                            : edge                   ? " (Signal v3 does not use it: a SHOULD)"
                                                                     : " in the domain Signal v3 uses") +
                                           " through PTP primitive",
                            .needs = {Capability::primitives},
                            .baseline = BaselineUse::none,
                            .scenario = [&f, edge](Run& r) { return play_file(r, f, edge); },
                            .judge = [](VectorWalk& w, VectorWalk*) { return vector_outcome(w); },
                            .aliases = std::move(aliases),
                            .level = level,
                        });
    if (f.reach != Reach::split) continue;
    // The rest of a file Signal v3 uses in part: a SHOULD, where `unsupported` is listed.
    add_check(registry, CheckSpec<VectorWalk>{
                            .id = std::string(f.requirement) + "." + name + "-edge",
                            .requirement = f.requirement,
                            .description = std::string("vectors of ") + f.path +
                                           " outside the domain Signal v3 uses (a SHOULD) through PTP primitive",
                            .needs = {Capability::primitives},
                            .baseline = BaselineUse::none,
                            .scenario = [&f](Run& r) { return play_file(r, f, true); },
                            .judge = [](VectorWalk& w, VectorWalk*) { return vector_outcome(w); },
                            .level = harness::Level::should,
                        });
  }
}

}  // namespace parity::suites
