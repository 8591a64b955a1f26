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

Result<libsignal::Device*> LibsignalAdapter::party(const std::string& name) {
  return find_party(parties_, name);
}

Reply LibsignalAdapter::reset(const request::Reset& r) {
  // Parties first: nothing may draw from the generator while it is being replaced.
  parties_.clear();
  rng_.reseed(r.seed);
  return Json::object();
}

Reply LibsignalAdapter::create(const request::Create& r) {
  if (parties_.contains(r.party)) return fail(ErrorCode::bad_request, "party " + r.party + " exists");
  auto d = libsignal::Device::create(rng_, r.identity_private, r.registration_id);
  if (!d) return fail_from(d.error());
  Json out = {{"identity", to_hex(wire::serialize_key(d->identity()))}};
  parties_.emplace(r.party, std::move(d).value());
  return out;
}

Reply LibsignalAdapter::bundle(const request::Bundle& r) {
  PTP_TRY(d, party(r.party));
  libsignal::BundleOptions o;
  o.signed_prekey_private = r.signed_prekey_private;
  o.signed_prekey_id = r.signed_prekey_id;
  o.onetime_prekey_private = r.onetime_prekey_private;
  o.prekey_id = r.prekey_id;
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

Reply LibsignalAdapter::initiate(const request::Initiate& r) {
  PTP_TRY(d, party(r.party));
  auto b = wire::decode_bundle(r.bundle);
  if (!b) return fail(ErrorCode::invalid_bundle, b.error().detail);
  auto st = d->initiate(r.peer, *b, r.base_private, r.ratchet_private);
  if (!st) {
    // Whatever fails to decode in initiate is part of the bundle.
    if (st.code() == Errc::malformed) return fail(ErrorCode::invalid_bundle, st.error().detail);
    return fail_from(st.error());
  }
  return Json::object();
}

// ratchet_private is read (so a malformed one is refused) and unused: libsignal's
// session_cipher_encrypt generates no key pair.
Reply LibsignalAdapter::encrypt(const request::Encrypt& r) {
  PTP_TRY(d, party(r.party));
  auto c = d->encrypt(r.peer, r.plaintext);
  if (!c) return fail_from(c.error());
  return Json{{"ciphertext", to_hex(c->bytes)},
              {"kind", c->kind == libsignal::MessageKind::prekey ? "prekey" : "message"}};
}

Reply LibsignalAdapter::decrypt(const request::Decrypt& r) {
  PTP_TRY(d, party(r.party));
  libsignal::Ciphertext c{
      r.kind == request::Kind::prekey ? libsignal::MessageKind::prekey : libsignal::MessageKind::message, r.ciphertext};
  auto pt = d->decrypt(r.peer, c, r.ratchet_private);
  if (!pt) return fail_from(pt.error());
  return Json{{"plaintext", to_hex(*pt)}};
}

Reply LibsignalAdapter::export_state(const request::Export& r) {
  PTP_TRY(d, party(r.party));
  Bytes state = d->serialize();
  Json out = {{"state", to_hex(state)}};
  secure_wipe(state.data(), state.size());
  return out;
}

Reply LibsignalAdapter::import_state(const request::Import& r) {
  if (parties_.contains(r.party)) return fail(ErrorCode::bad_request, "party " + r.party + " exists");
  Bytes state = r.state;
  auto d = libsignal::Device::deserialize(rng_, state);
  secure_wipe(state.data(), state.size());
  // Any state libsignal cannot read back is a malformed request, whatever code the
  // failing deserialiser reported (libsignal answers some garbage with SG_ERR_UNKNOWN).
  if (!d) return fail(ErrorCode::bad_request, "state: " + d.error().detail);
  parties_.emplace(r.party, std::move(d).value());
  return Json::object();
}

Reply LibsignalAdapter::primitive(const request::Primitive& r) {
  return primitives_.handle(r);
}

#undef PTP_TRY

}  // namespace parity::ptp
