#include "targets/libsignal/target/libsignal_adapter.h"

#include "reference/wire/bundle.h"
#include "reference/wire/public_key.h"

namespace parity::ptp {

namespace {

// Bounds of libsignal-protocol-c 2.3.3 (the values it compiles in, not parity's choice):
// session_cipher.c refuses a counter more than 2000 past the chain ("Over 2000 messages
// into the future!", SG_ERR_INVALID_MESSAGE), session_state.c keeps at most
// MAX_MESSAGE_KEYS = 2000 skipped keys per receiver chain and MAX_RECEIVER_CHAINS = 5
// receiver chains per session state.
constexpr int kMaxSkip = 2000;
constexpr int kMaxSkippedKeys = 2000;
constexpr int kMaxReceiverChains = 5;

}  // namespace

HelloInfo LibsignalAdapter::hello() const {
  HelloInfo h;
  h.implementation = "libsignal-protocol-c";
  h.version = "2.3.3";
  h.protocol = "signal-v3";
  h.capabilities = {"export", "import", "deterministic", "inject", "primitives"};
  h.limits = {
      {"max_skip", kMaxSkip}, {"max_skipped_keys", kMaxSkippedKeys}, {"max_receiver_chains", kMaxReceiverChains}};
  return h;
}

Reply LibsignalAdapter::handle(const std::string& op, const Json& r) {
  if (op == "reset") return reset(r);
  if (op == "create") return create(r);
  if (op == "bundle") return bundle(r);
  if (op == "initiate") return initiate(r);
  if (op == "encrypt") return encrypt(r);
  if (op == "decrypt") return decrypt(r);
  if (op == "export") return export_party(r);
  if (op == "import") return import_party(r);
  if (op == "primitive") return primitives_.handle(r);
  return fail(ErrorCode::unsupported, "unknown op " + op);
}

Result<libsignal::Device*> LibsignalAdapter::party(const Json& r, const char* field) {
  return find_party(parties_, r, field);
}

Reply LibsignalAdapter::reset(const Json& r) {
  PTP_TRY(seed, optional_key(r, "seed"));
  // Parties first: nothing may draw from the generator while it is being replaced.
  parties_.clear();
  rng_.reseed(seed);
  return Json::object();
}

Reply LibsignalAdapter::create(const Json& r) {
  PTP_TRY(name, get_party(r, "party"));
  if (parties_.contains(name)) return fail(ErrorCode::bad_request, "party " + name + " exists");
  PTP_TRY(identity, optional_key(r, "identity_private"));
  PTP_TRY(reg, optional_id(r, "registration_id"));
  auto d = libsignal::Device::create(rng_, identity, reg);
  if (!d) return fail_from(d.error());
  Json out = {{"identity", to_hex(wire::serialize_key(d->identity()))}};
  parties_.emplace(name, std::move(d).value());
  return out;
}

Reply LibsignalAdapter::bundle(const Json& r) {
  PTP_TRY(d, party(r));
  libsignal::BundleOptions o;
  PTP_TRY(spk, optional_key(r, "signed_prekey_private"));
  PTP_TRY(spk_id, optional_id(r, "signed_prekey_id"));
  PTP_TRY(opk, optional_key(r, "onetime_prekey_private"));
  PTP_TRY(opk_id, optional_id(r, "prekey_id"));
  o.signed_prekey_private = spk;
  o.signed_prekey_id = spk_id;
  o.onetime_prekey_private = opk;
  o.prekey_id = opk_id;
  auto b = d->bundle(o);
  if (!b) return fail_from(b.error());
  Bytes enc = b->serialize();
  Json out = {{"bundle", to_hex(enc)}};
  auto layout = wire::bundle_layout(enc);
  if (layout) {
    out["layout"] = {{"identity", {layout->identity.first, layout->identity.second}},
                     {"signed_prekey", {layout->signed_prekey.first, layout->signed_prekey.second}},
                     {"signature", {layout->signature.first, layout->signature.second}}};
  }
  return out;
}

Reply LibsignalAdapter::initiate(const Json& r) {
  PTP_TRY(d, party(r));
  PTP_TRY(peer, get_party(r, "peer"));
  PTP_TRY(bytes, get_hex(r, "bundle"));
  PTP_TRY(base, optional_key(r, "base_private"));
  PTP_TRY(ratchet, optional_key(r, "ratchet_private"));
  auto b = wire::decode_bundle(bytes);
  if (!b) return fail(ErrorCode::invalid_bundle, b.error().detail);
  auto st = d->initiate(peer, *b, base, ratchet);
  if (!st) {
    // Whatever fails to decode in initiate is part of the bundle.
    if (st.code() == Errc::malformed) return fail(ErrorCode::invalid_bundle, st.error().detail);
    return fail_from(st.error());
  }
  return Json::object();
}

Reply LibsignalAdapter::encrypt(const Json& r) {
  PTP_TRY(d, party(r));
  PTP_TRY(peer, get_party(r, "peer"));
  PTP_TRY(plaintext, get_hex(r, "plaintext"));
  // ratchet_private is read (so a malformed one is refused) and unused: libsignal's
  // session_cipher_encrypt generates no key pair.
  PTP_TRY(ratchet, optional_key(r, "ratchet_private"));
  (void)ratchet;
  auto c = d->encrypt(peer, plaintext);
  if (!c) return fail_from(c.error());
  return Json{{"ciphertext", to_hex(c->bytes)},
              {"kind", c->kind == libsignal::MessageKind::prekey ? "prekey" : "message"}};
}

Reply LibsignalAdapter::decrypt(const Json& r) {
  PTP_TRY(d, party(r));
  PTP_TRY(peer, get_party(r, "peer"));
  PTP_TRY(bytes, get_hex(r, "ciphertext"));
  PTP_TRY(kind, get_string(r, "kind"));
  PTP_TRY(ratchet, optional_key(r, "ratchet_private"));
  if (kind != "prekey" && kind != "message") return fail(ErrorCode::bad_request, "kind must be prekey or message");
  libsignal::Ciphertext c{kind == "prekey" ? libsignal::MessageKind::prekey : libsignal::MessageKind::message,
                          std::move(bytes)};
  auto pt = d->decrypt(peer, c, ratchet);
  if (!pt) return fail_from(pt.error());
  return Json{{"plaintext", to_hex(*pt)}};
}

Reply LibsignalAdapter::export_party(const Json& r) {
  PTP_TRY(d, party(r));
  Bytes state = d->serialize();
  Json out = {{"state", to_hex(state)}};
  secure_wipe(state.data(), state.size());
  return out;
}

Reply LibsignalAdapter::import_party(const Json& r) {
  PTP_TRY(name, get_party(r, "party"));
  if (parties_.contains(name)) return fail(ErrorCode::bad_request, "party " + name + " exists");
  PTP_TRY(state, get_hex(r, "state"));
  auto d = libsignal::Device::deserialize(rng_, state);
  secure_wipe(state.data(), state.size());
  // Any state libsignal cannot read back is a malformed request, whatever code the
  // failing deserialiser reported (libsignal answers some garbage with SG_ERR_UNKNOWN).
  if (!d) return fail(ErrorCode::bad_request, "state: " + d.error().detail);
  parties_.emplace(name, std::move(d).value());
  return Json::object();
}

#undef PTP_TRY

}  // namespace parity::ptp
