// make_corpus.cc: writes the seed corpora of the fuzz targets: genuine messages, bundles
// and device states from the reference (seeded, so the output is the same every run),
// plus a few hand-made malformed inputs near the decoders' edges.
//
// Usage: parity-make-corpus [FUZZ_DIR]   (default: ./fuzz). Replaces the files in each
// FUZZ_DIR/<target>/corpus/; regressions/ is never touched.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "fuzz/group_fixture.h"
#include "fuzz/member_fixture.h"
#include "fuzz/session_fixture.h"
#include "reference/group/group_labels.h"
#include "reference/group/sender_key_distribution_message.h"
#include "reference/group/sender_key_message.h"
#include "reference/wire/protobuf.h"
#include "reference/wire/public_key.h"
#include "reference/wire/signal_message.h"

namespace {

namespace fs = std::filesystem;
using parity::Bytes;
using parity::ByteView;

// CorpusFile is one named input of one target's corpus.
struct CorpusFile {
  std::string name;
  Bytes data;
};

// write_corpus replaces the corpus directory's files with `files`; false on an I/O error.
bool write_corpus(const fs::path& root, const std::string& target, const std::vector<CorpusFile>& files) {
  const fs::path dir = root / target / "corpus";
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    std::fprintf(stderr, "make-corpus: cannot create %s: %s\n", dir.c_str(), ec.message().c_str());
    return false;
  }
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_regular_file()) fs::remove(entry.path(), ec);
  }
  for (const auto& f : files) {
    std::ofstream out(dir / f.name, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(f.data.data()), static_cast<std::streamsize>(f.data.size()));
    if (!out) {
      std::fprintf(stderr, "make-corpus: cannot write %s\n", (dir / f.name).c_str());
      return false;
    }
  }
  std::printf("make-corpus: %zu files in %s\n", files.size(), dir.c_str());
  return true;
}

// with_version prefixes a protobuf body with the 0x33 version byte.
Bytes with_version(const Bytes& body, uint8_t version = parity::signal::kVersionByte) {
  Bytes out{version};
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

Bytes key_bytes(const parity::Key32& k) {
  auto s = parity::wire::serialize_key(k);
  return Bytes(s.begin(), s.end());
}

Bytes eight_byte_mac() {
  return Bytes(parity::signal::kMacLength, 0xee);
}

// signal_message_corpus is genuine SignalMessages and malformed variants of one.
std::vector<CorpusFile> signal_message_corpus(const std::vector<parity::wire::SignalMessage>& genuine) {
  std::vector<CorpusFile> files;
  for (size_t i = 0; i < genuine.size(); ++i) {
    files.push_back({"genuine_" + std::to_string(i), genuine[i].serialize()});
  }
  const parity::wire::SignalMessage& m = genuine.front();
  Bytes good = m.serialize();

  Bytes bad_version = good;
  bad_version[0] = 0x32;
  files.push_back({"bad_version", bad_version});
  files.push_back({"too_short", Bytes{parity::signal::kVersionByte}});
  files.push_back({"truncated", Bytes(good.begin(), good.begin() + static_cast<long>(good.size() / 2))});
  parity::wire::SignalMessage no_previous = m;
  no_previous.previous_counter.reset();
  files.push_back({"no_previous_counter", no_previous.serialize()});

  {  // counter before ratchet key
    parity::wire::ProtoWriter w;
    w.uint32_field(2, m.counter);
    w.bytes_field(1, key_bytes(m.ratchet_key));
    w.bytes_field(4, m.ciphertext);
    Bytes b = with_version(w.take());
    Bytes mac = eight_byte_mac();
    b.insert(b.end(), mac.begin(), mac.end());
    files.push_back({"fields_out_of_order", b});
  }
  {  // counter twice
    parity::wire::ProtoWriter w;
    w.bytes_field(1, key_bytes(m.ratchet_key));
    w.uint32_field(2, 1);
    w.uint32_field(2, 2);
    w.bytes_field(4, m.ciphertext);
    Bytes b = with_version(w.take());
    Bytes mac = eight_byte_mac();
    b.insert(b.end(), mac.begin(), mac.end());
    files.push_back({"repeated_field", b});
  }
  {  // unknown field 5 after the ciphertext
    parity::wire::ProtoWriter w;
    w.bytes_field(1, key_bytes(m.ratchet_key));
    w.uint32_field(2, m.counter);
    w.bytes_field(4, m.ciphertext);
    w.uint32_field(5, 7);
    Bytes b = with_version(w.take());
    Bytes mac = eight_byte_mac();
    b.insert(b.end(), mac.begin(), mac.end());
    files.push_back({"unknown_field", b});
  }
  {  // counter 1 written as the two-byte varint 81 00
    Bytes b{parity::signal::kVersionByte, 0x0a, 0x21};
    Bytes k = key_bytes(m.ratchet_key);
    b.insert(b.end(), k.begin(), k.end());
    for (uint8_t x : {0x10, 0x81, 0x00, 0x22, 0x01, 0x00}) b.push_back(x);
    Bytes mac = eight_byte_mac();
    b.insert(b.end(), mac.begin(), mac.end());
    files.push_back({"non_minimal_varint", b});
  }
  {  // counter 2^32
    parity::wire::ProtoWriter w;
    w.bytes_field(1, key_bytes(m.ratchet_key));
    Bytes b = with_version(w.take());
    for (uint8_t x : {0x10, 0x80, 0x80, 0x80, 0x80, 0x10, 0x22, 0x01, 0x00}) b.push_back(x);
    Bytes mac = eight_byte_mac();
    b.insert(b.end(), mac.begin(), mac.end());
    files.push_back({"counter_over_32_bits", b});
  }
  {  // key type 0x06 instead of 0x05
    Bytes b = good;
    b[3] = 0x06;
    files.push_back({"wrong_key_type", b});
  }
  {  // length running past the end
    Bytes b{parity::signal::kVersionByte, 0x0a, 0x7f, 0x05};
    Bytes mac = eight_byte_mac();
    b.insert(b.end(), mac.begin(), mac.end());
    files.push_back({"length_past_end", b});
  }
  return files;
}

// prekey_message_corpus is genuine PreKeySignalMessages and malformed variants of one.
std::vector<CorpusFile> prekey_message_corpus(const std::vector<parity::wire::PreKeySignalMessage>& genuine) {
  std::vector<CorpusFile> files;
  for (size_t i = 0; i < genuine.size(); ++i) {
    files.push_back({"genuine_" + std::to_string(i), genuine[i].serialize()});
  }
  const parity::wire::PreKeySignalMessage& m = genuine.front();
  Bytes good = m.serialize();

  parity::wire::PreKeySignalMessage no_prekey = m;
  no_prekey.prekey_id.reset();
  files.push_back({"no_onetime_prekey", no_prekey.serialize()});
  parity::wire::PreKeySignalMessage no_registration = m;
  no_registration.registration_id.reset();
  files.push_back({"no_registration_id", no_registration.serialize()});

  Bytes bad_version = good;
  bad_version[0] = 0x23;
  files.push_back({"bad_version", bad_version});
  files.push_back({"truncated", Bytes(good.begin(), good.begin() + static_cast<long>(good.size() - 3))});
  files.push_back({"version_only", Bytes{parity::signal::kVersionByte}});
  {  // the embedded SignalMessage with a wrong version byte
    parity::wire::PreKeySignalMessage inner_bad = m;
    inner_bad.message_bytes[0] = 0x22;
    files.push_back({"inner_bad_version", inner_bad.serialize()});
  }
  {  // no signed prekey id
    parity::wire::ProtoWriter w;
    if (m.prekey_id) w.uint32_field(1, *m.prekey_id);
    w.bytes_field(2, key_bytes(m.base_key));
    w.bytes_field(3, key_bytes(m.identity_key));
    w.bytes_field(4, m.message_bytes);
    files.push_back({"missing_signed_prekey_id", with_version(w.take())});
  }
  {  // identity key before base key
    parity::wire::ProtoWriter w;
    w.bytes_field(3, key_bytes(m.identity_key));
    w.bytes_field(2, key_bytes(m.base_key));
    w.bytes_field(4, m.message_bytes);
    w.uint32_field(6, m.signed_prekey_id);
    files.push_back({"fields_out_of_order", with_version(w.take())});
  }
  {  // unknown field 7
    Bytes b = good;
    b.push_back(0x38);
    b.push_back(0x01);
    files.push_back({"unknown_field", b});
  }
  return files;
}

// bundle_corpus is genuine bundles and malformed variants of one.
std::vector<CorpusFile> bundle_corpus(const std::vector<Bytes>& genuine) {
  std::vector<CorpusFile> files;
  for (size_t i = 0; i < genuine.size(); ++i) files.push_back({"genuine_" + std::to_string(i), genuine[i]});
  auto b = parity::fuzz::must(parity::wire::decode_bundle(genuine.front()), "decode bundle");

  {  // a prekey id without a prekey
    parity::wire::Bundle x = b;
    x.prekey_public.reset();
    files.push_back({"prekey_id_without_prekey", x.serialize()});
  }
  {  // 63-byte signature
    parity::wire::ProtoWriter w;
    w.uint32_field(1, b.registration_id);
    w.uint32_field(2, b.device_id);
    w.uint32_field(5, b.signed_prekey_id);
    w.bytes_field(6, key_bytes(b.signed_prekey_public));
    w.bytes_field(7, ByteView(b.signed_prekey_signature).first(63));
    w.bytes_field(8, key_bytes(b.identity_key));
    files.push_back({"short_signature", w.take()});
  }
  {  // no identity key
    parity::wire::ProtoWriter w;
    w.uint32_field(1, b.registration_id);
    w.uint32_field(2, b.device_id);
    w.uint32_field(5, b.signed_prekey_id);
    w.bytes_field(6, key_bytes(b.signed_prekey_public));
    w.bytes_field(7, b.signed_prekey_signature);
    files.push_back({"missing_identity", w.take()});
  }
  {  // unknown field 9
    Bytes x = genuine.front();
    x.push_back(0x48);
    x.push_back(0x01);
    files.push_back({"unknown_field", x});
  }
  {  // device id before registration id
    parity::wire::ProtoWriter w;
    w.uint32_field(2, b.device_id);
    w.uint32_field(1, b.registration_id);
    files.push_back({"fields_out_of_order", w.take()});
  }
  return files;
}

// session_corpus is what bob may be handed: alice's undelivered messages (they decrypt),
// delivered ones (replays), and forgeries built from them.
std::vector<CorpusFile> session_corpus(const parity::fuzz::SessionFixture& fx) {
  std::vector<CorpusFile> files;
  for (size_t i = 0; i < fx.undelivered.size(); ++i) {
    files.push_back({"undelivered_" + std::to_string(i), fx.undelivered[i].bytes});
  }
  for (size_t i = 0; i < fx.delivered.size(); ++i) {
    files.push_back({"replay_" + std::to_string(i), fx.delivered[i].bytes});
  }
  // Forgeries start from an undelivered SignalMessage of an existing chain.
  for (const auto& c : fx.undelivered) {
    if (c.kind != parity::signal::MessageKind::message) continue;
    auto m = parity::fuzz::must(parity::wire::decode_signal_message(c.bytes), "decode message");
    Bytes flipped = c.bytes;
    flipped.back() ^= 0x01;
    files.push_back({"bad_mac", flipped});
    for (uint32_t counter : {m.counter + 1999, m.counter + 2001, 0xffffffffU}) {
      parity::wire::SignalMessage forged = m;
      forged.counter = counter;
      files.push_back({"forged_counter_" + std::to_string(counter), forged.serialize()});
    }
    break;
  }
  return files;
}

// --- Sender Keys (reference/group) ---

Bytes group_signature() {
  return Bytes(parity::group::kSenderKeySignatureLength, 0x5a);
}

// sender_key_message_corpus is genuine SenderKeyMessages and malformed variants of one.
std::vector<CorpusFile> sender_key_message_corpus(const parity::fuzz::GroupFixture& fx) {
  std::vector<CorpusFile> files;
  std::vector<Bytes> genuine = fx.delivered;
  genuine.insert(genuine.end(), fx.undelivered.begin(), fx.undelivered.end());
  for (size_t i = 0; i < genuine.size(); ++i) files.push_back({"genuine_" + std::to_string(i), genuine[i]});
  const Bytes& good = genuine.front();
  const auto m = parity::fuzz::must(parity::group::decode_sender_key_message(good), "decode sender key message");
  // signed_body builds 0x33 || protobuf || signature from hand-written protobuf bytes.
  auto signed_body = [](const Bytes& proto) {
    Bytes b = with_version(proto, parity::group::kSenderKeyVersionByte);
    Bytes sig = group_signature();
    b.insert(b.end(), sig.begin(), sig.end());
    return b;
  };

  Bytes bad_version = good;
  bad_version[0] = 0x32;
  files.push_back({"bad_version", bad_version});
  files.push_back({"signature_only", signed_body({})});
  files.push_back({"truncated", Bytes(good.begin(), good.end() - 1)});
  {
    Bytes b = good;
    b.push_back(0x00);
    files.push_back({"trailing_byte", b});
  }
  {  // a 15-byte ciphertext
    parity::wire::ProtoWriter w;
    w.uint32_field(1, m.key_id);
    w.uint32_field(2, m.iteration);
    w.bytes_field(3, Bytes(15, 0x11));
    files.push_back({"ciphertext_not_block", signed_body(w.take())});
  }
  {  // an empty ciphertext
    parity::wire::ProtoWriter w;
    w.uint32_field(1, m.key_id);
    w.uint32_field(2, m.iteration);
    w.bytes_field(3, Bytes{});
    files.push_back({"ciphertext_empty", signed_body(w.take())});
  }
  {  // no iteration
    parity::wire::ProtoWriter w;
    w.uint32_field(1, m.key_id);
    w.bytes_field(3, m.ciphertext);
    files.push_back({"missing_iteration", signed_body(w.take())});
  }
  {  // iteration before id
    parity::wire::ProtoWriter w;
    w.uint32_field(2, m.iteration);
    w.uint32_field(1, m.key_id);
    w.bytes_field(3, m.ciphertext);
    files.push_back({"fields_out_of_order", signed_body(w.take())});
  }
  {  // id twice
    parity::wire::ProtoWriter w;
    w.uint32_field(1, m.key_id);
    w.uint32_field(1, m.key_id);
    w.uint32_field(2, m.iteration);
    w.bytes_field(3, m.ciphertext);
    files.push_back({"repeated_field", signed_body(w.take())});
  }
  {  // field 4 after the ciphertext
    parity::wire::ProtoWriter w;
    w.uint32_field(1, m.key_id);
    w.uint32_field(2, m.iteration);
    w.bytes_field(3, m.ciphertext);
    w.uint32_field(4, 1);
    files.push_back({"unknown_field", signed_body(w.take())});
  }
  {  // iteration 1 as the two-byte varint 81 00
    parity::wire::ProtoWriter w;
    w.uint32_field(1, m.key_id);
    Bytes proto = w.take();
    for (uint8_t x : {0x10, 0x81, 0x00}) proto.push_back(x);
    parity::wire::ProtoWriter rest;
    rest.bytes_field(3, m.ciphertext);
    proto.insert(proto.end(), rest.bytes().begin(), rest.bytes().end());
    files.push_back({"non_minimal_varint", signed_body(proto)});
  }
  {  // iteration 2^32
    parity::wire::ProtoWriter w;
    w.uint32_field(1, m.key_id);
    Bytes proto = w.take();
    for (uint8_t x : {0x10, 0x80, 0x80, 0x80, 0x80, 0x10}) proto.push_back(x);
    parity::wire::ProtoWriter rest;
    rest.bytes_field(3, m.ciphertext);
    proto.insert(proto.end(), rest.bytes().begin(), rest.bytes().end());
    files.push_back({"iteration_over_32_bits", signed_body(proto)});
  }
  {  // the ciphertext as a varint (wire type 0)
    parity::wire::ProtoWriter w;
    w.uint32_field(1, m.key_id);
    w.uint32_field(2, m.iteration);
    w.uint32_field(3, 16);
    files.push_back({"ciphertext_wrong_wire_type", signed_body(w.take())});
  }
  return files;
}

// distribution_corpus is genuine SKDMs and WhatsApp wrappers, and malformed variants.
std::vector<CorpusFile> distribution_corpus(const parity::fuzz::GroupFixture& fx) {
  std::vector<CorpusFile> files;
  for (size_t i = 0; i < fx.skdms.size(); ++i) {
    files.push_back({"genuine_skdm_" + std::to_string(i), fx.skdms[i].serialize()});
    files.push_back({"genuine_wrapper_" + std::to_string(i), fx.wrappers[i]});
  }
  const parity::group::SenderKeyDistributionMessage& m = fx.skdms.front();
  const Bytes good = m.serialize();
  auto skdm = [](const Bytes& proto) { return with_version(proto, parity::group::kSenderKeyVersionByte); };
  auto wrapper = [](ByteView group_id, ByteView distribution) {
    parity::wire::ProtoWriter w;
    w.bytes_field(1, group_id);
    w.bytes_field(2, distribution);
    return w.take();
  };

  Bytes bad_version = good;
  bad_version[0] = 0x23;
  files.push_back({"skdm_bad_version", bad_version});
  files.push_back({"skdm_version_only", Bytes{parity::group::kSenderKeyVersionByte}});
  {
    Bytes b = good;
    b.push_back(0x00);
    files.push_back({"skdm_trailing_byte", b});
  }
  {  // a 31-byte chain key
    parity::wire::ProtoWriter w;
    w.uint32_field(1, m.key_id);
    w.uint32_field(2, m.iteration);
    w.bytes_field(3, ByteView(m.chain_key).first(31));
    w.bytes_field(4, key_bytes(m.signing_key));
    files.push_back({"skdm_short_chain_key", skdm(w.take())});
  }
  {  // the signing key without its 0x05 type byte
    parity::wire::ProtoWriter w;
    w.uint32_field(1, m.key_id);
    w.uint32_field(2, m.iteration);
    w.bytes_field(3, m.chain_key);
    w.bytes_field(4, m.signing_key);
    files.push_back({"skdm_raw_signing_key", skdm(w.take())});
  }
  {  // key type 0x06
    Bytes k = key_bytes(m.signing_key);
    k[0] = 0x06;
    parity::wire::ProtoWriter w;
    w.uint32_field(1, m.key_id);
    w.uint32_field(2, m.iteration);
    w.bytes_field(3, m.chain_key);
    w.bytes_field(4, k);
    files.push_back({"skdm_wrong_key_type", skdm(w.take())});
  }
  {  // no signing key
    parity::wire::ProtoWriter w;
    w.uint32_field(1, m.key_id);
    w.uint32_field(2, m.iteration);
    w.bytes_field(3, m.chain_key);
    files.push_back({"skdm_missing_signing_key", skdm(w.take())});
  }
  {  // chain key before iteration
    parity::wire::ProtoWriter w;
    w.uint32_field(1, m.key_id);
    w.bytes_field(3, m.chain_key);
    w.uint32_field(2, m.iteration);
    w.bytes_field(4, key_bytes(m.signing_key));
    files.push_back({"skdm_fields_out_of_order", skdm(w.take())});
  }
  {  // field 5 after the signing key
    Bytes b = good;
    b.push_back(0x28);
    b.push_back(0x01);
    files.push_back({"skdm_unknown_field", b});
  }
  const std::string group_id = parity::fuzz::kFixtureGroup;
  const ByteView group = parity::view(group_id);
  files.push_back({"wrapper_empty_group", wrapper({}, good)});
  files.push_back({"wrapper_bad_inner", wrapper(group, bad_version)});
  files.push_back({"wrapper_no_distribution", [&] {
                     parity::wire::ProtoWriter w;
                     w.bytes_field(1, group);
                     return w.take();
                   }()});
  {  // distribution before group id
    parity::wire::ProtoWriter w;
    w.bytes_field(2, good);
    w.bytes_field(1, group);
    files.push_back({"wrapper_fields_out_of_order", w.take()});
  }
  {  // field 3 after the distribution
    Bytes b = wrapper(group, good);
    b.push_back(0x18);
    b.push_back(0x01);
    files.push_back({"wrapper_unknown_field", b});
  }
  return files;
}

// group_receive_corpus is what the receiver may be handed: undelivered envelopes (they
// decrypt), delivered ones (replays), and forgeries; the forgeries with re-encoded
// fields keep the old signature, so only the signature-off attempt reads past it.
std::vector<CorpusFile> group_receive_corpus(const parity::fuzz::GroupFixture& fx) {
  std::vector<CorpusFile> files;
  for (size_t i = 0; i < fx.undelivered.size(); ++i)
    files.push_back({"undelivered_" + std::to_string(i), fx.undelivered[i]});
  for (size_t i = 0; i < fx.delivered.size(); ++i) files.push_back({"replay_" + std::to_string(i), fx.delivered[i]});
  const Bytes& base = fx.undelivered.back();
  const auto m = parity::fuzz::must(parity::group::decode_sender_key_message(base), "decode sender key message");
  {
    Bytes b = base;
    b.back() ^= 0x01;
    files.push_back({"bad_signature", b});
  }
  {  // a flipped last ciphertext byte: bad padding behind a forward step
    parity::group::SenderKeyMessage x = m;
    x.ciphertext.back() ^= 0x01;
    files.push_back({"bad_padding", x.serialize()});
  }
  for (uint32_t iteration : {m.iteration + 1999, m.iteration + 2001, 0xfffffffeU, 0xffffffffU}) {
    parity::group::SenderKeyMessage x = m;
    x.iteration = iteration;
    files.push_back({"forged_iteration_" + std::to_string(iteration), x.serialize()});
  }
  {
    parity::group::SenderKeyMessage x = m;
    x.key_id ^= 0x1;
    files.push_back({"unknown_key_id", x.serialize()});
  }
  {  // the first key's id, at an iteration behind its chain with no kept key
    parity::group::SenderKeyMessage x = m;
    x.key_id = fx.skdms.front().key_id;
    x.iteration = 0;
    files.push_back({"behind_the_chain", x.serialize()});
  }
  return files;
}

// group_member_corpus is what bob may be handed as a group delivery: the genuine ones he
// has not seen (they are read), those he has (replays), and forgeries of them.
std::vector<CorpusFile> group_member_corpus(const parity::fuzz::MemberFixture& fx) {
  std::vector<CorpusFile> files;
  auto kind = [](const parity::group::Delivery& d) {
    return d.kind == parity::group::DeliveryKind::control ? std::string("control") : std::string("application");
  };
  for (size_t i = 0; i < fx.undelivered.size(); ++i) {
    const auto& s = fx.undelivered[i];
    files.push_back({"undelivered_" + std::to_string(i) + "_" + s.from + "_" + kind(s.delivery), s.delivery.envelope});
  }
  for (size_t i = 0; i < fx.delivered.size(); ++i) {
    const auto& s = fx.delivered[i];
    files.push_back({"replay_" + std::to_string(i) + "_" + s.from + "_" + kind(s.delivery), s.delivery.envelope});
  }
  for (const auto& s : fx.undelivered) {
    if (s.delivery.kind != parity::group::DeliveryKind::control) continue;
    Bytes swapped = s.delivery.envelope;
    swapped[0] =
        swapped[0] == parity::group::kControlPrekey ? parity::group::kControlMessage : parity::group::kControlPrekey;
    files.push_back({"control_kind_swapped", swapped});
    files.push_back({"control_truncated", Bytes(s.delivery.envelope.begin(), s.delivery.envelope.end() - 1)});
    files.push_back({"control_kind_only", Bytes{s.delivery.envelope[0]}});
    break;
  }
  for (const auto& s : fx.undelivered) {
    if (s.delivery.kind != parity::group::DeliveryKind::application) continue;
    Bytes b = s.delivery.envelope;
    b.back() ^= 0x01;
    files.push_back({"application_bad_signature", b});
    break;
  }
  files.push_back({"unknown_first_byte", Bytes{0x00, 0x33}});
  return files;
}

}  // namespace

int main(int argc, char** argv) {
  const fs::path root = argc > 1 ? fs::path(argv[1]) : fs::path("fuzz");
  const parity::fuzz::SessionFixture fx = parity::fuzz::make_session_fixture();

  std::vector<parity::wire::SignalMessage> messages;
  std::vector<parity::wire::PreKeySignalMessage> prekeys;
  for (const auto* list : {&fx.delivered, &fx.undelivered}) {
    for (const auto& c : *list) {
      if (c.kind == parity::signal::MessageKind::message) {
        messages.push_back(parity::fuzz::must(parity::wire::decode_signal_message(c.bytes), "decode message"));
      } else {
        prekeys.push_back(parity::fuzz::must(parity::wire::decode_prekey_message(c.bytes), "decode prekey"));
        messages.push_back(prekeys.back().message);
      }
    }
  }
  if (messages.empty() || prekeys.empty() || fx.bundles.empty()) {
    std::fprintf(stderr, "make-corpus: the fixture produced no messages\n");
    return 1;
  }

  parity::SeededRng rng(parity::fuzz::fixture_seed());
  const parity::signal::Device fresh = parity::signal::Device::create(rng);

  std::vector<CorpusFile> states;
  states.push_back({"bob", fx.bob_state});
  states.push_back({"alice", fx.alice_state});
  states.push_back({"fresh", fresh.serialize()});

  bool ok = write_corpus(root, "signal_message_decode", signal_message_corpus(messages)) &&
            write_corpus(root, "prekey_message_decode", prekey_message_corpus(prekeys)) &&
            write_corpus(root, "bundle_decode", bundle_corpus(fx.bundles)) &&
            write_corpus(root, "session_decrypt", session_corpus(fx)) &&
            write_corpus(root, "device_deserialize", states);
  const parity::fuzz::GroupFixture group_fx = parity::fuzz::make_group_fixture();
  ok = ok && write_corpus(root, "sender_key_message_decode", sender_key_message_corpus(group_fx)) &&
       write_corpus(root, "sender_key_distribution_message_decode", distribution_corpus(group_fx)) &&
       write_corpus(root, "group_receive", group_receive_corpus(group_fx)) &&
       write_corpus(root, "group_member_receive", group_member_corpus(parity::fuzz::make_member_fixture()));
  return ok ? 0 : 1;
}
