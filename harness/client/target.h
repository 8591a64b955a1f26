// target.h: a target process as a check sees it: typed PTP operations that return a
// value, a refusal (a PTP error response) or a violation (the target broke PTP).
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "harness/client/transcript.h"
#include "ptp/ptp.h"

namespace parity::harness {

using ptp::Json;

// ViolationKind names each way a target can break PTP.
enum class ViolationKind {
  start_failed,    // the command could not be started
  exited,          // the process exited (status in detail)
  signaled,        // the process died of a signal
  timeout,         // no complete response within the time limit
  not_json,        // a response line is not JSON
  not_object,      // a response is JSON but not an object
  wrong_id,        // a response's id does not echo the request's
  missing_field,   // a required response field is absent or of the wrong type
  bad_value,       // a field has a value outside its domain (bad hex, unknown error code)
  oversized_line,  // a response line longer than 16 MiB
  bad_hello,       // hello refused or malformed
};
std::string_view to_string(ViolationKind kind);

// Violation is evidence that the target broke the protocol.
struct Violation {
  ViolationKind kind = ViolationKind::exited;
  std::string detail;
  std::string stderr_tail;  // the last bounded part of the target's stderr
};

// Refusal is a well-formed PTP error response.
struct Refusal {
  ptp::ErrorCode code = ptp::ErrorCode::internal;
  std::string detail;
};

// Op is the outcome of one PTP operation.
template <class T>
class Op {
 public:
  Op(T v) : v_(std::move(v)) {}          // NOLINT(google-explicit-constructor)
  Op(Refusal r) : v_(std::move(r)) {}    // NOLINT(google-explicit-constructor)
  Op(Violation v) : v_(std::move(v)) {}  // NOLINT(google-explicit-constructor)
  bool ok() const { return v_.index() == 0; }
  bool refused() const { return v_.index() == 1; }
  bool violated() const { return v_.index() == 2; }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  T& operator*() { return value(); }
  T* operator->() { return &value(); }
  const Refusal& refusal() const { return std::get<1>(v_); }
  const Violation& violation() const { return std::get<2>(v_); }

 private:
  std::variant<T, Refusal, Violation> v_;
};

struct Unit {};

// Hello is a target's hello response.
struct Hello {
  std::string implementation;
  std::string version;
  std::string protocol;
  std::vector<std::string> capabilities;
  Json limits = Json::object();
  bool has(std::string_view capability) const;
  // limit returns a declared bound, if any.
  std::optional<uint64_t> limit(const char* name) const;
};

// BundleResult is a bundle and its optional layout ranges.
struct BundleResult {
  Bytes bundle;
  Json layout;  // null when the target gave none
};

// CiphertextResult is an encrypt response.
struct CiphertextResult {
  Bytes ciphertext;
  std::string kind;  // "prekey" or "message"
};

// Inject carries the optional `*_private` and `*_id` fields of a request.
struct Inject {
  std::optional<Key32> identity_private;
  std::optional<uint32_t> registration_id;
  std::optional<Key32> signed_prekey_private;
  std::optional<uint32_t> signed_prekey_id;
  std::optional<Key32> onetime_prekey_private;
  std::optional<uint32_t> prekey_id;
  std::optional<Key32> base_private;
  std::optional<Key32> ratchet_private;
  void add_to(Json& request) const;
};

// Limits are the time limits of a target process.
struct Limits {
  std::chrono::milliseconds hello{10000};
  std::chrono::milliseconds request{10000};
};

// Target is one running target process. Every method records its exchange in the
// current transcript. After a violation the process is dead or untrusted: the
// runner restarts it before the next check (restart()).
class Target {
 public:
  virtual ~Target() = default;
  // name labels the transcript lines ("target", "baseline").
  virtual const std::string& name() const = 0;
  virtual const Hello& hello() const = 0;

  // call sends a raw request object (the id is added) and returns the response object
  // (ok or not); only protocol violations are errors. Used by doctor and replay.
  virtual Op<Json> call(Json request) = 0;
  // send_raw writes a line as is and reads one response line (doctor's malformed input).
  virtual Op<Json> send_raw(const std::string& line) = 0;

  virtual Op<Unit> reset(std::optional<Key32> seed) = 0;
  virtual Op<Bytes> create(const std::string& party, const Inject& inject = {}) = 0;
  virtual Op<BundleResult> bundle(const std::string& party, const Inject& inject = {}) = 0;
  virtual Op<Unit> initiate(const std::string& party, const std::string& peer, ByteView bundle,
                            const Inject& inject = {}) = 0;
  virtual Op<CiphertextResult> encrypt(const std::string& party, const std::string& peer, ByteView plaintext,
                                       const Inject& inject = {}) = 0;
  virtual Op<Bytes> decrypt(const std::string& party, const std::string& peer, ByteView ciphertext,
                            const std::string& kind, const Inject& inject = {}) = 0;
  virtual Op<Bytes> export_state(const std::string& party) = 0;
  virtual Op<Unit> import_state(const std::string& party, ByteView state) = 0;
  // primitive sends {"op":"primitive","name":..., fields...} and returns the response body.
  virtual Op<Json> primitive(const std::string& name, const Json& fields) = 0;

  // restart kills the process (if alive) and starts it again, checking hello.
  virtual Op<Unit> restart() = 0;
  // alive tells whether the process is running and trusted.
  virtual bool alive() const = 0;
  // transcript gives the lines recorded since the last take_transcript().
  virtual Transcript take_transcript() = 0;
  // stderr_tail returns the bounded tail of what the target wrote to stderr.
  virtual std::string stderr_tail() const = 0;
  // round_trips counts requests answered since start.
  virtual uint64_t round_trips() const = 0;
};

// StartError says why a target could not be started (exit status 3).
struct StartError {
  Violation violation;
};

// start_target runs `command` (a shell command line; built-in names are resolved by
// the caller) and performs hello. `label` names it in transcripts.
std::variant<std::unique_ptr<Target>, StartError> start_target(const std::string& command, const std::string& label,
                                                               const Limits& limits = {});

}  // namespace parity::harness
