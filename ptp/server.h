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
};

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

// PTP_TRY declares `decl` from a Result of a request field, or answers bad_request.
#define PTP_TRY(decl, expr)                    \
  auto decl##_r = (expr);                      \
  if (!decl##_r) return bad(decl##_r.error()); \
  auto decl = std::move(decl##_r).value()

// Adapter is one target's implementation of the ops.
class Adapter {
 public:
  virtual ~Adapter() = default;
  virtual HelloInfo hello() const = 0;
  // handle answers every op but hello; unknown ops are answered `unsupported` by
  // returning fail(ErrorCode::unsupported, ...).
  virtual Reply handle(const std::string& op, const Json& request) = 0;
};

// kMaxRequestLineBytes bounds a request line a built-in target reads (64 MiB).
inline constexpr size_t kMaxRequestLineBytes = 64u << 20;

// kInjectFields are the request fields that need the `inject` capability.
extern const std::vector<std::string> kInjectFields;

// serve runs the request loop until end of input; returns the process exit status.
int serve(Adapter& adapter, std::istream& in, std::ostream& out);

// get_party reads and validates a party name field (`party` or `peer`).
Result<std::string> get_party(const Json& request, const char* field);

// optional_key reads an optional 32-byte hex field (an injected private key, a seed).
Result<std::optional<Key32>> optional_key(const Json& request, const char* field);
// optional_id reads an optional 32-bit id field.
Result<std::optional<uint32_t>> optional_id(const Json& request, const char* field);

// find_party looks up the party a name field names among an adapter's parties.
template <class Device>
Result<Device*> find_party(std::map<std::string, Device>& parties, const Json& request, const char* field) {
  PARITY_ASSIGN(std::string name, get_party(request, field));
  auto it = parties.find(name);
  if (it == parties.end()) return make_error(Errc::invalid_argument, "unknown party " + name);
  return &it->second;
}

}  // namespace parity::ptp
