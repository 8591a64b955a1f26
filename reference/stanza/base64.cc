#include "reference/stanza/base64.h"

#include <array>

namespace parity::stanza {

namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr uint8_t kInvalid = 0xff;
constexpr uint8_t kPad = 0xfe;

// kDecode maps a byte to its 6-bit value, kPad for '=' and kInvalid for the rest.
constexpr std::array<uint8_t, 256> make_decode_table() {
  std::array<uint8_t, 256> t{};
  for (auto& v : t) v = kInvalid;
  for (uint8_t i = 0; i < 64; ++i) t[static_cast<uint8_t>(kAlphabet[i])] = i;
  t['='] = kPad;
  return t;
}
constexpr std::array<uint8_t, 256> kDecode = make_decode_table();

uint8_t at(std::string_view s, size_t i) {
  return kDecode[static_cast<uint8_t>(s[i])];
}

// length_fault explains a text whose length is not a multiple of 4: a character outside
// the alphabet (white space, most often) is the better answer when there is one.
Base64Status length_fault(std::string_view text) {
  for (size_t i = 0; i < text.size(); ++i) {
    if (at(text, i) == kInvalid) return {Base64Errc::bad_character, i};
  }
  return {Base64Errc::bad_length, text.size()};
}

}  // namespace

std::string_view to_string(Base64Errc code) {
  switch (code) {
    case Base64Errc::ok:
      return "ok";
    case Base64Errc::bad_length:
      return "length is not a multiple of 4";
    case Base64Errc::bad_character:
      return "not a base64 character";
    case Base64Errc::bad_padding:
      return "misplaced padding";
    case Base64Errc::nonzero_bits:
      return "non-zero pad bits (not canonical)";
  }
  return "?";
}

size_t base64_decoded_size(std::string_view text) {
  if (text.size() % 4 != 0 || text.empty()) return text.size() / 4 * 3;
  size_t pad = 0;
  if (text.back() == '=') ++pad;
  if (text.size() >= 2 && text[text.size() - 2] == '=') ++pad;
  return text.size() / 4 * 3 - pad;
}

void base64_encode_to(ByteView data, std::string& out_) {
  const size_t start = out_.size();
  out_.resize(start + base64_encoded_size(data.size()));
  char* o = out_.data() + start;
  size_t i = 0;
  for (; i + 3 <= data.size(); i += 3) {
    const uint32_t v = (uint32_t{data[i]} << 16) | (uint32_t{data[i + 1]} << 8) | data[i + 2];
    *o++ = kAlphabet[v >> 18];
    *o++ = kAlphabet[(v >> 12) & 63];
    *o++ = kAlphabet[(v >> 6) & 63];
    *o++ = kAlphabet[v & 63];
  }
  const size_t rest = data.size() - i;
  if (rest == 1) {
    const uint32_t v = uint32_t{data[i]} << 16;
    *o++ = kAlphabet[v >> 18];
    *o++ = kAlphabet[(v >> 12) & 63];
    *o++ = '=';
    *o++ = '=';
  } else if (rest == 2) {
    const uint32_t v = (uint32_t{data[i]} << 16) | (uint32_t{data[i + 1]} << 8);
    *o++ = kAlphabet[v >> 18];
    *o++ = kAlphabet[(v >> 12) & 63];
    *o++ = kAlphabet[(v >> 6) & 63];
    *o++ = '=';
  }
}

std::string base64_encode(ByteView data) {
  std::string out;
  base64_encode_to(data, out);
  return out;
}

Base64Status base64_decode_to(std::string_view text, uint8_t* out_) {
  const size_t n = text.size();
  if (n % 4 != 0) return length_fault(text);
  if (n == 0) return {};
  // Every group but the last is four data characters: the hot loop has no padding cases.
  size_t i = 0;
  uint8_t* o = out_;
  for (; i + 4 < n; i += 4) {
    const uint8_t a = at(text, i), b = at(text, i + 1), c = at(text, i + 2), d = at(text, i + 3);
    if ((a | b | c | d) & 0xc0) {
      for (size_t k = i; k < i + 4; ++k) {
        if (at(text, k) & 0xc0) return {Base64Errc::bad_character, k};
      }
    }
    const uint32_t v = (uint32_t{a} << 18) | (uint32_t{b} << 12) | (uint32_t{c} << 6) | d;
    *o++ = static_cast<uint8_t>(v >> 16);
    *o++ = static_cast<uint8_t>(v >> 8);
    *o++ = static_cast<uint8_t>(v);
  }
  const uint8_t a = at(text, i), b = at(text, i + 1), c = at(text, i + 2), d = at(text, i + 3);
  if (a == kInvalid || a == kPad) return {a == kPad ? Base64Errc::bad_padding : Base64Errc::bad_character, i};
  if (b == kInvalid || b == kPad) return {b == kPad ? Base64Errc::bad_padding : Base64Errc::bad_character, i + 1};
  if (c == kInvalid) return {Base64Errc::bad_character, i + 2};
  if (d == kInvalid) return {Base64Errc::bad_character, i + 3};
  if (c == kPad && d != kPad) return {Base64Errc::bad_padding, i + 2};
  const uint32_t v =
      (uint32_t{a} << 18) | (uint32_t{b} << 12) | (c == kPad ? 0 : uint32_t{c} << 6) | (d == kPad ? 0 : uint32_t{d});
  *o++ = static_cast<uint8_t>(v >> 16);
  if (c == kPad) {
    if (b & 0x0f) return {Base64Errc::nonzero_bits, i + 1};
    return {};
  }
  *o++ = static_cast<uint8_t>(v >> 8);
  if (d == kPad) {
    if (c & 0x03) return {Base64Errc::nonzero_bits, i + 2};
    return {};
  }
  *o++ = static_cast<uint8_t>(v);
  return {};
}

Base64Status base64_decode(std::string_view text, Bytes& out_) {
  out_.clear();
  if (text.size() % 4 != 0) return length_fault(text);
  Bytes buf(base64_decoded_size(text));
  Base64Status st = base64_decode_to(text, buf.data());
  if (st.ok()) out_ = std::move(buf);
  return st;
}

}  // namespace parity::stanza
