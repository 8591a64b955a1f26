#include "suites/key/key.h"

#include <algorithm>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include "reference/crypto/aes.h"
#include "reference/crypto/xeddsa.h"
#include "reference/keys/root_key.h"
#include "reference/wire/bundle.h"
#include "reference/wire/public_key.h"
#include "reference/wire/signal_message.h"
#include "reference/x3dh.h"
#include "suites/common/check_spec.h"
#include "suites/common/conversation.h"
#include "suites/common/steps.h"

namespace parity::suites {

namespace {

using harness::Verdict;

// ---------------------------------------------------------------------------------
// KEY-1: public keys never repeat.
// ---------------------------------------------------------------------------------

// kKeysPerUnit: KEY-1 starts sessions of fresh parties ("units"): two parties, a bundle
// and a first message, 6 key generations in profile signal (2 identities, signed and
// one-time prekey, base and ratchet key). By default it starts enough units for 10,000
// generations; --cases sets the number of units.
constexpr int kKeysPerUnit = 6;

// Seen remembers where each key was observed, to name both places of a repeat.
class Seen {
 public:
  // add returns where `key` was seen before, if it was.
  std::optional<std::string> add(const std::string& kind, ByteView key, const std::string& where) {
    std::string k(key.begin(), key.end());
    auto [it, fresh] = where_.try_emplace(kind + ":" + k, where);
    ++count_;
    if (fresh) return std::nullopt;
    return it->second;
  }
  size_t count() const { return count_; }

 private:
  std::unordered_map<std::string, std::string> where_;
  size_t count_ = 0;
};

struct FreshSide {
  std::optional<CheckOutcome> stop;
  bool parsed = false;          // keys read from the signal-v3 formats, one by one
  int per_unit = kKeysPerUnit;  // key generations a unit surely shows
  size_t keys = 0;              // public keys (or whole artefacts) compared
  size_t units = 0;
  std::optional<std::string> repeat;  // what repeated, where
};

FreshSide freshness(Target& t, bool signal, int units) {
  FreshSide side;
  side.parsed = signal;
  Seen seen;
  std::vector<Bytes> messages;                // equivalent profile: first messages, for the window scan
  std::unordered_set<std::string> published;  // equivalent profile: 32-byte windows of identities and bundles
  auto windows_of = [](ByteView b, auto&& each) {
    for (size_t i = 0; i + 32 <= b.size(); ++i)
      each(std::string(b.begin() + static_cast<std::ptrdiff_t>(i), b.begin() + static_cast<std::ptrdiff_t>(i + 32)));
  };
  auto repeat = [&](const std::string& what, const std::string& first, const std::string& second, ByteView key) {
    side.repeat = what + " " + short_hex(key, 33) + " came from " + first + " and again from " + second;
  };
  for (int u = 0; u < units && !side.repeat; ++u) {
    const std::string ini = "k" + std::to_string(u) + "i";
    const std::string res = "k" + std::to_string(u) + "r";
    auto ia = t.create(ini);
    if (!ia.ok()) return side.stop = outcome_of(ia, "create " + ini), side;
    auto ib = t.create(res);
    if (!ib.ok()) return side.stop = outcome_of(ib, "create " + res), side;
    auto bundle = t.bundle(res);
    if (!bundle.ok()) return side.stop = outcome_of(bundle, "bundle of " + res), side;
    if (auto s = t.initiate(ini, res, bundle->bundle); !s.ok())
      return side.stop = outcome_of(s, "initiate " + ini + " → " + res), side;
    auto first = t.encrypt(ini, res, to_bytes("KEY-1"));
    if (!first.ok()) return side.stop = outcome_of(first, "encrypt " + ini + " → " + res), side;
    side.units = static_cast<size_t>(u + 1);
    for (const auto& [name, id] : {std::pair{ini, *ia}, std::pair{res, *ib}}) {
      if (auto w = seen.add("identity", id, "create " + name))
        return repeat("identity", *w, "create " + name, id), side;
    }
    if (auto w = seen.add("bundle", bundle->bundle, "bundle of " + res)) {
      return repeat("a whole bundle", *w, "bundle of " + res, bundle->bundle), side;
    }
    if (auto w = seen.add("first message", first->ciphertext, "first message " + ini + " → " + res)) {
      return repeat("a whole first message", *w, "first message " + ini + " → " + res, first->ciphertext), side;
    }
    if (signal) {
      auto b = wire::decode_bundle(bundle->bundle);
      if (!b)
        return side.stop = CheckOutcome::fail("a bundle is not the PTP signal-v3 bundle: " + b.error().detail), side;
      auto pk = wire::decode_prekey_message(first->ciphertext);
      if (first->kind != harness::MessageKind::prekey || !pk) {
        return side.stop = CheckOutcome::fail("a first message is not a PreKeySignalMessage"), side;
      }
      // One key namespace: a signed prekey equal to another party's one-time prekey or
      // base key is as much a repeat as two equal base keys.
      const std::pair<const char*, Key32> keys[] = {{"signed prekey", b->signed_prekey_public},
                                                    {"one-time prekey", b->prekey_public.value_or(Key32{})},
                                                    {"base key", pk->base_key},
                                                    {"ratchet key", pk->message.ratchet_key}};
      for (const auto& [kind, key] : keys) {
        if (std::string(kind) == "one-time prekey" && !b->prekey_public) continue;
        const std::string where =
            std::string(kind) + " of " + (std::string(kind).find("prekey") != std::string::npos ? res : ini);
        if (auto w = seen.add("x25519", key, where)) return repeat("public key", *w, where, key), side;
      }
      // The identity in the bundle and the message are those create returned: the
      // X25519 namespace holds them too.
      if (auto w = seen.add("x25519", b->identity_key, "identity of " + res))
        return repeat("public key", *w, "identity of " + res, b->identity_key), side;
      if (auto w = seen.add("x25519", pk->identity_key, "identity of " + ini))
        return repeat("public key", *w, "identity of " + ini, pk->identity_key), side;
    } else {
      for (const Bytes* p : {&*ia, &*ib, &bundle->bundle})
        windows_of(*p, [&](std::string w) { published.insert(std::move(w)); });
      messages.push_back(first->ciphertext);
    }
  }
  if (!signal && !side.repeat) {
    // Every unit's parties are fresh, so a 32-byte run that two units' first messages
    // share, and no identity or bundle contains, is key material that repeated.
    std::unordered_map<std::string, size_t> owner;
    for (size_t u = 0; u < messages.size() && !side.repeat; ++u) {
      windows_of(messages[u], [&](std::string w) {
        if (side.repeat || published.count(w)) return;
        auto [it, fresh] = owner.try_emplace(w, u);
        if (!fresh && it->second != u) {
          side.repeat = "the 32-byte run " + to_hex(view(w)) + " appears in the first messages of unit " +
                        std::to_string(it->second) + " and unit " + std::to_string(u) +
                        " (fresh parties, no identity or bundle contains it)";
        }
      });
    }
  }
  side.keys = seen.count();
  return side;
}

FreshSide play_fresh(Run& r) {
  // Without the signal formats a unit shows fewer keys for sure (2 identities and a
  // bundle): more units make the same 10,000 generations. The run's profile sets the
  // count on both sides, so the baseline plays as many units as the target.
  const int per_unit = r.ctx.profile == harness::Profile::signal ? kKeysPerUnit : 3;
  const int units = r.ctx.options.cases > 0 ? r.ctx.options.cases : (10000 + per_unit - 1) / per_unit;
  FreshSide side = freshness(r.target, r.signal(), units);
  side.per_unit = per_unit;
  return side;
}

CheckOutcome judge_fresh(FreshSide& mine, FreshSide* theirs) {
  FreshSide& base = *theirs;
  CheckOutcome o;
  const size_t generations = mine.units * static_cast<size_t>(mine.per_unit);
  o.figures.push_back({"sessions started (fresh parties)", double(mine.units), double(base.units), "sessions"});
  o.figures.push_back({"keys and artefacts compared", double(mine.keys), double(base.keys), "items"});
  o.figures.push_back({"repeats", mine.repeat ? 1.0 : 0.0, base.repeat ? 1.0 : 0.0, "repeats"});
  if (mine.parsed) {
    o.observations.push_back(
        "profile signal: identities from create, signed and one-time prekeys from the signal-v3 bundles, "
        "base and first ratchet keys from the PreKeySignalMessages, all in one X25519 namespace");
  } else {
    o.observations.push_back(
        "profile equivalent: identities and whole bundles compared; base and ratchet keys are not "
        "parsed (unknown format), so first messages are scanned for any 32-byte run two sessions of "
        "fresh parties share that no identity or bundle contains");
  }
  if (mine.stop) {
    CheckOutcome s = std::move(*mine.stop);
    s.figures = o.figures;
    return s;
  }
  if (mine.repeat) {
    o.verdict = Verdict::fail;
    o.summary = "a public key repeated after " + std::to_string(mine.units) + " sessions: broken randomness";
    o.counterexample = *mine.repeat;
    return o;
  }
  o.summary = "no public key repeated over " + std::to_string(generations) + " key generations (" +
              std::to_string(mine.units) + " sessions of fresh parties)";
  if (generations < 10000) {
    o.summary += "; fewer than the 10,000 the requirement names: run with --cases " +
                 std::to_string((10000 + mine.per_unit - 1) / mine.per_unit) + " or more for the full count";
  }
  return o;
}

// ---------------------------------------------------------------------------------
// KEY-2: small-order and non-canonical public keys.
// ---------------------------------------------------------------------------------

Key32 key_hex(const char* hex) {
  return *from_hex32(hex);
}

// small_order_points are the X25519 u-coordinates of small order, canonical and not
// (libsodium's blocklist): X25519 of any clamped scalar with them is all zero.
std::vector<std::pair<std::string, Key32>> small_order_points() {
  return {
      {"u=0", Key32{}},
      {"u=1", key_hex("0100000000000000000000000000000000000000000000000000000000000000")},
      {"order 8 (a)", key_hex("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800")},
      {"order 8 (b)", key_hex("5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157")},
      {"u=p-1", key_hex("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")},
      {"u=p (non-canonical 0)", key_hex("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")},
      {"u=p+1 (non-canonical 1)", key_hex("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")},
  };
}

struct Probe {
  std::string what;
  bool accepted = false;
  bool predictable = false;
  std::string code;
  bool whole = false;  // layout probes: every key the layout names is small-order (a signature forged)
};

struct SmallSide {
  std::optional<CheckOutcome> stop;
  std::vector<Probe> probes;
  std::string note;
  bool layout = false;  // the probes were planted through the bundle's layout (profile equivalent)
  int accepted() const {
    return static_cast<int>(std::count_if(probes.begin(), probes.end(), [](const Probe& p) { return p.accepted; }));
  }
  int predictable() const {
    return static_cast<int>(std::count_if(probes.begin(), probes.end(), [](const Probe& p) { return p.predictable; }));
  }
};

// zero_dh_decrypts tells whether `first` (a PreKeySignalMessage) decrypts under the
// keys X3DH and the first root step give when every DH output is zero: then anyone,
// not only the bundle's owner, reads the session.
bool zero_dh_decrypts(const harness::CiphertextResult& first, bool with_onetime, const Bytes& plaintext) {
  auto pk = wire::decode_prekey_message(first.ciphertext);
  if (!pk) return false;
  Bytes secret(32, 0xff);
  secret.resize(32 + 32 * (with_onetime ? 4 : 3), 0);
  signal::RootStep derived = signal::derive_initial_keys(secret);
  signal::RootStep sending = derived.root.kdf(Key32{});
  signal::ChainKey ck = sending.chain;
  while (ck.index < pk->message.counter) ck = ck.next();
  signal::MessageKeys mk = ck.message_keys();
  auto pt = aes256_cbc_decrypt(mk.cipher_key, mk.iv, pk->message.ciphertext);
  return pt.ok() && *pt == plaintext;
}

SmallSide small_order(Target& t, Rng& rng) {
  SmallSide side;
  auto id = t.create("alice");
  if (!id.ok()) return side.stop = outcome_of(id, "create alice"), side;
  const auto points = small_order_points();
  const Bytes probe_text = to_bytes("KEY-2 probe");
  int n = 0;
  // try_bundle hands a bundle to initiate and, when accepted, checks whether alice's
  // first message is readable from all-zero DH outputs.
  auto try_bundle = [&](const std::string& what, const wire::Bundle& b) -> bool {
    const std::string peer = "evil" + std::to_string(n++);
    Probe p{what, false, false, ""};
    auto r = t.initiate("alice", peer, b.serialize());
    if (r.violated()) return side.stop = CheckOutcome::error(r.violation()), false;
    if (r.refused()) {
      p.code = std::string(ptp::to_string(r.refusal().code));
    } else {
      p.accepted = true;
      auto c = t.encrypt("alice", peer, probe_text);
      if (c.violated()) return side.stop = CheckOutcome::error(c.violation()), false;
      if (c.ok())
        p.predictable = zero_dh_decrypts(*c, b.prekey_public.has_value(), probe_text);
      else
        p.code = "encrypt " + std::string(ptp::to_string(c.refusal().code));
    }
    side.probes.push_back(p);
    return true;
  };
  // 1. Everything small-order: identity u=0 (Edwards (0,-1), order 2). Its XEdDSA
  //    "signature" R = neutral point, s = 0 verifies under a verifier that admits
  //    small-order keys whenever h is even, which depends on the signed prekey, so
  //    several prekeys are tried. Accepted, every DH is zero: the session key is
  //    public.
  Signature64 forged{};
  forged[0] = 0x01;
  for (const auto& [name, point] : points) {
    wire::Bundle b;
    b.registration_id = 4242;
    b.prekey_id = static_cast<uint32_t>(100 + n);
    b.prekey_public = point;
    b.signed_prekey_id = static_cast<uint32_t>(200 + n);
    b.signed_prekey_public = point;
    b.signed_prekey_signature = forged;
    b.identity_key = Key32{};
    if (!try_bundle("identity u=0 with a forged signature, signed and one-time prekey " + name, b)) return side;
  }
  // 2. An honest identity the suite holds signs a small-order or non-canonical signed
  //    prekey: the signature is valid. Accepted, DH2 (base key × identity) still
  //    hides the session from everyone but the identity's owner, so this is reported,
  //    not judged.
  KeyPair identity = generate_key_pair(rng);
  std::vector<std::pair<std::string, Key32>> signed_points = points;
  signed_points.push_back({"u=p+9 (non-canonical base point)",
                           key_hex("f6ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")});
  for (const auto& [name, point] : signed_points) {
    wire::Bundle b;
    b.registration_id = 4243;
    b.prekey_id = static_cast<uint32_t>(100 + n);
    b.prekey_public = point;
    b.signed_prekey_id = static_cast<uint32_t>(200 + n);
    b.signed_prekey_public = point;
    std::array<uint8_t, 64> z{};
    rng.fill(z);
    b.signed_prekey_signature = xeddsa_sign(identity.private_key, wire::serialize_key(point), z);
    b.identity_key = identity.public_key;
    if (!try_bundle("honest identity, validly signed prekey and one-time prekey " + name, b)) return side;
  }
  // 3. A message header whose ratchet key is replaced by a small-order point, MAC of
  //    the genuine message: refused by the MAC, and the session must be unchanged.
  Conversation c(t, "carol", "dave");
  if (auto e = c.establish(); !e.ok()) return side.stop = outcome_of(e, "establishing a session"), side;
  auto m = c.send(0);
  if (!m.ok()) return side.stop = outcome_of(m, "encrypting"), side;
  auto sm = wire::decode_signal_message(m->c.ciphertext);
  if (!sm) return side.stop = CheckOutcome::fail("a message is not a SignalMessage: " + sm.error().detail), side;
  for (const auto& [name, point] : points) {
    wire::SignalMessage f = *sm;
    f.ratchet_key = point;
    auto p = t.decrypt("dave", "carol", f.serialize(), harness::MessageKind::message);
    if (p.violated()) return side.stop = CheckOutcome::error(p.violation()), side;
    Probe pr{"message header with ratchet key " + name + " (genuine MAC of the original header)", p.ok(), p.ok(), ""};
    if (p.refused()) pr.code = std::string(ptp::to_string(p.refusal().code));
    side.probes.push_back(pr);
  }
  // A refusal must leave the session as it was (MSG-4's requirement, not this one's):
  // noted, not judged here.
  auto g = c.deliver(*m);
  if (g.violated()) return side.stop = CheckOutcome::error(g.violation()), side;
  if (!g.ok())
    side.note = "the genuine message after the forged headers was refused (" + g.refusal().detail +
                "): a refused header changed the session (MSG-4)";
  return side;
}

// key_ranges are the ranges of a layout that hold a public key: 32 bytes, or 33 with a
// type byte first (the `signature` range is not one).
std::vector<harness::LayoutRange> key_ranges(const harness::BundleLayout& layout) {
  std::vector<harness::LayoutRange> out;
  for (const harness::LayoutRange& r : layout.ranges) {
    const size_t n = r.end - r.start;
    if (r.name != "signature" && (n == 32 || n == 33)) out.push_back(r);
  }
  return out;
}

// plant writes `point` into a key range, after its type byte when it has one.
void plant(Bytes& bundle, const harness::LayoutRange& r, const Key32& point) {
  std::copy(point.begin(), point.end(), bundle.begin() + static_cast<std::ptrdiff_t>(r.end - 32));
}

// small_order_in_layout is KEY-2 for a bundle format the suite does not know (profile
// equivalent): the bundle's `layout` says where its keys are, so the small-order points go
// there, into a genuine bundle of the target. The suite cannot sign for the target's
// identities, so a probe that replaces every named key also replaces a 64-byte
// `signature` with the forgery that verifies under a small-order identity in XEdDSA and
// Ed25519 (R = the neutral point, s = 0) whenever the hash is a multiple of the order.
// Headers are the target's own format: not probed.
SmallSide small_order_in_layout(Target& t) {
  SmallSide side;
  if (auto id = t.create("alice"); !id.ok()) return side.stop = outcome_of(id, "create alice"), side;
  if (auto id = t.create("bob"); !id.ok()) return side.stop = outcome_of(id, "create bob"), side;
  auto not_applicable = [&](std::string why) {
    CheckOutcome o;
    o.verdict = Verdict::not_applicable;
    o.untested_area = "bundle `layout` (key ranges to plant keys in)";
    o.summary = std::move(why);
    side.stop = std::move(o);
    return side;
  };
  int n = 0;
  for (const auto& [name, point] : small_order_points()) {
    // One probe with every named key replaced, then one per key range on its own.
    auto first = t.bundle("bob");
    if (!first.ok()) return side.stop = outcome_of(first, "bundle of bob"), side;
    if (!first->layout) {
      return not_applicable(
          "planting small-order keys in a bundle of a format other than signal-v3 needs the bundle's `layout` (the "
          "byte ranges of its keys), which the target does not give");
    }
    const std::vector<harness::LayoutRange> keys = key_ranges(*first->layout);
    if (keys.empty()) {
      return not_applicable("the bundle's `layout` (" + first->layout->to_json() +
                            ") names no key range of 32 bytes, or 33 with a type byte: nowhere to plant a key");
    }
    for (size_t k = 0; k <= keys.size(); ++k) {
      auto b = k == 0 ? std::move(first) : t.bundle("bob");
      if (!b.ok()) return side.stop = outcome_of(b, "bundle of bob"), side;
      // Each bundle's own layout: its ranges may move with the lengths of its fields.
      const std::vector<harness::LayoutRange> here =
          b->layout ? key_ranges(*b->layout) : std::vector<harness::LayoutRange>{};
      if (here.size() != keys.size()) {
        return side.stop = CheckOutcome::fail(
                   "the key ranges of the bundles' `layout` differ from one bundle to the "
                   "next: the suite cannot say where the keys are"),
               side;
      }
      Bytes bytes = b->bundle;
      Probe p;
      if (k == 0) {
        for (const harness::LayoutRange& r : here) plant(bytes, r, point);
        if (const harness::LayoutRange* s = b->layout ? b->layout->find("signature") : nullptr;
            s != nullptr && s->end - s->start == 64) {
          std::fill(bytes.begin() + static_cast<std::ptrdiff_t>(s->start),
                    bytes.begin() + static_cast<std::ptrdiff_t>(s->end), 0);
          bytes[s->start] = 0x01;
        }
        // Only when the layout names nothing but these keys and a signature can the suite
        // say no key it does not know of is left honest.
        p.whole = b->layout->ranges.size() == here.size() + (b->layout->find("signature") != nullptr ? 1u : 0u);
        p.what = "every key range " + name + (p.whole ? ", signature forged" : "");
      } else {
        plant(bytes, here[k - 1], point);
        p.what = "range " + here[k - 1].name + " " + name + " (signature as given)";
      }
      const std::string peer = "evil" + std::to_string(n++);
      auto r = t.initiate("alice", peer, bytes);
      if (r.violated()) return side.stop = CheckOutcome::error(r.violation()), side;
      if (r.refused()) {
        p.code = std::string(ptp::to_string(r.refusal().code));
      } else {
        p.accepted = true;
        auto c = t.encrypt("alice", peer, to_bytes("KEY-2 probe"));
        if (c.violated()) return side.stop = CheckOutcome::error(c.violation()), side;
        // Every DH against these keys is a constant: with no other key named, nothing secret is left.
        if (c.ok()) p.predictable = p.whole;
        if (!c.ok()) p.code = "encrypt " + std::string(ptp::to_string(c.refusal().code));
      }
      side.probes.push_back(p);
    }
  }
  side.layout = true;
  side.note =
      "profile equivalent: small-order points planted in the key ranges the bundle's `layout` names; message headers "
      "are the target's own format and are not probed";
  return side;
}

SmallSide play_small(Run& r) {
  // Under equivalent both sides play the layout probes, so their figures compare.
  if (r.ctx.profile == harness::Profile::signal) return small_order(r.target, r.rng);
  return small_order_in_layout(r.target);
}

CheckOutcome judge_small(SmallSide& mine, SmallSide* theirs) {
  SmallSide& base = *theirs;
  if (mine.stop) return std::move(*mine.stop);
  CheckOutcome o;
  for (size_t i = 0; i < mine.probes.size(); ++i) {
    const Probe& p = mine.probes[i];
    std::string line = p.what + ": " + (p.accepted ? "accepted" : "refused (" + p.code + ")");
    if (p.predictable) line += ", SESSION KEY PREDICTABLE (first message read with all-zero DH outputs)";
    if (i < base.probes.size()) line += "; baseline " + std::string(base.probes[i].accepted ? "accepted" : "refused");
    o.observations.push_back(line);
  }
  o.observations.push_back(
      mine.layout ? "rule: a probe fails when the target accepts and encrypts to a bundle whose every key the layout "
                    "names is small-order and whose layout names nothing else but a signature; accepting a single "
                    "planted key is shown, not judged (the suite cannot tell what else the session key rests on)"
                  : "rule: a probe passes when it is refused, or when the target's first message from the accepted "
                    "bundle cannot be read with every X3DH and ratchet DH output set to zero; a forged header is "
                    "refused by its MAC in any case, which shows the MAC is checked, not that small-order keys are");
  if (!mine.note.empty()) o.observations.push_back(mine.note);
  o.figures.push_back(
      {"small-order/non-canonical probes accepted", double(mine.accepted()), double(base.accepted()), "probes"});
  o.figures.push_back({"predictable sessions", double(mine.predictable()), double(base.predictable()), "sessions"});
  if (mine.predictable() > 0) {
    o.verdict = Verdict::fail;
    for (const Probe& p : mine.probes) {
      if (p.predictable) {
        if (p.whole) {
          o.summary = "accepted a bundle with " + p.what +
                      " and encrypted to it: every DH against its keys is a constant, and the layout names no "
                      "other key, so nothing secret is left in the session key";
          o.counterexample =
              "take a bundle of the target; write the point into every key range of its layout and "
              "R=01 00..00, s=0 into its signature; initiate; encrypt";
          break;
        }
        o.summary =
            "accepted " + p.what + ", and its first message decrypts with all-zero DH outputs: anyone can read it";
        o.counterexample = "build a bundle: identity 05||00..00, signature R=01 00..00, s=0; " + p.what +
                           "; initiate; encrypt: the message key comes from HKDF(0xFF*32 || 0*32*4) and one root step "
                           "with a zero DH";
        break;
      }
    }
    return o;
  }
  o.summary = std::to_string(mine.accepted()) + " of " + std::to_string(mine.probes.size()) +
              " small-order or non-canonical probes accepted (baseline " + std::to_string(base.accepted()) +
              (mine.layout ? "), none with every key the layout names" : "), none made the session key predictable");
  return o;
}

// ---------------------------------------------------------------------------------
// KEY-3: plaintexts in exports.
// ---------------------------------------------------------------------------------

std::string base64(ByteView b) {
  static const char* k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i + 2 < b.size(); i += 3) {
    const uint32_t v = (uint32_t{b[i]} << 16) | (uint32_t{b[i + 1]} << 8) | b[i + 2];
    for (int s = 18; s >= 0; s -= 6) out += k[(v >> s) & 63];
  }
  return out;  // whole groups only: what appears inside any longer encoding
}

// found_in tells how `needle` appears in `hay`: raw, hex or base64 (any alignment).
std::optional<std::string> found_in(const Bytes& hay, const Bytes& needle) {
  const std::string h(hay.begin(), hay.end());
  if (h.find(std::string(needle.begin(), needle.end())) != std::string::npos) return "raw";
  std::string hex = to_hex(needle);
  if (h.find(hex) != std::string::npos) return "hex";
  std::transform(hex.begin(), hex.end(), hex.begin(), [](char c) { return static_cast<char>(std::toupper(c)); });
  if (h.find(hex) != std::string::npos) return "HEX";
  for (size_t shift = 0; shift < 3; ++shift) {
    const std::string b = base64(ByteView(needle).subspan(shift));
    if (b.size() >= 16 && h.find(b) != std::string::npos) return "base64";
  }
  return std::nullopt;
}

struct ScanSide {
  std::optional<CheckOutcome> stop;
  int plaintexts = 0;
  int found = 0;
  std::vector<std::string> where;
  bool identity_visible = false;
};

ScanSide scan(Target& t, Rng& rng) {
  ScanSide side;
  Conversation c(t, "alice", "bob");
  if (auto e = c.establish(); !e.ok()) return side.stop = outcome_of(e, "establishing the session"), side;
  std::vector<Bytes> texts;
  for (int i = 0; i < 6; ++i) {
    Bytes text = to_bytes("KEY-3 marker " + to_hex(random_bytes(rng, 12)));
    auto m = c.send(i % 2, text);
    if (!m.ok()) return side.stop = outcome_of(m, "encrypting"), side;
    auto d = c.deliver(*m);
    if (!d.ok()) return side.stop = outcome_of(d, "delivering"), side;
    texts.push_back(text);
  }
  auto ea = t.export_state("alice");
  if (!ea.ok()) return side.stop = outcome_of(ea, "export of alice"), side;
  auto eb = t.export_state("bob");
  if (!eb.ok()) return side.stop = outcome_of(eb, "export of bob"), side;
  Bytes both = *ea;
  both.insert(both.end(), eb->begin(), eb->end());
  side.plaintexts = static_cast<int>(texts.size());
  for (size_t i = 0; i < texts.size(); ++i) {
    if (auto how = found_in(both, texts[i])) {
      ++side.found;
      side.where.push_back("plaintext " + std::to_string(i) + " (" + std::string(texts[i].begin(), texts[i].end()) +
                           ") found " + *how);
    }
  }
  // A state that shows no session key material in the clear (no identity of the peer
  // in any encoding) is likely encrypted or compressed: then the scan says little.
  auto id = t.create("probe");
  if (id.ok()) {
    auto ep = t.export_state("probe");
    // Any 32-byte key of the identity (a 0x05 prefix or two keys side by side, as in
    // Olm and the python target) may be stored on its own.
    if (ep.ok()) {
      for (size_t off : {size_t{0}, size_t{1}, size_t{32}, size_t{33}}) {
        if (off + 32 <= id->size() && found_in(*ep, Bytes(id->begin() + static_cast<std::ptrdiff_t>(off),
                                                          id->begin() + static_cast<std::ptrdiff_t>(off + 32)))) {
          side.identity_visible = true;
        }
      }
    }
  }
  return side;
}

CheckOutcome judge_scan(ScanSide& mine, ScanSide* theirs) {
  ScanSide& base = *theirs;
  if (mine.stop) return std::move(*mine.stop);
  CheckOutcome o;
  o.figures.push_back({"delivered plaintexts found in exports", double(mine.found), double(base.found), "plaintexts"});
  o.observations = mine.where;
  if (!mine.identity_visible) {
    o.observations.push_back(
        "the export does not show the party's own identity key raw, in hex or base64: it looks "
        "encrypted or encoded otherwise, so this scan is meaningless for it");
  }
  o.summary = mine.found == 0
                  ? "no delivered plaintext (of " + std::to_string(mine.plaintexts) +
                        ") appears in the exported states (raw, hex or base64); baseline " + std::to_string(base.found)
                  : std::to_string(mine.found) + " of " + std::to_string(mine.plaintexts) +
                        " delivered plaintexts appear in the exported states; baseline " + std::to_string(base.found);
  if (!mine.identity_visible) o.summary += " (the export looks encrypted: meaningless)";
  return o;  // INFO: a measurement, never a failure
}

}  // namespace

void register_key_checks(harness::Registry& registry) {
  add_check(registry, CheckSpec<FreshSide>{
                          .id = "KEY-1.fresh",
                          .requirement = "KEY-1",
                          .description = "identity, prekey, base and ratchet public keys never repeat over 10,000 "
                                         "generations",
                          .scenario = play_fresh,
                          .judge = judge_fresh,
                          .trim = {60, 60, 1024},
                      });
  add_check(registry, CheckSpec<SmallSide>{
                          .id = "KEY-2.small-order",
                          .requirement = "KEY-2",
                          .description = "small-order and non-canonical keys in bundles and headers are refused or "
                                         "leave the key unpredictable",
                          .scenario = play_small,
                          .judge = judge_small,
                      });
  add_check(registry, CheckSpec<ScanSide>{
                          .id = "KEY-3.plaintext-scan",
                          .requirement = "KEY-3",
                          .description = "whether an exported state holds plaintexts of delivered messages",
                          .needs = {Capability::export_state},
                          .scenario = [](Run& r) { return scan(r.target, r.rng); },
                          .judge = judge_scan,
                      });
}

}  // namespace parity::suites
