#include "reference/codec.h"

#include <algorithm>

namespace parity {

void ByteWriter::u32(uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out_.push_back(static_cast<uint8_t>(v >> shift));
}

void ByteWriter::bytes(ByteView b) {
  u32(static_cast<uint32_t>(b.size()));
  raw(b);
}

Status ByteReader::need(size_t n) const {
  if (n > data_.size() - pos_) {
    return make_error(Errc::malformed, "state truncated at offset " + std::to_string(pos_) + " (needs " +
                                           std::to_string(n) + " more bytes)");
  }
  return {};
}

Result<uint8_t> ByteReader::u8() {
  PARITY_TRY(need(1));
  return data_[pos_++];
}

Result<uint32_t> ByteReader::u32() {
  PARITY_TRY(need(4));
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | data_[pos_++];
  return v;
}

Result<Key32> ByteReader::key() {
  PARITY_TRY(need(32));
  Key32 k{};
  std::copy_n(data_.begin() + static_cast<std::ptrdiff_t>(pos_), 32, k.begin());
  pos_ += 32;
  return k;
}

Result<Bytes> ByteReader::raw(size_t n) {
  PARITY_TRY(need(n));
  Bytes b(data_.begin() + static_cast<std::ptrdiff_t>(pos_), data_.begin() + static_cast<std::ptrdiff_t>(pos_ + n));
  pos_ += n;
  return b;
}

Result<Bytes> ByteReader::bytes(size_t max_size) {
  size_t at = pos_;
  PARITY_ASSIGN(uint32_t n, u32());
  if (n > max_size) {
    return make_error(Errc::malformed, "length " + std::to_string(n) + " at offset " + std::to_string(at) +
                                           " exceeds " + std::to_string(max_size));
  }
  return raw(n);
}

Result<std::string> ByteReader::str(size_t max_size) {
  PARITY_ASSIGN(Bytes b, bytes(max_size));
  return std::string(b.begin(), b.end());
}

Result<uint32_t> ByteReader::count(uint32_t max) {
  size_t at = pos_;
  PARITY_ASSIGN(uint32_t n, u32());
  if (n > max) {
    return make_error(Errc::malformed, "count " + std::to_string(n) + " at offset " + std::to_string(at) +
                                           " exceeds " + std::to_string(max));
  }
  return n;
}

Status ByteReader::finish() const {
  if (pos_ != data_.size()) {
    return make_error(Errc::malformed, std::to_string(data_.size() - pos_) + " trailing bytes at offset " +
                                           std::to_string(pos_));
  }
  return {};
}

}  // namespace parity
