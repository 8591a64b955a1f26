// The wire codecs: exact round trips and strict refusals, each naming its offset.
#include <gtest/gtest.h>

#include "reference/wire/bundle.h"
#include "reference/wire/protobuf.h"
#include "reference/wire/signal_message.h"

namespace parity::wire {
namespace {

SignalMessage sample() {
  SignalMessage m;
  m.ratchet_key.fill(0x42);
  m.counter = 300;
  m.previous_counter = 7;
  m.ciphertext = Bytes(32, 0xab);
  m.mac = {1, 2, 3, 4, 5, 6, 7, 8};
  return m;
}

TEST(Wire, SignalMessageLayoutIsLibsignals) {
  Bytes b = sample().serialize();
  ASSERT_GE(b.size(), 40u);
  EXPECT_EQ(b[0], 0x33);
  EXPECT_EQ(b[1], 0x0a);  // field 1, length-delimited
  EXPECT_EQ(b[2], 33);
  EXPECT_EQ(b[3], 0x05);
  EXPECT_EQ(b[36], 0x10);  // field 2 varint
  EXPECT_EQ(b[37], 0xac);  // 300 = 0xac 0x02
  EXPECT_EQ(b[38], 0x02);
  EXPECT_EQ(b[39], 0x18);  // field 3 varint
  auto d = decode_signal_message(b);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d, sample());
  EXPECT_EQ(d->serialize(), b);
}

TEST(Wire, OptionalPreviousCounterRoundTrips) {
  SignalMessage m = sample();
  m.previous_counter.reset();
  auto d = decode_signal_message(m.serialize());
  ASSERT_TRUE(d.ok());
  EXPECT_FALSE(d->previous_counter.has_value());
  EXPECT_EQ(d->serialize(), m.serialize());
}

TEST(Wire, StrictDecoderRefusals) {
  Bytes good = sample().serialize();
  struct Case {
    const char* name;
    Bytes bytes;
    Errc code;
  };
  Bytes wrong_version = good;
  wrong_version[0] = 0x23;
  Bytes low_nibble = good;
  low_nibble[0] = 0x32;
  Bytes unknown_field = good;
  unknown_field.insert(unknown_field.end() - 8, {0x28, 0x01});  // field 5
  Bytes out_of_order = {0x33, 0x10, 0x01, 0x0a, 0x21};
  out_of_order.push_back(0x05);
  out_of_order.insert(out_of_order.end(), 32, 0x11);
  out_of_order.insert(out_of_order.end(), {0x22, 0x01, 0x00});
  out_of_order.insert(out_of_order.end(), 8, 0);
  Bytes non_minimal = good;
  // counter 300 = ac 02 -> ac 82 00 is the same value in a longer, non-canonical form
  non_minimal[38] = 0x82;
  non_minimal.insert(non_minimal.begin() + 39, 0x00);
  Bytes short_key = good;
  short_key[2] = 32;  // length now cuts the key and misaligns the rest
  std::vector<Case> cases = {
      {"empty", {}, Errc::malformed},
      {"only version", {0x33}, Errc::malformed},
      {"wrong version", wrong_version, Errc::bad_version},
      {"wrong low nibble", low_nibble, Errc::bad_version},
      {"unknown field", unknown_field, Errc::malformed},
      {"fields out of order", out_of_order, Errc::malformed},
      {"non-minimal varint", non_minimal, Errc::malformed},
      {"bad key length", short_key, Errc::malformed},
      {"truncated", Bytes(good.begin(), good.begin() + 20), Errc::malformed},
      {"oversized", Bytes(kMaxMessageSize + 1, 0x33), Errc::limit_exceeded},
  };
  for (const Case& c : cases) {
    auto d = decode_signal_message(c.bytes);
    ASSERT_FALSE(d.ok()) << c.name;
    EXPECT_EQ(d.code(), c.code) << c.name << ": " << d.error().detail;
  }
}

TEST(Wire, PreKeyMessageFieldOrderAndRoundTrip) {
  PreKeySignalMessage pk;
  pk.prekey_id = 5;
  pk.base_key.fill(1);
  pk.identity_key.fill(2);
  pk.message = sample();
  pk.message_bytes = sample().serialize();
  pk.registration_id = 1234;
  pk.signed_prekey_id = 9;
  Bytes b = pk.serialize();
  EXPECT_EQ(b[0], 0x33);
  EXPECT_EQ(b[1], 0x08);  // preKeyId (1) comes first
  EXPECT_EQ(b[2], 5);
  EXPECT_EQ(b[3], 0x12);  // baseKey (2)
  auto d = decode_prekey_message(b);
  ASSERT_TRUE(d.ok()) << d.error().detail;
  EXPECT_EQ(*d, pk);
  EXPECT_EQ(d->serialize(), b);
  pk.prekey_id.reset();
  auto d2 = decode_prekey_message(pk.serialize());
  ASSERT_TRUE(d2.ok());
  EXPECT_FALSE(d2->prekey_id.has_value());
}

TEST(Wire, BundleRoundTripAndLayout) {
  Bundle b;
  b.registration_id = 77;
  b.prekey_id = 3;
  b.prekey_public = Key32{};
  b.prekey_public->fill(3);
  b.signed_prekey_id = 1;
  b.signed_prekey_public.fill(6);
  b.signed_prekey_signature.fill(7);
  b.identity_key.fill(8);
  Bytes enc = b.serialize();
  auto d = decode_bundle(enc);
  ASSERT_TRUE(d.ok()) << d.error().detail;
  EXPECT_EQ(*d, b);
  auto layout = bundle_layout(enc);
  ASSERT_TRUE(layout.ok());
  EXPECT_EQ(layout->identity.second - layout->identity.first, 33u);
  EXPECT_EQ(enc[layout->identity.first], 0x05);
  EXPECT_EQ(enc[layout->identity.first + 1], 8);
  EXPECT_EQ(layout->signature.second - layout->signature.first, 64u);
  EXPECT_EQ(enc[layout->signed_prekey.first + 1], 6);

  Bundle no_prekey = b;
  no_prekey.prekey_id.reset();
  no_prekey.prekey_public.reset();
  EXPECT_TRUE(decode_bundle(no_prekey.serialize()).ok());
  Bundle half = b;
  half.prekey_public.reset();
  EXPECT_EQ(decode_bundle(half.serialize()).code(), Errc::malformed);
}

}  // namespace
}  // namespace parity::wire
