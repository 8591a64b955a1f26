#include "reference/group/group_state.h"

#include <string>

namespace parity::group {

namespace {

constexpr uint32_t kMaxStoredMembers = 1u << 16;

Result<bool> read_flag(ByteReader& r, const char* what) {
  PARITY_ASSIGN(uint8_t v, r.u8());
  if (v > 1) return make_error(Errc::malformed, std::string("group state: bad flag ") + what);
  return v == 1;
}

Error out_of_order(const ByteReader& r, const char* what) {
  return make_error(Errc::malformed,
                    std::string("group state: ") + what + " not ascending before offset " + std::to_string(r.offset()));
}

}  // namespace

void write_group_state(ByteWriter& w, const GroupState& g) {
  w.u32(static_cast<uint32_t>(g.roster.size()));
  for (const std::string& m : g.roster) w.str(m);
  w.u8(g.removed ? 1 : 0);
  w.u8(g.rotate_pending ? 1 : 0);
  write_sender_key_record(w, g.own);
  w.u8(g.origin ? 1 : 0);
  if (g.origin) w.bytes(g.origin->serialize());
  w.u32(static_cast<uint32_t>(g.received.size()));
  for (const auto& [sender, rec] : g.received) {
    w.str(sender);
    write_sender_key_record(w, rec);
  }
  w.u32(static_cast<uint32_t>(g.sent_current.size()));
  for (const std::string& m : g.sent_current) w.str(m);
}

Result<GroupState> read_group_state(ByteReader& r) {
  GroupState g;
  PARITY_ASSIGN(uint32_t n_roster, r.count(kMaxStoredMembers));
  for (uint32_t i = 0; i < n_roster; ++i) {
    PARITY_ASSIGN(std::string m, r.str(kMaxGroupName));
    g.roster.push_back(std::move(m));
  }
  PARITY_ASSIGN(g.removed, read_flag(r, "removed"));
  PARITY_ASSIGN(g.rotate_pending, read_flag(r, "rotate_pending"));
  PARITY_ASSIGN(g.own, read_sender_key_record(r));
  PARITY_ASSIGN(bool has_origin, read_flag(r, "origin"));
  if (has_origin) {
    PARITY_ASSIGN(Bytes b, r.bytes(1024));
    PARITY_ASSIGN(SenderKeyDistributionMessage m, decode_distribution_message(b));
    g.origin = m;
  }
  PARITY_ASSIGN(uint32_t n_received, r.count(kMaxStoredMembers));
  for (uint32_t i = 0; i < n_received; ++i) {
    PARITY_ASSIGN(std::string sender, r.str(kMaxGroupName));
    if (i > 0 && sender <= g.received.rbegin()->first) return out_of_order(r, "senders");
    PARITY_ASSIGN(SenderKeyRecord rec, read_sender_key_record(r));
    g.received[sender] = std::move(rec);
  }
  PARITY_ASSIGN(uint32_t n_sent, r.count(kMaxStoredMembers));
  for (uint32_t i = 0; i < n_sent; ++i) {
    PARITY_ASSIGN(std::string m, r.str(kMaxGroupName));
    if (i > 0 && m <= *g.sent_current.rbegin()) return out_of_order(r, "members sent the key");
    g.sent_current.insert(std::move(m));
  }
  return g;
}

}  // namespace parity::group
