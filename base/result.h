// result.h: errors as values for the reference library.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace parity {

// Errc names each way an operation of the reference can fail. Codes are stable: the
// PTP layer maps them to its closed set of error codes (see to_ptp_code).
enum class Errc {
  invalid_argument,    // a caller passed a value of the wrong size or range
  invalid_key,         // a public key is not a 33-byte 0x05 key, or a private key is bad
  malformed,           // bytes failed to decode (truncated, bad varint, unknown field)
  bad_version,         // a message's version byte is not 0x33
  bad_signature,       // a signed prekey's signature does not verify
  bad_mac,             // a message's MAC does not verify
  bad_padding,         // AES-CBC padding is wrong after a valid MAC
  duplicate_message,   // the message key for this counter was already used
  counter_too_far,     // the counter jumps more than the chain allows
  no_session,          // no session with this peer
  unknown_prekey,      // a prekey message names a prekey we do not hold
  untrusted_identity,  // the peer's identity key changed
  limit_exceeded,      // an input or a store is larger than a bound
  crypto_failure,      // the crypto library refused an operation
  unsupported,         // asked for something this build does not do
  internal,            // an invariant broke
};

// to_string returns the enum name of a code, for messages and logs.
std::string_view to_string(Errc code);

// Error is a typed error code with a detail for people.
struct Error {
  Errc code;
  std::string detail;
};

inline Error make_error(Errc code, std::string detail = {}) {
  return Error{code, std::move(detail)};
}

// BasicResult holds either a value of T or an error of type E, like std::expected. E has
// a `code` member; the reference uses Error (Result below), its media and stanza layers
// their own typed errors (media::MediaResult, stanza::StanzaResult).
template <class T, class E>
class [[nodiscard]] BasicResult {
 public:
  BasicResult(T value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  BasicResult(E error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)
  // BasicResult(std::in_place, args...) builds the value in place: no move of a large T.
  template <class... Args>
  explicit BasicResult(std::in_place_t, Args&&... args) : v_(std::in_place_index<0>, std::forward<Args>(args)...) {}
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const E& error() const { return std::get<1>(v_); }
  auto code() const { return error().code; }

 private:
  std::variant<T, E> v_;
};

// BasicResult<void, E> is a status: success, or an error of type E.
template <class E>
class [[nodiscard]] BasicResult<void, E> {
 public:
  BasicResult() = default;
  BasicResult(E error) : err_(std::move(error)) {}  // NOLINT(google-explicit-constructor)
  bool ok() const { return !err_.has_value(); }
  explicit operator bool() const { return ok(); }
  const E& error() const { return *err_; }
  auto code() const { return err_->code; }

 private:
  std::optional<E> err_;
};

// Result holds either a value of T or an Error; Result<void> (Status) only the error.
template <class T>
using Result = BasicResult<T, Error>;

using Status = Result<void>;

}  // namespace parity

// PARITY_TRY evaluates a Result expression and returns its error from the enclosing
// function when it failed.
#define PARITY_TRY(expr)            \
  do {                              \
    auto parity_try_r_ = (expr);    \
    if (!parity_try_r_.ok()) {      \
      return parity_try_r_.error(); \
    }                               \
  } while (0)

#define PARITY_CONCAT_INNER_(a, b) a##b
#define PARITY_CONCAT_(a, b) PARITY_CONCAT_INNER_(a, b)
// PARITY_ASSIGN declares `decl` from the value of a Result expression, or returns its error.
#define PARITY_ASSIGN(decl, expr) PARITY_ASSIGN_IMPL_(PARITY_CONCAT_(parity_r_, __LINE__), decl, expr)
#define PARITY_ASSIGN_IMPL_(tmp, decl, expr) \
  auto tmp = (expr);                         \
  if (!tmp.ok()) {                           \
    return tmp.error();                      \
  }                                          \
  decl = std::move(tmp).value()
