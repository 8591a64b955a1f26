// internal.h: what the pieces of parity_libsignal share: the device's state, the RAII
// holders for libsignal objects, and the installers of the crypto provider and stores.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <signal/signal_protocol.h>

#include "reference/crypto/random.h"
#include "targets/libsignal/libsignal_device.h"

#include "base/bytes.h"

namespace parity::libsignal {

// Ref owns one reference to a libsignal object and drops it with SIGNAL_UNREF.
template <class T>
class Ref {
 public:
  Ref() = default;
  explicit Ref(T* p) : p_(p) {}
  Ref(const Ref&) = delete;
  Ref& operator=(const Ref&) = delete;
  Ref(Ref&& o) noexcept : p_(std::exchange(o.p_, nullptr)) {}
  Ref& operator=(Ref&& o) noexcept {
    if (this != &o) {
      reset();
      p_ = std::exchange(o.p_, nullptr);
    }
    return *this;
  }
  ~Ref() { reset(); }
  void reset() {
    if (p_ != nullptr) SIGNAL_UNREF(p_);
  }
  T* get() const { return p_; }
  // slot hands libsignal the slot to create the object in (dropping any held one).
  T** slot() {
    reset();
    return &p_;
  }

 private:
  T* p_ = nullptr;
};

// BufferDeleter frees a signal_buffer, wiping it first (it may hold key material).
struct BufferDeleter {
  void operator()(signal_buffer* b) const { signal_buffer_bzero_free(b); }
};
using Buffer = std::unique_ptr<signal_buffer, BufferDeleter>;

// BufferSlot receives a signal_buffer from a libsignal out-parameter and owns it.
class BufferSlot {
 public:
  BufferSlot() = default;
  BufferSlot(const BufferSlot&) = delete;
  BufferSlot& operator=(const BufferSlot&) = delete;
  ~BufferSlot() {
    if (p_ != nullptr) signal_buffer_bzero_free(p_);
  }
  signal_buffer** slot() { return &p_; }
  signal_buffer* get() const { return p_; }
  Bytes bytes() const {
    if (p_ == nullptr) return {};
    const uint8_t* d = signal_buffer_const_data(p_);
    return Bytes(d, d + signal_buffer_len(p_));
  }

 private:
  signal_buffer* p_ = nullptr;
};

// SessionKey addresses a session record: the peer's name and device id.
using SessionKey = std::pair<std::string, int32_t>;

// sender_key_store_key is the Stores::sender_keys key of a sender_key_name: group id,
// NUL, sender name, NUL, device id in decimal.
inline std::string sender_key_store_key(std::string_view group, std::string_view name, int32_t device) {
  std::string k(group);
  k.push_back('\0');
  k.append(name);
  k.push_back('\0');
  k.append(std::to_string(device));
  return k;
}

// Stores is everything a device keeps, as libsignal hands it to its store callbacks
// (records in libsignal's serialisation). It is a plain value so an operation can be
// undone by restoring a copy.
struct Stores {
  Bytes identity_public;   // 33 bytes, 0x05 || u
  Bytes identity_private;  // 32 bytes
  uint32_t registration_id = 0;
  uint32_t next_prekey_id = 1;
  uint32_t next_signed_prekey_id = 1;
  std::optional<uint32_t> current_signed_prekey;
  std::map<std::string, Bytes> trusted;  // peer name -> 33-byte identity key
  std::map<uint32_t, Bytes> prekeys;
  std::map<uint32_t, Bytes> signed_prekeys;
  std::map<SessionKey, Bytes> sessions;
  std::map<SessionKey, Bytes> session_user_records;
  std::map<std::string, Bytes> sender_keys;  // group id '\0' name '\0' device -> record
};

struct Device::Impl {
  Impl() = default;
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
  ~Impl();

  Rng* rng = nullptr;
  // queued bytes are served by the random callback before the Rng (key injection).
  std::deque<uint8_t> queued;
  // every_key, when set, is served to every 32-byte draw (decrypt's ratchet_private).
  std::optional<Key32> every_key;
  // bad_padding is set by the decrypt callback when CBC padding is wrong, so the
  // SG_ERR_UNKNOWN libsignal passes on can be told apart from other failures.
  bool bad_padding = false;
  // log collects libsignal's log lines of the current operation, for error details.
  std::vector<std::string> log;
  Stores stores;

  signal_context* ctx = nullptr;
  signal_protocol_store_context* store_ctx = nullptr;

  // begin clears the per-operation state (injection queue, log, flags).
  void begin() {
    queued.clear();
    every_key.reset();
    bad_padding = false;
    log.clear();
  }
  void queue_key(const Key32& k) { queued.insert(queued.end(), k.begin(), k.end()); }
};

// make_crypto_provider returns the OpenSSL 3 provider whose user data is `impl`.
signal_crypto_provider make_crypto_provider(Device::Impl* impl);

// install_stores registers the in-memory stores of `impl` with its store context.
int install_stores(Device::Impl* impl);

}  // namespace parity::libsignal
