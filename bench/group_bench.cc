// group_bench.cc: Sender Keys (groups) through the reference (reference/group) and
// libsignal-protocol-c's group_session_builder / group_cipher, side by side.
//
// BM_GroupFanout_<Impl>: per iteration one 64-byte group message: the sender encrypts it
//   once (signed), and each of 8 members decodes the envelope and decrypts it.
// BM_GroupDistribution_<Impl>: per iteration a fresh sender key (a rotation) handed to 64
//   members: the sender makes the key and its SenderKeyDistributionMessage, and each
//   member decodes the serialised SKDM and files it in its record of the sender.
//   The pairwise Signal session encryption that carries the SKDM to each member in a real
//   client is left out on both sides alike (BM_OneWay measures it).
// BM_GroupXeddsaSign_<Impl> / BM_GroupXeddsaVerify_<Impl>: one XEdDSA signature of, and
//   one verification of, a fanout message's signed part. A fanout is one of the first
//   and eight of the second plus cheap symmetric steps, so their sum is the fanout's
//   floor: how far a faster group cipher alone can take the ratio.
//
// libsignal-protocol-c keeps its records in the stores' serialised form, so each of its
// operations loads (deserialises) and stores (serialises) the sender's record through
// the store callbacks below: that is how the library is used, and part of what it costs.
// The reference works on its records in memory. Each libsignal member is its own
// signal_context with the OpenSSL provider of targets/libsignal (the one BM_OneWay/libsignal
// uses) and its own sender key store. All randomness comes from a SeededRng.
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include <benchmark/benchmark.h>

#include "bench/bench.h"
#include "reference/crypto/random.h"
#include "reference/crypto/x25519.h"
#include "reference/crypto/xeddsa.h"
#include "reference/group/group_cipher.h"
#include "reference/group/group_labels.h"
#include "reference/group/group_session_builder.h"
#include "reference/group/sender_key_distribution_message.h"
#include "reference/group/sender_key_record.h"

#if PARITY_BENCH_LIBSIGNAL
#include <signal/curve.h>
#include <signal/group_cipher.h>
#include <signal/group_session_builder.h>
#include <signal/protocol.h>
#include <signal/signal_protocol.h>

#include "targets/libsignal/internal.h"
#endif

namespace parity::bench {
namespace {

constexpr size_t kFanoutMembers = 8;
constexpr size_t kDistributionMembers = 64;
constexpr size_t kGroupMessageSize = 64;

Key32 group_seed() {
  Key32 k{};
  k.fill(0x47);
  return k;
}

const Bytes& group_message() {
  static const Bytes m(kGroupMessageSize, 0x61);
  return m;
}

void fail(benchmark::State& state, const std::string& what) {
  state.SkipWithError(what.c_str());
}

void fail(benchmark::State& state, const Error& e) {
  fail(state, std::string(to_string(e.code)) + ": " + e.detail);
}

// --- the reference ----------------------------------------------------------------

void BM_GroupFanout_Reference(benchmark::State& state) {
  SeededRng rng(group_seed());
  auto key = group::create_sender_key(rng);
  if (!key) return fail(state, key.error());
  group::SenderKeyRecord own;
  own.set_state(*key);
  std::vector<group::SenderKeyRecord> members(kFanoutMembers);
  const group::SenderKeyDistributionMessage skdm = group::distribution_of(*own.newest());
  for (auto& m : members) group::process_distribution(m, skdm);

  for (auto _ : state) {
    auto envelope = group::group_encrypt(own, group_message(), rng);
    if (!envelope) return fail(state, envelope.error());
    for (auto& m : members) {
      auto plain = group::group_decrypt(m, *envelope);
      if (!plain) return fail(state, plain.error());
      benchmark::DoNotOptimize(plain->data());
    }
  }
  state.counters["members"] = static_cast<double>(kFanoutMembers);
}

void BM_GroupDistribution_Reference(benchmark::State& state) {
  SeededRng rng(group_seed());
  group::SenderKeyRecord own;
  std::vector<group::SenderKeyRecord> members(kDistributionMembers);

  for (auto _ : state) {
    auto key = group::create_sender_key(rng);
    if (!key) return fail(state, key.error());
    own.set_state(*key);
    const Bytes skdm = group::distribution_of(*own.newest()).serialize();
    for (auto& m : members) {
      auto decoded = group::decode_distribution_message(skdm);
      if (!decoded) return fail(state, decoded.error());
      if (group::process_distribution(m, *decoded) != group::DistributionOutcome::added) {
        return fail(state, "a fresh sender key was not added");
      }
    }
  }
  state.counters["members"] = static_cast<double>(kDistributionMembers);
}

// fanout_body is what BM_GroupFanout signs: the body of a 64-byte message.
Bytes fanout_body(Rng& rng) {
  auto key = group::create_sender_key(rng);
  group::SenderKeyRecord own;
  own.set_state(*key);
  auto envelope = group::group_encrypt(own, group_message(), rng);
  return Bytes(envelope->begin(), envelope->end() - static_cast<std::ptrdiff_t>(group::kSenderKeySignatureLength));
}

void BM_GroupXeddsaSign_Reference(benchmark::State& state) {
  SeededRng rng(group_seed());
  const Bytes body = fanout_body(rng);
  const Key32 priv = rng.key32();
  for (auto _ : state) {
    std::array<uint8_t, 64> random{};
    rng.fill(random);
    Signature64 sig = xeddsa_sign(priv, body, random);
    benchmark::DoNotOptimize(sig);
  }
}

void BM_GroupXeddsaVerify_Reference(benchmark::State& state) {
  SeededRng rng(group_seed());
  const Bytes body = fanout_body(rng);
  const KeyPair pair = key_pair_from_private(rng.key32());
  std::array<uint8_t, 64> random{};
  rng.fill(random);
  const Signature64 sig = xeddsa_sign(pair.private_key, body, random);
  for (auto _ : state) {
    if (!xeddsa_verify(pair.public_key, body, sig)) return fail(state, "the signature does not verify");
  }
}

BENCHMARK(BM_GroupFanout_Reference);
BENCHMARK(BM_GroupDistribution_Reference);
BENCHMARK(BM_GroupXeddsaSign_Reference);
BENCHMARK(BM_GroupXeddsaVerify_Reference);

#if PARITY_BENCH_LIBSIGNAL
// --- libsignal-protocol-c -----------------------------------------------------------

using libsignal::Ref;

// The one group and sender every benchmark uses.
constexpr char kGroupId[] = "bench-group@g.us";
constexpr char kSenderName[] = "sender";

signal_protocol_sender_key_name sender_key_name() {
  signal_protocol_sender_key_name n{};
  n.group_id = kGroupId;
  n.group_id_len = sizeof kGroupId - 1;
  n.sender.name = kSenderName;
  n.sender.name_len = sizeof kSenderName - 1;
  n.sender.device_id = 1;
  return n;
}

// LibsignalMember is one libsignal party: its context (the OpenSSL provider of
// targets/libsignal, drawing from `rng`), a store context with only a sender key store
// (all the group API touches), and the records that store holds.
struct LibsignalMember {
  std::unique_ptr<libsignal::Device::Impl> impl = std::make_unique<libsignal::Device::Impl>();
  std::map<std::string, Bytes> records;  // group '\0' sender '\0' device -> record

  static std::string key_of(const signal_protocol_sender_key_name* n) {
    std::string k(n->group_id, n->group_id_len);
    k.push_back('\0');
    k.append(n->sender.name, n->sender.name_len);
    k.push_back('\0');
    k.append(std::to_string(n->sender.device_id));
    return k;
  }

  static int store(const signal_protocol_sender_key_name* name, uint8_t* record, size_t record_len, uint8_t*, size_t,
                   void* user_data) {
    static_cast<LibsignalMember*>(user_data)->records[key_of(name)] = Bytes(record, record + record_len);
    return 0;
  }

  static int load(signal_buffer** record_, signal_buffer**, const signal_protocol_sender_key_name* name,
                  void* user_data) {
    auto& records = static_cast<LibsignalMember*>(user_data)->records;
    auto it = records.find(key_of(name));
    if (it == records.end()) return 0;
    *record_ = signal_buffer_create(it->second.data(), it->second.size());
    return *record_ == nullptr ? SG_ERR_NOMEM : 1;
  }

  // open sets the member up; the member must not move afterwards (the store points to it).
  int open(Rng& rng) {
    impl->rng = &rng;
    int rc = signal_context_create(&impl->ctx, impl.get());
    if (rc < 0) return rc;
    signal_crypto_provider provider = libsignal::make_crypto_provider(impl.get());
    rc = signal_context_set_crypto_provider(impl->ctx, &provider);
    if (rc >= 0) rc = signal_protocol_store_context_create(&impl->store_ctx, impl->ctx);
    if (rc < 0) return rc;
    signal_protocol_sender_key_store sender_keys{};
    sender_keys.store_sender_key = store;
    sender_keys.load_sender_key = load;
    sender_keys.user_data = this;
    return signal_protocol_store_context_set_sender_key_store(impl->store_ctx, &sender_keys);
  }
};

struct BuilderDeleter {
  void operator()(group_session_builder* b) const { group_session_builder_free(b); }
};
using Builder = std::unique_ptr<group_session_builder, BuilderDeleter>;
struct GroupCipherDeleter {
  void operator()(group_cipher* c) const { group_cipher_free(c); }
};
using GroupCipher = std::unique_ptr<group_cipher, GroupCipherDeleter>;

// open_members makes n members (held by pointer: their stores point to them).
int open_members(std::vector<std::unique_ptr<LibsignalMember>>& out_, size_t n, Rng& rng) {
  for (size_t i = 0; i < n; ++i) {
    out_.push_back(std::make_unique<LibsignalMember>());
    if (int rc = out_.back()->open(rng); rc < 0) return rc;
  }
  return 0;
}

Builder make_builder(LibsignalMember& m) {
  group_session_builder* b = nullptr;
  if (group_session_builder_create(&b, m.impl->store_ctx, m.impl->ctx) < 0) return nullptr;
  return Builder(b);
}

std::string lib_error(const char* what, int rc) {
  return std::string(what) + " failed: " + libsignal::error_name(rc);
}

void BM_GroupFanout_Libsignal(benchmark::State& state) {
  SeededRng rng(group_seed());
  const signal_protocol_sender_key_name name = sender_key_name();
  LibsignalMember sender;
  std::vector<std::unique_ptr<LibsignalMember>> members;
  if (int rc = sender.open(rng); rc < 0) return fail(state, lib_error("setting up the sender", rc));
  if (int rc = open_members(members, kFanoutMembers, rng); rc < 0) return fail(state, lib_error("setting up", rc));

  // The sender's key, filed by every member; one cipher per party, as a client keeps one.
  Builder sender_builder = make_builder(sender);
  if (!sender_builder) return fail(state, "group_session_builder_create failed");
  Ref<sender_key_distribution_message> skdm;
  if (int rc = group_session_builder_create_session(sender_builder.get(), skdm.slot(), &name); rc < 0) {
    return fail(state, lib_error("group_session_builder_create_session", rc));
  }
  GroupCipher sender_cipher;
  {
    group_cipher* c = nullptr;
    if (int rc = group_cipher_create(&c, sender.impl->store_ctx, &name, sender.impl->ctx); rc < 0) {
      return fail(state, lib_error("group_cipher_create", rc));
    }
    sender_cipher.reset(c);
  }
  std::vector<GroupCipher> ciphers;
  for (auto& m : members) {
    Builder b = make_builder(*m);
    if (!b) return fail(state, "group_session_builder_create failed");
    if (int rc = group_session_builder_process_session(b.get(), &name, skdm.get()); rc < 0) {
      return fail(state, lib_error("group_session_builder_process_session", rc));
    }
    group_cipher* c = nullptr;
    if (int rc = group_cipher_create(&c, m->impl->store_ctx, &name, m->impl->ctx); rc < 0) {
      return fail(state, lib_error("group_cipher_create", rc));
    }
    ciphers.emplace_back(c);
  }

  const Bytes& text = group_message();
  for (auto _ : state) {
    Ref<ciphertext_message> encrypted;
    if (int rc = group_cipher_encrypt(sender_cipher.get(), text.data(), text.size(), encrypted.slot()); rc < 0) {
      return fail(state, lib_error("group_cipher_encrypt", rc));
    }
    const signal_buffer* wire = ciphertext_message_get_serialized(encrypted.get());
    for (size_t i = 0; i < members.size(); ++i) {
      Ref<sender_key_message> received;
      int rc = sender_key_message_deserialize(received.slot(), signal_buffer_const_data(wire), signal_buffer_len(wire),
                                              members[i]->impl->ctx);
      if (rc < 0) return fail(state, lib_error("sender_key_message_deserialize", rc));
      libsignal::BufferSlot plain;
      rc = group_cipher_decrypt(ciphers[i].get(), received.get(), nullptr, plain.slot());
      if (rc < 0) return fail(state, lib_error("group_cipher_decrypt", rc));
      benchmark::DoNotOptimize(plain.get());
    }
  }
  state.counters["members"] = static_cast<double>(kFanoutMembers);
}

void BM_GroupDistribution_Libsignal(benchmark::State& state) {
  SeededRng rng(group_seed());
  const signal_protocol_sender_key_name name = sender_key_name();
  const std::string sender_record = LibsignalMember::key_of(&name);
  LibsignalMember sender;
  std::vector<std::unique_ptr<LibsignalMember>> members;
  if (int rc = sender.open(rng); rc < 0) return fail(state, lib_error("setting up the sender", rc));
  if (int rc = open_members(members, kDistributionMembers, rng); rc < 0) {
    return fail(state, lib_error("setting up", rc));
  }
  Builder sender_builder = make_builder(sender);
  if (!sender_builder) return fail(state, "group_session_builder_create failed");
  std::vector<Builder> builders;
  for (auto& m : members) {
    builders.push_back(make_builder(*m));
    if (!builders.back()) return fail(state, "group_session_builder_create failed");
  }

  for (auto _ : state) {
    // create_session makes a key only when the record is empty: forgetting the own
    // record is libsignal's rotation (a map erase, negligible beside the rest).
    sender.records.erase(sender_record);
    Ref<sender_key_distribution_message> skdm;
    if (int rc = group_session_builder_create_session(sender_builder.get(), skdm.slot(), &name); rc < 0) {
      return fail(state, lib_error("group_session_builder_create_session", rc));
    }
    const signal_buffer* wire = ciphertext_message_get_serialized(reinterpret_cast<ciphertext_message*>(skdm.get()));
    for (size_t i = 0; i < members.size(); ++i) {
      Ref<sender_key_distribution_message> received;
      int rc = sender_key_distribution_message_deserialize(received.slot(), signal_buffer_const_data(wire),
                                                           signal_buffer_len(wire), members[i]->impl->ctx);
      if (rc < 0) return fail(state, lib_error("sender_key_distribution_message_deserialize", rc));
      rc = group_session_builder_process_session(builders[i].get(), &name, received.get());
      if (rc < 0) return fail(state, lib_error("group_session_builder_process_session", rc));
    }
  }
  state.counters["members"] = static_cast<double>(kDistributionMembers);
}

// XeddsaParty is a libsignal context with one key pair, for the signature benchmarks.
struct XeddsaParty {
  LibsignalMember member;
  Ref<ec_key_pair> pair;
  Bytes body;
  int open(Rng& rng) {
    body = fanout_body(rng);
    if (int rc = member.open(rng); rc < 0) return rc;
    return curve_generate_key_pair(member.impl->ctx, pair.slot());
  }
};

void BM_GroupXeddsaSign_Libsignal(benchmark::State& state) {
  SeededRng rng(group_seed());
  XeddsaParty p;
  if (int rc = p.open(rng); rc < 0) return fail(state, lib_error("setting up", rc));
  for (auto _ : state) {
    libsignal::BufferSlot sig;
    int rc = curve_calculate_signature(p.member.impl->ctx, sig.slot(), ec_key_pair_get_private(p.pair.get()),
                                       p.body.data(), p.body.size());
    if (rc < 0) return fail(state, lib_error("curve_calculate_signature", rc));
    benchmark::DoNotOptimize(sig.get());
  }
}

void BM_GroupXeddsaVerify_Libsignal(benchmark::State& state) {
  SeededRng rng(group_seed());
  XeddsaParty p;
  if (int rc = p.open(rng); rc < 0) return fail(state, lib_error("setting up", rc));
  libsignal::BufferSlot sig;
  int rc = curve_calculate_signature(p.member.impl->ctx, sig.slot(), ec_key_pair_get_private(p.pair.get()),
                                     p.body.data(), p.body.size());
  if (rc < 0) return fail(state, lib_error("curve_calculate_signature", rc));
  const Bytes signature = sig.bytes();
  for (auto _ : state) {
    if (curve_verify_signature(ec_key_pair_get_public(p.pair.get()), p.body.data(), p.body.size(), signature.data(),
                               signature.size()) != 1) {
      return fail(state, "the signature does not verify");
    }
  }
}

BENCHMARK(BM_GroupFanout_Libsignal);
BENCHMARK(BM_GroupDistribution_Libsignal);
BENCHMARK(BM_GroupXeddsaSign_Libsignal);
BENCHMARK(BM_GroupXeddsaVerify_Libsignal);
#endif

}  // namespace

void print_group_ratios(const std::function<std::optional<double>(const std::string&)>& time_of, std::ostream& out) {
  // Goal (issue 13): the reference at most 0.5x libsignal-protocol-c's time.
  constexpr double kGoal = 0.5;
  bool any = false;
  for (const char* kind : {"GroupFanout", "GroupDistribution"}) {
    any = any || time_of(std::string("BM_") + kind + "_Reference").has_value();
  }
  if (!any) return;
  char line[256];
  out << "\nGroups (Sender Keys; real time per iteration; goal: reference/libsignal at most " << kGoal << ")\n";
  std::snprintf(line, sizeof line, "  %-34s %12s %12s %9s %-8s\n", "kind", "reference", "libsignal", "ref/lsig",
                "status");
  out << line;
  auto format = [](std::optional<double> ns) {
    char buf[32];
    if (!ns) return std::string("n/a");
    std::snprintf(buf, sizeof buf, "%.2f us", *ns / 1e3);
    return std::string(buf);
  };
  auto row = [&](const std::string& label, std::optional<double> ref, std::optional<double> lsig, bool goal) {
    std::optional<double> r;
    if (ref && lsig && *lsig > 0) r = *ref / *lsig;
    char ratio[32] = "n/a";
    if (r) std::snprintf(ratio, sizeof ratio, "%.3f", *r);
    const char* status = !goal ? "" : !r ? "unknown" : *r <= kGoal ? "met" : "NOT MET";
    std::snprintf(line, sizeof line, "  %-34s %12s %12s %9s %-8s\n", label.c_str(), format(ref).c_str(),
                  format(lsig).c_str(), ratio, status);
    out << line;
  };
  auto both = [&](const std::string& kind) {
    return std::pair{time_of("BM_" + kind + "_Reference"), time_of("BM_" + kind + "_Libsignal")};
  };
  const auto [fanout_ref, fanout_lsig] = both("GroupFanout");
  const auto [dist_ref, dist_lsig] = both("GroupDistribution");
  const auto [sign_ref, sign_lsig] = both("GroupXeddsaSign");
  const auto [verify_ref, verify_lsig] = both("GroupXeddsaVerify");
  row("GroupFanout (1 enc, " + std::to_string(kFanoutMembers) + " dec)", fanout_ref, fanout_lsig, true);
  row("GroupDistribution (" + std::to_string(kDistributionMembers) + " members)", dist_ref, dist_lsig, true);
  row("XEdDSA sign", sign_ref, sign_lsig, false);
  row("XEdDSA verify", verify_ref, verify_lsig, false);
  // The fanout's floor: its signature work alone (1 sign, 8 verifications).
  auto floor = [&](std::optional<double> sign, std::optional<double> verify) -> std::optional<double> {
    if (!sign || !verify) return std::nullopt;
    return *sign + static_cast<double>(kFanoutMembers) * *verify;
  };
  row("fanout floor (1 sign + " + std::to_string(kFanoutMembers) + " verify)", floor(sign_ref, verify_ref),
      floor(sign_lsig, verify_lsig), false);
  out.flush();
}

}  // namespace parity::bench
