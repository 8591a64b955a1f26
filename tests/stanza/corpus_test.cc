// corpus_test.cc: vectors/stanza and its manifest load; every file gets exactly the
// verdict, code and offset the manifest gives (the generator computed them without the
// parser); valid files round-trip through the writer; the loader refuses a manifest
// entry without its file and a file without its entry; the generated hostile inputs
// are refused as declared, quickly.
#include "suites/stz/corpus.h"

#include <chrono>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "reference/stanza/stanza.h"

namespace parity::suites {
namespace {

namespace fs = std::filesystem;

const fs::path kCorpus = "vectors/stanza";

TEST(StanzaCorpus, LoadsAndMatchesTheManifest) {
  auto corpus = load_stanza_corpus(kCorpus);
  ASSERT_TRUE(corpus.ok()) << corpus.error().detail;
  size_t valid = 0, invalid = 0, hostile = 0;
  for (const CorpusEntry& e : *corpus) {
    SCOPED_TRACE(e.file);
    auto s = stanza::parse(e.bytes);
    if (e.expect == Expect::valid) {
      ++valid;
      ASSERT_TRUE(s.ok()) << stanza::to_string(s.error().code) << " at " << s.error().offset << ": "
                          << s.error().message;
      const char* root = std::holds_alternative<stanza::Message>(*s)     ? "message"
                         : std::holds_alternative<stanza::KeyBundle>(*s) ? "iq"
                                                                         : "receipt";
      EXPECT_EQ(e.stanza, root);
      // The canonical text parses back to the same struct.
      auto w = stanza::write(*s);
      ASSERT_TRUE(w.ok()) << w.error().message;
      auto back = stanza::parse(*w);
      ASSERT_TRUE(back.ok());
      EXPECT_TRUE(*back == *s);
      if (e.unwrap) {
        const auto& m = std::get<stanza::Message>(*s);
        EXPECT_EQ(m.id, e.unwrap->id);
        EXPECT_EQ(m.to, e.unwrap->to);
        EXPECT_EQ(m.from, e.unwrap->from);
        const stanza::Enc* enc = std::get_if<stanza::Enc>(&m.payload);
        if (enc == nullptr) enc = &std::get<std::vector<stanza::Participant>>(m.payload).front().enc;
        EXPECT_EQ(enc->ciphertext, e.unwrap->ciphertext);
        const char* kind = enc->type == stanza::EncType::pkmsg ? "prekey"
                           : enc->type == stanza::EncType::msg ? "message"
                                                               : "skmsg";
        EXPECT_EQ(e.unwrap->kind, kind);
      }
    } else {
      ++invalid;
      if (e.hostility == Hostility::hostile) ++hostile;
      ASSERT_FALSE(s.ok());
      EXPECT_EQ(stanza::to_string(s.error().code), stanza::to_string(e.code)) << s.error().message;
      EXPECT_EQ(s.error().offset, e.offset) << s.error().message;
    }
  }
  EXPECT_GE(valid, 10u);
  EXPECT_GE(invalid, 60u);
  EXPECT_GE(hostile, 20u);
}

TEST(StanzaCorpus, EveryRuleHasAnInvalidFile) {
  auto corpus = load_stanza_corpus(kCorpus);
  ASSERT_TRUE(corpus.ok()) << corpus.error().detail;
  std::set<stanza::StanzaErrc> codes;
  for (const CorpusEntry& e : *corpus) {
    if (e.expect == Expect::invalid) codes.insert(e.code);
  }
  for (const CorpusEntry& e : generated_hostile_stanzas()) codes.insert(e.code);
  for (const stanza::Rule& r : stanza::kRules) EXPECT_TRUE(codes.contains(r.code)) << r.name;
}

// copy_corpus copies vectors/stanza to a scratch folder the test may break.
fs::path copy_corpus(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("parity_stanza_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::copy(kCorpus, dir, fs::copy_options::recursive);
  return dir;
}

TEST(StanzaCorpus, RefusesAManifestEntryWithoutItsFile) {
  const fs::path dir = copy_corpus("missing");
  fs::remove(dir / "valid" / "key_bundle.xml");
  auto corpus = load_stanza_corpus(dir);
  ASSERT_FALSE(corpus.ok());
  EXPECT_NE(corpus.error().detail.find("valid/key_bundle.xml"), std::string::npos) << corpus.error().detail;
  fs::remove_all(dir);
}

TEST(StanzaCorpus, RefusesAFileWithoutAManifestEntry) {
  const fs::path dir = copy_corpus("unlisted");
  std::ofstream(dir / "invalid" / "depth__unlisted.xml") << "<a/>";
  auto corpus = load_stanza_corpus(dir);
  ASSERT_FALSE(corpus.ok());
  EXPECT_NE(corpus.error().detail.find("invalid/depth__unlisted.xml"), std::string::npos) << corpus.error().detail;
  fs::remove_all(dir);
}

TEST(StanzaCorpus, RefusesAFileNamedAfterAnotherCode) {
  const fs::path dir = copy_corpus("misnamed");
  fs::rename(dir / "invalid" / "depth__17_levels.xml", dir / "invalid" / "comment__17_levels.xml");
  std::string manifest;
  {
    std::ifstream in(dir / "manifest.json");
    manifest.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  const std::string from = "invalid/depth__17_levels.xml", to = "invalid/comment__17_levels.xml";
  manifest.replace(manifest.find(from), from.size(), to);
  std::ofstream(dir / "manifest.json") << manifest;
  auto corpus = load_stanza_corpus(dir);
  ASSERT_FALSE(corpus.ok());
  EXPECT_NE(corpus.error().detail.find("named after its code"), std::string::npos) << corpus.error().detail;
  fs::remove_all(dir);
}

TEST(StanzaCorpus, GeneratedHostileInputsAreRefusedQuickly) {
  for (const CorpusEntry& e : generated_hostile_stanzas()) {
    SCOPED_TRACE(e.file);
    const auto start = std::chrono::steady_clock::now();
    auto s = stanza::parse(e.bytes);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(stanza::to_string(s.error().code), stanza::to_string(e.code)) << s.error().message;
    EXPECT_EQ(s.error().offset, e.offset) << s.error().message;
    EXPECT_LT(ms.count(), 1000) << "a hostile input should be refused in linear time";
  }
}

TEST(StanzaCorpus, TenThousandDeepAndMillionDeepNesting) {
  // 350,000 levels fit in 1 MiB; the scan refuses at level 17 without building a tree.
  std::string s;
  while (s.size() + 3 <= stanza::kLimits.max_stanza_bytes) s += "<a>";
  auto r = stanza::parse(s);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, stanza::StanzaErrc::depth);
  EXPECT_EQ(r.error().offset, 48u);
}

}  // namespace
}  // namespace parity::suites
