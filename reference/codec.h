// codec.h: a small, bounded binary codec for exported state (big-endian integers,
// length-prefixed byte strings). The reader refuses truncation, oversize lengths and
// trailing bytes, and says at which offset.
#pragma once

#include <cstdint>
#include <string>

#include "base/bytes.h"

namespace parity {

// ByteWriter appends values.
class ByteWriter {
 public:
  void u8(uint8_t v) { out_.push_back(v); }
  void u32(uint32_t v);
  void key(const Key32& k) { out_.insert(out_.end(), k.begin(), k.end()); }
  void raw(ByteView b) { out_.insert(out_.end(), b.begin(), b.end()); }
  void bytes(ByteView b);
  void str(const std::string& s) { bytes(view(s)); }
  Bytes take() { return std::move(out_); }

 private:
  Bytes out_;
};

// ByteReader reads what ByteWriter wrote.
class ByteReader {
 public:
  explicit ByteReader(ByteView data) : data_(data) {}
  Result<uint8_t> u8();
  Result<uint32_t> u32();
  Result<Key32> key();
  Result<Bytes> raw(size_t n);
  Result<Bytes> bytes(size_t max_size);
  Result<std::string> str(size_t max_size);
  // count reads a u32 element count and refuses more than `max`.
  Result<uint32_t> count(uint32_t max);
  size_t offset() const { return pos_; }
  Status finish() const;

 private:
  Status need(size_t n) const;
  ByteView data_;
  size_t pos_ = 0;
};

}  // namespace parity
