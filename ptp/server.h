// server.h: the target side of PTP/1. A built-in target is an Adapter; serve() does
// framing, ids, hello, the inject-field rule, error responses and end of input.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "ptp/ptp.h"

namespace parity::ptp {

// HelloInfo is what a target declares in its hello response.
struct HelloInfo {
  std::string implementation;
  std::string version;
  std::string protocol;  // signal-v3, olm-v1 or custom:NAME
  std::vector<std::string> capabilities;
  Json limits = Json::object();
  // extra are hello fields besides the core ones (PTP 1.3: group_roster, group_bundles,
  // group_reads_own), written as given.
  Json extra = Json::object();
};

// DeliveryKind is what a group delivery carries (PTP 1.3).
enum class DeliveryKind { control, application };
std::string_view to_string(DeliveryKind kind);

// Delivery is one entry of a group op's `deliveries`: the suite, as the server, routes it
// to `to` with group_receive.
struct Delivery {
  std::string to;
  Bytes envelope;
  DeliveryKind kind = DeliveryKind::application;
  bool operator==(const Delivery&) const = default;
};

// deliveries_reply is a group op's success body {"deliveries": [...]}, in order.
Json deliveries_reply(const std::vector<Delivery>& deliveries);

// Reply is a success body (fields besides id and ok) or a failure.
using Reply = std::variant<Json, Failure>;

inline Reply fail(ErrorCode code, std::string detail) {
  return Failure{code, std::move(detail)};
}
// fail_from maps a reference Error to its PTP code.
inline Reply fail_from(const Error& e) {
  return Failure{from_errc(e.code), std::string(to_string(e.code)) + ": " + e.detail};
}
// bad answers a request whose fields do not parse (`bad_request`).
inline Reply bad(const Error& e) {
  return fail(ErrorCode::bad_request, e.detail);
}

// PTP_TRY declares `decl` from a Result, or answers bad_request with its error.
#define PTP_TRY(decl, expr)                    \
  auto decl##_r = (expr);                      \
  if (!decl##_r) return bad(decl##_r.error()); \
  auto decl = std::move(decl##_r).value()

// The typed requests, one per op but hello, decoded by the server from the op's row of
// the field table (ptp/ptp.h, op_table) before the adapter sees them.
namespace request {

// Kind is a ciphertext's kind.
enum class Kind { prekey, message };

struct Reset {
  std::optional<Key32> seed;
};
struct Create {
  std::string party;
  std::optional<Key32> identity_private;
  std::optional<uint32_t> registration_id;
};
struct Bundle {
  std::string party;
  std::optional<Key32> signed_prekey_private;
  std::optional<uint32_t> signed_prekey_id;
  std::optional<Key32> onetime_prekey_private;
  std::optional<uint32_t> prekey_id;
};
struct Initiate {
  std::string party;
  std::string peer;
  Bytes bundle;
  std::optional<Key32> base_private;
  std::optional<Key32> ratchet_private;
};
struct Encrypt {
  std::string party;
  std::string peer;
  Bytes plaintext;
  std::optional<Key32> ratchet_private;
};
struct Decrypt {
  std::string party;
  std::string peer;
  Bytes ciphertext;
  Kind kind = Kind::message;
  std::optional<Key32> ratchet_private;
};
struct Export {
  std::string party;
};
struct Import {
  std::string party;
  Bytes state;
};
// Primitive carries the whole request: each primitive reads its own fields.
struct Primitive {
  std::string name;
  Json fields;
};
struct MediaEncrypt {
  std::string media_type;
  Bytes plaintext;
  std::optional<Key32> media_key;
};
struct MediaDecrypt {
  std::string media_type;
  Key32 media_key{};
  Bytes encrypted;
  Key32 file_enc_sha256{};
};
struct MediaEncryptFile {
  std::string media_type;
  std::string path;
  std::string out;
  std::optional<Key32> media_key;
};
struct MediaDecryptFile {
  std::string media_type;
  Key32 media_key{};
  Key32 file_enc_sha256{};
  std::string path;
  std::string out;
};
struct Wrap {
  std::string party;
  std::string peer;
  Bytes ciphertext;
  Kind kind = Kind::message;
  std::string stanza_id;
  std::string to;
  std::string from;
};
// Unwrap has the stanza as text or as bytes (stanza_hex); the adapter requires one.
struct Unwrap {
  std::string party;
  std::optional<Bytes> stanza_hex;
  std::optional<std::string> stanza;
  std::optional<std::string> jid;
};

// PTP 1.3, groups (groups.md). Members are party names.
struct GroupCreate {
  std::string party;
  std::string group;
  std::vector<std::string> members;      // the others
  std::map<std::string, Bytes> bundles;  // only for targets that declare group_bundles
};
struct GroupAdd {
  std::string party;
  std::string group;
  std::string member;
  std::optional<Bytes> bundle;
};
struct GroupRemove {
  std::string party;
  std::string group;
  std::string member;
};
struct GroupRoster {
  std::string party;
  std::string group;
  std::vector<std::string> members;  // the whole roster
};
// GroupEncrypt's injected keys (capability inject) are used only by a request that
// makes a sender key; chain_id is below 2^31 (the server checks).
struct GroupEncrypt {
  std::string party;
  std::string group;
  Bytes plaintext;
  std::optional<Key32> chain_key;
  std::optional<Key32> signing_private;
  std::optional<uint32_t> chain_id;
};
struct GroupUpdate {
  std::string party;
  std::string group;
};
struct GroupForge {
  std::string party;
  std::string group;
  std::string as;
  std::optional<uint64_t> iteration;
};
struct GroupReceive {
  std::string party;
  std::string group;
  std::string from;
  Bytes envelope;
};
struct GroupInfo {
  std::string party;
  std::string group;
};

}  // namespace request

// Adapter is one target's implementation of the ops: one virtual per op of PTP/1 but
// hello. An op the adapter does not override is answered `unsupported`, as an unknown
// op is. The server has checked the request's fields before the call.
class Adapter {
 public:
  virtual ~Adapter() = default;
  virtual HelloInfo hello() const = 0;

  virtual Reply reset(const request::Reset& r);
  virtual Reply create(const request::Create& r);
  virtual Reply bundle(const request::Bundle& r);
  virtual Reply initiate(const request::Initiate& r);
  virtual Reply encrypt(const request::Encrypt& r);
  virtual Reply decrypt(const request::Decrypt& r);
  virtual Reply export_state(const request::Export& r);
  virtual Reply import_state(const request::Import& r);
  virtual Reply primitive(const request::Primitive& r);
  virtual Reply media_encrypt(const request::MediaEncrypt& r);
  virtual Reply media_decrypt(const request::MediaDecrypt& r);
  virtual Reply media_encrypt_file(const request::MediaEncryptFile& r);
  virtual Reply media_decrypt_file(const request::MediaDecryptFile& r);
  virtual Reply wrap(const request::Wrap& r);
  virtual Reply unwrap(const request::Unwrap& r);
  // PTP 1.3 groups: group_* answer {"deliveries": [...]} (deliveries_reply), but
  // group_forge ({"envelope"}), group_receive ({"kind", "plaintext"}) and group_info
  // ({"members", "epoch"?, "epoch_number"?, "removed"?}).
  virtual Reply group_create(const request::GroupCreate& r);
  virtual Reply group_add(const request::GroupAdd& r);
  virtual Reply group_remove(const request::GroupRemove& r);
  virtual Reply group_roster(const request::GroupRoster& r);
  virtual Reply group_encrypt(const request::GroupEncrypt& r);
  virtual Reply group_update(const request::GroupUpdate& r);
  virtual Reply group_forge(const request::GroupForge& r);
  virtual Reply group_receive(const request::GroupReceive& r);
  virtual Reply group_info(const request::GroupInfo& r);
};

// unsupported answers an op a target does not implement.
Reply unsupported(std::string_view op);

// handle decodes a request (any op but hello) by its op's field table and calls the
// adapter's op: what serve does after its checks of hello, inject fields and
// capabilities. An unknown op is `unsupported`, a bad field `bad_request`.
Reply handle(Adapter& adapter, const Json& request);

// kMaxRequestLineBytes bounds a request line a built-in target reads (64 MiB).
inline constexpr size_t kMaxRequestLineBytes = 64u << 20;

// kInjectFields are the request fields that need the `inject` capability.
extern const std::vector<std::string> kInjectFields;

// serve runs the request loop until end of input; returns the process exit status.
int serve(Adapter& adapter, std::istream& in, std::ostream& out);

// find_party looks up a party by name among an adapter's parties.
template <class Device>
Result<Device*> find_party(std::map<std::string, Device>& parties, const std::string& name) {
  auto it = parties.find(name);
  if (it == parties.end()) return make_error(Errc::invalid_argument, "unknown party " + name);
  return &it->second;
}

}  // namespace parity::ptp
