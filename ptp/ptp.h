// ptp.h: the PTP/1 message codec shared by the suite's client (harness/) and the
// target-side server library (targets/ptp_server): framing, error codes, field access.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

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
