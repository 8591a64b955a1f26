#include "cli/doctor.h"

#include <functional>
#include <regex>
#include <tuple>

#include "harness/client/process.h"

namespace parity::harness {

namespace {

// ProbeVerdict: a probe that needs a capability the target lacks is skipped, not ok.
enum class ProbeVerdict { ok, fail, skip };

// ProbeResult is one probe's verdict and detail.
struct ProbeResult {
  ProbeVerdict verdict = ProbeVerdict::fail;
  std::string detail;
};

ProbeResult pass(std::string detail) {
  return {ProbeVerdict::ok, std::move(detail)};
}
ProbeResult failed(std::string detail) {
  return {ProbeVerdict::fail, std::move(detail)};
}
ProbeResult skipped(std::string detail) {
  return {ProbeVerdict::skip, std::move(detail)};
}

std::string describe(const Violation& v) {
  std::string s =
      "protocol violation (" + std::string(to_string(v.kind)) + ")" + (v.detail.empty() ? "" : ": " + v.detail);
  // A line that is not the response is most often a library logging to stdout.
  if (v.kind == ViolationKind::not_json || v.kind == ViolationKind::not_object || v.kind == ViolationKind::wrong_id) {
    s += " (anything else the target writes to stdout breaks PTP: log to stderr, see docs/writing-a-target.md, "
         "\"stdout is PTP's\")";
  }
  return s;
}

std::string describe(const Refusal& r) {
  return "refused " + std::string(ptp::to_string(r.code)) + ": " + r.detail;
}

std::string excerpt(const Json& j) {
  std::string s = j.dump(-1, ' ', false, Json::error_handler_t::replace);
  if (s.size() > 200) s = s.substr(0, 200) + "...";
  return s;
}

// expect_error checks that a response is a failure with the given code.
ProbeResult expect_error(const Op<Json>& r, std::string_view code, const std::string& what) {
  if (r.violated()) return failed(what + ": " + describe(r.violation()));
  if (r.refused()) return failed(what + ": " + describe(r.refusal()));
  const Json& j = r.value();
  if (j.value("ok", true)) return failed(what + ": accepted, expected error " + std::string(code) + ": " + excerpt(j));
  const std::string got = j.value("error", std::string());
  if (got != code) return failed(what + ": answered " + got + ", expected " + std::string(code));
  return pass(what + ": " + std::string(code));
}

// what_went_wrong describes an op that did not succeed.
template <class T>
std::string what_went_wrong(const Op<T>& r) {
  return r.violated() ? describe(r.violation()) : describe(r.refusal());
}

// fresh_parties resets the target and creates alice and bob; returns the failure, if any.
std::optional<std::string> fresh_parties(Target& t) {
  if (auto r = t.reset(std::nullopt); !r.ok()) return "reset: " + what_went_wrong(r);
  for (const char* p : {"alice", "bob"}) {
    if (auto r = t.create(p); !r.ok()) return std::string("create ") + p + ": " + what_went_wrong(r);
  }
  return std::nullopt;
}

// setup_session makes parties alice and bob with a session alice→bob that bob has
// accepted (one prekey message delivered); returns the failure, if any.
std::optional<std::string> setup_session(Target& t) {
  if (auto e = fresh_parties(t)) return e;
  auto b = t.bundle("bob");
  if (!b.ok()) return "bundle: " + what_went_wrong(b);
  if (auto r = t.initiate("alice", "bob", b->bundle); !r.ok()) return "initiate: " + what_went_wrong(r);
  const Bytes hi = to_bytes("hi");
  auto c = t.encrypt("alice", "bob", hi);
  if (!c.ok()) return "encrypt: " + what_went_wrong(c);
  auto p = t.decrypt("bob", "alice", c->ciphertext, c->kind);
  if (!p.ok()) return "decrypt: " + what_went_wrong(p);
  if (*p != hi) return "decrypt: the first message did not decrypt to itself";
  return std::nullopt;
}

ProbeResult probe_hello(Target& t) {
  const Hello& h = t.hello();
  if (h.implementation.empty()) return failed("implementation is empty");
  if (h.version.empty()) return failed("version is empty");
  static const std::regex protocol_re("signal-v3|olm-v1|custom:[A-Za-z0-9_.-]+");
  if (!std::regex_match(h.protocol, protocol_re)) {
    return failed("protocol '" + h.protocol + "' is none of signal-v3, olm-v1, custom:NAME");
  }
  static const std::vector<std::string> known = {"export",     "import",       "deterministic", "inject",
                                                 "primitives", "media",        "media_file",    "stanza",
                                                 "group",      "group_update", "group_forge"};
  std::string caps, unknown;
  for (const std::string& c : h.capabilities) {
    caps += (caps.empty() ? "" : ",") + c;
    if (std::find(known.begin(), known.end(), c) == known.end()) unknown += " " + c;
  }
  if (!h.limits.is_object()) return failed("limits is not an object");
  // The client refuses a hello whose limits are neither non-negative integers nor null
  // (no bound); what is left to say is which are unbounded.
  std::string unbounded;
  std::vector<const char*> names(std::begin(kBoundNames), std::end(kBoundNames));
  names.insert(names.end(), std::begin(kGroupBoundNames), std::end(kGroupBoundNames));
  for (const char* name : names) {
    if (h.declared(name).kind == LimitKind::unbounded) unbounded += std::string(unbounded.empty() ? "" : ", ") + name;
  }
  std::string detail = h.implementation + " " + h.version + ", " + h.protocol + ", capabilities [" + caps + "]";
  if (!unknown.empty()) detail += " (not in PTP/1:" + unknown + ")";
  if (!unbounded.empty()) detail += "; declared unbounded (null): " + unbounded;
  if (!h.commit_policy.empty()) detail += "; commit policy: " + h.commit_policy;
  if (!h.post_quantum.empty()) detail += "; post-quantum: " + h.post_quantum;
  return pass(detail);
}

ProbeResult probe_hello_version(Target& t) {
  return expect_error(t.call(Json{{"op", "hello"}, {"ptp", 999}}), "unsupported", "hello with ptp 999");
}

ProbeResult probe_unknown_op(Target& t) {
  return expect_error(t.call(Json{{"op", "parity_doctor_no_such_op"}}), "unsupported", "op parity_doctor_no_such_op");
}

ProbeResult probe_unknown_fields(Target& t) {
  Json extra = {{"nested", {1, "two", nullptr}}};
  for (Json req : {Json{{"op", "reset"}}, Json{{"op", "create"}, {"party", "alice"}}}) {
    const std::string op = req["op"];
    req["x_parity_doctor"] = extra;
    Op<Json> r = t.call(req);
    if (r.violated()) return failed(op + ": " + describe(r.violation()));
    if (!r.value().value("ok", false)) return failed(op + " with an unknown field was refused: " + excerpt(r.value()));
  }
  return pass("reset and create with an unknown field succeed");
}

ProbeResult probe_raw(Target& t, const std::string& line, const std::string& what) {
  Op<Json> r = t.send_raw(line);
  if (r.violated()) return failed(what + ": " + describe(r.violation()));
  const Json& j = r.value();
  auto id = j.find("id");
  if (id == j.end() || !id->is_null()) return failed(what + ": the response's id is not null: " + excerpt(j));
  return expect_error(r, "bad_request", what);
}

ProbeResult probe_bad_hex(Target& t) {
  if (auto e = setup_session(t)) return failed("setup: " + *e);
  return expect_error(t.call(Json{{"op", "encrypt"}, {"party", "alice"}, {"peer", "bob"}, {"plaintext", "zz"}}),
                      "bad_request", "encrypt with plaintext \"zz\"");
}

ProbeResult probe_unknown_party(Target& t) {
  if (auto e = setup_session(t)) return failed("setup: " + *e);
  return expect_error(t.call(Json{{"op", "encrypt"}, {"party", "nobody"}, {"peer", "bob"}, {"plaintext", "6869"}}),
                      "bad_request", "encrypt by unknown party nobody");
}

ProbeResult probe_duplicate_create(Target& t) {
  if (auto e = setup_session(t)) return failed("setup: " + *e);
  return expect_error(t.call(Json{{"op", "create"}, {"party", "alice"}}), "bad_request", "second create of alice");
}

ProbeResult probe_atomic_decrypt(Target& t) {
  if (auto e = setup_session(t)) return failed("setup: " + *e);
  const bool can_export = t.hello().has("export");
  std::optional<Bytes> before;
  if (can_export) {
    auto a = t.export_state("bob");
    auto b = t.export_state("bob");
    if (!a.ok() || !b.ok()) return failed("export of bob failed");
    // An export that differs between two calls (fresh encryption at rest) cannot be
    // compared; the continuity check below still applies.
    if (*a == *b) before = *a;
  }
  Bytes garbage(64);
  for (size_t i = 0; i < garbage.size(); ++i) garbage[i] = static_cast<uint8_t>(i * 37 + 11);
  auto bad = t.decrypt("bob", "alice", garbage, MessageKind::message);
  if (bad.violated()) return failed("decrypt of garbage: " + describe(bad.violation()));
  if (bad.ok()) return failed("decrypt of 64 garbage bytes was accepted");
  std::string how = "refused (" + std::string(ptp::to_string(bad.refusal().code)) + ")";
  if (before) {
    auto after = t.export_state("bob");
    if (!after.ok()) return failed("export of bob after the refusal failed");
    if (*after != *before) return failed("bob's exported state changed after a refused decrypt");
    how += ", export unchanged";
  }
  const Bytes next = to_bytes("next");
  auto c = t.encrypt("alice", "bob", next);
  if (!c.ok()) return failed("encrypt after the refusal failed");
  auto p = t.decrypt("bob", "alice", c->ciphertext, c->kind);
  if (!p.ok() || *p != next) return failed("the next genuine message did not decrypt after a refused decrypt");
  return pass("garbage " + how + ", the next message decrypts");
}

ProbeResult probe_inject_without_capability(Target& t) {
  if (t.hello().has("inject")) return skipped("the target declares inject");
  if (auto r = t.reset(std::nullopt); !r.ok()) return failed("reset failed");
  return expect_error(t.call(Json{{"op", "create"}, {"party", "carol"}, {"identity_private", std::string(64, '1')}}),
                      "unsupported", "create with identity_private");
}

// Exchange is a session between two parties of a probe; `say` sends one message from
// `from` to `to` and checks it decrypts to itself, returning the failure, if any.
std::optional<std::string> say(Target& t, const std::string& from, const std::string& to, const std::string& text) {
  const Bytes plain = to_bytes(text);
  auto c = t.encrypt(from, to, plain);
  if (!c.ok()) return "encrypt " + from + " -> " + to + ": " + what_went_wrong(c);
  auto p = t.decrypt(to, from, c->ciphertext, c->kind);
  if (!p.ok()) return "decrypt by " + to + " of " + from + "'s \"" + text + "\": " + what_went_wrong(p);
  if (*p != plain) return "decrypt by " + to + " of " + from + "'s \"" + text + "\" gave other bytes";
  return std::nullopt;
}

// start_session has `from` initiate with a fresh bundle of `to`, then talks both ways.
std::optional<std::string> start_session(Target& t, const std::string& from, const std::string& to) {
  auto b = t.bundle(to);
  if (!b.ok()) return "bundle of " + to + ": " + what_went_wrong(b);
  if (auto r = t.initiate(from, to, b->bundle); !r.ok())
    return "initiate " + from + " -> " + to + ": " + what_went_wrong(r);
  for (const auto& [x, y, text] :
       {std::tuple{from, to, "first"}, std::tuple{to, from, "answer"}, std::tuple{from, to, "again"}}) {
    if (auto e = say(t, x, y, text)) return e;
  }
  return std::nullopt;
}

// doctor_party_names are names the suite may use (ptp.md: `[a-z0-9_.~-]{1,64}`): every
// allowed character, a name of 64, one that starts with a non-letter, and two that agree
// up to their first `.`, which a library using `.` as a device separator merges.
std::vector<std::string> doctor_party_names() {
  std::string longest = "party.1~abcdefghijklmnopqrstuvwxyz0123456789_-";
  const std::string pad = ".~-_9";
  for (size_t i = 0; longest.size() < 64; ++i) longest += pad[i % pad.size()];
  return {longest, "party.2", "-._~0"};
}

ProbeResult probe_party_names(Target& t) {
  const std::vector<std::string> names = doctor_party_names();
  const std::string hint =
      " (party names may hold '.', '~', '-', '_' and be 64 long: docs/writing-a-target.md, "
      "\"Party names\")";
  if (auto r = t.reset(std::nullopt); !r.ok()) return failed("reset: " + what_went_wrong(r));
  for (const std::string& n : names) {
    if (auto r = t.create(n); !r.ok()) return failed("create " + n + ": " + what_went_wrong(r) + hint);
  }
  if (auto e = start_session(t, names[0], names[1])) return failed(*e + hint);
  if (auto e = start_session(t, names[2], names[0])) return failed(*e + hint);
  // Both sessions of names[0] still work after the second one started.
  if (auto e = say(t, names[1], names[0], "still")) return failed(*e + hint);
  return pass("parties " + names[1] + ", " + names[2] + " and one of 64 characters talk both ways");
}

// probe_session_replace: a stray stdout line reads as the response (not_json and the
// like), which describe(Violation) points to docs/writing-a-target.md for.
ProbeResult probe_session_replace(Target& t) {
  if (auto e = fresh_parties(t)) return failed(*e);
  if (auto e = start_session(t, "alice", "bob")) return failed("first session: " + *e);
  // A new session from a new bundle replaces the current one, on both sides; libraries
  // often log the replaced record, which must not reach stdout.
  if (auto e = start_session(t, "alice", "bob")) return failed("alice starting again: " + *e);
  if (auto e = start_session(t, "bob", "alice")) return failed("bob starting one the other way: " + *e);
  // One more exchange, so a line written after the last response is read here.
  if (auto e = say(t, "alice", "bob", "after")) return failed("after the replacements: " + *e);
  return pass("alice and bob replaced their session twice (each side initiating) and went on both ways");
}

ProbeResult probe_clone(Target& t) {
  if (!t.hello().has("export") || !t.hello().has("import")) {
    return skipped("needs capabilities export and import");
  }
  const std::string hint = " (a clone keeps the original's address: docs/ptp.md, docs/writing-a-target.md, \"Clones\")";
  if (auto e = fresh_parties(t)) return failed(*e);
  auto b = t.bundle("bob");
  if (!b.ok()) return failed("bundle of bob: " + what_went_wrong(b));
  if (auto r = t.initiate("alice", "bob", b->bundle); !r.ok()) return failed("initiate: " + what_went_wrong(r));
  // clone_reads: bob has not read `c`; a clone of him made now reads it, and so does he.
  int n = 0;
  const auto clone_reads = [&](const CiphertextResult& c, const Bytes& plain) -> std::optional<std::string> {
    const std::string clone = "bob~clone" + std::to_string(++n);
    auto state = t.export_state("bob");
    if (!state.ok()) return "export of bob: " + what_went_wrong(state);
    if (auto r = t.import_state(clone, *state); !r.ok()) return "import as " + clone + ": " + what_went_wrong(r);
    const std::string which = std::string(to_string(c.kind)) + " message";
    auto p = t.decrypt(clone, "alice", c.ciphertext, c.kind);
    if (!p.ok())
      return clone + " cannot read a " + which + " sent to bob that bob has not read: " + what_went_wrong(p) + hint;
    if (*p != plain) return clone + " read a " + which + " sent to bob as other bytes" + hint;
    auto q = t.decrypt("bob", "alice", c.ciphertext, c.kind);
    if (!q.ok() || *q != plain) return "bob himself cannot read the " + which + " after the clone did";
    return std::nullopt;
  };
  const Bytes first = to_bytes("first");
  auto c0 = t.encrypt("alice", "bob", first);
  if (!c0.ok()) return failed("encrypt: " + what_went_wrong(c0));
  if (auto e = clone_reads(*c0, first)) return failed(*e);
  if (auto e = say(t, "bob", "alice", "answer")) return failed(*e);
  const Bytes later = to_bytes("later");
  auto c1 = t.encrypt("alice", "bob", later);
  if (!c1.ok()) return failed("encrypt: " + what_went_wrong(c1));
  if (auto e = clone_reads(*c1, later)) return failed(*e);
  return pass("clones bob~clone1 and bob~clone2 read alice's first and a later message bob had not read");
}

ProbeResult probe_eof(const std::string& command, const Limits& limits) {
  auto spawned = Process::spawn(command);
  if (!spawned.ok()) return failed("cannot start: " + spawned.error().detail);
  Process& p = **spawned;
  const auto deadline = Clock::now() + limits.hello;
  std::string line;
  if (p.write_line(R"({"id":1,"op":"hello","ptp":1})", deadline) != IoStatus::ok ||
      p.read_line(deadline, line) != IoStatus::ok) {
    return failed("no hello response");
  }
  p.close_stdin();
  auto status = p.wait_exit(Clock::now() + std::chrono::seconds(1));
  if (!status) {
    p.kill();
    return failed("still running 1 s after end of input");
  }
  if (status->kind != ExitKind::exited || status->value != 0)
    return failed("after end of input: " + status->describe());
  return pass("exits with status 0 on end of input");
}

}  // namespace

DoctorRun run_doctor(const std::string& command, const Limits& limits, std::ostream& out) {
  DoctorRun run;
  auto started = start_target(command, "target", limits);
  if (auto* e = std::get_if<StartError>(&started)) {
    run.start_error = describe(e->violation);
    if (!e->violation.stderr_tail.empty()) run.start_error += " (stderr: " + e->violation.stderr_tail + ")";
    return run;
  }
  run.started = true;
  std::unique_ptr<Target> target = std::move(std::get<std::unique_ptr<Target>>(started));

  using Probe = std::function<ProbeResult(Target&)>;
  const std::vector<std::pair<std::string, Probe>> probes = {
      {"hello", probe_hello},
      {"hello-version", probe_hello_version},
      {"unknown-op", probe_unknown_op},
      {"unknown-fields", probe_unknown_fields},
      {"not-json", [](Target& t) { return probe_raw(t, "this is not json", "a non-JSON line"); }},
      {"not-object", [](Target& t) { return probe_raw(t, "[1,2,3]", "a JSON array line"); }},
      {"bad-hex", probe_bad_hex},
      {"unknown-party", probe_unknown_party},
      {"duplicate-create", probe_duplicate_create},
      {"atomic-decrypt", probe_atomic_decrypt},
      {"inject-without-capability", probe_inject_without_capability},
      {"party-names", probe_party_names},
      {"session-replace", probe_session_replace},
      {"clone", probe_clone},
      {"eof", [&](Target&) { return probe_eof(command, limits); }},
  };
  for (const auto& [name, probe] : probes) {
    if (!target->alive()) {
      // A probe that killed the target must not fail the ones after it.
      if (auto r = target->restart(); !r.ok()) {
        out << "FAIL " << name << ": the target could not be restarted\n";
        ++run.result.failed;
        continue;
      }
    }
    const ProbeResult r = probe(*target);
    switch (r.verdict) {
      case ProbeVerdict::ok:
        out << "ok ";
        ++run.result.passed;
        break;
      case ProbeVerdict::fail:
        out << "FAIL ";
        ++run.result.failed;
        break;
      case ProbeVerdict::skip:
        out << "skip ";
        ++run.result.skipped;
        break;
    }
    out << name << ": " << r.detail << "\n";
  }
  return run;
}

}  // namespace parity::harness
