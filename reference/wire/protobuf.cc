#include "reference/wire/protobuf.h"

#include <string>

namespace parity::wire {

void ProtoWriter::varint(uint64_t v) {
  while (v >= 0x80) {
    out_.push_back(static_cast<uint8_t>(v | 0x80));
    v >>= 7;
  }
  out_.push_back(static_cast<uint8_t>(v));
}

void ProtoWriter::uint32_field(uint32_t field, uint32_t value) {
  varint(static_cast<uint64_t>(field) << 3);
  varint(value);
}

void ProtoWriter::bytes_field(uint32_t field, ByteView value) {
  varint((static_cast<uint64_t>(field) << 3) | 2);
  varint(value.size());
  out_.insert(out_.end(), value.begin(), value.end());
}

Result<uint64_t> ProtoReader::varint() {
  uint64_t v = 0;
  size_t start = pos_;
  // Every varint of the Signal wire format is a uint32 or a length: a canonical encoder
  // writes at most 5 bytes, and a longer one could spell the same value twice.
  for (int shift = 0; shift < 35; shift += 7) {
    if (pos_ >= data_.size()) {
      return make_error(Errc::malformed, "truncated varint at offset " + std::to_string(start));
    }
    uint8_t b = data_[pos_++];
    v |= static_cast<uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) {
      // A canonical encoder never ends a varint of more than one byte with a zero byte.
      if (b == 0 && pos_ - start > 1) {
        return make_error(Errc::malformed, "non-minimal varint at offset " + std::to_string(start));
      }
      return v;
    }
  }
  return make_error(Errc::malformed, "varint longer than 5 bytes at offset " + std::to_string(start));
}

Result<ProtoField> ProtoReader::next() {
  ProtoField f;
  f.offset = pos_;
  PARITY_ASSIGN(uint64_t key, varint());
  uint64_t number = key >> 3;
  f.wire_type = static_cast<uint32_t>(key & 7);
  if (number == 0 || number > max_field_) {
    return make_error(Errc::malformed, "unknown field " + std::to_string(number) + " at offset " + std::to_string(f.offset));
  }
  f.number = static_cast<uint32_t>(number);
  if (f.number <= last_field_) {
    return make_error(Errc::malformed, "field " + std::to_string(number) + " out of order or repeated at offset " + std::to_string(f.offset));
  }
  last_field_ = f.number;
  if (f.wire_type == 0) {
    PARITY_ASSIGN(f.varint, varint());
  } else if (f.wire_type == 2) {
    PARITY_ASSIGN(uint64_t len, varint());
    if (len > data_.size() - pos_) {
      return make_error(Errc::malformed, "field " + std::to_string(number) + " runs past the end at offset " + std::to_string(f.offset));
    }
    f.bytes = data_.subspan(pos_, static_cast<size_t>(len));
    pos_ += static_cast<size_t>(len);
  } else {
    return make_error(Errc::malformed, "unsupported wire type " + std::to_string(f.wire_type) + " at offset " + std::to_string(f.offset));
  }
  return f;
}

Result<uint32_t> uint32_of(const ProtoField& f) {
  if (f.wire_type != 0) return make_error(Errc::malformed, "field " + std::to_string(f.number) + " is not a varint");
  if (f.varint > 0xffffffffULL) return make_error(Errc::malformed, "field " + std::to_string(f.number) + " exceeds 32 bits");
  return static_cast<uint32_t>(f.varint);
}

Result<ByteView> bytes_of(const ProtoField& f) {
  if (f.wire_type != 2) return make_error(Errc::malformed, "field " + std::to_string(f.number) + " is not length-delimited");
  return f.bytes;
}

}  // namespace parity::wire
