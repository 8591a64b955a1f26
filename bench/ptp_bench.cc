// ptp_bench.cc: the conversations of ratchet_bench.cc and group_bench.cc driven through a
// target process over PTP, with the harness's own client (harness/client), for the
// libraries C++ cannot call in-process: the official Rust libsignal (npm
// @signalapp/libsignal-client) and MLS (ts-mls), beside the reference target as the PTP
// baseline of the ratio.
//
// BM_OneWayPtp/<target>: BM_OneWay's shape: per iteration one 64-byte message a -> b on an
//   established session: encrypt at a, decrypt at b (2 round trips).
// BM_PingPongPtp/<target>: BM_PingPong's: the direction alternates, so each message starts
//   a new chain (2 round trips).
// BM_SessionSetupPtp/<target>: BM_SessionSetup's: b's bundle, a's initiate, a's first
//   encrypt and b's decrypt (4 round trips); the reset and both creates are not timed.
// BM_GroupFanoutPtp/<target>: BM_GroupFanout_*'s: one group_encrypt by the creator of a
//   group of 9, and its deliveries routed by group_receive, 8 application deliveries
//   (9 round trips). The group is made beforehand as the suite makes one (docs/ptp.md
//   Groups): pairwise sessions between every two members where the roster is the
//   server's, one fresh `bundle` per member where hello says group_bundles, group_create,
//   the roster announced to every member (roster "server"), and one send routed, so the
//   control deliveries (keys, welcomes) stay out of the timed loop.
//
// Times are real time (the work happens in the child) and include every PTP round trip:
// request and response as JSON lines with hex, the pipes, the target's decoding and the
// client's validation and transcript. That is why the in-process benchmarks exist too;
// bench/node/bench.mjs times the two Node libraries in-process.
//
// Targets, each a shell command line; setting the variable overrides the default, an
// empty value leaves the target out:
//   reference         PARITY_BENCH_PTP_REFERENCE (default: the parity-target-reference built
//                     with this bench)
//   libsignal-client  PARITY_BENCH_PTP_LIBSIGNAL_CLIENT (default: node
//                     <source>/targets/node/libsignal_client/parity_target.mjs)
//   mls               PARITY_BENCH_PTP_MLS (default: node <source>/targets/node/mls/parity_target.mjs)
// The defaults are what `parity run --target NAME` resolves in a source tree
// (cli/resolve.cc; bench sits below cli/ and does not link it). A default whose program,
// script, node or node_modules package is missing leaves the target out with a one-line
// note on stderr: nothing is started, and the table shows n/a. A command that does not
// start (or breaks PTP) skips its benchmarks with the reason. Each target process starts
// once, at its first benchmark, carries an untimed warm-up conversation (a Node target is
// slow until V8 has compiled its hot paths), and is `reset` at the start of every benchmark.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <benchmark/benchmark.h>
#include <unistd.h>

#include "bench/bench.h"
#include "harness/client/target.h"

#ifndef PARITY_SOURCE_DIR
#define PARITY_SOURCE_DIR ""
#endif
#ifndef PARITY_BENCH_REFERENCE_TARGET
#define PARITY_BENCH_REFERENCE_TARGET ""
#endif

namespace parity::bench {
namespace {

namespace fs = std::filesystem;
using harness::DeliveryKind;
using harness::Op;
using harness::Target;

constexpr size_t kMessageSize = 64;   // as BM_OneWay's and BM_GroupFanout's
constexpr size_t kFanoutMembers = 8;  // receivers; the group has kFanoutMembers + 1
constexpr char kGroup[] = "bench";

const Bytes& message() {
  static const Bytes m(kMessageSize, 0x61);
  return m;
}

Key32 ptp_seed() {
  Key32 k{};
  k.fill(0x50);
  return k;
}

// --- which targets, and how to start them -------------------------------------------

// PtpSpec is one target: its built-in name, the variable that overrides its command, and
// the command, or why it is left out.
struct PtpSpec {
  std::string name;
  std::string env;
  std::string command;   // empty: left out
  std::string left_out;  // the reason, when left out
};

bool is_file(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec);
}

bool is_dir(const fs::path& p) {
  std::error_code ec;
  return fs::is_directory(p, ec);
}

// quote quotes a path for /bin/sh.
std::string quote(const std::string& word) {
  std::string out = "'";
  for (char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// on_path finds an executable in $PATH.
std::optional<fs::path> on_path(const std::string& program) {
  const char* env = std::getenv("PATH");
  std::string path = env != nullptr ? env : "";
  size_t start = 0;
  while (start <= path.size()) {
    size_t colon = path.find(':', start);
    if (colon == std::string::npos) colon = path.size();
    const fs::path c = fs::path(path.substr(start, colon - start)) / program;
    if (colon > start && is_file(c) && access(c.c_str(), X_OK) == 0) return c;
    start = colon + 1;
  }
  return std::nullopt;
}

// node_default is the default command of a Node target: node and the script from the
// source tree, provided node, the script and the library in node_modules are there.
PtpSpec node_default(PtpSpec spec, const std::string& folder, const std::string& package) {
  const fs::path node_dir = fs::path(PARITY_SOURCE_DIR) / "targets" / "node";
  const fs::path script = node_dir / folder / "parity_target.mjs";
  if (!on_path("node")) {
    spec.left_out = "node is not in PATH";
  } else if (!is_file(script)) {
    spec.left_out = script.string() + " not found";
  } else if (!is_dir(node_dir / "node_modules" / package)) {
    spec.left_out = (node_dir / "node_modules" / package).string() + " not found (npm ci in targets/node)";
  } else {
    spec.command = "node " + quote(script.string());
  }
  return spec;
}

// resolve_specs computes every target's command once, checking only files (cheap).
std::vector<PtpSpec> resolve_specs() {
  std::vector<PtpSpec> specs;
  PtpSpec ref{"reference", "PARITY_BENCH_PTP_REFERENCE", "", ""};
  const std::string built = PARITY_BENCH_REFERENCE_TARGET;
  if (!built.empty() && is_file(built)) {
    ref.command = quote(built);
  } else {
    ref.left_out = "parity-target-reference not built (" + built + ")";
  }
  specs.push_back(ref);
  specs.push_back(node_default({"libsignal-client", "PARITY_BENCH_PTP_LIBSIGNAL_CLIENT", "", ""}, "libsignal_client",
                               "@signalapp/libsignal-client"));
  specs.push_back(node_default({"mls", "PARITY_BENCH_PTP_MLS", "", ""}, "mls", "ts-mls"));
  for (PtpSpec& s : specs) {
    if (const char* v = std::getenv(s.env.c_str()); v != nullptr) {
      s.command = v;
      s.left_out = s.command.empty() ? s.env + " is empty" : "";
    }
  }
  return specs;
}

const std::vector<PtpSpec>& specs() {
  static const std::vector<PtpSpec> s = resolve_specs();
  return s;
}

// Running is a target's process, started at its first benchmark, or why it did not start.
struct Running {
  std::unique_ptr<Target> target;
  std::string failure;
};

std::map<std::string, Running>& running() {
  static std::map<std::string, Running> r;
  return r;
}

std::string describe(const harness::Violation& v) {
  std::string s = "PTP violation " + std::string(harness::to_string(v.kind)) + ": " + v.detail;
  // One line of the target's stderr usually says why: the last that names an error (node
  // ends an uncaught one with its version line), else the last.
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < v.stderr_tail.size()) {
    size_t end = v.stderr_tail.find('\n', start);
    if (end == std::string::npos) end = v.stderr_tail.size();
    if (end > start) lines.push_back(v.stderr_tail.substr(start, end - start));
    start = end + 1;
  }
  std::string why = lines.empty() ? "" : lines.back();
  for (const std::string& line : lines) {
    if (line.find("rror") != std::string::npos || line.find("cannot") != std::string::npos) why = line;
  }
  if (!why.empty()) s += " (stderr: " + why + ")";
  return s;
}

// warm_up runs an untimed conversation in a fresh process (below).
void warm_up(Target& t);

// target_of starts the target if it is not running (once: a failure is remembered) and
// restarts it after a violation in an earlier benchmark; null with the reason otherwise.
Target* target_of(const PtpSpec& spec, std::string& why_) {
  Running& r = running()[spec.name];
  if (!r.failure.empty()) {
    why_ = r.failure;
    return nullptr;
  }
  if (!r.target) {
    auto started = harness::start_target(spec.command, spec.name);
    if (auto* err = std::get_if<harness::StartError>(&started)) {
      r.failure = spec.name + " did not start (" + spec.command + "): " + describe(err->violation);
      why_ = r.failure;
      return nullptr;
    }
    r.target = std::move(std::get<std::unique_ptr<Target>>(started));
    warm_up(*r.target);
  } else if (!r.target->alive()) {
    if (Op<harness::Unit> st = r.target->restart(); !st.ok()) {
      r.failure = spec.name + " did not restart: " + (st.violated() ? describe(st.violation()) : st.refusal().detail);
      why_ = r.failure;
      return nullptr;
    }
  }
  return r.target.get();
}

// --- PTP sequences ---------------------------------------------------------------------

// Problem is what went wrong in a PTP sequence; none when all went well.
using Problem = std::optional<std::string>;

template <class T>
Problem problem(const std::string& what, const Op<T>& op) {
  if (op.ok()) return std::nullopt;
  if (op.refused()) {
    return what + " refused " + std::string(ptp::to_string(op.refusal().code)) + ": " + op.refusal().detail;
  }
  return what + ": " + describe(op.violation());
}

#define PARITY_PTP_TRY(expr)                  \
  do {                                        \
    if (Problem found = (expr)) return found; \
  } while (false)

// send carries the 64-byte message from -> to: encrypt, decrypt, and the plaintext checked.
Problem send(Target& t, const std::string& from, const std::string& to) {
  Op<harness::CiphertextResult> c = t.encrypt(from, to, message());
  PARITY_PTP_TRY(problem("encrypt " + from + " -> " + to, c));
  Op<Bytes> plain = t.decrypt(to, from, c->ciphertext, c->kind);
  PARITY_PTP_TRY(problem("decrypt at " + to, plain));
  if (*plain != message()) return "decrypt at " + to + " gave another plaintext";
  return std::nullopt;
}

// setup is BM_SessionSetup's sequence: to's bundle, from's initiate, the first message.
Problem setup(Target& t, const std::string& from, const std::string& to) {
  Op<harness::BundleResult> b = t.bundle(to);
  PARITY_PTP_TRY(problem("bundle of " + to, b));
  PARITY_PTP_TRY(problem("initiate " + from + " -> " + to, t.initiate(from, to, b->bundle)));
  return send(t, from, to);
}

// establish is setup plus the answer, so neither side sends first messages any more.
Problem establish(Target& t, const std::string& from, const std::string& to) {
  PARITY_PTP_TRY(setup(t, from, to));
  return send(t, to, from);
}

// fresh drops every party (reset) and creates `parties`.
Problem fresh(Target& t, const std::vector<std::string>& parties) {
  (void)t.take_transcript();  // nobody reads it here: keep memory flat across benchmarks
  PARITY_PTP_TRY(problem("reset", t.reset(ptp_seed())));
  for (const std::string& p : parties) PARITY_PTP_TRY(problem("create " + p, t.create(p)));
  return std::nullopt;
}

// route gives every delivery of an op `from` performed to its recipient, in the order
// produced, and counts the application deliveries read (each must give the message).
Problem route(Target& t, const std::string& from, const harness::Deliveries& deliveries, size_t& read_) {
  for (const harness::Delivery& d : deliveries) {
    Op<harness::GroupReceived> got = t.group_receive(d.to, kGroup, from, d.envelope);
    PARITY_PTP_TRY(problem("group_receive at " + d.to, got));
    if (got->kind == DeliveryKind::application) {
      if (got->plaintext != message()) return "group_receive at " + d.to + " gave another plaintext";
      ++read_;
    }
  }
  return std::nullopt;
}

// kWarmUpMessages is how many messages each way a fresh process carries before its first
// benchmark: V8 compiles a Node target's hot paths only after some use, and an MLS
// message costs several times its steady time in the first tens.
constexpr int kWarmUpMessages = 32;

void warm_up(Target& t) {
  // A failure here is left for the benchmark itself to report.
  if (fresh(t, {"a", "b"}) || establish(t, "a", "b")) return;
  for (int i = 0; i < kWarmUpMessages; ++i) {
    if (send(t, "a", "b") || send(t, "b", "a")) return;
  }
}

std::string member(size_t i) {
  return "m" + std::to_string(i);
}

// make_group makes the group of kFanoutMembers + 1 as the suite does (see the header);
// member 0 creates it and sends.
Problem make_group(Target& t) {
  const harness::Hello& hello = t.hello();
  if (!hello.has("group")) return std::string("no capability group");
  std::vector<std::string> all;
  for (size_t i = 0; i <= kFanoutMembers; ++i) all.push_back(member(i));
  PARITY_PTP_TRY(fresh(t, all));
  const bool server = hello.group_roster == harness::GroupRoster::server;
  if (server) {
    for (size_t i = 0; i < all.size(); ++i) {
      for (size_t j = i + 1; j < all.size(); ++j) PARITY_PTP_TRY(establish(t, all[i], all[j]));
    }
  }
  const std::vector<std::string> others(all.begin() + 1, all.end());
  std::map<std::string, Bytes> bundles;
  if (hello.group_bundles) {
    for (const std::string& m : others) {
      Op<harness::BundleResult> b = t.bundle(m);
      PARITY_PTP_TRY(problem("bundle of " + m, b));
      bundles[m] = b->bundle;
    }
  }
  size_t read = 0;
  Op<harness::Deliveries> created = t.group_create(all[0], kGroup, others, bundles);
  PARITY_PTP_TRY(problem("group_create", created));
  PARITY_PTP_TRY(route(t, all[0], *created, read));
  if (server) {
    for (const std::string& m : all) {
      Op<harness::Deliveries> announced = t.group_roster(m, kGroup, all);
      PARITY_PTP_TRY(problem("group_roster at " + m, announced));
      PARITY_PTP_TRY(route(t, m, *announced, read));
    }
  }
  Op<harness::Deliveries> first = t.group_encrypt(all[0], kGroup, message());
  PARITY_PTP_TRY(problem("group_encrypt", first));
  PARITY_PTP_TRY(route(t, all[0], *first, read));
  if (read != kFanoutMembers) {
    return "the first group message was read " + std::to_string(read) + " times, not " + std::to_string(kFanoutMembers);
  }
  return std::nullopt;
}

// --- the benchmarks --------------------------------------------------------------------

void skip(benchmark::State& state, const std::string& why) {
  state.SkipWithError(why.c_str());
}

void one_way(benchmark::State& state, const PtpSpec& spec) {
  std::string why;
  Target* t = target_of(spec, why);
  if (t == nullptr) return skip(state, why);
  if (Problem p = fresh(*t, {"a", "b"})) return skip(state, *p);
  if (Problem p = establish(*t, "a", "b")) return skip(state, *p);
  for (auto _ : state) {
    if (Problem p = send(*t, "a", "b")) return skip(state, *p);
  }
  (void)t->take_transcript();
  state.SetItemsProcessed(state.iterations());
}

void ping_pong(benchmark::State& state, const PtpSpec& spec) {
  std::string why;
  Target* t = target_of(spec, why);
  if (t == nullptr) return skip(state, why);
  if (Problem p = fresh(*t, {"a", "b"})) return skip(state, *p);
  if (Problem p = establish(*t, "a", "b")) return skip(state, *p);
  bool from_a = true;  // establish's last message went b -> a
  for (auto _ : state) {
    if (Problem p = from_a ? send(*t, "a", "b") : send(*t, "b", "a")) return skip(state, *p);
    from_a = !from_a;
  }
  (void)t->take_transcript();
  state.SetItemsProcessed(state.iterations());
}

void session_setup(benchmark::State& state, const PtpSpec& spec) {
  std::string why;
  Target* t = target_of(spec, why);
  if (t == nullptr) return skip(state, why);
  for (auto _ : state) {
    state.PauseTiming();
    if (Problem p = fresh(*t, {"a", "b"})) return skip(state, *p);
    state.ResumeTiming();
    if (Problem p = setup(*t, "a", "b")) return skip(state, *p);
  }
  (void)t->take_transcript();
  state.SetItemsProcessed(state.iterations());
}

void group_fanout(benchmark::State& state, const PtpSpec& spec) {
  std::string why;
  Target* t = target_of(spec, why);
  if (t == nullptr) return skip(state, why);
  if (Problem p = make_group(*t)) return skip(state, *p);
  const std::string sender = member(0);
  for (auto _ : state) {
    Op<harness::Deliveries> sent = t->group_encrypt(sender, kGroup, message());
    if (Problem p = problem("group_encrypt", sent)) return skip(state, *p);
    size_t read = 0;
    if (Problem p = route(*t, sender, *sent, read)) return skip(state, *p);
    if (read != kFanoutMembers) {
      return skip(state,
                  "a group message was read " + std::to_string(read) + " times, not " + std::to_string(kFanoutMembers));
    }
  }
  (void)t->take_transcript();
  state.counters["members"] = static_cast<double>(kFanoutMembers);
}

// Kind is one benchmark shape: its name, the in-process benchmark it mirrors, its
// function, and its PTP round trips per iteration.
struct Kind {
  const char* name;
  const char* in_process;
  void (*run)(benchmark::State&, const PtpSpec&);
  int round_trips;
};
constexpr Kind kKinds[] = {
    {"OneWay", "BM_OneWay/reference", one_way, 2},
    {"PingPong", "BM_PingPong/reference", ping_pong, 2},
    {"SessionSetup", "BM_SessionSetup/reference", session_setup, 4},
    {"GroupFanout", "BM_GroupFanout_Reference", group_fanout, 1 + static_cast<int>(kFanoutMembers)},
};

std::string ptp_name(const Kind& k, const PtpSpec& s) {
  return std::string("BM_") + k.name + "Ptp/" + s.name;
}

}  // namespace

void register_ptp_benchmarks() {
  for (const PtpSpec& s : specs()) {
    if (s.command.empty()) std::cerr << "parity-bench: BM_*Ptp/" << s.name << " left out: " << s.left_out << "\n";
  }
  // Kind by kind, so each kind's targets run and print side by side.
  for (const Kind& k : kKinds) {
    for (const PtpSpec& s : specs()) {
      if (s.command.empty()) continue;
      benchmark::RegisterBenchmark(ptp_name(k, s).c_str(), [&k, &s](benchmark::State& st) { k.run(st, s); })
          ->UseRealTime()
          ->Unit(benchmark::kMicrosecond);
    }
  }
}

void print_ptp_ratios(const std::function<std::optional<double>(const std::string&)>& time_of, std::ostream& out) {
  bool any = false;
  for (const Kind& k : kKinds) {
    for (const PtpSpec& s : specs()) any = any || time_of(ptp_name(k, s)).has_value();
  }
  if (!any) return;
  auto us = [](std::optional<double> ns) {
    if (!ns) return std::string("n/a");
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f us", *ns / 1e3);
    return std::string(buf);
  };
  auto ratio = [](std::optional<double> num, std::optional<double> den) {
    if (!num || !den || *den <= 0) return std::string("n/a");
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", *num / *den);
    return std::string(buf);
  };
  char line[256];
  out << "\nPTP round trip (real time per iteration through a target process; ratio: the target's time over the "
         "reference target's)\n";
  std::snprintf(line, sizeof line, "  %-13s %4s %11s %11s %17s %8s %11s %8s\n", "kind", "rt", "in-process", "reference",
                "libsignal-client", "lsc/ref", "mls", "mls/ref");
  out << line;
  for (const Kind& k : kKinds) {
    auto at = [&](const char* target) { return time_of(std::string("BM_") + k.name + "Ptp/" + target); };
    const std::optional<double> ref = at("reference");
    const std::optional<double> lsc = at("libsignal-client");
    const std::optional<double> mls = at("mls");
    std::snprintf(line, sizeof line, "  %-13s %4d %11s %11s %17s %8s %11s %8s\n", k.name, k.round_trips,
                  us(time_of(k.in_process)).c_str(), us(ref).c_str(), us(lsc).c_str(), ratio(lsc, ref).c_str(),
                  us(mls).c_str(), ratio(mls, ref).c_str());
    out << line;
  }
  out << "  rt: PTP round trips per iteration. Every PTP time includes them (JSON lines with hex, pipes, the\n"
         "  target's decoding, the client's validation): the in-process column (BM_<Kind>/reference,\n"
         "  BM_GroupFanout_Reference) is the reference without them, and bench/node/bench.mjs times the Node\n"
         "  libraries in-process. n/a: not run, failed (see its line above) or left out\n";
  for (const PtpSpec& s : specs()) {
    if (s.command.empty()) out << "  left out: " << s.name << ": " << s.left_out << "\n";
  }
  out.flush();
}

}  // namespace parity::bench
