// json_schema_lite.h: a JSON Schema validator for the subset docs/results.schema.json
// uses ($ref to #/$defs/..., type, enum, const, required, properties,
// additionalProperties, items, minimum, minLength, pattern, minProperties,
// maxProperties). An unsupported keyword is reported as an error, so the schema
// cannot silently outgrow the validator.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace parity::test {

// validate_json checks value against schema (a subschema of root, against which $refs
// resolve); returns one line per violation, empty when valid.
std::vector<std::string> validate_json(const nlohmann::json& root, const nlohmann::json& schema,
                                       const nlohmann::json& value);

// load_results_schema reads docs/results.schema.json (tests run in the source tree).
nlohmann::json load_results_schema();

}  // namespace parity::test
