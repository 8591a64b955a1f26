#include "base/base64.h"

#include <array>
#include <bit>
#include <cstring>

#if defined(__x86_64__)
#include <tmmintrin.h>
#endif

namespace parity {

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

// kShifted[k] maps a byte to its 6-bit value already shifted into place for position k
// of a group, and any byte outside the alphabet ('=' included) to kBadGroup: a group is
// four loads OR-ed together and one test.
constexpr uint32_t kBadGroup = 0xff000000;
constexpr std::array<std::array<uint32_t, 256>, 4> make_shifted_tables() {
  std::array<std::array<uint32_t, 256>, 4> t{};
  for (size_t k = 0; k < 4; ++k) {
    for (size_t c = 0; c < 256; ++c) {
      const uint8_t v = kDecode[c];
      t[k][c] = (v & 0xc0) != 0 ? kBadGroup : uint32_t{v} << (6 * (3 - k));
    }
  }
  return t;
}
constexpr std::array<std::array<uint32_t, 256>, 4> kShifted = make_shifted_tables();

// store4 writes the three bytes of a group; the fourth byte it stores is scratch that
// the next group overwrites, so the caller must leave at least one byte of room.
inline void store4(uint8_t* o, uint32_t v) {
  if constexpr (std::endian::native == std::endian::little) {
    const uint32_t w = __builtin_bswap32(v << 8);
    std::memcpy(o, &w, 4);
  } else {
    const uint32_t w = v << 8;
    std::memcpy(o, &w, 4);
  }
}

#if defined(__x86_64__)
// has_ssse3 tells whether the CPU has SSSE3 (pshufb), asked once.
bool has_ssse3() {
  static const bool yes = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("ssse3") != 0;
  }();
  return yes;
}

// decode_ssse3 decodes blocks of sixteen alphabet characters from p while two groups
// follow the block (its 16-byte store writes 4 bytes past its 12, which they
// overwrite), and returns how many characters it decoded: it stops before a block
// with a character outside the alphabet ('=' included), which the scalar loops then
// find. Wojciech Mula's pshufb lookups: the high nibble gives the offset to the 6-bit
// value, and a character is valid when bit (high nibble) of the mask its low nibble
// selects is set.
__attribute__((target("ssse3"))) size_t decode_ssse3(const uint8_t* p, size_t n, uint8_t* o) {
  // Offsets by high nibble: 2 '+' (+19; '/' is fixed below), 3 digits (+4), 4-5 A-Z
  // (-65), 6-7 a-z (-71).
  const __m128i offsets = _mm_setr_epi8(0, 0, 19, 4, -65, -65, -71, -71, 0, 0, 0, 0, 0, 0, 0, 0);
  // Valid high nibbles by low nibble: 0: 3,5,7; 1-9: 3-7; 10: 4-7; 11 and 15: 2,4,6
  // ('+', '/', K, O, k, o); 12-14: 4,6.
  const __m128i valid_highs = _mm_setr_epi8(
      static_cast<char>(0xa8), static_cast<char>(0xf8), static_cast<char>(0xf8), static_cast<char>(0xf8),
      static_cast<char>(0xf8), static_cast<char>(0xf8), static_cast<char>(0xf8), static_cast<char>(0xf8),
      static_cast<char>(0xf8), static_cast<char>(0xf8), static_cast<char>(0xf0), 0x54, 0x50, 0x50, 0x50, 0x54);
  // 1 << high nibble for ASCII, 0 for bytes from 0x80 up (never valid).
  const __m128i high_bit =
      _mm_setr_epi8(0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, static_cast<char>(0x80), 0, 0, 0, 0, 0, 0, 0, 0);
  const __m128i nibble = _mm_set1_epi8(0x0f);
  // Output bytes 2, 1, 0 of each 32-bit lane, lanes in order.
  const __m128i gather = _mm_setr_epi8(2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1);
  size_t i = 0;
  for (; i + 24 <= n; i += 16, o += 12) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    const __m128i high = _mm_and_si128(_mm_srli_epi32(v, 4), nibble);
    const __m128i low = _mm_and_si128(v, nibble);
    const __m128i ok = _mm_and_si128(_mm_shuffle_epi8(valid_highs, low), _mm_shuffle_epi8(high_bit, high));
    if (_mm_movemask_epi8(_mm_cmpeq_epi8(ok, _mm_setzero_si128())) != 0) break;
    const __m128i slash_fix = _mm_and_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('/')), _mm_set1_epi8(16 - 19));
    const __m128i sextets = _mm_add_epi8(_mm_add_epi8(v, _mm_shuffle_epi8(offsets, high)), slash_fix);
    // a << 6 | b per 16 bits, then ab << 12 | cd per 32 bits: one group's value per lane.
    const __m128i pairs = _mm_maddubs_epi16(sextets, _mm_set1_epi32(0x01400140));
    const __m128i groups = _mm_madd_epi16(pairs, _mm_set1_epi32(0x00011000));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(o), _mm_shuffle_epi8(groups, gather));
  }
  return i;
}
#endif

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
  const auto* p = reinterpret_cast<const uint8_t*>(text.data());
#if defined(__x86_64__)
  if (has_ssse3()) {
    const size_t done = decode_ssse3(p, n, o);
    i += done;
    o += done / 4 * 3;
  }
#endif
  // Two groups per step while a full group follows them (room for the 2 scratch bytes):
  // the loads of one group do not wait on the store of the other.
  for (; i + 12 < n; i += 8, o += 6) {
    const uint32_t v = kShifted[0][p[i]] | kShifted[1][p[i + 1]] | kShifted[2][p[i + 2]] | kShifted[3][p[i + 3]];
    const uint32_t w = kShifted[0][p[i + 4]] | kShifted[1][p[i + 5]] | kShifted[2][p[i + 6]] | kShifted[3][p[i + 7]];
    if ((v | w) & kBadGroup) break;  // the loop below finds the fault
    store4(o, v);
    store4(o + 3, w);
  }
  for (; i + 4 < n; i += 4, o += 3) {
    const uint32_t v = kShifted[0][p[i]] | kShifted[1][p[i + 1]] | kShifted[2][p[i + 2]] | kShifted[3][p[i + 3]];
    if (v & kBadGroup) {
      for (size_t k = i; k < i + 4; ++k) {
        if (at(text, k) & 0xc0) return {Base64Errc::bad_character, k};
      }
    }
    // The last group writes at least one byte: there is room for the scratch byte.
    store4(o, v);
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
  // Straight into out_, no temporary: a refusal empties it again.
  out_.resize(base64_decoded_size(text));
  Base64Status st = base64_decode_to(text, out_.data());
  if (!st.ok()) out_.clear();
  return st;
}

}  // namespace parity
