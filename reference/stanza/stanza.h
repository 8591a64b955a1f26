// stanza.h: stanzas of the interoperability profile (stanzas.md) as plain structs, a
// strict parser and a canonical writer.
//
// parse() refuses every stanza that breaks a rule of profile.h with the rule's code and
// the byte offset where it was found; it never returns a partly filled struct and never
// throws. write() produces the canonical text (fixed attribute order, no white space,
// padded base64), and parse(write(x)) == x for every x write() accepts.
//
// Pipeline: scan (size, UTF-8, NUL, control characters; DTD, entities, PIs, comments,
// depth, attribute count/length/duplicates, one root: one pass, character faults first) ->
// pugixml (well-formedness, with DOCTYPE/PI/comment nodes kept so that they are refused
// again should the scan ever miss one) -> the typed walk (required attributes and
// elements, value rules, base64 and sizes).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/bytes.h"
#include "reference/stanza/profile.h"

namespace parity::stanza {

// kEncVersion is the only `v` of enc the profile knows.
inline constexpr int kEncVersion = 2;
// kCurve25519KeyType is the content of a user's <type> in a key bundle.
inline constexpr uint8_t kCurve25519KeyType = 0x05;

enum class MessageType { text, media };
// EncType: pkmsg carries a PreKeySignalMessage (PTP kind `prekey`), msg a SignalMessage
// (kind `message`), skmsg a group sender-key message.
enum class EncType { pkmsg, msg, skmsg };
enum class MediaType { image, video, audio, ptt, document };

std::string_view to_string(MessageType t);
std::string_view to_string(EncType t);
std::string_view to_string(MediaType t);
std::optional<EncType> parse_enc_type(std::string_view s);

// Enc is one encrypted payload (v is always kEncVersion).
struct Enc {
  EncType type = EncType::msg;
  std::optional<MediaType> mediatype;
  Bytes ciphertext;
  bool operator==(const Enc&) const = default;
};

// Participant is one recipient device of a fan-out message.
struct Participant {
  std::string jid;
  Enc enc;
  bool operator==(const Participant&) const = default;
};

// Message is a <message>: one enc, or participants (one enc per device).
struct Message {
  std::string id;
  std::string to;
  std::string from;
  MessageType type = MessageType::text;
  std::optional<uint64_t> t;  // seconds since 1970
  std::variant<Enc, std::vector<Participant>> payload;
  bool operator==(const Message&) const = default;
};

// SignedPreKey is a user's <skey>.
struct SignedPreKey {
  uint32_t id = 0;  // 3 bytes, big-endian on the wire
  Key32 value{};
  std::array<uint8_t, 64> signature{};
  bool operator==(const SignedPreKey&) const = default;
};

// PreKey is a user's optional one-time <key>.
struct PreKey {
  uint32_t id = 0;  // 3 bytes
  Key32 value{};
  bool operator==(const PreKey&) const = default;
};

// UserKeys is one <user> of a key bundle (its <type> is always kCurve25519KeyType).
struct UserKeys {
  std::string jid;
  uint32_t registration = 0;  // 4 bytes, big-endian on the wire
  Key32 identity{};
  SignedPreKey skey;
  std::optional<PreKey> key;
  bool operator==(const UserKeys&) const = default;
};

// KeyBundle is an <iq type="result"> answering a key request.
struct KeyBundle {
  std::string id;
  std::string from;  // a JID or a bare domain
  std::vector<UserKeys> users;
  bool operator==(const KeyBundle&) const = default;
};

// Retry is a receipt's <retry>.
struct Retry {
  uint64_t count = 0;
  std::string id;
  uint64_t t = 0;
  uint64_t v = 0;
  bool operator==(const Retry&) const = default;
};

// RetryReceipt is a <receipt type="retry">: the recipient could not decrypt.
struct RetryReceipt {
  std::string id;
  std::string to;
  Retry retry;
  uint32_t registration = 0;
  bool operator==(const RetryReceipt&) const = default;
};

// Stanza is any stanza of the profile.
using Stanza = std::variant<Message, KeyBundle, RetryReceipt>;

// parse parses and validates one stanza.
StanzaResult<Stanza> parse(std::string_view bytes);

// parse_message is parse() for a stanza that must be a <message> (unknown_stanza
// otherwise).
StanzaResult<Message> parse_message(std::string_view bytes);

// pugixml_parse_flags is the pugi::parse_* flags parse() hands pugixml's load_buffer
// (benchmarks measure pugixml alone with them).
unsigned pugixml_parse_flags();

// write produces a stanza's canonical text; it refuses (with the code parse() would
// give, offsets into the text it wrote) a struct that breaks the profile, such as a bad
// id or a prekey id above 24 bits, so nothing it returns fails to validate.
StanzaResult<std::string> write(const Stanza& stanza);

// write_unchecked is write() without the validation, for tests and benchmarks that
// need the text of an invalid struct.
std::string write_unchecked(const Stanza& stanza);

}  // namespace parity::stanza
