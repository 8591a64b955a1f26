// base64_decode.cc: the strict base64 codec. Properties: an accepted text re-encodes to
// itself (one spelling per byte string), a refused one leaves nothing behind and points
// inside the text, and the input taken as bytes encodes to a text that decodes back.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/fuzz_check.h"
#include "base/base64.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace parity;
  const ByteView input(data, size);
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  Bytes out{0xaa};
  Base64Status st = base64_decode(text, out);
  if (st.ok()) {
    fuzz::require(out.size() == base64_decoded_size(text), "decoded size as predicted", input);
    fuzz::require(base64_encode(out) == text, "decode then encode gives the text back", input);
  } else {
    fuzz::require(out.empty(), "a refused decode leaves out_ empty", input);
    fuzz::require(st.offset <= size, "a refusal's offset is inside the text", input);
  }
  const std::string enc = base64_encode(input);
  fuzz::require(enc.size() == base64_encoded_size(size), "encoded size as predicted", input);
  Bytes back;
  fuzz::require(base64_decode(enc, back).ok() && back == Bytes(input.begin(), input.end()),
                "encode then decode gives the bytes back", input);
  return 0;
}
