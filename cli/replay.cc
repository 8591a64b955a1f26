#include "cli/replay.h"

#include <algorithm>
#include <fstream>

namespace parity::harness {

namespace {

std::string shorten(const std::string& s) { return s.size() > 400 ? s.substr(0, 400) + "..." : s; }

// normal strips what legitimately differs between runs (the id) from a response line.
std::string normal(const std::string& line) {
  auto j = ptp::parse_line(line);
  if (!j) return line;
  if (j->is_object()) j->erase("id");
  return j->dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace

HarnessResult<Transcript> load_transcript(const std::string& path, const std::optional<std::string>& check,
                                          const std::vector<std::string>& also) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return harness_error(HarnessErrc::io, path + ": cannot read");
  std::string line;
  int line_no = 0;
  std::optional<Json> found;
  int count = 0;
  std::string ids;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty()) continue;
    auto j = ptp::parse_line(line);
    if (!j || !j->is_object() || !j->contains("check") || !(*j)["check"].is_string() || !j->contains("transcript")) {
      return harness_error(HarnessErrc::bad_argument, path + ":" + std::to_string(line_no) +
                                                    ": not a transcript line ({\"check\",\"index\",\"transcript\"})");
    }
    ++count;
    const std::string id = (*j)["check"];
    if (ids.size() < 200) ids += (ids.empty() ? "" : ", ") + id;
    if (!check || *check == id || std::find(also.begin(), also.end(), id) != also.end()) found = (*j)["transcript"];
  }
  if (check && !found) return harness_error(HarnessErrc::bad_argument, path + ": no transcript of check " + *check);
  if (!check && count != 1) {
    return harness_error(HarnessErrc::bad_argument, path + ": holds " + std::to_string(count) +
                                                  " transcripts; name one with --check (" + ids + ")");
  }
  auto t = Transcript::from_json(*found);
  if (!t.ok()) return harness_error(HarnessErrc::bad_argument, path + ": " + t.error().detail);
  return std::move(t).value();
}

ReplayResult replay_transcript(const Transcript& transcript, const std::string& side, Target& target,
                               std::ostream& out) {
  ReplayResult result;
  const auto& e = transcript.entries;
  for (size_t i = 0; i < e.size(); ++i) {
    if (e[i].target != side || e[i].direction != Direction::request) continue;
    // The recorded response is the next response line of the same process, if any
    // before its next request (none when the target timed out or died).
    std::optional<std::string> recorded;
    for (size_t k = i + 1; k < e.size(); ++k) {
      if (e[k].target != side) continue;
      if (e[k].direction == Direction::request) break;
      if (e[k].direction == Direction::response) {
        recorded = e[k].line;
        break;
      }
    }
    auto request = ptp::parse_line(e[i].line);
    if (request && request->is_object() && request->value("op", std::string()) == "hello" &&
        request->value("ptp", 0) == ptp::kProtocolVersion) {
      continue;
    }
    ++result.exchanges;
    Op<Json> r = Json();
    if (request && request->is_object() && request->contains("id")) {
      Json req = *request;
      req.erase("id");
      r = target.call(std::move(req));
    } else {
      r = target.send_raw(e[i].line);  // a deliberately malformed line is sent as it was
    }
    std::string replayed;
    if (r.ok()) {
      replayed = normal(r.value().dump(-1, ' ', false, Json::error_handler_t::replace));
    } else if (r.refused()) {
      replayed = "(refused by the client: " + r.refusal().detail + ")";
    } else {
      replayed = "(violation: " + std::string(to_string(r.violation().kind)) + ": " + r.violation().detail + ")";
    }
    const std::string expected = recorded ? normal(*recorded) : "(no response)";
    // A recorded exchange without a response was a violation; one again is the same.
    const bool same = recorded ? expected == replayed : r.violated();
    if (!same) {
      ++result.differing;
      out << "exchange " << result.exchanges << " (transcript entry " << i << "): " << shorten(e[i].line) << "\n"
          << "  recorded: " << shorten(expected) << "\n"
          << "  replayed: " << shorten(replayed) << "\n";
    }
    if (!target.alive()) {
      out << "the target died; replay stops at exchange " << result.exchanges << "\n";
      if (result.differing == 0) ++result.differing;
      break;
    }
  }
  return result;
}

}  // namespace parity::harness
