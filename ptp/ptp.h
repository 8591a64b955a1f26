// ptp.h: the PTP/1 message codec shared by the suite's client (harness/) and the
// target-side server library (ptp/server): framing, error codes, field access.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/bytes.h"

namespace parity::ptp {

using Json = nlohmann::json;

// kProtocolVersion is the PTP version this code speaks.
inline constexpr int kProtocolVersion = 1;
// kMaxLineBytes is the longest line either side accepts (16 MiB).
inline constexpr size_t kMaxLineBytes = 16u << 20;
// kMaxJsonInteger is the largest integer PTP carries (2^53 - 1).
inline constexpr uint64_t kMaxJsonInteger = (uint64_t{1} << 53) - 1;

// ErrorCode is the closed set of PTP error codes.
enum class ErrorCode {
  unsupported,
  bad_request,
  invalid_bundle,
  no_session,
  invalid_message,
  duplicate_message,
  untrusted_identity,
  limit_exceeded,
  internal,
};

std::string_view to_string(ErrorCode code);
// parse_error_code maps a wire string to a code; unknown strings have none.
std::optional<ErrorCode> parse_error_code(std::string_view s);

// from_errc maps the reference's typed errors to PTP's closed set.
ErrorCode from_errc(Errc code);

// Failure is a PTP error response's content.
struct Failure {
  ErrorCode code = ErrorCode::internal;
  std::string detail;
};

// OpCode names an op of PTP/1 (docs/ptp.md). `export` and `import` are C++ keywords or
// close to them, hence export_state and import_state; on the wire they are "export" and
// "import".
enum class OpCode {
  hello,
  reset,
  create,
  bundle,
  initiate,
  encrypt,
  decrypt,
  export_state,
  import_state,
  primitive,
  media_encrypt,
  media_decrypt,
  media_encrypt_file,
  media_decrypt_file,
  wrap,
  unwrap,
  // PTP 1.3: groups (docs/ptp.md, capabilities group, group_update, group_forge).
  group_create,
  group_add,
  group_remove,
  group_roster,
  group_encrypt,
  group_update,
  group_forge,
  group_receive,
  group_info,
};

// FieldType is how a request field is read (each refusal is a bad_request naming it).
enum class FieldType {
  party,    // a party name, [a-z0-9_.~-]{1,64}
  string,   // any JSON string
  hex,      // a byte string, lowercase hex
  key32,    // a byte string of 32 bytes
  id32,     // an integer within 0..2^32-1
  uint,     // an integer within 0..2^53-1
  kind,     // a ciphertext kind: "prekey" or "message"
  parties,  // an array of party names (PTP 1.3 `members`)
  bundles,  // an object {party: hex} (PTP 1.3 `bundles`)
};

// FieldSpec is one request field of an op: absent or null optional fields are absent.
struct FieldSpec {
  std::string_view name;
  FieldType type;
  bool required;
};

// OpSpec is one op: its wire name, the capability that adds it ("" for core ops) and its
// request fields, in the order a request is read (the first bad one is reported).
// `primitive` lists only `name`: each primitive's own fields are its business.
struct OpSpec {
  OpCode code;
  std::string_view name;
  std::string_view capability;
  std::span<const FieldSpec> fields;
};

// op_table lists every op of PTP/1, one row each, in OpCode order.
std::span<const OpSpec> op_table();
const OpSpec& op_spec(OpCode op);
std::string_view to_string(OpCode op);
// parse_op maps a wire name to its op; unknown names have none.
std::optional<OpCode> parse_op(std::string_view name);

// Parties is a decoded `parties` field; BundleMap a decoded `bundles` field.
using Parties = std::vector<std::string>;
using BundleMap = std::map<std::string, Bytes>;

// FieldValue is a decoded request field: string (party, string, kind), bytes (hex),
// Key32 (key32), integer (id32, uint), party list (parties) or bundle map (bundles).
using FieldValue = std::variant<std::string, Bytes, Key32, uint64_t, Parties, BundleMap>;

// RequestFields are the fields of one request decoded by its op's table; only the
// fields present are in it.
class RequestFields {
 public:
  void set(std::string_view name, FieldValue value) { values_.insert_or_assign(std::string(name), std::move(value)); }
  bool has(std::string_view name) const { return values_.find(name) != values_.end(); }
  // get is the field `name` as T, or nullopt when it is absent.
  template <class T>
  std::optional<T> get(std::string_view name) const {
    auto it = values_.find(name);
    if (it == values_.end()) return std::nullopt;
    if (const T* v = std::get_if<T>(&it->second)) return *v;
    return std::nullopt;
  }
  // take is get, moving the value out (a ciphertext may be 16 MiB).
  template <class T>
  std::optional<T> take(std::string_view name) {
    auto it = values_.find(name);
    if (it == values_.end()) return std::nullopt;
    if (T* v = std::get_if<T>(&it->second)) return std::move(*v);
    return std::nullopt;
  }

 private:
  std::map<std::string, FieldValue, std::less<>> values_;
};

// decode_request reads the fields of `request` that the table lists for `op`, in
// table order; the first missing or malformed one is an invalid_argument error whose
// detail names it. Fields the table does not list are ignored.
Result<RequestFields> decode_request(OpCode op, const Json& request);

// parse_line parses one line as JSON; returns nullopt if it is not valid JSON.
std::optional<Json> parse_line(std::string_view line);

// dump writes a JSON value on one line (no pretty-printing, UTF-8 kept as is).
std::string dump(const Json& value);

// Field access with PTP's rules, returning a Failure{bad_request} naming the field.
Result<std::string> get_string(const Json& obj, const char* field);
Result<Bytes> get_hex(const Json& obj, const char* field);
Result<Key32> get_hex32(const Json& obj, const char* field);
Result<uint64_t> get_uint(const Json& obj, const char* field);
std::optional<Json> optional_field(const Json& obj, const char* field);

// valid_party_name checks `[a-z0-9_.~-]{1,64}`.
bool valid_party_name(std::string_view name);

// failure_response builds {"id", "ok": false, "error", "detail"}.
Json failure_response(const Json& id, ErrorCode code, std::string_view detail);

}  // namespace parity::ptp
