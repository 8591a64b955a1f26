// stanza_bench.cc: parsing stanzas (reference/stanza) beside raw pugixml and expat on
// the same bytes. BM_StanzaTypedParse is the whole profile: the lexical scan (UTF-8,
// entities, depth, attributes), pugixml's tree and the typed walk with base64 decoding,
// on a typical ~400-byte message. BM_StanzaRawPugixml is pugixml alone (default flags,
// no checks, no structs), BM_StanzaExpat expat streaming with start/end handlers; both
// create their parser per stanza as the typed parse does. BM_StanzaFloor is the least
// any typed parser built on pugixml must do: load_buffer with the parser's flags and
// the base64 decoding of the payload, nothing else. Goals (printed by
// print_stanza_ratios): typed >= 0.7x raw pugixml's throughput and >= 3x expat's.
#include <cstdio>
#include <functional>
#include <optional>
#include <ostream>
#include <string>

#include <benchmark/benchmark.h>
#include <expat.h>
#include <pugixml.hpp>

#include "bench/bench.h"
#include "base/base64.h"
#include "reference/stanza/stanza.h"

namespace parity::bench {
namespace {

Bytes pattern(size_t n, uint8_t seed) {
  Bytes b(n);
  for (size_t i = 0; i < n; ++i) b[i] = static_cast<uint8_t>(i * 167 + seed);
  return b;
}

// typical_message: a pkmsg of 200 bytes (a PreKeySignalMessage of a short text) with
// the attributes of the profile's example: about 400 bytes of XML.
const std::string& typical_message() {
  static const std::string text = [] {
    stanza::Message m{"3EB0A1B2C3D4E5F6",
                      "bob@interop.example",
                      "alice@provider.example",
                      stanza::MessageType::text,
                      1732600000,
                      stanza::Enc{stanza::EncType::pkmsg, std::nullopt, pattern(200, 1)}};
    return stanza::write(m).value();
  }();
  return text;
}

const std::string& key_bundle() {
  static const std::string text = [] {
    stanza::UserKeys u{"bob@interop.example", 12345, {}, {1, {}, {}}, stanza::PreKey{2, {}}};
    u.identity[0] = 1;
    stanza::KeyBundle k{"k1", "interop.example", {u}};
    return stanza::write(k).value();
  }();
  return text;
}

const std::string& fanout64() {
  static const std::string text = [] {
    std::vector<stanza::Participant> list;
    for (int i = 0; i < 64; ++i) {
      list.push_back({"bob." + std::to_string(i) + "@interop.example",
                      stanza::Enc{stanza::EncType::pkmsg, std::nullopt, pattern(200, static_cast<uint8_t>(i))}});
    }
    stanza::Message m{"3EB0A1B2C3D4E5F6", "bob@interop.example", "alice@provider.example", stanza::MessageType::text,
                      1732600000,         std::move(list)};
    return stanza::write(m).value();
  }();
  return text;
}

void typed(benchmark::State& state, const std::string& text) {
  for (auto _ : state) {
    auto s = stanza::parse(text);
    if (!s.ok()) {
      state.SkipWithError("the benchmark stanza does not parse");
      return;
    }
    benchmark::DoNotOptimize(s);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
  state.counters["bytes"] = static_cast<double>(text.size());
}

void BM_StanzaTypedParse(benchmark::State& state) {
  typed(state, typical_message());
}
void BM_StanzaKeyBundle(benchmark::State& state) {
  typed(state, key_bundle());
}
void BM_StanzaFanout64(benchmark::State& state) {
  typed(state, fanout64());
}

void BM_StanzaRawPugixml(benchmark::State& state) {
  const std::string& text = typical_message();
  for (auto _ : state) {
    pugi::xml_document doc;
    pugi::xml_parse_result r = doc.load_buffer(text.data(), text.size(), pugi::parse_default, pugi::encoding_utf8);
    benchmark::DoNotOptimize(r);
    benchmark::DoNotOptimize(doc.first_child());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}

void BM_StanzaFloor(benchmark::State& state) {
  const std::string& text = typical_message();
  const unsigned flags = stanza::pugixml_parse_flags();
  for (auto _ : state) {
    pugi::xml_document doc;
    pugi::xml_parse_result r = doc.load_buffer(text.data(), text.size(), flags, pugi::encoding_utf8);
    // <message><enc>payload</enc></message>: the shortest way to the payload's text.
    const char* payload = doc.first_child().first_child().first_child().value();
    Bytes out;
    const Base64Status st = base64_decode(payload, out);
    if (!r || !st.ok() || out.empty()) {
      state.SkipWithError("the benchmark payload does not decode");
      return;
    }
    benchmark::DoNotOptimize(out);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}

struct ExpatCounts {
  int starts = 0;
  int ends = 0;
};

void BM_StanzaExpat(benchmark::State& state) {
  const std::string& text = typical_message();
  for (auto _ : state) {
    XML_Parser p = XML_ParserCreate("UTF-8");
    ExpatCounts counts;
    XML_SetUserData(p, &counts);
    XML_SetElementHandler(
        p, [](void* u, const XML_Char*, const XML_Char**) { ++static_cast<ExpatCounts*>(u)->starts; },
        [](void* u, const XML_Char*) { ++static_cast<ExpatCounts*>(u)->ends; });
    const XML_Status st = XML_Parse(p, text.data(), static_cast<int>(text.size()), 1);
    benchmark::DoNotOptimize(st);
    benchmark::DoNotOptimize(counts);
    XML_ParserFree(p);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}

BENCHMARK(BM_StanzaTypedParse);
BENCHMARK(BM_StanzaRawPugixml);
BENCHMARK(BM_StanzaExpat);
BENCHMARK(BM_StanzaFloor);
BENCHMARK(BM_StanzaKeyBundle);
BENCHMARK(BM_StanzaFanout64);

}  // namespace

void print_stanza_ratios(const std::function<std::optional<double>(const std::string&)>& time_of, std::ostream& out) {
  const std::optional<double> typed_ns = time_of("BM_StanzaTypedParse");
  if (!typed_ns) return;
  const std::optional<double> pugi_ns = time_of("BM_StanzaRawPugixml");
  const std::optional<double> expat_ns = time_of("BM_StanzaExpat");
  char line[256];
  out << "\nStanza parsing (" << typical_message().size()
      << "-byte message; throughput ratio = other's time / typed's time)\n";
  auto row = [&](const char* vs, std::optional<double> other, double goal) {
    if (!other) {
      std::snprintf(line, sizeof line, "  typed vs %-12s n/a\n", vs);
    } else {
      const double r = *other / *typed_ns;
      std::snprintf(line, sizeof line, "  typed vs %-12s %8.0f ns vs %8.0f ns  x%.2f  goal >= %.1f  %s\n", vs,
                    *typed_ns, *other, r, goal, r >= goal ? "met" : "NOT MET");
    }
    out << line;
  };
  row("raw pugixml", pugi_ns, 0.7);
  row("expat", expat_ns, 3.0);
  // The floor says how far 0.7x of raw pugixml is reachable with pugixml on the path.
  if (const std::optional<double> floor_ns = time_of("BM_StanzaFloor"); floor_ns && pugi_ns) {
    std::snprintf(line, sizeof line, "  floor (pugixml + base64 only) %8.0f ns  x%.2f of raw pugixml\n", *floor_ns,
                  *pugi_ns / *floor_ns);
    out << line;
  }
  for (const char* name : {"BM_StanzaKeyBundle", "BM_StanzaFanout64"}) {
    if (auto ns = time_of(name)) {
      std::snprintf(line, sizeof line, "  %-22s %10.0f ns\n", name, *ns);
      out << line;
    }
  }
  out.flush();
}

}  // namespace parity::bench
