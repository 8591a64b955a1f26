// base64.h: strict padded base64 (RFC 4648 section 4), the encoding of every binary
// field of a stanza. Strict means one spelling per byte string: the standard alphabet,
// '=' padding to a multiple of 4, no white space or line breaks, and zero pad bits (RFC
// 4648 section 3.5 lets a decoder refuse non-zero ones; refusing them makes
// encode(decode(s)) == s for every accepted s).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/bytes.h"

namespace parity {

// Base64Errc says why a text is not strict base64.
enum class Base64Errc {
  ok,
  bad_length,     // the length is not a multiple of 4 (and every character is in the alphabet)
  bad_character,  // a byte outside the alphabet (white space included), or '=' inside
  bad_padding,    // more than two '=', or '=' followed by a data character
  nonzero_bits,   // the pad bits of the last group are not zero (a non-canonical spelling)
};

// to_string names a Base64Errc for messages.
std::string_view to_string(Base64Errc code);

// Base64Status is the outcome of a decode: ok, or the reason and the byte offset in the
// text where it was found.
struct Base64Status {
  Base64Errc code = Base64Errc::ok;
  size_t offset = 0;
  bool ok() const { return code == Base64Errc::ok; }
};

// base64_encoded_size is the length of the encoding of n bytes.
constexpr size_t base64_encoded_size(size_t n) {
  return (n + 2) / 3 * 4;
}

// base64_decoded_size is the length text decodes to, assuming it is well-formed; used to
// refuse an oversized payload before decoding it.
size_t base64_decoded_size(std::string_view text);

// base64_encode encodes bytes, padded.
std::string base64_encode(ByteView data);

// base64_encode_to appends the encoding of data to out_ (no allocation per call when
// out_ has room).
void base64_encode_to(ByteView data, std::string& out_);

// base64_decode decodes strict base64 into out_ (replaced). On failure out_ is left
// empty.
Base64Status base64_decode(std::string_view text, Bytes& out_);

// base64_decode_to decodes into a fixed buffer of exactly base64_decoded_size(text)
// bytes (the caller checked the size); same rules as base64_decode.
Base64Status base64_decode_to(std::string_view text, uint8_t* out_);

}  // namespace parity
