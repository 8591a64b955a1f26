// merge.h: combine the results of the shards of one run (`parity run --shard I/N`,
// each on its own CI runner) into one results document with one transcripts file, so
// that one report covers the whole run.
#pragma once

#include <string>
#include <vector>

#include "harness/errors.h"

namespace parity::reports {

// MergeOutcome says what a merge wrote.
struct MergeOutcome {
  std::string document;     // the merged results document
  std::string transcripts;  // the merged transcripts file
  int exit_status = 0;      // the merged run's exit status (0, 1 or 130)
  std::vector<std::string> notes;
};

// merge_results reads shard results (documents or streams) and writes out_json and its
// transcripts file (results.md naming). The shards must be of one run: the same target
// command, seed, profile, strictness, --only and shard count, each shard index once.
// Missing shards are allowed but make the merged run incomplete (named in notes);
// replay commands are rewritten to the merged transcripts file.
harness::HarnessResult<MergeOutcome> merge_results(const std::vector<std::string>& inputs, const std::string& out_json);

}  // namespace parity::reports
