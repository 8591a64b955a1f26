#include "harness/errors.h"

namespace parity::harness {

std::string_view to_string(HarnessErrc code) {
  switch (code) {
    case HarnessErrc::bad_argument:
      return "bad_argument";
    case HarnessErrc::bad_input:
      return "bad_input";
    case HarnessErrc::io:
      return "io";
  }
  return "io";
}

}  // namespace parity::harness
