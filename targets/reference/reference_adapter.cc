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
Result<media::MediaType> get_media_type(const std::string& name) {
  auto type = media::parse_media_type(name);
  if (!type) return make_error(Errc::invalid_argument, "media_type must be image, video, audio or document");
  return *type;
}

// get_path reads a file path field of the `media_file` ops: an absolute path, so it
// does not depend on the target's working directory.
Result<fs::path> get_path(const std::string& s, const char* field) {
  // A JSON string may hold NUL, which the C file API would silently cut at.
  if (s.empty() || s.find('\0') != std::string::npos || !fs::path(s).is_absolute()) {
    return make_error(Errc::invalid_argument, std::string("field \"") + field + "\" must be an absolute path");
  }
  return fs::path(s);
}

// get_input_path reads a path field naming a file to read: an existing regular file.
Result<fs::path> get_input_path(const std::string& s, const char* field) {
  PARITY_ASSIGN(fs::path p, get_path(s, field));
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
Result<fs::path> get_output_path(const std::string& s, const char* field) {
  PARITY_ASSIGN(fs::path p, get_path(s, field));
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

// group_reply answers a group op's deliveries.
Json group_reply(const std::vector<group::Delivery>& ds) {
  std::vector<Delivery> out;
  out.reserve(ds.size());
  for (const group::Delivery& d : ds) {
    out.push_back(
        {d.to, d.envelope, d.kind == group::DeliveryKind::control ? DeliveryKind::control : DeliveryKind::application});
  }
  return deliveries_reply(out);
}

// group_fail maps a group refusal to PTP: a SenderKeyMessage whose signature fails is an
// invalid message (not a bundle), the rest as the core ops map them.
Reply group_fail(const Error& e) {
  if (e.code == Errc::bad_signature) return fail(ErrorCode::invalid_message, "bad_signature: " + e.detail);
  return fail_from(e);
}

// group_deliveries answers a group op that yields deliveries.
Reply group_deliveries(const Result<std::vector<group::Delivery>>& ds) {
  if (!ds) return group_fail(ds.error());
  return group_reply(*ds);
}

}  // namespace

ReferenceAdapter::ReferenceAdapter() : rng_(std::make_unique<OsRng>()) {}

ReferenceAdapter::ReferenceAdapter(ReferenceConfig config)
    : config_(std::move(config)), rng_(std::make_unique<OsRng>()) {}

Rng& ReferenceAdapter::rng_for(const std::string& party) {
  return config_.party_hooks->generator(party, *rng_);
}

HelloInfo ReferenceAdapter::hello() const {
  HelloInfo h;
  h.implementation = config_.implementation;
  h.version = config_.version;
  h.protocol = config_.protocol;
  h.capabilities = {"export",     "import", "deterministic", "inject",       "primitives", "media",
                    "media_file", "stanza", "group",         "group_update", "group_forge"};
  const signal::RatchetRules& declared = config_.declared_limits;
  h.limits = {{"max_skip", limit(declared.max_skip)},
              {"max_skipped_keys", limit(declared.max_message_keys)},
              {"max_receiver_chains", declared.max_receiver_chains}};
  const GroupLimits& g = config_.declared_group_limits;
  h.limits["group_max_skip"] = limit(g.max_skip);
  h.limits["group_max_skipped_keys"] = g.max_skipped_keys;
  h.limits["group_max_sender_states"] = g.max_sender_states;
  h.extra["group_roster"] = "server";
  return h;
}

Result<signal::Device*> ReferenceAdapter::party(const std::string& name) {
  return find_party(parties_, name);
}

Result<group::GroupMember> ReferenceAdapter::member(const std::string& name) {
  PARITY_ASSIGN(signal::Device * d, party(name));
  return group::GroupMember(*d, name, rng_for(name), config_.group_hooks);
}

Reply ReferenceAdapter::reset(const request::Reset& r) {
  parties_.clear();
  config_.party_hooks->reset();
  if (r.seed) {
    rng_ = std::make_unique<SeededRng>(*r.seed);
  } else {
    rng_ = std::make_unique<OsRng>();
  }
  return Json::object();
}

Reply ReferenceAdapter::create(const request::Create& r) {
  if (parties_.contains(r.party)) return fail(ErrorCode::bad_request, "party " + r.party + " exists");
  signal::Device d = signal::Device::create(rng_for(r.party), r.identity_private, r.registration_id);
  d.set_policy(config_.policy);
  Json out = {{"identity", to_hex(wire::serialize_key(d.identity().public_key))}};
  parties_.emplace(r.party, std::move(d));
  return out;
}

Reply ReferenceAdapter::bundle(const request::Bundle& r) {
  PTP_TRY(d, party(r.party));
  signal::BundleOptions o;
  o.signed_prekey_private = r.signed_prekey_private;
  o.signed_prekey_id = r.signed_prekey_id;
  o.onetime_prekey_private = r.onetime_prekey_private;
  o.prekey_id = r.prekey_id;
  auto b = d->bundle(rng_for(r.party), o);
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

Reply ReferenceAdapter::initiate(const request::Initiate& r) {
  PTP_TRY(d, party(r.party));
  auto b = wire::decode_bundle(r.bundle);
  if (!b) return fail(ErrorCode::invalid_bundle, b.error().detail);
  auto st = d->initiate(r.peer, *b, rng_for(r.party), r.base_private, r.ratchet_private);
  if (!st) return fail_from(st.error());
  return Json::object();
}

// ratchet_private is accepted and unused: Signal's encrypt generates no key pair.
Reply ReferenceAdapter::encrypt(const request::Encrypt& r) {
  PTP_TRY(d, party(r.party));
  auto c = config_.party_hooks->ciphertext_for(r.party, r.peer, r.plaintext);
  if (!c) {
    auto fresh = d->encrypt(r.peer, r.plaintext);
    if (!fresh) return fail_from(fresh.error());
    c = std::move(fresh).value();
    config_.party_hooks->sent(r.party, r.peer, r.plaintext, *c);
  }
  return Json{{"ciphertext", to_hex(c->bytes)},
              {"kind", c->kind == signal::MessageKind::prekey ? "prekey" : "message"}};
}

Reply ReferenceAdapter::decrypt(const request::Decrypt& r) {
  PTP_TRY(d, party(r.party));
  if (auto known = config_.party_hooks->plaintext_for(r.party, r.ciphertext)) {
    return Json{{"plaintext", to_hex(*known)}};
  }
  signal::Ciphertext c{r.kind == request::Kind::prekey ? signal::MessageKind::prekey : signal::MessageKind::message,
                       r.ciphertext};
  auto pt = d->decrypt(r.peer, c, rng_for(r.party), r.ratchet_private);
  if (!pt) return fail_from(pt.error());
  return Json{{"plaintext", to_hex(*pt)}};
}

Reply ReferenceAdapter::export_state(const request::Export& r) {
  PTP_TRY(d, party(r.party));
  return Json{{"state", to_hex(d->serialize())}};
}

Reply ReferenceAdapter::import_state(const request::Import& r) {
  if (parties_.contains(r.party)) return fail(ErrorCode::bad_request, "party " + r.party + " exists");
  auto d = signal::Device::deserialize(r.state);
  if (!d) return fail(ErrorCode::bad_request, "state: " + d.error().detail);
  d->set_policy(config_.policy);
  parties_.emplace(r.party, std::move(d).value());
  return Json::object();
}

Reply ReferenceAdapter::primitive(const request::Primitive& r) {
  // kdf_rk, kdf_ck and message_keys are signal-v3's key schedule (docs/ptp.md): a
  // variant with a key schedule of its own does not offer them as its own.
  if (config_.protocol != "signal-v3" && (r.name == "kdf_rk" || r.name == "kdf_ck" || r.name == "message_keys")) {
    return fail(ErrorCode::unsupported,
                "primitive " + r.name + " is signal-v3's; this target speaks " + config_.protocol);
  }
  return reference_primitive(r);
}

Reply ReferenceAdapter::media_encrypt(const request::MediaEncrypt& r) {
  PTP_TRY(type, get_media_type(r.media_type));
  // Without media_key, a fresh key from the run's generator (seeded after reset with a seed).
  auto e = r.media_key ? media::encrypt_media(type, r.plaintext, *r.media_key)
                       : media::encrypt_media(type, r.plaintext, *rng_);
  if (!e) return fail_from(media::to_error(e.error()));
  return Json{{"media_key", to_hex(e->media_key)},
              {"encrypted", to_hex(e->encrypted)},
              {"file_sha256", to_hex(e->file_sha256)},
              {"file_enc_sha256", to_hex(e->file_enc_sha256)}};
}

Reply ReferenceAdapter::media_decrypt(const request::MediaDecrypt& r) {
  PTP_TRY(type, get_media_type(r.media_type));
  auto pt = media::decrypt_media(type, r.media_key, r.encrypted, r.file_enc_sha256);
  if (!pt) return fail_from(media::to_error(pt.error()));
  return Json{{"plaintext", to_hex(*pt)}};
}

Reply ReferenceAdapter::media_encrypt_file(const request::MediaEncryptFile& r) {
  PTP_TRY(type, get_media_type(r.media_type));
  PTP_TRY(in, get_input_path(r.path, "path"));
  PTP_TRY(out, get_output_path(r.out, "out"));
  if (!claim(out)) return fail(ErrorCode::bad_request, "out: cannot create " + out.string());
  // Without media_key, a fresh key from the run's generator, as media_encrypt draws it.
  const Key32 key = r.media_key ? *r.media_key : rng_->key32();
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

Reply ReferenceAdapter::media_decrypt_file(const request::MediaDecryptFile& r) {
  PTP_TRY(type, get_media_type(r.media_type));
  PTP_TRY(in, get_input_path(r.path, "path"));
  PTP_TRY(out, get_output_path(r.out, "out"));
  // decrypt_media_file verifies the whole file before it writes, and writes OUT.part,
  // renamed only on success: after a refusal `out` does not exist.
  auto size = media::decrypt_media_file(type, r.media_key, r.file_enc_sha256, in, out);
  if (!size.ok()) return fail_from(media::to_error(size.error()));
  return Json{{"size", *size}};
}

namespace {

std::string describe(const stanza::StanzaError& e) {
  return "stanza: " + std::string(stanza::to_string(e.code)) + " at byte " + std::to_string(e.offset) + ": " +
         e.message;
}

}  // namespace

Reply ReferenceAdapter::wrap(const request::Wrap& r) {
  PTP_TRY(d, party(r.party));
  (void)d;  // the sender must exist; the stanza itself names JIDs, not parties
  stanza::Message m;
  m.id = r.stanza_id;
  m.to = r.to;
  m.from = r.from;
  m.payload = stanza::Enc{r.kind == request::Kind::prekey ? stanza::EncType::pkmsg : stanza::EncType::msg, std::nullopt,
                          r.ciphertext};
  auto text = stanza::write(m);
  if (!text.ok()) {
    const bool too_big = text.error().code == stanza::StanzaErrc::payload_too_large ||
                         text.error().code == stanza::StanzaErrc::too_large;
    return fail(too_big ? ErrorCode::limit_exceeded : ErrorCode::bad_request, describe(text.error()));
  }
  return Json{{"stanza", std::move(text).value()}};
}

Reply ReferenceAdapter::unwrap(const request::Unwrap& r) {
  PTP_TRY(d, party(r.party));
  (void)d;
  // stanza_hex (this project's PTP extension) carries bytes no JSON string can: invalid UTF-8.
  std::string bytes;
  if (r.stanza_hex) {
    bytes.assign(r.stanza_hex->begin(), r.stanza_hex->end());
  } else if (r.stanza) {
    bytes = *r.stanza;
  } else {
    return fail(ErrorCode::bad_request, "missing field \"stanza\"");
  }
  auto m = stanza::parse_message(bytes);
  if (!m.ok()) return fail(ErrorCode::invalid_message, describe(m.error()));
  // A fan-out message yields its first participant's enc, or the one for `jid` when given.
  const stanza::Enc* enc = std::get_if<stanza::Enc>(&m->payload);
  if (enc == nullptr) {
    const auto& list = std::get<std::vector<stanza::Participant>>(m->payload);
    enc = &list.front().enc;
    if (r.jid) {
      enc = nullptr;
      for (const stanza::Participant& p : list) {
        if (p.jid == *r.jid) enc = &p.enc;
      }
      if (enc == nullptr) return fail(ErrorCode::bad_request, "no participant " + *r.jid);
    }
  }
  const char* kind = enc->type == stanza::EncType::pkmsg ? "prekey"
                     : enc->type == stanza::EncType::msg ? "message"
                                                         : "skmsg";
  return Json{
      {"ciphertext", to_hex(enc->ciphertext)}, {"kind", kind}, {"stanza_id", m->id}, {"to", m->to}, {"from", m->from}};
}

Reply ReferenceAdapter::group_create(const request::GroupCreate& r) {
  PTP_TRY(m, member(r.party));
  return group_deliveries(m.create(r.group, r.members));
}

Reply ReferenceAdapter::group_add(const request::GroupAdd& r) {
  PTP_TRY(m, member(r.party));
  return group_deliveries(m.add(r.group, r.member));
}

Reply ReferenceAdapter::group_remove(const request::GroupRemove& r) {
  PTP_TRY(m, member(r.party));
  return group_deliveries(m.remove(r.group, r.member));
}

Reply ReferenceAdapter::group_roster(const request::GroupRoster& r) {
  PTP_TRY(m, member(r.party));
  return group_deliveries(m.set_roster(r.group, r.members));
}

Reply ReferenceAdapter::group_encrypt(const request::GroupEncrypt& r) {
  PTP_TRY(m, member(r.party));
  return group_deliveries(m.encrypt(r.group, r.plaintext, {r.chain_key, r.signing_private, r.chain_id}));
}

Reply ReferenceAdapter::group_update(const request::GroupUpdate& r) {
  PTP_TRY(m, member(r.party));
  return group_deliveries(m.update(r.group));
}

Reply ReferenceAdapter::group_forge(const request::GroupForge& r) {
  PTP_TRY(m, member(r.party));
  if (r.iteration && *r.iteration > 0xffffffffULL) return fail(ErrorCode::bad_request, "iteration exceeds 2^32-1");
  std::optional<uint32_t> iteration;
  if (r.iteration) iteration = static_cast<uint32_t>(*r.iteration);
  auto e = m.forge(r.group, r.as, iteration);
  if (!e) return group_fail(e.error());
  return Json{{"envelope", to_hex(*e)}};
}

Reply ReferenceAdapter::group_receive(const request::GroupReceive& r) {
  PTP_TRY(m, member(r.party));
  auto got = m.receive(r.group, r.from, r.envelope);
  if (!got) return group_fail(got.error());
  if (got->kind == group::DeliveryKind::control) return Json{{"kind", "control"}};
  return Json{{"kind", "application"}, {"plaintext", to_hex(got->plaintext)}};
}

Reply ReferenceAdapter::group_info(const request::GroupInfo& r) {
  PTP_TRY(m, member(r.party));
  auto info = m.info(r.group);
  if (!info) return group_fail(info.error());
  Json out = {{"members", info->members}};
  if (info->removed) out["removed"] = true;
  return out;
}

#undef PTP_TRY

}  // namespace parity::ptp
