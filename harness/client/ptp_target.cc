// ptp_target.cc: Target over PTP/1 — framing, ids, response validation, evidence.
#include <algorithm>
#include <initializer_list>
#include <utility>

#include "harness/client/process.h"
#include "harness/client/target.h"

namespace parity::harness {

std::string_view to_string(ViolationKind kind) {
  switch (kind) {
    case ViolationKind::start_failed:
      return "start_failed";
    case ViolationKind::exited:
      return "exited";
    case ViolationKind::signaled:
      return "signaled";
    case ViolationKind::timeout:
      return "timeout";
    case ViolationKind::not_json:
      return "not_json";
    case ViolationKind::not_object:
      return "not_object";
    case ViolationKind::wrong_id:
      return "wrong_id";
    case ViolationKind::missing_field:
      return "missing_field";
    case ViolationKind::bad_value:
      return "bad_value";
    case ViolationKind::oversized_line:
      return "oversized_line";
    case ViolationKind::bad_hello:
      return "bad_hello";
  }
  return "unknown";
}

bool Hello::has(std::string_view capability) const {
  return std::find(capabilities.begin(), capabilities.end(), capability) != capabilities.end();
}

std::optional<uint64_t> Hello::limit(const char* name) const {
  if (!limits.is_object()) return std::nullopt;
  auto it = limits.find(name);
  if (it == limits.end()) return std::nullopt;
  if (it->is_number_unsigned()) return it->get<uint64_t>();
  if (it->is_number_integer() && it->get<int64_t>() >= 0) return static_cast<uint64_t>(it->get<int64_t>());
  return std::nullopt;
}

DeclaredLimit Hello::declared(const char* name) const {
  if (!limits.is_object()) return {};
  auto it = limits.find(name);
  if (it == limits.end()) return {};
  if (it->is_null()) return {LimitKind::unbounded, 0};
  if (auto v = limit(name)) return {LimitKind::number, *v};
  return {};  // parse_hello refuses anything else for the names PTP defines
}

std::chrono::milliseconds size_allowance(const Limits& limits, size_t request_bytes) {
  return limits.per_mib * static_cast<int64_t>(request_bytes >> 20);
}

std::string_view to_string(MessageKind kind) {
  return kind == MessageKind::prekey ? "prekey" : "message";
}

std::optional<MessageKind> parse_message_kind(std::string_view s) {
  if (s == "prekey") return MessageKind::prekey;
  if (s == "message") return MessageKind::message;
  return std::nullopt;
}

const LayoutRange* BundleLayout::find(std::string_view name) const {
  for (const LayoutRange& r : ranges) {
    if (r.name == name) return &r;
  }
  return nullptr;
}

std::string BundleLayout::to_json() const {
  Json j = Json::object();
  for (const LayoutRange& r : ranges) j[r.name] = Json::array({r.start, r.end});
  return j.dump();
}

std::variant<BundleLayout, std::string> parse_bundle_layout(const Json& layout, size_t bundle_size) {
  if (!layout.is_object()) return std::string("layout is not an object");
  BundleLayout out;
  // A JSON object iterates in key order, so the ranges come sorted by name.
  for (const auto& [name, range] : layout.items()) {
    if (!range.is_array() || range.size() != 2 || !range[0].is_number_unsigned() || !range[1].is_number_unsigned()) {
      return "layout \"" + name + "\" is not [start, end]";
    }
    const auto s = range[0].get<uint64_t>();
    const auto e = range[1].get<uint64_t>();
    if (s >= e || e > bundle_size) {
      return "layout \"" + name + "\" = [" + std::to_string(s) + ", " + std::to_string(e) + "] is not inside the " +
             std::to_string(bundle_size) + "-byte bundle";
    }
    out.ranges.push_back({name, static_cast<size_t>(s), static_cast<size_t>(e)});
  }
  return out;
}

std::string_view to_string(DeliveryKind kind) {
  return kind == DeliveryKind::control ? "control" : "application";
}

namespace {
Refusal no_groups(const char* op) {
  return Refusal{ptp::ErrorCode::unsupported, std::string(op) + ": this target object has no groups"};
}
}  // namespace

Op<Deliveries> Target::group_create(const std::string&, const std::string&, const std::vector<std::string>&,
                                    const std::map<std::string, Bytes>&) {
  return no_groups("group_create");
}
Op<Deliveries> Target::group_add(const std::string&, const std::string&, const std::string&, std::optional<ByteView>) {
  return no_groups("group_add");
}
Op<Deliveries> Target::group_remove(const std::string&, const std::string&, const std::string&) {
  return no_groups("group_remove");
}
Op<Deliveries> Target::group_roster(const std::string&, const std::string&, const std::vector<std::string>&) {
  return no_groups("group_roster");
}
Op<Deliveries> Target::group_encrypt(const std::string&, const std::string&, ByteView, const GroupInject&) {
  return no_groups("group_encrypt");
}
Op<Deliveries> Target::group_update(const std::string&, const std::string&) {
  return no_groups("group_update");
}
Op<Bytes> Target::group_forge(const std::string&, const std::string&, const std::string&, std::optional<uint64_t>) {
  return no_groups("group_forge");
}
Op<GroupReceived> Target::group_receive(const std::string&, const std::string&, const std::string&, ByteView) {
  return no_groups("group_receive");
}
Op<GroupView> Target::group_info(const std::string&, const std::string&) {
  return no_groups("group_info");
}

void Inject::add_to(Json& request) const {
  auto key = [&](const char* field, const std::optional<Key32>& k) {
    if (k) request[field] = to_hex(*k);
  };
  auto id = [&](const char* field, const std::optional<uint32_t>& v) {
    if (v) request[field] = *v;
  };
  key("identity_private", identity_private);
  id("registration_id", registration_id);
  key("signed_prekey_private", signed_prekey_private);
  id("signed_prekey_id", signed_prekey_id);
  key("onetime_prekey_private", onetime_prekey_private);
  id("prekey_id", prekey_id);
  key("base_private", base_private);
  key("ratchet_private", ratchet_private);
}

namespace {

// kExcerptBytes bounds how much of a bad line a violation's detail quotes.
constexpr size_t kExcerptBytes = 200;
// kNoteStderrBytes bounds the stderr excerpt a violation note carries.
constexpr size_t kNoteStderrBytes = 2048;
// kExitGrace is how long a target gets to exit after end of input or a closed pipe.
constexpr std::chrono::milliseconds kExitGrace{1000};

std::string excerpt(std::string_view s) {
  if (s.size() <= kExcerptBytes) return std::string(s);
  return std::string(s.substr(0, kExcerptBytes)) + "... (" + std::to_string(s.size()) + " bytes)";
}

bool is_lower_hex(const std::string& s) {
  if (s.size() % 2 != 0) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// FieldProblem is a response field that breaks the op's schema.
struct FieldProblem {
  ViolationKind kind;
  std::string detail;
};
using Check = std::optional<FieldProblem>;

Check need_string(const Json& r, const char* field) {
  auto it = r.find(field);
  if (it == r.end()) return FieldProblem{ViolationKind::missing_field, std::string("missing field \"") + field + "\""};
  if (!it->is_string()) {
    return FieldProblem{ViolationKind::missing_field, std::string("field \"") + field + "\" is not a string"};
  }
  return std::nullopt;
}

Check need_hex(const Json& r, const char* field) {
  if (Check c = need_string(r, field)) return c;
  const std::string& s = r[field].get_ref<const std::string&>();
  if (!is_lower_hex(s)) {
    return FieldProblem{ViolationKind::bad_value,
                        std::string("field \"") + field + "\" is not even-length lowercase hex: " + excerpt(s)};
  }
  return std::nullopt;
}

Check need_hex_fields(const Json& r, std::initializer_list<const char*> fields) {
  for (const char* field : fields) {
    if (Check c = need_hex(r, field)) return c;
  }
  return std::nullopt;
}

Check need_string_fields(const Json& r, std::initializer_list<const char*> fields) {
  for (const char* field : fields) {
    if (Check c = need_string(r, field)) return c;
  }
  return std::nullopt;
}

// kMaxPtpInteger is PTP's largest integer, 2^53 - 1 (exact in every JSON reader).
constexpr uint64_t kMaxPtpInteger = (uint64_t{1} << 53) - 1;

// need_size checks a byte count: a JSON integer in 0..2^53-1.
Check need_size(const Json& r, const char* field) {
  auto it = r.find(field);
  if (it == r.end()) return FieldProblem{ViolationKind::missing_field, std::string("missing field \"") + field + "\""};
  if (!it->is_number_integer()) {
    return FieldProblem{ViolationKind::missing_field, std::string("field \"") + field + "\" is not an integer"};
  }
  if ((!it->is_number_unsigned() && it->get<int64_t>() < 0) || it->get<uint64_t>() > kMaxPtpInteger) {
    return FieldProblem{ViolationKind::bad_value,
                        std::string("field \"") + field + "\" is not within 0..2^53-1: " + excerpt(it->dump())};
  }
  return std::nullopt;
}

// check_deliveries validates a group op's `deliveries`: an array of {to, envelope, kind}.
Check check_deliveries(const Json& r) {
  auto it = r.find("deliveries");
  if (it == r.end()) return FieldProblem{ViolationKind::missing_field, "missing field \"deliveries\""};
  if (!it->is_array()) return FieldProblem{ViolationKind::missing_field, "field \"deliveries\" is not an array"};
  size_t i = 0;
  for (const Json& d : *it) {
    const std::string where = "deliveries[" + std::to_string(i++) + "]";
    if (!d.is_object()) return FieldProblem{ViolationKind::missing_field, where + " is not an object"};
    if (Check c = need_string(d, "to")) return FieldProblem{c->kind, where + ": " + c->detail};
    if (!ptp::valid_party_name(d["to"].get_ref<const std::string&>())) {
      return FieldProblem{ViolationKind::bad_value, where + ": \"to\" is not a party name: " + excerpt(d["to"].dump())};
    }
    if (Check c = need_hex(d, "envelope")) return FieldProblem{c->kind, where + ": " + c->detail};
    if (Check c = need_string(d, "kind")) return FieldProblem{c->kind, where + ": " + c->detail};
    const std::string& kind = d["kind"].get_ref<const std::string&>();
    if (kind != "control" && kind != "application") {
      return FieldProblem{ViolationKind::bad_value,
                          where + ": \"kind\" is neither \"control\" nor \"application\": " + excerpt(kind)};
    }
  }
  return std::nullopt;
}

// check_group_info validates group_info: members (party names), optional epoch (hex),
// epoch_number (integer) and removed (boolean).
Check check_group_info(const Json& r) {
  auto it = r.find("members");
  if (it == r.end() || !it->is_array()) {
    return FieldProblem{ViolationKind::missing_field, "field \"members\" missing or not an array"};
  }
  for (const Json& m : *it) {
    if (!m.is_string() || !ptp::valid_party_name(m.get_ref<const std::string&>())) {
      return FieldProblem{ViolationKind::bad_value, "members holds a non-party-name: " + excerpt(m.dump())};
    }
  }
  if (auto e = r.find("epoch"); e != r.end() && !e->is_null()) {
    if (Check c = need_hex(r, "epoch")) return c;
  }
  if (auto n = r.find("epoch_number"); n != r.end() && !n->is_null()) {
    if (Check c = need_size(r, "epoch_number")) return c;
  }
  if (auto rm = r.find("removed"); rm != r.end() && !rm->is_null() && !rm->is_boolean()) {
    return FieldProblem{ViolationKind::missing_field, "field \"removed\" is not a boolean"};
  }
  return std::nullopt;
}

// check_success validates the op-specific fields of an ok response (hello aside).
Check check_success(const std::string& op, const Json& r) {
  if (op == "create") return need_hex(r, "identity");
  if (op == "bundle") {
    if (Check c = need_hex(r, "bundle")) return c;
    auto layout = r.find("layout");
    if (layout != r.end() && !layout->is_null() && !layout->is_object()) {
      return FieldProblem{ViolationKind::missing_field, "field \"layout\" is not an object"};
    }
    return std::nullopt;
  }
  if (op == "encrypt") {
    if (Check c = need_hex(r, "ciphertext")) return c;
    if (Check c = need_string(r, "kind")) return c;
    const std::string& kind = r["kind"].get_ref<const std::string&>();
    if (!parse_message_kind(kind)) {
      return FieldProblem{ViolationKind::bad_value,
                          "field \"kind\" is neither \"prekey\" nor \"message\": " + excerpt(kind)};
    }
    return std::nullopt;
  }
  if (op == "decrypt") return need_hex(r, "plaintext");
  if (op == "export") return need_hex(r, "state");
  if (op == "media_encrypt") return need_hex_fields(r, {"media_key", "encrypted", "file_sha256", "file_enc_sha256"});
  if (op == "media_decrypt") return need_hex(r, "plaintext");
  if (op == "media_encrypt_file") {
    if (Check c = need_hex_fields(r, {"media_key", "file_sha256", "file_enc_sha256"})) return c;
    return need_size(r, "size");
  }
  if (op == "media_decrypt_file") return need_size(r, "size");
  if (op == "wrap") return need_string(r, "stanza");
  // unwrap's kind is an open word (prekey, message, and skmsg since PTP 1.1): a string.
  if (op == "unwrap") {
    if (Check c = need_hex(r, "ciphertext")) return c;
    return need_string_fields(r, {"kind", "stanza_id", "to", "from"});
  }
  if (op == "group_create" || op == "group_add" || op == "group_remove" || op == "group_roster" ||
      op == "group_encrypt" || op == "group_update") {
    return check_deliveries(r);
  }
  if (op == "group_forge") return need_hex(r, "envelope");
  if (op == "group_receive") {
    if (Check c = need_string(r, "kind")) return c;
    const std::string& kind = r["kind"].get_ref<const std::string&>();
    if (kind == "control") return std::nullopt;
    if (kind != "application") {
      return FieldProblem{ViolationKind::bad_value,
                          "field \"kind\" is neither \"control\" nor \"application\": " + excerpt(kind)};
    }
    return need_hex(r, "plaintext");
  }
  if (op == "group_info") return check_group_info(r);
  return std::nullopt;
}

// check_failure validates an ok:false response.
Check check_failure(const Json& r) {
  if (Check c = need_string(r, "error")) return c;
  const std::string& code = r["error"].get_ref<const std::string&>();
  if (!ptp::parse_error_code(code)) {
    return FieldProblem{ViolationKind::bad_value, "error code \"" + excerpt(code) + "\" is not in PTP's closed set"};
  }
  auto detail = r.find("detail");
  if (detail != r.end() && !detail->is_null() && !detail->is_string()) {
    return FieldProblem{ViolationKind::missing_field, "field \"detail\" is not a string"};
  }
  return std::nullopt;
}

// parse_hello reads an ok hello response; any problem is a bad_hello.
std::variant<Hello, std::string> parse_hello(const Json& r) {
  auto ptp_it = r.find("ptp");
  if (ptp_it == r.end() || !ptp_it->is_number_integer()) return std::string("hello has no integer \"ptp\"");
  if (ptp_it->get<int64_t>() != ptp::kProtocolVersion) {
    return "target speaks PTP " + ptp_it->dump() + ", the suite speaks PTP " + std::to_string(ptp::kProtocolVersion);
  }
  Hello h;
  for (auto [field, out] : {std::pair{"implementation", &h.implementation}, std::pair{"version", &h.version},
                            std::pair{"protocol", &h.protocol}}) {
    if (Check c = need_string(r, field)) return "hello: " + c->detail;
    *out = r[field].get<std::string>();
  }
  auto caps = r.find("capabilities");
  if (caps == r.end() || !caps->is_array()) return std::string("hello: \"capabilities\" missing or not an array");
  for (const Json& c : *caps) {
    if (!c.is_string()) return std::string("hello: a capability is not a string");
    h.capabilities.push_back(c.get<std::string>());
  }
  auto limits = r.find("limits");
  if (limits != r.end() && !limits->is_null()) {
    if (!limits->is_object()) return std::string("hello: \"limits\" is not an object");
    // A bound is a non-negative integer or null (no bound); a negative or fractional one
    // would size scenarios from nonsense, so the target is not run at all.
    std::vector<const char*> names(std::begin(kBoundNames), std::end(kBoundNames));
    names.insert(names.end(), std::begin(kGroupBoundNames), std::end(kGroupBoundNames));
    for (const char* name : names) {
      auto it = limits->find(name);
      if (it == limits->end() || it->is_null() || it->is_number_unsigned()) continue;
      if (it->is_number_integer() && it->get<int64_t>() >= 0) continue;
      return "hello: limits." + std::string(name) + " is " + it->dump() +
             ", not a non-negative integer or null (no bound)";
    }
    h.limits = *limits;
  }
  if (auto roster = r.find("group_roster"); roster != r.end() && !roster->is_null()) {
    if (*roster == "protocol") {
      h.group_roster = GroupRoster::protocol;
    } else if (*roster != "server") {
      return "hello: group_roster is " + excerpt(roster->dump()) + ", neither \"server\" nor \"protocol\"";
    }
  }
  for (auto [field, out] :
       {std::pair{"group_bundles", &h.group_bundles}, std::pair{"group_reads_own", &h.group_reads_own}}) {
    auto it = r.find(field);
    if (it == r.end() || it->is_null()) continue;
    if (!it->is_boolean()) return "hello: " + std::string(field) + " is not a boolean";
    *out = it->get<bool>();
  }
  if (auto policy = r.find("commit_policy"); policy != r.end() && !policy->is_null()) {
    if (!policy->is_string()) return std::string("hello: commit_policy is not a string");
    h.commit_policy = policy->get<std::string>();
  }
  if (auto pq = r.find("post_quantum"); pq != r.end() && !pq->is_null()) {
    if (pq->is_string()) {
      h.post_quantum = pq->get<std::string>();
    } else if (pq->is_object()) {
      for (const auto& [key, value] : pq->items()) {
        if (!value.is_string()) return "hello: post_quantum." + key + " is not a string";
        h.post_quantum += (h.post_quantum.empty() ? "" : "; ") + key + ": " + value.get<std::string>();
      }
    } else {
      return std::string("hello: post_quantum is neither a string nor an object of strings");
    }
  }
  return h;
}

// detail_of reads a failure's optional detail.
std::string detail_of(const Json& r) {
  auto it = r.find("detail");
  return it != r.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Bytes hex_field(const Json& r, const char* field) {
  // Validated by check_success before we get here.
  auto b = from_hex(r[field].get_ref<const std::string&>());
  return b ? std::move(b).value() : Bytes{};
}

// The readers below take fields check_success has validated.
std::string string_field(const Json& r, const char* field) {
  return r[field].get<std::string>();
}

uint64_t size_field(const Json& r, const char* field) {
  return r[field].get<uint64_t>();
}

// deliveries_field reads a validated `deliveries`.
Deliveries deliveries_field(const Json& r) {
  Deliveries out;
  for (const Json& d : r["deliveries"]) {
    auto b = from_hex(d["envelope"].get_ref<const std::string&>());
    out.push_back(Delivery{d["to"].get<std::string>(), b ? std::move(b).value() : Bytes{},
                           d["kind"] == "control" ? DeliveryKind::control : DeliveryKind::application});
  }
  return out;
}

// then maps a successful response to T and passes refusals and violations through.
template <class T, class F>
Op<T> then(Op<Json> r, F&& f) {
  if (r.violated()) return r.violation();
  if (r.refused()) return r.refusal();
  return f(r.value());
}

// Validation says how much of a response an exchange checks.
enum class Validation { envelope, op_fields };

class PtpTarget final : public Target {
 public:
  PtpTarget(std::string command, std::string label, const Limits& limits)
      : command_(std::move(command)), label_(std::move(label)), limits_(limits), epoch_(Clock::now()) {}

  ~PtpTarget() override {
    if (proc_ && !dead_) {
      // PTP: end of input means exit 0; a target that lingers is killed after a grace.
      proc_->close_stdin();
      (void)proc_->wait_exit(Clock::now() + kExitGrace);
    }
    proc_.reset();
  }

  // start spawns the command and performs hello.
  std::optional<Violation> start() {
    next_id_ = 1;
    dead_.reset();
    auto spawned = Process::spawn(command_);
    if (!spawned) return fail(ViolationKind::start_failed, spawned.error().detail);
    proc_ = std::move(spawned).value();
    note("start " + command_ + " (pid " + std::to_string(proc_->pid()) + ")");
    Op<Json> r = exchange(Json{{"op", "hello"}, {"ptp", ptp::kProtocolVersion}}, limits_.hello, Validation::envelope);
    if (r.violated()) {
      // The shell's 126/127 mean the command itself could not be run.
      const auto& st = proc_->exit_status();
      if (r.violation().kind == ViolationKind::exited && st && (st->value == 126 || st->value == 127)) {
        dead_->kind = ViolationKind::start_failed;
        dead_->detail = "could not run \"" + command_ + "\" (shell " + st->describe() + ")";
        return dead_;
      }
      return r.violation();
    }
    const Json& resp = r.value();
    if (!resp["ok"].get<bool>()) {
      return fail(ViolationKind::bad_hello,
                  "hello refused: " + resp["error"].get<std::string>() + ": " + detail_of(resp));
    }
    auto h = parse_hello(resp);
    if (auto* why = std::get_if<std::string>(&h)) return fail(ViolationKind::bad_hello, *why);
    hello_ = std::get<Hello>(std::move(h));
    return std::nullopt;
  }

  const std::string& name() const override { return label_; }
  const Hello& hello() const override { return hello_; }

  Op<Json> call(Json request) override {
    if (!request.is_object()) return Refusal{ptp::ErrorCode::bad_request, "call: the request is not a JSON object"};
    return exchange(std::move(request), limits_.request, Validation::op_fields);
  }

  Op<Json> send_raw(const std::string& line) override {
    if (dead_) return dead_again();
    std::string_view l = line;
    if (!l.empty() && l.back() == '\n') l.remove_suffix(1);
    std::string response;
    if (auto v = round_trip(l, limits_.request, response)) return *v;
    auto j = ptp::parse_line(response);
    if (!j) return fail(ViolationKind::not_json, "response is not JSON: " + excerpt(response));
    if (!j->is_object()) return fail(ViolationKind::not_object, "response is not a JSON object: " + excerpt(response));
    ++round_trips_;
    return *std::move(j);
  }

  Op<Unit> reset(std::optional<Key32> seed) override {
    Json r = {{"op", "reset"}};
    if (seed) r["seed"] = to_hex(*seed);
    return then<Unit>(request(std::move(r)), [](const Json&) { return Unit{}; });
  }

  Op<Bytes> create(const std::string& party, const Inject& inject) override {
    Json r = {{"op", "create"}, {"party", party}};
    inject.add_to(r);
    return then<Bytes>(request(std::move(r)), [](const Json& j) { return hex_field(j, "identity"); });
  }

  Op<BundleResult> bundle(const std::string& party, const Inject& inject) override {
    Json r = {{"op", "bundle"}, {"party", party}};
    inject.add_to(r);
    return then<BundleResult>(request(std::move(r)), [](const Json& j) {
      BundleResult b{hex_field(j, "bundle"), std::nullopt, {}};
      if (auto it = j.find("layout"); it != j.end() && !it->is_null()) {
        auto layout = parse_bundle_layout(*it, b.bundle.size());
        if (auto* l = std::get_if<BundleLayout>(&layout)) {
          b.layout = std::move(*l);
        } else {
          b.layout_problem = std::get<std::string>(std::move(layout));
        }
      }
      return b;
    });
  }

  Op<Unit> initiate(const std::string& party, const std::string& peer, ByteView bundle, const Inject& inject) override {
    Json r = {{"op", "initiate"}, {"party", party}, {"peer", peer}, {"bundle", to_hex(bundle)}};
    inject.add_to(r);
    return then<Unit>(request(std::move(r)), [](const Json&) { return Unit{}; });
  }

  Op<CiphertextResult> encrypt(const std::string& party, const std::string& peer, ByteView plaintext,
                               const Inject& inject) override {
    Json r = {{"op", "encrypt"}, {"party", party}, {"peer", peer}, {"plaintext", to_hex(plaintext)}};
    inject.add_to(r);
    return then<CiphertextResult>(request(std::move(r)), [](const Json& j) {
      return CiphertextResult{hex_field(j, "ciphertext"),
                              parse_message_kind(j["kind"].get_ref<const std::string&>()).value()};
    });
  }

  Op<Bytes> decrypt(const std::string& party, const std::string& peer, ByteView ciphertext, MessageKind kind,
                    const Inject& inject) override {
    Json r = {{"op", "decrypt"},
              {"party", party},
              {"peer", peer},
              {"ciphertext", to_hex(ciphertext)},
              {"kind", to_string(kind)}};
    inject.add_to(r);
    return then<Bytes>(request(std::move(r)), [](const Json& j) { return hex_field(j, "plaintext"); });
  }

  Op<Bytes> export_state(const std::string& party) override {
    return then<Bytes>(request(Json{{"op", "export"}, {"party", party}}),
                       [](const Json& j) { return hex_field(j, "state"); });
  }

  Op<Unit> import_state(const std::string& party, ByteView state) override {
    return then<Unit>(request(Json{{"op", "import"}, {"party", party}, {"state", to_hex(state)}}),
                      [](const Json&) { return Unit{}; });
  }

  Op<Json> primitive(const std::string& name, const Json& fields) override {
    Json r = {{"op", "primitive"}, {"name", name}};
    if (fields.is_object()) {
      for (const auto& [k, v] : fields.items()) {
        if (k != "op" && k != "id" && k != "name") r[k] = v;
      }
    }
    return then<Json>(request(std::move(r)), [](const Json& j) {
      Json body = j;
      body.erase("id");
      body.erase("ok");
      return body;
    });
  }

  Op<MediaEncrypted> media_encrypt(media::MediaType type, ByteView plaintext,
                                   std::optional<ByteView> media_key) override {
    Json r = {{"op", "media_encrypt"}, {"media_type", media::to_string(type)}, {"plaintext", to_hex(plaintext)}};
    if (media_key) r["media_key"] = to_hex(*media_key);
    return then<MediaEncrypted>(request(std::move(r)), [](const Json& j) {
      return MediaEncrypted{hex_field(j, "media_key"), hex_field(j, "encrypted"), hex_field(j, "file_sha256"),
                            hex_field(j, "file_enc_sha256")};
    });
  }

  Op<Bytes> media_decrypt(media::MediaType type, ByteView media_key, ByteView encrypted,
                          ByteView file_enc_sha256) override {
    Json r = {{"op", "media_decrypt"},
              {"media_type", media::to_string(type)},
              {"media_key", to_hex(media_key)},
              {"encrypted", to_hex(encrypted)},
              {"file_enc_sha256", to_hex(file_enc_sha256)}};
    return then<Bytes>(request(std::move(r)), [](const Json& j) { return hex_field(j, "plaintext"); });
  }

  Op<MediaFileEncrypted> media_encrypt_file(media::MediaType type, const std::string& path, const std::string& out,
                                            std::optional<ByteView> media_key) override {
    Json r = {{"op", "media_encrypt_file"}, {"media_type", media::to_string(type)}, {"path", path}, {"out", out}};
    if (media_key) r["media_key"] = to_hex(*media_key);
    return then<MediaFileEncrypted>(request(std::move(r)), [](const Json& j) {
      return MediaFileEncrypted{hex_field(j, "media_key"), hex_field(j, "file_sha256"), hex_field(j, "file_enc_sha256"),
                                size_field(j, "size")};
    });
  }

  Op<uint64_t> media_decrypt_file(media::MediaType type, ByteView media_key, const std::string& path,
                                  ByteView file_enc_sha256, const std::string& out) override {
    Json r = {{"op", "media_decrypt_file"},
              {"media_type", media::to_string(type)},
              {"media_key", to_hex(media_key)},
              {"path", path},
              {"file_enc_sha256", to_hex(file_enc_sha256)},
              {"out", out}};
    return then<uint64_t>(request(std::move(r)), [](const Json& j) { return size_field(j, "size"); });
  }

  Op<std::string> wrap(const std::string& party, const std::string& peer, ByteView ciphertext, MessageKind kind,
                       const StanzaAddress& address) override {
    Json r = {{"op", "wrap"},
              {"party", party},
              {"peer", peer},
              {"ciphertext", to_hex(ciphertext)},
              {"kind", to_string(kind)},
              {"stanza_id", address.stanza_id},
              {"to", address.to},
              {"from", address.from}};
    return then<std::string>(request(std::move(r)), [](const Json& j) { return string_field(j, "stanza"); });
  }

  Op<Unwrapped> unwrap(const std::string& party, std::string_view stanza, StanzaEncoding encoding) override {
    Json r = {{"op", "unwrap"}, {"party", party}};
    if (encoding == StanzaEncoding::hex) {
      r["stanza_hex"] = to_hex(ByteView(reinterpret_cast<const uint8_t*>(stanza.data()), stanza.size()));
    } else {
      r["stanza"] = std::string(stanza);
    }
    return then<Unwrapped>(request(std::move(r)), [](const Json& j) {
      return Unwrapped{string_field(j, "stanza_id"), string_field(j, "to"), string_field(j, "from"),
                       string_field(j, "kind"), hex_field(j, "ciphertext")};
    });
  }

  Op<Deliveries> group_create(const std::string& party, const std::string& group,
                              const std::vector<std::string>& members,
                              const std::map<std::string, Bytes>& bundles) override {
    Json r = {{"op", "group_create"}, {"party", party}, {"group", group}, {"members", members}};
    if (!bundles.empty()) {
      Json b = Json::object();
      for (const auto& [p, bytes] : bundles) b[p] = to_hex(bytes);
      r["bundles"] = std::move(b);
    }
    return deliveries(std::move(r));
  }
  Op<Deliveries> group_add(const std::string& party, const std::string& group, const std::string& member,
                           std::optional<ByteView> bundle) override {
    Json r = {{"op", "group_add"}, {"party", party}, {"group", group}, {"member", member}};
    if (bundle) r["bundle"] = to_hex(*bundle);
    return deliveries(std::move(r));
  }
  Op<Deliveries> group_remove(const std::string& party, const std::string& group, const std::string& member) override {
    return deliveries(Json{{"op", "group_remove"}, {"party", party}, {"group", group}, {"member", member}});
  }
  Op<Deliveries> group_roster(const std::string& party, const std::string& group,
                              const std::vector<std::string>& members) override {
    return deliveries(Json{{"op", "group_roster"}, {"party", party}, {"group", group}, {"members", members}});
  }
  Op<Deliveries> group_encrypt(const std::string& party, const std::string& group, ByteView plaintext,
                               const GroupInject& inject) override {
    Json r = {{"op", "group_encrypt"}, {"party", party}, {"group", group}, {"plaintext", to_hex(plaintext)}};
    if (inject.chain_key) r["chain_key"] = to_hex(*inject.chain_key);
    if (inject.signing_private) r["signing_private"] = to_hex(*inject.signing_private);
    if (inject.chain_id) r["chain_id"] = *inject.chain_id;
    return deliveries(std::move(r));
  }
  Op<Deliveries> group_update(const std::string& party, const std::string& group) override {
    return deliveries(Json{{"op", "group_update"}, {"party", party}, {"group", group}});
  }
  Op<Bytes> group_forge(const std::string& party, const std::string& group, const std::string& as,
                        std::optional<uint64_t> iteration) override {
    Json r = {{"op", "group_forge"}, {"party", party}, {"group", group}, {"as", as}};
    if (iteration) r["iteration"] = *iteration;
    return then<Bytes>(request(std::move(r)), [](const Json& j) { return hex_field(j, "envelope"); });
  }
  Op<GroupReceived> group_receive(const std::string& party, const std::string& group, const std::string& from,
                                  ByteView envelope) override {
    Json r = {
        {"op", "group_receive"}, {"party", party}, {"group", group}, {"from", from}, {"envelope", to_hex(envelope)}};
    return then<GroupReceived>(request(std::move(r)), [](const Json& j) {
      if (j["kind"] == "control") return GroupReceived{DeliveryKind::control, {}};
      return GroupReceived{DeliveryKind::application, hex_field(j, "plaintext")};
    });
  }
  Op<GroupView> group_info(const std::string& party, const std::string& group) override {
    return then<GroupView>(request(Json{{"op", "group_info"}, {"party", party}, {"group", group}}), [](const Json& j) {
      GroupView v;
      for (const Json& m : j["members"]) v.members.push_back(m.get<std::string>());
      if (auto e = j.find("epoch"); e != j.end() && !e->is_null()) v.epoch = hex_field(j, "epoch");
      if (auto n = j.find("epoch_number"); n != j.end() && !n->is_null()) v.epoch_number = n->get<uint64_t>();
      if (auto rm = j.find("removed"); rm != j.end() && rm->is_boolean()) v.removed = rm->get<bool>();
      return v;
    });
  }

  Op<Unit> restart() override {
    note("restart");
    proc_.reset();  // kills the process group
    if (auto v = start()) return *v;
    return Unit{};
  }

  bool alive() const override { return proc_ != nullptr && !dead_; }

  Transcript take_transcript() override {
    Transcript t = std::move(transcript_);
    transcript_ = Transcript{};
    epoch_ = Clock::now();
    return t;
  }

  std::string stderr_tail() const override { return proc_ ? proc_->stderr_tail() : std::string(); }
  uint64_t round_trips() const override { return round_trips_; }

 private:
  Op<Deliveries> deliveries(Json req) {
    return then<Deliveries>(request(std::move(req)), [](const Json& j) { return deliveries_field(j); });
  }

  // request sends a typed op; an ok:false response becomes a Refusal.
  Op<Json> request(Json req) {
    Op<Json> r = exchange(std::move(req), limits_.request, Validation::op_fields);
    if (!r.ok()) return r;
    const Json& j = r.value();
    if (j["ok"].get<bool>()) return r;
    auto code = ptp::parse_error_code(j["error"].get_ref<const std::string&>());
    return Refusal{code.value_or(ptp::ErrorCode::internal), detail_of(j)};
  }

  // exchange adds the next id, sends the request and validates the response.
  Op<Json> exchange(Json req, std::chrono::milliseconds limit, Validation validation) {
    if (dead_) return dead_again();
    const uint64_t id = next_id_++;
    req["id"] = id;
    const std::string op = req.value("op", std::string());
    std::string response;
    if (auto v = round_trip(ptp::dump(req), limit, response)) return *v;

    auto parsed = ptp::parse_line(response);
    if (!parsed) return fail(ViolationKind::not_json, "response is not JSON: " + excerpt(response));
    Json& j = *parsed;
    if (!j.is_object()) return fail(ViolationKind::not_object, "response is not a JSON object: " + excerpt(response));
    auto id_it = j.find("id");
    if (id_it == j.end() || !id_it->is_number() || *id_it != Json(id)) {
      std::string got = id_it == j.end() ? std::string("none") : excerpt(id_it->dump());
      return fail(ViolationKind::wrong_id, "expected id " + std::to_string(id) + ", got " + got);
    }
    auto ok_it = j.find("ok");
    if (ok_it == j.end() || !ok_it->is_boolean()) {
      return fail(ViolationKind::missing_field, "field \"ok\" missing or not a boolean");
    }
    Check problem = ok_it->get<bool>() ? (validation == Validation::op_fields ? check_success(op, j) : std::nullopt)
                                       : check_failure(j);
    if (problem) return fail(problem->kind, op + ": " + problem->detail);
    ++round_trips_;
    return std::move(j);
  }

  // round_trip writes one line and reads one line within `limit`; a violation if not.
  std::optional<Violation> round_trip(std::string_view line, std::chrono::milliseconds limit,
                                      std::string& response_out) {
    limit += size_allowance(limits_, line.size());
    const auto deadline = Clock::now() + limit;
    record(Direction::request, std::string(line));
    IoStatus st = proc_->write_line(line, deadline);
    if (st == IoStatus::ok) st = proc_->read_line(deadline, response_out);
    switch (st) {
      case IoStatus::ok:
        record(Direction::response, response_out);
        return std::nullopt;
      case IoStatus::timeout: {
        std::string detail = "no complete response within " + std::to_string(limit.count()) + " ms";
        if (size_t n = proc_->pending_stdout_size(); n > 0) {
          detail += " (" + std::to_string(n) +
                    " bytes without a newline: " + excerpt(proc_->pending_stdout(kExcerptBytes + 1)) + ")";
        }
        return fail(ViolationKind::timeout, detail);
      }
      case IoStatus::oversized:
        return fail(ViolationKind::oversized_line, "response line longer than 16 MiB (" +
                                                       std::to_string(proc_->pending_stdout_size()) +
                                                       " bytes without a newline, starting " +
                                                       excerpt(proc_->pending_stdout(kExcerptBytes + 1)) + ")");
      case IoStatus::closed:
      case IoStatus::error: {
        if (auto exit = proc_->wait_exit(Clock::now() + kExitGrace)) {
          return fail(exit->kind == ExitKind::signaled ? ViolationKind::signaled : ViolationKind::exited,
                      "target " + exit->describe());
        }
        return fail(ViolationKind::exited, "target closed its standard input or output but kept running");
      }
    }
    return fail(ViolationKind::exited, "unreachable I/O status");
  }

  // fail records a violation, kills the process and marks the target dead.
  Violation fail(ViolationKind kind, std::string detail) {
    Violation v{kind, std::move(detail), {}};
    if (proc_) {
      ExitStatus st = proc_->kill();
      v.stderr_tail = proc_->stderr_tail();
      if (kind != ViolationKind::exited && kind != ViolationKind::signaled) note("killed; " + st.describe());
    }
    note("violation " + std::string(to_string(kind)) + ": " + v.detail);
    if (!v.stderr_tail.empty()) {
      size_t n = std::min(v.stderr_tail.size(), kNoteStderrBytes);
      note("stderr (last " + std::to_string(n) + " bytes): " + v.stderr_tail.substr(v.stderr_tail.size() - n));
    }
    dead_ = v;
    return v;
  }

  // dead_again answers an op on a dead target without I/O.
  Violation dead_again() {
    Violation v = *dead_;
    v.detail = "target not restarted after: " + dead_->detail;
    note("not sent: target is dead (" + std::string(to_string(v.kind)) + ")");
    return v;
  }

  void record(Direction d, std::string line) {
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - epoch_).count();
    transcript_.entries.push_back(TranscriptEntry{d, label_, std::move(line), static_cast<int64_t>(us)});
  }
  void note(std::string line) { record(Direction::note, std::move(line)); }

  std::string command_;
  std::string label_;
  Limits limits_;
  std::unique_ptr<Process> proc_;
  Hello hello_;
  uint64_t next_id_ = 1;
  std::optional<Violation> dead_;
  Transcript transcript_;
  Clock::time_point epoch_;
  uint64_t round_trips_ = 0;
};

}  // namespace

std::variant<std::unique_ptr<Target>, StartError> start_target(const std::string& command, const std::string& label,
                                                               const Limits& limits) {
  auto target = std::make_unique<PtpTarget>(command, label, limits);
  if (auto v = target->start()) return StartError{*std::move(v)};
  return std::unique_ptr<Target>(std::move(target));
}

}  // namespace parity::harness
