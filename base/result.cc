#include "base/result.h"

namespace parity {

std::string_view to_string(Errc code) {
  switch (code) {
    case Errc::invalid_argument:
      return "invalid_argument";
    case Errc::invalid_key:
      return "invalid_key";
    case Errc::malformed:
      return "malformed";
    case Errc::bad_version:
      return "bad_version";
    case Errc::bad_signature:
      return "bad_signature";
    case Errc::bad_mac:
      return "bad_mac";
    case Errc::bad_padding:
      return "bad_padding";
    case Errc::duplicate_message:
      return "duplicate_message";
    case Errc::counter_too_far:
      return "counter_too_far";
    case Errc::no_session:
      return "no_session";
    case Errc::unknown_prekey:
      return "unknown_prekey";
    case Errc::untrusted_identity:
      return "untrusted_identity";
    case Errc::limit_exceeded:
      return "limit_exceeded";
    case Errc::crypto_failure:
      return "crypto_failure";
    case Errc::unsupported:
      return "unsupported";
    case Errc::internal:
      return "internal";
  }
  return "internal";
}

}  // namespace parity
