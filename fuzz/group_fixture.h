// group_fixture.h: the seeded group traffic that group_receive fuzzes against and that
// make_corpus draws its genuine Sender Keys messages from. Shared, so the corpus files
// are envelopes the fuzzer's own receiver can actually decrypt (and so reach past the
// signature and into the chain).
#pragma once

#include <string>
#include <vector>

#include "fuzz/session_fixture.h"
#include "reference/codec.h"
#include "reference/crypto/random.h"
#include "reference/group/group_cipher.h"
#include "reference/group/group_session_builder.h"
#include "reference/group/sender_key_distribution_message.h"
#include "reference/group/sender_key_record.h"

#include "base/bytes.h"

namespace parity::fuzz {

// kFixtureGroup is the group id the fixture's distributions are wrapped for.
inline constexpr const char* kFixtureGroup = "fuzz-group@g.example";

// GroupFixture is a receiver's record of one sender after some of its messages, and the
// genuine traffic of that sender.
struct GroupFixture {
  Bytes receiver_record;                                   // serialised, after the exchange
  std::vector<group::SenderKeyDistributionMessage> skdms;  // every key the sender handed out
  std::vector<Bytes> wrappers;                             // WhatsApp wrappers of them
  std::vector<Bytes> delivered;                            // envelopes the receiver has read
  std::vector<Bytes> undelivered;                          // genuine envelopes it has not
};

// group_fixture_seed seeds the fixture's generator: change it and the corpora must be remade.
inline Key32 group_fixture_seed() {
  return counting_seed(0xc0);
}

// serialize_record is a record in the reference's export form (what the fuzzers compare).
inline Bytes serialize_record(const group::SenderKeyRecord& record) {
  ByteWriter w;
  group::write_sender_key_record(w, record);
  return w.take();
}

// make_group_fixture plays a fixed exchange: the sender distributes a first key and sends
// on it (one message skipped inside the chain the receiver has seen, some not delivered
// at all), then rotates to a second key, distributed at iteration 0 and advanced past a
// gap, so the receiver's record holds two states, each with kept skipped keys.
inline GroupFixture make_group_fixture() {
  GroupFixture fx;
  SeededRng rng(group_fixture_seed());
  group::SenderKeyRecord own;
  group::SenderKeyRecord receiver;
  auto distribute = [&] {
    const group::SenderKeyDistributionMessage m = group::distribution_of(*own.newest());
    fx.skdms.push_back(m);
    fx.wrappers.push_back(group::GroupKeyWrapper{kFixtureGroup, m.serialize()}.serialize());
    if (group::process_distribution(receiver, m) != group::DistributionOutcome::added) {
      std::fprintf(stderr, "group fixture: a fresh distribution was not added\n");
      std::abort();
    }
  };
  auto send = [&](const std::string& text) {
    return must(group::group_encrypt(own, view(text), rng), "group encrypt");
  };
  auto deliver = [&](const Bytes& envelope) {
    must(group::group_decrypt(receiver, envelope), "group decrypt");
    fx.delivered.push_back(envelope);
  };

  own.set_state(must(group::create_sender_key(rng), "create sender key"));
  distribute();
  deliver(send("hello group"));
  const Bytes skipped = send("skipped in a chain the receiver has seen");
  deliver(send("delivered after a gap"));
  fx.undelivered.push_back(skipped);
  fx.undelivered.push_back(send(""));
  fx.undelivered.push_back(send(std::string(300, 'x')));

  // Rotation (a member left): a new key, the old one still held by the receiver.
  own.set_state(must(group::create_sender_key(rng), "create second sender key"));
  distribute();
  const Bytes first_of_second = send("first on the second key");
  for (int i = 0; i < 3; ++i) (void)send("never sent");
  deliver(send("after four skipped"));
  fx.undelivered.push_back(first_of_second);
  fx.undelivered.push_back(send("next on the second key"));

  fx.receiver_record = serialize_record(receiver);
  return fx;
}

}  // namespace parity::fuzz
