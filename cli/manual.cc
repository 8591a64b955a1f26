#include "cli/manual.h"

#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include "harness/runner/runner.h"

namespace parity::harness {

namespace {

// Section is one manual section; each entry is a term and its text (an empty term: a
// plain paragraph).
struct Entry {
  std::string term;
  std::string text;
};
struct Section {
  std::string title;
  std::vector<Entry> entries;
};

const std::vector<Section>& sections() {
  static const std::vector<Section> s = {
      {"DESCRIPTION",
       {{"",
         "parity holds an end-to-end-encrypted messaging implementation (a target) to the Signal Protocol's "
         "security: it starts the target as a child process speaking PTP/1 (JSON lines on stdin and stdout), runs "
         "each check of the requirement catalogue on it and on the Signal baseline, and writes the verdicts as HTML, "
         "JSON, JUnit and Markdown. A target is a built-in name (parity targets) or any command line."}}},
      {"EXIT STATUS",
       {{std::to_string(kExitOk), "no MUST requirement failed (run, doctor: every probe passed; replay: identical)"},
        {std::to_string(kExitFailed),
         "a MUST requirement failed or erred (with --strict also a SHOULD); doctor: a probe failed; replay: exchanges "
         "differ"},
        {std::to_string(kExitUsage),
         "bad input: an argument, a waiver file, a vector file, a results file; one line on stderr names it"},
        {std::to_string(kExitTargetStart), "the target could not be started, or a built-in target is not installed"},
        {std::to_string(kExitIncomplete), "replay only: the transcript is incomplete; what it holds is identical"},
        {std::to_string(kExitInterrupted), "interrupted (SIGINT, SIGTERM); the results written so far say so"}}},
      {"FILES",
       {{"DIR/../share/parity/vectors/",
         "the vector set (known-answer vectors, stanza corpus, media vectors), DIR being the folder of the parity "
         "binary: /usr/share/parity/vectors/ when installed. --vectors overrides it. parity --version prints its "
         "SHA-256, as every report does."},
        {"DIR/parity-target-*",
         "the built-in native targets (reference, reference-alt, libsignal, olm); then PATH is searched."},
        {"DIR/../share/parity/targets/",
         "the built-in script targets: python/parity_target.py (python3 with python3-cryptography), "
         "node/libsignal_client/ and node/mls/ (Node.js 20 or later, with their pinned node_modules)."}}},
      {"ENVIRONMENT",
       {{"PATH", "where built-in native targets are looked for after DIR, and how a --target command is run."},
        {"TMPDIR", "where replay reruns a check to rebuild long payloads."}}},
      {"EXAMPLES",
       {{"parity run --target reference --report report.html",
         "the compliance run against the built-in Signal reference, with the HTML report."},
        {"parity run --target ./my-target --json out/results.json --junit out/junit.xml",
         "a provider's own target, results for CI; the exit status gates the pipeline."},
        {"parity doctor --target ./my-target", "check that a target speaks PTP/1 before a run."},
        {"parity replay out/results.transcripts.jsonl --check FS-1.delivered --target ./my-target",
         "re-send a check's recorded requests to a fresh target."}}},
      {"SEE ALSO",
       {{"",
         "The PTP/1 protocol, the requirement catalogue and the report format: docs/ptp.md, docs/catalogue.md "
         "(parity list --markdown prints it), docs/results.md in the Parity sources."}}},
  };
  return s;
}

// wrap breaks text into lines of at most width characters, each starting with indent.
std::string wrap(std::string_view text, size_t indent, size_t width) {
  std::string out, line(indent, ' ');
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(' ', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view word = text.substr(start, end - start);
    if (line.size() > indent && line.size() + 1 + word.size() > width) {
      out += line + "\n";
      line.assign(indent, ' ');
    }
    if (line.size() > indent) line += ' ';
    line += word;
    start = end + 1;
  }
  if (line.size() > indent) out += line + "\n";
  return out;
}

// roff escapes text for a man page: backslashes, hyphens (as \- so that options stay
// ASCII hyphens), and a leading '.' or '\'' that roff would read as a request.
std::string roff(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\\') {
      out += "\\e";
    } else if (c == '-') {
      out += "\\-";
    } else {
      out += c;
    }
  }
  if (!out.empty() && (out[0] == '.' || out[0] == '\'')) out.insert(0, "\\&");
  return out;
}

void man_options(const CLI::App& cmd, std::string& out) {
  for (const CLI::Option* opt : cmd.get_options()) {
    std::string name = opt->get_name(false, true);
    if (name == "--help" || name == "-h,--help" || name == "--version") continue;
    if (opt->get_positional()) name = opt->get_name(true, false);
    std::string type = opt->get_type_name();
    out += ".TP\n\\fB" + roff(name) + "\\fR" +
           (type.empty() || opt->get_expected_min() == 0 ? "" : " \\fI" + roff(type) + "\\fR") + "\n" +
           roff(opt->get_description()) + "\n";
  }
}

}  // namespace

std::string help_footer() {
  std::string out;
  for (const Section& s : sections()) {
    out += "\n" + s.title + "\n";
    for (const Entry& e : s.entries) {
      if (!e.term.empty()) out += "  " + e.term + "\n";
      out += wrap(e.text, e.term.empty() ? 2 : 6, 88);
    }
  }
  return out;
}

std::string man_page(const CLI::App& app) {
  const std::vector<const CLI::App*> commands = app.get_subcommands([](const CLI::App*) { return true; });
  std::string out = ".TH PARITY 1 \"\" \"parity\" \"User Commands\"\n.SH NAME\nparity \\- " +
                    roff("conformance and security-equivalence checks of end-to-end-encrypted messaging") +
                    "\n.SH SYNOPSIS\n";
  for (const CLI::App* sub : commands) {
    out += ".B parity " + roff(sub->get_name()) + "\n.RI [ options ]\n.br\n";
  }
  out += ".B parity \\-\\-help | \\-\\-version\n";
  for (const Section& s : sections()) {
    out += ".SH " + s.title + "\n";
    for (const Entry& e : s.entries) {
      out += e.term.empty() ? ".PP\n" + roff(e.text) + "\n" : ".TP\n.B " + roff(e.term) + "\n" + roff(e.text) + "\n";
    }
    if (s.title != "DESCRIPTION") continue;
    // The commands follow the description, each with its options as CLI11 knows them.
    out += ".SH COMMANDS\n";
    for (const CLI::App* sub : commands) {
      const auto nested = sub->get_subcommands([](const CLI::App*) { return true; });
      if (nested.empty()) {
        out += ".SS parity " + roff(sub->get_name()) + "\n" + roff(sub->get_description()) + "\n";
        man_options(*sub, out);
      }
      for (const CLI::App* n : nested) {
        out += ".SS parity " + roff(sub->get_name()) + " " + roff(n->get_name()) + "\n" + roff(n->get_description()) +
               "\n";
        man_options(*n, out);
      }
    }
  }
  return out;
}

}  // namespace parity::harness
