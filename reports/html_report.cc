#include "reports/html_report.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "harness/catalogue.h"
#include "harness/runner/group_healing.h"
#include "reference/crypto/hash.h"
#include "reports/assessment.h"
#include "reports/charts.h"
#include "reports/escape.h"
#include "reports/html_style.h"

#include "base/file_io.h"

namespace parity::reports {

namespace {

using harness::ResultRecord;
using harness::Verdict;

std::string h(std::string_view s) {
  return html_escape(s);
}

std::string base64(const uint8_t* data, size_t n) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < n; i += 3) {
    const uint32_t v =
        (uint32_t{data[i]} << 16) | (i + 1 < n ? uint32_t{data[i + 1]} << 8 : 0) | (i + 2 < n ? data[i + 2] : 0);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < n ? kAlphabet[(v >> 6) & 63] : '=';
    out += i + 2 < n ? kAlphabet[v & 63] : '=';
  }
  return out;
}

// script_text is the content of the report's one <script> element.
std::string script_text() {
  return "/*<![CDATA[*/" + std::string(kReportScript) + "/*]]>*/";
}

// content_security_policy forbids every fetch and every script but the report's own
// (by hash): even text a target smuggled past escaping could neither run nor call out.
std::string content_security_policy() {
  const std::string script = script_text();
  const Digest256 d = sha256(ByteView(reinterpret_cast<const uint8_t*>(script.data()), script.size()));
  return "default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-" + base64(d.data(), d.size()) +
         "'; base-uri 'none'; form-action 'none'";
}

std::string vname(Verdict v) {
  return std::string(harness::to_string(v));
}

std::string badge(Verdict v) {
  return "<span class=\"badge v-" + vname(v) + "\">" + vname(v) + "</span>";
}

std::string level_tag(harness::Level l) {
  const std::string s(harness::to_string(l));
  return "<span class=\"lvl " + s + "\">" + s + "</span>";
}

std::string link_to(const std::string& check, const std::string& text) {
  return "<a href=\"#" + h(anchor_id(check)) + "\">" + text + "</a>";
}

std::string or_unknown(const std::string& s) {
  return s.empty() ? "<span class=\"muted\">unknown</span>" : h(s);
}

std::string join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) out += (i ? std::string(sep) : "") + items[i];
  return out;
}

bool is_finding(Verdict v) {
  return v == Verdict::fail || v == Verdict::error || v == Verdict::not_tested;
}

// duration_text is the wall time between two RFC 3339 timestamps, or "".
std::string duration_text(const std::string& from, const std::string& to) {
  const auto parse = [](const std::string& s, std::tm* out_) {
    return s.size() == 20 && std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2dZ", &out_->tm_year, &out_->tm_mon,
                                         &out_->tm_mday, &out_->tm_hour, &out_->tm_min, &out_->tm_sec) == 6;
  };
  std::tm a{}, b{};
  if (!parse(from, &a) || !parse(to, &b)) return "";
  a.tm_year -= 1900, b.tm_year -= 1900, a.tm_mon -= 1, b.tm_mon -= 1;
  const long long secs = static_cast<long long>(timegm(&b) - timegm(&a));
  if (secs < 0) return "";
  if (secs < 60) return std::to_string(secs) + " s";
  return std::to_string(secs / 60) + " min " + std::to_string(secs % 60) + " s";
}

std::string group_title(const std::string& id) {
  for (const harness::Group& g : harness::groups()) {
    if (g.id == id) return std::string(g.title);
  }
  return "";
}

// Renderer holds what every part of the report needs.
class Renderer {
 public:
  Renderer(const ReportInput& in, const ReportOptions& opt) : in_(in), opt_(opt), a_(assess(in)) {
    std::vector<TranscriptKey> wanted;
    for (const ResultRecord& r : in_.results) {
      if (shows_transcript(r) && r.transcript_index) wanted.emplace_back(r.transcript_file, *r.transcript_index);
    }
    transcripts_ = load_transcripts(in_, wanted);
    // Groups in catalogue order, then any the catalogue does not know.
    std::set<std::string> present;
    for (const ResultRecord& r : in_.results) present.insert(r.group);
    for (const harness::Group& g : harness::groups()) {
      if (present.erase(std::string(g.id))) group_order_.emplace_back(g.id);
    }
    for (const std::string& g : present) group_order_.push_back(g);
  }

  std::string render() {
    std::string o;
    o.reserve(256 * 1024);
    o += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n";
    o += "<meta http-equiv=\"Content-Security-Policy\" content=\"" + h(content_security_policy()) + "\"/>\n";
    o += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n";
    o += "<title>" +
         h(std::string(in_.complete ? "" : "INCOMPLETE: ") + "Parity report: " + target_name() + ": " + a_.line) +
         "</title>\n";
    o += "<style>" + std::string(kReportCss) + "</style>\n</head>\n<body>\n";
    o += banner();
    o += nav();
    o += "<main class=\"page\">\n";
    o += tools();
    o += notes();
    o += summary_section();
    o += tested_section();
    for (const std::string& g : group_order_) o += group_section(g);
    o += findings_section();
    o += waived_section();
    o += untested_section();
    o += details_section();
    o += "<footer>Generated by " + h(opt_.generator) + " at " +
         h(opt_.generated_at.empty() ? harness::now_rfc3339() : opt_.generated_at) + " from <code>" + h(in_.path) +
         "</code> (" + (in_.source == Source::document ? "results document" : "results stream") +
         "). Requirement texts: the Parity catalogue (requirements.md).</footer>\n";
    o += "</main>\n<script>" + script_text() + "</script>\n</body>\n</html>\n";
    return o;
  }

 private:
  bool shows_transcript(const ResultRecord& r) const { return is_finding(r.verdict) || r.verdict == Verdict::waived; }

  std::string target_name() const {
    std::string s = in_.run.implementation.empty() ? "unknown target" : in_.run.implementation;
    if (!in_.run.version.empty()) s += " " + in_.run.version;
    return s;
  }

  std::string banner() const {
    const char* cls = a_.outcome == Outcome::equivalent       ? "equivalent"
                      : a_.outcome == Outcome::not_equivalent ? "not_equivalent"
                      : a_.outcome == Outcome::incomplete     ? "incomplete"
                                                              : "empty";
    std::string o = "<header class=\"banner " + std::string(cls) + "\"><div class=\"inner\">\n";
    if (!in_.complete) {
      std::string why = in_.has_footer ? "the run was interrupted before it finished"
                                       : "the results stream has no footer: the run was killed or is still running";
      o += "<p class=\"incomplete-flag\" id=\"incomplete\">INCOMPLETE: " + h(why) + "; " +
           std::to_string(in_.results.size()) + " checks recorded</p>\n";
    }
    o += "<p class=\"kicker\">Parity compliance report · " + h(target_name()) + "</p>\n";
    o += "<h1 id=\"verdict\">" + h(a_.line) + "</h1>\n";
    o += "<p class=\"why\" id=\"why\">" + h(a_.why) + "</p>\n";
    std::string meta = "profile " + std::string(harness::to_string(in_.run.profile)) + " · protocol " +
                       (in_.run.protocol.empty() ? "unknown" : in_.run.protocol) + " · seed " +
                       (in_.run.seed.empty() ? "unknown" : in_.run.seed.substr(0, 16) + "…") + " · " +
                       (in_.run.started_at.empty() ? "date unknown" : in_.run.started_at);
    o += "<p class=\"meta-line\">" + h(meta) + "</p>\n";
    o += "</div></header>\n";
    return o;
  }

  std::string nav() const {
    std::string o = "<nav class=\"toc\"><div class=\"inner\">";
    o += "<a href=\"#summary\">Summary</a><a href=\"#tested\">What was tested</a>";
    for (const std::string& g : group_order_) o += "<a href=\"#group-" + h(g) + "\">" + h(g) + "</a>";
    if (count_findings() > 0) o += "<a href=\"#findings\">Findings (" + std::to_string(count_findings()) + ")</a>";
    if (a_.waived > 0) o += "<a href=\"#waived\">Waived</a>";
    o += "<a href=\"#untested\">Not tested</a><a href=\"#details\">All checks</a>";
    o += "</div></nav>\n";
    return o;
  }

  std::string tools() const {
    // Hidden until the script runs: without JavaScript the controls would do nothing.
    std::string o = "<div id=\"tools\" class=\"noprint\" hidden=\"hidden\">";
    o += "<label>Verdict <select id=\"f-verdict\"><option value=\"\">all</option>";
    for (Verdict v : {Verdict::fail, Verdict::error, Verdict::not_tested, Verdict::waived, Verdict::pass,
                      Verdict::not_applicable}) {
      o += "<option value=\"" + vname(v) + "\">" + vname(v) + "</option>";
    }
    o += "</select></label><label>Group <select id=\"f-group\"><option value=\"\">all</option>";
    for (const std::string& g : group_order_) o += "<option value=\"" + h(g) + "\">" + h(g) + "</option>";
    o += "</select></label>";
    o += "<button type=\"button\" id=\"expand-all\">Expand all</button>";
    o += "<button type=\"button\" id=\"collapse-all\">Collapse all</button></div>\n";
    return o;
  }

  std::string notes() const {
    std::vector<std::string> all = in_.notes;
    for (const std::string& f : transcripts_.missing) {
      all.push_back("transcripts file " + f + " was not found (nor beside the results file): transcripts are left out");
    }
    if (all.empty()) return "";
    std::string o = "<div class=\"notes\" id=\"reading-notes\"><strong>Reading notes</strong><ul>";
    for (const std::string& n : all) o += "<li>" + h(n) + "</li>";
    return o + "</ul></div>\n";
  }

  size_t count_findings() const {
    return static_cast<size_t>(std::count_if(in_.results.begin(), in_.results.end(),
                                             [](const ResultRecord& r) { return is_finding(r.verdict); }));
  }

  std::string summary_section() const {
    std::string o = "<section id=\"summary\"><h2>Summary</h2>\n";
    const std::vector<Verdict> order = {Verdict::pass,       Verdict::fail,   Verdict::error,
                                        Verdict::not_tested, Verdict::waived, Verdict::not_applicable};
    std::vector<VerdictSlice> slices;
    std::map<Verdict, int> totals;
    for (const auto& [level, counts] : a_.counts) {
      for (const auto& [v, n] : counts) totals[v] += n;
    }
    for (Verdict v : order) slices.push_back(VerdictSlice{vname(v), totals[v]});
    o += verdict_bar(slices);
    o += "<table class=\"counts\" id=\"counts\"><thead><tr><th>level</th>";
    for (Verdict v : order) o += "<th>" + vname(v) + "</th>";
    o += "<th>total</th></tr></thead><tbody>";
    for (const char* level : {"MUST", "SHOULD", "INFO"}) {
      auto it = a_.counts.find(level);
      int total = 0;
      std::string cells;
      for (Verdict v : order) {
        const int n = it == a_.counts.end() ? 0 : it->second.at(v);
        total += n;
        cells += "<td class=\"num\">" + (n == 0 ? std::string("<span class=\"muted\">0</span>") : std::to_string(n)) +
                 "</td>";
      }
      o += "<tr><td>" + std::string(level) + "</td>" + cells + "<td class=\"num\">" + std::to_string(total) +
           "</td></tr>";
    }
    int all = 0;
    std::string cells;
    for (Verdict v : order) {
      all += totals[v];
      cells += "<td class=\"num\"><strong>" + std::to_string(totals[v]) + "</strong></td>";
    }
    o += "<tr><td><strong>all</strong></td>" + cells + "<td class=\"num\"><strong>" + std::to_string(all) +
         "</strong></td></tr></tbody></table>\n";
    if (!a_.failing.empty()) {
      o += "<h4>Failing requirements</h4><ul id=\"failing\">";
      for (const FailingRequirement& f : a_.failing) {
        std::vector<std::string> links;
        for (const ResultRecord* r : f.checks)
          links.push_back(link_to(r->check, h(r->check)) + " (" + vname(r->verdict) + ")");
        o += "<li><strong>" + h(f.id) + "</strong> " + h(f.level) + ": " + h(f.title) + ": " + join(links, ", ") +
             "</li>";
      }
      o += "</ul>\n";
    }
    o += "<h4>Untested areas</h4><p id=\"untested-areas\">";
    int not_tested = 0;
    for (const auto& [level, counts] : a_.counts) not_tested += counts.at(Verdict::not_tested);
    std::vector<std::string> parts;
    if (!a_.untested_areas.empty()) {
      parts.push_back(
          "Optional capabilities the target does not declare, and primitives or layouts it does not give, so "
          "their checks are not applicable: " +
          h(join(a_.untested_areas, "; ")) + ".");
    }
    if (not_tested > 0) {
      parts.push_back(std::to_string(not_tested) +
                      " checks are not tested because a capability the profile requires is missing (they count as "
                      "failures; see <a href=\"#untested\">Not tested</a>).");
    }
    if (parts.empty()) parts.push_back("None: every check of the profile ran.");
    o += join(parts, " ") + "</p>\n";
    if (a_.should_deviations > 0) {
      o += "<p>" + std::to_string(a_.should_deviations) +
           " SHOULD checks deviate from the baseline; they are listed under Findings and do not fail the run.</p>\n";
    }
    return o + "</section>\n";
  }

  std::string tested_section() const {
    const harness::RunInfo& r = in_.run;
    std::string o = "<section id=\"tested\"><h2>What was tested</h2>\n<dl class=\"facts\">";
    const auto row = [&](const char* k, const std::string& v_html) {
      o += "<dt>" + std::string(k) + "</dt><dd>" + v_html + "</dd>";
    };
    row("Target implementation", or_unknown(r.implementation));
    row("Target version", or_unknown(r.version));
    row("Protocol", or_unknown(r.protocol));
    row("Capabilities",
        r.capabilities.empty() ? "<span class=\"muted\">none declared</span>" : h(join(r.capabilities, ", ")));
    if (!r.commit_policy.empty()) {
      row("Commit policy", h(r.commit_policy) +
                               " <span class=\"muted\">(the target's rule for when it commits or rotates; PCS is "
                               "measured under it)</span>");
    }
    // Declared, not measured: no check can see inside a KEM. Shown beside the baseline's none.
    row("Post-quantum protection",
        (r.post_quantum.empty() ? std::string("<span class=\"muted\">none declared</span>") : h(r.post_quantum)) +
            " <span class=\"muted\">(declared by the target; the Signal v3 baseline: none, X3DH and the Double "
            "Ratchet use X25519 only)</span>");
    if (r.limits.is_object() && !r.limits.empty())
      row("Declared limits", "<code>" + h(harness::dump_line(r.limits)) + "</code>");
    row("Target command", "<code>" + or_unknown(r.target_command) + "</code>");
    std::string exe =
        r.target_sha256.empty()
            ? std::string("<span class=\"muted\">not computed (the command does not start with a file)</span>")
            : "<code>" + h(r.target_sha256) + "</code> <span class=\"muted\">of " + h(r.target_executable) + "</span>";
    row("Target SHA-256", exe);
    for (const harness::RunInfo::ScriptHash& s : r.target_scripts) {
      row("Target script SHA-256",
          "<code>" + h(s.sha256) + "</code> <span class=\"muted\">of " + h(s.path) + "</span>");
    }
    row("Profile", h(std::string(harness::to_string(r.profile))) + " <span class=\"muted\">(" +
                       h(r.profile_source == "option" ? "chosen with --profile" : "derived from the protocol") +
                       ")</span>");
    row("Signal baseline", "<code>" + or_unknown(r.baseline_command) + "</code>");
    row("Parity version",
        or_unknown(r.parity_version) + (r.parity_revision.empty()
                                            ? std::string()
                                            : " <span class=\"muted\">(built from revision</span> <code>" +
                                                  h(r.parity_revision) + "</code><span class=\"muted\">)</span>"));
    if (!r.libraries.empty()) {
      // The same list as `parity --version`: what the built-in targets were built against.
      std::string libs = "<ul class=\"libs\">";
      for (const harness::RunInfo::Library& l : r.libraries) {
        libs += "<li>" + h(l.name) + " <code>" + h(l.version) + "</code> <span class=\"muted\">" + h(l.used_by) +
                "</span></li>";
      }
      row("Libraries (built against)", libs + "</ul>");
    }
    row("Vector set SHA-256", r.vectors_sha256.empty() ? "<span class=\"muted\">not recorded</span>"
                                                       : "<code>" + h(r.vectors_sha256) + "</code>");
    row("Seed", "<code>" + or_unknown(r.seed) + "</code>");
    const std::string scope = scope_note(in_);
    row("Scope", scope.empty() ? "every check of the profile" : h(scope));
    row("Strict", r.strictness == harness::Strictness::strict ? "yes (SHOULD failures fail the run)" : "no");
    row("Started", or_unknown(r.started_at));
    std::string finished =
        in_.summary.finished_at.empty() ? "<span class=\"muted\">did not finish</span>" : h(in_.summary.finished_at);
    const std::string dur = duration_text(r.started_at, in_.summary.finished_at);
    if (!dur.empty()) finished += " <span class=\"muted\">(" + h(dur) + ")</span>";
    row("Finished", finished);
    row("Host", or_unknown(r.host));
    row("Exit status", in_.has_footer ? std::to_string(in_.summary.exit_status)
                                      : std::string("<span class=\"muted\">none (no footer)</span>"));
    return o + "</dl></section>\n";
  }

  // figure_cells are the measure, target and baseline cells of one figure; a target
  // value that differs from the baseline's is marked.
  std::string figure_cells(const harness::Figure* f) const {
    if (f == nullptr) return "<td class=\"muted\">—</td><td></td><td></td>";
    const auto value = [&](const std::optional<double>& v) {
      return (v ? h(format_number(*v)) : std::string("n/a")) +
             (f->unit.empty() ? "" : " <span class=\"fn\">" + h(f->unit) + "</span>");
    };
    const bool differs = f->target && f->baseline && *f->target != *f->baseline;
    return "<td class=\"fn\">" + h(f->name) + "</td><td class=\"num" +
           std::string(differs ? " differs\" title=\"differs from the baseline" : "") + "\">" + value(f->target) +
           "</td><td class=\"num\">" + value(f->baseline) + "</td>";
  }

  std::string data_attrs(const ResultRecord& r) const {
    return " data-verdict=\"" + vname(r.verdict) + "\" data-group=\"" + h(r.group) + "\"";
  }

  std::string group_section(const std::string& g) const {
    std::vector<const ResultRecord*> rows;
    for (const ResultRecord& r : in_.results) {
      if (r.group == g) rows.push_back(&r);
    }
    std::map<Verdict, int> counts;
    for (const ResultRecord* r : rows) ++counts[r->verdict];
    std::vector<std::string> count_text;
    for (const auto& [v, n] : counts) count_text.push_back(std::to_string(n) + " " + vname(v));
    const std::string title = group_title(g);
    std::string o = "<section class=\"group\" id=\"group-" + h(g) + "\"><h2>" + h(g) +
                    (title.empty() ? "" : " — " + h(title)) +
                    " <span class=\"muted\" style=\"font-size:14px;font-weight:400\">" + std::to_string(rows.size()) +
                    " checks: " + h(join(count_text, ", ")) + "</span></h2>\n";
    o += "<table class=\"checks\"><colgroup><col class=\"c-id\"/><col class=\"c-title\"/><col class=\"c-lvl\"/>"
         "<col class=\"c-v\"/><col class=\"c-m\"/><col class=\"c-n\"/><col class=\"c-n\"/><col "
         "class=\"c-d\"/></colgroup>"
         "<thead><tr><th>Check</th><th>Title</th><th>Level</th><th>Verdict</th><th>Measure</th><th "
         "class=\"num\">Target</th>"
         "<th class=\"num\">Signal baseline</th><th>Details</th></tr></thead><tbody>\n";
    std::vector<BarRow> bars;
    std::vector<HealingRow> healings;
    std::vector<std::pair<const ResultRecord*, const harness::Series*>> series;
    for (const ResultRecord* r : rows) {
      // One table row per figure; the check's own cells span them. Only the first row
      // carries data-check, so a check is counted once.
      const size_t n = std::max<size_t>(1, r->figures.size());
      const std::string span = n > 1 ? " rowspan=\"" + std::to_string(n) + "\"" : "";
      const std::string cls = r->verdict == Verdict::not_applicable ? "na" : "";
      o += "<tr class=\"first " + cls + "\" data-check=\"" + h(r->check) + "\"" + data_attrs(*r) +
           "><td class=\"mono\"" + span + ">" + h(r->check) + "</td><td" + span + ">" + h(display_title(*r)) +
           "</td><td" + span + ">" + level_tag(r->level) + "</td><td" + span + ">" + badge(r->verdict) + "</td>" +
           figure_cells(r->figures.empty() ? nullptr : &r->figures[0]) + "<td" + span + ">" +
           link_to(r->check, "details") + "</td></tr>\n";
      for (size_t i = 1; i < r->figures.size(); ++i) {
        o += "<tr class=\"cont " + cls + "\"" + data_attrs(*r) + ">" + figure_cells(&r->figures[i]) + "</tr>\n";
      }
      if (const std::optional<HealingRow> healing = healing_row(*r)) healings.push_back(*healing);
      for (const harness::Figure& f : r->figures) {
        // GRP-10's healing rounds have their own chart, on one scale of rounds.
        if (r->requirement == harness::kGroupHealingRequirement && f.name == harness::kGroupHealingFigure) continue;
        if (f.target || f.baseline) {
          bars.push_back(BarRow{r->check + " · " + f.name, f.unit, f.target, f.baseline, is_finding(r->verdict)});
        }
      }
      for (const harness::Series& s : r->series) series.emplace_back(r, &s);
    }
    o += "</tbody></table>\n";
    // Bars only where both sides were measured: a lone number is as clear in the table.
    std::vector<BarRow> compared;
    for (const BarRow& b : bars) {
      if (b.target && b.baseline) compared.push_back(b);
    }
    constexpr size_t kMaxBars = 40;
    if (compared.size() > kMaxBars) compared.resize(kMaxBars);
    if (!compared.empty()) {
      o +=
          "<h4>Target beside the Signal baseline</h4>" + bar_chart(compared, g + ": target beside the Signal baseline");
    }
    if (!healings.empty()) {
      o += "<h4>Healing after a compromise (" + std::string(harness::kGroupHealingRequirement) +
           "), target beside the Signal baseline</h4>" +
           healing_chart(healings, g + ": first round the compromised member's clone reads none of");
    }
    if (!series.empty()) {
      o += "<h4>Over time</h4><div class=\"charts\">";
      for (const auto& [r, s] : series) {
        o += "<figure style=\"margin:0\">" + line_chart(*s) + "<figcaption class=\"muted\">" +
             link_to(r->check, h(r->check)) + "</figcaption></figure>";
      }
      o += "</div>\n";
    }
    return o + "</section>\n";
  }

  // healing_row is a GRP-10 variant's row of the healing chart: its figure, or its
  // verdict where it measured none (not applicable, not tested, error).
  static std::optional<HealingRow> healing_row(const ResultRecord& r) {
    if (r.requirement != harness::kGroupHealingRequirement) return std::nullopt;
    for (const harness::Figure& f : r.figures) {
      if (f.name == harness::kGroupHealingFigure) return HealingRow{r.check, f.target, f.baseline, ""};
    }
    if (r.verdict == Verdict::pass) return std::nullopt;  // an INFO check without the figure: nothing to draw
    return HealingRow{r.check, std::nullopt, std::nullopt, std::string(harness::to_string(r.verdict))};
  }

  // needed_capabilities lists what a not-tested check needs and the target lacks.
  std::vector<std::string> needed_capabilities(const ResultRecord& r) const {
    std::vector<std::string> out;
    if (opt_.needs_of) {
      for (const std::string& cap : opt_.needs_of(r.check)) {
        if (std::find(in_.run.capabilities.begin(), in_.run.capabilities.end(), cap) == in_.run.capabilities.end()) {
          out.push_back(cap);
        }
      }
    }
    if (out.empty()) {
      // The runner's gate names the capability in quotes: "needs capability 'inject', ...".
      const size_t q = r.summary.find('\'');
      const size_t e = q == std::string::npos ? q : r.summary.find('\'', q + 1);
      if (e != std::string::npos && r.summary.find("capability") != std::string::npos)
        out.push_back(r.summary.substr(q + 1, e - q - 1));
    }
    return out;
  }

  std::string figures_table(const ResultRecord& r) const {
    if (r.figures.empty()) return "";
    std::string o =
        "<h4>Figures</h4><table><thead><tr><th>measure</th><th class=\"num\">target</th><th class=\"num\">Signal "
        "baseline</th><th>unit</th></tr></thead><tbody>";
    for (const harness::Figure& f : r.figures) {
      o += "<tr><td>" + h(f.name) + "</td><td class=\"num\">" + (f.target ? h(format_number(*f.target)) : "n/a") +
           "</td><td class=\"num\">" + (f.baseline ? h(format_number(*f.baseline)) : "n/a") + "</td><td>" + h(f.unit) +
           "</td></tr>";
    }
    return o + "</tbody></table>";
  }

  std::string transcript_block(const ResultRecord& r) const {
    if (!r.transcript_index) {
      return "<p class=\"muted\">No transcript: the check did not run.</p>";
    }
    auto it = transcripts_.by_key.find({r.transcript_file, *r.transcript_index});
    if (it == transcripts_.by_key.end()) {
      return "<p class=\"muted\">Transcript not available here (" + h(r.transcript_file) + " line " +
             std::to_string(*r.transcript_index) + ").</p>";
    }
    const std::vector<TranscriptLine>& lines = it->second;
    const size_t max = opt_.transcript_max_lines;
    const size_t head = lines.size() > max ? max * 5 / 6 : lines.size();
    const size_t tail = lines.size() > max ? max - head : 0;
    auto file = transcripts_.resolved.find(r.transcript_file);
    std::string o = "<details class=\"transcript-box\"><summary>PTP transcript: " + std::to_string(lines.size()) +
                    " lines <span class=\"muted\">(" +
                    h(file != transcripts_.resolved.end() ? file->second : r.transcript_file) + ", line " +
                    std::to_string(*r.transcript_index + 1) + "; → request, ← response, · note)</span></summary>";
    o += "<pre class=\"transcript\">";
    const auto entry = [&](const TranscriptLine& e) {
      char time[32];
      std::snprintf(time, sizeof time, "%9.3f ms ", static_cast<double>(e.us) / 1000.0);
      const char* arrow = e.dir == "request" ? "→" : e.dir == "response" ? "←" : "·";
      const char* cls = e.dir == "request" ? "tr-req" : e.dir == "response" ? "tr-resp" : "tr-note";
      std::string who = e.target;
      who.resize(std::max<size_t>(who.size(), 8), ' ');
      const std::string_view cut = truncate_utf8(e.line, opt_.transcript_line_bytes);
      std::string line = "<span class=\"" + std::string(cls) + (e.target == "baseline" ? " tr-base" : "") + "\">" +
                         time + h(who) + " " + arrow + " " + h(cut) + "</span>";
      if (cut.size() < e.line.size()) {
        line += "<span class=\"trunc\">… [" + std::to_string(e.line.size() - cut.size()) + " more bytes cut]</span>";
      }
      return line + "\n";
    };
    for (size_t i = 0; i < head; ++i) o += entry(lines[i]);
    if (tail > 0) {
      o += "<span class=\"trunc\">… " + std::to_string(lines.size() - head - tail) +
           " lines left out here; see the transcripts file …</span>\n";
      for (size_t i = lines.size() - tail; i < lines.size(); ++i) o += entry(lines[i]);
    }
    return o + "</pre></details>";
  }

  // check_body is what a reader needs to understand one check's result.
  std::string check_body(const ResultRecord& r, bool with_transcript) const {
    std::string o;
    const harness::Requirement* req = harness::find_requirement(r.requirement);
    o += "<h4>What the requirement means</h4><p class=\"meaning\"><strong>" + h(r.requirement) + "</strong> " +
         level_tag(r.level) + ": " + h(req != nullptr ? std::string(req->text) : display_title(r)) + "</p>";
    if (r.verdict == Verdict::waived && r.waiver) {
      o += "<h4>Waiver</h4><p><strong>Waived by the provider</strong> (the check's verdict was " +
           h(r.waived_verdict ? vname(*r.waived_verdict) : std::string("fail")) + "): " + h(*r.waiver) + "</p>";
    }
    o += "<h4>What was observed</h4><p>" +
         (r.summary.empty() ? std::string("<span class=\"muted\">no summary</span>") : h(r.summary)) + "</p>";
    if (!r.observations.empty()) {
      o += "<ul class=\"observations\">";
      for (const std::string& ob : r.observations) {
        const std::string_view cut = truncate_utf8(ob, 2000);
        o += "<li>" + h(cut) +
             (cut.size() < ob.size()
                  ? "<span class=\"trunc\">… [" + std::to_string(ob.size() - cut.size()) + " more bytes cut]</span>"
                  : "") +
             "</li>";
      }
      o += "</ul>";
    }
    if (r.verdict == Verdict::not_tested) {
      const std::vector<std::string> caps = needed_capabilities(r);
      o += "<p class=\"needs\"><strong>Needs capability " +
           h(caps.empty() ? std::string("(unknown)") : join(caps, ", ")) + "</strong>, which profile " +
           h(std::string(harness::to_string(in_.run.profile))) + " requires; the target declares " +
           h(in_.run.capabilities.empty() ? std::string("none") : join(in_.run.capabilities, ", ")) +
           ". Declaring and implementing it lets this check run.</p>";
    }
    o += figures_table(r);
    for (const harness::Series& s : r.series) o += line_chart(s);
    if (!r.counterexample.empty()) {
      o += "<h4>Minimal counterexample</h4><pre class=\"scenario\">" + h(truncate_utf8(r.counterexample, 8000)) +
           "</pre>";
    } else if (is_finding(r.verdict) && r.verdict != Verdict::not_tested) {
      o += "<h4>Minimal counterexample</h4><p class=\"muted\">The check recorded no scenario; the observations and the "
           "transcript are the evidence.</p>";
    }
    if (with_transcript) o += transcript_block(r);
    if (const harness::Reproduction how = harness::reproduction(in_.run, r); !how.command.empty()) {
      o += "<h4>Reproduce</h4>";
      if (!how.exact) o += "<p class=\"not-replayable\">" + h(std::string(harness::kNotReplayable)) + ":</p>";
      o += "<pre class=\"cmd\"><code>" + h(how.command) + "</code></pre>";
    }
    o += "<p class=\"muted\">check seed <code>" + h(r.seed) + "</code> · " + std::to_string(r.duration_ms) + " ms" +
         (r.transcript_index
              ? " · transcript " + h(r.transcript_file) + " line " + std::to_string(*r.transcript_index + 1)
              : std::string()) +
         "</p>";
    return o;
  }

  std::string article(const ResultRecord& r) const {
    return "<article class=\"finding v-" + vname(r.verdict) + "-b\" id=\"" + h(anchor_id(r.check)) + "\"" +
           data_attrs(r) + "><h3><span class=\"mono\">" + h(r.check) + "</span> " + badge(r.verdict) + " " +
           level_tag(r.level) + " <span style=\"font-weight:400\">" + h(display_title(r)) + "</span></h3>" +
           check_body(r, true) + "</article>\n";
  }

  std::string findings_section() const {
    std::vector<const ResultRecord*> list;
    for (const ResultRecord& r : in_.results) {
      if (is_finding(r.verdict)) list.push_back(&r);
    }
    if (list.empty()) return "";
    // What fails the run first, then SHOULD deviations, then the rest.
    const auto rank = [&](const ResultRecord* r) {
      if (harness::counts_against(r->level, r->verdict, in_.run.strictness)) return 0;
      return r->level == harness::Level::should ? 1 : 2;
    };
    std::stable_sort(list.begin(), list.end(),
                     [&](const ResultRecord* x, const ResultRecord* y) { return rank(x) < rank(y); });
    std::string o =
        "<section id=\"findings\"><h2>Findings</h2><p class=\"muted\">Every check that failed, erred or could "
        "not be tested, with what it means, what was seen, the smallest scenario that shows it, the PTP "
        "exchange and the command that reproduces it.</p>\n";
    for (const ResultRecord* r : list) o += article(*r);
    return o + "</section>\n";
  }

  std::string waived_section() const {
    std::vector<const ResultRecord*> list;
    for (const ResultRecord& r : in_.results) {
      if (r.verdict == Verdict::waived) list.push_back(&r);
    }
    if (list.empty()) return "";
    std::string o =
        "<section id=\"waived\"><h2>Waived</h2><p>Failures the provider's waiver file names, with its reasons. "
        "They do not fail the run; they are shown in full.</p><table><thead><tr><th>Check</th><th>Level</th>"
        "<th>Was</th><th>Reason</th></tr></thead><tbody>";
    for (const ResultRecord* r : list) {
      o += "<tr" + data_attrs(*r) + "><td class=\"mono\">" + link_to(r->check, h(r->check)) + "</td><td>" +
           level_tag(r->level) + "</td><td>" + (r->waived_verdict ? badge(*r->waived_verdict) : std::string()) +
           "</td><td>" + h(r->waiver.value_or("")) + "</td></tr>";
    }
    o += "</tbody></table>\n";
    for (const ResultRecord* r : list) o += article(*r);
    return o + "</section>\n";
  }

  std::string untested_section() const {
    std::string o = "<section id=\"untested\"><h2>Not tested</h2>\n";
    std::vector<const ResultRecord*> nt;
    for (const ResultRecord& r : in_.results) {
      if (r.verdict == Verdict::not_tested) nt.push_back(&r);
    }
    if (!nt.empty()) {
      o += "<p>Checks that need a capability profile " + h(std::string(harness::to_string(in_.run.profile))) +
           " requires and the target does not declare; each counts as a failure of its level.</p>";
      o += "<table><thead><tr><th>Check</th><th>Level</th><th>Needs</th></tr></thead><tbody>";
      for (const ResultRecord* r : nt) {
        o += "<tr><td class=\"mono\">" + link_to(r->check, h(r->check)) + "</td><td>" + level_tag(r->level) +
             "</td><td>" + h(join(needed_capabilities(*r), ", ")) + "</td></tr>";
      }
      o += "</tbody></table>\n";
    }
    if (!in_.summary.untested.empty()) {
      o += "<p>Areas left untested because the target does not declare an optional capability, answers "
           "<code>unsupported</code> for a primitive, or gives no bundle <code>layout</code> (the checks are "
           "not applicable, and no claim is made about them):</p><table><thead><tr><th>Missing</th><th>Checks</th>"
           "</tr></thead><tbody>";
      for (const harness::Untested& u : in_.summary.untested) {
        std::vector<std::string> links;
        for (const std::string& c : u.checks) links.push_back(link_to(c, h(c)));
        o += "<tr><td><strong>" + h(u.capability) + "</strong></td><td class=\"mono\">" + join(links, ", ") +
             "</td></tr>";
      }
      o += "</tbody></table>\n";
    }
    std::vector<std::string> profile_na;
    for (const ResultRecord& r : in_.results) {
      if (r.verdict == Verdict::not_applicable && r.summary.starts_with("profile "))
        profile_na.push_back(r.requirement);
    }
    profile_na.erase(std::unique(profile_na.begin(), profile_na.end()), profile_na.end());
    if (!profile_na.empty()) {
      o += "<p>Not part of profile " + h(std::string(harness::to_string(in_.run.profile))) + ": " +
           h(join(profile_na, ", ")) + ".</p>";
    }
    if (nt.empty() && in_.summary.untested.empty() && profile_na.empty())
      o += "<p>Nothing: every selected check ran.</p>";
    return o + "</section>\n";
  }

  std::string details_section() const {
    std::string o =
        "<section id=\"details\"><h2>All checks</h2><p class=\"muted\">Every other check, collapsed; "
        "findings and waived checks are shown in full above.</p>\n";
    for (const ResultRecord& r : in_.results) {
      if (is_finding(r.verdict) || r.verdict == Verdict::waived) continue;
      o += "<details class=\"check\" id=\"" + h(anchor_id(r.check)) + "\"" + data_attrs(r) +
           "><summary><span class=\"mono\">" + h(r.check) + "</span> " + badge(r.verdict) + " " +
           h(r.summary.empty() ? display_title(r) : r.summary) + "</summary>" + check_body(r, false) + "</details>\n";
    }
    return o + "</section>\n";
  }

  const ReportInput& in_;
  const ReportOptions& opt_;
  Assessment a_;
  LoadedTranscripts transcripts_;
  std::vector<std::string> group_order_;
};

}  // namespace

std::string render_html(const ReportInput& input, const ReportOptions& options) {
  return Renderer(input, options).render();
}

HarnessStatus write_text_file(const std::string& path, const std::string& text) {
  auto written = write_file_atomic(path, text);
  if (!written.ok()) return harness_error(HarnessErrc::io, written.error().detail);
  return {};
}

HarnessStatus write_html_report(const ReportInput& input, const ReportOptions& options, const std::string& path) {
  return write_text_file(path, render_html(input, options));
}

}  // namespace parity::reports
