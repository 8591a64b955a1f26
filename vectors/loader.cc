#include "vectors/loader.h"

#include <algorithm>
#include <array>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#ifndef PARITY_SOURCE_DIR
#error "PARITY_SOURCE_DIR must be defined by the build"
#endif

namespace parity::vectors {

namespace {

using Json = nlohmann::ordered_json;  // ordered: errors name the first bad key in file order
using FT = FieldType;

// ---- schema tables ---------------------------------------------------------------------

constexpr FieldSpec kCurveGroup[] = {{"curve", FT::string, true}};
constexpr FieldSpec kVersionGroup[] = {{"version", FT::integer, true}};
constexpr FieldSpec kHmacGroup[] = {{"tagSize", FT::integer, true}};
constexpr FieldSpec kCbcGroup[] = {{"keySize", FT::integer, true}, {"ivSize", FT::integer, true}};
constexpr FieldSpec kGcmGroup[] = {
    {"keySize", FT::integer, true}, {"ivSize", FT::integer, true}, {"tagSize", FT::integer, true}};

// Every primitive test says with `domain` whether Signal v3 makes that call (README.md):
// "signal-v3", "signal-v3-media" (attachments only) or "other".
constexpr FieldSpec kX25519Test[] = {{"domain", FT::string, true},
                                     {"private", FT::hex, true},
                                     {"public", FT::hex, true},
                                     {"shared", FT::hex, true},
                                     {"iterations", FT::integer, false}};
constexpr FieldSpec kX25519PublicTest[] = {
    {"domain", FT::string, true}, {"private", FT::hex, true}, {"public", FT::hex, true}};
constexpr FieldSpec kXeddsaTest[] = {
    {"domain", FT::string, true}, {"public", FT::hex, true}, {"message", FT::hex, true}, {"signature", FT::hex, true}};
constexpr FieldSpec kHkdfTest[] = {{"domain", FT::string, true}, {"ikm", FT::hex, true},        {"salt", FT::hex, true},
                                   {"info", FT::hex, true},      {"length", FT::integer, true}, {"okm", FT::hex, true}};
constexpr FieldSpec kHmacTest[] = {
    {"domain", FT::string, true}, {"key", FT::hex, true}, {"data", FT::hex, true}, {"mac", FT::hex, true}};
constexpr FieldSpec kHashTest[] = {
    {"domain", FT::string, true}, {"data", FT::hex, true}, {"repeat", FT::integer, false}, {"digest", FT::hex, true}};
constexpr FieldSpec kCbcTest[] = {{"domain", FT::string, true},
                                  {"key", FT::hex, true},
                                  {"iv", FT::hex, true},
                                  {"plaintext", FT::hex, true},
                                  {"ciphertext", FT::hex, true}};
constexpr FieldSpec kGcmTest[] = {
    {"domain", FT::string, true}, {"key", FT::hex, true},        {"iv", FT::hex, true}, {"aad", FT::hex, true},
    {"plaintext", FT::hex, true}, {"ciphertext", FT::hex, true}, {"tag", FT::hex, true}};
constexpr FieldSpec kKdfCkTest[] = {{"chain", FT::hex, true}, {"next_chain", FT::hex, true}, {"seed", FT::hex, true}};
// sender_key_step (KAT-3): one step of a Sender Keys chain; next_chain is the response's chain.
constexpr FieldSpec kSenderKeyStepTest[] = {{"chain", FT::hex, true},      {"next_chain", FT::hex, true},
                                            {"seed", FT::hex, true},       {"iv", FT::hex, true},
                                            {"cipher_key", FT::hex, true}};
constexpr FieldSpec kMessageKeysTest[] = {
    {"seed", FT::hex, true}, {"cipher_key", FT::hex, true}, {"mac_key", FT::hex, true}, {"iv", FT::hex, true}};
constexpr FieldSpec kKdfRkTest[] = {
    {"root", FT::hex, true}, {"dh", FT::hex, true}, {"next_root", FT::hex, true}, {"chain", FT::hex, true}};
// x3dh: which keys are present depends on "role"; the KAT test checks the combination.
constexpr FieldSpec kX3dhTest[] = {
    {"role", FT::string, true},
    {"alice_identity_private", FT::hex, false},
    {"alice_base_private", FT::hex, false},
    {"bob_identity_public", FT::hex, false},
    {"bob_signed_prekey_public", FT::hex, false},
    {"bob_identity_private", FT::hex, false},
    {"bob_signed_prekey_private", FT::hex, false},
    {"alice_identity_public", FT::hex, false},
    {"alice_base_public", FT::hex, false},
    {"root", FT::hex, true},
    {"chain", FT::hex, true},
};

// media: attachments (vectors/media). A valid vector gives its plaintext as `plaintext`,
// or as `pattern` repeated `repeat` times (large files), and `encrypted` unless it is too
// large to store (then file_enc_sha256 pins it); an invalid one gives `encrypted` and the
// reference's typed `error`.
constexpr FieldSpec kMediaTest[] = {
    {"media_type", FT::string, true},  {"media_key", FT::hex, true},  {"plaintext", FT::hex, false},
    {"pattern", FT::hex, false},       {"repeat", FT::integer, false}, {"encrypted", FT::hex, false},
    {"file_sha256", FT::hex, false},   {"file_enc_sha256", FT::hex, true}, {"error", FT::string, false},
};

constexpr Schema kSchemas[] = {
    {"x25519", kCurveGroup, kX25519Test},
    {"x25519_public", kCurveGroup, kX25519PublicTest},
    {"xeddsa_verify", kCurveGroup, kXeddsaTest},
    {"hkdf_sha256", {}, kHkdfTest},
    {"hmac_sha256", kHmacGroup, kHmacTest},
    {"sha256", {}, kHashTest},
    {"sha512", {}, kHashTest},
    {"aes256_cbc", kCbcGroup, kCbcTest},
    {"aes256_gcm", kGcmGroup, kGcmTest},
    {"kdf_ck", kVersionGroup, kKdfCkTest},
    {"message_keys", kVersionGroup, kMessageKeysTest},
    {"kdf_rk", kVersionGroup, kKdfRkTest},
    {"x3dh", kVersionGroup, kX3dhTest},
    {"sender_key_step", kVersionGroup, kSenderKeyStepTest},
    {"media", {}, kMediaTest},
};

// The keys every file, group and test has besides its kind's fields.
constexpr FieldSpec kTopLevel[] = {{"algorithm", FT::string, true},
                                   {"source", FT::string, true},
                                   {"schema", FT::string, true},
                                   {"notes", FT::string, false},
                                   {"testGroups", FT::string_list, true}};  // type checked by hand
constexpr FieldSpec kGroupCommon[] = {{"source", FT::string, false}, {"tests", FT::string_list, true}};
constexpr FieldSpec kTestCommon[] = {{"tcId", FT::integer, true},
                                     {"comment", FT::string, true},
                                     {"flags", FT::string_list, true},
                                     {"result", FT::string, true}};

constexpr int64_t kMaxInteger = (int64_t{1} << 53) - 1;  // PTP integers are within 0..2^53-1

// ---- JSON helpers ----------------------------------------------------------------------

std::string_view json_type(const Json& j) {
  switch (j.type()) {
    case Json::value_t::null: return "null";
    case Json::value_t::object: return "object";
    case Json::value_t::array: return "array";
    case Json::value_t::string: return "string";
    case Json::value_t::boolean: return "boolean";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned: return "integer";
    case Json::value_t::number_float: return "number with a fraction";
    default: return "other value";
  }
}

std::string quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

// Problem carries the location and text of the first error found.
struct Problem {
  std::string where;
  std::string what;
};

// decode_value checks a JSON value against a field type and converts it.
std::optional<std::string> decode_value(const Json& j, FieldType type, Value& out_) {
  switch (type) {
    case FT::hex: {
      if (!j.is_string()) return "expected a hex string, got " + std::string(json_type(j));
      const auto& s = j.get_ref<const std::string&>();
      for (size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
          return "bad hex: character " + quote(std::string(1, c)) + " at offset " + std::to_string(i) +
                 " (lowercase 0-9a-f only)";
        }
      }
      if (s.size() % 2 != 0) return "bad hex: odd length " + std::to_string(s.size());
      auto bytes = from_hex(s);
      if (!bytes.ok()) return "bad hex: " + bytes.error().detail;
      out_ = std::move(bytes).value();
      return std::nullopt;
    }
    case FT::integer: {
      if (!j.is_number_integer()) return "expected an integer, got " + std::string(json_type(j));
      if (j.is_number_unsigned()) {
        auto v = j.get<uint64_t>();
        if (v > static_cast<uint64_t>(kMaxInteger)) return "integer out of range 0..2^53-1";
        out_ = static_cast<int64_t>(v);
      } else {
        auto v = j.get<int64_t>();
        if (v < 0 || v > kMaxInteger) return "integer out of range 0..2^53-1";
        out_ = v;
      }
      return std::nullopt;
    }
    case FT::string:
      if (!j.is_string()) return "expected a string, got " + std::string(json_type(j));
      out_ = j.get<std::string>();
      return std::nullopt;
    case FT::boolean:
      if (!j.is_boolean()) return "expected true or false, got " + std::string(json_type(j));
      out_ = j.get<bool>();
      return std::nullopt;
    case FT::string_list: {
      if (!j.is_array()) return "expected an array of strings, got " + std::string(json_type(j));
      std::vector<std::string> list;
      for (size_t i = 0; i < j.size(); ++i) {
        if (!j[i].is_string()) {
          return "element " + std::to_string(i) + ": expected a string, got " + std::string(json_type(j[i]));
        }
        list.push_back(j[i].get<std::string>());
      }
      out_ = std::move(list);
      return std::nullopt;
    }
  }
  return "unknown field type";
}

// check_keys rejects keys outside the allowed tables (first in file order), then required
// keys that are absent (first in table order).
std::optional<std::string> check_keys(const Json& obj, std::initializer_list<std::span<const FieldSpec>> tables) {
  for (const auto& item : obj.items()) {
    const std::string& key = item.key();  // not a structured binding: clang 14 cannot capture those
    bool known = false;
    for (auto table : tables) {
      known = known || std::any_of(table.begin(), table.end(), [&](const FieldSpec& f) { return f.name == key; });
    }
    if (!known) return "unknown key " + quote(key);
  }
  for (auto table : tables) {
    for (const FieldSpec& f : table) {
      if (f.required && !obj.contains(std::string(f.name))) return "missing key " + quote(f.name);
    }
  }
  return std::nullopt;
}

// decode_fields converts the fields of `table` present in obj into name -> value.
std::optional<std::string> decode_fields(const Json& obj, std::span<const FieldSpec> table,
                                         std::map<std::string, Value, std::less<>>& out_) {
  for (const FieldSpec& f : table) {
    auto it = obj.find(std::string(f.name));
    if (it == obj.end()) continue;
    Value v;
    if (auto err = decode_value(*it, f.type, v)) return "key " + quote(f.name) + ": " + *err;
    out_.emplace(std::string(f.name), std::move(v));
  }
  return std::nullopt;
}

// DuplicateKeyFinder is a parser callback that records the first duplicate key with the
// path of the object holding it (nlohmann keeps the last value silently).
class DuplicateKeyFinder {
 public:
  bool operator()(int /*depth*/, nlohmann::detail::parse_event_t event, Json& parsed) {
    using E = nlohmann::detail::parse_event_t;
    switch (event) {
      case E::object_start:
      case E::array_start:
        count_element();
        frames_.push_back(Frame{event == E::array_start, -1, {}, {}});
        break;
      case E::object_end:
      case E::array_end:
        if (!frames_.empty()) frames_.pop_back();
        break;
      case E::key: {
        if (frames_.empty()) break;
        const auto& key = parsed.get_ref<const std::string&>();
        Frame& top = frames_.back();
        if (!top.keys.insert(key).second && !found_) found_ = Problem{path(), "duplicate key " + quote(key)};
        top.key = key;
        break;
      }
      case E::value:
        count_element();
        break;
    }
    return true;
  }
  const std::optional<Problem>& found() const { return found_; }

 private:
  struct Frame {
    bool is_array;
    int64_t index;
    std::string key;
    std::set<std::string> keys;
  };
  void count_element() {
    if (!frames_.empty() && frames_.back().is_array) ++frames_.back().index;
  }
  // path renders the location of the innermost container, e.g. testGroups[0].tests[3].
  std::string path() const {
    std::string out;
    for (size_t i = 0; i + 1 < frames_.size(); ++i) {
      const Frame& f = frames_[i];
      if (f.is_array) {
        out += "[" + std::to_string(f.index) + "]";
      } else {
        out += (out.empty() ? "" : ".") + f.key;
      }
    }
    return out.empty() ? "top level" : out;
  }
  std::vector<Frame> frames_;
  std::optional<Problem> found_;
};

// syntax_error turns a parse error into `line L, column C: reason`.
Problem syntax_error(const nlohmann::json::parse_error& e, std::string_view text) {
  size_t line = 1;
  size_t column = 1;
  size_t end = std::min(static_cast<size_t>(e.byte), text.size());
  for (size_t i = 0; i + 1 < end; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  std::string what = e.what();
  // Keep nlohmann's reason, not its prefix ("[json.exception.parse_error.101] parse error at ...: ").
  auto col = what.find("column ");
  auto colon = col == std::string::npos ? std::string::npos : what.find(": ", col);
  std::string reason = colon == std::string::npos ? what : what.substr(colon + 2);
  std::replace(reason.begin(), reason.end(), '\n', ' ');
  return Problem{"line " + std::to_string(line) + ", column " + std::to_string(column), "invalid JSON: " + reason};
}

Error make_load_error(std::string_view name, const Problem& p) {
  return make_error(Errc::malformed, std::string(name) + ": " + p.where + ": " + p.what);
}

std::optional<Problem> parse_test(const Json& j, const Schema& schema, const std::string& where, Vector& out_) {
  if (!j.is_object()) return Problem{where, "expected an object, got " + std::string(json_type(j))};
  // Name the tcId in every later message when it is readable.
  std::string at = where;
  if (auto it = j.find("tcId"); it != j.end() && it->is_number_integer()) {
    at += " (tcId " + it->dump() + ")";
  }
  if (auto err = check_keys(j, {kTestCommon, schema.test_fields})) return Problem{at, *err};
  std::map<std::string, Value, std::less<>> common;
  if (auto err = decode_fields(j, kTestCommon, common)) return Problem{at, *err};
  out_.tc_id = std::get<int64_t>(common.at("tcId"));
  if (out_.tc_id < 1) return Problem{at, "key \"tcId\": must be 1 or more"};
  out_.comment = std::get<std::string>(common.at("comment"));
  out_.flags = std::get<std::vector<std::string>>(common.at("flags"));
  const auto& result = std::get<std::string>(common.at("result"));
  if (result == "valid") {
    out_.result = Expect::valid;
  } else if (result == "invalid") {
    out_.result = Expect::invalid;
  } else if (result == "acceptable") {
    out_.result = Expect::acceptable;
  } else {
    return Problem{at, "key \"result\": expected \"valid\", \"invalid\" or \"acceptable\", got " + quote(result)};
  }
  std::map<std::string, Value, std::less<>> fields;
  if (auto err = decode_fields(j, schema.test_fields, fields)) return Problem{at, *err};
  out_.fields = Fields(std::move(fields));
  out_.where = at;
  return std::nullopt;
}

std::optional<Problem> parse_document(const Json& doc, VectorFile& out_) {
  const std::string top = "top level";
  if (!doc.is_object()) return Problem{top, "expected an object, got " + std::string(json_type(doc))};
  if (auto err = check_keys(doc, {kTopLevel})) return Problem{top, *err};
  for (std::string_view key : {"algorithm", "source", "schema", "notes"}) {
    auto it = doc.find(std::string(key));
    if (it != doc.end() && !it->is_string()) {
      return Problem{top, "key " + quote(key) + ": expected a string, got " + std::string(json_type(*it))};
    }
  }
  out_.algorithm = doc["algorithm"].get<std::string>();
  out_.source = doc["source"].get<std::string>();
  out_.kind = doc["schema"].get<std::string>();
  out_.notes = doc.value("notes", std::string());
  if (out_.source.empty()) return Problem{top, "key \"source\": must name the publication"};
  const Schema* schema = find_schema(out_.kind);
  if (schema == nullptr) {
    std::string known;
    for (const Schema& s : kSchemas) known += (known.empty() ? "" : ", ") + std::string(s.kind);
    return Problem{top, "key \"schema\": unknown vector kind " + quote(out_.kind) + " (known: " + known + ")"};
  }
  const Json& groups = doc["testGroups"];
  if (!groups.is_array()) return Problem{top, "key \"testGroups\": expected an array, got " + std::string(json_type(groups))};
  if (groups.empty()) return Problem{top, "key \"testGroups\": no test groups"};

  std::map<int64_t, std::string> seen;  // tcId -> first location
  for (size_t g = 0; g < groups.size(); ++g) {
    const Json& jg = groups[g];
    TestGroup group;
    group.where = "testGroups[" + std::to_string(g) + "]";
    if (!jg.is_object()) return Problem{group.where, "expected an object, got " + std::string(json_type(jg))};
    if (auto err = check_keys(jg, {kGroupCommon, schema->group_fields})) return Problem{group.where, *err};
    if (auto it = jg.find("source"); it != jg.end()) {
      if (!it->is_string()) return Problem{group.where, "key \"source\": expected a string, got " + std::string(json_type(*it))};
      group.source = it->get<std::string>();
    }
    std::map<std::string, Value, std::less<>> params;
    if (auto err = decode_fields(jg, schema->group_fields, params)) return Problem{group.where, *err};
    group.params = Fields(std::move(params));
    const Json& tests = jg["tests"];
    if (!tests.is_array()) return Problem{group.where, "key \"tests\": expected an array, got " + std::string(json_type(tests))};
    if (tests.empty()) return Problem{group.where, "key \"tests\": no tests"};
    for (size_t t = 0; t < tests.size(); ++t) {
      Vector test;
      if (auto p = parse_test(tests[t], *schema, group.where + ".tests[" + std::to_string(t) + "]", test)) return p;
      auto [it, fresh] = seen.emplace(test.tc_id, test.where);
      if (!fresh) return Problem{test.where, "duplicate tcId " + std::to_string(test.tc_id) + " (first at " + it->second + ")"};
      group.tests.push_back(std::move(test));
    }
    out_.groups.push_back(std::move(group));
  }
  return std::nullopt;
}

template <class T>
constexpr size_t kIndex = 0;
template <>
constexpr size_t kIndex<Bytes> = 0;
template <>
constexpr size_t kIndex<int64_t> = 1;
template <>
constexpr size_t kIndex<std::string> = 2;
template <>
constexpr size_t kIndex<bool> = 3;
template <>
constexpr size_t kIndex<std::vector<std::string>> = 4;

}  // namespace

// ---- public API ------------------------------------------------------------------------

std::string_view to_string(FieldType type) {
  switch (type) {
    case FT::hex: return "hex";
    case FT::integer: return "integer";
    case FT::string: return "string";
    case FT::boolean: return "boolean";
    case FT::string_list: return "list of strings";
  }
  return "?";
}

std::string_view to_string(Expect expect) {
  switch (expect) {
    case Expect::valid: return "valid";
    case Expect::invalid: return "invalid";
    case Expect::acceptable: return "acceptable";
  }
  return "?";
}

std::span<const Schema> schemas() { return kSchemas; }

const Schema* find_schema(std::string_view kind) {
  for (const Schema& s : kSchemas) {
    if (s.kind == kind) return &s;
  }
  return nullptr;
}

bool Fields::has(std::string_view name) const { return values_.find(name) != values_.end(); }

const Value* Fields::lookup(std::string_view name, size_t index) const {
  auto it = values_.find(name);
  static constexpr std::array<FieldType, 5> kTypes = {FT::hex, FT::integer, FT::string, FT::boolean, FT::string_list};
  if (it == values_.end()) {
    misuses_.push_back("read of absent field " + quote(name) + " as " + std::string(to_string(kTypes[index])));
    return nullptr;
  }
  used_.insert(std::string(name));
  if (it->second.index() != index) {
    misuses_.push_back("field " + quote(name) + " read as " + std::string(to_string(kTypes[index])) + " but it is " +
                       std::string(to_string(kTypes[it->second.index()])));
    return nullptr;
  }
  return &it->second;
}

const Bytes& Fields::hex(std::string_view name) const {
  static const Bytes kEmpty;
  const Value* v = lookup(name, kIndex<Bytes>);
  return v ? std::get<Bytes>(*v) : kEmpty;
}

int64_t Fields::integer(std::string_view name) const {
  const Value* v = lookup(name, kIndex<int64_t>);
  return v ? std::get<int64_t>(*v) : 0;
}

const std::string& Fields::string(std::string_view name) const {
  static const std::string kEmpty;
  const Value* v = lookup(name, kIndex<std::string>);
  return v ? std::get<std::string>(*v) : kEmpty;
}

bool Fields::boolean(std::string_view name) const {
  const Value* v = lookup(name, kIndex<bool>);
  return v ? std::get<bool>(*v) : false;
}

const std::vector<std::string>& Fields::strings(std::string_view name) const {
  static const std::vector<std::string> kEmpty;
  const Value* v = lookup(name, kIndex<std::vector<std::string>>);
  return v ? std::get<std::vector<std::string>>(*v) : kEmpty;
}

std::vector<std::string> Fields::unused() const {
  std::vector<std::string> out;
  for (const auto& [name, value] : values_) {
    if (used_.find(name) == used_.end()) out.push_back(name);
  }
  return out;
}

void Fields::reset_usage() const {
  used_.clear();
  misuses_.clear();
}

bool Vector::has_flag(std::string_view flag) const {
  return std::find(flags.begin(), flags.end(), flag) != flags.end();
}

size_t VectorFile::test_count() const {
  size_t n = 0;
  for (const TestGroup& g : groups) n += g.tests.size();
  return n;
}

std::vector<std::string> VectorFile::unconsumed() const {
  std::vector<std::string> out;
  for (const TestGroup& g : groups) {
    for (const std::string& f : g.params.unused()) {
      out.push_back(name + ": " + g.where + ": group field " + quote(f) + " was never used");
    }
    for (const std::string& m : g.params.misuses()) out.push_back(name + ": " + g.where + ": " + m);
    for (const Vector& t : g.tests) {
      for (const std::string& f : t.fields.unused()) {
        out.push_back(name + ": " + t.where + ": field " + quote(f) + " was never used");
      }
      for (const std::string& m : t.fields.misuses()) out.push_back(name + ": " + t.where + ": " + m);
    }
  }
  return out;
}

Result<VectorFile> parse_vector_file(std::string_view text, std::string_view name) {
  VectorFile file;
  file.name = std::string(name);
  DuplicateKeyFinder duplicates;
  Json doc;
  // nlohmann reports errors by exception; none may leave this module.
  try {
    doc = Json::parse(text.begin(), text.end(), std::ref(duplicates), /*allow_exceptions=*/true,
                      /*ignore_comments=*/false);
  } catch (const nlohmann::json::parse_error& e) {
    return make_load_error(name, syntax_error(e, text));
  } catch (const nlohmann::json::exception& e) {
    return make_load_error(name, Problem{"top level", std::string("invalid JSON: ") + e.what()});
  }
  if (duplicates.found()) return make_load_error(name, *duplicates.found());
  try {
    if (auto p = parse_document(doc, file)) return make_load_error(name, *p);
  } catch (const nlohmann::json::exception& e) {
    // A shape the checks above missed; still an error value, never an exception.
    return make_load_error(name, Problem{"top level", std::string("unexpected JSON shape: ") + e.what()});
  }
  return file;
}

Result<VectorFile> load_vector_file(const std::filesystem::path& path, std::string_view name) {
  std::string display = name.empty() ? path.generic_string() : std::string(name);
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(Errc::invalid_argument, display + ": cannot open file");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return make_error(Errc::invalid_argument, display + ": read error");
  return parse_vector_file(text.str(), display);
}

std::filesystem::path source_dir() { return std::filesystem::path(PARITY_SOURCE_DIR); }

Result<VectorFile> load_vectors(std::string_view relative) {
  return load_vector_file(source_dir() / std::filesystem::path(relative), relative);
}

std::vector<std::string> list_vector_files() {
  std::vector<std::string> out;
  std::error_code ec;
  const auto root = source_dir();
  for (std::filesystem::recursive_directory_iterator it(root / "vectors", ec), end; !ec && it != end; it.increment(ec)) {
    // vectors/stanza is the stanza corpus: XML files with their own manifest and loader
    // (reference/stanza, tests/stanza), not known-answer vector files.
    if (it->is_directory() && it->path().filename() == "stanza") {
      it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file() && it->path().extension() == ".json") {
      out.push_back(it->path().lexically_relative(root).generic_string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace parity::vectors
