// primitive_bench.cc: the cost of the primitives a ratchet step is made of, measured on
// reference/crypto, so a step's time can be set against the sum of its primitives'.
#include <benchmark/benchmark.h>

#include "bench/bench.h"
#include "reference/crypto/aes.h"
#include "reference/crypto/hash.h"
#include "reference/crypto/x25519.h"

namespace parity::bench {
namespace {

Key32 filled(uint8_t b) {
  Key32 k{};
  k.fill(b);
  return k;
}

// BM_Primitive_X25519: one Diffie-Hellman (a ratchet step does two or three).
void x25519_dh(benchmark::State& state) {
  Key32 priv = filled(0x11);
  Key32 pub = x25519_public(filled(0x22));
  for (auto _ : state) {
    Key32 shared = x25519(priv, pub);
    benchmark::DoNotOptimize(shared);
    priv[0] ^= shared[0];  // a data dependency, so calls are not hoisted
  }
}

// BM_Primitive_HmacSha256_32B: a chain-key step (HMAC of a one-byte seed costs the same).
void hmac_32(benchmark::State& state) {
  Key32 key = filled(0x33);
  Key32 data = filled(0x44);
  for (auto _ : state) {
    auto mac = hmac_sha256(key, data);
    benchmark::DoNotOptimize(mac);
  }
}

// BM_Primitive_AesCbc_64B: encrypting one 64-byte message body.
void aes_cbc_64(benchmark::State& state) {
  Key32 key = filled(0x55);
  Bytes iv(16, 0x66);
  Bytes data(64, 0x77);
  for (auto _ : state) {
    auto ct = aes256_cbc_encrypt(key, iv, data);
    benchmark::DoNotOptimize(ct);
  }
}

// BM_Primitive_Hkdf_80B: deriving message keys (cipher key, MAC key, IV).
void hkdf_80(benchmark::State& state) {
  Key32 ikm = filled(0x88);
  Bytes info = to_bytes("WhisperMessageKeys");
  for (auto _ : state) {
    auto okm = hkdf_sha256(ikm, {}, info, 80);
    benchmark::DoNotOptimize(okm);
  }
}

}  // namespace

void register_primitive_benchmarks() {
  benchmark::RegisterBenchmark("BM_Primitive_X25519", x25519_dh);
  benchmark::RegisterBenchmark("BM_Primitive_HmacSha256_32B", hmac_32);
  benchmark::RegisterBenchmark("BM_Primitive_AesCbc_64B", aes_cbc_64);
  benchmark::RegisterBenchmark("BM_Primitive_Hkdf_80B", hkdf_80);
}

}  // namespace parity::bench
