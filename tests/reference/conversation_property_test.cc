// A stateful property test: an attacker-free network that drops, delays and reorders
// messages between two reference devices; every delivered message decrypts exactly
// once to what was sent, and redelivery is refused.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>
#include <rapidcheck/state.h>

#include <sstream>

#include "reference/device.h"

namespace parity::signal {
namespace {

// Model: what is in flight in each direction and what was delivered.
struct Model {
  struct Flight {
    bool to_bob;
    std::string plaintext;
    Ciphertext ciphertext;
  };
  std::vector<Flight> in_flight;
  std::vector<Flight> delivered;
  int sent = 0;
};

struct World {
  SeededRng rng;
  Device alice;
  Device bob;
  std::vector<Model::Flight> flights;  // the real ciphertexts, in the model's order
  explicit World(const Key32& seed) : rng(seed), alice(Device::create(rng)), bob(Device::create(rng)) {
    auto b = bob.bundle(rng);
    RC_ASSERT(b.ok());
    RC_ASSERT(alice.initiate("bob", *b, rng).ok());
  }
};

using Command = rc::state::Command<Model, World>;

// Step is one move of the network: a send, or the delivery or loss of a message in flight.
struct Step : Command {
  int action = *rc::gen::inRange(0, 4);  // 0 send a->b, 1 send b->a, 2 deliver, 3 drop
  size_t pick = *rc::gen::inRange<size_t>(0, 1000);

  void checkPreconditions(const Model& m) const override {
    if (action == 1) RC_PRE(std::any_of(m.delivered.begin(), m.delivered.end(), [](auto& f) { return f.to_bob; }));
    if (action >= 2) RC_PRE(!m.in_flight.empty());
  }
  void apply(Model& m) const override {
    if (action == 2 || action == 3) {
      size_t i = pick % m.in_flight.size();
      if (action == 2) m.delivered.push_back(m.in_flight[i]);
      m.in_flight.erase(m.in_flight.begin() + static_cast<std::ptrdiff_t>(i));
    } else {
      m.in_flight.push_back({action == 0, "msg" + std::to_string(m.sent), {}});
      m.sent++;
    }
  }
  void run(const Model& m, World& w) const override {
    auto& flights = w.flights;
    if (action == 0 || action == 1) {
      Device& from = action == 0 ? w.alice : w.bob;
      auto c = from.encrypt(action == 0 ? "bob" : "alice", to_bytes("msg" + std::to_string(m.sent)));
      RC_ASSERT(c.ok());
      flights.push_back({action == 0, "msg" + std::to_string(m.sent), *c});
      return;
    }
    size_t i = pick % flights.size();
    Model::Flight f = flights[i];
    flights.erase(flights.begin() + static_cast<std::ptrdiff_t>(i));
    if (action == 3) return;
    Device& to = f.to_bob ? w.bob : w.alice;
    auto pt = to.decrypt(f.to_bob ? "alice" : "bob", f.ciphertext, w.rng);
    RC_ASSERT(pt.ok());
    RC_ASSERT(*pt == to_bytes(f.plaintext));
    Bytes before = to.serialize();
    auto again = to.decrypt(f.to_bob ? "alice" : "bob", f.ciphertext, w.rng);
    RC_ASSERT(!again.ok());
    RC_ASSERT(to.serialize() == before);
  }
  void show(std::ostream& os) const override {
    static const char* kNames[] = {"alice sends", "bob sends", "deliver", "drop"};
    os << kNames[action];
    if (action >= 2) os << " in-flight #" << pick;
  }
};

RC_GTEST_PROP(ConversationProperty, DeliveredMessagesDecryptExactlyOnce, ()) {
  Key32 seed{};
  seed[0] = *rc::gen::arbitrary<uint8_t>();
  seed[1] = *rc::gen::arbitrary<uint8_t>();
  Model model;
  World world(seed);
  rc::state::check(model, world, rc::state::gen::execOneOfWithArgs<Step>());
}

}  // namespace
}  // namespace parity::signal
