// `svcsim compare`: loads the scenario, resolves the strategies, simulates the fleet and writes the
// report, to stdout or atomically to --output (a temporary file renamed into place, so a reader
// never sees half a report). Under MPI every rank runs this on the same arguments and simulates
// its range of devices; the tallies are merged between ranks, and rank 0 alone writes.
#include "compare_command.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <new>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "compare_output.hpp"
#include "limits.hpp"
#include "ranks.hpp"
#include "svcsim/cluster/cluster.hpp"
#include "svcsim/model/text.hpp"
#include "svcsim/scenario/loader.hpp"
#include "svcsim/simulator/sequence.hpp"
#include "text_escape.hpp"

namespace svcsim::cli {
namespace {

struct CompareOptions {
  std::string scenario_path;
  std::string strategies;
  std::optional<std::uint64_t> devices;
  std::uint64_t seed = 1;
  int threads = 1;
  std::string format = "text";
  std::string output;
};

constexpr int thread_count_max = 256;

void report_error(const std::string& message) { std::cerr << "svcsim: " << message << '\n'; }

/// The strategies compare runs when --strategies is not given: the file's own, then the rollout
/// presets when the fleet has an out-of-band fix, else the seven order rules.
std::vector<std::string> default_strategies(const scenario::Scenario& scenario) {
  std::vector<std::string> names;
  if (scenario.fleet) {
    for (const scenario::StrategySpec& strategy : scenario.fleet->strategies) names.push_back(strategy.name);
  }
  if (scenario.fleet && scenario.fleet->oob) {
    for (const scenario::Rollout& rollout : scenario::preset_rollouts()) names.push_back(rollout.name);
  } else {
    for (int rule = 0; rule < scenario::order_rule_count; ++rule) {
      names.emplace_back(scenario::order_rule_name(static_cast<scenario::OrderRule>(rule)));
    }
  }
  return names;
}

/// Writes `text` to `path` through a temporary file in the same folder and a rename.
void write_atomically(const std::string& path, const std::string& text) {
  const std::filesystem::path target(path);
  const std::filesystem::path temporary =
      target.parent_path() / (target.filename().string() + fmt::format(".tmp.{}", getpid()));
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error("cannot write " + model::detail::quote(temporary.string()));
    out << text;
    out.flush();
    if (!out) {
      std::filesystem::remove(temporary);
      throw std::runtime_error("cannot write " + model::detail::quote(temporary.string()));
    }
  }
  std::error_code error;
  std::filesystem::rename(temporary, target, error);
  if (error) {
    std::filesystem::remove(temporary);
    throw std::runtime_error("cannot rename the report into " + model::detail::quote(path) + ": " +
                             error.message());
  }
}

std::string command_line(const CompareOptions& options, const scenario::Scenario& scenario,
                         const std::vector<std::string>& names, std::uint64_t devices) {
  return fmt::format("svcsim compare {} --strategies {} --devices {} --seed {}",
                     simulator::posix_shell_word(scenario.path),
                     simulator::posix_shell_word(fmt::format("{}", fmt::join(names, ","))), devices,
                     options.seed);
}

/// What the arguments and the scenario file say, checked: all a rank needs to simulate.
struct CompareRun {
  scenario::Scenario scenario;
  std::vector<std::string> names;
  std::vector<scenario::StrategySpec> strategies;
  std::uint64_t devices = 0;
};

/// What this rank will simulate, as one number the ranks compare before they start (ranks.hpp):
/// the scenario file's bytes, the devices, the seed and the strategies.
std::uint64_t run_fingerprint(const CompareOptions& options, const CompareRun& run) {
  return input_fingerprint(options.scenario_path, fmt::format("\n{} {} {}", run.devices, options.seed,
                                                              fmt::join(run.names, ",")));
}

/// Checks the arguments and loads the scenario; nullopt after one line on stderr (bad input).
std::optional<CompareRun> prepare_compare(const CompareOptions& options) {
  if (options.threads < 1 || options.threads > thread_count_max) {
    report_error(fmt::format("--threads {}: give a whole number from 1 to {}", options.threads, thread_count_max));
    return std::nullopt;
  }
  if (options.devices && (*options.devices == 0 || *options.devices > scenario::fleet_devices_max)) {
    report_error(fmt::format("--devices {}: give a whole number from 1 to {}", *options.devices,
                             scenario::fleet_devices_max));
    return std::nullopt;
  }
  auto loaded = scenario::load_scenario_file(options.scenario_path);
  if (!loaded) {
    std::cerr << visible(loaded.error().to_string()) << '\n';
    return std::nullopt;
  }
  CompareRun run{std::move(loaded.value()), {}, {}, 0};
  const scenario::Scenario& scenario = run.scenario;
  const scenario::Fleet* fleet = scenario.fleet ? &*scenario.fleet : nullptr;
  run.names = options.strategies.empty() ? default_strategies(scenario)
                                         : simulator::split_order_list(options.strategies);
  if (run.names.empty()) {
    report_error("--strategies is empty: name at least one strategy");
    return std::nullopt;
  }
  for (const std::string& name : run.names) {
    const auto strategy = scenario::find_strategy(scenario.plan, fleet, name);
    if (!strategy) {
      std::vector<std::string> known;
      if (fleet != nullptr) {
        for (const auto& own : fleet->strategies) known.push_back(own.name);
      }
      for (const auto& builtin : scenario::builtin_strategies(scenario.plan)) known.push_back(builtin.name);
      report_error(fmt::format("--strategies: unknown strategy {} (expected one of: {})",
                               model::detail::quote(visible(name)), fmt::join(known, ", ")));
      return std::nullopt;
    }
    run.strategies.push_back(*strategy);
  }
  run.devices = options.devices.value_or(fleet != nullptr ? fleet->devices : scenario::Fleet{}.devices);
  return run;
}

/// Renders the report and writes it to stdout or --output (rank 0 only).
CommandOutcome write_report(const CompareOptions& options, const CompareReport& report) {
  std::ostringstream text;
  if (options.format == "json") {
    write_compare_json(text, report);
  } else if (options.format == "csv") {
    write_compare_csv(text, report);
  } else if (options.format == "html") {
    write_compare_html(text, report);
  } else {
    write_compare_text(text, report);
  }
  if (options.output.empty()) {
    std::cout << text.str();
    std::cout.flush();
    return CommandOutcome::expectations_met;
  }
  try {
    write_atomically(options.output, text.str());
  } catch (const std::bad_alloc&) {
    throw;  // main's exit 3
  } catch (const std::exception& error) {
    // Caught here rather than in main: on several ranks the others wait for rank 0's exit code.
    report_error(visible(error.what()));
    return CommandOutcome::bad_input;
  }
  return CommandOutcome::expectations_met;
}

CommandOutcome execute_compare(const CompareOptions& options) {
  std::optional<CompareRun> run = prepare_compare(options);
  // Every rank checked the same arguments and loaded the same file before the first collective.
  const std::uint64_t mine = !run ? 0 : cluster::size() == 1 ? 1 : run_fingerprint(options, *run);
  if (!ranks_agree(mine, options.scenario_path)) return CommandOutcome::bad_input;

  simulator::FleetOptions fleet_options;
  fleet_options.devices = run->devices;
  fleet_options.seed = options.seed;
  fleet_options.threads = options.threads;
  fleet_options.partition = cluster::fleet_partition();

  CompareReport report;
  report.scenario = &run->scenario;
  report.command = command_line(options, run->scenario, run->names, fleet_options.devices);
  report.fleet = simulator::simulate_fleet(run->scenario, run->strategies, fleet_options);

  // Every rank holds the whole fleet's tallies now; rank 0 alone writes, and its outcome is every
  // rank's exit code.
  CommandOutcome outcome = CommandOutcome::expectations_met;
  if (cluster::rank() == 0) outcome = write_report(options, report);
  if (outcome == CommandOutcome::expectations_met) {
    std::uint64_t violations = 0;
    for (const simulator::StrategyReport& strategy : report.fleet.strategies) violations += strategy.tally.violations;
    if (violations > 0) {
      report_error(fmt::format("{} device run{} violated an invariant of the servicing model (a bug in "
                               "svcsim); `svcsim explore` on the scenario finds a witness",
                               violations, violations == 1 ? "" : "s"));
      outcome = CommandOutcome::invariant_violated;
    }
  }
  return static_cast<CommandOutcome>(cluster::broadcast_from_rank0(static_cast<int>(outcome)));
}

}  // namespace

Command register_compare_command(CLI::App& app) {
  auto options = std::make_shared<CompareOptions>();
  CLI::App* compare = app.add_subcommand(
      "compare", "Compare sequencing strategies and rollout rings over a simulated fleet");
  compare->footer(
      "Each device draws its starting state, defects, regressions, ring and faults from streams\n"
      "derived from (seed, device index): the same seed gives the same bytes for any --threads,\n"
      "and for any number of MPI ranks (mpirun -np P svcsim compare ..., when built with MPI:\n"
      "each rank simulates a range of devices, rank 0 writes the report).\n"
      "Exit codes: 0 done; 2 bad scenario or arguments, or the report cannot be written; 3 out\n"
      "of memory; 10 a device run violated an invariant of the servicing model.");
  compare->add_option("scenario", options->scenario_path, "Scenario YAML file")->required();
  compare->add_option("--strategies", options->strategies,
                      "Strategies to compare, comma-separated (default: the file's own, then "
                      "patch_now,autopatch,wait_for_oob with an out-of-band fix, else the order rules)")
      ->type_name("A,B,...");
  compare->add_option("--devices", options->devices, "Devices per strategy (default: fleet.devices, else 10000)");
  compare->add_option("--seed", options->seed, "Run seed (default 1)");
  compare->add_option("--threads", options->threads,
                      "Threads, per MPI rank under mpirun (default 1; results do not depend on it)");
  compare->add_option("--format", options->format, "Output format")
      ->type_name("text|json|csv|html")
      ->check(CLI::IsMember({"text", "json", "csv", "html"}));
  compare->add_option("--output", options->output, "Write the report to FILE (atomically) instead of stdout")
      ->type_name("FILE");
  return {compare, [options] { return execute_compare(*options); }};
}

}  // namespace svcsim::cli
