// stores.cc: in-memory implementations of every libsignal store callback, over the
// plain maps of Stores (records kept exactly as libsignal serialises them).
#include <cstring>

#include "targets/libsignal/internal.h"

namespace parity::libsignal {
namespace {

Stores& stores_of(void* user_data) {
  return static_cast<Device::Impl*>(user_data)->stores;
}

SessionKey key_of(const signal_protocol_address* a) {
  return {std::string(a->name, a->name_len), a->device_id};
}

Bytes copy_of(const uint8_t* data, size_t len) {
  if (data == nullptr || len == 0) return {};
  return Bytes(data, data + len);
}

// hand_out gives libsignal a fresh copy of `b` that it frees.
int hand_out(signal_buffer** out_, const Bytes& b) {
  signal_buffer* buf = signal_buffer_create(b.data(), b.size());
  if (buf == nullptr) return SG_ERR_NOMEM;
  *out_ = buf;
  return 0;
}

// --- sessions ---------------------------------------------------------------------

int load_session(signal_buffer** record_, signal_buffer** user_record_, const signal_protocol_address* address,
                 void* user_data) {
  Stores& s = stores_of(user_data);
  auto it = s.sessions.find(key_of(address));
  if (it == s.sessions.end()) return 0;
  if (int rc = hand_out(record_, it->second); rc < 0) return rc;
  auto u = s.session_user_records.find(key_of(address));
  if (u != s.session_user_records.end() && user_record_ != nullptr) {
    if (int rc = hand_out(user_record_, u->second); rc < 0) {
      signal_buffer_free(*record_);
      *record_ = nullptr;
      return rc;
    }
  }
  return 1;
}

int get_sub_device_sessions(signal_int_list** sessions_, const char* name, size_t name_len, void* user_data) {
  Stores& s = stores_of(user_data);
  signal_int_list* list = signal_int_list_alloc();
  if (list == nullptr) return SG_ERR_NOMEM;
  const std::string n(name, name_len);
  int count = 0;
  for (const auto& [key, record] : s.sessions) {
    // Sub-devices are every device of the name but the primary (id 1), as in Signal.
    if (key.first == n && key.second != 1) {
      if (signal_int_list_push_back(list, key.second) < 0) {
        signal_int_list_free(list);
        return SG_ERR_NOMEM;
      }
      ++count;
    }
  }
  *sessions_ = list;
  return count;
}

int store_session(const signal_protocol_address* address, uint8_t* record, size_t record_len, uint8_t* user_record,
                  size_t user_record_len, void* user_data) {
  Stores& s = stores_of(user_data);
  s.sessions[key_of(address)] = copy_of(record, record_len);
  if (user_record != nullptr && user_record_len > 0) {
    s.session_user_records[key_of(address)] = copy_of(user_record, user_record_len);
  } else {
    s.session_user_records.erase(key_of(address));
  }
  return 0;
}

int contains_session(const signal_protocol_address* address, void* user_data) {
  return stores_of(user_data).sessions.contains(key_of(address)) ? 1 : 0;
}

int delete_session(const signal_protocol_address* address, void* user_data) {
  Stores& s = stores_of(user_data);
  s.session_user_records.erase(key_of(address));
  return s.sessions.erase(key_of(address)) > 0 ? 1 : 0;
}

int delete_all_sessions(const char* name, size_t name_len, void* user_data) {
  Stores& s = stores_of(user_data);
  const std::string n(name, name_len);
  int count = 0;
  for (auto it = s.sessions.begin(); it != s.sessions.end();) {
    if (it->first.first == n) {
      s.session_user_records.erase(it->first);
      it = s.sessions.erase(it);
      ++count;
    } else {
      ++it;
    }
  }
  return count;
}

// --- one-time prekeys -------------------------------------------------------------

int load_pre_key(signal_buffer** record_, uint32_t id, void* user_data) {
  Stores& s = stores_of(user_data);
  auto it = s.prekeys.find(id);
  if (it == s.prekeys.end()) return SG_ERR_INVALID_KEY_ID;
  if (int rc = hand_out(record_, it->second); rc < 0) return rc;
  return SG_SUCCESS;
}

int store_pre_key(uint32_t id, uint8_t* record, size_t record_len, void* user_data) {
  stores_of(user_data).prekeys[id] = copy_of(record, record_len);
  return 0;
}

int contains_pre_key(uint32_t id, void* user_data) {
  return stores_of(user_data).prekeys.contains(id) ? 1 : 0;
}

int remove_pre_key(uint32_t id, void* user_data) {
  stores_of(user_data).prekeys.erase(id);
  return 0;
}

// --- signed prekeys ---------------------------------------------------------------

int load_signed_pre_key(signal_buffer** record_, uint32_t id, void* user_data) {
  Stores& s = stores_of(user_data);
  auto it = s.signed_prekeys.find(id);
  if (it == s.signed_prekeys.end()) return SG_ERR_INVALID_KEY_ID;
  if (int rc = hand_out(record_, it->second); rc < 0) return rc;
  return SG_SUCCESS;
}

int store_signed_pre_key(uint32_t id, uint8_t* record, size_t record_len, void* user_data) {
  stores_of(user_data).signed_prekeys[id] = copy_of(record, record_len);
  return 0;
}

int contains_signed_pre_key(uint32_t id, void* user_data) {
  return stores_of(user_data).signed_prekeys.contains(id) ? 1 : 0;
}

int remove_signed_pre_key(uint32_t id, void* user_data) {
  Stores& s = stores_of(user_data);
  s.signed_prekeys.erase(id);
  if (s.current_signed_prekey == id) s.current_signed_prekey.reset();
  return 0;
}

// --- identities -------------------------------------------------------------------

int get_identity_key_pair(signal_buffer** public_, signal_buffer** private_, void* user_data) {
  Stores& s = stores_of(user_data);
  if (s.identity_public.empty() || s.identity_private.empty()) return SG_ERR_INVALID_KEY;
  if (int rc = hand_out(public_, s.identity_public); rc < 0) return rc;
  if (int rc = hand_out(private_, s.identity_private); rc < 0) {
    signal_buffer_free(*public_);
    *public_ = nullptr;
    return rc;
  }
  return 0;
}

int get_local_registration_id(void* user_data, uint32_t* registration_id_) {
  *registration_id_ = stores_of(user_data).registration_id;
  return 0;
}

int save_identity(const signal_protocol_address* address, uint8_t* key_data, size_t key_len, void* user_data) {
  Stores& s = stores_of(user_data);
  const std::string name(address->name, address->name_len);
  // A null key removes the saved identity (libsignal does this when a prekey message
  // that carried a new identity fails to decrypt).
  if (key_data == nullptr || key_len == 0) {
    s.trusted.erase(name);
  } else {
    s.trusted[name] = copy_of(key_data, key_len);
  }
  return 0;
}

int is_trusted_identity(const signal_protocol_address* address, uint8_t* key_data, size_t key_len, void* user_data) {
  Stores& s = stores_of(user_data);
  auto it = s.trusted.find(std::string(address->name, address->name_len));
  // Trust on first use: unknown is trusted, known must match.
  if (it == s.trusted.end()) return 1;
  return it->second.size() == key_len && std::memcmp(it->second.data(), key_data, key_len) == 0 ? 1 : 0;
}

// --- sender keys (group_session_builder, group_cipher) ------------------------------

std::string sender_key_of(const signal_protocol_sender_key_name* n) {
  return sender_key_store_key(std::string_view(n->group_id, n->group_id_len),
                              std::string_view(n->sender.name, n->sender.name_len), n->sender.device_id);
}

int store_sender_key(const signal_protocol_sender_key_name* name, uint8_t* record, size_t record_len, uint8_t*, size_t,
                     void* user_data) {
  stores_of(user_data).sender_keys[sender_key_of(name)] = copy_of(record, record_len);
  return 0;
}

int load_sender_key(signal_buffer** record_, signal_buffer**, const signal_protocol_sender_key_name* name,
                    void* user_data) {
  Stores& s = stores_of(user_data);
  auto it = s.sender_keys.find(sender_key_of(name));
  if (it == s.sender_keys.end()) return 0;
  if (int rc = hand_out(record_, it->second); rc < 0) return rc;
  return 1;
}

}  // namespace

int install_stores(Device::Impl* impl) {
  signal_protocol_session_store session{};
  session.load_session_func = load_session;
  session.get_sub_device_sessions_func = get_sub_device_sessions;
  session.store_session_func = store_session;
  session.contains_session_func = contains_session;
  session.delete_session_func = delete_session;
  session.delete_all_sessions_func = delete_all_sessions;
  session.user_data = impl;  // no destroy_func: the Impl owns the maps

  signal_protocol_pre_key_store pre_key{};
  pre_key.load_pre_key = load_pre_key;
  pre_key.store_pre_key = store_pre_key;
  pre_key.contains_pre_key = contains_pre_key;
  pre_key.remove_pre_key = remove_pre_key;
  pre_key.user_data = impl;

  signal_protocol_signed_pre_key_store signed_pre_key{};
  signed_pre_key.load_signed_pre_key = load_signed_pre_key;
  signed_pre_key.store_signed_pre_key = store_signed_pre_key;
  signed_pre_key.contains_signed_pre_key = contains_signed_pre_key;
  signed_pre_key.remove_signed_pre_key = remove_signed_pre_key;
  signed_pre_key.user_data = impl;

  signal_protocol_identity_key_store identity{};
  identity.get_identity_key_pair = get_identity_key_pair;
  identity.get_local_registration_id = get_local_registration_id;
  identity.save_identity = save_identity;
  identity.is_trusted_identity = is_trusted_identity;
  identity.user_data = impl;

  signal_protocol_sender_key_store sender_key{};
  sender_key.store_sender_key = store_sender_key;
  sender_key.load_sender_key = load_sender_key;
  sender_key.user_data = impl;

  signal_protocol_store_context* c = impl->store_ctx;
  int rc = signal_protocol_store_context_set_session_store(c, &session);
  if (rc >= 0) rc = signal_protocol_store_context_set_pre_key_store(c, &pre_key);
  if (rc >= 0) rc = signal_protocol_store_context_set_signed_pre_key_store(c, &signed_pre_key);
  if (rc >= 0) rc = signal_protocol_store_context_set_identity_key_store(c, &identity);
  if (rc >= 0) rc = signal_protocol_store_context_set_sender_key_store(c, &sender_key);
  return rc;
}

}  // namespace parity::libsignal
