// vector_check.h: one way to run the cases of a known-answer vector file (vectors/,
// through the strict loader) against a target, as BoringSSL's file tests and Wycheproof's
// runners do. The walk hands each case to the per-kind code through VectorCase, which
// records the fields it reads. A case that passed without reading one of its fields is a
// suite defect (the field took no part in the verdict: a typo, an ignored expectation),
// so the check is `error`, never a pass. Per-case failures become one outcome.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/runner/outcome.h"
#include "vectors/loader.h"

#include "base/bytes.h"

namespace parity::suites {

using harness::CheckOutcome;

// CaseVerdict is one case's verdict: nullopt when it behaved as its result says, or what
// went wrong.
using CaseVerdict = std::optional<std::string>;

struct VectorCheck;
struct VectorWalk;

// VectorCase is what the per-kind code sees of one case: its fields (each read recorded),
// its group's parameters, its expectation, and a way to end the whole walk.
class VectorCase {
 public:
  VectorCase(const vectors::TestGroup& group, const vectors::Vector& test) : group_(group), test_(test) {}

  // has tells whether the case has a field; it is not a read.
  bool has(std::string_view name) const { return test_.fields.has(name); }
  const Bytes& hex(std::string_view name) const { return test_.fields.hex(name); }
  int64_t integer(std::string_view name) const { return test_.fields.integer(name); }
  const std::string& string(std::string_view name) const { return test_.fields.string(name); }
  bool boolean(std::string_view name) const { return test_.fields.boolean(name); }
  const std::vector<std::string>& strings(std::string_view name) const { return test_.fields.strings(name); }
  // params are the group's parameters; a case need not read them all.
  const vectors::Fields& params() const { return group_.params; }

  int64_t tc_id() const { return test_.tc_id; }
  vectors::Expect result() const { return test_.result; }
  const std::string& comment() const { return test_.comment; }
  bool has_flag(std::string_view flag) const { return test_.has_flag(flag); }

  // judge_match honours the case's Wycheproof result: valid and acceptable must match,
  // invalid must not.
  CaseVerdict judge_match(bool matched, const std::string& detail) const;
  // judge_refusal judges a target that refused the case's input (any code but
  // `unsupported`, which says the operation is missing, not that the input is bad): an
  // `acceptable` case passes, since Wycheproof's word means either behaviour is fine;
  // any other fails with `detail`.
  CaseVerdict judge_refusal(const std::string& detail) const;

  // stop ends the walk with this outcome (a protocol violation: error).
  void stop(CheckOutcome outcome) { stop_ = std::move(outcome); }
  // refused_as_unsupported says the target answered `unsupported`: the case fails with
  // the target's detail, and the walk counts it (every case unsupported: the target
  // lacks the operation, which the suite judges).
  void refused_as_unsupported(std::string detail) { unsupported_ = std::move(detail); }

 private:
  friend VectorWalk walk_vectors(const vectors::VectorFile& file, const VectorCheck& check);
  const vectors::TestGroup& group_;
  const vectors::Vector& test_;
  std::optional<CheckOutcome> stop_;
  std::optional<std::string> unsupported_;
};

// VectorCheck says how to run the cases of one vector file.
struct VectorCheck {
  std::string what;  // names the cases in summaries: "12 <what> vectors of <file> ..."
  // take_group, when set, picks the groups that run; the others are skipped, not counted.
  std::function<bool(const vectors::TestGroup&)> take_group = {};
  // take_case, when set, picks the cases of a taken group that run (its reads count); the
  // others are skipped, not counted, and their fields are not checked.
  std::function<bool(VectorCase&)> take_case = {};
  // run_case sends one case to the target and judges it.
  std::function<CaseVerdict(VectorCase&)> run_case = {};
  // unsupported_not_applicable: a case the target refuses as `unsupported` is listed
  // (VectorWalk::not_applicable), not failed: vectors outside the domain the protocol
  // uses, where a target may lack a parameter it never needs.
  bool unsupported_not_applicable = false;
};

// VectorWalk is what walking a file measured (a Side of check_spec.h).
struct VectorWalk {
  std::optional<CheckOutcome> stop;  // the file could not be read, or a case stopped the walk
  std::string file;                  // the file as messages name it
  std::string what;
  size_t run = 0;                     // cases run
  size_t unsupported = 0;             // cases the target refused as unsupported
  std::vector<std::string> failures;  // one line per failed case, in file order
  // not_applicable: one line per case refused as `unsupported` where
  // VectorCheck::unsupported_not_applicable says that is no failure.
  std::vector<std::string> not_applicable;
  std::vector<std::string> defects;  // suite defects: fields never used, reads of absent fields
};

// walk_vectors runs every case of a loaded file; it stops at the first case that stops.
VectorWalk walk_vectors(const vectors::VectorFile& file, const VectorCheck& check);

// walk_vector_file loads `name` (e.g. "vectors/primitives/x25519.json") from the vectors
// folder `vectors_dir` with the strict loader and walks it.
VectorWalk walk_vector_file(const std::string& vectors_dir, std::string_view name, const VectorCheck& check);

// vector_outcome judges a walk: its stop if any; error on a suite defect; fail with the
// first failure as counterexample and up to 20 in observations; not-applicable when every
// case run was refused as `unsupported` and that is no failure; pass otherwise (listing
// the cases refused as `unsupported`, if any).
CheckOutcome vector_outcome(const VectorWalk& walk);

}  // namespace parity::suites
