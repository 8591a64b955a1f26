// group_healing.h: how GRP-10 (groups.md) hands its healing measurement to the reports:
// one figure per check (one check per variant), named kGroupHealingFigure, whose value
// is the first round after the compromise whose messages the clone reads none of
// (1..kGroupHealingRounds), or kGroupHealingBeyond when the clone still read a message of
// the last round measured ("> 10"). The reports draw these figures as one chart.
#pragma once

namespace parity::harness {

inline constexpr const char* kGroupHealingFigure = "healing round";
inline constexpr const char* kGroupHealingRequirement = "GRP-10";
inline constexpr int kGroupHealingRounds = 10;
inline constexpr double kGroupHealingBeyond = kGroupHealingRounds + 1;

}  // namespace parity::harness
