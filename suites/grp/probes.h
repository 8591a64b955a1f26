// probes.h: what GRP-7..12 (groups.md) share on top of GroupWorld: a fresh process per
// scenario, the outcome of a world that stopped, reading a delivery at a party, and the
// sender-state eviction probe GRP-8 and GRP-9 both play.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "suites/common/attacker.h"
#include "suites/common/check_spec.h"
#include "suites/grp/group_world.h"

namespace parity::suites::grp {

// PARITY_GRP runs a world op that must work; otherwise the scenario ends with the
// world's stop (error for a violation, fail naming `what` for a refusal).
#define PARITY_GRP(w, expr, what)                      \
  do {                                                 \
    if (!(w).must((expr), (what))) return *(w).stop(); \
  } while (0)

// fresh resets `r`'s process for scenario `n` of a check (nullopt: it worked).
std::optional<CheckOutcome> fresh(Run& r, int n);

// stopped_or is the world's stop, or `o` when it has none.
CheckOutcome stopped_or(const GroupWorld& w, CheckOutcome o);

// reads says whether `g` is a delivery that was read (a plaintext came back).
inline bool reads(const std::optional<Given>& g) {
  return g && g->got == Got::read;
}

// first_delivery_to is the application delivery of message `n` addressed to `to` (-1 if none).
int first_delivery_to(const GroupWorld& w, int n, const std::string& to);

// Eviction is what the sender-state probe saw: the rotations made, and whether the
// oldest state's held message was read after them.
struct Eviction {
  int rotations = 0;
  bool old_read = false;
  bool newest_read = false;  // the receiver read the last rotation's message (the probe is live)
};

// probe_sender_states creates a group alice, bob, carol, dave, has alice send a message
// to bob that is held, then makes alice rotate `rotations` times (the creator removes
// and re-adds dave; each rotation is read by bob), and finally gives bob the held
// message. With `rotations` at least the states bob keeps, the held one's state is gone.
std::optional<CheckOutcome> probe_sender_states(Run& r, const std::string& group, int rotations, Eviction& out_);

}  // namespace parity::suites::grp
