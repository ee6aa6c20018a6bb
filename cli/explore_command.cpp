// `svcsim explore`: loads the scenario, runs the explorer with the limits given, prints the
// result in the chosen format and reports how it went (main.cpp maps that to the exit code).
#include "explore_command.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <memory>

#include "explore_output.hpp"
#include "svcsim/scenario/loader.hpp"
#include "svcsim/simulator/check.hpp"
#include "svcsim/simulator/explorer.hpp"

namespace svcsim::cli {
namespace {

struct ExploreCommandOptions {
  std::string scenario_path;
  std::optional<int> fault_count_max;
  std::string format = "text";
  std::uint64_t state_count_max = 0;
  std::uint64_t memory_mib_max = 0;
  bool progress = false;
  bool timing = true;
};

/// DOT is for looking at: beyond a few thousand states nobody can read the picture.
constexpr std::uint64_t dot_state_max = 5000;
/// The explorer's choice field numbers plan steps in 8 bits, one value being reserved.
constexpr std::size_t explore_step_count_max = 63;

/// One updating line on stderr: states, states per second, memory.
class ProgressLine {
 public:
  explicit ProgressLine(bool forced) : forced_(forced), terminal_(isatty(STDERR_FILENO) != 0) {}

  void update(const simulator::ExploreProgress& progress) {
    // Unasked, show it only on a terminal and only once the search has taken a second.
    if (!forced_ && (!terminal_ || progress.elapsed_s < 1.0)) return;
    if (progress.elapsed_s - last_s_ < 0.25) return;
    last_s_ = progress.elapsed_s;
    const double rate = progress.elapsed_s > 0 ? static_cast<double>(progress.states) / progress.elapsed_s : 0;
    std::cerr << fmt::format("{}explore: layer {}/{}  {} states  {:.2f} M states/s  {} MiB",
                             terminal_ ? "\r" : "", progress.layer, progress.layer_count,
                             progress.states, rate / 1e6, progress.bytes >> 20)
              << (terminal_ ? "" : "\n") << std::flush;
    shown_ = true;
  }
  ~ProgressLine() {
    if (shown_ && terminal_) std::cerr << "\n";
  }

 private:
  bool forced_;
  bool terminal_;
  bool shown_ = false;
  double last_s_ = -1;
};

CommandOutcome execute(const ExploreCommandOptions& options) {
  auto loaded = scenario::load_scenario_file(options.scenario_path);
  if (!loaded) {
    std::cerr << loaded.error().to_string() << "\n";
    return CommandOutcome::bad_input;
  }
  const scenario::Scenario& scenario = *loaded;
  if (scenario.plan.steps.size() > explore_step_count_max) {
    std::cerr << fmt::format("svcsim: explore: {}: the plan has {} steps; explore handles at most {}\n",
                             options.scenario_path, scenario.plan.steps.size(),
                             explore_step_count_max);
    return CommandOutcome::bad_input;
  }

  simulator::ExploreOptions explore_options;
  explore_options.fault_count_max = options.fault_count_max;
  explore_options.state_count_max = options.state_count_max;
  explore_options.memory_bytes_max = options.memory_mib_max << 20;
  if (options.format == "dot") explore_options.graph_state_max = dot_state_max;
  ProgressLine progress_line(options.progress);
  explore_options.progress = [&progress_line](const simulator::ExploreProgress& progress) {
    progress_line.update(progress);
  };

  ExploreReport report;
  report.scenario = &scenario;
  report.result = simulator::explore(scenario, explore_options);
  report.timing = options.timing;
  report.expectations = scenario::check_explore(scenario, simulator::explore_facts(report.result));
  const simulator::ExploreResult& result = report.result;

  if (options.format == "dot") {
    if (!result.graph) {
      std::cerr << fmt::format("svcsim: explore: {}: the state graph has {} states; --format dot "
                               "draws at most {} (use text, json or junit)\n",
                               options.scenario_path, result.states, dot_state_max);
      return CommandOutcome::bad_input;
    }
    write_explore_dot(std::cout, report);
  } else if (options.format == "json") {
    write_explore_json(std::cout, report);
  } else if (options.format == "junit") {
    write_explore_junit(std::cout, report);
  } else {
    write_explore_text(std::cout, report);
  }

  switch (result.status) {
    case simulator::ExploreStatus::invariant_violation:
      std::cerr << "svcsim: invariant violated: " << result.violation_text << "\n"
                << "  reproduce: " << result.violation_command << "\n";
      return CommandOutcome::invariant_violated;
    case simulator::ExploreStatus::complete:
      break;
    default:
      return CommandOutcome::incomplete;
  }
  for (const auto& check : report.expectations) {
    if (!check.ok) return CommandOutcome::expectations_missed;
  }
  return CommandOutcome::expectations_met;
}

}  // namespace

Command register_explore_command(CLI::App& app) {
  auto options = std::make_shared<ExploreCommandOptions>();
  CLI::App* explore = app.add_subcommand(
      "explore", "Every order of the plan and every placement of up to K faults, counted exactly");
  explore->add_option("scenario", options->scenario_path, "Scenario YAML file")->required();
  explore->add_option("--faults", options->fault_count_max,
                      "Faults per run at most (default: the scenario's faults.max)")
      ->check(CLI::Range(0, 16));
  explore->add_option("--format", options->format, "Output format")
      ->check(CLI::IsMember({"text", "json", "junit", "dot"}));
  explore->add_option("--max-states", options->state_count_max,
                      "Stop (exit 3, incomplete) past this many graph states");
  explore->add_option("--max-memory-mib", options->memory_mib_max,
                      "Stop (exit 3, incomplete) past this much explorer memory");
  explore->add_flag("--progress", options->progress,
                    "Show states, states/s and memory on stderr (default: on a terminal, after 1 s)");
  explore->add_flag("--timing,!--no-timing", options->timing,
                    "Print elapsed time and memory (--no-timing: zeros, for byte-identical output)");
  return Command{explore, [options] { return execute(*options); }};
}

}  // namespace svcsim::cli
