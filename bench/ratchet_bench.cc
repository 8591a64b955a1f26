// ratchet_bench.cc: the same conversations through each implementation, side by side.
//
// BM_OneWay/<impl>: per iteration one 64-byte message A -> B (encrypt by A, decrypt by
//   B) on an established session: symmetric-ratchet steps only.
// BM_PingPong/<impl>: per iteration one 64-byte message, the direction alternating
//   (A -> B on even iterations, B -> A on odd ones), so every message starts a new chain
//   and carries a DH ratchet step. Times are per message, comparable with BM_OneWay.
// BM_SessionSetup/<impl>: per iteration a full asynchronous setup between two fresh
//   devices: B's bundle, A's initiate, A's first (prekey) encrypt and B's decrypt of it.
//   Device creation (identity keys) happens with the timer paused.
//
// "Established" means: B published a bundle, A initiated and sent a prekey message, B
// decrypted it and answered, A decrypted the answer; all of it before the timed loop.
// All randomness comes from a SeededRng, so runs are reproducible.
#include <benchmark/benchmark.h>

#include <optional>
#include <string>

#include "bench/bench.h"
#include "bench/parties.h"

namespace parity::bench {
namespace {

constexpr size_t kMessageSize = 64;

Key32 bench_seed() {
  Key32 k{};
  k.fill(0x42);
  return k;
}

const Bytes& message() {
  static const Bytes m(kMessageSize, 0x61);
  return m;
}

// Pair is two devices of one implementation; A talks to B as "b", B to A as "a".
template <class P>
struct Pair {
  typename P::Dev a;
  typename P::Dev b;

  static Result<Pair> create(Rng& rng) {
    PARITY_ASSIGN(auto a, P::create(rng));
    PARITY_ASSIGN(auto b, P::create(rng));
    return Pair{std::move(a), std::move(b)};
  }

  // setup runs the asynchronous setup: bundle, initiate, first encrypt, first decrypt.
  Status setup(Rng& rng) {
    PARITY_ASSIGN(auto bundle, P::bundle(b, rng));
    PARITY_TRY(P::initiate(a, "b", bundle, rng));
    PARITY_ASSIGN(signal::Ciphertext first, P::encrypt(a, "b", message(), rng));
    PARITY_ASSIGN(Bytes plain, P::decrypt(b, "a", first, rng));
    benchmark::DoNotOptimize(plain.data());
    return {};
  }

  // establish is setup plus B's answer, so neither side sends prekey messages any more.
  Status establish(Rng& rng) {
    PARITY_TRY(setup(rng));
    return send(/*from_a=*/false, rng);
  }

  // send carries one message in one direction.
  Status send(bool from_a, Rng& rng) {
    typename P::Dev& from = from_a ? a : b;
    typename P::Dev& to = from_a ? b : a;
    PARITY_ASSIGN(signal::Ciphertext c, P::encrypt(from, from_a ? "b" : "a", message(), rng));
    PARITY_ASSIGN(Bytes plain, P::decrypt(to, from_a ? "a" : "b", c, rng));
    benchmark::DoNotOptimize(plain.data());
    return {};
  }
};

void fail(benchmark::State& state, const Error& e) {
  std::string what = std::string(to_string(e.code)) + ": " + e.detail;
  state.SkipWithError(what.c_str());
}

template <class P>
void one_way(benchmark::State& state) {
  SeededRng rng(bench_seed());  // declared first: libsignal devices keep a reference
  auto pair = Pair<P>::create(rng);
  if (!pair.ok()) return fail(state, pair.error());
  if (auto st = pair->establish(rng); !st.ok()) return fail(state, st.error());
  for (auto _ : state) {
    if (auto st = pair->send(/*from_a=*/true, rng); !st.ok()) return fail(state, st.error());
  }
  state.SetItemsProcessed(state.iterations());
}

template <class P>
void ping_pong(benchmark::State& state) {
  SeededRng rng(bench_seed());
  auto pair = Pair<P>::create(rng);
  if (!pair.ok()) return fail(state, pair.error());
  if (auto st = pair->establish(rng); !st.ok()) return fail(state, st.error());
  bool from_a = true;  // the last message of establish went B -> A
  for (auto _ : state) {
    if (auto st = pair->send(from_a, rng); !st.ok()) return fail(state, st.error());
    from_a = !from_a;
  }
  state.SetItemsProcessed(state.iterations());
}

template <class P>
void session_setup(benchmark::State& state) {
  SeededRng rng(bench_seed());
  std::optional<Pair<P>> pair;
  for (auto _ : state) {
    state.PauseTiming();
    pair.reset();  // the previous pair's destruction is not timed either
    auto fresh = Pair<P>::create(rng);
    if (!fresh.ok()) {
      state.ResumeTiming();
      return fail(state, fresh.error());
    }
    pair.emplace(std::move(fresh).value());
    state.ResumeTiming();
    if (auto st = pair->setup(rng); !st.ok()) return fail(state, st.error());
  }
  state.SetItemsProcessed(state.iterations());
}

// for_each_party calls f.template operator()<P>() for every implementation built in.
template <class F>
void for_each_party(F&& f) {
  f.template operator()<ReferenceParty>();
#if PARITY_BENCH_LIBSIGNAL
  f.template operator()<LibsignalParty>();
#endif
#if PARITY_BENCH_OLM
  f.template operator()<OlmParty>();
#endif
}

}  // namespace

void register_ratchet_benchmarks() {
  // Kind by kind, so each kind's implementations run and print side by side.
  for_each_party([]<class P>() {
    benchmark::RegisterBenchmark((std::string("BM_OneWay/") + P::name).c_str(), one_way<P>);
  });
  for_each_party([]<class P>() {
    benchmark::RegisterBenchmark((std::string("BM_PingPong/") + P::name).c_str(), ping_pong<P>);
  });
  for_each_party([]<class P>() {
    benchmark::RegisterBenchmark((std::string("BM_SessionSetup/") + P::name).c_str(), session_setup<P>)
        ->Unit(benchmark::kMicrosecond);
  });
}

}  // namespace parity::bench
