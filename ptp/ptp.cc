#include "ptp/ptp.h"

#include <array>
#include <iterator>

namespace parity::ptp {

namespace {
constexpr std::array<std::pair<ErrorCode, std::string_view>, 9> kCodes = {{
    {ErrorCode::unsupported, "unsupported"},
    {ErrorCode::bad_request, "bad_request"},
    {ErrorCode::invalid_bundle, "invalid_bundle"},
    {ErrorCode::no_session, "no_session"},
    {ErrorCode::invalid_message, "invalid_message"},
    {ErrorCode::duplicate_message, "duplicate_message"},
    {ErrorCode::untrusted_identity, "untrusted_identity"},
    {ErrorCode::limit_exceeded, "limit_exceeded"},
    {ErrorCode::internal, "internal"},
}};

Error bad_request(std::string detail) {
  return make_error(Errc::invalid_argument, std::move(detail));
}
}  // namespace

std::string_view to_string(ErrorCode code) {
  for (const auto& [c, s] : kCodes) {
    if (c == code) return s;
  }
  return "internal";
}

std::optional<ErrorCode> parse_error_code(std::string_view s) {
  for (const auto& [c, name] : kCodes) {
    if (name == s) return c;
  }
  return std::nullopt;
}

ErrorCode from_errc(Errc code) {
  switch (code) {
    case Errc::invalid_argument:
      return ErrorCode::bad_request;
    case Errc::invalid_key:
    case Errc::bad_signature:
      return ErrorCode::invalid_bundle;
    case Errc::malformed:
    case Errc::bad_version:
    case Errc::bad_mac:
    case Errc::bad_padding:
    case Errc::unknown_prekey:
      return ErrorCode::invalid_message;
    case Errc::duplicate_message:
      return ErrorCode::duplicate_message;
    case Errc::counter_too_far:
    case Errc::limit_exceeded:
      return ErrorCode::limit_exceeded;
    case Errc::no_session:
      return ErrorCode::no_session;
    case Errc::untrusted_identity:
      return ErrorCode::untrusted_identity;
    case Errc::unsupported:
      return ErrorCode::unsupported;
    case Errc::crypto_failure:
    case Errc::internal:
      return ErrorCode::internal;
  }
  return ErrorCode::internal;
}

namespace {

using F = FieldType;
constexpr bool kRequired = true;
constexpr bool kOptional = false;

// The request fields of every op, as docs/ptp.md lists them (with its extensions:
// stanza_id, stanza_hex and jid of PTP 1.1).
constexpr FieldSpec kHello[] = {{"ptp", F::uint, kRequired}};
constexpr FieldSpec kReset[] = {{"seed", F::key32, kOptional}};
constexpr FieldSpec kCreate[] = {
    {"party", F::party, kRequired},
    {"identity_private", F::key32, kOptional},
    {"registration_id", F::id32, kOptional},
};
constexpr FieldSpec kBundle[] = {
    {"party", F::party, kRequired},           {"signed_prekey_private", F::key32, kOptional},
    {"signed_prekey_id", F::id32, kOptional}, {"onetime_prekey_private", F::key32, kOptional},
    {"prekey_id", F::id32, kOptional},
};
constexpr FieldSpec kInitiate[] = {
    {"party", F::party, kRequired},
    {"peer", F::party, kRequired},
    {"bundle", F::hex, kRequired},
    {"base_private", F::key32, kOptional},
    {"ratchet_private", F::key32, kOptional},
};
constexpr FieldSpec kEncrypt[] = {
    {"party", F::party, kRequired},
    {"peer", F::party, kRequired},
    {"plaintext", F::hex, kRequired},
    {"ratchet_private", F::key32, kOptional},
};
constexpr FieldSpec kDecrypt[] = {
    {"party", F::party, kRequired},           {"peer", F::party, kRequired},
    {"ciphertext", F::hex, kRequired},        {"kind", F::kind, kRequired},
    {"ratchet_private", F::key32, kOptional},
};
constexpr FieldSpec kExport[] = {{"party", F::party, kRequired}};
constexpr FieldSpec kImport[] = {{"party", F::party, kRequired}, {"state", F::hex, kRequired}};
constexpr FieldSpec kPrimitive[] = {{"name", F::string, kRequired}};
constexpr FieldSpec kMediaEncrypt[] = {
    {"media_type", F::string, kRequired},
    {"plaintext", F::hex, kRequired},
    {"media_key", F::key32, kOptional},
};
constexpr FieldSpec kMediaDecrypt[] = {
    {"media_type", F::string, kRequired},
    {"media_key", F::key32, kRequired},
    {"encrypted", F::hex, kRequired},
    {"file_enc_sha256", F::key32, kRequired},
};
constexpr FieldSpec kMediaEncryptFile[] = {
    {"media_type", F::string, kRequired},
    {"path", F::string, kRequired},
    {"out", F::string, kRequired},
    {"media_key", F::key32, kOptional},
};
constexpr FieldSpec kMediaDecryptFile[] = {
    {"media_type", F::string, kRequired}, {"media_key", F::key32, kRequired}, {"file_enc_sha256", F::key32, kRequired},
    {"path", F::string, kRequired},       {"out", F::string, kRequired},
};
// stanza_id, not ptp-1.md's `id`: a request's `id` is PTP's own request id (PTP 1.1).
constexpr FieldSpec kWrap[] = {
    {"party", F::party, kRequired}, {"peer", F::party, kRequired},       {"ciphertext", F::hex, kRequired},
    {"kind", F::kind, kRequired},   {"stanza_id", F::string, kRequired}, {"to", F::string, kRequired},
    {"from", F::string, kRequired},
};
// One of stanza and stanza_hex (PTP 1.1: bytes no JSON string can hold); the target
// requires one.
constexpr FieldSpec kUnwrap[] = {
    {"party", F::party, kRequired},
    {"stanza_hex", F::hex, kOptional},
    {"stanza", F::string, kOptional},
    {"jid", F::string, kOptional},
};

// PTP 1.3 (groups.md): a group is named like a party.
constexpr FieldSpec kGroupCreate[] = {
    {"party", F::party, kRequired},
    {"group", F::party, kRequired},
    {"members", F::parties, kRequired},
    {"bundles", F::bundles, kOptional},
};
constexpr FieldSpec kGroupAdd[] = {
    {"party", F::party, kRequired},
    {"group", F::party, kRequired},
    {"member", F::party, kRequired},
    {"bundle", F::hex, kOptional},
};
constexpr FieldSpec kGroupMember[] = {
    {"party", F::party, kRequired},
    {"group", F::party, kRequired},
    {"member", F::party, kRequired},
};
constexpr FieldSpec kGroupRoster[] = {
    {"party", F::party, kRequired},
    {"group", F::party, kRequired},
    {"members", F::parties, kRequired},
};
constexpr FieldSpec kGroupEncrypt[] = {
    {"party", F::party, kRequired},     {"group", F::party, kRequired},           {"plaintext", F::hex, kRequired},
    {"chain_key", F::key32, kOptional}, {"signing_private", F::key32, kOptional}, {"chain_id", F::id32, kOptional},
};
constexpr FieldSpec kGroupParty[] = {
    {"party", F::party, kRequired},
    {"group", F::party, kRequired},
};
constexpr FieldSpec kGroupForge[] = {
    {"party", F::party, kRequired},
    {"group", F::party, kRequired},
    {"as", F::party, kRequired},
    {"iteration", F::uint, kOptional},
};
constexpr FieldSpec kGroupReceive[] = {
    {"party", F::party, kRequired},
    {"group", F::party, kRequired},
    {"from", F::party, kRequired},
    {"envelope", F::hex, kRequired},
};

constexpr OpSpec kOps[] = {
    {OpCode::hello, "hello", "", kHello},
    {OpCode::reset, "reset", "", kReset},
    {OpCode::create, "create", "", kCreate},
    {OpCode::bundle, "bundle", "", kBundle},
    {OpCode::initiate, "initiate", "", kInitiate},
    {OpCode::encrypt, "encrypt", "", kEncrypt},
    {OpCode::decrypt, "decrypt", "", kDecrypt},
    {OpCode::export_state, "export", "export", kExport},
    {OpCode::import_state, "import", "import", kImport},
    {OpCode::primitive, "primitive", "primitives", kPrimitive},
    {OpCode::media_encrypt, "media_encrypt", "media", kMediaEncrypt},
    {OpCode::media_decrypt, "media_decrypt", "media", kMediaDecrypt},
    {OpCode::media_encrypt_file, "media_encrypt_file", "media_file", kMediaEncryptFile},
    {OpCode::media_decrypt_file, "media_decrypt_file", "media_file", kMediaDecryptFile},
    {OpCode::wrap, "wrap", "stanza", kWrap},
    {OpCode::unwrap, "unwrap", "stanza", kUnwrap},
    {OpCode::group_create, "group_create", "group", kGroupCreate},
    {OpCode::group_add, "group_add", "group", kGroupAdd},
    {OpCode::group_remove, "group_remove", "group", kGroupMember},
    {OpCode::group_roster, "group_roster", "group", kGroupRoster},
    {OpCode::group_encrypt, "group_encrypt", "group", kGroupEncrypt},
    {OpCode::group_update, "group_update", "group_update", kGroupParty},
    {OpCode::group_forge, "group_forge", "group_forge", kGroupForge},
    {OpCode::group_receive, "group_receive", "group", kGroupReceive},
    {OpCode::group_info, "group_info", "group", kGroupParty},
};

constexpr bool in_opcode_order() {
  for (size_t i = 0; i < std::size(kOps); ++i) {
    if (static_cast<size_t>(kOps[i].code) != i) return false;
  }
  return std::size(kOps) == static_cast<size_t>(OpCode::group_info) + 1;
}
static_assert(in_opcode_order(), "kOps lists every OpCode once, in order");

// decode_field reads one field by its type.
Result<FieldValue> decode_field(const Json& request, const FieldSpec& f) {
  const std::string name(f.name);
  switch (f.type) {
    case FieldType::party: {
      PARITY_ASSIGN(std::string s, get_string(request, name.c_str()));
      if (!valid_party_name(s)) return bad_request("field \"" + name + "\" is not a valid party name");
      return FieldValue(std::move(s));
    }
    case FieldType::string: {
      PARITY_ASSIGN(std::string s, get_string(request, name.c_str()));
      return FieldValue(std::move(s));
    }
    case FieldType::hex: {
      PARITY_ASSIGN(Bytes b, get_hex(request, name.c_str()));
      return FieldValue(std::move(b));
    }
    case FieldType::key32: {
      PARITY_ASSIGN(Key32 k, get_hex32(request, name.c_str()));
      return FieldValue(k);
    }
    case FieldType::id32: {
      PARITY_ASSIGN(uint64_t v, get_uint(request, name.c_str()));
      if (v > 0xffffffffu) return bad_request("field \"" + name + "\" exceeds 32 bits");
      return FieldValue(v);
    }
    case FieldType::uint: {
      PARITY_ASSIGN(uint64_t v, get_uint(request, name.c_str()));
      return FieldValue(v);
    }
    case FieldType::kind: {
      PARITY_ASSIGN(std::string s, get_string(request, name.c_str()));
      if (s != "prekey" && s != "message") return bad_request(name + " must be prekey or message");
      return FieldValue(std::move(s));
    }
    case FieldType::parties: {
      auto it = request.find(name);
      if (it == request.end() || !it->is_array()) return bad_request("field \"" + name + "\" is not an array");
      Parties out;
      for (const Json& p : *it) {
        if (!p.is_string() || !valid_party_name(p.get_ref<const std::string&>())) {
          return bad_request("field \"" + name + "\" holds something that is not a valid party name");
        }
        out.push_back(p.get<std::string>());
      }
      return FieldValue(std::move(out));
    }
    case FieldType::bundles: {
      auto it = request.find(name);
      if (it == request.end() || !it->is_object()) return bad_request("field \"" + name + "\" is not an object");
      BundleMap out;
      for (const auto& [party, hex] : it->items()) {
        if (!valid_party_name(party)) return bad_request("field \"" + name + "\" names an invalid party " + party);
        PARITY_ASSIGN(Bytes b, get_hex(*it, party.c_str()));
        out.emplace(party, std::move(b));
      }
      return FieldValue(std::move(out));
    }
  }
  return bad_request("field \"" + name + "\" has no type");
}

}  // namespace

std::span<const OpSpec> op_table() {
  return kOps;
}

const OpSpec& op_spec(OpCode op) {
  return kOps[static_cast<size_t>(op)];
}

std::string_view to_string(OpCode op) {
  return op_spec(op).name;
}

std::optional<OpCode> parse_op(std::string_view name) {
  for (const OpSpec& spec : kOps) {
    if (spec.name == name) return spec.code;
  }
  return std::nullopt;
}

Result<RequestFields> decode_request(OpCode op, const Json& request) {
  RequestFields out;
  for (const FieldSpec& f : op_spec(op).fields) {
    const std::string name(f.name);
    if (!f.required && !optional_field(request, name.c_str())) continue;
    PARITY_ASSIGN(FieldValue v, decode_field(request, f));
    out.set(f.name, std::move(v));
  }
  return out;
}

std::optional<Json> parse_line(std::string_view line) {
  Json j = Json::parse(line.begin(), line.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return std::nullopt;
  return j;
}

std::string dump(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Result<std::string> get_string(const Json& obj, const char* field) {
  auto it = obj.find(field);
  if (it == obj.end()) return bad_request(std::string("missing field \"") + field + "\"");
  if (!it->is_string()) return bad_request(std::string("field \"") + field + "\" is not a string");
  return it->get<std::string>();
}

Result<Bytes> get_hex(const Json& obj, const char* field) {
  PARITY_ASSIGN(std::string s, get_string(obj, field));
  for (char c : s) {
    if ((c >= 'A' && c <= 'F')) return bad_request(std::string("field \"") + field + "\" is not lowercase hex");
  }
  auto b = from_hex(s);
  if (!b) return bad_request(std::string("field \"") + field + "\": " + b.error().detail);
  return std::move(b).value();
}

Result<Key32> get_hex32(const Json& obj, const char* field) {
  PARITY_ASSIGN(Bytes b, get_hex(obj, field));
  if (b.size() != 32) {
    return bad_request(std::string("field \"") + field + "\" must be 32 bytes, got " + std::to_string(b.size()));
  }
  Key32 k{};
  std::copy(b.begin(), b.end(), k.begin());
  return k;
}

Result<uint64_t> get_uint(const Json& obj, const char* field) {
  auto it = obj.find(field);
  if (it == obj.end()) return bad_request(std::string("missing field \"") + field + "\"");
  if (!it->is_number_unsigned() && !(it->is_number_integer() && it->get<int64_t>() >= 0)) {
    return bad_request(std::string("field \"") + field + "\" is not a non-negative integer");
  }
  uint64_t v = it->get<uint64_t>();
  if (v > kMaxJsonInteger) return bad_request(std::string("field \"") + field + "\" exceeds 2^53-1");
  return v;
}

std::optional<Json> optional_field(const Json& obj, const char* field) {
  auto it = obj.find(field);
  if (it == obj.end() || it->is_null()) return std::nullopt;
  return *it;
}

bool valid_party_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '~' || c == '-';
    if (!ok) return false;
  }
  return true;
}

Json failure_response(const Json& id, ErrorCode code, std::string_view detail) {
  return Json{{"id", id}, {"ok", false}, {"error", std::string(to_string(code))}, {"detail", std::string(detail)}};
}

}  // namespace parity::ptp
