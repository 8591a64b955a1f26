// parity-broken-target MODE: a minimal PTP/1 target that behaves until a trigger
// (usually `create`, or `hello` for the hello modes) and then misbehaves per MODE.
// The PTP client's tests use it to provoke each ViolationKind.
// parity-broken-target canned FILE: after hello, answers each request with the next
// line of FILE (a JSON object) given the request's id: the typed ops' field checks.
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

namespace {

using Json = nlohmann::json;

constexpr const char* kModes[] = {
    "well",       "exit-on-create", "crash",          "hang",           "not-json",     "not-object",
    "wrong-id",   "missing-field",  "bad-error-code", "uppercase-hex",  "oversized",    "stderr-flood",
    "slow-hello", "refuse-hello",   "bad-version",    "no-exit-on-eof", "partial-line", "negative-limit",
    "fractional-limit", "null-limits", "commit-policy", "bad-commit-policy"};

void write_all(int fd, std::string_view s) {
  while (!s.empty()) {
    ssize_t n = ::write(fd, s.data(), s.size());
    if (n <= 0) {
      if (n < 0 && errno == EINTR) continue;
      std::_Exit(1);  // the suite went away or killed the pipe
    }
    s.remove_prefix(static_cast<size_t>(n));
  }
}

void send(const Json& j) {
  write_all(1, j.dump() + "\n");
}

[[noreturn]] void sleep_forever() {
  for (;;) ::pause();
}

Json hello_response(const Json& id) {
  return Json{{"id", id},
              {"ok", true},
              {"ptp", 1},
              {"implementation", "parity-broken-target"},
              {"version", "0"},
              {"protocol", "custom:broken"},
              {"capabilities", Json::array()}};
}

// misbehave_on_create acts out MODE in place of a create response; returns false
// when the mode has nothing to do with create.
bool misbehave_on_create(std::string_view mode, const Json& id) {
  if (mode == "exit-on-create") std::exit(3);
  if (mode == "crash") {
    rlimit no_core{0, 0};
    ::setrlimit(RLIMIT_CORE, &no_core);
    ::signal(SIGSEGV, SIG_DFL);
    ::raise(SIGSEGV);
    std::abort();
  }
  if (mode == "hang") sleep_forever();
  if (mode == "not-json") {
    write_all(1, "this is not json\n");
  } else if (mode == "not-object") {
    write_all(1, "[1,2]\n");
  } else if (mode == "wrong-id") {
    send(Json{{"id", id.get<uint64_t>() + 1}, {"ok", true}, {"identity", "05"}});
  } else if (mode == "missing-field") {
    send(Json{{"id", id}, {"ok", true}});
  } else if (mode == "bad-error-code") {
    send(Json{{"id", id}, {"ok", false}, {"error", "kaboom"}, {"detail", "not a PTP code"}});
  } else if (mode == "uppercase-hex") {
    send(Json{{"id", id}, {"ok", true}, {"identity", "05ABCDEF"}});
  } else if (mode == "oversized") {
    std::string line = "{\"id\":" + id.dump() + ",\"ok\":true,\"identity\":\"";
    line.append(size_t{17} << 20, '0');
    line += "\"}\n";
    write_all(1, line);  // blocks once the suite stops reading; it kills us
  } else if (mode == "stderr-flood") {
    std::string chunk(64u << 10, 'e');
    for (size_t written = 0; written < (size_t{100} << 20); written += chunk.size()) write_all(2, chunk);
    write_all(2, "\nflood-end\n");
    send(Json{{"id", id}, {"ok", true}, {"identity", "05aa"}});
  } else if (mode == "partial-line") {
    std::string half = "{\"id\":" + id.dump() + ",\"ok\":tr";
    write_all(1, half);
    sleep_forever();
  } else {
    return false;
  }
  return true;
}

}  // namespace

// canned answers every request but hello with the next line of `file`, the id set.
int canned(const char* file) {
  std::ifstream answers(file);
  if (!answers) {
    std::fprintf(stderr, "parity-broken-target: cannot read %s\n", file);
    return 2;
  }
  std::string line;
  while (std::getline(std::cin, line)) {
    Json req = Json::parse(line, nullptr, /*allow_exceptions=*/false);
    const Json id = req.is_object() && req.contains("id") ? req["id"] : Json(nullptr);
    if (req.is_object() && req.value("op", std::string()) == "hello") {
      send(hello_response(id));
      continue;
    }
    std::string answer;
    if (!std::getline(answers, answer)) return 0;  // out of answers: end, as a crash would
    Json r = Json::parse(answer, nullptr, /*allow_exceptions=*/false);
    r["id"] = id;
    send(r);
  }
  return 0;
}

int main(int argc, char** argv) {
  if (argc == 3 && std::strcmp(argv[1], "canned") == 0) return canned(argv[2]);
  if (argc != 2) {
    std::fprintf(stderr, "usage: parity-broken-target MODE | canned FILE\nmodes:");
    for (const char* m : kModes) std::fprintf(stderr, " %s", m);
    std::fprintf(stderr, "\n");
    return 2;
  }
  const std::string mode = argv[1];
  bool known = false;
  for (const char* m : kModes) known = known || mode == m;
  if (!known) {
    std::fprintf(stderr, "parity-broken-target: unknown mode %s\n", mode.c_str());
    return 2;
  }
  // The pid lets tests check that the suite's kill reached us through wrappers.
  std::string banner = "broken-target pid=" + std::to_string(::getpid()) + " mode=" + mode + "\n";
  write_all(2, banner);

  std::string line;
  while (std::getline(std::cin, line)) {
    Json req = Json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!req.is_object()) {
      send(Json{{"id", nullptr}, {"ok", false}, {"error", "bad_request"}, {"detail", "not an object"}});
      continue;
    }
    const Json id = req.contains("id") ? req["id"] : Json(nullptr);
    const std::string op = req.value("op", std::string());
    if (op == "hello") {
      if (mode == "slow-hello") sleep_forever();
      if (mode == "refuse-hello") {
        send(Json{{"id", id}, {"ok", false}, {"error", "unsupported"}, {"detail", "refusing on purpose"}});
        continue;
      }
      Json r = hello_response(id);
      if (mode == "bad-version") r["ptp"] = 2;
      // A bound is a non-negative integer or null (no bound); anything else is a bad hello.
      if (mode == "negative-limit") r["limits"] = Json{{"max_skip", -1}};
      if (mode == "fractional-limit") r["limits"] = Json{{"max_skip", 2000}, {"max_skipped_keys", 1.5}};
      if (mode == "null-limits")
        r["limits"] = Json{{"max_skip", nullptr}, {"max_skipped_keys", nullptr}, {"max_receiver_chains", 5}};
      if (mode == "commit-policy") {
        r["commit_policy"] = "an empty commit before the first send after receiving";
        r["post_quantum"] = Json{{"setup", "PQXDH (ML-KEM-1024)"}, {"ratchet", "SPQR"}};
      }
      if (mode == "bad-commit-policy") r["commit_policy"] = Json{{"when", "always"}};
      send(r);
    } else if (op == "reset") {
      send(Json{{"id", id}, {"ok", true}});
    } else if (op == "create") {
      if (misbehave_on_create(mode, id)) continue;
      send(Json{{"id", id}, {"ok", true}, {"identity", "05" + std::string(64, 'a')}});
    } else {
      send(Json{{"id", id}, {"ok", false}, {"error", "unsupported"}, {"detail", "op " + op}});
    }
  }
  if (mode == "no-exit-on-eof") sleep_forever();
  return 0;
}
