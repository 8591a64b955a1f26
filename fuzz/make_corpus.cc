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

#include "fuzz/session_fixture.h"
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
  return ok ? 0 : 1;
}
