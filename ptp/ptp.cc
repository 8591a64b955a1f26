#include "ptp/ptp.h"

#include <array>

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

Error bad_request(std::string detail) { return make_error(Errc::invalid_argument, std::move(detail)); }
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
    case Errc::invalid_argument: return ErrorCode::bad_request;
    case Errc::invalid_key:
    case Errc::bad_signature: return ErrorCode::invalid_bundle;
    case Errc::malformed:
    case Errc::bad_version:
    case Errc::bad_mac:
    case Errc::bad_padding:
    case Errc::unknown_prekey: return ErrorCode::invalid_message;
    case Errc::duplicate_message: return ErrorCode::duplicate_message;
    case Errc::counter_too_far:
    case Errc::limit_exceeded: return ErrorCode::limit_exceeded;
    case Errc::no_session: return ErrorCode::no_session;
    case Errc::untrusted_identity: return ErrorCode::untrusted_identity;
    case Errc::unsupported: return ErrorCode::unsupported;
    case Errc::crypto_failure:
    case Errc::internal: return ErrorCode::internal;
  }
  return ErrorCode::internal;
}

std::optional<Json> parse_line(std::string_view line) {
  Json j = Json::parse(line.begin(), line.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return std::nullopt;
  return j;
}

std::string dump(const Json& value) { return value.dump(-1, ' ', false, Json::error_handler_t::replace); }

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
