// ptp_server_test: the op table of the PTP codec and the typed server: every op of
// docs/ptp.md has one row, requests are decoded once by the table (bad fields are
// bad_request naming the field), and an op an adapter does not implement, or whose
// capability it does not declare, is unsupported.
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "ptp/server.h"

namespace parity::ptp {
namespace {

// EncryptOnly implements one op and records what it received.
class EncryptOnly final : public Adapter {
 public:
  HelloInfo hello() const override {
    HelloInfo h;
    h.implementation = "test";
    h.version = "0";
    h.protocol = "custom:test";
    h.capabilities = {"inject"};
    return h;
  }
  Reply encrypt(const request::Encrypt& r) override {
    last = r;
    return Json{{"ciphertext", to_hex(r.plaintext)}, {"kind", "message"}};
  }
  request::Encrypt last;
};

Json serve_one(Adapter& a, const std::string& line) {
  std::istringstream in(line + "\n");
  std::ostringstream out;
  serve(a, in, out);
  return Json::parse(out.str());
}

TEST(PtpOpTable, EveryOpHasOneRowAndItsNameRoundTrips) {
  std::ifstream in(std::string(PARITY_SOURCE_DIR) + "/docs/ptp.md");
  ASSERT_TRUE(in);
  std::stringstream doc;
  doc << in.rdbuf();
  int n = 0;
  for (const OpSpec& spec : op_table()) {
    EXPECT_EQ(parse_op(spec.name), spec.code);
    EXPECT_EQ(to_string(spec.code), spec.name);
    EXPECT_NE(doc.str().find("`" + std::string(spec.name) + "`"), std::string::npos) << spec.name;
    ++n;
  }
  EXPECT_EQ(n, 25);
  EXPECT_FALSE(parse_op("no_such_op"));
  EXPECT_EQ(op_spec(OpCode::export_state).name, "export");
  EXPECT_EQ(op_spec(OpCode::media_encrypt_file).capability, "media_file");
}

// GroupOnly implements the group ops it is asked about and records their requests.
class GroupOnly final : public Adapter {
 public:
  HelloInfo hello() const override {
    HelloInfo h;
    h.implementation = "test";
    h.version = "0";
    h.protocol = "custom:test";
    h.capabilities = {"group", "inject"};
    h.extra = {{"group_roster", "protocol"}};
    return h;
  }
  Reply group_create(const request::GroupCreate& r) override {
    create = r;
    return deliveries_reply(
        {{"bob", Bytes{1, 2}, DeliveryKind::control}, {"carol", Bytes{3}, DeliveryKind::application}});
  }
  Reply group_encrypt(const request::GroupEncrypt& r) override {
    encrypt = r;
    return deliveries_reply({});
  }
  Reply group_update(const request::GroupUpdate&) override { return deliveries_reply({}); }
  request::GroupCreate create;
  request::GroupEncrypt encrypt;
};

TEST(PtpServer, GroupOpsDecodeMembersBundlesAndInjectedKeys) {
  GroupOnly a;
  Json hello = serve_one(a, R"({"id":1,"op":"hello","ptp":1})");
  EXPECT_EQ(hello["group_roster"], "protocol");
  Json r = serve_one(
      a,
      R"({"id":2,"op":"group_create","party":"alice","group":"g1","members":["bob","carol"],"bundles":{"bob":"0a0b"}})");
  ASSERT_TRUE(r["ok"].get<bool>()) << r.dump();
  EXPECT_EQ(r["deliveries"], Json::parse(R"([{"to":"bob","envelope":"0102","kind":"control"},
                                              {"to":"carol","envelope":"03","kind":"application"}])"));
  EXPECT_EQ(a.create.members, (std::vector<std::string>{"bob", "carol"}));
  EXPECT_EQ(a.create.bundles.at("bob"), (Bytes{0x0a, 0x0b}));
  // A member that is not a party name, or a bundle that is not hex, is bad_request.
  r = serve_one(a, R"({"id":3,"op":"group_create","party":"alice","group":"g1","members":["Bob"]})");
  EXPECT_EQ(r["error"], "bad_request");
  r = serve_one(a, R"({"id":4,"op":"group_create","party":"alice","group":"g1","members":[],"bundles":{"bob":"zz"}})");
  EXPECT_EQ(r["error"], "bad_request");
  r = serve_one(a, R"({"id":5,"op":"group_create","party":"alice","group":"g1","members":"bob"})");
  EXPECT_EQ(r["error"], "bad_request");
  // chain_id must be below 2^31 (groups.md).
  r = serve_one(a,
                R"({"id":6,"op":"group_encrypt","party":"alice","group":"g1","plaintext":"00","chain_id":2147483648})");
  EXPECT_EQ(r["error"], "bad_request");
  r = serve_one(a,
                R"({"id":7,"op":"group_encrypt","party":"alice","group":"g1","plaintext":"00","chain_id":2147483647})");
  ASSERT_TRUE(r["ok"].get<bool>()) << r.dump();
  EXPECT_EQ(a.encrypt.chain_id, 2147483647u);
  // group_update needs its own capability, which GroupOnly does not declare.
  r = serve_one(a, R"({"id":8,"op":"group_update","party":"alice","group":"g1"})");
  EXPECT_EQ(r["error"], "unsupported");
  // An op of `group` the adapter does not implement is unsupported.
  r = serve_one(a, R"({"id":9,"op":"group_info","party":"alice","group":"g1"})");
  EXPECT_EQ(r["error"], "unsupported");
}

TEST(PtpServer, GroupInjectFieldsNeedInject) {
  EncryptOnly a;  // declares inject but not group
  Json r = serve_one(a, R"({"id":1,"op":"group_encrypt","party":"alice","group":"g","plaintext":"00"})");
  EXPECT_EQ(r["error"], "unsupported");
}

TEST(PtpOpTable, DecodeReadsFieldsInTableOrder) {
  Json r = {{"party", "alice"}, {"peer", "bob"}, {"ciphertext", "00ff"}, {"kind", "prekey"}};
  auto f = decode_request(OpCode::decrypt, r);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->get<std::string>("party"), "alice");
  EXPECT_EQ(f->get<Bytes>("ciphertext"), (Bytes{0x00, 0xff}));
  EXPECT_FALSE(f->has("ratchet_private"));

  r["kind"] = "other";
  EXPECT_EQ(decode_request(OpCode::decrypt, r).error().detail, "kind must be prekey or message");
  r.erase("peer");
  EXPECT_EQ(decode_request(OpCode::decrypt, r).error().detail, "missing field \"peer\"");
  EXPECT_EQ(decode_request(OpCode::create, Json{{"party", "Alice"}}).error().detail,
            "field \"party\" is not a valid party name");
  EXPECT_EQ(decode_request(OpCode::create, Json{{"party", "a"}, {"registration_id", 1ull << 32}}).error().detail,
            "field \"registration_id\" exceeds 32 bits");
  // Null is absent for an optional field.
  auto reset = decode_request(OpCode::reset, Json{{"seed", nullptr}});
  ASSERT_TRUE(reset.ok());
  EXPECT_FALSE(reset->has("seed"));
}

TEST(PtpServer, TypedOpsGetDecodedRequests) {
  EncryptOnly a;
  Json ok = serve_one(a, R"({"id":1,"op":"encrypt","party":"alice","peer":"bob","plaintext":"6869",)"
                         R"("ratchet_private":"0101010101010101010101010101010101010101010101010101010101010101"})");
  EXPECT_EQ(ok["ok"], true);
  EXPECT_EQ(ok["ciphertext"], "6869");
  EXPECT_EQ(a.last.party, "alice");
  EXPECT_EQ(a.last.peer, "bob");
  ASSERT_TRUE(a.last.ratchet_private);
  EXPECT_EQ((*a.last.ratchet_private)[31], 1);

  Json bad = serve_one(a, R"({"id":2,"op":"encrypt","party":"alice","peer":"bob","plaintext":"zz"})");
  EXPECT_EQ(bad["error"], "bad_request");
  EXPECT_EQ(bad["id"], 2);

  // Not implemented by the adapter, an unknown op, an op of an undeclared capability.
  for (const char* op : {"bundle", "parity_no_such_op", "media_encrypt"}) {
    Json r = serve_one(a, std::string(R"({"id":3,"op":")") + op + R"(","party":"alice"})");
    EXPECT_EQ(r["error"], "unsupported") << op;
    EXPECT_EQ(r["detail"], std::string("unknown op ") + op);
  }
}

}  // namespace
}  // namespace parity::ptp
