// server.h: the target side of PTP/1. A built-in target is an Adapter; serve() does
// framing, ids, hello, the inject-field rule, error responses and end of input.
#pragma once

#include <iosfwd>
#include <string>
#include <variant>
#include <vector>

#include "harness/protocol/ptp.h"

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

inline Reply fail(ErrorCode code, std::string detail) { return Failure{code, std::move(detail)}; }
// fail_from maps a reference Error to its PTP code.
inline Reply fail_from(const Error& e) { return Failure{from_errc(e.code), std::string(to_string(e.code)) + ": " + e.detail}; }

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

}  // namespace parity::ptp
