// libsignal_target_group_test.cc: the libsignal target's group ops (PTP 1.3, roster
// "server") driven in process: WhatsApp's rules on top of libsignal's group cipher, the
// strict group-bound wrapper of control deliveries, and refusals that change nothing.
#include <variant>

#include <gtest/gtest.h>

#include "targets/libsignal/target/libsignal_adapter.h"
#include "tests/interop/harness.h"

namespace parity::interop {
namespace {

using ptp::Delivery;
using ptp::ErrorCode;
using ptp::Failure;
using ptp::Json;
using ptp::Reply;
namespace request = ptp::request;

const std::string kGroup = "g1";

Json ok(const Reply& r) {
  if (const auto* f = std::get_if<Failure>(&r)) {
    ADD_FAILURE() << "refused " << ptp::to_string(f->code) << ": " << f->detail;
    return Json::object();
  }
  return std::get<Json>(r);
}

ErrorCode refused(const Reply& r) {
  if (const auto* f = std::get_if<Failure>(&r)) return f->code;
  ADD_FAILURE() << "accepted: " << ptp::dump(std::get<Json>(r));
  return ErrorCode::internal;
}

struct Sent {
  std::string to;
  Bytes envelope;
  std::string kind;
};

std::vector<Sent> deliveries(const Json& j) {
  std::vector<Sent> out;
  for (const Json& d : j.at("deliveries")) {
    out.push_back({d.at("to").get<std::string>(), from_hex(d.at("envelope").get<std::string>()).value(),
                   d.at("kind").get<std::string>()});
  }
  return out;
}

// World is a target with alice, bob and carol, pairwise sessions between every two and
// the group g1 created by alice and announced to all.
struct World {
  ptp::LibsignalAdapter t;
  std::vector<std::string> all = {"alice", "bob", "carol"};

  World() {
    ok(t.reset({test_key(0x77, 0)}));
    for (const std::string& p : all) ok(t.create({p, std::nullopt, std::nullopt}));
    for (size_t i = 0; i < all.size(); ++i) {
      for (size_t j = i + 1; j < all.size(); ++j) pair(all[i], all[j]);
    }
    ok(t.group_create({"alice", kGroup, {"bob", "carol"}, {}}));
    announce(all);
  }
  void pair(const std::string& a, const std::string& b) {
    Json bundle = ok(t.bundle({b, std::nullopt, std::nullopt, std::nullopt, std::nullopt}));
    ok(t.initiate({a, b, from_hex(bundle.at("bundle").get<std::string>()).value(), std::nullopt, std::nullopt}));
    exchange(a, b);
    exchange(b, a);
  }
  void exchange(const std::string& from, const std::string& to) {
    Json c = ok(t.encrypt({from, to, text("hi"), std::nullopt}));
    ok(t.decrypt({to, from, from_hex(c.at("ciphertext").get<std::string>()).value(),
                  c.at("kind") == "prekey" ? request::Kind::prekey : request::Kind::message, std::nullopt}));
  }
  void announce(const std::vector<std::string>& roster, const std::vector<std::string>& to = {}) {
    for (const std::string& p : to.empty() ? all : to) ok(t.group_roster({p, kGroup, roster}));
  }
  ErrorCode send_refused(const std::string& from) {
    return refused(t.group_encrypt({from, kGroup, text("no"), std::nullopt, std::nullopt, std::nullopt}));
  }
  std::vector<Sent> send(const std::string& from, const std::string& msg) {
    return deliveries(ok(t.group_encrypt({from, kGroup, text(msg), std::nullopt, std::nullopt, std::nullopt})));
  }
  Reply receive(const std::string& at, const std::string& from, const Bytes& envelope) {
    return t.group_receive({at, kGroup, from, envelope});
  }
  // read delivers every delivery and expects each application one to read `msg`.
  void route(const std::string& from, const std::vector<Sent>& ds, const std::string& msg) {
    for (const Sent& d : ds) {
      Json r = ok(receive(d.to, from, d.envelope));
      EXPECT_EQ(r.at("kind"), d.kind);
      if (d.kind == "application") {
        EXPECT_EQ(r.at("plaintext"), to_hex(text(msg))) << d.to;
      }
    }
  }
  // control_with makes a control envelope from `from` to `to` whose pairwise plaintext is
  // `plaintext` (as a stale or malicious member would, with core encrypt).
  Bytes control_with(const std::string& from, const std::string& to, const Bytes& plaintext) {
    Json c = ok(t.encrypt({from, to, plaintext, std::nullopt}));
    Bytes env = from_hex(c.at("ciphertext").get<std::string>()).value();
    env.insert(env.begin(), static_cast<uint8_t>(c.at("kind") == "prekey" ? 0x01 : 0x02));
    return env;
  }
};

Bytes wrapper(const std::string& group, const Bytes& skdm) {
  Bytes w;
  w.push_back(0x0a);
  w.push_back(static_cast<uint8_t>(group.size()));
  w.insert(w.end(), group.begin(), group.end());
  w.push_back(0x12);
  w.push_back(static_cast<uint8_t>(skdm.size()));
  w.insert(w.end(), skdm.begin(), skdm.end());
  return w;
}

// with_tail appends an empty length-delimited field with the key `key`.
Bytes with_tail(Bytes b, uint8_t key) {
  b.push_back(key);
  b.push_back(0x00);
  return b;
}

TEST(LibsignalTargetGroup, ControlFirstThenApplicationOnlyToUnsent) {
  World w;
  auto ds = w.send("alice", "one");
  ASSERT_EQ(ds.size(), 4u);
  EXPECT_EQ(ds[0].to, "bob");
  EXPECT_EQ(ds[0].kind, "control");
  EXPECT_EQ(ds[1].to, "carol");
  EXPECT_EQ(ds[1].kind, "control");
  EXPECT_EQ(ds[2].kind, "application");
  EXPECT_EQ(ds[2].envelope, ds[3].envelope);  // the same SenderKeyMessage for everyone
  EXPECT_EQ(ds[2].envelope[0], 0x33);
  w.route("alice", ds, "one");
  auto again = w.send("alice", "two");
  ASSERT_EQ(again.size(), 2u);
  EXPECT_EQ(again[0].kind, "application");
  w.route("alice", again, "two");
  EXPECT_EQ(refused(w.receive("bob", "alice", again[0].envelope)), ErrorCode::duplicate_message);
}

// The wrapper is strict and bound to the group; a refused control changes nothing (the
// genuine one that follows is still read).
TEST(LibsignalTargetGroup, StrictWrapperBoundToTheGroup) {
  World w;
  auto ds = w.send("alice", "x");
  // The genuine SKDM, read back from a clone of bob's that opens the control delivery.
  Json state = ok(w.t.export_state({"bob"}));
  ok(w.t.import_state({"bob_clone", from_hex(state.at("state").get<std::string>()).value()}));
  const Bytes& control = ds[0].envelope;
  Json opened = ok(w.t.decrypt({"bob_clone", "alice", Bytes(control.begin() + 1, control.end()),
                                control[0] == 0x01 ? request::Kind::prekey : request::Kind::message, std::nullopt}));
  Bytes plain = from_hex(opened.at("plaintext").get<std::string>()).value();
  ASSERT_GT(plain.size(), 4u + kGroup.size());
  const Bytes skdm(plain.begin() + 4 + static_cast<std::ptrdiff_t>(kGroup.size()), plain.end());
  ASSERT_EQ(wrapper(kGroup, skdm), plain);

  std::vector<Bytes> bad = {
      wrapper("g2", skdm),                                                                 // another group
      Bytes(plain.begin() + 2 + static_cast<std::ptrdiff_t>(kGroup.size()), plain.end()),  // no groupId
      with_tail(plain, 0x1a),                                                              // a third field
      with_tail(plain, 0x12),                                                              // field 2 twice
      skdm,                                                                                // no wrapper
  };
  for (const Bytes& b : bad) {
    EXPECT_EQ(refused(w.receive("bob", "alice", w.control_with("alice", "bob", b))), ErrorCode::invalid_message)
        << to_hex(b);
  }
  w.route("alice", ds, "x");  // the genuine deliveries are read after the refusals
}

TEST(LibsignalTargetGroup, RosterRules) {
  World w;
  w.route("alice", w.send("alice", "a1"), "a1");
  w.route("carol", w.send("carol", "c1"), "c1");
  auto withheld = w.send("carol", "c1b");  // not given to bob before the removal
  // A control delivery from outside the roster is bad_request; an unknown group too.
  EXPECT_EQ(refused(w.t.group_receive({"bob", "g9", "alice", Bytes{0x33}})), ErrorCode::bad_request);
  // Removing carol: alice rotates, bob forgets carol's key, carol stops sending.
  ok(w.t.group_remove({"alice", kGroup, "carol"}));
  w.announce({"alice", "bob"});
  auto carol_late = w.send_refused("carol");
  EXPECT_EQ(carol_late, ErrorCode::bad_request);
  Json info = ok(w.t.group_info({"carol", kGroup}));
  EXPECT_EQ(info.at("removed"), true);
  auto ds = w.send("alice", "a2");
  ASSERT_EQ(ds.size(), 2u);  // a fresh key to bob, then the message
  EXPECT_EQ(ds[0].kind, "control");
  w.route("alice", ds, "a2");
  // bob forgot carol's key, and refuses a control delivery from outside its roster.
  EXPECT_EQ(refused(w.receive("bob", "carol", withheld[0].envelope)), ErrorCode::no_session);
  EXPECT_EQ(refused(w.receive("bob", "carol", w.control_with("carol", "bob", Bytes{}))), ErrorCode::bad_request);
  // Re-added, carol makes a new key and sends it to everyone.
  w.announce(w.all);
  auto back = w.send("carol", "c2");
  ASSERT_EQ(back.size(), 4u);
  w.route("carol", back, "c2");
}

}  // namespace
}  // namespace parity::interop
