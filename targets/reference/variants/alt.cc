#include "targets/reference/variants/alt.h"

#include <algorithm>
#include <memory>
#include <string>

#include <openssl/evp.h>

#include "reference/wire/protobuf.h"
#include "reference/wire/public_key.h"

namespace parity::variants {

namespace {

constexpr size_t kTagLength = 16;
constexpr size_t kNonceLength = 12;

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

// header is the message without its ciphertext: version byte and protobuf fields 1 to 3,
// encoded as the strict decoder requires, so it is also the prefix of a received message.
Bytes header(const wire::SignalMessage& m) {
  wire::ProtoWriter w;
  w.bytes_field(1, wire::serialize_key(m.ratchet_key));
  w.uint32_field(2, m.counter);
  if (m.previous_counter) w.uint32_field(3, *m.previous_counter);
  Bytes out;
  out.reserve(1 + w.bytes().size());
  out.push_back(m.format.version_byte);
  out.insert(out.end(), w.bytes().begin(), w.bytes().end());
  return out;
}

// associated_data binds both identities and the header into the AEAD.
Bytes associated_data(const Key32& sender, const Key32& receiver, ByteView head) {
  return concat({wire::serialize_key(sender), wire::serialize_key(receiver), head});
}

// chacha20_poly1305_seal returns ciphertext || 16-byte tag.
Result<Bytes> chacha20_poly1305_seal(const Key32& key, ByteView nonce, ByteView aad, ByteView plaintext) {
  CipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  if (!ctx) return make_error(Errc::crypto_failure, "EVP_CIPHER_CTX_new failed");
  int len = 0;
  Bytes out(plaintext.size() + kTagLength);
  if (EVP_EncryptInit_ex(ctx.get(), EVP_chacha20_poly1305(), nullptr, key.data(), nonce.data()) != 1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, aad.data(), static_cast<int>(aad.size())) != 1 ||
      EVP_EncryptUpdate(ctx.get(), out.data(), &len, plaintext.data(), static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), out.data() + len, &len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_GET_TAG, static_cast<int>(kTagLength),
                          out.data() + plaintext.size()) != 1) {
    return make_error(Errc::crypto_failure, "ChaCha20-Poly1305 encryption failed");
  }
  return out;
}

// chacha20_poly1305_open checks the trailing tag and decrypts; a wrong tag is bad_mac.
Result<Bytes> chacha20_poly1305_open(const Key32& key, ByteView nonce, ByteView aad, ByteView sealed) {
  if (sealed.size() < kTagLength) return make_error(Errc::bad_mac, "ciphertext shorter than its tag");
  CipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  if (!ctx) return make_error(Errc::crypto_failure, "EVP_CIPHER_CTX_new failed");
  const size_t n = sealed.size() - kTagLength;
  Bytes tag(sealed.begin() + static_cast<std::ptrdiff_t>(n), sealed.end());
  Bytes out(n);
  int len = 0;
  if (EVP_DecryptInit_ex(ctx.get(), EVP_chacha20_poly1305(), nullptr, key.data(), nonce.data()) != 1 ||
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, aad.data(), static_cast<int>(aad.size())) != 1 ||
      EVP_DecryptUpdate(ctx.get(), out.data(), &len, sealed.data(), static_cast<int>(n)) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_SET_TAG, static_cast<int>(kTagLength), tag.data()) != 1) {
    return make_error(Errc::crypto_failure, "ChaCha20-Poly1305 decryption failed");
  }
  if (EVP_DecryptFinal_ex(ctx.get(), out.data() + len, &len) != 1) {
    secure_wipe(out.data(), out.size());
    return make_error(Errc::bad_mac, "AEAD tag does not verify");
  }
  return out;
}

// AltScheme: ChaCha20-Poly1305 with both identities and the header as associated data.
// The message key's MAC key is not used: the AEAD authenticates.
class AltScheme final : public signal::MessageScheme {
 public:
  wire::WireFormat wire_format() const override { return {.version_byte = kAltVersionByte, .has_mac = false}; }

  Result<Bytes> seal(wire::SignalMessage& message_, const signal::MessageKeys& keys, const Key32& sender,
                     const Key32& receiver, ByteView plaintext) const override {
    const Bytes aad = associated_data(sender, receiver, header(message_));
    PARITY_ASSIGN(message_.ciphertext,
                  chacha20_poly1305_seal(keys.cipher_key, ByteView(keys.iv).first(kNonceLength), aad, plaintext));
    return message_.serialize();
  }

  Result<Bytes> open(const wire::SignalMessage& message, ByteView raw, const signal::MessageKeys& keys,
                     const Key32& sender, const Key32& receiver, const signal::SessionHooks&) const override {
    const Bytes head = header(message);
    // The strict decoder admits one encoding only, so the header it read is the prefix
    // of what was received; anything else is not this scheme's message.
    if (raw.size() < head.size() || !std::equal(head.begin(), head.end(), raw.begin())) {
      return make_error(Errc::malformed, "message header is not in canonical form");
    }
    const Bytes aad = associated_data(sender, receiver, head);
    return chacha20_poly1305_open(keys.cipher_key, ByteView(keys.iv).first(kNonceLength), aad, message.ciphertext);
  }
};

}  // namespace

std::shared_ptr<const signal::MessageScheme> alt_scheme() {
  static const auto scheme = std::make_shared<const AltScheme>();
  return scheme;
}

void apply_alt(ptp::ReferenceConfig& config_) {
  config_.implementation = "parity-reference-alt";
  config_.protocol = "custom:parity-alt-1";
  config_.policy.rules = kAltRules;
  config_.policy.kdf = kAltKdf;
  config_.policy.scheme = alt_scheme();
  config_.declared_limits = kAltRules;  // what it keeps is what it declares
  config_.group_hooks.max_skip = kAltGroupLimits.max_skip;
  config_.group_hooks.max_skipped_keys = kAltGroupLimits.max_skipped_keys;
  config_.group_hooks.max_sender_states = kAltGroupLimits.max_sender_states;
  config_.declared_group_limits = kAltGroupLimits;
}

}  // namespace parity::variants
