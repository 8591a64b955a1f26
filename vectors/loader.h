// loader.h: the strict loader of Parity's known-answer vector files (vectors/**/*.json).
//
// A vector file is Wycheproof-like: {"algorithm", "source", "schema", "notes"?, "testGroups":
// [{group params..., "tests": [{"tcId", "comment", "flags", "result", test fields...}]}]}.
// "schema" names the vector kind; one schema table per kind says which group and test
// fields exist, which are required and of which type. Anything else is an error: an
// unknown or missing key, a duplicate key, bad hex, a bad result, a duplicate tcId.
//
// The in-memory form is generic (kind, group params and test fields as name -> value, with
// PTP field names) so the harness can send the same vectors over the PTP `primitive` op.
// Every read of a field is recorded, so a test can fail when a vector field was never used.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"

namespace parity::vectors {

// FieldType is the JSON shape a field must have.
enum class FieldType {
  hex,          // a lowercase hex string of even length, decoded to bytes
  integer,      // a JSON integer in 0..2^53-1
  string,       // any JSON string
  boolean,      // true or false
  string_list,  // an array of strings
};

// to_string names a field type as errors print it.
std::string_view to_string(FieldType type);

// FieldSpec is one row of a schema table.
struct FieldSpec {
  std::string_view name;
  FieldType type;
  bool required;
};

// Schema is the table of one vector kind: its group parameters and its test fields
// (beyond the common tcId, comment, flags and result).
struct Schema {
  std::string_view kind;
  std::span<const FieldSpec> group_fields;
  std::span<const FieldSpec> test_fields;
};

// schemas lists every vector kind the loader knows.
std::span<const Schema> schemas();

// find_schema returns the schema of a kind, or nullptr.
const Schema* find_schema(std::string_view kind);

// Value is a decoded field value.
using Value = std::variant<Bytes, int64_t, std::string, bool, std::vector<std::string>>;

// Fields holds the kind-specific fields of a test or a group and records which were read.
// Reading an absent field, or reading one as the wrong type, is recorded as a misuse (and
// answers an empty value) so that a typo in a test shows up as a failure, not a crash.
class Fields {
 public:
  Fields() = default;
  explicit Fields(std::map<std::string, Value, std::less<>> values) : values_(std::move(values)) {}

  // has tells whether a field is present; it does not count as a read.
  bool has(std::string_view name) const;
  const Bytes& hex(std::string_view name) const;
  int64_t integer(std::string_view name) const;
  const std::string& string(std::string_view name) const;
  bool boolean(std::string_view name) const;
  const std::vector<std::string>& strings(std::string_view name) const;

  // values gives every field for generic use (the harness); it does not count as a read.
  const std::map<std::string, Value, std::less<>>& values() const { return values_; }
  // unused lists the present fields that were never read, in name order.
  std::vector<std::string> unused() const;
  // misuses lists reads of absent or wrongly typed fields.
  const std::vector<std::string>& misuses() const { return misuses_; }
  // reset_usage forgets every read, for running the same vectors again.
  void reset_usage() const;

 private:
  const Value* lookup(std::string_view name, size_t index) const;

  std::map<std::string, Value, std::less<>> values_;
  mutable std::set<std::string, std::less<>> used_;
  mutable std::vector<std::string> misuses_;
};

// Expect is a test's "result".
enum class Expect { valid, invalid, acceptable };

// to_string gives the JSON spelling of an expectation.
std::string_view to_string(Expect expect);

// Vector is one test vector: an entry of a group's "tests".
struct Vector {
  int64_t tc_id = 0;
  std::string comment;
  std::vector<std::string> flags;
  Expect result = Expect::valid;
  Fields fields;
  std::string where;  // the test's location for messages: `testGroups[g].tests[t] (tcId N)`

  // has_flag tells whether flags names `flag`.
  bool has_flag(std::string_view flag) const;
};

// TestGroup holds the group parameters and the tests of one entry of testGroups.
struct TestGroup {
  Fields params;
  std::string source;  // the group's optional "source", when it differs from the file's
  std::vector<Vector> tests;
  std::string where;  // `testGroups[g]`
};

// VectorFile is one loaded vector file.
struct VectorFile {
  std::string name;  // how messages name the file, e.g. vectors/primitives/x25519.json
  std::string algorithm;
  std::string source;
  std::string kind;  // the "schema" value
  std::string notes;
  std::vector<TestGroup> groups;

  // test_count is the number of tests over all groups.
  size_t test_count() const;
  // unconsumed lists, one line each, every group or test field that was never read, in the
  // form `<file>: <location>: field "<name>" was never used`, followed by every misuse.
  std::vector<std::string> unconsumed() const;
};

// parse_vector_file parses and validates the text of a vector file; `name` is how errors
// name it. Each error is one line: `<name>: <location>: <problem>`.
Result<VectorFile> parse_vector_file(std::string_view text, std::string_view name);

// load_vector_file reads and parses a file; `name` defaults to the path as given.
Result<VectorFile> load_vector_file(const std::filesystem::path& path, std::string_view name = {});

// source_dir is the project's source directory (compile definition PARITY_SOURCE_DIR).
std::filesystem::path source_dir();

// load_vectors loads a file given relative to the source directory, e.g.
// "vectors/primitives/x25519.json", and names it that way in errors.
Result<VectorFile> load_vectors(std::string_view relative);

// list_vector_files lists every .json file under <source>/vectors but the stanza corpus, relative to the source
// directory with '/' separators, sorted.
std::vector<std::string> list_vector_files();

}  // namespace parity::vectors
