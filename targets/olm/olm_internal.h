// olm_internal.h: what olm_device.cc and olm_group.cc share: libolm object buffers,
// libolm's base64, error mapping and the export writer/reader. Not a public header.
#pragma once

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <olm/olm.h>

#include "targets/olm/olm_device.h"

namespace parity::olm::detail {

// SecretBuffer holds random bytes or plaintext handed to libolm and wipes them on exit.
class SecretBuffer {
 public:
  explicit SecretBuffer(size_t size) : bytes_(size) {}
  SecretBuffer(Rng& rng, size_t size) : bytes_(size) { rng.fill(bytes_); }
  ~SecretBuffer() { secure_wipe(bytes_.data(), bytes_.size()); }
  SecretBuffer(const SecretBuffer&) = delete;
  SecretBuffer& operator=(const SecretBuffer&) = delete;
  uint8_t* data() { return bytes_.data(); }
  size_t size() const { return bytes_.size(); }
  Bytes take(size_t n) { return Bytes(bytes_.begin(), bytes_.begin() + static_cast<ptrdiff_t>(n)); }

 private:
  Bytes bytes_;
};

// --- base64 as libolm writes it: standard alphabet, no padding ---

inline constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

inline std::string b64_encode(ByteView in) {
  std::string out;
  out.reserve((in.size() * 4 + 2) / 3);
  size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    uint32_t v = (uint32_t{in[i]} << 16) | (uint32_t{in[i + 1]} << 8) | in[i + 2];
    out += kB64[(v >> 18) & 63];
    out += kB64[(v >> 12) & 63];
    out += kB64[(v >> 6) & 63];
    out += kB64[v & 63];
  }
  size_t rest = in.size() - i;
  if (rest == 1) {
    uint32_t v = uint32_t{in[i]} << 16;
    out += kB64[(v >> 18) & 63];
    out += kB64[(v >> 12) & 63];
  } else if (rest == 2) {
    uint32_t v = (uint32_t{in[i]} << 16) | (uint32_t{in[i + 1]} << 8);
    out += kB64[(v >> 18) & 63];
    out += kB64[(v >> 12) & 63];
    out += kB64[(v >> 6) & 63];
  }
  return out;
}

inline int b64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

inline Result<Bytes> b64_decode(std::string_view in) {
  if (in.size() % 4 == 1) return make_error(Errc::malformed, "base64 length");
  Bytes out;
  out.reserve(in.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    int v = b64_value(c);
    if (v < 0) return make_error(Errc::malformed, "base64 character");
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<uint8_t>(acc >> bits));
    }
  }
  return out;
}

inline Result<Key32> b64_decode32(std::string_view in) {
  PARITY_ASSIGN(Bytes raw, b64_decode(in));
  if (raw.size() != 32) return make_error(Errc::malformed, "expected a 32-byte key");
  Key32 k{};
  std::copy(raw.begin(), raw.end(), k.begin());
  return k;
}

// from_olm maps a libolm error to Errc; the olm error string becomes the detail.
inline Error from_olm(OlmErrorCode code, const char* what, std::string_view context) {
  Errc errc = Errc::internal;
  switch (code) {
    case OLM_BAD_MESSAGE_MAC:
      errc = Errc::bad_mac;
      break;
    case OLM_BAD_MESSAGE_KEY_ID:
      errc = Errc::unknown_prekey;
      break;
    case OLM_BAD_MESSAGE_FORMAT:
      errc = Errc::malformed;
      break;
    case OLM_BAD_MESSAGE_VERSION:
      errc = Errc::bad_version;
      break;
    case OLM_BAD_SIGNATURE:
      errc = Errc::bad_signature;
      break;
    case OLM_BAD_SESSION_KEY:
      errc = Errc::malformed;
      break;
    // Megolm: a message index before the inbound session's first known one.
    case OLM_UNKNOWN_MESSAGE_INDEX:
      errc = Errc::duplicate_message;
      break;
    // Only a damaged export reaches these (we always pass our own base64 and key).
    case OLM_INVALID_BASE64:
    case OLM_BAD_ACCOUNT_KEY:
    case OLM_UNKNOWN_PICKLE_VERSION:
    case OLM_CORRUPTED_PICKLE:
    case OLM_PICKLE_EXTRA_DATA:
      errc = Errc::malformed;
      break;
    default:
      break;
  }
  std::string detail(context);
  detail += ": ";
  detail += what != nullptr ? what : "unknown olm error";
  return make_error(errc, std::move(detail));
}

// Writer/Reader for the export format (big-endian lengths).
inline void put_u32(Bytes& out_, uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) out_.push_back(static_cast<uint8_t>(v >> s));
}
inline void put_blob(Bytes& out_, std::string_view s) {
  put_u32(out_, static_cast<uint32_t>(s.size()));
  out_.insert(out_.end(), s.begin(), s.end());
}

struct Reader {
  ByteView data;
  size_t pos = 0;
  bool u8(uint8_t& v) {
    if (data.size() - pos < 1) return false;
    v = data[pos++];
    return true;
  }
  bool u32(uint32_t& v) {
    if (data.size() - pos < 4) return false;
    v = 0;
    for (int i = 0; i < 4; ++i) v = (v << 8) | data[pos++];
    return true;
  }
  bool blob(std::string& s) {
    uint32_t n = 0;
    if (!u32(n) || data.size() - pos < n) return false;
    s.assign(reinterpret_cast<const char*>(data.data() + pos), n);
    pos += n;
    return true;
  }
  bool key(Key32& k) {
    if (data.size() - pos < 32) return false;
    std::copy_n(data.begin() + static_cast<ptrdiff_t>(pos), 32, k.begin());
    pos += 32;
    return true;
  }
};

}  // namespace parity::olm::detail

namespace parity::olm {

// OlmObject is one libolm object (account, session or utility) in a buffer it owns;
// the destructor clears the object, which wipes its keys.
struct Device::OlmObject {
  enum class Kind { account, session, utility, outbound_group, inbound_group };

  explicit OlmObject(Kind k) : kind(k) {
    switch (kind) {
      case Kind::account:
        memory = std::make_unique<uint8_t[]>(olm_account_size());
        handle = olm_account(memory.get());
        break;
      case Kind::session:
        memory = std::make_unique<uint8_t[]>(olm_session_size());
        handle = olm_session(memory.get());
        break;
      case Kind::utility:
        memory = std::make_unique<uint8_t[]>(olm_utility_size());
        handle = olm_utility(memory.get());
        break;
      case Kind::outbound_group:
        memory = std::make_unique<uint8_t[]>(olm_outbound_group_session_size());
        handle = olm_outbound_group_session(memory.get());
        break;
      case Kind::inbound_group:
        memory = std::make_unique<uint8_t[]>(olm_inbound_group_session_size());
        handle = olm_inbound_group_session(memory.get());
        break;
    }
  }
  ~OlmObject() {
    switch (kind) {
      case Kind::account:
        olm_clear_account(account());
        break;
      case Kind::session:
        olm_clear_session(session());
        break;
      case Kind::utility:
        olm_clear_utility(utility());
        break;
      case Kind::outbound_group:
        olm_clear_outbound_group_session(outbound());
        break;
      case Kind::inbound_group:
        olm_clear_inbound_group_session(inbound());
        break;
    }
  }
  OlmObject(const OlmObject&) = delete;
  OlmObject& operator=(const OlmObject&) = delete;

  OlmAccount* account() const { return static_cast<OlmAccount*>(handle); }
  OlmSession* session() const { return static_cast<OlmSession*>(handle); }
  OlmUtility* utility() const { return static_cast<OlmUtility*>(handle); }
  OlmOutboundGroupSession* outbound() const { return static_cast<OlmOutboundGroupSession*>(handle); }
  OlmInboundGroupSession* inbound() const { return static_cast<OlmInboundGroupSession*>(handle); }

  Error account_error(std::string_view context) const {
    return detail::from_olm(olm_account_last_error_code(account()), olm_account_last_error(account()), context);
  }
  Error session_error(std::string_view context) const {
    return detail::from_olm(olm_session_last_error_code(session()), olm_session_last_error(session()), context);
  }
  Error outbound_error(std::string_view context) const {
    return detail::from_olm(olm_outbound_group_session_last_error_code(outbound()),
                            olm_outbound_group_session_last_error(outbound()), context);
  }
  Error inbound_error(std::string_view context) const {
    return detail::from_olm(olm_inbound_group_session_last_error_code(inbound()),
                            olm_inbound_group_session_last_error(inbound()), context);
  }
  Error utility_error(std::string_view context) const {
    return detail::from_olm(olm_utility_last_error_code(utility()), olm_utility_last_error(utility()), context);
  }

  Kind kind;
  std::unique_ptr<uint8_t[]> memory;
  void* handle = nullptr;
};

// PendingDecrypt is a decrypted pairwise message whose session is not yet installed.
struct Device::PendingDecrypt {
  Bytes plaintext;
  std::unique_ptr<OlmObject> session;  // the advanced copy or a new inbound session; null: in place
  std::optional<Key32> new_identity;   // set for a new inbound session (spends a one-time key)
};

// GroupState is one Megolm group as one member sees it (roster "server").
struct Device::GroupState {
  // Inbound is a received Megolm session: libolm keeps its first known ratchet, so it
  // reads any later index; `seen` are the indices read, refused a second time (replays),
  // held in memory only as Matrix clients hold them (not exported: olm_group.cc).
  struct Inbound {
    std::unique_ptr<OlmObject> session;
    std::set<uint32_t> seen;
  };

  std::string self;                     // this member's party name (a clone keeps the original's)
  std::vector<std::string> roster;      // as announced, order kept (deliveries follow it)
  bool removed = false;                 // announced a roster without itself
  std::unique_ptr<OlmObject> outbound;  // null before the first send and after a removal of self
  std::set<std::string> sent_to;        // members sent the current outbound session's key
  bool rotate = false;                  // start a new outbound session before the next send
  // Inbound sessions by sender (the pairwise peer that delivered the key, or self for
  // its own sessions, as Matrix clients keep them) then by session id (Ed25519 key).
  std::map<std::string, std::map<Key32, Inbound>> inbound;
};

}  // namespace parity::olm
