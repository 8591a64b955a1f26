#include "harness/client/transcript.h"

namespace parity::harness {

namespace {
HarnessError bad_entry(size_t index, const std::string& why) {
  return harness_error(HarnessErrc::bad_input, "transcript entry " + std::to_string(index) + ": " + why);
}
}  // namespace

std::string_view to_string(Direction d) {
  switch (d) {
    case Direction::request:
      return "request";
    case Direction::response:
      return "response";
    case Direction::note:
      return "note";
  }
  return "note";
}

nlohmann::json Transcript::to_json() const {
  nlohmann::json out = nlohmann::json::array();
  for (const TranscriptEntry& e : entries) {
    out.push_back(
        {{"dir", std::string(to_string(e.direction))}, {"target", e.target}, {"line", e.line}, {"us", e.micros}});
  }
  return out;
}

HarnessResult<Transcript> Transcript::from_json(const nlohmann::json& j) {
  if (!j.is_array()) return harness_error(HarnessErrc::bad_input, "a transcript is a JSON array");
  Transcript t;
  t.entries.reserve(j.size());
  for (size_t i = 0; i < j.size(); ++i) {
    const nlohmann::json& e = j[i];
    if (!e.is_object()) return bad_entry(i, "not an object");
    TranscriptEntry entry;
    auto dir = e.find("dir");
    if (dir == e.end() || !dir->is_string()) return bad_entry(i, "\"dir\" missing or not a string");
    const std::string& d = dir->get_ref<const std::string&>();
    if (d == "request") {
      entry.direction = Direction::request;
    } else if (d == "response") {
      entry.direction = Direction::response;
    } else if (d == "note") {
      entry.direction = Direction::note;
    } else {
      return bad_entry(i, "unknown \"dir\" \"" + d + "\"");
    }
    auto target = e.find("target");
    if (target == e.end() || !target->is_string()) return bad_entry(i, "\"target\" missing or not a string");
    entry.target = target->get<std::string>();
    auto line = e.find("line");
    if (line == e.end() || !line->is_string()) return bad_entry(i, "\"line\" missing or not a string");
    entry.line = line->get<std::string>();
    auto us = e.find("us");
    if (us == e.end() || !us->is_number_integer()) return bad_entry(i, "\"us\" missing or not an integer");
    entry.micros = us->get<int64_t>();
    t.entries.push_back(std::move(entry));
  }
  return t;
}

}  // namespace parity::harness
