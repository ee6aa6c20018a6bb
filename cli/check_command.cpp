// `svcsim check`: loads each scenario file, checks every expectation it states (the documented
// order, each expect.orders entry, expect.explore) and prints one verdict per file, with each
// mismatch on a line of its own. The checking is simulator::check_scenario; this only prints.
#include "check_command.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "svcsim/scenario/loader.hpp"
#include "svcsim/simulator/check.hpp"

namespace svcsim::cli {
namespace {

struct CheckOptions {
  std::vector<std::string> scenario_paths;
  std::uint64_t state_count_max = 100'000'000;
};

/// The worse of two outcomes, in the order the exit codes rank them: a bug (10) over bad input
/// (2) over an incomplete check (3) over a mismatch (1) over success.
CommandOutcome worse(CommandOutcome first, CommandOutcome second) {
  const auto rank = [](CommandOutcome outcome) {
    switch (outcome) {
      case CommandOutcome::invariant_violated: return 4;
      case CommandOutcome::bad_input: return 3;
      case CommandOutcome::incomplete: return 2;
      case CommandOutcome::expectations_missed: return 1;
      case CommandOutcome::expectations_met: return 0;
    }
    return 3;
  };
  return rank(first) >= rank(second) ? first : second;
}

CommandOutcome check_file(const std::string& path, const CheckOptions& options) {
  const auto loaded = scenario::load_scenario_file(path);
  if (!loaded) {
    std::cerr << loaded.error().to_string() << '\n';
    std::cout << "ERROR " << path << " (bad scenario file: see stderr)\n";
    return CommandOutcome::bad_input;
  }
  simulator::ExploreOptions limits;
  limits.state_count_max = options.state_count_max;
  const simulator::ScenarioVerdict verdict = simulator::check_scenario(loaded.value(), limits);
  if (!verdict.violation.empty()) {
    std::cout << fmt::format("BUG   {}: invariant violated: {}\n      reproduce: {}\n", path,
                             verdict.violation, verdict.violation_command);
    return CommandOutcome::invariant_violated;
  }
  std::size_t missed = 0;
  for (const scenario::Check& check : verdict.checks) missed += check.ok ? 0 : 1;
  if (verdict.incomplete) {
    std::cout << fmt::format("INCOMPLETE {}: explore stopped at --max-states {}; its expectations "
                             "were not checked\n",
                             path, options.state_count_max);
  }
  if (missed == 0 && !verdict.incomplete) {
    std::cout << fmt::format("PASS  {} ({} expectations)\n", path, verdict.checks.size());
    return CommandOutcome::expectations_met;
  }
  if (missed > 0) {
    std::cout << fmt::format("FAIL  {} ({} of {} expectations missed)\n", path, missed,
                             verdict.checks.size());
    for (const scenario::Check& check : verdict.checks) {
      if (check.ok) continue;
      std::cout << fmt::format("      {}: expected {}, actual {}\n", check.what, check.expected,
                               check.actual);
    }
    return CommandOutcome::expectations_missed;
  }
  return CommandOutcome::incomplete;
}

}  // namespace

Command register_check_command(CLI::App& app) {
  auto options = std::make_shared<CheckOptions>();
  CLI::App* check = app.add_subcommand(
      "check", "Check every expectation of scenario files: the documented order, each "
               "expect.orders entry and expect.explore");
  check->footer(
      "Prints PASS, FAIL (with each mismatch), INCOMPLETE or ERROR per file.\n"
      "Exit codes: 0 every file meets its expectations, 1 some expectation missed, 2 a bad\n"
      "scenario file or arguments, 3 an exploration stopped at --max-states, 10 the model\n"
      "violated an invariant. With several files the worst of these is returned.");
  check->add_option("scenarios", options->scenario_paths, "Scenario YAML files")->required();
  check->add_option("--max-states", options->state_count_max,
                    "Stop an exploration past this many graph states (its expectations are then "
                    "reported as not checked, exit 3)")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 40));
  return {check, [options] {
            CommandOutcome outcome = CommandOutcome::expectations_met;
            for (const std::string& path : options->scenario_paths) {
              outcome = worse(outcome, check_file(path, *options));
            }
            return outcome;
          }};
}

}  // namespace svcsim::cli
