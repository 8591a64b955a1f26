// replay.h: `parity replay`, re-sending the requests a check's transcript recorded to a
// fresh target and showing where the responses differ. Responses are compared as
// JSON, ignoring `id` (a fresh client numbers its requests anew), with long strings
// compared by hash and length (the transcripts file keeps only those: Compaction). The
// `hello` of the recorded process is not re-sent: starting the fresh target performs its
// own. Identical responses are expected from a `deterministic` target, whose transcript
// starts with a seeded `reset`.
#pragma once

#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "harness/client/target.h"
#include "harness/client/transcript.h"
#include "harness/errors.h"

namespace parity::harness {

// LoadedTranscript is one check's transcript and where it was found.
struct LoadedTranscript {
  Transcript transcript;
  std::string check;
  int line = 0;          // 1-based line of the transcripts file
  std::string rerun;     // the `parity run ... --only ID` command recorded with it, if any
  std::string run_seed;  // the run's seed (hex), if recorded
  std::string profile;   // the --profile of the run, if one was given
};

// load_transcript reads the transcript of `check` from a transcripts file (JSON lines
// of {"check","index","transcript"}); `also` are other ids of the same check (its
// current id and former ones). Without a check id the file must hold exactly one.
HarnessResult<LoadedTranscript> load_transcript(const std::string& path, const std::optional<std::string>& check,
                                                const std::vector<std::string>& also = {});

// ReplayResult counts the exchanges. `incomplete` says why the replay stopped early
// because the transcript does not hold the whole exchange (then no exchange after that
// point is judged).
struct ReplayResult {
  int exchanges = 0;
  int differing = 0;
  std::optional<std::string> incomplete;
  bool missing_payload = false;  // incomplete because a request payload could not be rebuilt
};

// PayloadPool holds long strings by their SHA-256 (hex), to rebuild compacted requests.
using PayloadPool = std::map<std::string, std::string>;

// add_payloads puts every string of `j` longer than c.max_string into the pool.
void add_payloads(const nlohmann::json& j, const Compaction& c, PayloadPool& out_);

// replay_transcript re-sends the recorded requests of `side` ("target" or "baseline")
// and prints each difference to out. A compacted request is rebuilt from `pool` (strings
// the suite regenerated, if any) and from the strings the fresh target returned earlier
// in the replay, when one has the recorded hash.
ReplayResult replay_transcript(const Transcript& transcript, const std::string& side, Target& target, std::ostream& out,
                               PayloadPool pool = {}, const Compaction& c = {});

}  // namespace parity::harness
