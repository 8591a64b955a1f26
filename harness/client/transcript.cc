#include "harness/client/transcript.h"

#include <algorithm>

#include "reference/crypto/hash.h"

#include "base/bytes.h"

namespace parity::harness {

namespace {
HarnessError bad_entry(size_t index, const std::string& why) {
  return harness_error(HarnessErrc::bad_input, "transcript entry " + std::to_string(index) + ": " + why);
}

using Json = nlohmann::json;

// compact_line compacts one line; returns whether it changed.
bool compact_line(std::string& line, const Compaction& c) {
  if (line.size() <= c.max_string) return false;  // no string inside can be longer
  Json j = Json::parse(line, nullptr, false);
  if (j.is_discarded()) {
    // Not JSON (a deliberately malformed or oversized line): the whole line is one string.
    line = compact_placeholder(line, c).dump(-1, ' ', false, Json::error_handler_t::replace);
    return true;
  }
  if (!compact_value(j, c)) return false;
  line = j.dump(-1, ' ', false, Json::error_handler_t::replace);
  return true;
}

}  // namespace

std::string sha256_hex(const std::string& s) {
  return to_hex(sha256(view(s)));
}

Json compact_placeholder(const std::string& s, const Compaction& c) {
  const size_t n = std::min(c.edge, s.size());
  // head and tail are for people; they may cut a UTF-8 sequence, hence replace on dump.
  return Json{{kCompactKey, Json{{"sha256", sha256_hex(s)},
                                 {"length", s.size()},
                                 {"head", s.substr(0, n)},
                                 {"tail", s.substr(s.size() - n)}}}};
}

bool compact_value(Json& j, const Compaction& c) {
  if (j.is_string()) {
    if (j.get_ref<const std::string&>().size() <= c.max_string) return false;
    j = compact_placeholder(j.get_ref<const std::string&>(), c);
    return true;
  }
  bool any = false;
  if (j.is_object() || j.is_array()) {
    for (Json& v : j) any = compact_value(v, c) || any;
  }
  return any;
}

std::string placeholder_sha256(const Json& j) {
  if (!j.is_object() || j.size() != 1) return {};
  auto it = j.find(kCompactKey);
  if (it == j.end() || !it->is_object()) return {};
  auto h = it->find("sha256");
  if (h == it->end() || !h->is_string()) return {};
  return h->get<std::string>();
}

Transcript Transcript::compacted(const Compaction& c) const {
  Transcript out;
  const size_t n = entries.size();
  std::vector<TranscriptEntry> lines = entries;
  size_t bytes = 0;
  for (TranscriptEntry& e : lines) {
    if (!e.compacted && compact_line(e.line, c)) e.compacted = true;
    bytes += e.line.size();
  }
  const bool trim = c.keep_lines > 0 && n > 2 * c.keep_lines + 1 && bytes > c.max_bytes;
  out.entries.reserve(trim ? 2 * c.keep_lines + 1 : n);
  for (size_t i = 0; i < n; ++i) {
    if (trim && i == c.keep_lines) {
      const auto left_out = static_cast<int64_t>(n - 2 * c.keep_lines);
      TranscriptEntry marker{Direction::note, lines[i].target,
                             std::to_string(left_out) + " lines left out here (transcript compaction keeps the first " +
                                 "and last " + std::to_string(c.keep_lines) + ")",
                             lines[i].micros};
      marker.trimmed = left_out;
      out.entries.push_back(std::move(marker));
      i = n - c.keep_lines - 1;
      continue;
    }
    out.entries.push_back(std::move(lines[i]));
  }
  return out;
}

bool Transcript::complete() const {
  for (const TranscriptEntry& e : entries) {
    if (e.compacted || e.trimmed > 0) return false;
  }
  return true;
}

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
    nlohmann::json j = {
        {"dir", std::string(to_string(e.direction))}, {"target", e.target}, {"line", e.line}, {"us", e.micros}};
    if (e.compacted) j["compacted"] = true;
    if (e.trimmed > 0) j["trimmed"] = e.trimmed;
    out.push_back(std::move(j));
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
    if (auto c = e.find("compacted"); c != e.end()) {
      if (!c->is_boolean()) return bad_entry(i, "\"compacted\" not a boolean");
      entry.compacted = c->get<bool>();
    }
    if (auto tr = e.find("trimmed"); tr != e.end()) {
      if (!tr->is_number_integer() || tr->get<int64_t>() < 0) return bad_entry(i, "\"trimmed\" not a count");
      entry.trimmed = tr->get<int64_t>();
    }
    t.entries.push_back(std::move(entry));
  }
  return t;
}

}  // namespace parity::harness
