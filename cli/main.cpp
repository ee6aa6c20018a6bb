// The `svcsim` executable: builds the command line, lets the named subcommand run, and turns
// what it concluded into the documented exit code. No servicing rule lives here.
#include <CLI/CLI.hpp>

#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "check_command.hpp"
#include "explore_command.hpp"
#include "import_command.hpp"
#include "run_command.hpp"

namespace {

// Exit codes are part of the interface: scripts and CTest read them.
constexpr int exit_expectations_met = 0;
constexpr int exit_expectations_missed = 1;
constexpr int exit_bad_input = 2;
constexpr int exit_incomplete = 3;
constexpr int exit_invariant_violated = 10;

int exit_code(svcsim::cli::CommandOutcome outcome) {
  switch (outcome) {
    case svcsim::cli::CommandOutcome::expectations_met: return exit_expectations_met;
    case svcsim::cli::CommandOutcome::expectations_missed: return exit_expectations_missed;
    case svcsim::cli::CommandOutcome::bad_input: return exit_bad_input;
    case svcsim::cli::CommandOutcome::incomplete: return exit_incomplete;
    case svcsim::cli::CommandOutcome::invariant_violated: return exit_invariant_violated;
  }
  return exit_bad_input;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"svcsim: simulate Windows servicing sequences (CBS/DISM) and check them"};
  app.require_subcommand(1);
  // Like every other bad-argument message: one line on stderr, prefixed with the tool's name.
  app.failure_message([](const CLI::App*, const CLI::Error& error) {
    return "svcsim: " + std::string(error.what()) + " (see svcsim --help)\n";
  });

  // One entry per subcommand.
  const std::vector<svcsim::cli::Command> commands = {
      svcsim::cli::register_run_command(app),
      svcsim::cli::register_explore_command(app),
      svcsim::cli::register_check_command(app),
      svcsim::cli::register_import_command(app),
  };

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    // CLI11 prints help (exit 0) or its own message; its codes (105, 106, ...) are not ours:
    // every malformed command line is exit 2.
    const int cli11_code = app.exit(error);
    return cli11_code == 0 ? 0 : exit_bad_input;  // 0: --help was asked for and printed
  }

  for (const svcsim::cli::Command& command : commands) {
    if (!command.subcommand->parsed()) continue;
    try {
      return exit_code(command.execute());
    } catch (const std::exception& error) {
      // User and environment errors may throw at this edge (style.md); they become one line.
      std::cerr << "svcsim: " << error.what() << "\n";
      return exit_bad_input;
    }
  }
  // require_subcommand(1) makes CLI11 reject a command line without one.
  std::cerr << "svcsim: no subcommand given\n";
  return exit_bad_input;
}
