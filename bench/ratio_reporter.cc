// ratio_reporter.cc: the console output of parity-bench, followed by the ratio table.
#include <cstdio>
#include <optional>
#include <ostream>
#include <string>

#include "bench/bench.h"

namespace parity::bench {
namespace {

// Goal is a speed goal of the reference: its time over libsignal's must be at most `max`.
struct Goal {
  const char* kind;
  double max;
};
constexpr Goal kGoals[] = {{"OneWay", 0.3}, {"PingPong", 0.3}, {"SessionSetup", 0.5}};

std::string format_time(std::optional<double> ns) {
  if (!ns) return "n/a";
  char buf[32];
  if (*ns < 1e3) {
    std::snprintf(buf, sizeof buf, "%.0f ns", *ns);
  } else if (*ns < 1e6) {
    std::snprintf(buf, sizeof buf, "%.2f us", *ns / 1e3);
  } else {
    std::snprintf(buf, sizeof buf, "%.2f ms", *ns / 1e6);
  }
  return buf;
}

std::string format_ratio(std::optional<double> r) {
  if (!r) return "n/a";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", *r);
  return buf;
}

std::optional<double> ratio(std::optional<double> num, std::optional<double> den) {
  if (!num || !den || *den <= 0) return std::nullopt;
  return *num / *den;
}

}  // namespace

void RatioReporter::ReportRuns(const std::vector<Run>& reports) {
  ConsoleReporter::ReportRuns(reports);
  for (const Run& run : reports) {
    if (run.error_occurred) continue;
    // Adjusted time is in run.time_unit; the multiplier converts seconds to that unit.
    double ns = run.GetAdjustedRealTime() * 1e9 / benchmark::GetTimeUnitMultiplier(run.time_unit);
    const std::string& name = run.run_name.function_name;
    if (run.run_type == Run::RT_Iteration) {
      iteration_ns_[name] = ns;  // with repetitions, the last one; the median wins below
    } else if (run.aggregate_name == "median") {
      median_ns_[name] = ns;
    }
  }
}

void RatioReporter::Finalize() {
  auto time_of = [&](const std::string& name) -> std::optional<double> {
    if (auto it = median_ns_.find(name); it != median_ns_.end()) return it->second;
    if (auto it = iteration_ns_.find(name); it != iteration_ns_.end()) return it->second;
    return std::nullopt;
  };
  print_media_ratios(time_of, GetOutputStream());   // bench/media_bench.cc
  print_stanza_ratios(time_of, GetOutputStream());  // bench/stanza_bench.cc
  print_group_ratios(time_of, GetOutputStream());   // bench/group_bench.cc
  print_ptp_ratios(time_of, GetOutputStream());     // bench/ptp_bench.cc
  bool any = false;
  for (const Goal& g : kGoals) any = any || time_of(std::string("BM_") + g.kind + "/reference").has_value();
  if (!any) return;  // a filter left out the ratchet benchmarks

  // Floors: the sum of the primitives a Signal step is made of (reference/crypto costs).
  // One way, per message: each side 2 HMAC (chain step) + HKDF (message keys) + AES-CBC
  // + 1 HMAC (message MAC). A ping-pong message adds on the receiving side 2 DH and 2
  // root-key HKDFs (counted as the 80-byte one); the new ratchet key's generation is left
  // out, so the floor stays a lower bound.
  std::optional<double> hmac = time_of("BM_Primitive_HmacSha256_32B");
  std::optional<double> hkdf = time_of("BM_Primitive_Hkdf_80B");
  std::optional<double> aes = time_of("BM_Primitive_AesCbc_64B");
  std::optional<double> dh = time_of("BM_Primitive_X25519");
  std::optional<double> one_way_floor;
  std::optional<double> ping_pong_floor;
  if (hmac && hkdf && aes) one_way_floor = 2 * (3 * *hmac + *hkdf + *aes);
  if (one_way_floor && dh) ping_pong_floor = *one_way_floor + 2 * *dh + 2 * *hkdf;

  std::ostream& out = GetOutputStream();
  char line[256];
  out << "\nRatios (real time per iteration; goal: reference/libsignal at most the given value)\n";
  std::snprintf(line, sizeof line, "%-13s %11s %11s %11s %9s %6s %-8s %8s %11s\n", "kind", "reference", "libsignal",
                "olm", "ref/lsig", "goal", "status", "ref/olm", "floor");
  out << line;
  for (const Goal& g : kGoals) {
    std::string prefix = std::string("BM_") + g.kind + "/";
    std::optional<double> ref = time_of(prefix + "reference");
    std::optional<double> lsig = time_of(prefix + "libsignal");
    std::optional<double> olm = time_of(prefix + "olm");
    std::optional<double> vs_lsig = ratio(ref, lsig);
    std::optional<double> floor;
    if (std::string(g.kind) == "OneWay") floor = one_way_floor;
    if (std::string(g.kind) == "PingPong") floor = ping_pong_floor;
    const char* status = !vs_lsig ? "unknown" : *vs_lsig <= g.max ? "met" : "NOT MET";
    char goal[16];
    std::snprintf(goal, sizeof goal, "<=%.1f", g.max);
    std::snprintf(line, sizeof line, "%-13s %11s %11s %11s %9s %6s %-8s %8s %11s\n", g.kind, format_time(ref).c_str(),
                  format_time(lsig).c_str(), format_time(olm).c_str(), format_ratio(vs_lsig).c_str(), goal, status,
                  format_ratio(ratio(ref, olm)).c_str(), format_time(floor).c_str());
    out << line;
  }
  out << "floor: sum of the Signal step's primitives (BM_Primitive_*); n/a: not run or not built\n";
  out.flush();
}

}  // namespace parity::bench
