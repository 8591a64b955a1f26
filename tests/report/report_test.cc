// report_test.cc: the reports library without a browser: escaping of hostile target
// text, well-formed XHTML-compatible output without external references, reading
// documents and cut streams, the one-line assessment, charts, the Markdown summary,
// merging shards, and the fingerprints the run header carries.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include <gtest/gtest.h>
#include <pugixml.hpp>
#include <unistd.h>

#include "harness/runner/fingerprint.h"
#include "harness/runner/group_healing.h"
#include "harness/runner/results.h"
#include "harness/runner/runner.h"
#include "reports/assessment.h"
#include "reports/charts.h"
#include "reports/escape.h"
#include "reports/html_report.h"
#include "reports/junit.h"
#include "reports/markdown_summary.h"
#include "reports/merge.h"
#include "reports/report_input.h"
#include "tests/harness/json_schema_lite.h"

namespace parity::reports {
namespace {

using harness::Level;
using harness::ResultRecord;
using harness::Verdict;
using nlohmann::json;

namespace fs = std::filesystem;

const std::string kHostile =
    "<img src=x onerror=alert(1)><script>alert(2)</script>\"'&amp; ]]> https://evil.example/x.png";

std::string temp_dir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("parity-report-test-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir.string();
}

ResultRecord record(const std::string& check, Verdict v, Level level = Level::must) {
  ResultRecord r;
  r.check = check;
  r.requirement = check.substr(0, check.find('.'));
  r.group = r.requirement.substr(0, r.requirement.find('-'));
  r.level = level;
  r.title = "title of " + check;
  r.verdict = v;
  r.summary = "summary of " + check;
  r.seed = std::string(64, 'a');
  return r;
}

ReportInput input_with(std::vector<ResultRecord> records, bool complete = true) {
  ReportInput in;
  in.path = "results.json";
  in.has_header = true;
  in.has_footer = complete;
  in.complete = complete;
  in.run.implementation = "example";
  in.run.version = "1.0";
  in.run.protocol = "signal-v3";
  in.run.profile = harness::Profile::signal;
  in.run.seed = std::string(64, '0');
  in.run.started_at = "2024-05-01T12:00:00Z";
  in.results = std::move(records);
  in.summary = harness::summarize(in.results, harness::Strictness::normal);
  in.summary.complete = complete;
  return in;
}

// expect_safe_markup parses the report as XML and checks that no element or attribute
// could fetch or run anything but the report's own script.
void expect_safe_markup(const std::string& html) {
  pugi::xml_document doc;
  const pugi::xml_parse_result parsed = doc.load_string(html.c_str(), pugi::parse_default | pugi::parse_doctype);
  ASSERT_TRUE(parsed) << parsed.description() << " at offset " << parsed.offset << ": "
                      << html.substr(parsed.offset > 80 ? parsed.offset - 80 : 0, 160);
  ASSERT_STREQ(doc.document_element().name(), "html");
  int scripts = 0;
  for (pugi::xpath_node n : doc.select_nodes("//*")) {
    const std::string name = n.node().name();
    EXPECT_TRUE(name != "img" && name != "iframe" && name != "object" && name != "embed" && name != "link" &&
                name != "base" && name != "form" && name != "image" && name != "use")
        << "element <" << name << "> in the report";
    if (name == "script") ++scripts;
    for (pugi::xml_attribute a : n.node().attributes()) {
      const std::string an = a.name();
      const std::string av = a.value();
      EXPECT_FALSE(an.starts_with("on")) << "event handler attribute " << an;
      EXPECT_NE(an, "src");
      if (an == "href" || an == "xlink:href" || an == "action") {
        EXPECT_TRUE(av.starts_with("#")) << an << "=" << av;
      }
      if (an == "style") {
        EXPECT_EQ(av.find("url("), std::string::npos) << av;
      }
    }
  }
  EXPECT_EQ(scripts, 1);
}

TEST(Escape, HtmlMetacharacters) {
  EXPECT_EQ(html_escape("<a href=\"x\">&'</a>"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;");
}

TEST(Escape, ControlsAndInvalidUtf8BecomeVisible) {
  EXPECT_EQ(clean_text(std::string("a\0b", 3)),
            "a\xE2\x90\x80"
            "b");                                         // U+2400
  EXPECT_EQ(clean_text("\x1b[31m"), "\xE2\x90\x9B[31m");  // ESC as U+241B
  EXPECT_EQ(clean_text("\xff\xc3"), "\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(clean_text("\xed\xa0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // a surrogate
  EXPECT_EQ(clean_text("tab\tnl\n é"), "tab\tnl\n é");
}

TEST(Escape, TruncateKeepsUtf8Whole) {
  EXPECT_EQ(truncate_utf8("aé", 2), "a");
  EXPECT_EQ(truncate_utf8("abc", 5), "abc");
}

TEST(Escape, AnchorIdsAreSafeAndDistinct) {
  EXPECT_EQ(anchor_id("KAT-1.x25519"), "c-KAT-1.x25519");
  EXPECT_NE(anchor_id("a_b"), anchor_id("a b"));
  EXPECT_EQ(anchor_id("\"><x"), "c-_22_3E_3Cx");
}

TEST(Escape, MarkdownCannotBreakOutOfACell) {
  const std::string md = markdown_escape("a|b\n<script>`x` [l](http://e) *y*");
  EXPECT_EQ(md.find('\n'), std::string::npos);
  EXPECT_EQ(md.find("<script"), std::string::npos);
  EXPECT_NE(md.find("\\|"), std::string::npos);
  EXPECT_NE(md.find("\\["), std::string::npos);
  EXPECT_NE(md.find("\\`"), std::string::npos);
}

TEST(Html, HostileTargetTextIsEscapedEverywhere) {
  ResultRecord bad = record("MSG-3.bitflip", Verdict::fail);
  bad.title = kHostile;
  bad.summary = kHostile;
  bad.observations = {kHostile, std::string("nul\0byte", 8)};
  bad.counterexample = kHostile;
  bad.figures = {harness::Figure{kHostile, 1, 2, kHostile}};
  bad.series = {harness::Series{kHostile, kHostile, kHostile, {1, 2}, {1, 1}}};
  bad.replay = "parity replay " + kHostile;
  ResultRecord waived = record("AKE-6.one", Verdict::waived, Level::should);
  waived.waiver = kHostile;
  waived.waived_verdict = Verdict::fail;
  ResultRecord odd = record(kHostile, Verdict::error);
  odd.group = kHostile;
  ReportInput in = input_with({bad, waived, odd});
  in.run.implementation = kHostile;
  in.run.version = kHostile;
  in.run.capabilities = {kHostile};
  in.run.target_command = kHostile;
  in.run.host = kHostile;
  in.notes = {kHostile};
  const std::string html = render_html(in, ReportOptions{});
  expect_safe_markup(html);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_EQ(html.find("<script>alert"), std::string::npos);
  EXPECT_NE(html.find("&lt;img src=x onerror=alert(1)&gt;"), std::string::npos);
  EXPECT_NE(html.find("nul\xE2\x90\x80"
                      "byte"),
            std::string::npos);

  // Markup may appear only inside code spans, which Markdown shows literally.
  const std::string md = render_markdown(in, "report.html");
  const std::string outside = std::regex_replace(md, std::regex("`[^`\n]*`"), "");
  EXPECT_EQ(outside.find("<img"), std::string::npos) << md;
  EXPECT_EQ(outside.find("<script"), std::string::npos) << md;
}

TEST(Html, PassingRunSaysEquivalentAndHasNoExternalReference) {
  ResultRecord r = record("PCS-1.after-send", Verdict::pass);
  r.figures = {harness::Figure{"healing", 1, 1, "round trips"}};
  r.series = {
      harness::Series{"readable by the clone", "messages", "round trip after compromise", {3, 1, 0, 0}, {3, 1, 0, 0}}};
  ReportInput in =
      input_with({r, record("MSG-1.sizes", Verdict::pass), record("MED-1.vectors", Verdict::not_applicable)});
  in.summary.untested = {harness::Untested{"media", {"MED-1.vectors"}}};
  const std::string html = render_html(in, ReportOptions{});
  expect_safe_markup(html);
  EXPECT_NE(html.find("<h1 id=\"verdict\">Equivalent to the Signal baseline</h1>"), std::string::npos);
  EXPECT_NE(html.find("<polyline"), std::string::npos) << "the series is drawn as a line chart";
  EXPECT_NE(html.find("media (MED-1)"), std::string::npos) << "untested areas are named";
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(html.find("INCOMPLETE"), std::string::npos);
}

TEST(Reproduce, NotDeterministicTargetsAreRerunNotReplayed) {
  // The same failing session check, written by a run on a deterministic target and by
  // one on a target without the capability.
  ResultRecord exact = record("MSG-3.bitflip", Verdict::fail);
  exact.replay = "parity replay r.transcripts.jsonl --target t --check MSG-3.bitflip";
  exact.rerun = "parity run --target t --seed " + std::string(64, '0') + " --only MSG-3.bitflip";
  exact.replay_exact = true;
  ResultRecord inexact = exact;
  inexact.check = "MSG-3.other";
  inexact.replay_exact = false;
  ResultRecord old = exact;  // written before replay_exact existed
  old.check = "MSG-3.old";
  old.replay_exact.reset();
  old.rerun.clear();

  for (const bool deterministic : {true, false}) {
    ReportInput in = input_with({exact, inexact, old});
    in.run.target_command = "my-target --fast";
    if (deterministic) in.run.capabilities = {"deterministic"};
    const std::string html = render_html(in, ReportOptions{});
    expect_safe_markup(html);
    const std::string junit = junit_xml(in.run, in.results, harness::Strictness::normal);
    const auto article = [&](const std::string& check) {
      const size_t at = html.find("<article class=\"finding v-fail-b\" id=\"" + anchor_id(check) + "\"");
      EXPECT_NE(at, std::string::npos) << check;
      return html.substr(at, html.find("</article>", at) - at);
    };
    const auto junit_case = [&](const std::string& check) {
      const size_t at = junit.find("name=\"" + check + "\"");
      EXPECT_NE(at, std::string::npos) << check;
      return junit.substr(at, junit.find("</testcase>", at) - at);
    };
    // replay_exact true: replay is offered.
    EXPECT_NE(article("MSG-3.bitflip").find(html_escape(exact.replay)), std::string::npos);
    EXPECT_EQ(article("MSG-3.bitflip").find("Not replayable"), std::string::npos);
    EXPECT_NE(junit_case("MSG-3.bitflip").find("replay: parity replay"), std::string::npos);
    // replay_exact false: never replay, always the rerun command.
    const std::string a = article("MSG-3.other");
    EXPECT_EQ(a.find("parity replay"), std::string::npos) << a;
    EXPECT_NE(a.find("Not replayable byte for byte: the target is not deterministic"), std::string::npos) << a;
    EXPECT_NE(a.find(html_escape(inexact.rerun)), std::string::npos) << a;
    const std::string j = junit_case("MSG-3.other");
    EXPECT_EQ(j.find("replay: "), std::string::npos) << j;
    EXPECT_NE(j.find("Not replayable byte for byte"), std::string::npos) << j;
    EXPECT_NE(j.find("rerun: " + inexact.rerun), std::string::npos) << j;
    // No field: the run's capabilities decide; the rerun command is made from the run.
    const std::string o = article("MSG-3.old");
    EXPECT_EQ(o.find("parity replay") != std::string::npos, deterministic) << o;
    EXPECT_EQ(o.find("Not replayable") == std::string::npos, deterministic) << o;
    if (!deterministic) {
      EXPECT_NE(o.find(html_escape("parity run --target 'my-target --fast' --seed " + std::string(64, '0') +
                                   " --only MSG-3.old")),
                std::string::npos)
          << o;
    }
  }
}

TEST(Assessment, OneLineVerdicts) {
  EXPECT_EQ(assess(input_with({record("MSG-1.a", Verdict::pass)})).line, "Equivalent to the Signal baseline");
  Assessment bad =
      assess(input_with({record("MSG-3.a", Verdict::fail), record("MSG-3.b", Verdict::error),
                         record("FS-1.a", Verdict::not_tested), record("AKE-6.a", Verdict::fail, Level::should)}));
  EXPECT_EQ(bad.outcome, Outcome::not_equivalent);
  EXPECT_EQ(bad.line, "Not equivalent: 2 MUST requirements fail (MSG-3, FS-1)");
  EXPECT_EQ(bad.should_deviations, 1);
  EXPECT_NE(bad.why.find("summary of MSG-3.a"), std::string::npos);
  Assessment cut = assess(input_with({record("MSG-1.a", Verdict::pass)}, false));
  EXPECT_EQ(cut.outcome, Outcome::incomplete);
  EXPECT_TRUE(cut.line.starts_with("Incomplete: no verdict")) << cut.line;
  ReportInput shard = input_with({record("MSG-1.a", Verdict::pass)});
  shard.run.shard = {2, 4};
  EXPECT_EQ(assess(shard).line, "Equivalent to the Signal baseline (shard 2 of 4)");
}

TEST(Input, ReadsACutStreamAsIncomplete) {
  harness::RunInfo info;
  info.implementation = "example";
  info.seed = std::string(64, '1');
  std::string text = harness::dump_line(json{{"header", info.to_json()}}) + "\n";
  text += harness::dump_line(json{{"result", record("MSG-1.a", Verdict::pass).to_json()}}) + "\n";
  text += harness::dump_line(json{{"result", record("MSG-3.a", Verdict::fail).to_json()}}) + "\n";
  text += "{\"result\": {\"check\": \"MSG-4";  // a killed writer's last line
  auto in = parse_results(text, "run.jsonl");
  ASSERT_TRUE(in.ok()) << in.error().detail;
  EXPECT_EQ(in->source, Source::stream);
  EXPECT_FALSE(in->complete);
  EXPECT_FALSE(in->has_footer);
  EXPECT_EQ(in->results.size(), 2u);
  EXPECT_EQ(in->summary.failing, std::vector<std::string>{"MSG-3.a"});
  ASSERT_GE(in->notes.size(), 2u);
  const std::string html = render_html(*in, ReportOptions{});
  EXPECT_NE(html.find("id=\"incomplete\""), std::string::npos);
  EXPECT_NE(html.find("Not equivalent: 1 MUST requirement fails (MSG-3)"), std::string::npos);
  expect_safe_markup(html);
}

TEST(Input, RefusesWhatIsNotResults) {
  EXPECT_FALSE(parse_results("", "x").ok());
  EXPECT_FALSE(parse_results("hello\nworld\n", "x").ok());
  EXPECT_FALSE(parse_results(R"({"format": 99, "run": {}, "results": []})", "x").ok());
  EXPECT_FALSE(load_results("/nonexistent/results.json").ok());
}

TEST(Schema, SeriesAndFingerprintsValidate) {
  const json schema = test::load_results_schema();
  ResultRecord r = record("PCS-1.after-send", Verdict::pass);
  r.series = {harness::Series{"readable", "messages", "round trip", {2, 0}, {2, 0}}};
  EXPECT_EQ(test::validate_json(schema, schema["$defs"]["result"], r.to_json()), std::vector<std::string>{});
  harness::RunInfo info;
  info.target_command = "t";
  info.seed = std::string(64, '1');
  info.started_at = "2024-05-01T12:00:00Z";
  info.profile_source = "hello";
  info.target_executable = "/bin/t";
  info.target_sha256 = std::string(64, 'f');
  info.vectors_sha256 = std::string(64, 'e');
  EXPECT_EQ(test::validate_json(schema, schema["$defs"]["run"], info.to_json()), std::vector<std::string>{});
  info.target_sha256.clear();
  EXPECT_TRUE(info.to_json()["target_sha256"].is_null());
  EXPECT_EQ(test::validate_json(schema, schema["$defs"]["run"], info.to_json()), std::vector<std::string>{});
  info.target_scripts = {{"/t/adapter.js", std::string(64, 'd')}};
  EXPECT_EQ(test::validate_json(schema, schema["$defs"]["run"], info.to_json()), std::vector<std::string>{});
  EXPECT_EQ(info.to_json()["target_scripts"][0]["path"], "/t/adapter.js");
  info.target_scripts = {{"/t/adapter.js", "not hex"}};
  EXPECT_NE(test::validate_json(schema, schema["$defs"]["run"], info.to_json()), std::vector<std::string>{});
}

TEST(Charts, DrawBarsAndLines) {
  const std::string bars = bar_chart({BarRow{"FS-4 · retained", "keys", 2000, 2000, false}}, "t");
  EXPECT_NE(bars.find("<rect"), std::string::npos);
  EXPECT_NE(bars.find(">2000<"), std::string::npos);
  EXPECT_EQ(bar_chart({}, "t"), "");
  const std::string line = line_chart(harness::Series{"n", "u", "x", {1, 2, 3}, {1}});
  EXPECT_NE(line.find("<polyline"), std::string::npos);
  EXPECT_EQ(format_number(2), "2");
  EXPECT_EQ(format_number(0.25), "0.25");
}

TEST(Charts, HealingChartPutsEveryVariantOnOneScaleOfRounds) {
  const std::string chart =
      healing_chart({HealingRow{"GRP-10.no-change", harness::kGroupHealingBeyond, 11, ""},
                     HealingRow{"GRP-10.victim-update", 2, 3, ""},
                     HealingRow{"GRP-10.victim-changes-membership", std::nullopt, 1, "not-applicable"}},
                    "t");
  EXPECT_NE(chart.find(">&gt; 10<"), std::string::npos) << "beyond 10 rounds reads \"> 10\"";
  EXPECT_NE(chart.find(">round 2<"), std::string::npos);
  EXPECT_NE(chart.find(">round 3<"), std::string::npos);
  EXPECT_NE(chart.find(">not-applicable<"), std::string::npos);
  // One scale: the bar of round 2 is twice as wide as the baseline's round 1, "> 10" the widest.
  const auto width_of = [&](const std::string& title) {
    const size_t t = chart.find("<title>" + title + "</title>");
    EXPECT_NE(t, std::string::npos) << title;
    const size_t w = chart.rfind("width=\"", t);
    return std::stod(chart.substr(w + 7));
  };
  // Widths are printed to 0.1: allow that rounding.
  EXPECT_NEAR(width_of("target: round 2"), 2 * width_of("baseline: round 1"), 0.2);
  EXPECT_NEAR(width_of("target: &gt; 10"), 11 * width_of("baseline: round 1"), 0.6);
  EXPECT_EQ(healing_chart({}, "t"), "");
  EXPECT_EQ(healing_text(std::nullopt), "n/a");
  EXPECT_EQ(healing_text(10), "round 10");
}

TEST(Html, GroupHealingHasItsOwnChartAndMarkdownTable) {
  ResultRecord a = record("GRP-10.no-change", Verdict::pass, Level::info);
  a.figures = {harness::Figure{harness::kGroupHealingFigure, harness::kGroupHealingBeyond, harness::kGroupHealingBeyond,
                               "round"}};
  ResultRecord b = record("GRP-10.victim-update", Verdict::not_tested, Level::info);
  ResultRecord other = record("GRP-7.receiver-clone", Verdict::pass);
  other.figures = {harness::Figure{"messages the clone read", 0, 0, "messages"}};
  const ReportInput in = input_with({a, b, other});
  const std::string html = render_html(in, ReportOptions{});
  expect_safe_markup(html);
  const size_t section = html.find("id=\"group-GRP\"");
  ASSERT_NE(section, std::string::npos);
  const size_t chart = html.find("class=\"chart healing\"", section);
  ASSERT_NE(chart, std::string::npos) << "GRP-10 draws the healing chart";
  EXPECT_NE(html.find(">&gt; 10<", chart), std::string::npos);
  EXPECT_NE(html.find(">not-tested<", chart), std::string::npos) << "a variant without a figure says why";
  // The healing figure is not drawn again among the section's per-row bars.
  EXPECT_EQ(html.find("GRP-10.no-change · healing round"), std::string::npos);

  const std::string md = render_markdown(in, "report.html");
  EXPECT_NE(md.find("### Group healing (GRP-10)"), std::string::npos) << md;
  // Markdown escapes '>' as an entity, which it renders as '>'.
  EXPECT_NE(md.find("| `GRP-10.no-change` | &gt; 10 | &gt; 10 |"), std::string::npos) << md;
  EXPECT_NE(md.find("| `GRP-10.victim-update` | not-tested |"), std::string::npos) << md;
  // Without GRP-10 there is neither chart nor table.
  const ReportInput none = input_with({other});
  EXPECT_EQ(render_html(none, ReportOptions{}).find("chart healing"), std::string::npos);
  EXPECT_EQ(render_markdown(none, "").find("Group healing"), std::string::npos);
}

TEST(Fingerprint, TreeHashMatchesCoreutils) {
  const std::string dir = temp_dir("tree");
  fs::create_directories(dir + "/b");
  std::ofstream(dir + "/a.json") << "{}\n";
  std::ofstream(dir + "/b/c d.json") << "x";
  std::ofstream(dir + "/B.txt") << "y";
  auto mine = harness::tree_sha256(dir);
  ASSERT_TRUE(mine.ok());
  // coreutils' digest of the files `find` selects (FILTER), as results.md documents it.
  const auto coreutils = [&](const std::string& filter) {
    const std::string cmd = "cd '" + dir + "' && find . -type f " + filter +
                            " -printf '%P\\n' | LC_ALL=C sort | xargs -d '\\n' sha256sum | sha256sum";
    std::string line;
    if (FILE* p = popen(cmd.c_str(), "r")) {
      char buf[128] = {};
      if (fgets(buf, sizeof buf, p) != nullptr) line = buf;
      pclose(p);
    }
    return line.substr(0, 64);
  };
  EXPECT_EQ(*mine, coreutils(""));
  // The vector set is the .json and .xml files alone: B.txt is left out, s/v.xml is in.
  fs::create_directories(dir + "/s");
  std::ofstream(dir + "/s/v.xml") << "<message/>";
  auto set = harness::vector_set_sha256(dir);
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(*set, coreutils("\\( -name '*.json' -o -name '*.xml' \\)"));
  auto all = harness::tree_sha256(dir);
  ASSERT_TRUE(all.ok());
  EXPECT_NE(*set, *all) << "B.txt must not be part of the vector set";
  EXPECT_EQ(harness::command_executable("/bin/sh -c true"), std::optional<std::string>("/bin/sh"));
  EXPECT_TRUE(harness::command_executable("sh -c true").has_value());
  EXPECT_FALSE(harness::command_executable("/nonexistent/x --flag").has_value());
  // A script target: the interpreter and the script it runs are both named.
  const std::string script = dir + "/b/c d.json";
  EXPECT_EQ(harness::command_scripts("python3 -u '" + script + "' --x /nonexistent"), std::vector<std::string>{script});
  EXPECT_EQ(harness::command_scripts("'" + script + "'"), std::vector<std::string>{})
      << "the executable itself is not a script";
  EXPECT_EQ(harness::command_scripts("/bin/sh -c true"), std::vector<std::string>{});
}

// write_shard writes one shard's document and transcripts as `parity run` would.
std::string write_shard(const std::string& dir, int index, std::vector<ResultRecord> records) {
  harness::RunInfo info;
  info.implementation = "example";
  info.target_command = "example-target";
  info.profile_source = "hello";
  info.seed = std::string(64, '2');
  info.shard = {index, 2};
  info.started_at = "2024-05-01T12:00:0" + std::to_string(index) + "Z";
  const std::string path = dir + "/shard" + std::to_string(index) + ".json";
  const harness::ResultPaths paths = harness::derive_result_paths(path);
  std::ofstream tr(paths.transcripts);
  for (size_t i = 0; i < records.size(); ++i) {
    harness::Transcript t;
    t.entries.push_back(harness::TranscriptEntry{harness::Direction::request, "target",
                                                 "{\"op\":\"reset\",\"shard\":" + std::to_string(index) + "}", 5});
    tr << harness::dump_line(json{{"check", records[i].check}, {"index", i}, {"transcript", t.to_json()}}) << "\n";
    records[i].transcript_file = paths.transcripts;
    records[i].transcript_index = static_cast<int64_t>(i);
    records[i].replay =
        "parity replay " + harness::shell_quote(paths.transcripts) + " --target x --check " + records[i].check;
  }
  harness::Summary s = harness::summarize(records, harness::Strictness::normal);
  EXPECT_TRUE(harness::write_json_file(path, harness::document_json(info, records, s)).ok());
  return path;
}

TEST(Merge, CombinesShardsIntoOneRun) {
  const std::string dir = temp_dir("merge");
  const std::string a = write_shard(dir, 1, {record("MSG-1.a", Verdict::pass), record("MSG-3.a", Verdict::fail)});
  const std::string b = write_shard(dir, 2, {record("AKE-1.a", Verdict::pass)});
  auto merged = merge_results({b, a}, dir + "/all.json");
  ASSERT_TRUE(merged.ok()) << merged.error().detail;
  EXPECT_EQ(merged->exit_status, 1);
  auto in = load_results(dir + "/all.json");
  ASSERT_TRUE(in.ok());
  ASSERT_EQ(in->results.size(), 3u);
  EXPECT_EQ(in->results[0].check, "AKE-1.a");
  EXPECT_EQ(in->run.shard.count, 1);
  EXPECT_TRUE(in->complete);
  for (const ResultRecord& r : in->results) {
    EXPECT_EQ(r.transcript_file, dir + "/all.transcripts.jsonl");
    EXPECT_NE(r.replay.find("all.transcripts.jsonl"), std::string::npos) << r.replay;
  }
  const LoadedTranscripts t =
      load_transcripts(*in, {{in->results[0].transcript_file, *in->results[0].transcript_index}});
  ASSERT_EQ(t.by_key.size(), 1u);
  EXPECT_NE(t.by_key.begin()->second.at(0).line.find("\"shard\":2"), std::string::npos);
  // The merged document is a valid results document.
  std::ifstream f(dir + "/all.json");
  const json doc = json::parse(f);
  const json schema = test::load_results_schema();
  EXPECT_EQ(test::validate_json(schema, schema, doc), std::vector<std::string>{});

  // Shards of different runs are refused; a missing shard makes the run incomplete.
  auto one = merge_results({a}, dir + "/one.json");
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->exit_status, 130);
  EXPECT_FALSE(merge_results({a, a}, dir + "/dup.json").ok());
}

}  // namespace
}  // namespace parity::reports
