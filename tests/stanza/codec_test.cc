// codec_test.cc: strict base64 (RFC 4648 section 10 vectors, every refusal with its
// offset) and the id, JID and DNS-name validators.
#include <gtest/gtest.h>

#include "base/base64.h"
#include "reference/stanza/jid.h"

namespace parity::stanza {
namespace {

TEST(Base64, Rfc4648Vectors) {
  const std::pair<const char*, const char*> v[] = {{"", ""},
                                                   {"f", "Zg=="},
                                                   {"fo", "Zm8="},
                                                   {"foo", "Zm9v"},
                                                   {"foob", "Zm9vYg=="},
                                                   {"fooba", "Zm9vYmE="},
                                                   {"foobar", "Zm9vYmFy"}};
  for (auto [plain, enc] : v) {
    EXPECT_EQ(base64_encode(to_bytes(plain)), enc);
    Bytes out;
    ASSERT_TRUE(base64_decode(enc, out).ok()) << enc;
    EXPECT_EQ(out, to_bytes(plain));
    EXPECT_EQ(base64_decoded_size(enc), std::string_view(plain).size());
  }
}

TEST(Base64, AllByteValuesRoundTrip) {
  Bytes all(256);
  for (int i = 0; i < 256; ++i) all[i] = static_cast<uint8_t>(i);
  for (size_t n = 0; n <= all.size(); ++n) {
    const std::string e = base64_encode(ByteView(all).first(n));
    Bytes out;
    ASSERT_TRUE(base64_decode(e, out).ok());
    ASSERT_EQ(out, Bytes(all.begin(), all.begin() + static_cast<ptrdiff_t>(n)));
  }
}

TEST(Base64, Refusals) {
  struct Case {
    const char* text;
    Base64Errc code;
    size_t offset;
  };
  const Case cases[] = {
      {"Zg=", Base64Errc::bad_length, 3},          {"Zm9vY", Base64Errc::bad_length, 5},
      {"Zm9v YmFy", Base64Errc::bad_character, 4}, {"Zm9v\nYmE", Base64Errc::bad_character, 4},
      {" Zm9", Base64Errc::bad_character, 0},      {"Zm9-", Base64Errc::bad_character, 3},
      {"Zm_v", Base64Errc::bad_character, 2},      {"Zg==Zm9v", Base64Errc::bad_character, 2},
      {"Z===", Base64Errc::bad_padding, 1},        {"====", Base64Errc::bad_padding, 0},
      {"Zm=v", Base64Errc::bad_padding, 2},        {"Zh==", Base64Errc::nonzero_bits, 1},
      {"Zm9=", Base64Errc::nonzero_bits, 2},       {"Zm9vYmF\xff", Base64Errc::bad_character, 7},
  };
  for (const Case& c : cases) {
    Bytes out{9};
    Base64Status st = base64_decode(c.text, out);
    EXPECT_EQ(st.code, c.code) << c.text;
    EXPECT_EQ(st.offset, c.offset) << c.text;
    EXPECT_TRUE(out.empty()) << "a refused decode leaves nothing behind: " << c.text;
  }
}

// The decoder takes two groups per step, then one: a fault must keep its exact offset
// whichever step meets it, and a refusal must leave nothing behind.
TEST(Base64, RefusalsAtEveryOffsetOfALongText) {
  Bytes data(60);
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(i * 37 + 11);
  const std::string good = base64_encode(data);
  for (size_t i = 0; i + 4 < good.size(); ++i) {
    for (char bad : {' ', '=', '-', '\xff'}) {
      std::string text = good;
      text[i] = bad;
      Bytes out{9};
      const Base64Status st = base64_decode(text, out);
      EXPECT_EQ(st.code, Base64Errc::bad_character) << i << " " << bad;
      EXPECT_EQ(st.offset, i) << i << " " << bad;
      EXPECT_TRUE(out.empty());
    }
  }
  for (size_t n = 0; n <= data.size(); ++n) {
    const std::string text = base64_encode(ByteView(data).first(n));
    Bytes out;
    ASSERT_TRUE(base64_decode(text, out).ok()) << n;
    EXPECT_EQ(out, Bytes(data.begin(), data.begin() + static_cast<ptrdiff_t>(n)));
    std::vector<uint8_t> fixed(base64_decoded_size(text));
    ASSERT_TRUE(base64_decode_to(text, fixed.data()).ok()) << n;
    EXPECT_EQ(fixed, out);
  }
}

TEST(StanzaId, Rules) {
  EXPECT_FALSE(check_stanza_id("3EB0A1B2C3D4E5F6"));
  EXPECT_FALSE(check_stanza_id("a.b_c-D9"));
  EXPECT_FALSE(check_stanza_id(std::string(64, 'x')));
  EXPECT_EQ(check_stanza_id("")->offset, 0u);
  EXPECT_EQ(check_stanza_id(std::string(65, 'x'))->offset, 64u);
  EXPECT_EQ(check_stanza_id("ab/c")->offset, 2u);
  EXPECT_EQ(check_stanza_id("ab c")->offset, 2u);
  EXPECT_EQ(check_stanza_id("\xc3\xa9")->offset, 0u);
}

TEST(Jid, Valid) {
  for (const char* j : {"bob@interop.example", "b@c", "bob@interop.example/phone 1", "a+b=c!#$%*~@x-1.y2",
                        "bob@interop.example/caf\xc3\xa9 & <\"x\">", "x@a.b.c.d.e.f"}) {
    EXPECT_FALSE(check_jid(j)) << j;
  }
  EXPECT_FALSE(check_jid(std::string(64, 'l') + "@d"));
  EXPECT_FALSE(check_jid("d/" + std::string(1023, 'r'), LocalPart::optional));
  EXPECT_FALSE(check_jid("interop.example", LocalPart::optional));
}

TEST(Jid, Refusals) {
  struct Case {
    std::string jid;
    size_t offset;
  };
  const std::vector<Case> cases = {
      {"interop.example", 0},
      {"@d", 0},
      {std::string(65, 'l') + "@d", 64},
      {"a b@d", 1},
      {"a\"b@d", 1},
      {"a:b@d", 1},
      {"b@", 2},
      {"b@-d", 2},
      {"b@d-", 3},
      {"b@d..e", 4},
      {"b@d.", 4},
      {"b@d_e", 3},
      {"b@d/", 4},
      {"b@d/a\tb", 5},
      {"b@d/a\x80", 5},
      {"b@" + std::string(64, 'x'), 2 + 63},
      {"b@" + std::string(63, 'x') + "." + std::string(63, 'x') + "." + std::string(63, 'x') + "." +
           std::string(63, 'x'),
       2 + 253},
      {"b@d/" + std::string(1024, 'r'), 4 + 1023},
      {"b@d/" + std::string(1022, 'r') + "\xc3\xa9", 4 + 1022},
      {"a@b@c", 3},
  };
  for (const Case& c : cases) {
    auto f = check_jid(c.jid);
    ASSERT_TRUE(f.has_value()) << c.jid;
    EXPECT_EQ(f->offset, c.offset) << c.jid << ": " << f->reason;
  }
}

TEST(DnsName, Limits) {
  EXPECT_FALSE(check_dns_name(std::string(63, 'a')));
  EXPECT_EQ(check_dns_name(std::string(64, 'a'))->offset, 63u);
  std::string d253 =
      std::string(63, 'a') + "." + std::string(63, 'b') + "." + std::string(63, 'c') + "." + std::string(61, 'd');
  ASSERT_EQ(d253.size(), 253u);
  EXPECT_FALSE(check_dns_name(d253));
  EXPECT_EQ(check_dns_name(d253 + "d")->offset, 253u);
}

}  // namespace
}  // namespace parity::stanza
