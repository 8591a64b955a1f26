// stanza_parse.cc: reference/stanza's parser on arbitrary bytes. Properties: it never
// crashes; a refusal points inside the input; an accepted stanza is writable, its
// canonical text parses back to the same struct, and that text is a fixed point
// (writing the re-parsed struct gives the same bytes).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/fuzz_check.h"
#include "reference/stanza/stanza.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace parity;
  const ByteView input(data, size);
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto s = stanza::parse(text);
  if (!s.ok()) {
    fuzz::require(s.error().offset <= size, "a refusal's offset is inside the input", input);
    fuzz::require(!s.error().message.empty(), "a refusal says why", input);
    return 0;
  }
  auto w = stanza::write(*s);
  fuzz::require(w.ok(), "an accepted stanza is writable", input);
  auto back = stanza::parse(*w);
  fuzz::require(back.ok(), "the canonical text of an accepted stanza parses", input);
  fuzz::require(*back == *s, "parse(write(parse(x))) == parse(x)", input);
  fuzz::require(stanza::write_unchecked(*back) == *w, "the canonical text is a fixed point", input);
  return 0;
}
