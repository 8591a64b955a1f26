// cli_test.cc: `parity stanza validate`: one line per file and the exit statuses (0 all
// valid, 1 any invalid, 2 unreadable), through cli_main and, for `-`, the installed binary.
#include "cli/cli.h"

#include <cstdio>
#include <sstream>

#include <gtest/gtest.h>
#include <sys/wait.h>

namespace parity::harness {
namespace {

const std::string kParity = PARITY_BINARY;

struct CliRun {
  int status = -1;
  std::string out;
  std::string err;
};

CliRun cli(std::vector<std::string> args) {
  args.insert(args.begin(), "parity");
  std::vector<const char*> argv;
  for (const std::string& a : args) argv.push_back(a.c_str());
  Registry registry;
  std::ostringstream out, err;
  CliEnv env{registry, "", out, err, ProgressMode::off};
  CliRun r;
  r.status = cli_main(static_cast<int>(argv.size()), argv.data(), env);
  r.out = out.str();
  r.err = err.str();
  return r;
}

TEST(StanzaValidateCli, AllValid) {
  CliRun r =
      cli({"stanza", "validate", "vectors/stanza/valid/message_pkmsg.xml", "vectors/stanza/valid/key_bundle.xml"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "vectors/stanza/valid/message_pkmsg.xml: ok\nvectors/stanza/valid/key_bundle.xml: ok\n");
}

TEST(StanzaValidateCli, AnyInvalidIsStatus1WithOffsetAndCode) {
  CliRun r = cli(
      {"stanza", "validate", "vectors/stanza/valid/message_pkmsg.xml", "vectors/stanza/invalid/depth__17_levels.xml"});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.out.find("vectors/stanza/valid/message_pkmsg.xml: ok\n"), std::string::npos);
  EXPECT_NE(r.out.find("vectors/stanza/invalid/depth__17_levels.xml:"), std::string::npos);
  EXPECT_NE(r.out.find(": depth: "), std::string::npos) << r.out;
}

TEST(StanzaValidateCli, UnreadableIsStatus2AndTheOthersStillRun) {
  CliRun r = cli({"stanza", "validate", "no/such/file.xml", "vectors/stanza/invalid/doctype__billion_laughs.xml",
                  "vectors/stanza"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("no/such/file.xml: cannot read"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("vectors/stanza: cannot read: is a directory"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "vectors/stanza/invalid/doctype__billion_laughs.xml:0: doctype: DOCTYPE is not allowed\n");
}

TEST(StanzaValidateCli, NeedsAFile) {
  EXPECT_EQ(cli({"stanza", "validate"}).status, 2);
  EXPECT_EQ(cli({"stanza"}).status, 2);
}

std::pair<int, std::string> shell(const std::string& command) {
  std::string out;
  FILE* p = ::popen(command.c_str(), "r");
  if (p == nullptr) return {-1, ""};
  char buf[4096];
  size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  const int st = ::pclose(p);
  return {WIFEXITED(st) ? WEXITSTATUS(st) : -1, out};
}

TEST(StanzaValidateCli, StandardInput) {
  auto [st, out] = shell(kParity + " stanza validate - < vectors/stanza/valid/retry_receipt.xml");
  EXPECT_EQ(st, 0);
  EXPECT_EQ(out, "-: ok\n");
  auto [st2, out2] = shell(kParity + " stanza validate - < vectors/stanza/invalid/nul_byte__in_text.xml");
  EXPECT_EQ(st2, 1);
  EXPECT_NE(out2.find("-:"), std::string::npos);
  EXPECT_NE(out2.find(": nul_byte: NUL byte"), std::string::npos) << out2;
}

TEST(StanzaValidateCli, A100MegabyteFileIsReadOnlyTo1MiB) {
  auto [st, out] = shell("head -c 100000000 /dev/zero | " + kParity + " stanza validate -");
  EXPECT_EQ(st, 1);
  EXPECT_EQ(out, "-:1048576: too_large: the stanza is more than 1048576 bytes\n");
}

}  // namespace
}  // namespace parity::harness
