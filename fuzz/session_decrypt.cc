// session_decrypt.cc: bob, holding real sessions with alice, is handed arbitrary bytes
// as a message and as a prekey message. Never a crash, and a refused ciphertext leaves
// bob exactly as he was (PTP atomicity, MSG-4): checked on his serialised state.
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_check.h"
#include "fuzz/session_fixture.h"

namespace {

const parity::fuzz::SessionFixture& fixture() {
  static const parity::fuzz::SessionFixture fx = parity::fuzz::make_session_fixture();
  return fx;
}

void try_kind(parity::signal::MessageKind kind, parity::ByteView input) {
  const auto& fx = fixture();
  // A fresh bob per attempt: a successful decrypt moves his state on.
  parity::signal::Device bob = parity::fuzz::must(parity::signal::Device::deserialize(fx.bob_state), "deserialize bob");
  parity::SeededRng rng(parity::fuzz::decrypt_seed());
  const parity::signal::Ciphertext ciphertext{kind, parity::Bytes(input.begin(), input.end())};
  auto plaintext = bob.decrypt("alice", ciphertext, rng);
  if (plaintext) return;
  parity::fuzz::require(bob.serialize() == fx.bob_state,
                        kind == parity::signal::MessageKind::message ? "a refused message changed bob's state"
                                                                     : "a refused prekey message changed bob's state",
                        input);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  (void)fixture();  // build the sessions before the first input, not inside its timing
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const parity::ByteView input(data, size);
  try_kind(parity::signal::MessageKind::message, input);
  try_kind(parity::signal::MessageKind::prekey, input);
  return 0;
}
