// libsignal_device.cc: parity::libsignal::Device on libsignal-protocol-c 2.3.3.
#include "targets/libsignal/libsignal_device.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <string_view>

#include <signal/curve.h>
#include <signal/group_cipher.h>
#include <signal/group_session_builder.h>
#include <signal/key_helper.h>
#include <signal/protocol.h>
#include <signal/ratchet.h>
#include <signal/sender_key.h>
#include <signal/sender_key_record.h>
#include <signal/session_builder.h>
#include <signal/session_cipher.h>
#include <signal/session_pre_key.h>
#include <signal/session_record.h>

#include "targets/libsignal/internal.h"

namespace parity::libsignal {

const char* error_name(int code) {
  switch (code) {
    case SG_SUCCESS:
      return "SG_SUCCESS";
    case SG_ERR_NOMEM:
      return "SG_ERR_NOMEM";
    case SG_ERR_INVAL:
      return "SG_ERR_INVAL";
    case SG_ERR_UNKNOWN:
      return "SG_ERR_UNKNOWN";
    case SG_ERR_DUPLICATE_MESSAGE:
      return "SG_ERR_DUPLICATE_MESSAGE";
    case SG_ERR_INVALID_KEY:
      return "SG_ERR_INVALID_KEY";
    case SG_ERR_INVALID_KEY_ID:
      return "SG_ERR_INVALID_KEY_ID";
    case SG_ERR_INVALID_MAC:
      return "SG_ERR_INVALID_MAC";
    case SG_ERR_INVALID_MESSAGE:
      return "SG_ERR_INVALID_MESSAGE";
    case SG_ERR_INVALID_VERSION:
      return "SG_ERR_INVALID_VERSION";
    case SG_ERR_LEGACY_MESSAGE:
      return "SG_ERR_LEGACY_MESSAGE";
    case SG_ERR_NO_SESSION:
      return "SG_ERR_NO_SESSION";
    case SG_ERR_STALE_KEY_EXCHANGE:
      return "SG_ERR_STALE_KEY_EXCHANGE";
    case SG_ERR_UNTRUSTED_IDENTITY:
      return "SG_ERR_UNTRUSTED_IDENTITY";
    case SG_ERR_VRF_SIG_VERIF_FAILED:
      return "SG_ERR_VRF_SIG_VERIF_FAILED";
    case SG_ERR_INVALID_PROTO_BUF:
      return "SG_ERR_INVALID_PROTO_BUF";
    case SG_ERR_FP_VERSION_MISMATCH:
      return "SG_ERR_FP_VERSION_MISMATCH";
    case SG_ERR_FP_IDENT_MISMATCH:
      return "SG_ERR_FP_IDENT_MISMATCH";
    default:
      return "SG_ERR_?";
  }
}

Device::Impl::~Impl() {
  if (store_ctx != nullptr) signal_protocol_store_context_destroy(store_ctx);
  if (ctx != nullptr) signal_context_destroy(ctx);
  secure_wipe(stores.identity_private.data(), stores.identity_private.size());
}

namespace {

using Impl = Device::Impl;

constexpr uint32_t kMaxPrekeyId = PRE_KEY_MEDIUM_MAX_VALUE;

// Phase tells the error mapping what libsignal was doing when it failed.
enum class Phase { setup, decode, initiate, encrypt, decrypt, group };

bool log_mentions(const Impl& impl, std::string_view needle) {
  return std::any_of(impl.log.begin(), impl.log.end(),
                     [&](const std::string& line) { return line.find(needle) != std::string::npos; });
}

// errc_for maps a libsignal result code to parity's codes; libsignal reuses a few codes
// for several conditions, so its log lines and the phase decide between them.
Errc errc_for(const Impl& impl, int rc, Phase phase) {
  switch (rc) {
    case SG_ERR_DUPLICATE_MESSAGE:
      return Errc::duplicate_message;
    case SG_ERR_NO_SESSION:
      return Errc::no_session;
    case SG_ERR_UNTRUSTED_IDENTITY:
      return Errc::untrusted_identity;
    case SG_ERR_INVALID_KEY_ID:
      return Errc::unknown_prekey;
    case SG_ERR_LEGACY_MESSAGE:
    case SG_ERR_INVALID_VERSION:
      return Errc::bad_version;
    case SG_ERR_INVALID_PROTO_BUF:
      return Errc::malformed;
    case SG_ERR_INVALID_MAC:
      return Errc::bad_mac;
    case SG_ERR_NOMEM:
      return Errc::internal;
    case SG_ERR_INVALID_KEY:
      if (phase == Phase::initiate && log_mentions(impl, "invalid signature")) return Errc::bad_signature;
      return Errc::invalid_key;
    case SG_ERR_INVALID_MESSAGE:
      if (phase == Phase::decode) return Errc::malformed;
      if (log_mentions(impl, "messages into the future")) return Errc::counter_too_far;
      // group_cipher_decrypt turns "no state of this key id" (SG_ERR_INVALID_KEY_ID) into
      // SG_ERR_INVALID_MESSAGE; sender_key_record_get_sender_key_state_by_id logs it.
      if (phase == Phase::group && log_mentions(impl, "No keys for")) return Errc::no_session;
      if (log_mentions(impl, "Message version")) return Errc::bad_version;
      return Errc::bad_mac;
    case SG_ERR_INVAL:
      // The deserialisers answer short input with INVAL; curve_verify_signature answers a
      // signature of the wrong length with it.
      if (phase == Phase::decode) return Errc::malformed;
      return phase == Phase::initiate ? Errc::bad_signature : Errc::invalid_argument;
    case SG_ERR_UNKNOWN:
      if (impl.bad_padding) return Errc::bad_padding;
      return Errc::internal;
    default:
      return Errc::internal;
  }
}

Error lib_error(const Impl& impl, int rc, Phase phase, std::string_view what) {
  std::string detail = std::string(what) + ": libsignal " + error_name(rc) + " (" + std::to_string(rc) + ")";
  if (impl.bad_padding) detail += "; bad CBC padding";
  for (const std::string& line : impl.log) detail += "; " + line;
  return make_error(errc_for(impl, rc, phase), std::move(detail));
}

void log_line(int, const char* message, size_t len, void* user_data) {
  static_cast<Impl*>(user_data)->log.emplace_back(message, len);
}

// transact runs `f` with the per-operation state cleared and restores the stores when
// it fails, so every operation is atomic.
template <class F>
auto transact(Impl& impl, F&& f) -> decltype(f()) {
  Stores saved = impl.stores;
  impl.begin();
  auto r = f();
  if (!r.ok()) impl.stores = std::move(saved);
  impl.queued.clear();  // unused injected bytes must not leak into later draws
  impl.every_key.reset();
  return r;
}

Bytes wire_key(const Key32& k) {
  Bytes b{0x05};
  b.insert(b.end(), k.begin(), k.end());
  return b;
}

Result<Ref<ec_public_key>> decode_public(const Impl& impl, const Key32& k, std::string_view what) {
  Bytes b = wire_key(k);
  Ref<ec_public_key> key;
  int rc = curve_decode_point(key.slot(), b.data(), b.size(), impl.ctx);
  if (rc < 0) return lib_error(impl, rc, Phase::decode, what);
  return key;
}

Result<Key32> raw_public(const Impl& impl, const ec_public_key* key) {
  BufferSlot b;
  int rc = ec_public_key_serialize(b.slot(), key);
  if (rc < 0) return lib_error(impl, rc, Phase::setup, "ec_public_key_serialize");
  Bytes bytes = b.bytes();
  if (bytes.size() != 33 || bytes[0] != 0x05) return make_error(Errc::internal, "public key not 0x05 || 32 bytes");
  Key32 k{};
  std::copy(bytes.begin() + 1, bytes.end(), k.begin());
  return k;
}

signal_protocol_address address_of(const std::string& peer) {
  return {peer.c_str(), peer.size(), 1};
}

signal_protocol_sender_key_name sender_key_name(const std::string& group, const std::string& name) {
  return {group.c_str(), group.size(), {name.c_str(), name.size(), 1}};
}

struct GroupBuilderDeleter {
  void operator()(group_session_builder* b) const { group_session_builder_free(b); }
};
struct GroupCipherDeleter {
  void operator()(group_cipher* c) const { group_cipher_free(c); }
};

// serialized_bytes copies a ciphertext message's serialisation (owned by the message).
Bytes serialized_bytes(ciphertext_message* message) {
  signal_buffer* b = ciphertext_message_get_serialized(message);
  const uint8_t* d = signal_buffer_const_data(b);
  return Bytes(d, d + signal_buffer_len(b));
}

struct BuilderDeleter {
  void operator()(session_builder* b) const { session_builder_free(b); }
};
struct CipherDeleter {
  void operator()(session_cipher* c) const { session_cipher_free(c); }
};

// open makes a fresh Impl with its signal_context, crypto provider and stores.
Result<std::unique_ptr<Impl>> open(Rng& rng) {
  auto impl = std::make_unique<Impl>();
  impl->rng = &rng;
  int rc = signal_context_create(&impl->ctx, impl.get());
  if (rc < 0) return make_error(Errc::internal, "signal_context_create failed");
  signal_crypto_provider provider = make_crypto_provider(impl.get());
  rc = signal_context_set_crypto_provider(impl->ctx, &provider);
  if (rc >= 0) rc = signal_context_set_log_function(impl->ctx, log_line);
  if (rc >= 0) rc = signal_protocol_store_context_create(&impl->store_ctx, impl->ctx);
  if (rc >= 0) rc = install_stores(impl.get());
  if (rc < 0) return lib_error(*impl, rc, Phase::setup, "setting up libsignal");
  return impl;
}

// --- a small strict binary format for serialize() ---------------------------------

class Writer {
 public:
  void u32(uint32_t v) {
    for (int i = 3; i >= 0; --i) out_.push_back(static_cast<uint8_t>(v >> (8 * i)));
  }
  void bytes(ByteView b) {
    u32(static_cast<uint32_t>(b.size()));
    out_.insert(out_.end(), b.begin(), b.end());
  }
  void str(const std::string& s) { bytes(view(s)); }
  Bytes take() { return std::move(out_); }

 private:
  Bytes out_;
};

class Reader {
 public:
  explicit Reader(ByteView in) : in_(in) {}
  Result<uint32_t> u32() {
    if (in_.size() - pos_ < 4) return make_error(Errc::malformed, "device state truncated");
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v = (v << 8) | in_[pos_++];
    return v;
  }
  Result<Bytes> bytes() {
    PARITY_ASSIGN(uint32_t n, u32());
    if (in_.size() - pos_ < n) return make_error(Errc::malformed, "device state truncated");
    Bytes b(in_.begin() + static_cast<std::ptrdiff_t>(pos_), in_.begin() + static_cast<std::ptrdiff_t>(pos_ + n));
    pos_ += n;
    return b;
  }
  Result<std::string> str() {
    PARITY_ASSIGN(Bytes b, bytes());
    return std::string(b.begin(), b.end());
  }
  bool done() const { return pos_ == in_.size(); }

 private:
  ByteView in_;
  size_t pos_ = 0;
};

constexpr uint32_t kStateMagic = 0x504c5331;  // "PLS1"

}  // namespace

// --- Device -----------------------------------------------------------------------

Checkpoint::Checkpoint(std::unique_ptr<Stores> stores) : stores_(std::move(stores)) {}
Checkpoint::Checkpoint(Checkpoint&& other) noexcept = default;
Checkpoint& Checkpoint::operator=(Checkpoint&& other) noexcept = default;
Checkpoint::~Checkpoint() {
  if (stores_) secure_wipe(stores_->identity_private.data(), stores_->identity_private.size());
}

Device::Device(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Device::Device(Device&& other) noexcept = default;
Device& Device::operator=(Device&& other) noexcept = default;
Device::~Device() = default;

Result<Device> Device::create(Rng& rng, std::optional<Key32> identity_private,
                              std::optional<uint32_t> registration_id) {
  PARITY_ASSIGN(std::unique_ptr<Impl> impl, open(rng));
  impl->begin();
  if (identity_private) impl->queue_key(*identity_private);
  Ref<ratchet_identity_key_pair> pair;
  int rc = signal_protocol_key_helper_generate_identity_key_pair(pair.slot(), impl->ctx);
  if (rc < 0) return lib_error(*impl, rc, Phase::setup, "generating the identity key");
  BufferSlot pub;
  BufferSlot priv;
  rc = ec_public_key_serialize(pub.slot(), ratchet_identity_key_pair_get_public(pair.get()));
  if (rc >= 0) rc = ec_private_key_serialize(priv.slot(), ratchet_identity_key_pair_get_private(pair.get()));
  if (rc < 0) return lib_error(*impl, rc, Phase::setup, "serialising the identity key");
  impl->stores.identity_public = pub.bytes();
  impl->stores.identity_private = priv.bytes();
  if (registration_id) {
    impl->stores.registration_id = *registration_id;
  } else {
    rc = signal_protocol_key_helper_generate_registration_id(&impl->stores.registration_id, 0, impl->ctx);
    if (rc < 0) return lib_error(*impl, rc, Phase::setup, "generating the registration id");
  }
  impl->begin();
  return Device(std::move(impl));
}

Key32 Device::identity() const {
  Key32 k{};
  const Bytes& p = impl_->stores.identity_public;
  if (p.size() == 33) std::copy(p.begin() + 1, p.end(), k.begin());
  return k;
}

uint32_t Device::registration_id() const {
  return impl_->stores.registration_id;
}

void Device::set_rng(Rng& rng) {
  impl_->rng = &rng;
}

Result<wire::Bundle> Device::bundle(const BundleOptions& options) {
  Impl& impl = *impl_;
  return transact(impl, [&]() -> Result<wire::Bundle> {
    Stores& s = impl.stores;
    // As the reference: a given signed prekey (key or id) becomes current, else the
    // current one is kept.
    if (!s.current_signed_prekey || options.signed_prekey_private || options.signed_prekey_id) {
      const uint32_t id = options.signed_prekey_id.value_or(s.next_signed_prekey_id);
      if (!options.signed_prekey_id) s.next_signed_prekey_id = s.next_signed_prekey_id % kMaxPrekeyId + 1;
      Ref<ratchet_identity_key_pair> identity;
      int rc = signal_protocol_identity_get_key_pair(impl.store_ctx, identity.slot());
      if (rc < 0) return lib_error(impl, rc, Phase::setup, "loading the identity key");
      // The helper generates the key pair first (32 random bytes, an injected key is
      // queued for them) and then signs with 64 random bytes from the Rng.
      if (options.signed_prekey_private) impl.queue_key(*options.signed_prekey_private);
      Ref<session_signed_pre_key> spk;
      rc = signal_protocol_key_helper_generate_signed_pre_key(spk.slot(), identity.get(), id, 0, impl.ctx);
      if (rc < 0) return lib_error(impl, rc, Phase::setup, "generating a signed prekey");
      rc = signal_protocol_signed_pre_key_store_key(impl.store_ctx, spk.get());
      if (rc < 0) return lib_error(impl, rc, Phase::setup, "storing the signed prekey");
      s.current_signed_prekey = id;
    }

    wire::Bundle b;
    b.registration_id = s.registration_id;
    b.device_id = 1;
    b.identity_key = identity();

    Ref<session_signed_pre_key> spk;
    int rc = signal_protocol_signed_pre_key_load_key(impl.store_ctx, spk.slot(), *s.current_signed_prekey);
    if (rc < 0) return lib_error(impl, rc, Phase::setup, "loading the signed prekey");
    PARITY_ASSIGN(b.signed_prekey_public,
                  raw_public(impl, ec_key_pair_get_public(session_signed_pre_key_get_key_pair(spk.get()))));
    if (session_signed_pre_key_get_signature_len(spk.get()) != b.signed_prekey_signature.size()) {
      return make_error(Errc::internal, "signed prekey signature is not 64 bytes");
    }
    const uint8_t* sig = session_signed_pre_key_get_signature(spk.get());
    std::copy(sig, sig + b.signed_prekey_signature.size(), b.signed_prekey_signature.begin());
    b.signed_prekey_id = session_signed_pre_key_get_id(spk.get());

    if (options.with_onetime_prekey) {
      const uint32_t id = options.prekey_id.value_or(s.next_prekey_id);
      // PRE_KEY_MEDIUM_MAX_VALUE marks a last-resort key that libsignal never deletes.
      if (id == 0 || id >= kMaxPrekeyId) {
        return make_error(Errc::invalid_argument, "prekey id " + std::to_string(id) + " outside 1..16777214");
      }
      if (options.onetime_prekey_private) impl.queue_key(*options.onetime_prekey_private);
      Ref<ec_key_pair> pair;
      rc = curve_generate_key_pair(impl.ctx, pair.slot());
      if (rc < 0) return lib_error(impl, rc, Phase::setup, "generating a one-time prekey");
      Ref<session_pre_key> prekey;
      rc = session_pre_key_create(prekey.slot(), id, pair.get());
      if (rc >= 0) rc = signal_protocol_pre_key_store_key(impl.store_ctx, prekey.get());
      if (rc < 0) return lib_error(impl, rc, Phase::setup, "storing a one-time prekey");
      // Ids run over 1..PRE_KEY_MEDIUM_MAX_VALUE-1 as the key helper's do.
      if (!options.prekey_id) s.next_prekey_id = s.next_prekey_id % (kMaxPrekeyId - 1) + 1;
      b.prekey_id = id;
      PARITY_ASSIGN(Key32 pub, raw_public(impl, ec_key_pair_get_public(pair.get())));
      b.prekey_public = pub;
    }
    return b;
  });
}

Status Device::initiate(const std::string& peer, const wire::Bundle& bundle, std::optional<Key32> base_private,
                        std::optional<Key32> ratchet_private) {
  Impl& impl = *impl_;
  return transact(impl, [&]() -> Status {
    PARITY_ASSIGN(Ref<ec_public_key> identity_key, decode_public(impl, bundle.identity_key, "bundle identity key"));
    PARITY_ASSIGN(Ref<ec_public_key> signed_prekey,
                  decode_public(impl, bundle.signed_prekey_public, "bundle signed prekey"));
    Ref<ec_public_key> prekey;
    if (bundle.prekey_public) {
      PARITY_ASSIGN(prekey, decode_public(impl, *bundle.prekey_public, "bundle one-time prekey"));
    }
    Ref<session_pre_key_bundle> b;
    int rc = session_pre_key_bundle_create(b.slot(), bundle.registration_id, static_cast<int>(bundle.device_id),
                                           bundle.prekey_id.value_or(0), prekey.get(), bundle.signed_prekey_id,
                                           signed_prekey.get(), bundle.signed_prekey_signature.data(),
                                           bundle.signed_prekey_signature.size(), identity_key.get());
    if (rc < 0) return lib_error(impl, rc, Phase::decode, "session_pre_key_bundle_create");

    // libsignal draws the base key, then the first ratchet key: queue them in that order
    // (a base key drawn from the Rng keeps its place when only the ratchet key is given).
    if (base_private || ratchet_private) impl.queue_key(base_private ? *base_private : impl.rng->key32());
    if (ratchet_private) impl.queue_key(*ratchet_private);

    const signal_protocol_address address = address_of(peer);
    session_builder* raw = nullptr;
    rc = session_builder_create(&raw, impl.store_ctx, &address, impl.ctx);
    if (rc < 0) return lib_error(impl, rc, Phase::setup, "session_builder_create");
    std::unique_ptr<session_builder, BuilderDeleter> builder(raw);
    rc = session_builder_process_pre_key_bundle(builder.get(), b.get());
    if (rc < 0) return lib_error(impl, rc, Phase::initiate, "session_builder_process_pre_key_bundle");
    return {};
  });
}

Result<Ciphertext> Device::encrypt(const std::string& peer, ByteView plaintext) {
  Impl& impl = *impl_;
  return transact(impl, [&]() -> Result<Ciphertext> {
    if (!has_session(peer)) return make_error(Errc::no_session, "no session with " + peer);
    const signal_protocol_address address = address_of(peer);
    session_cipher* raw = nullptr;
    int rc = session_cipher_create(&raw, impl.store_ctx, &address, impl.ctx);
    if (rc < 0) return lib_error(impl, rc, Phase::setup, "session_cipher_create");
    std::unique_ptr<session_cipher, CipherDeleter> cipher(raw);
    static const uint8_t kEmpty[1] = {0};  // libsignal is given a valid pointer even for ""
    Ref<ciphertext_message> message;
    rc = session_cipher_encrypt(cipher.get(), plaintext.empty() ? kEmpty : plaintext.data(), plaintext.size(),
                                message.slot());
    if (rc < 0) return lib_error(impl, rc, Phase::encrypt, "session_cipher_encrypt");
    Ciphertext out;
    const int type = ciphertext_message_get_type(message.get());
    if (type == CIPHERTEXT_PREKEY_TYPE) {
      out.kind = MessageKind::prekey;
    } else if (type == CIPHERTEXT_SIGNAL_TYPE) {
      out.kind = MessageKind::message;
    } else {
      return make_error(Errc::internal, "unexpected ciphertext type " + std::to_string(type));
    }
    signal_buffer* serialized = ciphertext_message_get_serialized(message.get());  // owned by the message
    const uint8_t* d = signal_buffer_const_data(serialized);
    out.bytes.assign(d, d + signal_buffer_len(serialized));
    return out;
  });
}

Result<Bytes> Device::decrypt(const std::string& peer, const Ciphertext& ciphertext,
                              std::optional<Key32> ratchet_private) {
  Impl& impl = *impl_;
  return transact(impl, [&]() -> Result<Bytes> {
    impl.every_key = ratchet_private;
    const signal_protocol_address address = address_of(peer);
    session_cipher* raw = nullptr;
    int rc = session_cipher_create(&raw, impl.store_ctx, &address, impl.ctx);
    if (rc < 0) return lib_error(impl, rc, Phase::setup, "session_cipher_create");
    std::unique_ptr<session_cipher, CipherDeleter> cipher(raw);
    const Bytes& in = ciphertext.bytes;
    BufferSlot plaintext;
    if (ciphertext.kind == MessageKind::prekey) {
      Ref<pre_key_signal_message> message;
      rc = pre_key_signal_message_deserialize(message.slot(), in.data(), in.size(), impl.ctx);
      if (rc < 0) return lib_error(impl, rc, Phase::decode, "pre_key_signal_message_deserialize");
      rc = session_cipher_decrypt_pre_key_signal_message(cipher.get(), message.get(), nullptr, plaintext.slot());
      if (rc < 0) return lib_error(impl, rc, Phase::decrypt, "session_cipher_decrypt_pre_key_signal_message");
    } else {
      Ref<signal_message> message;
      rc = signal_message_deserialize(message.slot(), in.data(), in.size(), impl.ctx);
      if (rc < 0) return lib_error(impl, rc, Phase::decode, "signal_message_deserialize");
      rc = session_cipher_decrypt_signal_message(cipher.get(), message.get(), nullptr, plaintext.slot());
      if (rc < 0) return lib_error(impl, rc, Phase::decrypt, "session_cipher_decrypt_signal_message");
    }
    return plaintext.bytes();
  });
}

// --- groups -----------------------------------------------------------------------

Status Device::new_sender_key(const std::string& group, const std::string& self, const SenderKeyOptions& options) {
  Impl& impl = *impl_;
  return transact(impl, [&]() -> Status {
    // The id is drawn as an int32 and reduced (& 0x7fffffff) % INT32_MAX, so an id below
    // INT32_MAX comes out as queued; INT32_MAX itself cannot.
    if (options.chain_id && *options.chain_id >= 0x7fffffffu) {
      return make_error(Errc::invalid_argument, "chain_id 2147483647 cannot be made by libsignal (id % INT32_MAX)");
    }
    impl.stores.sender_keys.erase(sender_key_store_key(group, self, 1));
    // Draw order: key id (4 bytes), chain key (32), signing key (32). A key drawn from the
    // Rng keeps its place when only a later one is given.
    const bool later = options.chain_key || options.signing_private;
    if (options.chain_id || later) {
      std::array<uint8_t, 4> id{};
      if (options.chain_id) {
        const uint32_t v = *options.chain_id;
        std::memcpy(id.data(), &v, sizeof v);  // read back in host order by libsignal
      } else {
        impl.rng->fill(id);
      }
      impl.queued.insert(impl.queued.end(), id.begin(), id.end());
    }
    if (later) impl.queue_key(options.chain_key ? *options.chain_key : impl.rng->key32());
    if (options.signing_private) impl.queue_key(*options.signing_private);

    group_session_builder* raw = nullptr;
    int rc = group_session_builder_create(&raw, impl.store_ctx, impl.ctx);
    if (rc < 0) return lib_error(impl, rc, Phase::setup, "group_session_builder_create");
    std::unique_ptr<group_session_builder, GroupBuilderDeleter> builder(raw);
    const signal_protocol_sender_key_name name = sender_key_name(group, self);
    Ref<sender_key_distribution_message> skdm;
    rc = group_session_builder_create_session(builder.get(), skdm.slot(), &name);
    if (rc < 0) return lib_error(impl, rc, Phase::setup, "group_session_builder_create_session");
    return {};
  });
}

Result<Bytes> Device::sender_key_distribution(const std::string& group, const std::string& self) {
  Impl& impl = *impl_;
  return transact(impl, [&]() -> Result<Bytes> {
    // On a record that exists create_session makes nothing: it describes the current state.
    if (!has_sender_key(group, self)) return make_error(Errc::no_session, "no sender key of " + self + " in " + group);
    group_session_builder* raw = nullptr;
    int rc = group_session_builder_create(&raw, impl.store_ctx, impl.ctx);
    if (rc < 0) return lib_error(impl, rc, Phase::setup, "group_session_builder_create");
    std::unique_ptr<group_session_builder, GroupBuilderDeleter> builder(raw);
    const signal_protocol_sender_key_name name = sender_key_name(group, self);
    Ref<sender_key_distribution_message> skdm;
    rc = group_session_builder_create_session(builder.get(), skdm.slot(), &name);
    if (rc < 0) return lib_error(impl, rc, Phase::setup, "group_session_builder_create_session");
    return serialized_bytes(reinterpret_cast<ciphertext_message*>(skdm.get()));
  });
}

Result<Bytes> Device::group_encrypt(const std::string& group, const std::string& self, ByteView plaintext) {
  Impl& impl = *impl_;
  return transact(impl, [&]() -> Result<Bytes> {
    const signal_protocol_sender_key_name name = sender_key_name(group, self);
    group_cipher* raw = nullptr;
    int rc = group_cipher_create(&raw, impl.store_ctx, &name, impl.ctx);
    if (rc < 0) return lib_error(impl, rc, Phase::setup, "group_cipher_create");
    std::unique_ptr<group_cipher, GroupCipherDeleter> cipher(raw);
    static const uint8_t kEmpty[1] = {0};
    Ref<ciphertext_message> message;
    rc = group_cipher_encrypt(cipher.get(), plaintext.empty() ? kEmpty : plaintext.data(), plaintext.size(),
                              message.slot());
    if (rc < 0) return lib_error(impl, rc, Phase::encrypt, "group_cipher_encrypt");
    return serialized_bytes(message.get());
  });
}

Status Device::process_distribution(const std::string& group, const std::string& sender, ByteView distribution) {
  Impl& impl = *impl_;
  return transact(impl, [&]() -> Status {
    Ref<sender_key_distribution_message> skdm;
    int rc =
        sender_key_distribution_message_deserialize(skdm.slot(), distribution.data(), distribution.size(), impl.ctx);
    if (rc < 0) return lib_error(impl, rc, Phase::decode, "sender_key_distribution_message_deserialize");
    group_session_builder* raw = nullptr;
    rc = group_session_builder_create(&raw, impl.store_ctx, impl.ctx);
    if (rc < 0) return lib_error(impl, rc, Phase::setup, "group_session_builder_create");
    std::unique_ptr<group_session_builder, GroupBuilderDeleter> builder(raw);
    const signal_protocol_sender_key_name name = sender_key_name(group, sender);
    rc = group_session_builder_process_session(builder.get(), &name, skdm.get());
    if (rc < 0) return lib_error(impl, rc, Phase::group, "group_session_builder_process_session");
    return {};
  });
}

Result<Bytes> Device::group_decrypt(const std::string& group, const std::string& sender, ByteView message) {
  Impl& impl = *impl_;
  return transact(impl, [&]() -> Result<Bytes> {
    Ref<sender_key_message> skm;
    int rc = sender_key_message_deserialize(skm.slot(), message.data(), message.size(), impl.ctx);
    if (rc < 0) return lib_error(impl, rc, Phase::decode, "sender_key_message_deserialize");
    const signal_protocol_sender_key_name name = sender_key_name(group, sender);
    group_cipher* raw = nullptr;
    rc = group_cipher_create(&raw, impl.store_ctx, &name, impl.ctx);
    if (rc < 0) return lib_error(impl, rc, Phase::setup, "group_cipher_create");
    std::unique_ptr<group_cipher, GroupCipherDeleter> cipher(raw);
    BufferSlot plaintext;
    rc = group_cipher_decrypt(cipher.get(), skm.get(), nullptr, plaintext.slot());
    if (rc < 0) return lib_error(impl, rc, Phase::group, "group_cipher_decrypt");
    return plaintext.bytes();
  });
}

void Device::forget_sender_key(const std::string& group, const std::string& name) {
  impl_->stores.sender_keys.erase(sender_key_store_key(group, name, 1));
}

bool Device::has_sender_key(const std::string& group, const std::string& name) const {
  return impl_->stores.sender_keys.contains(sender_key_store_key(group, name, 1));
}

std::optional<Bytes> Device::sender_key_record(const std::string& group, const std::string& name) const {
  auto it = impl_->stores.sender_keys.find(sender_key_store_key(group, name, 1));
  if (it == impl_->stores.sender_keys.end()) return std::nullopt;
  return it->second;
}

Checkpoint Device::checkpoint() const {
  return Checkpoint(std::make_unique<Stores>(impl_->stores));
}

void Device::rollback(Checkpoint checkpoint) {
  if (checkpoint.stores_) impl_->stores = std::move(*checkpoint.stores_);
}

Result<SenderKeyStep> sender_key_step(const Key32& chain) {
  PARITY_ASSIGN(std::unique_ptr<Impl> impl, open(os_rng()));  // no randomness is drawn
  Buffer chain_buf(signal_buffer_create(chain.data(), chain.size()));
  if (!chain_buf) return make_error(Errc::internal, "signal_buffer_create failed");
  Ref<sender_chain_key> ck;
  int rc = sender_chain_key_create(ck.slot(), 0, chain_buf.get(), impl->ctx);
  if (rc < 0) return lib_error(*impl, rc, Phase::setup, "sender_chain_key_create");
  Ref<sender_message_key> mk;
  rc = sender_chain_key_create_message_key(ck.get(), mk.slot());
  if (rc < 0) return lib_error(*impl, rc, Phase::setup, "sender_chain_key_create_message_key");
  Ref<sender_chain_key> next;
  rc = sender_chain_key_create_next(ck.get(), next.slot());
  if (rc < 0) return lib_error(*impl, rc, Phase::setup, "sender_chain_key_create_next");
  // The buffers below are owned by the keys.
  auto copy = [](signal_buffer* b, std::span<uint8_t> out_) -> bool {
    if (b == nullptr || signal_buffer_len(b) != out_.size()) return false;
    std::memcpy(out_.data(), signal_buffer_const_data(b), out_.size());
    return true;
  };
  SenderKeyStep step;
  if (!copy(sender_chain_key_get_seed(next.get()), step.chain) ||
      !copy(sender_message_key_get_seed(mk.get()), step.seed) || !copy(sender_message_key_get_iv(mk.get()), step.iv) ||
      !copy(sender_message_key_get_cipher_key(mk.get()), step.cipher_key)) {
    return make_error(Errc::internal, "libsignal sender key of an unexpected length");
  }
  return step;
}

bool Device::has_session(const std::string& peer) const {
  return impl_->stores.sessions.contains({peer, 1});
}

std::optional<Bytes> Device::session_record(const std::string& peer) const {
  auto it = impl_->stores.sessions.find({peer, 1});
  if (it == impl_->stores.sessions.end()) return std::nullopt;
  return it->second;
}

Bytes Device::serialize() const {
  const Stores& s = impl_->stores;
  Writer w;
  w.u32(kStateMagic);
  // The identity key pair in libsignal's own serialisation.
  Bytes identity;
  {
    Ref<ec_public_key> pub;
    Ref<ec_private_key> priv;
    Ref<ratchet_identity_key_pair> pair;
    BufferSlot out;
    if (curve_decode_point(pub.slot(), s.identity_public.data(), s.identity_public.size(), impl_->ctx) >= 0 &&
        curve_decode_private_point(priv.slot(), s.identity_private.data(), s.identity_private.size(), impl_->ctx) >=
            0 &&
        ratchet_identity_key_pair_create(pair.slot(), pub.get(), priv.get()) >= 0 &&
        ratchet_identity_key_pair_serialize(out.slot(), pair.get()) >= 0) {
      identity = out.bytes();
    }
  }
  w.bytes(identity);
  secure_wipe(identity.data(), identity.size());
  w.u32(s.registration_id);
  w.u32(s.next_prekey_id);
  w.u32(s.next_signed_prekey_id);
  w.u32(s.current_signed_prekey ? 1 : 0);
  w.u32(s.current_signed_prekey.value_or(0));
  w.u32(static_cast<uint32_t>(s.trusted.size()));
  for (const auto& [name, key] : s.trusted) {
    w.str(name);
    w.bytes(key);
  }
  w.u32(static_cast<uint32_t>(s.prekeys.size()));
  for (const auto& [id, record] : s.prekeys) {
    w.u32(id);
    w.bytes(record);
  }
  w.u32(static_cast<uint32_t>(s.signed_prekeys.size()));
  for (const auto& [id, record] : s.signed_prekeys) {
    w.u32(id);
    w.bytes(record);
  }
  w.u32(static_cast<uint32_t>(s.sessions.size()));
  for (const auto& [key, record] : s.sessions) {
    w.str(key.first);
    w.u32(static_cast<uint32_t>(key.second));
    w.bytes(record);
    auto u = s.session_user_records.find(key);
    w.bytes(u == s.session_user_records.end() ? Bytes{} : u->second);
  }
  w.u32(static_cast<uint32_t>(s.sender_keys.size()));
  for (const auto& [key, record] : s.sender_keys) {
    w.str(key);
    w.bytes(record);
  }
  return w.take();
}

Result<Device> Device::deserialize(Rng& rng, ByteView data) {
  PARITY_ASSIGN(std::unique_ptr<Impl> impl, open(rng));
  Stores& s = impl->stores;
  signal_context* ctx = impl->ctx;
  Reader r(data);
  PARITY_ASSIGN(uint32_t magic, r.u32());
  if (magic != kStateMagic) return make_error(Errc::malformed, "not a parity_libsignal device state");

  PARITY_ASSIGN(Bytes identity, r.bytes());
  {
    Ref<ratchet_identity_key_pair> pair;
    int rc = ratchet_identity_key_pair_deserialize(pair.slot(), identity.data(), identity.size(), ctx);
    secure_wipe(identity.data(), identity.size());
    if (rc < 0) return lib_error(*impl, rc, Phase::decode, "identity key pair");
    BufferSlot pub;
    BufferSlot priv;
    rc = ec_public_key_serialize(pub.slot(), ratchet_identity_key_pair_get_public(pair.get()));
    if (rc >= 0) rc = ec_private_key_serialize(priv.slot(), ratchet_identity_key_pair_get_private(pair.get()));
    if (rc < 0) return lib_error(*impl, rc, Phase::decode, "identity key pair");
    s.identity_public = pub.bytes();
    s.identity_private = priv.bytes();
  }
  PARITY_ASSIGN(s.registration_id, r.u32());
  PARITY_ASSIGN(s.next_prekey_id, r.u32());
  PARITY_ASSIGN(s.next_signed_prekey_id, r.u32());
  PARITY_ASSIGN(uint32_t has_current, r.u32());
  PARITY_ASSIGN(uint32_t current, r.u32());
  if (has_current > 1 || (has_current == 0 && current != 0))
    return make_error(Errc::malformed, "bad current signed prekey");
  if (has_current == 1) s.current_signed_prekey = current;

  PARITY_ASSIGN(uint32_t n_trusted, r.u32());
  for (uint32_t i = 0; i < n_trusted; ++i) {
    PARITY_ASSIGN(std::string name, r.str());
    PARITY_ASSIGN(Bytes key, r.bytes());
    Ref<ec_public_key> k;
    int rc = curve_decode_point(k.slot(), key.data(), key.size(), ctx);
    if (rc < 0) return lib_error(*impl, rc, Phase::decode, "trusted identity of " + name);
    if (!s.trusted.emplace(std::move(name), std::move(key)).second)
      return make_error(Errc::malformed, "trusted identity twice");
  }
  PARITY_ASSIGN(uint32_t n_prekeys, r.u32());
  for (uint32_t i = 0; i < n_prekeys; ++i) {
    PARITY_ASSIGN(uint32_t id, r.u32());
    PARITY_ASSIGN(Bytes record, r.bytes());
    Ref<session_pre_key> k;
    int rc = session_pre_key_deserialize(k.slot(), record.data(), record.size(), ctx);
    if (rc < 0) return lib_error(*impl, rc, Phase::decode, "prekey " + std::to_string(id));
    if (session_pre_key_get_id(k.get()) != id) return make_error(Errc::malformed, "prekey id mismatch");
    if (!s.prekeys.emplace(id, std::move(record)).second) return make_error(Errc::malformed, "prekey twice");
  }
  PARITY_ASSIGN(uint32_t n_signed, r.u32());
  for (uint32_t i = 0; i < n_signed; ++i) {
    PARITY_ASSIGN(uint32_t id, r.u32());
    PARITY_ASSIGN(Bytes record, r.bytes());
    Ref<session_signed_pre_key> k;
    int rc = session_signed_pre_key_deserialize(k.slot(), record.data(), record.size(), ctx);
    if (rc < 0) return lib_error(*impl, rc, Phase::decode, "signed prekey " + std::to_string(id));
    if (session_signed_pre_key_get_id(k.get()) != id) return make_error(Errc::malformed, "signed prekey id mismatch");
    if (!s.signed_prekeys.emplace(id, std::move(record)).second)
      return make_error(Errc::malformed, "signed prekey twice");
  }
  if (s.current_signed_prekey && !s.signed_prekeys.contains(*s.current_signed_prekey)) {
    return make_error(Errc::malformed, "current signed prekey is not stored");
  }
  PARITY_ASSIGN(uint32_t n_sessions, r.u32());
  for (uint32_t i = 0; i < n_sessions; ++i) {
    PARITY_ASSIGN(std::string name, r.str());
    PARITY_ASSIGN(uint32_t device, r.u32());
    PARITY_ASSIGN(Bytes record, r.bytes());
    PARITY_ASSIGN(Bytes user_record, r.bytes());
    Ref<::session_record> rec;
    int rc = session_record_deserialize(rec.slot(), record.data(), record.size(), ctx);
    if (rc < 0) return lib_error(*impl, rc, Phase::decode, "session with " + name);
    SessionKey key{std::move(name), static_cast<int32_t>(device)};
    if (!user_record.empty()) s.session_user_records[key] = std::move(user_record);
    if (!s.sessions.emplace(std::move(key), std::move(record)).second)
      return make_error(Errc::malformed, "session twice");
  }
  PARITY_ASSIGN(uint32_t n_sender, r.u32());
  for (uint32_t i = 0; i < n_sender; ++i) {
    PARITY_ASSIGN(std::string key, r.str());
    PARITY_ASSIGN(Bytes record, r.bytes());
    Ref<::sender_key_record> rec;
    int rc = sender_key_record_deserialize(rec.slot(), record.data(), record.size(), ctx);
    if (rc < 0) return lib_error(*impl, rc, Phase::decode, "sender key record");
    if (!s.sender_keys.emplace(std::move(key), std::move(record)).second)
      return make_error(Errc::malformed, "sender key twice");
  }
  if (!r.done()) return make_error(Errc::malformed, "trailing bytes after device state");
  impl->begin();
  return Device(std::move(impl));
}

}  // namespace parity::libsignal
