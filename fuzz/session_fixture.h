// session_fixture.h: the seeded conversation that session_decrypt fuzzes against and
// that make_corpus draws its genuine messages from. Shared, so the corpus files are
// messages the fuzzer's own `bob` can actually decrypt (and so reach past the MAC).
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "base/bytes.h"
#include "reference/crypto/random.h"
#include "reference/device.h"
#include "reference/wire/bundle.h"

namespace parity::fuzz {

// SessionFixture is bob's state after a short conversation with alice, and the genuine
// traffic of that conversation.
struct SessionFixture {
  Bytes bob_state;                              // bob, serialised, after the exchange
  Bytes alice_state;                            // alice, serialised, at the end
  std::vector<signal::Ciphertext> delivered;    // ciphertexts bob has decrypted (replays)
  std::vector<signal::Ciphertext> undelivered;  // genuine ciphertexts bob has not seen
  std::vector<Bytes> bundles;                   // bob's published bundles
};

// counting_seed is first, first+1, ..., first+31; repeated_seed is `byte` 32 times. Each
// fixture and fuzzer has its own, so no two generators share a stream.
inline Key32 counting_seed(uint8_t first) {
  Key32 seed{};
  for (size_t i = 0; i < seed.size(); ++i) seed[i] = static_cast<uint8_t>(first + i);
  return seed;
}

inline Key32 repeated_seed(uint8_t byte) {
  Key32 seed{};
  seed.fill(byte);
  return seed;
}

// fixture_seed seeds the fixture's generator: change it and the corpora must be remade.
inline Key32 fixture_seed() {
  return counting_seed(0xa0);
}

// decrypt_seed seeds the generator session_decrypt hands to each decrypt, so a replay
// of one input behaves the same every time.
inline Key32 decrypt_seed() {
  return repeated_seed(0x42);
}

// must unwraps a Result or stops: the fixture is built from the reference's happy path,
// so a failure here is a bug in the reference (or a stale fixture), not a fuzz finding.
template <class T>
T must(Result<T> r, const char* what) {
  if (!r) {
    std::fprintf(stderr, "session fixture: %s failed: %s: %s\n", what, std::string(to_string(r.code())).c_str(),
                 r.error().detail.c_str());
    std::abort();
  }
  return std::move(r).value();
}

inline void must(const Status& s, const char* what) {
  if (!s) {
    std::fprintf(stderr, "session fixture: %s failed: %s: %s\n", what, std::string(to_string(s.code())).c_str(),
                 s.error().detail.c_str());
    std::abort();
  }
}

// make_session_fixture plays a fixed conversation: alice starts a session from bob's
// bundle, both sides ratchet twice, some of alice's messages stay undelivered (one of
// them skipped inside a chain bob has seen), and alice finally starts a second session
// from a newer bundle, whose first message bob has not seen either.
inline SessionFixture make_session_fixture() {
  SessionFixture fx;
  SeededRng rng(fixture_seed());
  signal::Device alice = signal::Device::create(rng);
  signal::Device bob = signal::Device::create(rng);
  auto send = [&](signal::Device& from, const char* peer, const std::string& text) {
    return must(from.encrypt(peer, view(text)), "encrypt");
  };
  auto bob_gets = [&](const signal::Ciphertext& c) {
    must(bob.decrypt("alice", c, rng), "bob decrypt");
    fx.delivered.push_back(c);
  };

  wire::Bundle first = must(bob.bundle(rng), "bundle");
  fx.bundles.push_back(first.serialize());
  must(alice.initiate("bob", first, rng), "initiate");
  bob_gets(send(alice, "bob", "hello bob"));  // prekey
  auto pending = send(alice, "bob", "");      // prekey, empty plaintext
  fx.undelivered.push_back(pending);
  bob_gets(send(alice, "bob", "third, still a prekey message"));

  must(alice.decrypt("bob", send(bob, "alice", "hi alice"), rng), "alice decrypt");
  auto skipped = send(alice, "bob", "skipped in a chain bob has seen");
  bob_gets(send(alice, "bob", "delivered after a gap"));
  auto later = send(alice, "bob", std::string(300, 'x'));
  fx.undelivered.push_back(skipped);
  fx.undelivered.push_back(later);

  must(alice.decrypt("bob", send(bob, "alice", "second answer"), rng), "alice decrypt");
  fx.undelivered.push_back(send(alice, "bob", "next epoch"));

  // A newer bundle published before the snapshot, so bob holds its one-time prekey.
  wire::Bundle second = must(bob.bundle(rng), "bundle");
  fx.bundles.push_back(second.serialize());
  signal::BundleOptions signed_only;
  signed_only.with_onetime_prekey = false;
  wire::Bundle no_onetime = must(bob.bundle(rng, signed_only), "bundle");
  fx.bundles.push_back(no_onetime.serialize());
  fx.bob_state = bob.serialize();

  must(alice.initiate("bob", second, rng), "second initiate");
  fx.undelivered.push_back(send(alice, "bob", "a new session"));
  fx.alice_state = alice.serialize();
  return fx;
}

}  // namespace parity::fuzz
