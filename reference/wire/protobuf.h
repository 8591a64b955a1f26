// protobuf.h: the small subset of proto2 encoding the Signal wire format uses, with a
// strict reader: fields in ascending order, each at most once, minimal varints,
// known fields only, every length inside the input.
#pragma once

#include <cstdint>
#include <optional>

#include "base/bytes.h"

namespace parity::wire {

// ProtoWriter appends fields in the order they are written.
class ProtoWriter {
 public:
  void uint32_field(uint32_t field, uint32_t value);
  void bytes_field(uint32_t field, ByteView value);
  const Bytes& bytes() const { return out_; }
  Bytes take() { return std::move(out_); }

 private:
  void varint(uint64_t v);
  Bytes out_;
};

// ProtoField is one field read by ProtoReader.
struct ProtoField {
  uint32_t number = 0;
  uint32_t wire_type = 0;  // 0 varint, 2 length-delimited
  uint64_t varint = 0;
  ByteView bytes;
  size_t offset = 0;  // where the field's key starts
};

// ProtoReader reads fields one at a time and refuses anything a canonical encoder
// would not produce. `max_field` bounds the field numbers accepted.
class ProtoReader {
 public:
  ProtoReader(ByteView data, uint32_t max_field) : data_(data), max_field_(max_field) {}
  bool done() const { return pos_ == data_.size(); }
  // next reads the next field; fields must ascend strictly.
  Result<ProtoField> next();

 private:
  Result<uint64_t> varint();
  ByteView data_;
  size_t pos_ = 0;
  uint32_t max_field_;
  uint32_t last_field_ = 0;
};

// uint32_of checks that a varint field holds a 32-bit value.
Result<uint32_t> uint32_of(const ProtoField& f);
// bytes_of checks that a field is length-delimited.
Result<ByteView> bytes_of(const ProtoField& f);

}  // namespace parity::wire
