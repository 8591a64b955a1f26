// harness.h: helpers shared by the interop tests: a pair of parties with their own
// seeded generators, deterministic test keys, and GoogleTest printers.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>

#include "reference/crypto/random.h"
#include "tests/interop/party.h"

namespace parity::interop {

// PairParam is who plays Alice (the initiator) and who plays Bob.
struct PairParam {
  Impl alice;
  Impl bob;
};

inline std::string pair_name(const testing::TestParamInfo<PairParam>& info) {
  return std::string(impl_name(info.param.alice)) + "_to_" + impl_name(info.param.bob);
}

// test_key derives a distinct, reproducible 32-byte value from a tag and an index.
inline Key32 test_key(uint8_t tag, uint32_t index) {
  Key32 seed{};
  seed[0] = tag;
  seed[1] = static_cast<uint8_t>(index);
  seed[2] = static_cast<uint8_t>(index >> 8);
  seed[3] = static_cast<uint8_t>(index >> 16);
  SeededRng rng(seed);
  return rng.key32();
}

// World holds two parties, "alice" and "bob", each with its own seeded generator.
struct World {
  std::unique_ptr<SeededRng> alice_rng;
  std::unique_ptr<SeededRng> bob_rng;
  std::unique_ptr<Party> alice;
  std::unique_ptr<Party> bob;
};

inline World make_world(const PairParam& p, uint32_t seed) {
  World w;
  w.alice_rng = std::make_unique<SeededRng>(test_key(0xa1, seed));
  w.bob_rng = std::make_unique<SeededRng>(test_key(0xb0, seed));
  auto a = make_party(p.alice, *w.alice_rng);
  auto b = make_party(p.bob, *w.bob_rng);
  EXPECT_TRUE(a.ok()) << (a.ok() ? "" : a.error().detail);
  EXPECT_TRUE(b.ok()) << (b.ok() ? "" : b.error().detail);
  if (a.ok()) w.alice = std::move(*a);
  if (b.ok()) w.bob = std::move(*b);
  return w;
}

// describe renders a failed Result for assertion messages.
template <class T>
std::string describe(const Result<T>& r) {
  if (r.ok()) return "ok";
  return std::string(to_string(r.code())) + ": " + r.error().detail;
}

inline Bytes text(const std::string& s) { return to_bytes(s); }

}  // namespace parity::interop
