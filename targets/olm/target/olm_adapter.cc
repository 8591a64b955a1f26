#include "targets/olm/target/olm_adapter.h"

#include <olm/olm.h>

namespace parity::ptp {

namespace {

// libolm's bounds, compiled into the library (matrix-org/olm, include/olm/ratchet.hh and
// src/ratchet.cpp); libolm-dev installs only the C API, so they are restated here.
// - MAX_MESSAGE_GAP = 2000 (ratchet.cpp): a message whose counter is more than 2000 past
//   the chain's next index is refused, so counter - next expected <= 2000 decrypts.
// - MAX_SKIPPED_MESSAGE_KEYS = 40 (ratchet.hh): one list of skipped keys per session,
//   shared by all its receiver chains (newest first, the oldest dropped when full), so
//   40 is also the most any single chain can count on.
// - MAX_RECEIVER_CHAINS = 5 (ratchet.hh): receiver chains kept per session, the current
//   one included, as libsignal's 5 is counted.
constexpr int kMaxMessageGap = 2000;
constexpr int kMaxSkippedMessageKeys = 40;
constexpr int kMaxReceiverChains = 5;

Json range(const olm::BundleRange& r) {
  return Json::array({r.first, r.second});
}

// deliveries answers a group op with the device's deliveries, in order.
Reply deliveries(const Result<std::vector<olm::GroupDelivery>>& made) {
  if (!made) return fail_from(made.error());
  std::vector<Delivery> out;
  out.reserve(made->size());
  for (const auto& d : *made) {
    out.push_back({d.to, d.envelope,
                   d.kind == olm::GroupDeliveryKind::control ? DeliveryKind::control : DeliveryKind::application});
  }
  return deliveries_reply(out);
}

}  // namespace

std::string olm_library_version() {
  uint8_t major = 0;
  uint8_t minor = 0;
  uint8_t patch = 0;
  olm_get_library_version(&major, &minor, &patch);
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
}

OlmAdapter::OlmAdapter() : rng_(std::make_unique<OsRng>()) {}

HelloInfo OlmAdapter::hello() const {
  HelloInfo h;
  h.implementation = "libolm";
  h.version = olm_library_version();
  h.protocol = "olm-v1";
  // No inject: libolm derives every key from random bytes it is handed (and ed25519 keys
  // are expanded from them), so a given private key cannot be installed through its API.
  // No primitives: libolm exports no X25519/HKDF/ratchet functions to call.
  h.capabilities = {"export", "import", "deterministic", "group", "group_update"};
  // Megolm (docs/findings.md, "libolm Megolm: groups"): an inbound session advances its
  // ratchet any distance in at most 1020 hashes and keeps its first known ratchet, so it
  // reads any index from there on (no skip bound, no skipped keys to bound: null); the
  // device keeps every inbound session a sender shares while the sender is a member, as
  // Matrix clients keep them for history (null). No group_forge: the capability is
  // optional and not built (GRP-3's forged-chain attacks and GRP-8's far claims are then
  // not-applicable).
  h.limits = {{"max_skip", kMaxMessageGap},
              {"max_skipped_keys", kMaxSkippedMessageKeys},
              {"max_receiver_chains", kMaxReceiverChains},
              {"group_max_skip", nullptr},
              {"group_max_skipped_keys", nullptr},
              {"group_max_sender_states", nullptr}};
  // Matrix clients keep an inbound copy of their own outbound session, so a sender reads
  // its own messages by design (GRP-7's sender leg).
  h.extra = {{"group_roster", "server"}, {"group_reads_own", true}};
  return h;
}

Result<olm::Device*> OlmAdapter::party(const std::string& name) {
  return find_party(parties_, name);
}

Reply OlmAdapter::reset(const request::Reset& r) {
  parties_.clear();
  if (r.seed) {
    rng_ = std::make_unique<SeededRng>(*r.seed);
  } else {
    rng_ = std::make_unique<OsRng>();
  }
  return Json::object();
}

Reply OlmAdapter::create(const request::Create& r) {
  if (parties_.contains(r.party)) return fail(ErrorCode::bad_request, "party " + r.party + " exists");
  auto d = olm::Device::create(*rng_);
  if (!d) return fail_from(d.error());
  // The identity as the bundle carries it: curve25519 key then ed25519 key.
  Json out = {{"identity", to_hex(concat({d->identity_curve25519(), d->identity_ed25519()}))}};
  parties_.emplace(r.party, std::move(d).value());
  return out;
}

Reply OlmAdapter::bundle(const request::Bundle& r) {
  PTP_TRY(d, party(r.party));
  auto b = d->bundle(*rng_);
  if (!b) return fail_from(b.error());
  // The account's signature covers the one-time key (olm_device.h), so it is the range
  // PTP calls signed_prekey; olm has no signed prekeys, and the same range is also named
  // for what it is.
  Json layout = {{"identity", range(olm::kBundleIdentity)},
                 {"signed_prekey", range(olm::kBundleOnetimeKey)},
                 {"onetime_prekey", range(olm::kBundleOnetimeKey)},
                 {"signature", range(olm::kBundleSignature)}};
  return Json{{"bundle", to_hex(*b)}, {"layout", std::move(layout)}};
}

Reply OlmAdapter::initiate(const request::Initiate& r) {
  PTP_TRY(d, party(r.party));
  // Decoded here first so a malformed bundle is invalid_bundle, not invalid_message.
  if (auto b = olm::decode_bundle(r.bundle); !b) return fail(ErrorCode::invalid_bundle, b.error().detail);
  auto st = d->initiate(r.peer, r.bundle, *rng_);
  if (!st) {
    if (st.code() == Errc::malformed) return fail(ErrorCode::invalid_bundle, st.error().detail);
    return fail_from(st.error());
  }
  return Json::object();
}

Reply OlmAdapter::encrypt(const request::Encrypt& r) {
  PTP_TRY(d, party(r.party));
  auto c = d->encrypt(r.peer, r.plaintext, *rng_);
  if (!c) return fail_from(c.error());
  return Json{{"ciphertext", to_hex(c->bytes)},
              {"kind", c->kind == signal::MessageKind::prekey ? "prekey" : "message"}};
}

Reply OlmAdapter::decrypt(const request::Decrypt& r) {
  PTP_TRY(d, party(r.party));
  signal::Ciphertext c{r.kind == request::Kind::prekey ? signal::MessageKind::prekey : signal::MessageKind::message,
                       r.ciphertext};
  auto pt = d->decrypt(r.peer, c, *rng_);
  if (!pt) return fail_from(pt.error());
  return Json{{"plaintext", to_hex(*pt)}};
}

Reply OlmAdapter::export_state(const request::Export& r) {
  PTP_TRY(d, party(r.party));
  auto state = d->serialize();
  if (!state) return fail_from(state.error());
  Json out = {{"state", to_hex(*state)}};
  secure_wipe(state->data(), state->size());
  return out;
}

Reply OlmAdapter::import_state(const request::Import& r) {
  if (parties_.contains(r.party)) return fail(ErrorCode::bad_request, "party " + r.party + " exists");
  Bytes state = r.state;
  auto d = olm::Device::deserialize(state);
  secure_wipe(state.data(), state.size());
  // Any state libolm cannot unpickle is a malformed request.
  if (!d) return fail(ErrorCode::bad_request, "state: " + d.error().detail);
  parties_.emplace(r.party, std::move(d).value());
  return Json::object();
}

Reply OlmAdapter::group_create(const request::GroupCreate& r) {
  PTP_TRY(d, party(r.party));
  return deliveries(d->group_create(r.party, r.group, r.members));
}

Reply OlmAdapter::group_add(const request::GroupAdd& r) {
  PTP_TRY(d, party(r.party));
  return deliveries(d->group_add(r.group, r.member));
}

Reply OlmAdapter::group_remove(const request::GroupRemove& r) {
  PTP_TRY(d, party(r.party));
  return deliveries(d->group_remove(r.group, r.member));
}

Reply OlmAdapter::group_roster(const request::GroupRoster& r) {
  PTP_TRY(d, party(r.party));
  return deliveries(d->group_roster(r.party, r.group, r.members));
}

Reply OlmAdapter::group_encrypt(const request::GroupEncrypt& r) {
  PTP_TRY(d, party(r.party));
  return deliveries(d->group_encrypt(r.group, r.plaintext, *rng_));
}

Reply OlmAdapter::group_update(const request::GroupUpdate& r) {
  PTP_TRY(d, party(r.party));
  return deliveries(d->group_update(r.group));
}

Reply OlmAdapter::group_receive(const request::GroupReceive& r) {
  PTP_TRY(d, party(r.party));
  auto got = d->group_receive(r.group, r.from, r.envelope);
  if (!got) return fail_from(got.error());
  if (got->kind == olm::GroupDeliveryKind::control) return Json{{"kind", "control"}};
  return Json{{"kind", "application"}, {"plaintext", to_hex(got->plaintext)}};
}

Reply OlmAdapter::group_info(const request::GroupInfo& r) {
  PTP_TRY(d, party(r.party));
  auto view = d->group_info(r.group);
  if (!view) return fail_from(view.error());
  Json out = {{"members", view->members}};
  if (view->removed) out["removed"] = true;
  return out;
}

#undef PTP_TRY

}  // namespace parity::ptp
