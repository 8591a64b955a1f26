#include "tests/harness/json_schema_lite.h"

#include <fstream>
#include <regex>
#include <set>

namespace parity::test {

using nlohmann::json;

namespace {

bool has_type(const json& v, const std::string& t) {
  if (t == "object") return v.is_object();
  if (t == "array") return v.is_array();
  if (t == "string") return v.is_string();
  if (t == "integer") return v.is_number_integer();
  if (t == "number") return v.is_number();
  if (t == "boolean") return v.is_boolean();
  if (t == "null") return v.is_null();
  return false;
}

void check(const json& root, const json& schema, const json& v, const std::string& path,
           std::vector<std::string>& errors_out) {
  static const std::set<std::string> kKnown = {
      "$schema", "$id", "$defs", "title", "description", "$ref", "type", "enum", "const", "required", "properties",
      "additionalProperties", "items", "minimum", "minLength", "pattern", "minProperties", "maxProperties"};
  auto fail = [&](const std::string& what) { errors_out.push_back(path + ": " + what); };
  for (const auto& [key, _] : schema.items()) {
    if (!kKnown.count(key)) fail("schema keyword '" + key + "' is not supported by json_schema_lite");
  }
  if (auto it = schema.find("$ref"); it != schema.end()) {
    const std::string ref = *it;
    const std::string prefix = "#/$defs/";
    if (ref.rfind(prefix, 0) != 0 || !root["$defs"].contains(ref.substr(prefix.size()))) {
      fail("unresolvable $ref " + ref);
      return;
    }
    check(root, root["$defs"][ref.substr(prefix.size())], v, path, errors_out);
  }
  if (auto it = schema.find("type"); it != schema.end()) {
    bool ok = false;
    if (it->is_array()) {
      for (const json& t : *it) ok = ok || has_type(v, t.get<std::string>());
    } else {
      ok = has_type(v, it->get<std::string>());
    }
    if (!ok) {
      fail("expected type " + it->dump() + ", got " + v.dump().substr(0, 80));
      return;
    }
  }
  if (auto it = schema.find("enum"); it != schema.end()) {
    bool found = false;
    for (const json& e : *it) found = found || e == v;
    if (!found) fail(v.dump().substr(0, 80) + " is not one of " + it->dump());
  }
  if (auto it = schema.find("const"); it != schema.end() && *it != v) fail("expected " + it->dump());
  if (v.is_number()) {
    if (auto it = schema.find("minimum"); it != schema.end() && v.get<double>() < it->get<double>()) {
      fail("below minimum " + it->dump());
    }
  }
  if (v.is_string()) {
    const std::string s = v.get<std::string>();
    if (auto it = schema.find("minLength"); it != schema.end() && s.size() < it->get<size_t>()) fail("too short");
    if (auto it = schema.find("pattern"); it != schema.end()) {
      if (!std::regex_search(s, std::regex(it->get<std::string>()))) fail("'" + s + "' does not match " + it->dump());
    }
  }
  if (v.is_object()) {
    if (auto it = schema.find("required"); it != schema.end()) {
      for (const json& r : *it) {
        if (!v.contains(r.get<std::string>())) fail("missing required property " + r.dump());
      }
    }
    if (auto it = schema.find("minProperties"); it != schema.end() && v.size() < it->get<size_t>()) {
      fail("too few properties");
    }
    if (auto it = schema.find("maxProperties"); it != schema.end() && v.size() > it->get<size_t>()) {
      fail("too many properties");
    }
    const json props = schema.value("properties", json::object());
    for (const auto& [key, child] : v.items()) {
      if (props.contains(key)) {
        check(root, props[key], child, path + "." + key, errors_out);
      } else if (auto ap = schema.find("additionalProperties"); ap != schema.end()) {
        if (ap->is_boolean() && !ap->get<bool>()) fail("unexpected property '" + key + "'");
        if (ap->is_object()) check(root, *ap, child, path + "." + key, errors_out);
      }
    }
  }
  if (v.is_array()) {
    if (auto it = schema.find("items"); it != schema.end()) {
      for (size_t i = 0; i < v.size(); ++i) check(root, *it, v[i], path + "[" + std::to_string(i) + "]", errors_out);
    }
  }
}

}  // namespace

std::vector<std::string> validate_json(const json& root, const json& schema, const json& value) {
  std::vector<std::string> errors;
  check(root, schema, value, "$", errors);
  return errors;
}

json load_results_schema() {
  std::ifstream in("docs/results.schema.json");
  return json::parse(in);
}

}  // namespace parity::test
