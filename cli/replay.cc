#include "cli/replay.h"

#include <algorithm>
#include <fstream>

namespace parity::harness {

namespace {

std::string shorten(const std::string& s) {
  return s.size() > 400 ? s.substr(0, 400) + "..." : s;
}

// normal strips what legitimately differs between runs (the id) from a response line
// and compacts it as the transcripts file does, so a recorded placeholder and a replayed
// long string compare by hash and length.
std::string normal(const std::string& line, const Compaction& c) {
  auto j = ptp::parse_line(line);
  if (!j) return line;
  if (j->is_object()) j->erase("id");
  compact_value(*j, c);
  return j->dump(-1, ' ', false, Json::error_handler_t::replace);
}

// restore replaces each placeholder inside `j` by the pool's string; returns the first
// placeholder it could not replace (null when none).
Json restore(Json& j, const PayloadPool& pool) {
  if (const std::string h = placeholder_sha256(j); !h.empty()) {
    auto it = pool.find(h);
    if (it == pool.end()) return j;
    j = it->second;
    return nullptr;
  }
  if (j.is_object() || j.is_array()) {
    for (Json& v : j) {
      if (Json missing = restore(v, pool); !missing.is_null()) return missing;
    }
  }
  return nullptr;
}

std::string describe_missing(const Json& placeholder) {
  const Json& p = placeholder[kCompactKey];
  return "a request payload of " + std::to_string(p.value("length", 0)) + " bytes (sha256 " +
         p.value("sha256", std::string()).substr(0, 16) +
         "...) was stored as its hash, and neither the suite nor the fresh target's responses gave it back";
}

}  // namespace

void add_payloads(const Json& j, const Compaction& c, PayloadPool& out_) {
  if (j.is_string()) {
    const std::string& s = j.get_ref<const std::string&>();
    if (s.size() > c.max_string) out_.emplace(sha256_hex(s), s);
  } else if (j.is_object() || j.is_array()) {
    for (const Json& v : j) add_payloads(v, c, out_);
  }
}

HarnessResult<LoadedTranscript> load_transcript(const std::string& path, const std::optional<std::string>& check,
                                                const std::vector<std::string>& also) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return harness_error(HarnessErrc::io, path + ": cannot read");
  std::string line;
  int line_no = 0;
  std::optional<Json> found;
  LoadedTranscript loaded;
  int count = 0;
  std::string ids;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty()) continue;
    auto j = ptp::parse_line(line);
    if (!j || !j->is_object() || !j->contains("check") || !(*j)["check"].is_string() || !j->contains("transcript")) {
      return harness_error(
          HarnessErrc::bad_argument,
          path + ":" + std::to_string(line_no) + ": not a transcript line ({\"check\",\"index\",\"transcript\"})");
    }
    ++count;
    const std::string id = (*j)["check"];
    if (ids.size() < 200) ids += (ids.empty() ? "" : ", ") + id;
    if (!check || *check == id || std::find(also.begin(), also.end(), id) != also.end()) {
      found = (*j)["transcript"];
      loaded.check = id;
      loaded.line = line_no;
      loaded.rerun = j->value("rerun", std::string());
      loaded.run_seed = j->value("run_seed", std::string());
      loaded.profile = j->value("profile", std::string());
    }
  }
  if (check && !found) return harness_error(HarnessErrc::bad_argument, path + ": no transcript of check " + *check);
  if (!check && count != 1) {
    return harness_error(HarnessErrc::bad_argument, path + ": holds " + std::to_string(count) +
                                                        " transcripts; name one with --check (" + ids + ")");
  }
  auto t = Transcript::from_json(*found);
  if (!t.ok()) return harness_error(HarnessErrc::bad_argument, path + ": " + t.error().detail);
  loaded.transcript = std::move(t).value();
  return loaded;
}

ReplayResult replay_transcript(const Transcript& transcript, const std::string& side, Target& target, std::ostream& out,
                               PayloadPool pool, const Compaction& c) {
  ReplayResult result;
  const auto& e = transcript.entries;
  // Long strings the transcript kept whole (written without compaction) serve as well.
  for (const TranscriptEntry& entry : e) {
    if (entry.compacted) continue;
    if (auto j = ptp::parse_line(entry.line)) add_payloads(*j, c, pool);
  }
  for (size_t i = 0; i < e.size(); ++i) {
    if (e[i].trimmed > 0) {
      result.incomplete = "transcript entry " + std::to_string(i) + ": " + std::to_string(e[i].trimmed) +
                          " lines were left out when it was written (long transcripts keep their first and last "
                          "lines); the exchanges after them cannot be replayed";
      break;
    }
    if (e[i].target != side || e[i].direction != Direction::request) continue;
    // The recorded response is the next response line of the same process, if any
    // before its next request (none when the target timed out or died).
    std::optional<std::string> recorded;
    bool cut = false;  // the response, if any, was left out
    for (size_t k = i + 1; k < e.size(); ++k) {
      if (e[k].trimmed > 0) {
        cut = true;
        break;
      }
      if (e[k].target != side) continue;
      if (e[k].direction == Direction::request) break;
      if (e[k].direction == Direction::response) {
        recorded = e[k].line;
        break;
      }
    }
    if (cut && !recorded) {
      result.incomplete = "transcript entry " + std::to_string(i) +
                          ": the response to this request was left out when the transcript was written";
      break;
    }
    std::optional<Json> request = ptp::parse_line(e[i].line);
    std::string raw = e[i].line;  // what is sent when the line is not a PTP request
    if (e[i].compacted && request) {
      if (Json missing = restore(*request, pool); !missing.is_null()) {
        result.incomplete = "transcript entry " + std::to_string(i) + ": " + describe_missing(missing);
        result.missing_payload = true;
        break;
      }
      if (request->is_string()) {  // the whole line was one placeholder: a line that is not JSON
        raw = request->get<std::string>();
        request = ptp::parse_line(raw);
      }
    }
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
      r = target.send_raw(raw);  // a deliberately malformed line is sent as it was
    }
    std::string replayed;
    if (r.ok()) {
      add_payloads(r.value(), c, pool);
      replayed = normal(r.value().dump(-1, ' ', false, Json::error_handler_t::replace), c);
    } else if (r.refused()) {
      replayed = "(refused by the client: " + r.refusal().detail + ")";
    } else {
      replayed = "(violation: " + std::string(to_string(r.violation().kind)) + ": " + r.violation().detail + ")";
    }
    const std::string expected = recorded ? normal(*recorded, c) : "(no response)";
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
