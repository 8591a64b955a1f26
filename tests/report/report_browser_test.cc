// report_browser_test.cc: the HTML report as a reader gets it. Real runs of `parity`
// against the reference (passing), a mutant (failing) and an interrupted run (SIGINT,
// then its stream cut short as a killed run leaves it) are rendered, checked for
// well-formedness and external references, and opened in headless Chromium with
// JavaScript on and off; the checks read the visible content of the DOM Chromium
// dumps. Screenshots and PDFs are kept under the build tree as artifacts.
//
// Chromium is required, never skipped: when it is missing the test installs it the way
// scripts/test.sh installs everything (scripts/install-deps.sh, PARITY_WITH_BROWSER=1).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <pugixml.hpp>

#include "tests/report/html_dom.h"

namespace parity::test {
namespace {

namespace fs = std::filesystem;

const std::string kParity = PARITY_BINARY;
const std::string kReference = PARITY_REFERENCE_TARGET;
const std::string kSource = PARITY_SOURCE_DIR;
const std::string kArtifacts = PARITY_ARTIFACTS_DIR;
const std::string kChromium = "/usr/bin/chromium";

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

struct Exec {
  int status = -1;
  std::string out;
};

// exec runs a shell command and returns its exit status and standard output.
Exec exec(const std::string& command) {
  Exec e;
  FILE* p = popen(command.c_str(), "r");
  if (p == nullptr) return e;
  char buf[4096];
  size_t n = 0;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) e.out.append(buf, n);
  const int st = pclose(p);
  e.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  return e;
}

std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string artifact_dir(const std::string& name) {
  const std::string dir = kArtifacts + "/" + name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// ensure_chromium installs the browser through the project's installer when missing.
void ensure_chromium() {
  if (access(kChromium.c_str(), X_OK) == 0) return;
  std::cout << "chromium is missing: installing it with scripts/install-deps.sh (PARITY_WITH_BROWSER=1)" << std::endl;
  const Exec e = exec("PARITY_WITH_BROWSER=1 bash " + quote(kSource + "/scripts/install-deps.sh") + " 2>&1");
  std::cout << e.out << std::endl;
  ASSERT_EQ(access(kChromium.c_str(), X_OK), 0)
      << "chromium could not be installed (scripts/install-deps.sh exited " << e.status
      << "); the report tests need it: install the Debian package `chromium`";
}

enum class Js { on, off };

std::string chromium(const std::string& args) {
  std::string cmd = "profile=$(mktemp -d) && timeout 120 " + kChromium +
                    " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run"
                    " --disable-background-networking --disable-component-update --disable-sync"
                    " --disable-dev-shm-usage --hide-scrollbars"
                    // Nothing may be fetched: any host name resolves to nowhere.
                    " --host-resolver-rules='MAP * ~NOTFOUND'"
                    " --user-data-dir=\"$profile\"";
  cmd += " " + args + " 2>/dev/null; rc=$?; rm -rf \"$profile\"; exit $rc";
  return cmd;
}

// page_for returns the file to load: the report itself, or for JavaScript off a copy
// with a second Content-Security-Policy `script-src 'none'` (policies add up, so no
// script runs). --blink-settings=scriptEnabled=false would be the direct way, but the
// new headless Chromium then produces neither --dump-dom nor --screenshot output, and
// --disable-javascript is ignored by it.
std::string page_for(const std::string& html_path, Js js) {
  if (js == Js::on) return html_path;
  std::string html = read_file(html_path);
  const std::string charset = "<meta charset=\"utf-8\"/>";
  const size_t at = html.find(charset);
  EXPECT_NE(at, std::string::npos);
  if (at != std::string::npos) {
    html.insert(at + charset.size(), "<meta http-equiv=\"Content-Security-Policy\" content=\"script-src 'none'\"/>");
  }
  const std::string copy = html_path.substr(0, html_path.size() - 5) + ".nojs.html";
  std::ofstream(copy, std::ios::binary) << html;
  return copy;
}

// dump_dom loads a file and returns the DOM after scripts ran (when enabled).
std::unique_ptr<Node> dump_dom(const std::string& html_path, Js js) {
  const Exec e = exec(chromium("--virtual-time-budget=3000 --dump-dom " + quote("file://" + page_for(html_path, js))));
  EXPECT_EQ(e.status, 0) << "chromium --dump-dom failed";
  EXPECT_NE(e.out.find("</html>"), std::string::npos) << "no DOM dumped";
  return parse_html(e.out);
}

void screenshot(const std::string& html_path, const std::string& png, Js js) {
  const Exec e = exec(chromium("--window-size=1280,2000 --screenshot=" + quote(png) + " " + quote("file://" + page_for(html_path, js))));
  EXPECT_EQ(e.status, 0);
  ASSERT_TRUE(fs::exists(png)) << png;
  EXPECT_GT(fs::file_size(png), 20000u) << "an almost empty screenshot: " << png;
  std::cout << "screenshot: " << png << std::endl;
}

void print_pdf(const std::string& html_path, const std::string& pdf) {
  const Exec e = exec(chromium("--no-pdf-header-footer --print-to-pdf=" + quote(pdf) + " " + quote("file://" + html_path)));
  EXPECT_EQ(e.status, 0);
  ASSERT_TRUE(fs::exists(pdf)) << pdf;
  EXPECT_EQ(read_file(pdf).substr(0, 5), "%PDF-");
  std::cout << "pdf: " << pdf << std::endl;
}

// check_static checks the file itself: well-formed as XML, no external reference.
void check_static(const std::string& html_path) {
  const std::string html = read_file(html_path);
  pugi::xml_document doc;
  const pugi::xml_parse_result parsed = doc.load_string(html.c_str(), pugi::parse_default | pugi::parse_doctype);
  ASSERT_TRUE(parsed) << html_path << ": not well-formed: " << parsed.description() << " at " << parsed.offset;
  EXPECT_EQ(html.find("http://"), std::string::npos) << html_path;
  EXPECT_EQ(html.find("https://"), std::string::npos) << html_path;
  EXPECT_FALSE(std::regex_search(html, std::regex(R"((src|href)\s*=\s*["']?//)"))) << html_path;
  EXPECT_FALSE(std::regex_search(html, std::regex(R"(@import|url\()"))) << html_path;
  for (pugi::xpath_node n : doc.select_nodes("//*[@href]")) {
    EXPECT_EQ(n.node().attribute("href").value()[0], '#') << n.node().attribute("href").value();
  }
  EXPECT_TRUE(doc.select_nodes("//*[@src]").empty());
}

// Shown is what a reader sees of a report in one browser mode.
struct Shown {
  std::unique_ptr<Node> dom;
  std::string verdict;  // the visible verdict line
  std::string text;     // all visible text
  size_t rows = 0;      // visible check rows in the group tables
  bool tools = false;   // the script's controls are visible
};

Shown shown(const std::string& html_path, Js js) {
  Shown s;
  s.dom = dump_dom(html_path, js);
  if (const Node* v = by_id(*s.dom, "verdict")) s.verdict = visible_text(*v);
  const Node* body = find_all(*s.dom, [](const Node& n) { return n.tag == "body"; }).at(0);
  s.text = visible_text(*body);
  for (const Node* tr : find_all(*s.dom, [](const Node& n) { return n.tag == "tr" && n.has("data-check"); })) {
    const Node* table = tr->parent;
    while (table != nullptr && table->tag != "table") table = table->parent;
    if (table != nullptr && table->attr("class") == "checks" && is_visible(*tr)) ++s.rows;
  }
  if (const Node* t = by_id(*s.dom, "tools")) s.tools = is_visible(*t);
  return s;
}

size_t result_lines(const std::string& stream) {
  std::ifstream f(stream);
  size_t n = 0;
  for (std::string line; std::getline(f, line);) n += line.starts_with("{\"result\"") ? 1 : 0;
  return n;
}

// check_both_modes renders in both modes and runs the same content checks on each.
void check_both_modes(const std::string& html, const std::string& dir, const std::string& name,
                      const std::function<void(const Shown&, const std::string& mode)>& check) {
  for (Js js : {Js::on, Js::off}) {
    const std::string mode = js == Js::on ? "javascript on" : "javascript off";
    SCOPED_TRACE(name + ", " + mode);
    Shown s = shown(html, js);
    // The script's controls appear only when the script runs; content never depends on it.
    EXPECT_EQ(s.tools, js == Js::on);
    check(s, mode);
    screenshot(html, dir + "/" + name + (js == Js::on ? "-js" : "-nojs") + ".png", js);
  }
}

TEST(ReportBrowser, PassingRunAgainstTheReference) {
  ensure_chromium();
  const std::string dir = artifact_dir("passing");
  const std::string html = dir + "/report.html";
  const Exec run = exec(quote(kParity) + " run --target reference --seed 1 --json " + quote(dir + "/results.json") +
                        " --report " + quote(html) + " --summary " + quote(dir + "/summary.md") + " 2>&1");
  ASSERT_EQ(run.status, 0) << run.out;
  const size_t checks = result_lines(dir + "/results.jsonl");
  ASSERT_GT(checks, 0u);
  check_static(html);
  check_both_modes(html, dir, "passing", [&](const Shown& s, const std::string&) {
    EXPECT_TRUE(s.verdict.starts_with("Equivalent to the Signal baseline")) << s.verdict;
    EXPECT_EQ(s.rows, checks) << "one visible row per check";
    EXPECT_EQ(s.text.find("INCOMPLETE"), std::string::npos);
    EXPECT_NE(s.text.find("What was tested"), std::string::npos);
    EXPECT_NE(s.text.find("Target SHA-256"), std::string::npos);
    EXPECT_TRUE(std::regex_search(s.text, std::regex("Target SHA-256 [0-9a-f]{64}"))) << "the executable is hashed";
    EXPECT_TRUE(std::regex_search(s.text, std::regex("Vector set SHA-256 [0-9a-f]{64}")));
  });
  print_pdf(html, dir + "/report.pdf");
  const std::string md = read_file(dir + "/summary.md");
  EXPECT_NE(md.find("Equivalent to the Signal baseline"), std::string::npos) << md;
}

TEST(ReportBrowser, FailingRunAgainstAMutant) {
  ensure_chromium();
  const std::string dir = artifact_dir("failing");
  const std::string html = dir + "/report.html";
  const Exec run = exec(quote(kParity) + " run --target " + quote(kReference + " --mutant no-mac-check") +
                        " --seed 2 --json " + quote(dir + "/results.json") + " --junit " + quote(dir + "/junit.xml") +
                        " --report " + quote(html) + " --summary " + quote(dir + "/summary.md") + " 2>&1");
  ASSERT_EQ(run.status, 1) << "a MUST fails: exit status 1\n" << run.out;
  const size_t checks = result_lines(dir + "/results.jsonl");
  check_static(html);
  check_both_modes(html, dir, "failing", [&](const Shown& s, const std::string&) {
    EXPECT_TRUE(s.verdict.starts_with("Not equivalent: ")) << s.verdict;
    EXPECT_NE(s.verdict.find("MUST requirement"), std::string::npos) << s.verdict;
    EXPECT_EQ(s.rows, checks);
    // Each failing check is shown in full: meaning, observation, scenario, replay.
    const auto findings = find_all(*s.dom, [](const Node& n) { return n.tag == "article"; });
    ASSERT_FALSE(findings.empty());
    size_t scenarios = 0;
    for (const Node* f : findings) {
      if (!is_visible(*f)) continue;
      const std::string text = visible_text(*f);
      EXPECT_NE(text.find("What the requirement means"), std::string::npos);
      EXPECT_NE(text.find("What was observed"), std::string::npos);
      if (text.find("parity replay") == std::string::npos) ADD_FAILURE() << "no replay command: " << text.substr(0, 200);
      EXPECT_NE(text.find("PTP transcript:"), std::string::npos) << "the transcript's summary line is shown";
      for (const Node* pre : find_all(*f, [](const Node& n) { return n.tag == "pre" && n.attr("class") == "scenario"; })) {
        if (is_visible(*pre) && !visible_text(*pre).empty()) ++scenarios;
      }
    }
    EXPECT_GT(scenarios, 0u) << "a minimal counterexample is shown for the failing run";
    // Transcripts are collapsed but present.
    EXPECT_FALSE(find_all(*s.dom, [](const Node& n) { return n.tag == "pre" && n.attr("class") == "transcript"; }).empty());
  });
  print_pdf(html, dir + "/report.pdf");
  const std::string md = read_file(dir + "/summary.md");
  EXPECT_NE(md.find("Not equivalent"), std::string::npos) << md;
  EXPECT_NE(md.find("### Findings"), std::string::npos) << md;
}

TEST(ReportBrowser, InterruptedRunIsMarkedIncomplete) {
  ensure_chromium();
  const std::string dir = artifact_dir("interrupted");
  const std::string html = dir + "/report.html";
  // A real interrupt: SIGINT once a few checks are recorded. The run finishes the
  // current check, writes its footer and the report, and exits 130.
  const std::string cmd = quote(kParity) + " run --target reference --seed 3 --json " + quote(dir + "/results.json") +
                          " --report " + quote(html) + " >" + quote(dir + "/run.log") + " 2>&1";
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    execl("/bin/sh", "sh", "-c", ("exec " + cmd).c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (result_lines(dir + "/results.jsonl") < 3 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill(pid, SIGINT);
  int st = 0;
  waitpid(pid, &st, 0);
  ASSERT_TRUE(WIFEXITED(st));
  ASSERT_EQ(WEXITSTATUS(st), 130) << read_file(dir + "/run.log");
  check_static(html);
  check_both_modes(html, dir, "interrupted", [&](const Shown& s, const std::string&) {
    const Node* flag = by_id(*s.dom, "incomplete");
    ASSERT_NE(flag, nullptr);
    EXPECT_TRUE(visible_text(*flag).starts_with("INCOMPLETE")) << visible_text(*flag);
    EXPECT_TRUE(s.verdict.starts_with("Incomplete: no verdict")) << s.verdict;
  });

  // A killed run: its stream without footer, the last line cut in half.
  std::ifstream in(dir + "/results.jsonl");
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (!line.starts_with("{\"footer\"")) lines.push_back(line);
  }
  ASSERT_GE(lines.size(), 3u);
  {
    std::ofstream cut(dir + "/killed.jsonl");
    for (size_t i = 0; i + 1 < lines.size(); ++i) cut << lines[i] << "\n";
    cut << lines.back().substr(0, lines.back().size() / 2);
  }
  // The transcripts are found beside the stream, as results moved together are.
  const std::string killed_html = dir + "/killed.html";
  const Exec rep = exec(quote(kParity) + " report " + quote(dir + "/killed.jsonl") + " --html " + quote(killed_html) +
                        " --summary " + quote(dir + "/killed.md") + " 2>&1");
  ASSERT_EQ(rep.status, 0) << rep.out;
  check_static(killed_html);
  check_both_modes(killed_html, dir, "killed", [&](const Shown& s, const std::string&) {
    const Node* flag = by_id(*s.dom, "incomplete");
    ASSERT_NE(flag, nullptr);
    EXPECT_NE(visible_text(*flag).find("no footer"), std::string::npos) << visible_text(*flag);
    EXPECT_EQ(s.rows, lines.size() - 2) << "header and the cut line are not checks";
    EXPECT_NE(s.text.find("unreadable line ignored"), std::string::npos) << "the cut line is named";
  });
  EXPECT_NE(read_file(dir + "/killed.md").find("INCOMPLETE"), std::string::npos);
}

TEST(ReportBrowser, HostileTextStaysText) {
  ensure_chromium();
  const std::string dir = artifact_dir("hostile");
  // A results document whose target-written fields try to inject markup and script.
  const std::string evil = "<img src=x onerror=\\\"document.title='pwned'\\\"><script>document.title='pwned'</script>";
  std::ofstream(dir + "/results.json")
      << "{\"format\":1,\"run\":{\"implementation\":\"" << evil << "\",\"version\":\"1\",\"protocol\":\"custom:x\","
      << "\"capabilities\":[],\"profile\":\"equivalent\",\"seed\":\"" << std::string(64, '0') << "\"},"
      << "\"results\":[{\"check\":\"MSG-3.x\",\"requirement\":\"MSG-3\",\"group\":\"MSG\",\"level\":\"MUST\","
      << "\"title\":\"t\",\"verdict\":\"fail\",\"summary\":\"" << evil << "\",\"observations\":[\"" << evil << "\"],"
      << "\"figures\":[],\"counterexample\":\"" << evil << "\",\"seed\":\"" << std::string(64, '0') << "\"}],"
      << "\"summary\":{\"complete\":true},\"complete\":true}";
  const std::string html = dir + "/report.html";
  const Exec rep = exec(quote(kParity) + " report " + quote(dir + "/results.json") + " --html " + quote(html) + " 2>&1");
  ASSERT_EQ(rep.status, 0) << rep.out;
  check_static(html);
  Shown s = shown(html, Js::on);
  EXPECT_TRUE(find_all(*s.dom, [](const Node& n) { return n.tag == "img"; }).empty());
  EXPECT_EQ(find_all(*s.dom, [](const Node& n) { return n.tag == "script"; }).size(), 1u);
  const Node* title = find_all(*s.dom, [](const Node& n) { return n.tag == "title"; }).at(0);
  // Had the injected script run, it would have renamed the page.
  EXPECT_TRUE(all_text(*title).starts_with("Parity report")) << all_text(*title);
  EXPECT_NE(s.text.find("<img src=x"), std::string::npos) << "shown as text";
}

}  // namespace
}  // namespace parity::test
