#include "reference/wire/signal_message.h"

#include <algorithm>
#include <string>

#include "reference/crypto/hash.h"
#include "reference/wire/protobuf.h"
#include "reference/wire/public_key.h"

namespace parity::wire {

namespace {

Status check_version(ByteView data, size_t min_size, uint8_t version_byte) {
  if (data.size() > kMaxMessageSize) {
    return make_error(Errc::limit_exceeded, "message of " + std::to_string(data.size()) + " bytes exceeds 1 MiB");
  }
  if (data.size() < min_size) {
    return make_error(Errc::malformed, "message of " + std::to_string(data.size()) + " bytes is too short");
  }
  if (data[0] != version_byte) {
    static constexpr char kHex[] = "0123456789abcdef";
    const std::string expected = {'0', 'x', kHex[version_byte >> 4], kHex[version_byte & 0xf]};
    return make_error(Errc::bad_version,
                      "version byte " + std::to_string(data[0]) + " at offset 0, expected " + expected);
  }
  return {};
}

std::string at(const ProtoField& f) { return " at offset " + std::to_string(f.offset + 1); }

}  // namespace

Bytes SignalMessage::body() const {
  ProtoWriter w;
  w.bytes_field(1, serialize_key(ratchet_key));
  w.uint32_field(2, counter);
  if (previous_counter) w.uint32_field(3, *previous_counter);
  w.bytes_field(4, ciphertext);
  Bytes out;
  out.reserve(w.bytes().size() + 1 + mac.size());
  out.push_back(format.version_byte);
  out.insert(out.end(), w.bytes().begin(), w.bytes().end());
  return out;
}

Bytes SignalMessage::serialize() const {
  Bytes out = body();
  if (format.has_mac) out.insert(out.end(), mac.begin(), mac.end());
  return out;
}

Result<SignalMessage> decode_signal_message(ByteView data, const WireFormat& format) {
  const size_t mac_length = format.mac_length();
  PARITY_TRY(check_version(data, 1 + mac_length + 1, format.version_byte));
  SignalMessage m;
  m.format = format;
  m.previous_counter.reset();
  ProtoReader r(data.subspan(1, data.size() - 1 - mac_length), 4);
  bool has_key = false;
  bool has_counter = false;
  bool has_ciphertext = false;
  while (!r.done()) {
    PARITY_ASSIGN(ProtoField f, r.next());
    switch (f.number) {
      case 1: {
        PARITY_ASSIGN(ByteView b, bytes_of(f));
        auto k = parse_key(b);
        if (!k) return make_error(Errc::malformed, "ratchet key: " + k.error().detail + at(f));
        m.ratchet_key = *k;
        has_key = true;
        break;
      }
      case 2: {
        PARITY_ASSIGN(m.counter, uint32_of(f));
        has_counter = true;
        break;
      }
      case 3: {
        PARITY_ASSIGN(uint32_t pc, uint32_of(f));
        m.previous_counter = pc;
        break;
      }
      case 4: {
        PARITY_ASSIGN(ByteView b, bytes_of(f));
        m.ciphertext.assign(b.begin(), b.end());
        has_ciphertext = true;
        break;
      }
      default:
        return make_error(Errc::internal, "unreachable field");
    }
  }
  if (!has_key || !has_counter || !has_ciphertext) {
    return make_error(Errc::malformed, "SignalMessage lacks ratchet key, counter or ciphertext");
  }
  std::copy(data.end() - static_cast<std::ptrdiff_t>(mac_length), data.end(), m.mac.begin());
  return m;
}

Bytes PreKeySignalMessage::serialize() const {
  ProtoWriter w;
  if (prekey_id) w.uint32_field(1, *prekey_id);
  w.bytes_field(2, serialize_key(base_key));
  w.bytes_field(3, serialize_key(identity_key));
  w.bytes_field(4, message_bytes.empty() ? message.serialize() : message_bytes);
  if (registration_id) w.uint32_field(5, *registration_id);
  w.uint32_field(6, signed_prekey_id);
  Bytes out;
  out.reserve(w.bytes().size() + 1);
  out.push_back(format.version_byte);
  out.insert(out.end(), w.bytes().begin(), w.bytes().end());
  return out;
}

Result<PreKeySignalMessage> decode_prekey_message(ByteView data, const WireFormat& format) {
  PARITY_TRY(check_version(data, 2, format.version_byte));
  PreKeySignalMessage m;
  m.format = format;
  m.registration_id.reset();
  ProtoReader r(data.subspan(1), 6);
  bool has_base = false;
  bool has_identity = false;
  bool has_message = false;
  bool has_signed = false;
  while (!r.done()) {
    PARITY_ASSIGN(ProtoField f, r.next());
    switch (f.number) {
      case 1: {
        PARITY_ASSIGN(uint32_t id, uint32_of(f));
        m.prekey_id = id;
        break;
      }
      case 2:
      case 3: {
        PARITY_ASSIGN(ByteView b, bytes_of(f));
        auto k = parse_key(b);
        if (!k) return make_error(Errc::malformed, (f.number == 2 ? "base key: " : "identity key: ") + k.error().detail + at(f));
        (f.number == 2 ? m.base_key : m.identity_key) = *k;
        (f.number == 2 ? has_base : has_identity) = true;
        break;
      }
      case 4: {
        PARITY_ASSIGN(ByteView b, bytes_of(f));
        auto inner = decode_signal_message(b, format);
        if (!inner) return make_error(inner.code(), "embedded SignalMessage: " + inner.error().detail + at(f));
        m.message = std::move(inner).value();
        m.message_bytes.assign(b.begin(), b.end());
        has_message = true;
        break;
      }
      case 5: {
        PARITY_ASSIGN(uint32_t id, uint32_of(f));
        m.registration_id = id;
        break;
      }
      case 6: {
        PARITY_ASSIGN(m.signed_prekey_id, uint32_of(f));
        has_signed = true;
        break;
      }
      default:
        return make_error(Errc::internal, "unreachable field");
    }
  }
  if (!has_base || !has_identity || !has_message || !has_signed) {
    return make_error(Errc::malformed, "PreKeySignalMessage lacks base key, identity key, message or signed prekey id");
  }
  return m;
}

std::array<uint8_t, signal::kMacLength> compute_mac(const Key32& mac_key, const Key32& sender_identity,
                                                    const Key32& receiver_identity, ByteView body) {
  Hmac256 h(mac_key);
  h.update(serialize_key(sender_identity));
  h.update(serialize_key(receiver_identity));
  h.update(body);
  Digest256 full = h.final();
  std::array<uint8_t, signal::kMacLength> mac{};
  std::copy_n(full.begin(), mac.size(), mac.begin());
  return mac;
}

}  // namespace parity::wire
