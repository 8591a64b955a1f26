// corpus.h: the stanza corpus (vectors/stanza: valid/, invalid/, manifest.json) and the
// hostile stanzas too large to commit, generated here. Used by the STZ checks and by
// tests/stanza.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "reference/stanza/profile.h"

namespace parity::suites {

// Expect is what the profile says of a corpus file.
enum class Expect { valid, invalid };

// Hostility marks the inputs STZ-3 sends: attacks on XML parsers, not mere mistakes.
enum class Hostility { ordinary, hostile };

// UnwrapFields are what PTP `unwrap` returns for a valid message stanza (for a fan-out
// message: its first participant's enc).
struct UnwrapFields {
  std::string id;
  std::string to;
  std::string from;
  std::string kind;  // prekey, message or skmsg
  Bytes ciphertext;
};

// CorpusEntry is one file and its manifest entry.
struct CorpusEntry {
  std::string file;  // relative to the corpus folder: "valid/x.xml"
  std::string bytes;
  Expect expect = Expect::valid;
  std::string stanza;                                     // valid: message, iq or receipt
  std::optional<UnwrapFields> unwrap;                     // valid messages
  stanza::StanzaErrc code = stanza::StanzaErrc::bad_xml;  // invalid
  size_t offset = 0;                                      // invalid
  Hostility hostility = Hostility::ordinary;
};

// load_stanza_corpus reads the manifest and every file of `dir` (vectors/stanza). It
// refuses a manifest entry whose file is missing, a file of valid/ or invalid/ the
// manifest does not list, an invalid file whose name does not start with its code
// ("depth__..."), an unknown code, and any malformed entry.
Result<std::vector<CorpusEntry>> load_stanza_corpus(const std::filesystem::path& dir);

// generated_hostile_stanzas builds the big hostile inputs (over 1 MiB, 200,000-deep
// nesting, a 1 MiB attribute, a 256 KiB + 1 payload, 30,000 attributes), each with the
// code and offset reference/stanza gives; all are Hostility::hostile and invalid.
std::vector<CorpusEntry> generated_hostile_stanzas();

}  // namespace parity::suites
