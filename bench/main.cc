// main.cc: parity-bench. Runs the ratchet benchmarks of every implementation built in,
// the primitive baselines and the PTP round-trip benchmarks (bench/ptp_bench.cc: its
// header says how their target commands are chosen, PARITY_BENCH_PTP_*); on the console
// it ends with the ratio table (see RatioReporter). Any --benchmark_format other than
// console leaves the output untouched.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string_view>

#include "bench/bench.h"

namespace {

// console_output tells whether the display format is the console (the flag, else the
// BENCHMARK_FORMAT environment variable Google Benchmark also reads).
bool console_output(int argc, char** argv) {
  std::string_view format = "console";
  if (const char* env = std::getenv("BENCHMARK_FORMAT"); env != nullptr) format = env;
  constexpr std::string_view kFlag = "--benchmark_format=";
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg.substr(0, kFlag.size()) == kFlag) format = arg.substr(kFlag.size());
  }
  return format == "console";
}

// color_wanted follows --benchmark_color (auto by default: only on a terminal).
bool color_wanted(int argc, char** argv) {
  std::string_view color = "auto";
  constexpr std::string_view kFlag = "--benchmark_color=";
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg.substr(0, kFlag.size()) == kFlag) color = arg.substr(kFlag.size());
  }
  if (color == "auto") return isatty(STDOUT_FILENO) != 0;
  return color == "true" || color == "yes" || color == "1" || color == "on";
}

}  // namespace

int main(int argc, char** argv) {
  // Read before Initialize, which removes the flags it consumes from argv.
  bool console = console_output(argc, argv);
  bool color = color_wanted(argc, argv);

  parity::bench::register_ratchet_benchmarks();
  parity::bench::register_primitive_benchmarks();
  parity::bench::register_ptp_benchmarks();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;

  if (console) {
    auto options = benchmark::ConsoleReporter::OO_Tabular;
    if (color) options = static_cast<benchmark::ConsoleReporter::OutputOptions>(options | benchmark::ConsoleReporter::OO_Color);
    parity::bench::RatioReporter reporter(options);
    benchmark::RunSpecifiedBenchmarks(&reporter);
  } else {
    benchmark::RunSpecifiedBenchmarks();
  }
  benchmark::Shutdown();
  return 0;
}
