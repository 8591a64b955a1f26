#include "reference/wire/bundle.h"

#include <algorithm>
#include <string>

#include "reference/wire/protobuf.h"
#include "reference/wire/public_key.h"

namespace parity::wire {

Bytes Bundle::serialize() const {
  ProtoWriter w;
  w.uint32_field(1, registration_id);
  w.uint32_field(2, device_id);
  if (prekey_id) w.uint32_field(3, *prekey_id);
  if (prekey_public) w.bytes_field(4, serialize_key(*prekey_public));
  w.uint32_field(5, signed_prekey_id);
  w.bytes_field(6, serialize_key(signed_prekey_public));
  w.bytes_field(7, signed_prekey_signature);
  w.bytes_field(8, serialize_key(identity_key));
  return w.take();
}

namespace {

// walk_bundle reads every field and hands it to `on_field`.
template <class F>
Status walk_bundle(ByteView data, F&& on_field) {
  if (data.size() > 4096) return make_error(Errc::limit_exceeded, "bundle larger than 4096 bytes");
  ProtoReader r(data, 8);
  while (!r.done()) {
    PARITY_ASSIGN(ProtoField f, r.next());
    PARITY_TRY(on_field(f));
  }
  return {};
}

std::string at(const ProtoField& f) { return " (field " + std::to_string(f.number) + " at offset " + std::to_string(f.offset) + ")"; }

}  // namespace

Result<Bundle> decode_bundle(ByteView data) {
  Bundle b;
  uint32_t seen = 0;
  Status st = walk_bundle(data, [&](const ProtoField& f) -> Status {
    seen |= 1u << f.number;
    switch (f.number) {
      case 1: { PARITY_ASSIGN(b.registration_id, uint32_of(f)); return {}; }
      case 2: { PARITY_ASSIGN(b.device_id, uint32_of(f)); return {}; }
      case 3: { PARITY_ASSIGN(uint32_t id, uint32_of(f)); b.prekey_id = id; return {}; }
      case 5: { PARITY_ASSIGN(b.signed_prekey_id, uint32_of(f)); return {}; }
      case 7: {
        PARITY_ASSIGN(ByteView s, bytes_of(f));
        if (s.size() != 64) return make_error(Errc::malformed, "signature of " + std::to_string(s.size()) + " bytes" + at(f));
        std::copy(s.begin(), s.end(), b.signed_prekey_signature.begin());
        return {};
      }
      default: {  // 4, 6, 8: public keys
        PARITY_ASSIGN(ByteView s, bytes_of(f));
        auto k = parse_key(s);
        if (!k) return make_error(Errc::malformed, k.error().detail + at(f));
        if (f.number == 4) b.prekey_public = *k;
        if (f.number == 6) b.signed_prekey_public = *k;
        if (f.number == 8) b.identity_key = *k;
        return {};
      }
    }
  });
  if (!st) return st.error();
  const uint32_t required = (1u << 1) | (1u << 2) | (1u << 5) | (1u << 6) | (1u << 7) | (1u << 8);
  if ((seen & required) != required) return make_error(Errc::malformed, "bundle lacks a required field");
  if (b.prekey_id.has_value() != b.prekey_public.has_value()) {
    return make_error(Errc::malformed, "bundle has a prekey id without a prekey or the reverse");
  }
  return b;
}

Result<BundleLayout> bundle_layout(ByteView data) {
  BundleLayout layout{};
  Status st = walk_bundle(data, [&](const ProtoField& f) -> Status {
    if (f.wire_type != 2) return {};
    size_t start = static_cast<size_t>(f.bytes.data() - data.data());
    std::pair<size_t, size_t> range{start, start + f.bytes.size()};
    if (f.number == 6) layout.signed_prekey = range;
    if (f.number == 7) layout.signature = range;
    if (f.number == 8) layout.identity = range;
    return {};
  });
  if (!st) return st.error();
  return layout;
}

}  // namespace parity::wire
