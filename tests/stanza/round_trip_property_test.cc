// round_trip_property_test.cc: RapidCheck properties of the writer and parser over
// generated structs: write() accepts every struct inside the profile, parse(write(x))
// == x, and the text is canonical (writing the parsed struct gives the same bytes);
// byte-level mutations of written stanzas never crash and never yield a struct that
// does not round-trip.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "reference/stanza/jid.h"
#include "reference/stanza/stanza.h"

namespace parity::stanza {
namespace {

rc::Gen<std::string> gen_from(const std::string& alphabet, size_t min, size_t max) {
  return rc::gen::map(rc::gen::container<std::vector<size_t>>(rc::gen::inRange<size_t>(0, alphabet.size())),
                      [=](const std::vector<size_t>& idx) {
                        std::string s;
                        for (size_t i : idx) s += alphabet[i];
                        if (s.size() < min) s.append(min - s.size(), alphabet[0]);
                        if (s.size() > max) s.resize(max);
                        return s;
                      });
}

const std::string kIdChars = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz._-";
const std::string kLocalChars = "abcdefghijklmnopqrstuvwxyz0123456789.+-_=!#$%*~";
const std::string kLabelChars = "abcdefghijklmnopqrstuvwxyz0123456789";
// Resources may hold what XML must escape.
const std::string kResourceChars = "abcXYZ019 &<>\"'/@:;=";

rc::Gen<std::string> gen_id() {
  return gen_from(kIdChars, 1, 64);
}

rc::Gen<std::string> gen_jid() {
  return rc::gen::apply(
      [](const std::string& local, const std::vector<std::string>& labels, const rc::Maybe<std::string>& resource) {
        std::string j = local + "@";
        for (size_t i = 0; i < labels.size(); ++i) j += (i ? "." : "") + labels[i];
        if (resource) j += "/" + *resource;
        return j;
      },
      gen_from(kLocalChars, 1, 64),
      rc::gen::resize(3, rc::gen::nonEmpty(rc::gen::container<std::vector<std::string>>(gen_from(kLabelChars, 1, 20)))),
      rc::gen::maybe(gen_from(kResourceChars, 1, 40)));
}

rc::Gen<Bytes> gen_bytes(size_t max) {
  return rc::gen::map(rc::gen::arbitrary<std::vector<uint8_t>>(), [max](std::vector<uint8_t> v) {
    if (v.size() > max) v.resize(max);
    return v;
  });
}

template <size_t N>
rc::Gen<std::array<uint8_t, N>> gen_array() {
  return rc::gen::map(rc::gen::container<std::vector<uint8_t>>(N, rc::gen::arbitrary<uint8_t>()),
                      [](const std::vector<uint8_t>& v) {
                        std::array<uint8_t, N> a{};
                        std::copy(v.begin(), v.end(), a.begin());
                        return a;
                      });
}

rc::Gen<Enc> gen_enc() {
  return rc::gen::apply(
      [](int type, const rc::Maybe<int>& media, Bytes ct) {
        return Enc{static_cast<EncType>(type),
                   media ? std::optional<MediaType>(static_cast<MediaType>(*media)) : std::nullopt, std::move(ct)};
      },
      rc::gen::inRange(0, 3), rc::gen::maybe(rc::gen::inRange(0, 5)), gen_bytes(300));
}

rc::Gen<Message> gen_message() {
  return rc::gen::apply(
      [](std::string id, std::string to, std::string from, bool media, const rc::Maybe<uint64_t>& t, bool fan, Enc enc,
         std::vector<std::pair<std::string, Enc>> parts) {
        Message m{std::move(id),
                  std::move(to),
                  std::move(from),
                  media ? MessageType::media : MessageType::text,
                  t ? std::optional<uint64_t>(*t) : std::nullopt,
                  {}};
        if (fan && !parts.empty()) {
          std::vector<Participant> list;
          for (auto& [j, e] : parts) list.push_back(Participant{j, e});
          m.payload = std::move(list);
        } else {
          m.payload = std::move(enc);
        }
        return m;
      },
      gen_id(), gen_jid(), gen_jid(), rc::gen::arbitrary<bool>(), rc::gen::maybe(rc::gen::arbitrary<uint64_t>()),
      rc::gen::arbitrary<bool>(), gen_enc(),
      rc::gen::resize(
          6, rc::gen::container<std::vector<std::pair<std::string, Enc>>>(rc::gen::pair(gen_jid(), gen_enc()))));
}

rc::Gen<KeyBundle> gen_key_bundle() {
  auto user = rc::gen::apply(
      [](std::string jid, uint32_t reg, Key32 identity, uint32_t sid, Key32 sv, std::array<uint8_t, 64> sig,
         const rc::Maybe<std::pair<uint32_t, Key32>>& key) {
        UserKeys u{std::move(jid), reg, identity, SignedPreKey{sid & 0xffffff, sv, sig}, {}};
        if (key) u.key = PreKey{key->first & 0xffffff, key->second};
        return u;
      },
      gen_jid(), rc::gen::arbitrary<uint32_t>(), gen_array<32>(), rc::gen::arbitrary<uint32_t>(), gen_array<32>(),
      gen_array<64>(), rc::gen::maybe(rc::gen::pair(rc::gen::arbitrary<uint32_t>(), gen_array<32>())));
  return rc::gen::apply(
      [](std::string id, bool domain_only, std::string from, std::vector<UserKeys> users) {
        if (domain_only) from = from.substr(from.find('@') + 1, from.find('/') - from.find('@') - 1);
        return KeyBundle{std::move(id), std::move(from), std::move(users)};
      },
      gen_id(), rc::gen::arbitrary<bool>(), gen_jid(),
      rc::gen::resize(4, rc::gen::nonEmpty(rc::gen::container<std::vector<UserKeys>>(user))));
}

rc::Gen<RetryReceipt> gen_receipt() {
  return rc::gen::apply(
      [](std::string id, std::string to, uint64_t count, std::string rid, uint64_t t, uint64_t v, uint32_t reg) {
        return RetryReceipt{std::move(id), std::move(to), Retry{count, std::move(rid), t, v}, reg};
      },
      gen_id(), gen_jid(), rc::gen::arbitrary<uint64_t>(), gen_id(), rc::gen::arbitrary<uint64_t>(),
      rc::gen::arbitrary<uint64_t>(), rc::gen::arbitrary<uint32_t>());
}

rc::Gen<Stanza> gen_stanza() {
  return rc::gen::oneOf(rc::gen::map(gen_message(), [](Message m) { return Stanza{std::move(m)}; }),
                        rc::gen::map(gen_key_bundle(), [](KeyBundle k) { return Stanza{std::move(k)}; }),
                        rc::gen::map(gen_receipt(), [](RetryReceipt r) { return Stanza{std::move(r)}; }));
}

RC_GTEST_PROP(StanzaRoundTrip, ParseOfWriteIsIdentity, ()) {
  const Stanza s = *gen_stanza();
  auto w = write(s);
  RC_ASSERT(w.ok());
  auto back = parse(*w);
  RC_ASSERT(back.ok());
  RC_ASSERT(*back == s);
  // Canonical: one text per struct.
  RC_ASSERT(write_unchecked(*back) == *w);
}

RC_GTEST_PROP(StanzaRoundTrip, MutatedStanzasNeverCrashAndRoundTripWhenAccepted, ()) {
  const Stanza s = *gen_stanza();
  std::string text = write_unchecked(s);
  const auto edits = *rc::gen::resize(
      8, rc::gen::nonEmpty(rc::gen::container<std::vector<std::pair<size_t, uint8_t>>>(
             rc::gen::pair(rc::gen::arbitrary<size_t>(),
                           rc::gen::element<uint8_t>('<', '>', '&', '"', '=', '/', '\0', 0x80, 'A', ' ', ';', '#')))));
  for (auto [pos, byte] : edits) text[pos % text.size()] = static_cast<char>(byte);
  auto p = parse(text);
  if (p.ok()) {
    auto w = write(*p);
    RC_ASSERT(w.ok());
    auto again = parse(*w);
    RC_ASSERT(again.ok());
    RC_ASSERT(*again == *p);
  } else {
    RC_ASSERT(p.error().offset <= text.size());
  }
}

RC_GTEST_PROP(StanzaValidators, GeneratedIdsAndJidsAreValid, ()) {
  RC_ASSERT(!check_stanza_id(*gen_id()));
  RC_ASSERT(!check_jid(*gen_jid()));
}

}  // namespace
}  // namespace parity::stanza
