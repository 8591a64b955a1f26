#include "reference/stanza/stanza.h"

#include <cstdint>
#include <cstring>

#include <pugixml.hpp>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "base/base64.h"
#include "reference/stanza/jid.h"
#include "reference/stanza/pugixml_memory.h"
#include "reference/stanza/scan.h"
#include "base/xml_escape.h"

namespace parity::stanza {

namespace {

// kParseFlags: entity and character references decoded (parse_escapes; the scan has
// already refused every reference but the five and valid character references), XML
// end-of-line and attribute white-space handling, CDATA as text, and white-space-only
// text kept, so that " AAAA" in a base64 field is refused rather than trimmed.
// DOCTYPE, PIs and comments are kept as nodes (not silently skipped) so that the tree
// check refuses them too.
constexpr unsigned kParseFlags = pugi::parse_doctype | pugi::parse_pi | pugi::parse_comments | pugi::parse_cdata |
                                 pugi::parse_escapes | pugi::parse_eol | pugi::parse_wconv_attribute |
                                 pugi::parse_ws_pcdata;

StanzaError fault(StanzaErrc code, size_t offset, std::string message) {
  return StanzaError{code, offset, std::move(message)};
}

// The value tables: one spelling per enum value.
constexpr std::string_view kMessageTypes[] = {"text", "media"};
constexpr std::string_view kEncTypes[] = {"pkmsg", "msg", "skmsg"};
constexpr std::string_view kMediaTypes[] = {"image", "video", "audio", "ptt", "document"};

template <class E, size_t N>
std::optional<E> lookup(const std::string_view (&names)[N], std::string_view s) {
  for (size_t i = 0; i < N; ++i) {
    if (names[i] == s) return static_cast<E>(i);
  }
  return std::nullopt;
}

// parse_decimal reads decimal digits without sign or leading zero, at most 20 digits,
// fitting 64 bits.
std::optional<uint64_t> parse_decimal(std::string_view s) {
  if (s.empty() || s.size() > kLimits.max_decimal_digits) return std::nullopt;
  if (s.size() > 1 && s[0] == '0') return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    const uint64_t d = static_cast<uint64_t>(c - '0');
    // Up to 19 digits cannot overflow: only a 20-digit number pays for the checks.
    if (s.size() < 20) {
      v = v * 10 + d;
    } else if (__builtin_mul_overflow(v, uint64_t{10}, &v) || __builtin_add_overflow(v, d, &v)) {
      return std::nullopt;
    }
  }
  return v;
}

// same compares a NUL-terminated name with a literal inline (no strcmp call; names are
// short). It stops at the first difference, so it never reads past s's terminator.
template <size_t N>
bool same(const char* s, const char (&lit)[N]) {
  for (size_t k = 0; k < N; ++k) {
    if (s[k] != lit[k]) return false;
  }
  return true;
}

bool named(pugi::xml_node n, const char* name) {
  return std::strcmp(n.name(), name) == 0;
}

// kNoOffset marks an offset not known yet.
constexpr size_t kNoOffset = SIZE_MAX;

// Text is an element's text and where it starts in the stanza.
struct Text {
  std::string_view value;
  size_t offset = 0;
};

// Walker is the typed pass over the tree pugixml built. Offsets are recovered from the
// document's own copy of the buffer: pugixml parses that copy in place, so names and
// values point into it (see at()).
class Walker {
 public:
  Walker(pugi::xml_node root, size_t size) : size_(size) {
    const ptrdiff_t o = root.offset_debug();
    base_ = o >= 0 ? root.name() - o : nullptr;
  }

  StanzaResult<Stanza> stanza(pugi::xml_node root) {
    const char* name = root.name();
    if (same(name, "message")) {
      // Filled in place: a Message is costly to move through several results.
      StanzaResult<Stanza> r(std::in_place, std::in_place_type<Message>);
      if (auto e = message(root, std::get<Message>(*r))) return std::move(*e);
      return r;
    }
    if (same(name, "iq")) return wrap(key_bundle(root));
    if (same(name, "receipt")) return wrap(retry_receipt(root));
    return fault(StanzaErrc::unknown_stanza, at(root),
                 std::string("unknown stanza <") + std::string(std::string_view(root.name()).substr(0, 32)) + ">");
  }

 private:
  template <class T>
  static StanzaResult<Stanza> wrap(StanzaResult<T> r) {
    if (!r.ok()) return r.error();
    return Stanza{std::move(r).value()};
  }

  // at gives the offset of a pointer into the document's buffer, or `fallback`.
  size_t at(const char* p, size_t fallback) const {
    if (base_ == nullptr) return fallback;
    const auto pv = reinterpret_cast<uintptr_t>(p), bv = reinterpret_cast<uintptr_t>(base_);
    return pv >= bv && pv - bv <= size_ ? pv - bv : fallback;
  }
  // at(element) is the offset of its '<'.
  size_t at(pugi::xml_node e) const {
    const ptrdiff_t o = e.offset_debug();
    return o > 0 ? static_cast<size_t>(o - 1) : 0;
  }
  size_t at_value(pugi::xml_attribute a, pugi::xml_node owner) const { return at(a.value(), at(owner)); }
  size_t at_value(const char* value, pugi::xml_node owner) const { return at(value, at(owner)); }

  // value_of is the value of e's attribute `name`, or null when e has none (pugixml
  // gives "" for both).
  static const char* value_of(pugi::xml_node e, const char* name) {
    const pugi::xml_attribute a = e.attribute(name);
    return a ? a.value() : nullptr;
  }

  // attribute finds a required attribute.
  StanzaResult<pugi::xml_attribute> required(pugi::xml_node e, const char* name) const {
    pugi::xml_attribute a = e.attribute(name);
    if (!a) {
      return fault(StanzaErrc::missing_attribute, at(e), std::string("<") + e.name() + "> has no attribute " + name);
    }
    return a;
  }

  // child finds the one child element of this name (null when absent); a second one is
  // a duplicate_element.
  StanzaResult<pugi::xml_node> child(pugi::xml_node e, const char* name) const {
    pugi::xml_node found;
    for (pugi::xml_node c = e.first_child(); c; c = c.next_sibling()) {
      if (c.type() != pugi::node_element || !named(c, name)) continue;
      if (found) return fault(StanzaErrc::duplicate_element, at(c), std::string("a second <") + name + ">");
      found = c;
    }
    return found;
  }

  StanzaResult<pugi::xml_node> required_child(pugi::xml_node e, const char* name) const {
    auto c = child(e, name);
    if (!c.ok()) return c;
    if (!*c) return fault(StanzaErrc::missing_element, at(e), std::string("<") + e.name() + "> has no <" + name + ">");
    return c;
  }

  // text gathers an element's character data (text and CDATA). Element children are
  // ignored (forward compatibility) unless `only_text`, as inside enc.
  enum class Children { ignored, refused };
  StanzaResult<Text> text(pugi::xml_node e, Children children) {
    Text t{{}, kNoOffset};
    size_t pieces = 0;
    for (pugi::xml_node c = e.first_child(); c; c = c.next_sibling()) {
      const pugi::xml_node_type type = c.type();
      if (type == pugi::node_pcdata || type == pugi::node_cdata) {
        const char* value = c.value();
        const std::string_view v = value;
        if (pieces == 0) {
          t = Text{v, at(value, kNoOffset)};
        } else {
          // Several pieces (text around CDATA): joined in a scratch buffer.
          if (pieces == 1) scratch_.assign(t.value);
          scratch_.append(v);
          t.value = scratch_;
        }
        ++pieces;
      } else if (type == pugi::node_element && children == Children::refused) {
        return fault(StanzaErrc::unknown_element, at(c),
                     std::string("<") + e.name() + "> holds text only, not <" +
                         std::string(std::string_view(c.name()).substr(0, 32)) + ">");
      }
    }
    // The element's own offset only when the text gave none (rare: no text, or a text
    // pointer outside the buffer).
    if (t.offset == kNoOffset) t.offset = at(e);
    return t;
  }

  std::optional<StanzaError> base64_fault(const Text& t, Base64Status st, const char* what) const {
    return fault(StanzaErrc::bad_base64, t.offset + st.offset,
                 std::string(what) + ": " + std::string(to_string(st.code)));
  }

  // bytes decodes a base64 field of any size up to the payload limit into out_.
  std::optional<StanzaError> bytes(const Text& t, const char* what, Bytes& out_) const {
    if (base64_decoded_size(t.value) > kLimits.max_payload_bytes) {
      return fault(StanzaErrc::payload_too_large, t.offset,
                   std::string(what) + " decodes to more than " + std::to_string(kLimits.max_payload_bytes) + " bytes");
    }
    Base64Status st = base64_decode(t.value, out_);
    if (!st.ok()) return base64_fault(t, st, what);
    return std::nullopt;
  }

  // fixed decodes a base64 field of exactly N bytes.
  template <size_t N>
  std::optional<StanzaError> fixed(pugi::xml_node parent, const char* name, std::array<uint8_t, N>& out_) {
    auto e = required_child(parent, name);
    if (!e.ok()) return e.error();
    auto t = text(*e, Children::ignored);
    if (!t.ok()) return t.error();
    // The usual case, a text of the right length, decodes straight into out_; any other
    // takes the general path so that base64 faults keep coming before bad_length.
    if (t->value.size() % 4 == 0 && base64_decoded_size(t->value) == N) {
      Base64Status st = base64_decode_to(t->value, out_.data());
      if (!st.ok()) return base64_fault(*t, st, name);
      return std::nullopt;
    }
    if (auto f = bytes(*t, name, scratch_bytes_)) return f;
    return fault(StanzaErrc::bad_length, t->offset,
                 std::string("<") + name + "> holds " + std::to_string(scratch_bytes_.size()) + " bytes, not " +
                     std::to_string(N));
  }

  template <size_t N>
  static uint32_t big_endian(const std::array<uint8_t, N>& b) {
    uint32_t v = 0;
    for (uint8_t x : b) v = v << 8 | x;
    return v;
  }

  StanzaError missing_attribute(pugi::xml_node e, const char* name) const {
    return fault(StanzaErrc::missing_attribute, at(e), std::string("<") + e.name() + "> has no attribute " + name);
  }

  // id_value checks the attribute `name` of e, its value (null when absent).
  std::optional<StanzaError> id_value(pugi::xml_node e, const char* value, const char* name, std::string& out_) const {
    if (value == nullptr) return missing_attribute(e, name);
    const std::string_view v = value;
    if (auto f = check_stanza_id(v)) {
      return fault(StanzaErrc::bad_id, at_value(value, e) + f->offset,
                   std::string(name) + ": " + std::string(f->reason));
    }
    out_ = std::string(v);  // a fresh string: cheaper than assign()'s general path
    return std::nullopt;
  }

  std::optional<StanzaError> jid_value(pugi::xml_node e, const char* value, const char* name, LocalPart local,
                                       std::string& out_) const {
    if (value == nullptr) return missing_attribute(e, name);
    const std::string_view v = value;
    if (auto f = check_jid(v, local)) {
      return fault(StanzaErrc::bad_jid, at_value(value, e) + f->offset,
                   std::string(name) + ": " + std::string(f->reason));
    }
    out_ = std::string(v);  // a fresh string: cheaper than assign()'s general path
    return std::nullopt;
  }

  std::optional<StanzaError> id_attr(pugi::xml_node e, const char* name, std::string& out_) const {
    return id_value(e, value_of(e, name), name, out_);
  }

  std::optional<StanzaError> jid_attr(pugi::xml_node e, const char* name, LocalPart local, std::string& out_) const {
    return jid_value(e, value_of(e, name), name, local, out_);
  }

  std::optional<StanzaError> decimal_attr(pugi::xml_node e, const char* name, StanzaErrc code, uint64_t& out_) const {
    auto a = required(e, name);
    if (!a.ok()) return a.error();
    auto v = parse_decimal(a->value());
    if (!v) {
      return fault(code, at_value(*a, e),
                   std::string(name) + " is decimal without sign or leading zero and fits 64 bits");
    }
    out_ = *v;
    return std::nullopt;
  }

  std::optional<StanzaError> type_attr(pugi::xml_node e, std::string_view want) const {
    auto a = required(e, "type");
    if (!a.ok()) return a.error();
    if (a->value() != want) {
      return fault(StanzaErrc::bad_type, at_value(*a, e),
                   std::string("<") + e.name() + "> type is " + std::string(want));
    }
    return std::nullopt;
  }

  std::optional<StanzaError> enc(pugi::xml_node e, Enc& out) {
    bool has_v = false, has_type = false;
    for (pugi::xml_attribute a = e.first_attribute(); a; a = a.next_attribute()) {
      const char* name = a.name();
      if (same(name, "v")) {
        if (!same(a.value(), "2")) return fault(StanzaErrc::bad_version, at_value(a, e), "enc v is 2");
        has_v = true;
      } else if (same(name, "type")) {
        auto t = lookup<EncType>(kEncTypes, a.value());
        if (!t) return fault(StanzaErrc::unknown_enc_type, at_value(a, e), "enc type is pkmsg, msg or skmsg");
        out.type = *t;
        has_type = true;
      } else if (same(name, "mediatype")) {
        auto m = lookup<MediaType>(kMediaTypes, a.value());
        if (!m) {
          return fault(StanzaErrc::bad_mediatype, at_value(a, e),
                       "enc mediatype is image, video, audio, ptt or document");
        }
        out.mediatype = *m;
      } else {
        return fault(StanzaErrc::unknown_attribute, at(name, at(e)),
                     "enc has no attribute " + std::string(std::string_view(name).substr(0, 32)));
      }
    }
    if (!has_v) return fault(StanzaErrc::missing_attribute, at(e), "<enc> has no attribute v");
    if (!has_type) return fault(StanzaErrc::missing_attribute, at(e), "<enc> has no attribute type");
    auto t = text(e, Children::refused);
    if (!t.ok()) return t.error();
    return bytes(*t, "enc", out.ciphertext);
  }

  std::optional<StanzaError> message(pugi::xml_node m, Message& out) {
    // One pass over the attributes and one over the children; the checks then run in
    // the rule order below. The first attribute of a name counts, as with attribute().
    // Values are kept as pointers (null when absent): no call into pugixml to test them.
    const char *id = nullptr, *to = nullptr, *from = nullptr, *type = nullptr, *t = nullptr;
    for (pugi::xml_attribute a = m.first_attribute(); a; a = a.next_attribute()) {
      const char* name = a.name();
      const char** slot = nullptr;
      if (same(name, "id")) {
        slot = &id;
      } else if (same(name, "to")) {
        slot = &to;
      } else if (same(name, "from")) {
        slot = &from;
      } else if (same(name, "type")) {
        slot = &type;
      } else if (same(name, "t")) {
        slot = &t;
      }
      if (slot != nullptr && *slot == nullptr) *slot = a.value();
    }
    if (auto e = id_value(m, id, "id", out.id)) return e;
    if (auto e = jid_value(m, to, "to", LocalPart::required, out.to)) return e;
    if (auto e = jid_value(m, from, "from", LocalPart::required, out.from)) return e;
    if (type == nullptr) return missing_attribute(m, "type");
    auto mt = lookup<MessageType>(kMessageTypes, type);
    if (!mt) return fault(StanzaErrc::bad_type, at_value(type, m), "message type is text or media");
    out.type = *mt;
    if (t != nullptr) {
      auto v = parse_decimal(t);
      if (!v) {
        return fault(StanzaErrc::bad_timestamp, at_value(t, m),
                     "t is decimal seconds without sign or leading zero and fits 64 bits");
      }
      out.t = *v;
    }
    // child(m, "enc") then child(m, "participants"), in one pass: a second enc is
    // reported before a second participants wherever they stand.
    pugi::xml_node enc_node, enc_again, participants, participants_again;
    for (pugi::xml_node c = m.first_child(); c; c = c.next_sibling()) {
      if (c.type() != pugi::node_element) continue;
      const char* name = c.name();
      if (same(name, "enc")) {
        if (!enc_node) {
          enc_node = c;
        } else if (!enc_again) {
          enc_again = c;
        }
      } else if (same(name, "participants")) {
        if (!participants) {
          participants = c;
        } else if (!participants_again) {
          participants_again = c;
        }
      }
    }
    if (enc_again) return fault(StanzaErrc::duplicate_element, at(enc_again), "a second <enc>");
    if (participants_again) {
      return fault(StanzaErrc::duplicate_element, at(participants_again), "a second <participants>");
    }
    if (enc_node && participants) {
      const pugi::xml_node later = at(enc_node) > at(participants) ? enc_node : participants;
      return fault(StanzaErrc::enc_and_participants, at(later), "a message holds enc or participants, not both");
    }
    if (enc_node) return enc(enc_node, std::get<Enc>(out.payload));
    if (!participants) {
      return fault(StanzaErrc::missing_element, at(m), "<message> has no <enc> and no <participants>");
    }
    std::vector<Participant> list;
    for (pugi::xml_node p = participants.first_child(); p; p = p.next_sibling()) {
      if (p.type() != pugi::node_element || !same(p.name(), "to")) continue;
      // Filled in place; a refusal discards the whole list.
      Participant& item = list.emplace_back();
      if (auto e = jid_attr(p, "jid", LocalPart::required, item.jid)) return e;
      auto en = required_child(p, "enc");
      if (!en.ok()) return en.error();
      if (auto e = enc(*en, item.enc)) return e;
    }
    if (list.empty()) return fault(StanzaErrc::missing_element, at(participants), "<participants> has no <to>");
    out.payload = std::move(list);
    return std::nullopt;
  }

  StanzaResult<KeyBundle> key_bundle(pugi::xml_node iq) {
    KeyBundle out;
    if (auto e = id_attr(iq, "id", out.id)) return *e;
    if (auto e = type_attr(iq, "result")) return *e;
    if (auto e = jid_attr(iq, "from", LocalPart::optional, out.from)) return *e;
    auto list = required_child(iq, "list");
    if (!list.ok()) return list.error();
    for (pugi::xml_node u = list->first_child(); u; u = u.next_sibling()) {
      if (u.type() != pugi::node_element || !named(u, "user")) continue;
      UserKeys k;
      if (auto e = jid_attr(u, "jid", LocalPart::required, k.jid)) return *e;
      std::array<uint8_t, 4> reg{};
      if (auto e = fixed(u, "registration", reg)) return *e;
      k.registration = big_endian(reg);
      std::array<uint8_t, 1> key_type{};
      if (auto e = fixed(u, "type", key_type)) return *e;
      if (key_type[0] != kCurve25519KeyType) {
        auto t = child(u, "type");
        return fault(StanzaErrc::bad_key_type, t.ok() && *t ? at(*t) : at(u), "the key type is 0x05 (Curve25519)");
      }
      if (auto e = fixed(u, "identity", k.identity)) return *e;
      auto skey = required_child(u, "skey");
      if (!skey.ok()) return skey.error();
      std::array<uint8_t, 3> id{};
      if (auto e = fixed(*skey, "id", id)) return *e;
      k.skey.id = big_endian(id);
      if (auto e = fixed(*skey, "value", k.skey.value)) return *e;
      if (auto e = fixed(*skey, "signature", k.skey.signature)) return *e;
      auto key = child(u, "key");
      if (!key.ok()) return key.error();
      if (*key) {
        PreKey p;
        if (auto e = fixed(*key, "id", id)) return *e;
        p.id = big_endian(id);
        if (auto e = fixed(*key, "value", p.value)) return *e;
        k.key = p;
      }
      out.users.push_back(std::move(k));
    }
    if (out.users.empty()) return fault(StanzaErrc::missing_element, at(*list), "<list> has no <user>");
    return out;
  }

  StanzaResult<RetryReceipt> retry_receipt(pugi::xml_node r) {
    RetryReceipt out;
    if (auto e = id_attr(r, "id", out.id)) return *e;
    if (auto e = jid_attr(r, "to", LocalPart::required, out.to)) return *e;
    if (auto e = type_attr(r, "retry")) return *e;
    auto retry = required_child(r, "retry");
    if (!retry.ok()) return retry.error();
    if (auto e = decimal_attr(*retry, "count", StanzaErrc::bad_number, out.retry.count)) return *e;
    if (auto e = id_attr(*retry, "id", out.retry.id)) return *e;
    if (auto e = decimal_attr(*retry, "t", StanzaErrc::bad_timestamp, out.retry.t)) return *e;
    if (auto e = decimal_attr(*retry, "v", StanzaErrc::bad_number, out.retry.v)) return *e;
    std::array<uint8_t, 4> reg{};
    if (auto e = fixed(r, "registration", reg)) return *e;
    out.registration = big_endian(reg);
    return out;
  }

  const char* base_ = nullptr;
  size_t size_ = 0;
  std::string scratch_;
  Bytes scratch_bytes_;  // fixed() fields of the wrong size, decoded for their message
};

// may_make_forbidden_node tells whether pugixml could build a DOCTYPE, PI, declaration
// or comment node from bytes: it makes them only from markup starting "<!" or "<?".
// This is pugixml's syntax, not scan's logic, so the defence in depth stays
// independent of the scan; it spares the walk over the whole tree (a call into
// pugixml per node and link) for the stanzas that cannot need it, nearly all of them.
bool may_make_forbidden_node(std::string_view bytes) {
  const char* const p = bytes.data();
  const size_t n = bytes.size();
  size_t i = 0;
#if defined(__SSE2__)
  // Sixteen pairs at a time: a '<' at i + k followed by '!' or '?' at i + k + 1. One
  // loop with no call, where memchr stopped at every '<'.
  const __m128i lt = _mm_set1_epi8('<'), bang = _mm_set1_epi8('!'), question = _mm_set1_epi8('?');
  for (; n - i >= 17; i += 16) {
    const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i + 1));
    const __m128i hit =
        _mm_and_si128(_mm_cmpeq_epi8(a, lt), _mm_or_si128(_mm_cmpeq_epi8(b, bang), _mm_cmpeq_epi8(b, question)));
    if (_mm_movemask_epi8(hit) != 0) return true;
  }
#endif
  for (; i + 1 < n; ++i) {
    if (p[i] == '<' && (p[i + 1] == '!' || p[i + 1] == '?')) return true;
  }
  return false;
}

// forbidden_node is the defence in depth behind scan: any DOCTYPE, PI, comment or
// declaration node in the tree is refused here too.
std::optional<StanzaError> forbidden_node(const pugi::xml_document& doc, size_t size) {
  pugi::xml_node n = doc.first_child();
  while (n) {
    switch (n.type()) {
      case pugi::node_doctype:
        return fault(StanzaErrc::doctype, 0, "DOCTYPE is not allowed");
      case pugi::node_pi:
      case pugi::node_declaration:
        return fault(StanzaErrc::processing_instruction, 0, "processing instructions are not allowed");
      case pugi::node_comment:
        return fault(StanzaErrc::comment, 0, "comments are not allowed");
      default:
        break;
    }
    // Pre-order walk without recursion: a tree is at most 16 deep, but this stays cheap
    // and bounded whatever it holds.
    if (n.first_child()) {
      n = n.first_child();
      continue;
    }
    while (n && !n.next_sibling()) n = n.parent();
    if (n) n = n.next_sibling();
  }
  (void)size;
  return std::nullopt;
}

// Writer appends canonical text.
class Writer {
 public:
  std::string out;

  void open(const char* name) {
    out += '<';
    out += name;
  }
  void attr(const char* name, std::string_view value) {
    out += ' ';
    out += name;
    out += "=\"";
    for (char c : value) append_xml_char(out, c);
    out += '"';
  }
  void close_open() { out += '>'; }
  void close(const char* name) {
    out += "</";
    out += name;
    out += '>';
  }
  void binary(const char* name, ByteView b) {
    open(name);
    close_open();
    base64_encode_to(b, out);
    close(name);
  }
  template <size_t N>
  void be(const char* name, uint32_t v) {
    std::array<uint8_t, N> b{};
    for (size_t i = 0; i < N; ++i) b[N - 1 - i] = static_cast<uint8_t>(v >> (8 * i));
    binary(name, b);
  }

  void enc(const Enc& e) {
    open("enc");
    attr("v", "2");
    attr("type", to_string(e.type));
    if (e.mediatype) attr("mediatype", to_string(*e.mediatype));
    close_open();
    base64_encode_to(e.ciphertext, out);
    close("enc");
  }

  void operator()(const Message& m) {
    open("message");
    attr("id", m.id);
    attr("to", m.to);
    attr("from", m.from);
    attr("type", to_string(m.type));
    if (m.t) attr("t", std::to_string(*m.t));
    close_open();
    if (const Enc* e = std::get_if<Enc>(&m.payload)) {
      enc(*e);
    } else {
      open("participants");
      close_open();
      for (const Participant& p : std::get<std::vector<Participant>>(m.payload)) {
        open("to");
        attr("jid", p.jid);
        close_open();
        enc(p.enc);
        close("to");
      }
      close("participants");
    }
    close("message");
  }

  void operator()(const KeyBundle& k) {
    open("iq");
    attr("id", k.id);
    attr("type", "result");
    attr("from", k.from);
    close_open();
    open("list");
    close_open();
    for (const UserKeys& u : k.users) {
      open("user");
      attr("jid", u.jid);
      close_open();
      be<4>("registration", u.registration);
      const uint8_t type = kCurve25519KeyType;
      binary("type", ByteView(&type, 1));
      binary("identity", u.identity);
      open("skey");
      close_open();
      be<3>("id", u.skey.id);
      binary("value", u.skey.value);
      binary("signature", u.skey.signature);
      close("skey");
      if (u.key) {
        open("key");
        close_open();
        be<3>("id", u.key->id);
        binary("value", u.key->value);
        close("key");
      }
      close("user");
    }
    close("list");
    close("iq");
  }

  void operator()(const RetryReceipt& r) {
    open("receipt");
    attr("id", r.id);
    attr("to", r.to);
    attr("type", "retry");
    close_open();
    open("retry");
    attr("count", std::to_string(r.retry.count));
    attr("id", r.retry.id);
    attr("t", std::to_string(r.retry.t));
    attr("v", std::to_string(r.retry.v));
    out += "/>";
    be<4>("registration", r.registration);
    close("receipt");
  }
};

// prekey_ids_fit checks what the text cannot show: ids wider than their 3 bytes would
// be silently truncated by the writer.
std::optional<StanzaError> prekey_ids_fit(const Stanza& s) {
  const auto* k = std::get_if<KeyBundle>(&s);
  if (k == nullptr) return std::nullopt;
  for (const UserKeys& u : k->users) {
    if (u.skey.id > 0xffffff || (u.key && u.key->id > 0xffffff)) {
      return fault(StanzaErrc::bad_length, 0, "a prekey id of " + u.jid + " does not fit 3 bytes");
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<StanzaErrc> parse_errc(std::string_view name) {
  for (const Rule& r : kRules) {
    if (r.name == name) return r.code;
  }
  return std::nullopt;
}

std::string_view to_string(MessageType t) {
  return kMessageTypes[static_cast<size_t>(t)];
}
std::string_view to_string(EncType t) {
  return kEncTypes[static_cast<size_t>(t)];
}
std::string_view to_string(MediaType t) {
  return kMediaTypes[static_cast<size_t>(t)];
}
std::optional<EncType> parse_enc_type(std::string_view s) {
  return lookup<EncType>(kEncTypes, s);
}

// Installed before main(), while no pugixml object can exist yet (pugixml_memory.h).
const bool kPugixmlMemory = (install_pugixml_memory(), true);

unsigned pugixml_parse_flags() {
  return kParseFlags;
}

StanzaResult<Stanza> parse(std::string_view bytes) {
  if (auto e = scan(bytes)) return *e;
  pugi::xml_document doc;
  const pugi::xml_parse_result r = doc.load_buffer(bytes.data(), bytes.size(), kParseFlags, pugi::encoding_utf8);
  if (!r) {
    return fault(StanzaErrc::bad_xml, r.offset > 0 ? static_cast<size_t>(r.offset) : 0,
                 std::string("not well-formed: ") + r.description());
  }
  if (may_make_forbidden_node(bytes)) {
    if (auto e = forbidden_node(doc, bytes.size())) return *e;
  }
  pugi::xml_node root = doc.document_element();
  if (!root) return fault(StanzaErrc::bad_xml, bytes.size(), "no root element");
  return Walker(root, bytes.size()).stanza(root);
}

StanzaResult<Message> parse_message(std::string_view bytes) {
  auto s = parse(bytes);
  if (!s.ok()) return s.error();
  if (auto* m = std::get_if<Message>(&*s)) return std::move(*m);
  // The root is at the first '<' (the scan allows only white space before it).
  return fault(StanzaErrc::unknown_stanza, bytes.find('<'), "a <message> was expected");
}

std::string write_unchecked(const Stanza& stanza) {
  Writer w;
  std::visit(w, stanza);
  return std::move(w.out);
}

StanzaResult<std::string> write(const Stanza& stanza) {
  if (auto e = prekey_ids_fit(stanza)) return *e;
  std::string text = write_unchecked(stanza);
  auto back = parse(text);
  if (!back.ok()) return back.error();
  if (!(*back == stanza)) {
    // Unreachable for a struct that passes parse: kept so write() can promise the round trip.
    return fault(StanzaErrc::bad_xml, 0, "the written stanza does not parse back to the same struct");
  }
  return text;
}

}  // namespace parity::stanza
