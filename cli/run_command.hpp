// `svcsim run`: one sequence of a scenario, traced step by step and checked against the
// scenario's `expect` block. Registered on the top-level CLI11 App by main.cpp.
#pragma once

#include <functional>

namespace CLI {
class App;
}  // namespace CLI

namespace svcsim::cli {

/// What a subcommand concluded. main.cpp alone maps these to process exit codes, so every
/// subcommand (run, and later explore) reports failures the same way.
enum class CommandOutcome {
  expectations_met,     // exit 0: matches `expect`, or nothing applicable is expected
  expectations_missed,  // exit 1: some checked expectation did not hold
  bad_input,            // exit 2: unreadable or invalid scenario, bad arguments
  incomplete,           // exit 3: explore stopped at a state or memory limit
  invariant_violated,   // exit 10: the model broke one of its own invariants
  replay_mismatch,      // exit 4: replay: some step did not do what the model predicted
  unreachable,          // exit 5: replay: the machine could not be reached (or not restored)
  interrupted,          // exit 6: replay: stopped by a signal; --resume continues it
};

/// A registered subcommand: its CLI11 node, and what to do when it is the one the user named.
/// `execute` reads the option values CLI11 stored while parsing.
struct Command {
  CLI::App* subcommand = nullptr;
  std::function<CommandOutcome()> execute;
};

/// Adds `run SCENARIO [--order ID,ID,...] [--fault STEP:KIND]... [--format text|json]` to `app`.
Command register_run_command(CLI::App& app);

}  // namespace svcsim::cli
