// matrix.h: the mutation matrix the test asserts lives in harness/mutation_matrix.h, so
// that `parity list --markdown` shows it per requirement.
#pragma once

#include "harness/mutation_matrix.h"

namespace parity::mutants {

using Row = harness::MutantRow;

inline const std::vector<Row>& matrix() { return harness::mutation_matrix(); }

}  // namespace parity::mutants
