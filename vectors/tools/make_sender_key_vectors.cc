// make_sender_key_vectors: writes vectors/signal/sender_keys.json, the KAT-3 known answers
// (Sender Keys' chain step), from libsignal-protocol-c 2.3.3's own functions, not from the
// reference: run it twice and the files are identical.
//
//   parity-make-sender-key-vectors [OUT]     (default OUT: stdout)
//
// Inputs are fixed: chain keys SHA-256("parity/sender_key/chain/<name>"), the all-zero and
// all-0xff keys, and a walk of 2001 steps from the first (every step of iterations 0..4,
// then 99, 1000 and 2000, the skip bound of group_cipher.c). Each step is
// parity::libsignal::sender_key_step: sender_chain_key_create, sender_chain_key_create_
// message_key, sender_message_key_get_seed / get_iv / get_cipher_key and
// sender_chain_key_create_next. Invalid cases take a valid one and flip the last bit of one
// output (next_chain, seed, iv, cipher_key): an implementation must not match them.
#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "reference/crypto/hash.h"
#include "targets/libsignal/libsignal_device.h"

namespace {

using parity::Bytes;
using parity::Key32;
using parity::to_hex;
using parity::libsignal::SenderKeyStep;
using Json = nlohmann::ordered_json;

Key32 key_for(const std::string& name) {
  std::string label = "parity/sender_key/chain/" + name;
  return parity::sha256(parity::view(label));
}

SenderKeyStep must_step(const Key32& chain) {
  auto s = parity::libsignal::sender_key_step(chain);
  if (!s.ok()) {
    std::cerr << "make_sender_key_vectors: " << s.error().detail << "\n";
    std::exit(1);
  }
  return *s;
}

struct Writer {
  int64_t next_id = 1;
  Json test(const std::string& comment, std::vector<std::string> flags, const char* result, const Key32& chain,
            const SenderKeyStep& s) {
    Json t;
    t["tcId"] = next_id++;
    t["comment"] = comment;
    t["flags"] = std::move(flags);
    t["chain"] = to_hex(chain);
    t["next_chain"] = to_hex(s.chain);
    t["seed"] = to_hex(s.seed);
    t["iv"] = to_hex(s.iv);
    t["cipher_key"] = to_hex(s.cipher_key);
    t["result"] = result;
    return t;
  }
};

template <class A>
void flip_last_bit(A& a) {
  a.back() ^= 0x01;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 2 || (argc == 2 && (std::string(argv[1]) == "-h" || std::string(argv[1]) == "--help"))) {
    std::cerr
        << "usage: parity-make-sender-key-vectors [OUT]   (writes vectors/signal/sender_keys.json; default stdout)\n";
    return 2;
  }
  Writer w;
  Json valid = Json::array();

  // A walk: the step at iteration i starts from the chain key at i.
  Key32 start = key_for("walk");
  Key32 chain = start;
  const std::vector<int> kept = {0, 1, 2, 3, 4, 99, 1000, 2000};
  for (int i = 0; i <= 2000; ++i) {
    SenderKeyStep s = must_step(chain);
    if (std::find(kept.begin(), kept.end(), i) != kept.end()) {
      valid.push_back(w.test("chain SHA-256(\"parity/sender_key/chain/walk\") at iteration " + std::to_string(i),
                             {"Libsignal"}, "valid", chain, s));
    }
    chain = s.chain;
  }
  for (const char* name : {"a", "b", "c"}) {
    Key32 k = key_for(name);
    valid.push_back(w.test(std::string("chain SHA-256(\"parity/sender_key/chain/") + name + "\")", {"Libsignal"},
                           "valid", k, must_step(k)));
  }
  Key32 zero{};
  valid.push_back(w.test("all-zero chain key", {"Libsignal", "EdgeCase"}, "valid", zero, must_step(zero)));
  Key32 ones;
  ones.fill(0xff);
  valid.push_back(w.test("all-0xff chain key", {"Libsignal", "EdgeCase"}, "valid", ones, must_step(ones)));

  Json invalid = Json::array();
  const SenderKeyStep base = must_step(start);
  struct Alter {
    const char* field;
    void (*apply)(SenderKeyStep&);
  };
  const Alter alters[] = {
      {"next_chain", [](SenderKeyStep& s) { flip_last_bit(s.chain); }},
      {"seed", [](SenderKeyStep& s) { flip_last_bit(s.seed); }},
      {"iv", [](SenderKeyStep& s) { flip_last_bit(s.iv); }},
      {"cipher_key", [](SenderKeyStep& s) { flip_last_bit(s.cipher_key); }},
  };
  for (const Alter& a : alters) {
    SenderKeyStep s = base;
    a.apply(s);
    invalid.push_back(
        w.test(std::string("walk iteration 0 with the last bit of ") + a.field + " flipped: must not match",
               {"ModifiedOutput", "Constructed"}, "invalid", start, s));
  }

  Json doc;
  doc["algorithm"] = "Sender Keys chain step (libsignal-protocol-c group cipher)";
  doc["source"] =
      "computed by vectors/tools/make_sender_key_vectors.cc with libsignal-protocol-c 2.3.3's own sender_key.c "
      "functions (sender_chain_key_create_message_key, sender_chain_key_create_next, sender_message_key_get_iv, "
      "sender_message_key_get_cipher_key)";
  doc["schema"] = "sender_key_step";
  doc["notes"] =
      "PTP primitive sender_key_step {chain} -> {chain, seed, iv, cipher_key}: `next_chain` is the response's chain "
      "(HMAC-SHA256(chain, 0x02)), `seed` the message key seed (HMAC-SHA256(chain, 0x01)), and iv || cipher_key "
      "HKDF-SHA256(seed, 32 zero bytes, \"WhisperGroup\", 48). An 'invalid' test gives one output with its last bit "
      "flipped: it must not match.";
  doc["testGroups"] =
      Json::array({Json{{"version", 3},
                        {"source", "libsignal-protocol-c 2.3.3 (Debian libsignal-protocol-c2.3.2 2.3.3-3)"},
                        {"tests", std::move(valid)}},
                   Json{{"version", 3},
                        {"source", "constructed from tcId 1 by vectors/tools/make_sender_key_vectors.cc"},
                        {"tests", std::move(invalid)}}});
  std::string text = doc.dump(2) + "\n";
  if (argc == 2) {
    std::ofstream out(argv[1], std::ios::binary);
    out << text;
    if (!out) {
      std::cerr << "parity-make-sender-key-vectors: cannot write " << argv[1] << "\n";
      return 1;
    }
  } else {
    std::cout << text;
  }
  return 0;
}
