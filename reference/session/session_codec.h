// session_codec.h: complete serialisation of session states and records, for export.
#pragma once

#include "reference/codec.h"
#include "reference/session/session_record.h"

namespace parity::signal {

void write_state(ByteWriter& w, const SessionState& s);
Result<SessionState> read_state(ByteReader& r);
void write_record(ByteWriter& w, const SessionRecord& rec);
Result<SessionRecord> read_record(ByteReader& r);

}  // namespace parity::signal
