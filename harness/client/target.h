// target.h: a target process as a check sees it: typed PTP operations that return a
// value, a refusal (a PTP error response) or a violation (the target broke PTP).
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "harness/client/transcript.h"
#include "reference/media/media.h"

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

// LimitKind says what hello declares of one limit: nothing, a number, or `null` (no
// bound, PTP 1.2).
enum class LimitKind { absent, number, unbounded };

// DeclaredLimit is one limit as hello declares it; `value` is set for `number` only.
struct DeclaredLimit {
  LimitKind kind = LimitKind::absent;
  uint64_t value = 0;
};

// kBoundNames are the limits PTP names; hello must give each as a non-negative integer
// or null (a bad hello otherwise).
inline constexpr const char* kBoundNames[] = {"max_skip", "max_skipped_keys", "max_receiver_chains"};
// kGroupBoundNames are PTP 1.3's group limits (groups.md), read by the same rules.
inline constexpr const char* kGroupBoundNames[] = {"group_max_skip", "group_max_skipped_keys",
                                                   "group_max_sender_states"};

// GroupRoster says who decides a group's members (hello `group_roster`, PTP 1.3).
enum class GroupRoster { server, protocol };

// Hello is a target's hello response.
struct Hello {
  std::string implementation;
  std::string version;
  std::string protocol;
  std::vector<std::string> capabilities;
  Json limits = Json::object();
  // PTP 1.3 (groups.md): who decides rosters, whether group_create/group_add need
  // bundles, whether a sender can read its own group messages by design.
  GroupRoster group_roster = GroupRoster::server;
  bool group_bundles = false;
  bool group_reads_own = false;
  // commit_policy (ptp-1.md): a protocol that heals only when a party commits or rotates
  // states its rule here, as free text; PCS is measured under it and the report shows it.
  std::string commit_policy;
  // post_quantum (PTP 1.3, clarified): what the protocol declares it protects with a
  // post-quantum KEM, as "setup: ...; ratchet: ..." ({"setup", "ratchet"} in hello, or
  // one string); empty when it declares none, as the Signal v3 baseline.
  std::string post_quantum;
  bool has(std::string_view capability) const;
  // limit returns a declared numeric bound, if any (none for absent or null).
  std::optional<uint64_t> limit(const char* name) const;
  // declared says whether `name` is absent, a number or null (unbounded).
  DeclaredLimit declared(const char* name) const;
};

// MessageKind is a ciphertext's PTP `kind`.
enum class MessageKind { prekey, message };
// to_string gives PTP's spelling ("prekey", "message").
std::string_view to_string(MessageKind kind);
// parse_message_kind reads PTP's spelling; anything else has no kind.
std::optional<MessageKind> parse_message_kind(std::string_view s);

// LayoutRange is one named byte range [start, end) of a bundle.
struct LayoutRange {
  std::string name;
  size_t start = 0;
  size_t end = 0;
  bool operator==(const LayoutRange&) const = default;
};

// BundleLayout is a bundle response's `layout`: the byte ranges that must be
// authenticated ("identity", "signed_prekey", "signature", maybe more), sorted by name.
struct BundleLayout {
  std::vector<LayoutRange> ranges;
  // find returns the range named `name`, if any.
  const LayoutRange* find(std::string_view name) const;
  // to_json writes the layout as the target did: {"name":[start,end],...}.
  std::string to_json() const;
};

// parse_bundle_layout reads a `layout` object for a bundle of bundle_size bytes: each
// entry must be [start, end] with start < end <= bundle_size. Otherwise the reason.
std::variant<BundleLayout, std::string> parse_bundle_layout(const Json& layout, size_t bundle_size);

// BundleResult is a bundle and its optional layout ranges.
struct BundleResult {
  Bytes bundle;
  // layout is none when the target gave none (absent or null) or a malformed one; a
  // layout that is not an object is a violation, but malformed ranges are AKE-2's to
  // judge (a fail), so they come back as layout_problem.
  std::optional<BundleLayout> layout;
  std::string layout_problem;  // empty unless the target's layout is malformed
};

// CiphertextResult is an encrypt response.
struct CiphertextResult {
  Bytes ciphertext;
  MessageKind kind = MessageKind::message;
};

// MediaEncrypted is a media_encrypt response.
struct MediaEncrypted {
  Bytes media_key;
  Bytes encrypted;  // ciphertext || MAC
  Bytes file_sha256;
  Bytes file_enc_sha256;
};

// MediaFileEncrypted is a media_encrypt_file response.
struct MediaFileEncrypted {
  Bytes media_key;
  Bytes file_sha256;
  Bytes file_enc_sha256;
  uint64_t size = 0;  // bytes the target wrote to `out`
};

// StanzaAddress is what `wrap` writes around a ciphertext besides its kind.
struct StanzaAddress {
  std::string stanza_id;  // travels as `stanza_id`: PTP's `id` is the request's
  std::string to;
  std::string from;
};

// StanzaEncoding says how `unwrap` carries the stanza: as the JSON string `stanza`, or
// as `stanza_hex` (PTP 1.1) for bytes no JSON string can hold (invalid UTF-8).
enum class StanzaEncoding { text, hex };

// Unwrapped is an unwrap response. `kind` stays the target's word: besides PTP's
// prekey and message, unwrap answers skmsg for a group message (PTP 1.1).
struct Unwrapped {
  std::string stanza_id;
  std::string to;
  std::string from;
  std::string kind;
  Bytes ciphertext;
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

// DeliveryKind is what a group delivery carries (PTP 1.3).
enum class DeliveryKind { control, application };
std::string_view to_string(DeliveryKind kind);

// Delivery is one entry of a group op's `deliveries`, which the suite routes as the server.
struct Delivery {
  std::string to;
  Bytes envelope;
  DeliveryKind kind = DeliveryKind::application;
};
using Deliveries = std::vector<Delivery>;

// GroupInject carries group_encrypt's optional injected keys (capability inject).
struct GroupInject {
  std::optional<Key32> chain_key;        // the chain key at iteration 0
  std::optional<Key32> signing_private;  // clamped as RFC 7748 says
  std::optional<uint32_t> chain_id;      // below 2^31
};

// GroupReceived is a group_receive response: a control delivery has no plaintext.
struct GroupReceived {
  DeliveryKind kind = DeliveryKind::application;
  Bytes plaintext;
};

// GroupView is a group_info response.
struct GroupView {
  std::vector<std::string> members;  // order not significant
  std::optional<Bytes> epoch;        // only what the protocol authenticates
  std::optional<uint64_t> epoch_number;
  bool removed = false;
};

// Limits are the time limits of a target process.
struct Limits {
  std::chrono::milliseconds hello{10000};
  std::chrono::milliseconds request{10000};
  // per_mib is added to `request` for every whole MiB of the request line: the suite
  // chooses sizes up to 16 MiB (DOS-3), and a slow or loaded machine must not turn the
  // baseline's honest answer into a timeout.
  std::chrono::milliseconds per_mib{1000};
};

// size_allowance is the time a request line of `request_bytes` bytes gets on top of its
// limit: `per_mib` for every whole MiB.
std::chrono::milliseconds size_allowance(const Limits& limits, size_t request_bytes);

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
  virtual Op<Bytes> decrypt(const std::string& party, const std::string& peer, ByteView ciphertext, MessageKind kind,
                            const Inject& inject = {}) = 0;
  virtual Op<Bytes> export_state(const std::string& party) = 0;
  virtual Op<Unit> import_state(const std::string& party, ByteView state) = 0;
  // primitive sends {"op":"primitive","name":..., fields...} and returns the response body.
  virtual Op<Json> primitive(const std::string& name, const Json& fields) = 0;

  // Capability `media`: attachments as hex on PTP lines.
  virtual Op<MediaEncrypted> media_encrypt(media::MediaType type, ByteView plaintext,
                                           std::optional<ByteView> media_key = std::nullopt) = 0;
  // media_decrypt returns the plaintext.
  virtual Op<Bytes> media_decrypt(media::MediaType type, ByteView media_key, ByteView encrypted,
                                  ByteView file_enc_sha256) = 0;
  // Capability `media_file` (PTP 1.2): attachments through files named by absolute paths.
  virtual Op<MediaFileEncrypted> media_encrypt_file(media::MediaType type, const std::string& path,
                                                    const std::string& out,
                                                    std::optional<ByteView> media_key = std::nullopt) = 0;
  // media_decrypt_file returns the plaintext size the target reports.
  virtual Op<uint64_t> media_decrypt_file(media::MediaType type, ByteView media_key, const std::string& path,
                                          ByteView file_enc_sha256, const std::string& out) = 0;
  // Capability `stanza`: wrap returns the XML stanza the target writes.
  virtual Op<std::string> wrap(const std::string& party, const std::string& peer, ByteView ciphertext, MessageKind kind,
                               const StanzaAddress& address) = 0;
  virtual Op<Unwrapped> unwrap(const std::string& party, std::string_view stanza,
                               StanzaEncoding encoding = StanzaEncoding::text) = 0;

  // PTP 1.3 groups (capability group; group_update and group_forge their own). The
  // defaults answer `unsupported`, for fakes that have no groups; PtpTarget has them all.
  virtual Op<Deliveries> group_create(const std::string& party, const std::string& group,
                                      const std::vector<std::string>& members,
                                      const std::map<std::string, Bytes>& bundles = {});
  virtual Op<Deliveries> group_add(const std::string& party, const std::string& group, const std::string& member,
                                   std::optional<ByteView> bundle = std::nullopt);
  virtual Op<Deliveries> group_remove(const std::string& party, const std::string& group, const std::string& member);
  virtual Op<Deliveries> group_roster(const std::string& party, const std::string& group,
                                      const std::vector<std::string>& members);
  virtual Op<Deliveries> group_encrypt(const std::string& party, const std::string& group, ByteView plaintext,
                                       const GroupInject& inject = {});
  virtual Op<Deliveries> group_update(const std::string& party, const std::string& group);
  // group_forge returns the application envelope `party` makes with `as`'s chain.
  virtual Op<Bytes> group_forge(const std::string& party, const std::string& group, const std::string& as,
                                std::optional<uint64_t> iteration = std::nullopt);
  virtual Op<GroupReceived> group_receive(const std::string& party, const std::string& group, const std::string& from,
                                          ByteView envelope);
  virtual Op<GroupView> group_info(const std::string& party, const std::string& group);

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
