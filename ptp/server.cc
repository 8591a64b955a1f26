#include "ptp/server.h"

#include <algorithm>
#include <exception>
#include <istream>
#include <ostream>

namespace parity::ptp {

const std::vector<std::string> kInjectFields = {
    "identity_private", "registration_id", "signed_prekey_private", "signed_prekey_id", "onetime_prekey_private",
    "prekey_id",        "base_private",    "ratchet_private",       "chain_key",        "signing_private",
    "chain_id"};

std::string_view to_string(DeliveryKind kind) {
  return kind == DeliveryKind::control ? "control" : "application";
}

Json deliveries_reply(const std::vector<Delivery>& deliveries) {
  Json list = Json::array();
  for (const Delivery& d : deliveries) {
    list.push_back({{"to", d.to}, {"envelope", to_hex(d.envelope)}, {"kind", to_string(d.kind)}});
  }
  return Json{{"deliveries", std::move(list)}};
}

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
    for (const auto& [k, value] : info.extra.items()) r[k] = value;
    return r;
  }
  if (!has_capability(info, "inject")) {
    for (const std::string& f : kInjectFields) {
      if (request.contains(f)) return failure_response(id, ErrorCode::unsupported, "field \"" + f + "\" needs inject");
    }
  }
  // An op of a capability the target does not declare is one it does not have.
  auto code = parse_op(op);
  if (code && !op_spec(*code).capability.empty() && !has_capability(info, op_spec(*code).capability)) {
    code.reset();
  }
  Reply reply = code ? handle(adapter, request) : unsupported(op);
  if (const Failure* f = std::get_if<Failure>(&reply)) return failure_response(id, f->code, f->detail);
  Json body = std::get<Json>(std::move(reply));
  Json r = {{"id", id}, {"ok", true}};
  for (auto& [k, v] : body.items()) r[k] = v;
  return r;
}

request::Kind kind_of(RequestFields& f, std::string_view name) {
  return f.take<std::string>(name).value() == "prekey" ? request::Kind::prekey : request::Kind::message;
}

// call builds the typed request of `op` from its decoded fields and calls the adapter.
// Required fields are present (decode_request checked them), so value() cannot throw
// unless this and the field table disagree, which serve answers `internal`.
Reply call(Adapter& a, OpCode op, RequestFields& f, const Json& request) {
  auto text = [&](std::string_view n) { return f.take<std::string>(n).value(); };
  auto bytes = [&](std::string_view n) { return f.take<Bytes>(n).value(); };
  auto key = [&](std::string_view n) { return f.take<Key32>(n).value(); };
  auto id32 = [&](std::string_view n) -> std::optional<uint32_t> {
    auto v = f.take<uint64_t>(n);  // decode_request checked the 32 bits
    if (!v) return std::nullopt;
    return static_cast<uint32_t>(*v);
  };
  switch (op) {
    case OpCode::hello:
      break;  // serve answers it
    case OpCode::reset:
      return a.reset({f.take<Key32>("seed")});
    case OpCode::create:
      return a.create({text("party"), f.take<Key32>("identity_private"), id32("registration_id")});
    case OpCode::bundle:
      return a.bundle({text("party"), f.take<Key32>("signed_prekey_private"), id32("signed_prekey_id"),
                       f.take<Key32>("onetime_prekey_private"), id32("prekey_id")});
    case OpCode::initiate:
      return a.initiate({text("party"), text("peer"), bytes("bundle"), f.take<Key32>("base_private"),
                         f.take<Key32>("ratchet_private")});
    case OpCode::encrypt:
      return a.encrypt({text("party"), text("peer"), bytes("plaintext"), f.take<Key32>("ratchet_private")});
    case OpCode::decrypt:
      return a.decrypt(
          {text("party"), text("peer"), bytes("ciphertext"), kind_of(f, "kind"), f.take<Key32>("ratchet_private")});
    case OpCode::export_state:
      return a.export_state({text("party")});
    case OpCode::import_state:
      return a.import_state({text("party"), bytes("state")});
    case OpCode::primitive:
      return a.primitive({text("name"), request});
    case OpCode::media_encrypt:
      return a.media_encrypt({text("media_type"), bytes("plaintext"), f.take<Key32>("media_key")});
    case OpCode::media_decrypt:
      return a.media_decrypt({text("media_type"), key("media_key"), bytes("encrypted"), key("file_enc_sha256")});
    case OpCode::media_encrypt_file:
      return a.media_encrypt_file({text("media_type"), text("path"), text("out"), f.take<Key32>("media_key")});
    case OpCode::media_decrypt_file:
      return a.media_decrypt_file(
          {text("media_type"), key("media_key"), key("file_enc_sha256"), text("path"), text("out")});
    case OpCode::wrap:
      return a.wrap({text("party"), text("peer"), bytes("ciphertext"), kind_of(f, "kind"), text("stanza_id"),
                     text("to"), text("from")});
    case OpCode::unwrap:
      return a.unwrap(
          {text("party"), f.take<Bytes>("stanza_hex"), f.take<std::string>("stanza"), f.take<std::string>("jid")});
    case OpCode::group_create:
      return a.group_create({text("party"), text("group"), f.take<Parties>("members").value(),
                             f.take<BundleMap>("bundles").value_or(BundleMap{})});
    case OpCode::group_add:
      return a.group_add({text("party"), text("group"), text("member"), f.take<Bytes>("bundle")});
    case OpCode::group_remove:
      return a.group_remove({text("party"), text("group"), text("member")});
    case OpCode::group_roster:
      return a.group_roster({text("party"), text("group"), f.take<Parties>("members").value()});
    case OpCode::group_encrypt: {
      auto chain_id = id32("chain_id");
      // groups.md: chain_id is field 1 of Signal's group messages, below 2^31.
      if (chain_id && *chain_id >= (uint32_t{1} << 31))
        return fail(ErrorCode::bad_request, "chain_id must be below 2^31");
      return a.group_encrypt({text("party"), text("group"), bytes("plaintext"), f.take<Key32>("chain_key"),
                              f.take<Key32>("signing_private"), chain_id});
    }
    case OpCode::group_update:
      return a.group_update({text("party"), text("group")});
    case OpCode::group_forge:
      return a.group_forge({text("party"), text("group"), text("as"), f.take<uint64_t>("iteration")});
    case OpCode::group_receive:
      return a.group_receive({text("party"), text("group"), text("from"), bytes("envelope")});
    case OpCode::group_info:
      return a.group_info({text("party"), text("group")});
  }
  return unsupported(to_string(op));
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

Reply unsupported(std::string_view op) {
  return fail(ErrorCode::unsupported, "unknown op " + std::string(op));
}

Reply handle(Adapter& adapter, const Json& request) {
  auto op_it = request.find("op");
  if (op_it == request.end() || !op_it->is_string()) return fail(ErrorCode::bad_request, "missing op");
  const std::string name = op_it->get<std::string>();
  auto op = parse_op(name);
  if (!op || *op == OpCode::hello) return unsupported(name);
  auto fields = decode_request(*op, request);
  if (!fields) return bad(fields.error());
  return call(adapter, *op, *fields, request);
}

// The defaults: an op the adapter does not implement.
Reply Adapter::reset(const request::Reset&) {
  return unsupported("reset");
}
Reply Adapter::create(const request::Create&) {
  return unsupported("create");
}
Reply Adapter::bundle(const request::Bundle&) {
  return unsupported("bundle");
}
Reply Adapter::initiate(const request::Initiate&) {
  return unsupported("initiate");
}
Reply Adapter::encrypt(const request::Encrypt&) {
  return unsupported("encrypt");
}
Reply Adapter::decrypt(const request::Decrypt&) {
  return unsupported("decrypt");
}
Reply Adapter::export_state(const request::Export&) {
  return unsupported("export");
}
Reply Adapter::import_state(const request::Import&) {
  return unsupported("import");
}
Reply Adapter::primitive(const request::Primitive&) {
  return unsupported("primitive");
}
Reply Adapter::media_encrypt(const request::MediaEncrypt&) {
  return unsupported("media_encrypt");
}
Reply Adapter::media_decrypt(const request::MediaDecrypt&) {
  return unsupported("media_decrypt");
}
Reply Adapter::media_encrypt_file(const request::MediaEncryptFile&) {
  return unsupported("media_encrypt_file");
}
Reply Adapter::media_decrypt_file(const request::MediaDecryptFile&) {
  return unsupported("media_decrypt_file");
}
Reply Adapter::group_create(const request::GroupCreate&) {
  return unsupported("group_create");
}
Reply Adapter::group_add(const request::GroupAdd&) {
  return unsupported("group_add");
}
Reply Adapter::group_remove(const request::GroupRemove&) {
  return unsupported("group_remove");
}
Reply Adapter::group_roster(const request::GroupRoster&) {
  return unsupported("group_roster");
}
Reply Adapter::group_encrypt(const request::GroupEncrypt&) {
  return unsupported("group_encrypt");
}
Reply Adapter::group_update(const request::GroupUpdate&) {
  return unsupported("group_update");
}
Reply Adapter::group_forge(const request::GroupForge&) {
  return unsupported("group_forge");
}
Reply Adapter::group_receive(const request::GroupReceive&) {
  return unsupported("group_receive");
}
Reply Adapter::group_info(const request::GroupInfo&) {
  return unsupported("group_info");
}
Reply Adapter::wrap(const request::Wrap&) {
  return unsupported("wrap");
}
Reply Adapter::unwrap(const request::Unwrap&) {
  return unsupported("unwrap");
}

}  // namespace parity::ptp
