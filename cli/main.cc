// parity: the command line. Fills the registry from every suite built in, then hands
// over to cli_main.
#include <iostream>

#include "cli/checks.h"
#include "cli/cli.h"
#include "cli/resolve.h"

int main(int argc, char** argv) {
  parity::harness::Registry registry;
  parity::harness::register_all_checks(registry);
  const parity::harness::CliEnv env{registry, parity::harness::executable_dir(), std::cout, std::cerr};
  return parity::harness::cli_main(argc, argv, env);
}
