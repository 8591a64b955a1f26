// replay.h: `parity replay`, re-sending the requests a check's transcript recorded to a
// fresh target and showing where the responses differ. Responses are compared as
// JSON, ignoring `id` (a fresh client numbers its requests anew). The `hello` of the
// recorded process is not re-sent: starting the fresh target performs its own.
// Identical responses are expected from a `deterministic` target, whose transcript
// starts with a seeded `reset`.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "harness/client/target.h"
#include "harness/client/transcript.h"
#include "harness/errors.h"

namespace parity::harness {

// load_transcript reads the transcript of `check` from a transcripts file (JSON lines
// of {"check","index","transcript"}); `also` are other ids of the same check (its
// current id and former ones). Without a check id the file must hold exactly one.
HarnessResult<Transcript> load_transcript(const std::string& path, const std::optional<std::string>& check,
                                          const std::vector<std::string>& also = {});

// ReplayResult counts the exchanges.
struct ReplayResult {
  int exchanges = 0;
  int differing = 0;
};

// replay_transcript re-sends the requests recorded for `side` ("target" or "baseline")
// and prints each difference to out.
ReplayResult replay_transcript(const Transcript& transcript, const std::string& side, Target& target,
                               std::ostream& out);

}  // namespace parity::harness
