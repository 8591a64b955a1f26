#include "ptp/server.h"

#include <algorithm>
#include <exception>
#include <istream>
#include <ostream>

namespace parity::ptp {

const std::vector<std::string> kInjectFields = {"identity_private", "registration_id",        "signed_prekey_private",
                                                "signed_prekey_id", "onetime_prekey_private", "prekey_id",
                                                "base_private",     "ratchet_private"};

namespace {

bool has_capability(const HelloInfo& info, std::string_view cap) {
  return std::find(info.capabilities.begin(), info.capabilities.end(), cap) != info.capabilities.end();
}

Json respond(Adapter& adapter, const HelloInfo& info, const Json& request) {
  const Json id = request.contains("id") ? request["id"] : Json(nullptr);
  auto op_it = request.find("op");
  if (op_it == request.end() || !op_it->is_string()) return failure_response(id, ErrorCode::bad_request, "missing op");
  const std::string op = op_it->get<std::string>();
  if (op == "hello") {
    auto v = request.find("ptp");
    if (v == request.end() || !v->is_number_integer() || v->get<int64_t>() != kProtocolVersion) {
      return failure_response(id, ErrorCode::unsupported, "this target speaks PTP 1 only");
    }
    Json r = {{"id", id},
              {"ok", true},
              {"ptp", kProtocolVersion},
              {"implementation", info.implementation},
              {"version", info.version},
              {"protocol", info.protocol},
              {"capabilities", info.capabilities}};
    if (!info.limits.empty()) r["limits"] = info.limits;
    return r;
  }
  if (!has_capability(info, "inject")) {
    for (const std::string& f : kInjectFields) {
      if (request.contains(f)) return failure_response(id, ErrorCode::unsupported, "field \"" + f + "\" needs inject");
    }
  }
  Reply reply = adapter.handle(op, request);
  if (const Failure* f = std::get_if<Failure>(&reply)) return failure_response(id, f->code, f->detail);
  Json body = std::get<Json>(std::move(reply));
  Json r = {{"id", id}, {"ok", true}};
  for (auto& [k, v] : body.items()) r[k] = v;
  return r;
}

}  // namespace

int serve(Adapter& adapter, std::istream& in, std::ostream& out) {
  const HelloInfo info = adapter.hello();
  std::string line;
  while (std::getline(in, line)) {
    Json response;
    // Requests may be longer than responses: a 16 MiB ciphertext is 32 MiB of hex.
    if (line.size() > kMaxRequestLineBytes) {
      response = failure_response(nullptr, ErrorCode::bad_request, "request line longer than 64 MiB");
    } else {
      auto request = parse_line(line);
      if (!request || !request->is_object()) {
        response = failure_response(nullptr, ErrorCode::bad_request, "request is not a JSON object");
      } else {
        try {
          response = respond(adapter, info, *request);
        } catch (const std::exception& e) {  // a bug in an adapter costs one request, not the target
          response = failure_response(request->value("id", Json(nullptr)), ErrorCode::internal, e.what());
        }
      }
    }
    out << dump(response) << '\n';
    out.flush();
  }
  return 0;
}

Result<std::string> get_party(const Json& request, const char* field) {
  PARITY_ASSIGN(std::string name, get_string(request, field));
  if (!valid_party_name(name)) {
    return make_error(Errc::invalid_argument, std::string("field \"") + field + "\" is not a valid party name");
  }
  return name;
}

Result<std::optional<Key32>> optional_key(const Json& request, const char* field) {
  if (!optional_field(request, field)) return std::optional<Key32>{};
  PARITY_ASSIGN(Key32 k, get_hex32(request, field));
  return std::optional<Key32>{k};
}

Result<std::optional<uint32_t>> optional_id(const Json& request, const char* field) {
  if (!optional_field(request, field)) return std::optional<uint32_t>{};
  PARITY_ASSIGN(uint64_t v, get_uint(request, field));
  if (v > 0xffffffffu) {
    return make_error(Errc::invalid_argument, std::string("field \"") + field + "\" exceeds 32 bits");
  }
  return std::optional<uint32_t>{static_cast<uint32_t>(v)};
}

}  // namespace parity::ptp
