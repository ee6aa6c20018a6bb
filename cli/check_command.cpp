// `svcsim check`: loads each scenario file, checks every expectation it states (the documented
// order, each expect.orders entry, expect.explore) and prints one verdict per file, with each
// mismatch on a line of its own. The checking is simulator::check_scenario; this only prints.
#include "check_command.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "limits.hpp"
#include "svcsim/scenario/loader.hpp"
#include "svcsim/simulator/check.hpp"
#include "text_escape.hpp"

namespace svcsim::cli {
namespace {

struct CheckOptions {
  std::vector<std::string> scenario_paths;
  std::string state_count_max = "100000000";  // parse_limit text
  std::string memory_mib_max;                  // parse_limit text; default: half of memory
  const CLI::Option* memory_option = nullptr;
  /// Parsed from the texts above before the first file is checked.
  std::uint64_t state_limit = 0;   // 0: unlimited
  std::uint64_t memory_limit = 0;  // bytes; 0: unlimited
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
      // check never concludes a replay's outcomes; ranked as bad input if one ever arrives.
      case CommandOutcome::replay_mismatch:
      case CommandOutcome::unreachable:
      case CommandOutcome::interrupted: return 3;
    }
    return 3;
  };
  return rank(first) >= rank(second) ? first : second;
}

CommandOutcome check_file(const std::string& file, const CheckOptions& options) {
  const std::string path = visible(file);
  const auto loaded = scenario::load_scenario_file(file);
  if (!loaded) {
    std::cerr << visible(loaded.error().to_string()) << '\n';
    std::cout << "ERROR " << path << " (bad scenario file: see stderr)\n";
    return CommandOutcome::bad_input;
  }
  simulator::ExploreOptions limits;
  limits.state_count_max = options.state_limit;
  limits.memory_bytes_max = options.memory_limit;
  limits.resident_bytes = resident_set_bytes;
  simulator::ScenarioVerdict verdict;
  try {
    verdict = simulator::check_scenario(loaded.value(), limits);
  } catch (const std::bad_alloc&) {
    std::cout << fmt::format("INCOMPLETE {}: out of memory below the memory limit; its "
                             "expectations were not checked (a lower --max-memory-mib stops "
                             "cleanly)\n",
                             path);
    return CommandOutcome::incomplete;
  }
  if (!verdict.violation.empty()) {
    std::cout << fmt::format("BUG   {}: invariant violated: {}\n      reproduce: {}\n", path,
                             visible(verdict.violation), visible(verdict.violation_command));
    return CommandOutcome::invariant_violated;
  }
  std::size_t missed = 0;
  for (const scenario::Check& check : verdict.checks) missed += check.ok ? 0 : 1;
  if (verdict.incomplete) {
    std::cout << fmt::format("INCOMPLETE {}: explore stopped at --max-states {} or at the memory "
                             "limit; its expectations were not checked\n",
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
      std::cout << fmt::format("      {}: expected {}, actual {}\n", visible(check.what),
                               visible(check.expected), visible(check.actual));
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
      "scenario file or arguments, 3 an exploration stopped at --max-states or at the memory\n"
      "limit, 10 the model violated an invariant. With several files the worst of these is\n"
      "returned. check judges only what a file's expect block states; --fail-on is for run\n"
      "and explore.");
  check->add_option("scenarios", options->scenario_paths, "Scenario YAML files")->required();
  check->add_option("--max-states", options->state_count_max,
                    "Stop an exploration past this many graph states (its expectations are then "
                    "reported as not checked, exit 3)")
      ->type_name("N|unlimited")
      ->default_str(options->state_count_max);
  options->memory_option =
      check->add_option("--max-memory-mib", options->memory_mib_max,
                        "Stop an exploration when the process holds more than this many MiB "
                        "(default: half of physical memory)")
          ->type_name("M|unlimited");
  return {check, [options] {
            auto states = parse_limit(options->state_count_max, ~std::uint64_t{0});
            if (!states) {
              std::cerr << "svcsim: --max-states " << states.error() << "\n";
              return CommandOutcome::bad_input;
            }
            options->state_limit = states->value_or(0);
            options->memory_limit = default_memory_bytes_max();
            if (options->memory_option->count() > 0) {
              auto memory = parse_limit(options->memory_mib_max, memory_mib_max);
              if (!memory) {
                std::cerr << "svcsim: --max-memory-mib " << memory.error() << "\n";
                return CommandOutcome::bad_input;
              }
              options->memory_limit = memory->has_value() ? **memory << 20 : 0;
            }
            CommandOutcome outcome = CommandOutcome::expectations_met;
            for (const std::string& path : options->scenario_paths) {
              outcome = worse(outcome, check_file(path, *options));
            }
            return outcome;
          }};
}

}  // namespace svcsim::cli
