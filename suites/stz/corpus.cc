#include "suites/stz/corpus.h"

#include <fstream>
#include <iterator>
#include <set>

#include <nlohmann/json.hpp>

#include "base/base64.h"

namespace parity::suites {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

Error bad(const std::string& what) {
  return make_error(Errc::malformed, "stanza corpus: " + what);
}

std::optional<std::string> read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return std::nullopt;
  return s;
}

std::optional<std::string> string_field(const json& j, const char* name) {
  auto it = j.find(name);
  if (it == j.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

Result<CorpusEntry> entry_from(const std::string& file, const json& j) {
  if (!j.is_object()) return bad(file + ": the entry is not an object");
  CorpusEntry e;
  e.file = file;
  auto expect = string_field(j, "expect");
  if (expect == "valid") {
    e.expect = Expect::valid;
    if (!file.starts_with("valid/")) return bad(file + ": a valid entry lives in valid/");
    auto stanza = string_field(j, "stanza");
    if (stanza != "message" && stanza != "iq" && stanza != "receipt") {
      return bad(file + ": \"stanza\" is message, iq or receipt");
    }
    e.stanza = *stanza;
    if (auto u = j.find("unwrap"); u != j.end()) {
      UnwrapFields f;
      auto id = string_field(*u, "id"), to = string_field(*u, "to"), from = string_field(*u, "from"),
           kind = string_field(*u, "kind"), ct = string_field(*u, "ciphertext");
      if (!id || !to || !from || !kind || !ct) return bad(file + ": unwrap needs id, to, from, kind and ciphertext");
      auto bytes = from_hex(*ct);
      if (!bytes.ok()) return bad(file + ": unwrap.ciphertext is not hex");
      f = UnwrapFields{*id, *to, *from, *kind, std::move(bytes).value()};
      e.unwrap = std::move(f);
    } else if (e.stanza == "message") {
      return bad(file + ": a valid message names the fields unwrap returns");
    }
  } else if (expect == "invalid") {
    e.expect = Expect::invalid;
    if (!file.starts_with("invalid/")) return bad(file + ": an invalid entry lives in invalid/");
    auto code = string_field(j, "code");
    auto errc = code ? stanza::parse_errc(*code) : std::nullopt;
    if (!errc) return bad(file + ": unknown or missing code");
    if (!fs::path(file).filename().string().starts_with(*code + "__")) {
      return bad(file + ": an invalid file is named after its code (" + *code + "__...)");
    }
    e.code = *errc;
    auto off = j.find("offset");
    if (off == j.end() || !off->is_number_unsigned()) return bad(file + ": \"offset\" is a byte offset");
    e.offset = off->get<size_t>();
    if (auto h = j.find("hostile"); h != j.end()) {
      if (!h->is_boolean()) return bad(file + ": \"hostile\" is a boolean");
      e.hostility = h->get<bool>() ? Hostility::hostile : Hostility::ordinary;
    }
  } else {
    return bad(file + ": \"expect\" is valid or invalid");
  }
  return e;
}

}  // namespace

Result<std::vector<CorpusEntry>> load_stanza_corpus(const fs::path& dir) {
  auto text = read_all(dir / "manifest.json");
  if (!text) return bad("cannot read " + (dir / "manifest.json").string());
  json manifest = json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (!manifest.is_object() || !manifest.contains("files") || !manifest["files"].is_object()) {
    return bad("manifest.json is not an object with \"files\"");
  }
  std::vector<CorpusEntry> out;
  std::set<std::string> listed;
  for (const auto& [file, j] : manifest["files"].items()) {
    auto e = entry_from(file, j);
    if (!e.ok()) return e.error();
    auto bytes = read_all(dir / file);
    if (!bytes) return bad("the manifest lists " + file + ", which does not exist or cannot be read");
    e->bytes = std::move(*bytes);
    listed.insert(file);
    out.push_back(std::move(e).value());
  }
  for (const char* sub : {"valid", "invalid"}) {
    std::error_code ec;
    for (const auto& f : fs::directory_iterator(dir / sub, ec)) {
      const std::string rel = std::string(sub) + "/" + f.path().filename().string();
      if (!listed.contains(rel)) return bad(rel + " is not in manifest.json");
    }
    if (ec) return bad("cannot list " + (dir / sub).string() + ": " + ec.message());
  }
  return out;
}

std::vector<CorpusEntry> generated_hostile_stanzas() {
  using stanza::StanzaErrc;
  const std::string head = R"(<message id="big" to="bob@interop.example" from="alice@provider.example" type="text")";
  const std::string enc = R"(<enc v="2" type="msg">AAAA</enc>)";
  std::vector<CorpusEntry> out;
  auto add = [&](std::string name, std::string bytes, StanzaErrc code, size_t offset) {
    CorpusEntry e;
    e.file = "generated/" + name;
    e.bytes = std::move(bytes);
    e.expect = Expect::invalid;
    e.code = code;
    e.offset = offset;
    e.hostility = Hostility::hostile;
    out.push_back(std::move(e));
  };
  const size_t mib = stanza::kLimits.max_stanza_bytes;
  {  // 1 MiB + 1 byte of otherwise valid XML (unknown elements): refused for its size alone.
    std::string s = head + ">" + enc;
    const std::string tail = "</message>";
    while (s.size() + tail.size() < mib + 1) s += "<p/>";
    s.resize(mib + 1 - tail.size(), ' ');
    s += tail;
    add("too_large__1MiB_plus_1.xml", std::move(s), StanzaErrc::too_large, mib);
  }
  {  // An attribute that "claims" 100 MB: its value runs past the end of a 1 MiB + 1 stanza.
    std::string s = head + R"( note=")";
    s.resize(mib + 1, 'A');
    add("too_large__100MB_attribute_claim.xml", std::move(s), StanzaErrc::too_large, mib);
  }
  {  // The same claim inside 1 MiB: refused at 4 KiB into the value.
    std::string s = head + R"( note=")";
    const size_t v0 = s.size();
    s.resize(mib - 100, 'A');
    s += "\">" + enc + "</message>";
    add("attribute_length__1MiB_attribute.xml", std::move(s), StanzaErrc::attribute_length, v0);
  }
  {  // 200,000-deep nesting (600 KB of "<a>").
    std::string s;
    for (int i = 0; i < 200000; ++i) s += "<a>";
    add("depth__200000_levels.xml", std::move(s), StanzaErrc::depth, 16 * 3);
  }
  {  // 30,000 attributes on one element.
    std::string s = "<message";
    size_t at33 = 0;
    for (int i = 0; i < 30000; ++i) {
      if (i == 32) at33 = s.size() + 1;
      s += " a" + std::to_string(i) + "=\"\"";
    }
    s += "/>";
    add("attribute_count__30000.xml", std::move(s), StanzaErrc::attribute_count, at33);
  }
  {  // A payload of 256 KiB + 1 byte.
    std::string s = head + R"(><enc v="2" type="msg">)";
    const size_t text = s.size();
    s += base64_encode(Bytes(stanza::kLimits.max_payload_bytes + 1, 0x33));
    s += "</enc></message>";
    add("payload_too_large__256KiB_plus_1.xml", std::move(s), StanzaErrc::payload_too_large, text);
  }
  {  // 100,000 undefined entity references (an expansion attempt without a DTD).
    std::string s = head + "><x>";
    const size_t first = s.size();
    for (int i = 0; i < 100000; ++i) s += "&lol9;";
    s += "</x>" + enc + "</message>";
    add("entity__100000_references.xml", std::move(s), StanzaErrc::entity, first);
  }
  {  // Invalid UTF-8 deep into a large stanza.
    std::string s = head + "><x>";
    s.append(500000, 'a');
    const size_t at = s.size();
    s += "\xff</x>" + enc + "</message>";
    add("not_utf8__after_500KB.xml", std::move(s), StanzaErrc::not_utf8, at);
  }
  return out;
}

}  // namespace parity::suites
