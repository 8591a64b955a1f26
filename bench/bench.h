// bench.h: the pieces of parity-bench main() puts together.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <ostream>
#include <string>

#include <benchmark/benchmark.h>

namespace parity::bench {

// register_ratchet_benchmarks registers BM_OneWay, BM_PingPong and BM_SessionSetup for
// every implementation built in (named BM_<Kind>/<impl>).
void register_ratchet_benchmarks();

// register_primitive_benchmarks registers the BM_Primitive_* baselines (reference/crypto).
void register_primitive_benchmarks();

// print_media_ratios prints the BM_Media table (bench/media_bench.cc: throughput and ratio
// to the OpenSSL limit) when those benchmarks ran; time_of gives a run's real ns.
void print_media_ratios(const std::function<std::optional<double>(const std::string&)>& time_of, std::ostream& out);

// print_stanza_ratios prints the BM_Stanza table (bench/stanza_bench.cc: typed parse
// against raw pugixml and expat, with the goals) when those benchmarks ran.
void print_stanza_ratios(const std::function<std::optional<double>(const std::string&)>& time_of, std::ostream& out);

// print_group_ratios prints the Sender Keys table (bench/group_bench.cc: the reference
// against libsignal-protocol-c's group cipher, with the goal) when those benchmarks ran.
void print_group_ratios(const std::function<std::optional<double>(const std::string&)>& time_of, std::ostream& out);

// register_ptp_benchmarks registers BM_<Kind>Ptp/<target> (bench/ptp_bench.cc) for every
// target whose command resolves (the reference target, libsignal-client, mls); the others
// get a one-line note on stderr. Nothing is started here.
void register_ptp_benchmarks();

// print_ptp_ratios prints the "PTP round trip" table (each target's time per op against
// the reference target's, beside the in-process reference) when those benchmarks ran.
void print_ptp_ratios(const std::function<std::optional<double>(const std::string&)>& time_of, std::ostream& out);

// RatioReporter is the console reporter plus, in Finalize, a table of the reference's
// time over libsignal's and olm's for each kind, with the speed goals marked.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  explicit RatioReporter(OutputOptions options) : ConsoleReporter(options) {}
  void ReportRuns(const std::vector<Run>& reports) override;
  void Finalize() override;

 private:
  std::map<std::string, double> iteration_ns_;  // run name -> real ns per iteration
  std::map<std::string, double> median_ns_;     // run name -> median over repetitions
};

}  // namespace parity::bench
