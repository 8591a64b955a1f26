#include "suites/kat/kat.h"

#include <algorithm>

#include <filesystem>
#include <functional>
#include <sstream>

#include "suites/common/steps.h"
#include "vectors/loader.h"

namespace parity::suites {

namespace {

using harness::Json;
using vectors::Expect;
using vectors::Vector;

// Probe is one vector's verdict: nullopt when it behaved as its result says, or what went wrong.
using Probe = std::optional<std::string>;

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

// compare judges a comparison against the vector's result: valid and acceptable must
// match, invalid must not.
Probe compare(const Vector& t, bool matched, const std::string& detail) {
  if (t.result == Expect::invalid) return matched ? Probe("an invalid vector was accepted: " + detail) : std::nullopt;
  return matched ? std::nullopt : Probe(detail);
}

Json hex(const Bytes& b) { return to_hex(b); }

// The per-kind translators: one vector to PTP requests and a judgement.
Probe x25519(Call& c, const vectors::TestGroup&, const Vector& t) {
  Bytes k = t.fields.hex("private");
  Bytes u = t.fields.hex("public");
  int64_t n = t.fields.has("iterations") ? t.fields.integer("iterations") : 1;
  for (int64_t i = 0; i < n; ++i) {
    auto r = c.run({{"private", hex(k)}, {"public", hex(u)}});
    if (!r) return "refused";
    auto shared = hex_field(*r, "shared");
    if (!shared) return "response lacks a hex \"shared\"";
    u = k;  // RFC 7748 section 5.2: k, u <- X25519(k, u), k
    k = *shared;
  }
  const Bytes& want = t.fields.hex("shared");
  return compare(t, k == want, want_got(want, k));
}

Probe x25519_public(Call& c, const vectors::TestGroup&, const Vector& t) {
  auto r = c.run({{"private", hex(t.fields.hex("private"))}});
  if (!r) return "refused";
  auto got = hex_field(*r, "public");
  if (got && got->size() == 33 && (*got)[0] == 0x05) got->erase(got->begin());
  const Bytes& want = t.fields.hex("public");
  return compare(t, got == want, want_got(want, got));
}

Probe xeddsa_verify(Call& c, const vectors::TestGroup&, const Vector& t) {
  harness::Refusal refusal;
  auto r = c.run({{"public", hex(t.fields.hex("public"))},
                  {"message", hex(t.fields.hex("message"))},
                  {"signature", hex(t.fields.hex("signature"))}},
                 &refusal);
  if (!r) {
    // Refusing a malformed signature (wrong length) is as good as answering false.
    if (t.result == Expect::invalid && refusal.code == ptp::ErrorCode::bad_request) return std::nullopt;
    return "refused: " + std::string(ptp::to_string(refusal.code));
  }
  auto v = r->find("valid");
  if (v == r->end() || !v->is_boolean()) return "response lacks a boolean \"valid\"";
  return compare(t, v->get<bool>(), std::string("valid = ") + (v->get<bool>() ? "true" : "false"));
}

Probe hkdf(Call& c, const vectors::TestGroup&, const Vector& t) {
  const Bytes& want = t.fields.hex("okm");
  auto r = c.run({{"ikm", hex(t.fields.hex("ikm"))},
                  {"salt", hex(t.fields.hex("salt"))},
                  {"info", hex(t.fields.hex("info"))},
                  {"length", t.fields.integer("length")}});
  if (t.has_flag("SizeTooLarge")) return r ? Probe("a length above 8160 was not refused") : std::nullopt;
  if (!r) return "refused";
  auto got = hex_field(*r, "okm");
  return compare(t, got == want, want_got(want, got));
}

Probe hmac(Call& c, const vectors::TestGroup& g, const Vector& t) {
  auto tag_bytes = static_cast<size_t>(g.params.integer("tagSize") / 8);
  auto r = c.run({{"key", hex(t.fields.hex("key"))}, {"data", hex(t.fields.hex("data"))}});
  if (!r) return "refused";
  auto got = hex_field(*r, "mac");
  if (got && got->size() > tag_bytes) got->resize(tag_bytes);  // truncated-tag vectors compare a prefix
  const Bytes& want = t.fields.hex("mac");
  return compare(t, got == want, want_got(want, got));
}

Probe hash(Call& c, const vectors::TestGroup&, const Vector& t) {
  Bytes data = t.fields.hex("data");
  if (t.fields.has("repeat")) {
    Bytes unit = data;
    data.clear();
    for (int64_t i = 0; i < t.fields.integer("repeat"); ++i) data.insert(data.end(), unit.begin(), unit.end());
  }
  auto r = c.run({{"data", hex(data)}});
  if (!r) return "refused";
  auto got = hex_field(*r, "digest");
  const Bytes& want = t.fields.hex("digest");
  return compare(t, got == want, want_got(want, got));
}

// aes runs both directions: encryption must give the vector's ciphertext (valid) and
// decryption of an invalid ciphertext must be refused.
Probe aes(Call& c, const Vector& t, const std::string& mode, bool gcm) {
  const Bytes& key = t.fields.hex("key");
  const Bytes& iv = t.fields.hex("iv");
  const Bytes& pt = t.fields.hex("plaintext");
  Bytes ct = t.fields.hex("ciphertext");
  Json base = {{"key", hex(key)}, {"iv", hex(iv)}};
  if (gcm) {
    base["aad"] = hex(t.fields.hex("aad"));
    const Bytes& tag = t.fields.hex("tag");
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
  if (t.result == Expect::invalid) {
    return decrypted ? Probe("decryption accepted an invalid ciphertext") : std::nullopt;
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

Probe kdf_ck(Call& c, const vectors::TestGroup&, const Vector& t) {
  auto r = c.run({{"chain", hex(t.fields.hex("chain"))}});
  if (!r) return "refused";
  auto next = hex_field(*r, "chain");
  auto seed = hex_field(*r, "seed");
  const Bytes& want_next = t.fields.hex("next_chain");
  const Bytes& want_seed = t.fields.hex("seed");
  return compare(t, next == want_next && seed == want_seed,
                 "next chain " + want_got(want_next, next) + "; seed " + want_got(want_seed, seed));
}

Probe message_keys(Call& c, const vectors::TestGroup&, const Vector& t) {
  auto r = c.run({{"seed", hex(t.fields.hex("seed"))}});
  if (!r) return "refused";
  Bytes got;
  for (const char* f : {"cipher_key", "mac_key", "iv"}) {
    auto v = hex_field(*r, f);
    if (!v) return std::string("response lacks \"") + f + "\"";
    got.insert(got.end(), v->begin(), v->end());
  }
  Bytes want = concat({t.fields.hex("cipher_key"), t.fields.hex("mac_key"), t.fields.hex("iv")});
  return compare(t, got == want, "cipher_key||mac_key||iv " + want_got(want, got));
}

Probe kdf_rk(Call& c, const vectors::TestGroup&, const Vector& t) {
  auto r = c.run({{"root", hex(t.fields.hex("root"))}, {"dh", hex(t.fields.hex("dh"))}});
  if (!r) return "refused";
  auto root = hex_field(*r, "root");
  auto chain = hex_field(*r, "chain");
  const Bytes& want_root = t.fields.hex("next_root");
  const Bytes& want_chain = t.fields.hex("chain");
  return compare(t, root == want_root && chain == want_chain,
                 "root " + want_got(want_root, root) + "; chain " + want_got(want_chain, chain));
}

using Translator = std::function<Probe(Call&, const vectors::TestGroup&, const Vector&)>;

struct KatFile {
  const char* requirement;
  const char* primitive;  // the PTP name (the check id's suffix)
  const char* path;
  Translator translate;
  bool v3_only = false;   // skip groups of other libsignal versions (PTP speaks v3)
};

const std::vector<KatFile>& kat_files() {
  static const std::vector<KatFile> files = {
      {"KAT-1", "x25519", "vectors/primitives/x25519.json", x25519},
      {"KAT-1", "x25519_public", "vectors/primitives/x25519_public.json", x25519_public},
      {"KAT-1", "xeddsa_verify", "vectors/primitives/xeddsa.json", xeddsa_verify},
      {"KAT-1", "hkdf_sha256", "vectors/primitives/hkdf_sha256.json", hkdf},
      {"KAT-1", "hmac_sha256", "vectors/primitives/hmac_sha256.json", hmac},
      {"KAT-1", "sha256", "vectors/primitives/sha256.json", hash},
      {"KAT-1", "sha512", "vectors/primitives/sha512.json", hash},
      {"KAT-1", "aes256_cbc", "vectors/primitives/aes256_cbc.json",
       [](Call& c, const vectors::TestGroup&, const Vector& t) { return aes(c, t, "cbc", false); }},
      {"KAT-1", "aes256_gcm", "vectors/primitives/aes256_gcm.json",
       [](Call& c, const vectors::TestGroup&, const Vector& t) { return aes(c, t, "gcm", true); }},
      {"KAT-2", "kdf_ck", "vectors/signal/kdf_ck.json", kdf_ck, true},
      {"KAT-2", "kdf_rk", "vectors/signal/kdf_rk.json", kdf_rk, true},
      {"KAT-2", "message_keys", "vectors/signal/message_keys.json", message_keys, true},
  };
  return files;
}

CheckOutcome run_file(CheckContext& ctx, const KatFile& file) {
  std::filesystem::path path = std::filesystem::path(ctx.vectors_dir) / std::filesystem::path(file.path).lexically_relative("vectors");
  auto loaded = vectors::load_vector_file(path, file.path);
  if (!loaded) {
    CheckOutcome o;
    o.verdict = harness::Verdict::error;
    o.summary = "the vector file cannot be read: " + loaded.error().detail;
    return o;
  }
  // AES checks call encrypt and decrypt; the others call the primitive itself.
  std::string name = file.primitive;
  if (name == "aes256_cbc" || name == "aes256_gcm") name += "_encrypt";
  Call call{ctx.target, name, std::nullopt, false, {}};
  size_t run = 0;
  size_t unsupported = 0;
  std::vector<std::string> failures;
  for (const vectors::TestGroup& g : loaded->groups) {
    if (file.v3_only && g.params.has("version") && g.params.integer("version") != 3) continue;
    for (const Vector& t : g.tests) {
      call.unsupported = false;
      Probe p = file.translate(call, g, t);
      if (call.violation) return CheckOutcome::error(*call.violation);
      ++run;
      if (call.unsupported) {
        // Refusing one input as unsupported is a failure of that vector; refusing
        // every input means the primitive is missing (judged below).
        ++unsupported;
        p = "refused as unsupported" + (call.unsupported_detail.empty() ? "" : ": " + call.unsupported_detail);
      }
      if (p) {
        std::string flags;
        for (const std::string& f : t.flags) flags += (flags.empty() ? "" : ",") + f;
        failures.push_back(std::string(file.path) + " tcId " + std::to_string(t.tc_id) + " (" + t.comment + "; result " +
                           std::string(vectors::to_string(t.result)) + (flags.empty() ? "" : "; flags " + flags) + "): " + *p);
      }
    }
  }
  if (run > 0 && unsupported == run) {
    if (ctx.profile == harness::Profile::signal) {
      return CheckOutcome::fail("the target answers `unsupported` for primitive " + std::string(file.primitive) +
                                ", which profile signal requires");
    }
    CheckOutcome o;
    o.verdict = harness::Verdict::not_applicable;
    o.summary = "the target does not implement primitive " + std::string(file.primitive) +
                " (listed, not failed, in profile equivalent)";
    return o;
  }
  if (!failures.empty()) {
    CheckOutcome o = CheckOutcome::fail(std::to_string(failures.size()) + " of " + std::to_string(run) + " " + file.primitive +
                                        " vectors do not behave as published");
    for (size_t i = 0; i < failures.size() && i < 20; ++i) o.observations.push_back(failures[i]);
    if (failures.size() > 20) o.observations.push_back("… and " + std::to_string(failures.size() - 20) + " more");
    return o;
  }
  return CheckOutcome::pass(std::to_string(run) + " " + file.primitive + " vectors of " + file.path + " behave as published");
}

}  // namespace

void register_kat_checks(harness::Registry& registry) {
  for (const KatFile& f : kat_files()) {
    // Check names are kebab-case; the PTP primitive's own name (snake_case) stays an alias.
    std::string name = f.primitive;
    std::replace(name.begin(), name.end(), '_', '-');
    std::vector<std::string> aliases;
    if (name != f.primitive) aliases.push_back(std::string(f.requirement) + "." + f.primitive);
    registry.add({.id = std::string(f.requirement) + "." + name,
                 .requirement = f.requirement,
                 .description = std::string("vectors of ") + f.path + " through PTP primitive",
                 .needs = {Capability::primitives},
                 .baseline = BaselineUse::none,
                 .run = [&f](CheckContext& ctx) { return run_file(ctx, f); },
                 .aliases = std::move(aliases),
                 .file = __FILE__,
                 .line = __LINE__});
  }
}

}  // namespace parity::suites
