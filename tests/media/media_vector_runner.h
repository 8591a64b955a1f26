// media_vector_runner.h: runs the attachment vectors (schema "media") through the
// reference; shared by tests/media and the vector registry of tests/kat (kat_test.cc).
// Header-only, for GoogleTest binaries.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "reference/media/media.h"
#include "vectors/loader.h"

namespace parity::media_test {

// vector_plaintext builds a valid vector's plaintext: `plaintext`, or `pattern` repeated
// `repeat` times.
inline Bytes vector_plaintext(const vectors::Vector& t) {
  if (t.fields.has("plaintext")) return t.fields.hex("plaintext");
  const Bytes& pattern = t.fields.hex("pattern");
  Bytes out;
  const int64_t n = t.fields.integer("repeat");
  out.reserve(pattern.size() * static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) out.insert(out.end(), pattern.begin(), pattern.end());
  return out;
}

// vector_type reads `media_type`; an unknown one fails the test and answers image.
inline media::MediaType vector_type(const vectors::Vector& t) {
  auto type = media::parse_media_type(t.fields.string("media_type"));
  EXPECT_TRUE(type.has_value()) << t.where << ": unknown media_type " << t.fields.string("media_type");
  return type.value_or(media::MediaType::image);
}

// run_media_vectors checks every vector: valid ones encrypt to the stored file and
// digests and decrypt to the plaintext; invalid ones are refused with the stored error.
inline void run_media_vectors(const vectors::VectorFile& f) {
  for (const vectors::TestGroup& g : f.groups) {
    for (const vectors::Vector& t : g.tests) {
      const media::MediaType type = vector_type(t);
      const Bytes& key = t.fields.hex("media_key");
      const Bytes& want_enc_sha = t.fields.hex("file_enc_sha256");
      if (t.result == vectors::Expect::invalid) {
        auto dec = media::decrypt_media(type, key, t.fields.hex("encrypted"), want_enc_sha);
        ASSERT_FALSE(dec.ok()) << t.where << ": accepted (" << t.comment << ")";
        EXPECT_EQ(media::to_string(dec.code()), t.fields.string("error")) << t.where << ": " << t.comment;
        continue;
      }
      Bytes plaintext = vector_plaintext(t);
      Key32 k{};
      ASSERT_EQ(key.size(), k.size()) << t.where;
      std::copy(key.begin(), key.end(), k.begin());
      auto enc = media::encrypt_media(type, plaintext, k);
      ASSERT_TRUE(enc.ok()) << t.where << ": " << enc.error().detail;
      if (t.fields.has("encrypted")) {
        EXPECT_EQ(to_hex(enc->encrypted), to_hex(t.fields.hex("encrypted"))) << t.where << ": " << t.comment;
      }
      EXPECT_EQ(to_hex(enc->file_sha256), to_hex(t.fields.hex("file_sha256"))) << t.where;
      EXPECT_EQ(to_hex(enc->file_enc_sha256), to_hex(want_enc_sha)) << t.where;
      auto dec = media::decrypt_media(type, key, enc->encrypted, want_enc_sha);
      ASSERT_TRUE(dec.ok()) << t.where << ": " << dec.error().detail;
      EXPECT_TRUE(*dec == plaintext) << t.where << ": decryption differs";
    }
  }
}

}  // namespace parity::media_test
