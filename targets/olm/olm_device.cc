#include "targets/olm/olm_device.h"

#include <algorithm>
#include <optional>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>
#include <olm/olm.h>

#include "targets/olm/olm_internal.h"

namespace parity::olm {

using namespace detail;  // NOLINT(google-build-using-namespace): this file's own helpers

namespace {

constexpr std::string_view kBundleLabel = "parity-olm-bundle-v1";
constexpr std::string_view kStateMagic = "POLM";
// Version 2 adds the groups (olm_group.cc).
constexpr uint8_t kStateVersion = 2;
constexpr uint8_t kOlmMessageVersion = 3;

// prekey_identity reads the sender's curve25519 identity (field 3) out of an olm PRE_KEY
// message, so the session can be created with olm_create_inbound_session_from.
Result<Key32> prekey_identity(ByteView msg) {
  if (msg.empty()) return make_error(Errc::malformed, "empty prekey message");
  if (msg[0] != kOlmMessageVersion) return make_error(Errc::bad_version, "olm message version");
  auto read_varint = [&](size_t& pos, uint64_t& v) -> bool {
    v = 0;
    for (int shift = 0; shift < 64 && pos < msg.size(); shift += 7) {
      uint8_t b = msg[pos++];
      v |= uint64_t{static_cast<uint8_t>(b & 0x7f)} << shift;
      if ((b & 0x80) == 0) return true;
    }
    return false;
  };
  size_t pos = 1;
  std::optional<Key32> identity;
  while (pos < msg.size()) {
    uint64_t tag = 0;
    if (!read_varint(pos, tag)) return make_error(Errc::malformed, "prekey message tag");
    if ((tag & 7) == 0) {
      uint64_t ignored = 0;
      if (!read_varint(pos, ignored)) return make_error(Errc::malformed, "prekey message varint");
      continue;
    }
    if ((tag & 7) != 2) return make_error(Errc::malformed, "prekey message wire type");
    uint64_t len = 0;
    if (!read_varint(pos, len) || len > msg.size() - pos) {
      return make_error(Errc::malformed, "prekey message length");
    }
    if (tag == 0x1a && len == 32) {
      Key32 k{};
      std::copy_n(msg.begin() + static_cast<ptrdiff_t>(pos), 32, k.begin());
      identity = k;
    }
    pos += static_cast<size_t>(len);
  }
  if (!identity) return make_error(Errc::malformed, "prekey message without identity key");
  return *identity;
}

Bytes bundle_signed_part(const Key32& identity, const Key32& onetime) {
  return concat({view(std::string(kBundleLabel)), identity, onetime});
}

}  // namespace

// --- bundle encoding ---

Bytes OlmBundle::serialize() const {
  Bytes out;
  out.reserve(kBundleSize);
  out.push_back(kBundleVersion);
  out.insert(out.end(), identity_curve25519.begin(), identity_curve25519.end());
  out.insert(out.end(), identity_ed25519.begin(), identity_ed25519.end());
  out.insert(out.end(), onetime_key.begin(), onetime_key.end());
  out.insert(out.end(), signature.begin(), signature.end());
  return out;
}

Result<OlmBundle> decode_bundle(ByteView data) {
  if (data.size() != kBundleSize) return make_error(Errc::malformed, "olm bundle size");
  if (data[0] != kBundleVersion) return make_error(Errc::bad_version, "olm bundle version");
  OlmBundle b;
  auto at = [&](BundleRange r) { return data.begin() + static_cast<ptrdiff_t>(r.first); };
  std::copy_n(at(kBundleIdentity), 32, b.identity_curve25519.begin());
  std::copy_n(at(kBundleIdentity) + 32, 32, b.identity_ed25519.begin());
  std::copy_n(at(kBundleOnetimeKey), 32, b.onetime_key.begin());
  std::copy_n(at(kBundleSignature), 64, b.signature.begin());
  return b;
}

// --- Device ---

Device::Device() = default;
Device::Device(Device&&) noexcept = default;
Device& Device::operator=(Device&&) noexcept = default;
Device::~Device() = default;

Status Device::load_identity_keys() {
  OlmAccount* acct = account_->account();
  std::string json(olm_account_identity_keys_length(acct), '\0');
  size_t n = olm_account_identity_keys(acct, json.data(), json.size());
  if (n == olm_error()) return account_->account_error("olm_account_identity_keys");
  json.resize(n);
  auto parsed = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_object() || !parsed["curve25519"].is_string() || !parsed["ed25519"].is_string()) {
    return make_error(Errc::internal, "olm identity keys: unexpected JSON");
  }
  PARITY_ASSIGN(identity_curve25519_, b64_decode32(parsed["curve25519"].get<std::string>()));
  PARITY_ASSIGN(identity_ed25519_, b64_decode32(parsed["ed25519"].get<std::string>()));
  return {};
}

Result<Device> Device::create(Rng& rng) {
  Device d;
  d.account_ = std::make_unique<OlmObject>(OlmObject::Kind::account);
  OlmAccount* acct = d.account_->account();
  SecretBuffer random(rng, olm_create_account_random_length(acct));
  if (olm_create_account(acct, random.data(), random.size()) == olm_error()) {
    return d.account_->account_error("olm_create_account");
  }
  PARITY_TRY(d.load_identity_keys());
  return d;
}

Result<Bytes> Device::bundle(Rng& rng) {
  OlmAccount* acct = account_->account();
  SecretBuffer random(rng, olm_account_generate_one_time_keys_random_length(acct, 1));
  if (olm_account_generate_one_time_keys(acct, 1, random.data(), random.size()) == olm_error()) {
    return account_->account_error("olm_account_generate_one_time_keys");
  }
  std::string json(olm_account_one_time_keys_length(acct), '\0');
  size_t n = olm_account_one_time_keys(acct, json.data(), json.size());
  if (n == olm_error()) return account_->account_error("olm_account_one_time_keys");
  json.resize(n);
  // Every bundle marks its key published, so exactly the fresh key is unpublished.
  auto parsed = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_object() || !parsed["curve25519"].is_object() || parsed["curve25519"].size() != 1 ||
      !parsed["curve25519"].begin()->is_string()) {
    return make_error(Errc::internal, "olm one-time keys: unexpected JSON");
  }
  OlmBundle b;
  PARITY_ASSIGN(b.onetime_key, b64_decode32(parsed["curve25519"].begin()->get<std::string>()));
  olm_account_mark_keys_as_published(acct);
  b.identity_curve25519 = identity_curve25519_;
  b.identity_ed25519 = identity_ed25519_;

  Bytes signed_part = bundle_signed_part(b.identity_curve25519, b.onetime_key);
  std::string sig(olm_account_signature_length(acct), '\0');
  n = olm_account_sign(acct, signed_part.data(), signed_part.size(), sig.data(), sig.size());
  if (n == olm_error()) return account_->account_error("olm_account_sign");
  sig.resize(n);
  PARITY_ASSIGN(Bytes raw_sig, b64_decode(sig));
  if (raw_sig.size() != b.signature.size()) return make_error(Errc::internal, "olm signature size");
  std::copy(raw_sig.begin(), raw_sig.end(), b.signature.begin());
  return b.serialize();
}

Status Device::initiate(const std::string& peer, ByteView bundle_bytes, Rng& rng) {
  PARITY_ASSIGN(OlmBundle b, decode_bundle(bundle_bytes));

  OlmObject util(OlmObject::Kind::utility);
  std::string ed_key = b64_encode(b.identity_ed25519);
  std::string sig = b64_encode(b.signature);  // olm_ed25519_verify may overwrite it
  Bytes signed_part = bundle_signed_part(b.identity_curve25519, b.onetime_key);
  if (olm_ed25519_verify(util.utility(), ed_key.data(), ed_key.size(), signed_part.data(), signed_part.size(),
                         sig.data(), sig.size()) == olm_error()) {
    Error e = util.utility_error("olm_ed25519_verify");
    if (e.code == Errc::bad_mac) e.code = Errc::bad_signature;  // olm says BAD_MESSAGE_MAC
    return e;
  }

  auto trusted = trusted_.find(peer);
  if (trusted != trusted_.end() && trusted->second != b.identity_curve25519) {
    return make_error(Errc::untrusted_identity, "peer's curve25519 identity changed");
  }

  auto session = std::make_unique<OlmObject>(OlmObject::Kind::session);
  std::string their_identity = b64_encode(b.identity_curve25519);
  std::string their_onetime = b64_encode(b.onetime_key);
  SecretBuffer random(rng, olm_create_outbound_session_random_length(session->session()));
  if (olm_create_outbound_session(session->session(), account_->account(), their_identity.data(), their_identity.size(),
                                  their_onetime.data(), their_onetime.size(), random.data(),
                                  random.size()) == olm_error()) {
    return session->session_error("olm_create_outbound_session");
  }
  sessions_[peer] = std::move(session);
  trusted_[peer] = b.identity_curve25519;
  return {};
}

Result<signal::Ciphertext> Device::encrypt(const std::string& peer, ByteView plaintext, Rng& rng) {
  auto it = sessions_.find(peer);
  if (it == sessions_.end()) return make_error(Errc::no_session, "no olm session with " + peer);
  OlmSession* s = it->second->session();

  size_t type = olm_encrypt_message_type(s);
  if (type == olm_error()) return it->second->session_error("olm_encrypt_message_type");
  SecretBuffer random(rng, olm_encrypt_random_length(s));
  std::string message(olm_encrypt_message_length(s, plaintext.size()), '\0');
  size_t n =
      olm_encrypt(s, plaintext.data(), plaintext.size(), random.data(), random.size(), message.data(), message.size());
  if (n == olm_error()) return it->second->session_error("olm_encrypt");
  message.resize(n);

  signal::Ciphertext out;
  out.kind = type == OLM_MESSAGE_TYPE_PRE_KEY ? signal::MessageKind::prekey : signal::MessageKind::message;
  PARITY_ASSIGN(out.bytes, b64_decode(message));
  return out;
}

namespace {

Error session_error_of(OlmSession* s, std::string_view context) {
  return from_olm(olm_session_last_error_code(s), olm_session_last_error(s), context);
}

// olm_decrypt_into decrypts with one session; libolm leaves the session unchanged when
// it fails (it advances chains only after the MAC verifies).
Result<Bytes> olm_decrypt_into(OlmSession* s, size_t type, const std::string& message_b64) {
  std::string scratch = message_b64;  // libolm destroys its input buffer
  size_t max = olm_decrypt_max_plaintext_length(s, type, scratch.data(), scratch.size());
  if (max == olm_error()) return session_error_of(s, "olm_decrypt_max_plaintext_length");
  scratch = message_b64;
  SecretBuffer plaintext(max);
  size_t n = olm_decrypt(s, type, scratch.data(), scratch.size(), plaintext.data(), plaintext.size());
  if (n == olm_error()) return session_error_of(s, "olm_decrypt");
  return plaintext.take(n);
}

}  // namespace

namespace {

// copy_session duplicates a session through its pickle, so it can be tried and dropped.
Result<std::unique_ptr<Device::OlmObject>> copy_session(const Device::OlmObject& from) {
  std::string pickle(olm_pickle_session_length(from.session()), '\0');
  size_t n = olm_pickle_session(from.session(), kPickleKey.data(), kPickleKey.size(), pickle.data(), pickle.size());
  if (n == olm_error()) return from.session_error("olm_pickle_session");
  pickle.resize(n);
  auto copy = std::make_unique<Device::OlmObject>(Device::OlmObject::Kind::session);
  size_t r = olm_unpickle_session(copy->session(), kPickleKey.data(), kPickleKey.size(), pickle.data(), pickle.size());
  secure_wipe(pickle.data(), pickle.size());
  if (r == olm_error()) return copy->session_error("olm_unpickle_session");
  return copy;
}

}  // namespace

Result<Device::PendingDecrypt> Device::decrypt_pending(const std::string& peer, const signal::Ciphertext& ciphertext,
                                                       Attempt attempt) {
  // In place is safe for decrypt alone: libolm leaves a session unchanged when it fails.
  auto try_on = [&](OlmObject& current, size_t type, const std::string& msg, PendingDecrypt& out_) -> Status {
    OlmObject* s = &current;
    if (attempt == Attempt::on_copy) {
      PARITY_ASSIGN(out_.session, copy_session(current));
      s = out_.session.get();
    }
    PARITY_ASSIGN(out_.plaintext, olm_decrypt_into(s->session(), type, msg));
    return {};
  };
  std::string message = b64_encode(ciphertext.bytes);
  auto it = sessions_.find(peer);
  PendingDecrypt out;

  if (ciphertext.kind == signal::MessageKind::message) {
    if (it == sessions_.end()) return make_error(Errc::no_session, "no olm session with " + peer);
    PARITY_TRY(try_on(*it->second, OLM_MESSAGE_TYPE_MESSAGE, message, out));
    return out;
  }

  PARITY_ASSIGN(Key32 identity, prekey_identity(ciphertext.bytes));
  auto trusted = trusted_.find(peer);
  if (trusted != trusted_.end() && trusted->second != identity) {
    return make_error(Errc::untrusted_identity, "peer's curve25519 identity changed");
  }
  std::string identity_b64 = b64_encode(identity);

  // A prekey message of the current session (the peer has not yet seen our answer).
  if (it != sessions_.end()) {
    std::string scratch = message;
    size_t match = olm_matches_inbound_session_from(it->second->session(), identity_b64.data(), identity_b64.size(),
                                                    scratch.data(), scratch.size());
    if (match == olm_error()) return it->second->session_error("olm_matches_inbound_session_from");
    if (match == 1) {
      PARITY_TRY(try_on(*it->second, OLM_MESSAGE_TYPE_PRE_KEY, message, out));
      return out;
    }
  }

  // A new inbound session: installed, and its one-time key spent, only by commit.
  out.session = std::make_unique<OlmObject>(OlmObject::Kind::session);
  std::string scratch = message;
  if (olm_create_inbound_session_from(out.session->session(), account_->account(), identity_b64.data(),
                                      identity_b64.size(), scratch.data(), scratch.size()) == olm_error()) {
    return out.session->session_error("olm_create_inbound_session_from");
  }
  PARITY_ASSIGN(out.plaintext, olm_decrypt_into(out.session->session(), OLM_MESSAGE_TYPE_PRE_KEY, message));
  out.new_identity = identity;
  return out;
}

Status Device::commit(const std::string& peer, PendingDecrypt& pending) {
  if (pending.new_identity) {
    if (olm_remove_one_time_keys(account_->account(), pending.session->session()) == olm_error()) {
      // Cannot happen after the session was made from that key; refuse rather than keep it.
      return account_->account_error("olm_remove_one_time_keys");
    }
    trusted_[peer] = *pending.new_identity;
  }
  if (pending.session) sessions_[peer] = std::move(pending.session);  // else decrypted in place
  return {};
}

Result<Bytes> Device::decrypt(const std::string& peer, const signal::Ciphertext& ciphertext, Rng& /*rng*/) {
  PARITY_ASSIGN(PendingDecrypt pending, decrypt_pending(peer, ciphertext, Attempt::in_place));
  PARITY_TRY(commit(peer, pending));
  return std::move(pending.plaintext);
}

bool Device::has_session(const std::string& peer) const {
  return sessions_.contains(peer);
}

// Export format: "POLM" | version 2 | blob(account pickle) | u32 n | n x (blob(peer) |
// curve25519 identity) | u32 m | m x (blob(peer) | blob(session pickle)) | groups
// (olm_group.cc); blob = u32 big-endian length then bytes; peers ascending and unique;
// nothing after.
Result<Bytes> Device::serialize() const {
  Bytes out(kStateMagic.begin(), kStateMagic.end());
  out.push_back(kStateVersion);

  OlmAccount* acct = account_->account();
  std::string pickle(olm_pickle_account_length(acct), '\0');
  size_t n = olm_pickle_account(acct, kPickleKey.data(), kPickleKey.size(), pickle.data(), pickle.size());
  if (n == olm_error()) return account_->account_error("olm_pickle_account");
  pickle.resize(n);
  put_blob(out, pickle);

  put_u32(out, static_cast<uint32_t>(trusted_.size()));
  for (const auto& [peer, key] : trusted_) {
    put_blob(out, peer);
    out.insert(out.end(), key.begin(), key.end());
  }
  put_u32(out, static_cast<uint32_t>(sessions_.size()));
  for (const auto& [peer, session] : sessions_) {
    OlmSession* s = session->session();
    pickle.assign(olm_pickle_session_length(s), '\0');
    n = olm_pickle_session(s, kPickleKey.data(), kPickleKey.size(), pickle.data(), pickle.size());
    if (n == olm_error()) return session->session_error("olm_pickle_session");
    pickle.resize(n);
    put_blob(out, peer);
    put_blob(out, pickle);
  }
  secure_wipe(pickle.data(), pickle.size());
  PARITY_TRY(serialize_groups(out));
  return out;
}

Result<Device> Device::deserialize(ByteView data) {
  if (data.size() < kStateMagic.size() + 1 || !std::equal(kStateMagic.begin(), kStateMagic.end(), data.begin())) {
    return make_error(Errc::malformed, "not an olm device export");
  }
  if (data[kStateMagic.size()] != kStateVersion) return make_error(Errc::bad_version, "olm export version");
  Reader r{data, kStateMagic.size() + 1};

  Device d;
  d.account_ = std::make_unique<OlmObject>(OlmObject::Kind::account);
  std::string pickle;
  if (!r.blob(pickle)) return make_error(Errc::malformed, "olm export: account");
  if (olm_unpickle_account(d.account_->account(), kPickleKey.data(), kPickleKey.size(), pickle.data(), pickle.size()) ==
      olm_error()) {
    return d.account_->account_error("olm_unpickle_account");
  }
  PARITY_TRY(d.load_identity_keys());

  uint32_t count = 0;
  if (!r.u32(count)) return make_error(Errc::malformed, "olm export: trusted count");
  for (uint32_t i = 0; i < count; ++i) {
    std::string peer;
    Key32 key{};
    if (!r.blob(peer) || !r.key(key)) return make_error(Errc::malformed, "olm export: trusted entry");
    if (!d.trusted_.empty() && d.trusted_.rbegin()->first >= peer) {
      return make_error(Errc::malformed, "olm export: peers not ascending");
    }
    d.trusted_.emplace(std::move(peer), key);
  }
  if (!r.u32(count)) return make_error(Errc::malformed, "olm export: session count");
  for (uint32_t i = 0; i < count; ++i) {
    std::string peer;
    if (!r.blob(peer) || !r.blob(pickle)) return make_error(Errc::malformed, "olm export: session entry");
    if (!d.sessions_.empty() && d.sessions_.rbegin()->first >= peer) {
      return make_error(Errc::malformed, "olm export: peers not ascending");
    }
    auto session = std::make_unique<OlmObject>(OlmObject::Kind::session);
    if (olm_unpickle_session(session->session(), kPickleKey.data(), kPickleKey.size(), pickle.data(), pickle.size()) ==
        olm_error()) {
      return session->session_error("olm_unpickle_session");
    }
    d.sessions_.emplace(std::move(peer), std::move(session));
  }
  PARITY_TRY(d.deserialize_groups(r));
  if (r.pos != data.size()) return make_error(Errc::malformed, "olm export: trailing bytes");
  return d;
}

}  // namespace parity::olm
