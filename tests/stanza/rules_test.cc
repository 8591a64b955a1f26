// rules_test.cc: every rule of reference/stanza/profile.h has a stanza that comes up to
// it and passes, and one that breaks it, refused with exactly that code and offset.
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "reference/stanza/stanza.h"

namespace parity::stanza {
namespace {

const std::string kHead = R"(<message id="i1" to="bob@interop.example" from="alice@provider.example" type="text")";
const std::string kEnc = R"(<enc v="2" type="msg">AAAA</enc>)";

std::string msg(const std::string& attrs = "", const std::string& body = kEnc) {
  return kHead + attrs + ">" + body + "</message>";
}
std::string msg_with(const std::string& all_attrs, const std::string& body = kEnc) {
  return "<message " + all_attrs + ">" + body + "</message>";
}
std::string repeat(const std::string& s, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}
std::string user(const std::string& type = "BQ==", const std::string& reg = "AAAwOQ==") {
  const std::string k32 = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
  const std::string k64 = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==";
  return R"(<user jid="bob@interop.example"><registration>)" + reg + "</registration><type>" + type +
         "</type><identity>" + k32 + "</identity><skey><id>AAAB</id><value>" + k32 + "</value><signature>" + k64 +
         "</signature></skey></user>";
}
std::string iq(const std::string& users) {
  return R"(<iq id="k1" type="result" from="interop.example"><list>)" + users + "</list></iq>";
}
std::string receipt(const std::string& retry_attrs = R"(count="1" id="a" t="5" v="1")",
                    const std::string& reg = "AAAwOQ==") {
  return R"(<receipt id="r1" to="alice@provider.example" type="retry"><retry )" + retry_attrs + "/><registration>" +
         reg + "</registration></receipt>";
}

// RuleCase: `valid` comes up to the rule; `invalid` breaks it at the first occurrence of
// `marker` plus `delta` (or at `offset` when marker is empty).
struct RuleCase {
  StanzaErrc code;
  std::string valid;
  std::string invalid;
  std::string marker;
  size_t delta = 0;
  size_t offset = 0;
};

std::vector<RuleCase> cases() {
  const size_t mib = kLimits.max_stanza_bytes;
  std::string at_limit = msg("", kEnc + "<p/>");
  at_limit.insert(at_limit.size() - 10, mib - at_limit.size(), ' ');
  std::string over = at_limit;
  over.insert(over.size() - 10, " ");
  std::string depth16 = msg("", repeat("<x>", 15) + repeat("</x>", 15) + kEnc);
  std::string depth17 = msg("", repeat("<x>", 16) + repeat("</x>", 16) + kEnc);
  std::string attrs32, attrs33;
  // The message has id, to, from and type: 28 more make 32, 29 more make 33.
  for (int i = 0; i < 29; ++i) attrs33 += " a" + std::to_string(i) + "=\"\"";
  attrs32 = attrs33.substr(0, attrs33.rfind(" a28"));
  // 256 KiB = 262144 bytes = 87381 groups of 3 + 1 byte: 349524 + 4 characters, "AA==".
  const std::string payload_max = std::string(87381 * 4, 'A') + "AA==";
  const std::string payload_over = std::string(87381 * 4, 'A') + "AAA=";
  return {
      {StanzaErrc::too_large, at_limit, over, "", 0, mib},
      {StanzaErrc::not_utf8, msg(" n=\"caf\xc3\xa9\""), msg(" n=\"caf\xc3\""), "caf", 3},
      {StanzaErrc::nul_byte, msg(" n=\"a\""), msg(std::string(" n=\"a") + '\0' + "\""), std::string(1, '\0'), 0},
      {StanzaErrc::bad_character, msg(" n=\"a\tb\""), msg(" n=\"a\x1b\""), "\x1b", 0},
      {StanzaErrc::doctype, msg(" n=\"DOCTYPE\""), "<!DOCTYPE message>" + msg(), "", 0, 0},
      {StanzaErrc::dtd, msg(" n=\"&lt;!ENTITY\""), msg("", "<!ENTITY a 'b'>" + kEnc), "<!ENTITY", 0},
      {StanzaErrc::entity, msg(" n=\"&lt;&gt;&amp;&apos;&quot;\""), msg(" n=\"&eacute;\""), "&eacute;", 0},
      {StanzaErrc::bad_character_reference, msg(" n=\"&#x10FFFF;&#9;&#65;\""), msg(" n=\"&#xFFFE;\""), "&#xFFFE;", 0},
      {StanzaErrc::processing_instruction, msg(" n=\"?\""), msg("", "<?php echo 1; ?>" + kEnc), "<?php", 0},
      {StanzaErrc::comment, msg(" n=\"&lt;!--\""), msg("", kEnc + "<!---->"), "<!--", 0},
      {StanzaErrc::bad_xml, msg("", "<![CDATA[x]]>" + kEnc), msg(" n=b"), "=b", 1},
      {StanzaErrc::depth, depth16, depth17, "<x>", 15 * 3},
      {StanzaErrc::attribute_count, msg(attrs32), msg(attrs33), " a28", 1},
      {StanzaErrc::attribute_length, msg(" n=\"" + std::string(4095, 'n') + "&amp;\""),
       msg(" n=\"" + std::string(4096, 'n') + "&amp;\""), " n=\"", 4},
      {StanzaErrc::duplicate_attribute, msg(" n=\"1\" N=\"2\" x:n=\"3\""), msg(" n=\"1\" n=\"2\""), "n=\"2\"", 0},
      {StanzaErrc::unknown_stanza, receipt(), "<presence/>", "", 0, 0},
      {StanzaErrc::missing_attribute, msg(),
       msg_with(R"(id="i1" to="bob@interop.example" from="alice@provider.example")"), "", 0, 0},
      {StanzaErrc::missing_element, msg("", "<participants><to jid=\"b@c\">" + kEnc + "</to></participants>"),
       msg("", "<participants><to jid=\"b@c\"/></participants>"), "<to ", 0},
      {StanzaErrc::duplicate_element, msg("", kEnc + "<other/><other/>"), msg("", kEnc + kEnc), kEnc + "<enc",
       kEnc.size()},
      {StanzaErrc::enc_and_participants, msg("", "<participants><to jid=\"b@c\">" + kEnc + "</to></participants>"),
       msg("", kEnc + "<participants><to jid=\"b@c\">" + kEnc + "</to></participants>"), "<participants>", 0},
      {StanzaErrc::unknown_attribute, msg("", R"(<enc v="2" type="msg" mediatype="ptt">AAAA</enc>)"),
       msg("", R"(<enc v="2" type="msg" x="1">AAAA</enc>)"), "x=\"1\"", 0},
      {StanzaErrc::unknown_element, msg("", R"(<enc v="2" type="msg">AA<![CDATA[AA]]></enc>)"),
       msg("", R"(<enc v="2" type="msg">AA<b/>AA</enc>)"), "<b/>", 0},
      {StanzaErrc::bad_id, msg_with(R"(id=")" + std::string(64, '-') + R"(" to="b@c" from="a@b" type="text")"),
       msg_with(R"(id="abc!" to="b@c" from="a@b" type="text")"), "!", 0},
      {StanzaErrc::bad_jid, msg_with(R"(id="i" to="b@c.d-e/r/s" from="a@b" type="text")"),
       msg_with(R"(id="i" to="b@c..d" from="a@b" type="text")"), "..", 1},
      {StanzaErrc::bad_timestamp, msg(R"( t="18446744073709551615")"), msg(R"( t="18446744073709551616")"), "1844", 0},
      {StanzaErrc::bad_number, receipt(R"(count="0" id="a" t="0" v="10")"),
       receipt(R"(count="1" id="a" t="0" v="1e3")"), "1e3", 0},
      {StanzaErrc::bad_type, msg_with(R"(id="i" to="b@c" from="a@b" type="media")"),
       msg_with(R"(id="i" to="b@c" from="a@b" type="Text")"), "Text", 0},
      {StanzaErrc::unknown_enc_type, msg("", R"(<enc v="2" type="skmsg">AAAA</enc>)"),
       msg("", R"(<enc v="2" type="msg2">AAAA</enc>)"), "msg2", 0},
      {StanzaErrc::bad_version, msg("", R"(<enc type="msg" v='2'>AAAA</enc>)"),
       msg("", R"(<enc v="2.0" type="msg">AAAA</enc>)"), "2.0", 0},
      {StanzaErrc::bad_mediatype, msg("", R"(<enc v="2" type="msg" mediatype="document">AAAA</enc>)"),
       msg("", R"(<enc v="2" type="msg" mediatype="Image">AAAA</enc>)"), "Image", 0},
      {StanzaErrc::bad_base64, msg("", R"(<enc v="2" type="msg">+/8=</enc>)"),
       msg("", R"(<enc v="2" type="msg">+/9=</enc>)"), "+/9", 2},
      {StanzaErrc::payload_too_large, msg("", "<enc v=\"2\" type=\"msg\">" + payload_max + "</enc>"),
       msg("", "<enc v=\"2\" type=\"msg\">" + payload_over + "</enc>"), "AAAA", 0},
      {StanzaErrc::bad_length, receipt(), receipt(R"(count="1" id="a" t="5" v="1")", "AAAw"), "AAAw<", 0},
      {StanzaErrc::bad_key_type, iq(user()), iq(user("Bg==")), "<type>", 0},
  };
}

TEST(StanzaRules, EveryRuleHasAValidAndAnInvalidCase) {
  std::set<StanzaErrc> covered;
  for (const RuleCase& c : cases()) {
    SCOPED_TRACE(std::string(to_string(c.code)));
    covered.insert(c.code);
    auto ok = parse(c.valid);
    EXPECT_TRUE(ok.ok()) << to_string(ok.error().code) << " at " << ok.error().offset << ": " << ok.error().message;
    auto bad = parse(c.invalid);
    ASSERT_FALSE(bad.ok());
    const size_t want = c.marker.empty() ? c.offset : c.invalid.find(c.marker) + c.delta;
    ASSERT_NE(c.invalid.find(c.marker), std::string::npos);
    EXPECT_EQ(to_string(bad.error().code), to_string(c.code)) << bad.error().message;
    EXPECT_EQ(bad.error().offset, want) << bad.error().message;
    EXPECT_FALSE(bad.error().message.empty());
  }
  for (const Rule& r : kRules) EXPECT_TRUE(covered.contains(r.code)) << "no case for rule " << r.name;
}

TEST(StanzaRules, TableNamesRoundTrip) {
  for (const Rule& r : kRules) {
    EXPECT_EQ(parse_errc(r.name), r.code);
    EXPECT_EQ(to_string(r.code), r.name);
    EXPECT_FALSE(r.what.empty());
  }
  EXPECT_EQ(parse_errc("no_such_rule"), std::nullopt);
}

TEST(StanzaParse, MessageFields) {
  auto m = parse_message(
      R"(<message id="3EB0" to="bob@interop.example" from="alice@provider.example/x" type="media" t="17">)"
      R"(<enc v="2" type="pkmsg" mediatype="video">AQID</enc></message>)");
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->id, "3EB0");
  EXPECT_EQ(m->from, "alice@provider.example/x");
  EXPECT_EQ(m->type, MessageType::media);
  EXPECT_EQ(m->t, 17u);
  const Enc& e = std::get<Enc>(m->payload);
  EXPECT_EQ(e.type, EncType::pkmsg);
  EXPECT_EQ(e.mediatype, MediaType::video);
  EXPECT_EQ(e.ciphertext, (Bytes{1, 2, 3}));
}

TEST(StanzaParse, KeyBundleAndReceiptFields) {
  auto s = parse(iq(user()));
  ASSERT_TRUE(s.ok()) << s.error().message;
  const KeyBundle& k = std::get<KeyBundle>(*s);
  ASSERT_EQ(k.users.size(), 1u);
  EXPECT_EQ(k.users[0].registration, 12345u);
  EXPECT_EQ(k.users[0].skey.id, 1u);
  EXPECT_FALSE(k.users[0].key.has_value());
  auto r = parse(receipt(R"(count="3" id="abc" t="1732600005" v="1")"));
  ASSERT_TRUE(r.ok());
  const RetryReceipt& rr = std::get<RetryReceipt>(*r);
  EXPECT_EQ(rr.retry.count, 3u);
  EXPECT_EQ(rr.retry.t, 1732600005u);
  EXPECT_EQ(rr.registration, 12345u);
}

TEST(StanzaParse, ParseMessageRefusesOtherStanzas) {
  auto m = parse_message("  " + receipt());
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().code, StanzaErrc::unknown_stanza);
  EXPECT_EQ(m.error().offset, 2u);
}

TEST(StanzaParse, WhiteSpaceAroundBase64IsRefused) {
  auto m = parse(msg("", "<enc v=\"2\" type=\"msg\">\n  AAAA\n</enc>"));
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().code, StanzaErrc::bad_base64);
}

TEST(StanzaWrite, CanonicalText) {
  Message m{"i1", "bob@interop.example/a&b",       "alice@provider.example", MessageType::text,
            5,    Enc{EncType::msg, {}, {1, 2, 3}}};
  auto w = write(m);
  ASSERT_TRUE(w.ok()) << w.error().message;
  EXPECT_EQ(*w, R"(<message id="i1" to="bob@interop.example/a&amp;b" from="alice@provider.example" type="text" t="5">)"
                R"(<enc v="2" type="msg">AQID</enc></message>)");
}

TEST(StanzaWrite, RefusesWhatWouldNotValidate) {
  Message m{"bad id", "bob@interop.example", "alice@provider.example", MessageType::text, {}, Enc{}};
  auto w = write(m);
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.error().code, StanzaErrc::bad_id);
  KeyBundle k{"k", "interop.example", {UserKeys{"b@c", 1, {}, SignedPreKey{1u << 24, {}, {}}, {}}}};
  auto wk = write(k);
  ASSERT_FALSE(wk.ok());
  EXPECT_EQ(wk.error().code, StanzaErrc::bad_length);
  Message big{"i", "b@c", "a@b", MessageType::text, {}, Enc{EncType::msg, {}, Bytes(kLimits.max_payload_bytes + 1)}};
  auto wb = write(big);
  ASSERT_FALSE(wb.ok());
  EXPECT_EQ(wb.error().code, StanzaErrc::payload_too_large);
}

}  // namespace
}  // namespace parity::stanza
