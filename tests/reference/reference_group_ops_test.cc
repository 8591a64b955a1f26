// reference_group_ops_test: the reference target's PTP 1.3 group ops called on its adapter
// as the suite calls them (roster "server": every change announced with group_roster to
// every member), with export/import clones and the KAT-3 primitive.
#include <map>

#include <gtest/gtest.h>

#include "reference/crypto/hash.h"
#include "reference/group/group_labels.h"
#include "targets/reference/reference_adapter.h"

namespace parity {
namespace {

using ptp::ErrorCode;
using ptp::Failure;
using ptp::Json;
using ptp::ReferenceAdapter;
using ptp::Reply;

Key32 seed_of(uint8_t b) {
  Key32 k{};
  k.fill(b);
  return k;
}

const Json& ok(const Reply& r) {
  static const Json kNone = Json::object();
  EXPECT_TRUE(std::holds_alternative<Json>(r))
      << (std::holds_alternative<Failure>(r) ? std::get<Failure>(r).detail : "");
  return std::holds_alternative<Json>(r) ? std::get<Json>(r) : kNone;
}

std::optional<ErrorCode> code(const Reply& r) {
  if (std::holds_alternative<Failure>(r)) return std::get<Failure>(r).code;
  return std::nullopt;
}

Bytes hex(const Json& j) {
  return *from_hex(j.get<std::string>());
}

struct Suite {
  ReferenceAdapter a;
  explicit Suite(const std::vector<std::string>& parties) {
    ok(a.reset({seed_of(1)}));
    for (const auto& p : parties) ok(a.create({p, std::nullopt, std::nullopt}));
    for (size_t i = 0; i < parties.size(); ++i) {
      for (size_t j = i + 1; j < parties.size(); ++j) session(parties[i], parties[j]);
    }
  }
  void session(const std::string& x, const std::string& y) {
    const Json b = ok(a.bundle({y, std::nullopt, std::nullopt, std::nullopt, std::nullopt}));
    ok(a.initiate({x, y, hex(b["bundle"]), std::nullopt, std::nullopt}));
    const Json c1 = ok(a.encrypt({x, y, to_bytes("hi"), std::nullopt}));
    ok(a.decrypt({y, x, hex(c1["ciphertext"]), ptp::request::Kind::prekey, std::nullopt}));
    const Json c2 = ok(a.encrypt({y, x, to_bytes("hi"), std::nullopt}));
    ok(a.decrypt({x, y, hex(c2["ciphertext"]), ptp::request::Kind::message, std::nullopt}));
  }
  void announce(const std::string& g, const std::vector<std::string>& roster, const std::vector<std::string>& to) {
    for (const auto& p : to) EXPECT_TRUE(ok(a.group_roster({p, g, roster}))["deliveries"].empty());
  }
  // route gives each delivery to its recipient and returns the plaintexts read, by recipient.
  std::map<std::string, std::vector<std::string>> route(const std::string& from, const std::string& g,
                                                        const Json& deliveries) {
    std::map<std::string, std::vector<std::string>> read;
    for (const Json& d : deliveries) {
      const Json r = ok(a.group_receive({d["to"], g, from, hex(d["envelope"])}));
      EXPECT_EQ(r["kind"], d["kind"]);
      if (r["kind"] == "application") {
        Bytes pt = hex(r["plaintext"]);
        read[d["to"]].push_back(std::string(pt.begin(), pt.end()));
      }
    }
    return read;
  }
};

TEST(ReferenceGroupOps, HelloDeclaresGroups) {
  ReferenceAdapter a;
  const ptp::HelloInfo h = a.hello();
  for (const char* c : {"group", "group_update", "group_forge"}) {
    EXPECT_NE(std::find(h.capabilities.begin(), h.capabilities.end(), c), h.capabilities.end()) << c;
  }
  EXPECT_EQ(h.extra["group_roster"], "server");
  EXPECT_EQ(h.limits["group_max_skip"], 2000);
  EXPECT_EQ(h.limits["group_max_skipped_keys"], 2000);
  EXPECT_EQ(h.limits["group_max_sender_states"], 5);
}

TEST(ReferenceGroupOps, CreateSendRemoveRotate) {
  Suite s({"alice", "bob", "carol"});
  EXPECT_TRUE(ok(s.a.group_create({"alice", "g", {"bob", "carol"}, {}}))["deliveries"].empty());
  s.announce("g", {"alice", "bob", "carol"}, {"alice", "bob", "carol"});
  const Json d1 = ok(s.a.group_encrypt({"alice", "g", to_bytes("hello"), std::nullopt, std::nullopt, std::nullopt}));
  ASSERT_EQ(d1["deliveries"].size(), 4u);
  EXPECT_EQ(d1["deliveries"][0]["kind"], "control");
  EXPECT_EQ(d1["deliveries"][3]["kind"], "application");
  auto read = s.route("alice", "g", d1["deliveries"]);
  EXPECT_EQ(read["bob"], std::vector<std::string>{"hello"});
  EXPECT_EQ(read["carol"], std::vector<std::string>{"hello"});
  // A replay gives no second plaintext.
  EXPECT_EQ(code(s.a.group_receive({"bob", "g", "alice", hex(d1["deliveries"][2]["envelope"])})),
            ErrorCode::duplicate_message);

  // Remove carol; a clone of carol taken before the announcement.
  ok(s.a.group_remove({"alice", "g", "carol"}));
  const Json state = ok(s.a.export_state({"carol"}));
  ok(s.a.import_state({"carol-clone", hex(state["state"])}));
  s.announce("g", {"alice", "bob"}, {"alice", "bob", "carol"});
  const Json info = ok(s.a.group_info({"carol", "g"}));
  EXPECT_EQ(info["removed"], true);
  EXPECT_EQ(code(s.a.group_encrypt({"carol", "g", to_bytes("x"), std::nullopt, std::nullopt, std::nullopt})),
            ErrorCode::bad_request);
  const Json d2 = ok(s.a.group_encrypt({"alice", "g", to_bytes("after"), std::nullopt, std::nullopt, std::nullopt}));
  ASSERT_EQ(d2["deliveries"].size(), 2u);  // the rotated key to bob, then the message
  EXPECT_EQ(d2["deliveries"][0]["kind"], "control");
  EXPECT_EQ(s.route("alice", "g", d2["deliveries"])["bob"], std::vector<std::string>{"after"});
  const Bytes app = hex(d2["deliveries"][1]["envelope"]);
  EXPECT_TRUE(code(s.a.group_receive({"carol", "g", "alice", app})).has_value());
  EXPECT_EQ(code(s.a.group_receive({"carol-clone", "g", "alice", app})), ErrorCode::no_session);
  const Json clone_info = ok(s.a.group_info({"carol-clone", "g"}));
  EXPECT_EQ(clone_info["members"].size(), 3u);  // the clone's view, before the announcement
}

TEST(ReferenceGroupOps, UpdateForgeAndRefusals) {
  Suite s({"alice", "bob", "carol"});
  ok(s.a.group_create({"alice", "g", {"bob", "carol"}, {}}));
  s.announce("g", {"alice", "bob", "carol"}, {"alice", "bob", "carol"});
  s.route("alice", "g", ok(s.a.group_encrypt({"alice", "g", to_bytes("a"), seed_of(7), seed_of(8), 42}))["deliveries"]);
  s.route("carol", "g",
          ok(s.a.group_encrypt({"carol", "g", to_bytes("c"), std::nullopt, std::nullopt, std::nullopt}))["deliveries"]);
  // Carol forges alice's chain with her own signature: refused invalid_message.
  const Json forged = ok(s.a.group_forge({"carol", "g", "alice", std::nullopt}));
  EXPECT_EQ(code(s.a.group_receive({"bob", "g", "alice", hex(forged["envelope"])})), ErrorCode::invalid_message);
  for (uint64_t far : {100000ull, 0x80000000ull, 0xffffffffull}) {
    const Json f = ok(s.a.group_forge({"carol", "g", "alice", far}));
    EXPECT_TRUE(code(s.a.group_receive({"bob", "g", "alice", hex(f["envelope"])})).has_value()) << far;
  }
  EXPECT_EQ(code(s.a.group_forge({"carol", "g", "alice", 0x100000000ull})), ErrorCode::bad_request);
  // group_update: the next send distributes a fresh key to everyone.
  EXPECT_TRUE(ok(s.a.group_update({"alice", "g"}))["deliveries"].empty());
  const Json d = ok(s.a.group_encrypt({"alice", "g", to_bytes("fresh"), std::nullopt, std::nullopt, std::nullopt}));
  ASSERT_EQ(d["deliveries"].size(), 4u);
  EXPECT_EQ(s.route("alice", "g", d["deliveries"])["bob"], std::vector<std::string>{"fresh"});
  // Unknown group, empty and malformed envelopes.
  EXPECT_EQ(code(s.a.group_receive({"bob", "nope", "alice", Bytes{0x33}})), ErrorCode::bad_request);
  EXPECT_EQ(code(s.a.group_receive({"bob", "g", "alice", Bytes{}})), ErrorCode::invalid_message);
  EXPECT_EQ(code(s.a.group_receive({"bob", "g", "alice", Bytes(100, 0x7f)})), ErrorCode::invalid_message);
  EXPECT_EQ(code(s.a.group_receive({"bob", "g", "alice", Bytes(1 << 20, 0x33)})).has_value(), true);
}

TEST(ReferenceGroupOps, SenderKeyStepPrimitive) {
  ReferenceAdapter a;
  const Key32 chain = seed_of(0x5c);
  const Json r = ok(a.primitive({"sender_key_step", Json{{"chain", to_hex(chain)}}}));
  const uint8_t one[1] = {0x01};
  const uint8_t two[1] = {0x02};
  EXPECT_EQ(r["chain"], to_hex(hmac_sha256(chain, two)));
  const Digest256 seed = hmac_sha256(chain, one);
  EXPECT_EQ(r["seed"], to_hex(seed));
  auto okm = hkdf_sha256(seed, Key32{}, to_bytes(std::string(group::kWhisperGroupInfo)), 48);
  ASSERT_TRUE(okm.ok());
  EXPECT_EQ(r["iv"], to_hex(ByteView(*okm).first(16)));
  EXPECT_EQ(r["cipher_key"], to_hex(ByteView(*okm).subspan(16)));
  EXPECT_EQ(code(a.primitive({"sender_key_step", Json{{"chain", "00"}}})), ErrorCode::bad_request);
}

}  // namespace
}  // namespace parity
