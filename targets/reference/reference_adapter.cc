#include "targets/reference/reference_adapter.h"

#include <cstdio>
#include <filesystem>
#include <system_error>

#include "reference/keys/kdf_labels.h"
#include "reference/media/media.h"
#include "reference/media/media_file.h"
#include "reference/stanza/stanza.h"
#include "reference/wire/public_key.h"
#include "targets/reference/primitives.h"

namespace parity::ptp {

namespace {

namespace fs = std::filesystem;

// get_media_type reads the `media_type` field of the media ops.
Result<media::MediaType> get_media_type(const Json& r) {
  PARITY_ASSIGN(std::string name, get_string(r, "media_type"));
  auto type = media::parse_media_type(name);
  if (!type) return make_error(Errc::invalid_argument, "media_type must be image, video, audio or document");
  return *type;
}

// get_path reads a file path field of the `media_file` ops: an absolute path, so it
// does not depend on the target's working directory.
Result<fs::path> get_path(const Json& r, const char* field) {
  PARITY_ASSIGN(std::string s, get_string(r, field));
  // A JSON string may hold NUL, which the C file API would silently cut at.
  if (s.empty() || s.find('\0') != std::string::npos || !fs::path(s).is_absolute()) {
    return make_error(Errc::invalid_argument, std::string("field \"") + field + "\" must be an absolute path");
  }
  return fs::path(s);
}

// get_input_path reads a path field naming a file to read: an existing regular file.
Result<fs::path> get_input_path(const Json& r, const char* field) {
  PARITY_ASSIGN(fs::path p, get_path(r, field));
  std::error_code ec;
  const fs::file_status st = fs::status(p, ec);
  if (ec || !fs::is_regular_file(st)) {
    return make_error(Errc::invalid_argument, std::string(field) + ": " + p.string() + ": " +
                                                  (fs::exists(st) ? "not a regular file" : "no such file"));
  }
  return p;
}

// get_output_path reads a path field naming a file to create: it must not exist (the
// target never overwrites someone's file) and its folder must.
Result<fs::path> get_output_path(const Json& r, const char* field) {
  PARITY_ASSIGN(fs::path p, get_path(r, field));
  std::error_code ec;
  if (fs::exists(fs::symlink_status(p, ec))) {
    return make_error(Errc::invalid_argument,
                      std::string(field) + ": " + p.string() + " exists; the target creates it");
  }
  if (!fs::is_directory(p.parent_path(), ec)) {
    return make_error(Errc::invalid_argument,
                      std::string(field) + ": " + p.parent_path().string() + " is not a directory");
  }
  return p;
}

// claim creates `out` exclusively, so a file that appeared since the check above is not
// overwritten.
bool claim(const fs::path& out) {
  std::FILE* f = std::fopen(out.c_str(), "wbx");
  if (f == nullptr) return false;
  std::fclose(f);
  return true;
}

}  // namespace

namespace {

// limit is a declared bound as hello carries it: null for no bound.
template <class T>
Json limit(const std::optional<T>& bound) {
  return bound ? Json(*bound) : Json(nullptr);
}

}  // namespace

ReferenceAdapter::ReferenceAdapter(ReferenceConfig config)
    : config_(std::move(config)), rng_(std::make_unique<OsRng>()) {}

Rng& ReferenceAdapter::rng_for(const std::string& party) {
  return config_.party_hooks->generator(party, *rng_);
}

HelloInfo ReferenceAdapter::hello() const {
  HelloInfo h;
  h.implementation = "parity-reference";
  h.version = config_.version;
  h.protocol = "signal-v3";
  h.capabilities = {"export", "import", "deterministic", "inject", "primitives", "media", "media_file", "stanza"};
  const signal::RatchetRules& declared = config_.declared_limits;
  h.limits = {{"max_skip", limit(declared.max_skip)},
              {"max_skipped_keys", limit(declared.max_message_keys)},
              {"max_receiver_chains", declared.max_receiver_chains}};
  return h;
}

Reply ReferenceAdapter::handle(const std::string& op, const Json& r) {
  if (op == "reset") return reset(r);
  if (op == "create") return create(r);
  if (op == "bundle") return bundle(r);
  if (op == "initiate") return initiate(r);
  if (op == "encrypt") return encrypt(r);
  if (op == "decrypt") return decrypt(r);
  if (op == "export") return export_party(r);
  if (op == "import") return import_party(r);
  if (op == "primitive") return reference_primitive(r);
  if (op == "media_encrypt") return media_encrypt(r);
  if (op == "media_decrypt") return media_decrypt(r);
  if (op == "media_encrypt_file") return media_encrypt_file(r);
  if (op == "media_decrypt_file") return media_decrypt_file(r);
  if (op == "wrap") return stanza_wrap(r);
  if (op == "unwrap") return stanza_unwrap(r);
  return fail(ErrorCode::unsupported, "unknown op " + op);
}

Result<signal::Device*> ReferenceAdapter::party(const Json& r, const char* field) {
  return find_party(parties_, r, field);
}

Reply ReferenceAdapter::reset(const Json& r) {
  PTP_TRY(seed, optional_key(r, "seed"));
  parties_.clear();
  config_.party_hooks->reset();
  if (seed) {
    rng_ = std::make_unique<SeededRng>(*seed);
  } else {
    rng_ = std::make_unique<OsRng>();
  }
  return Json::object();
}

Reply ReferenceAdapter::create(const Json& r) {
  PTP_TRY(name, get_party(r, "party"));
  if (parties_.contains(name)) return fail(ErrorCode::bad_request, "party " + name + " exists");
  PTP_TRY(identity, optional_key(r, "identity_private"));
  PTP_TRY(reg, optional_id(r, "registration_id"));
  signal::Device d = signal::Device::create(rng_for(name), identity, reg);
  d.set_policy(config_.policy);
  Json out = {{"identity", to_hex(wire::serialize_key(d.identity().public_key))}};
  parties_.emplace(name, std::move(d));
  return out;
}

Reply ReferenceAdapter::bundle(const Json& r) {
  PTP_TRY(d, party(r));
  PTP_TRY(name, get_party(r, "party"));
  signal::BundleOptions o;
  PTP_TRY(spk, optional_key(r, "signed_prekey_private"));
  PTP_TRY(spk_id, optional_id(r, "signed_prekey_id"));
  PTP_TRY(opk, optional_key(r, "onetime_prekey_private"));
  PTP_TRY(opk_id, optional_id(r, "prekey_id"));
  o.signed_prekey_private = spk;
  o.signed_prekey_id = spk_id;
  o.onetime_prekey_private = opk;
  o.prekey_id = opk_id;
  auto b = d->bundle(rng_for(name), o);
  if (!b) return fail_from(b.error());
  Bytes enc = b->serialize();
  auto layout = wire::bundle_layout(enc);
  Json out = {{"bundle", to_hex(enc)}};
  if (layout) {
    out["layout"] = {{"identity", {layout->identity.first, layout->identity.second}},
                     {"signed_prekey", {layout->signed_prekey.first, layout->signed_prekey.second}},
                     {"signature", {layout->signature.first, layout->signature.second}}};
  }
  return out;
}

Reply ReferenceAdapter::initiate(const Json& r) {
  PTP_TRY(d, party(r));
  PTP_TRY(name, get_party(r, "party"));
  PTP_TRY(peer, get_party(r, "peer"));
  PTP_TRY(bytes, get_hex(r, "bundle"));
  PTP_TRY(base, optional_key(r, "base_private"));
  PTP_TRY(ratchet, optional_key(r, "ratchet_private"));
  auto b = wire::decode_bundle(bytes);
  if (!b) return fail(ErrorCode::invalid_bundle, b.error().detail);
  auto st = d->initiate(peer, *b, rng_for(name), base, ratchet);
  if (!st) return fail_from(st.error());
  return Json::object();
}

Reply ReferenceAdapter::encrypt(const Json& r) {
  PTP_TRY(d, party(r));
  PTP_TRY(peer, get_party(r, "peer"));
  PTP_TRY(plaintext, get_hex(r, "plaintext"));
  // ratchet_private is accepted and unused: Signal's encrypt generates no key pair.
  PTP_TRY(ratchet, optional_key(r, "ratchet_private"));
  (void)ratchet;
  PTP_TRY(name, get_party(r, "party"));
  auto c = config_.party_hooks->ciphertext_for(name, peer, plaintext);
  if (!c) {
    auto fresh = d->encrypt(peer, plaintext);
    if (!fresh) return fail_from(fresh.error());
    c = std::move(fresh).value();
    config_.party_hooks->sent(name, peer, plaintext, *c);
  }
  return Json{{"ciphertext", to_hex(c->bytes)},
              {"kind", c->kind == signal::MessageKind::prekey ? "prekey" : "message"}};
}

Reply ReferenceAdapter::decrypt(const Json& r) {
  PTP_TRY(d, party(r));
  PTP_TRY(peer, get_party(r, "peer"));
  PTP_TRY(bytes, get_hex(r, "ciphertext"));
  PTP_TRY(kind, get_string(r, "kind"));
  PTP_TRY(ratchet, optional_key(r, "ratchet_private"));
  if (kind != "prekey" && kind != "message") return fail(ErrorCode::bad_request, "kind must be prekey or message");
  PTP_TRY(name, get_party(r, "party"));
  if (auto known = config_.party_hooks->plaintext_for(name, bytes)) return Json{{"plaintext", to_hex(*known)}};
  signal::Ciphertext c{kind == "prekey" ? signal::MessageKind::prekey : signal::MessageKind::message, std::move(bytes)};
  auto pt = d->decrypt(peer, c, rng_for(name), ratchet);
  if (!pt) return fail_from(pt.error());
  return Json{{"plaintext", to_hex(*pt)}};
}

Reply ReferenceAdapter::export_party(const Json& r) {
  PTP_TRY(d, party(r));
  return Json{{"state", to_hex(d->serialize())}};
}

Reply ReferenceAdapter::import_party(const Json& r) {
  PTP_TRY(name, get_party(r, "party"));
  if (parties_.contains(name)) return fail(ErrorCode::bad_request, "party " + name + " exists");
  PTP_TRY(state, get_hex(r, "state"));
  auto d = signal::Device::deserialize(state);
  if (!d) return fail(ErrorCode::bad_request, "state: " + d.error().detail);
  d->set_policy(config_.policy);
  parties_.emplace(name, std::move(d).value());
  return Json::object();
}

Reply ReferenceAdapter::media_encrypt(const Json& r) {
  PTP_TRY(type, get_media_type(r));
  PTP_TRY(plaintext, get_hex(r, "plaintext"));
  PTP_TRY(key, optional_key(r, "media_key"));
  // Without media_key, a fresh key from the run's generator (seeded after reset with a seed).
  auto e = key ? media::encrypt_media(type, plaintext, *key) : media::encrypt_media(type, plaintext, *rng_);
  if (!e) return fail_from(media::to_error(e.error()));
  return Json{{"media_key", to_hex(e->media_key)},
              {"encrypted", to_hex(e->encrypted)},
              {"file_sha256", to_hex(e->file_sha256)},
              {"file_enc_sha256", to_hex(e->file_enc_sha256)}};
}

Reply ReferenceAdapter::media_decrypt(const Json& r) {
  PTP_TRY(type, get_media_type(r));
  PTP_TRY(key, get_hex32(r, "media_key"));
  PTP_TRY(encrypted, get_hex(r, "encrypted"));
  PTP_TRY(hash, get_hex32(r, "file_enc_sha256"));
  auto pt = media::decrypt_media(type, key, encrypted, hash);
  if (!pt) return fail_from(media::to_error(pt.error()));
  return Json{{"plaintext", to_hex(*pt)}};
}

Reply ReferenceAdapter::media_encrypt_file(const Json& r) {
  PTP_TRY(type, get_media_type(r));
  PTP_TRY(in, get_input_path(r, "path"));
  PTP_TRY(out, get_output_path(r, "out"));
  PTP_TRY(given, optional_key(r, "media_key"));
  if (!claim(out)) return fail(ErrorCode::bad_request, "out: cannot create " + out.string());
  // Without media_key, a fresh key from the run's generator, as media_encrypt draws it.
  const Key32 key = given ? *given : rng_->key32();
  auto e = media::encrypt_media_file(type, key, in, out);
  if (!e.ok()) {
    std::error_code ec;
    fs::remove(out, ec);  // no partial file left behind
    return fail_from(media::to_error(e.error()));
  }
  return Json{{"media_key", to_hex(e->media_key)},
              {"file_sha256", to_hex(e->file_sha256)},
              {"file_enc_sha256", to_hex(e->file_enc_sha256)},
              {"size", e->encrypted_size}};
}

Reply ReferenceAdapter::media_decrypt_file(const Json& r) {
  PTP_TRY(type, get_media_type(r));
  PTP_TRY(key, get_hex32(r, "media_key"));
  PTP_TRY(hash, get_hex32(r, "file_enc_sha256"));
  PTP_TRY(in, get_input_path(r, "path"));
  PTP_TRY(out, get_output_path(r, "out"));
  // decrypt_media_file verifies the whole file before it writes, and writes OUT.part,
  // renamed only on success: after a refusal `out` does not exist.
  auto size = media::decrypt_media_file(type, key, hash, in, out);
  if (!size.ok()) return fail_from(media::to_error(size.error()));
  return Json{{"size", *size}};
}

namespace {

std::string describe(const stanza::StanzaError& e) {
  return "stanza: " + std::string(stanza::to_string(e.code)) + " at byte " + std::to_string(e.offset) + ": " +
         e.message;
}

}  // namespace

Reply ReferenceAdapter::stanza_wrap(const Json& r) {
  PTP_TRY(d, party(r));
  (void)d;  // the sender must exist; the stanza itself names JIDs, not parties
  PTP_TRY(peer, get_party(r, "peer"));
  (void)peer;
  PTP_TRY(ciphertext, get_hex(r, "ciphertext"));
  PTP_TRY(kind, get_string(r, "kind"));
  // stanza_id, not ptp-1.md's `id`: a request's and a response's `id` is PTP's own
  // request id, so the stanza's id needs a field of its own (docs/ptp.md, stanza).
  PTP_TRY(id, get_string(r, "stanza_id"));
  PTP_TRY(to, get_string(r, "to"));
  PTP_TRY(from, get_string(r, "from"));
  if (kind != "prekey" && kind != "message") return fail(ErrorCode::bad_request, "kind must be prekey or message");
  stanza::Message m;
  m.id = std::move(id);
  m.to = std::move(to);
  m.from = std::move(from);
  m.payload = stanza::Enc{kind == "prekey" ? stanza::EncType::pkmsg : stanza::EncType::msg, std::nullopt,
                          std::move(ciphertext)};
  auto text = stanza::write(m);
  if (!text.ok()) {
    const bool too_big = text.error().code == stanza::StanzaErrc::payload_too_large ||
                         text.error().code == stanza::StanzaErrc::too_large;
    return fail(too_big ? ErrorCode::limit_exceeded : ErrorCode::bad_request, describe(text.error()));
  }
  return Json{{"stanza", std::move(text).value()}};
}

Reply ReferenceAdapter::stanza_unwrap(const Json& r) {
  PTP_TRY(d, party(r));
  (void)d;
  // stanza_hex (this project's PTP extension) carries bytes no JSON string can: invalid UTF-8.
  std::string bytes;
  if (optional_field(r, "stanza_hex")) {
    PTP_TRY(raw, get_hex(r, "stanza_hex"));
    bytes.assign(raw.begin(), raw.end());
  } else {
    PTP_TRY(text, get_string(r, "stanza"));
    bytes = std::move(text);
  }
  auto m = stanza::parse_message(bytes);
  if (!m.ok()) return fail(ErrorCode::invalid_message, describe(m.error()));
  // A fan-out message yields its first participant's enc, or the one for `jid` when given.
  const stanza::Enc* enc = std::get_if<stanza::Enc>(&m->payload);
  if (enc == nullptr) {
    const auto& list = std::get<std::vector<stanza::Participant>>(m->payload);
    enc = &list.front().enc;
    if (optional_field(r, "jid")) {
      PTP_TRY(jid, get_string(r, "jid"));
      enc = nullptr;
      for (const stanza::Participant& p : list) {
        if (p.jid == jid) enc = &p.enc;
      }
      if (enc == nullptr) return fail(ErrorCode::bad_request, "no participant " + jid);
    }
  }
  const char* kind = enc->type == stanza::EncType::pkmsg ? "prekey"
                     : enc->type == stanza::EncType::msg ? "message"
                                                         : "skmsg";
  return Json{
      {"ciphertext", to_hex(enc->ciphertext)}, {"kind", kind}, {"stanza_id", m->id}, {"to", m->to}, {"from", m->from}};
}

#undef PTP_TRY

}  // namespace parity::ptp
