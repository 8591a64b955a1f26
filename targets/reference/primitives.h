// primitives.h: the PTP `primitive` op answered with the reference's crypto.
#pragma once

#include "ptp/server.h"

namespace parity::ptp {

// reference_primitive answers {name, ...} for every primitive name of PTP/1.
Reply reference_primitive(const request::Primitive& request);

}  // namespace parity::ptp
