// `svcsim explore`: loads the scenario, runs the explorer with the limits given, prints the
// result in the chosen format and reports how it went (main.cpp maps that to the exit code).
#include "explore_command.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <memory>
#include <new>
#include <thread>

#include "explore_output.hpp"
#include "svcsim/model/assert.hpp"
#include "fail_on.hpp"
#include "limits.hpp"
#include "ranks.hpp"
#include "svcsim/cluster/cluster.hpp"
#include "svcsim/scenario/loader.hpp"
#include "svcsim/simulator/check.hpp"
#include "svcsim/simulator/explorer.hpp"
#include "text_escape.hpp"

namespace svcsim::cli {
namespace {

struct ExploreCommandOptions {
  std::string scenario_path;
  std::optional<int> fault_count_max;
  std::string format = "text";
  std::string state_count_max;   // parse_limit text; default: unlimited
  std::string memory_mib_max;    // parse_limit text; default: half of physical memory
  std::string fail_on;
  bool progress = false;
  bool timing = true;
  std::optional<int> threads;    // default: the machine's cores
  const CLI::Option* state_option = nullptr;
  const CLI::Option* memory_option = nullptr;
  const CLI::Option* fail_on_option = nullptr;
};

/// DOT is for looking at: beyond a few thousand states nobody can read the picture.
constexpr std::uint64_t dot_state_max = 5000;
/// The explorer's choice field numbers plan steps in 8 bits, one value being reserved.
constexpr std::size_t explore_step_count_max = 63;

/// One updating line on stderr: layers done, an estimate of the time left where the work is
/// known in advance, states, states per second, memory.
class ProgressLine {
 public:
  /// `here`: whether this process prints it (rank 0 only, on several ranks).
  ProgressLine(bool forced, bool here)
      : forced_(forced), here_(here), terminal_(isatty(STDERR_FILENO) != 0) {}

  void update(const simulator::ExploreProgress& progress) {
    if (!here_) return;
    // Unasked, show it only on a terminal and only once the search has taken a second.
    if (!forced_ && (!terminal_ || progress.elapsed_s < 1.0)) return;
    if (progress.elapsed_s - last_s_ < 0.25) return;
    last_s_ = progress.elapsed_s;
    const double rate = progress.elapsed_s > 0 ? static_cast<double>(progress.states) / progress.elapsed_s : 0;
    const auto percent = progress.layer_count == 0
                             ? 0
                             : 100 * progress.layer / progress.layer_count;
    std::string estimate;
    if (progress.group_count > 0 && progress.groups_done > 0 && progress.elapsed_s >= 1.0) {
      // The share of groups done, every subset of steps being one group: rough when groups
      // differ in size (later layers carry more faults), so it is called an estimate.
      const double done = static_cast<double>(progress.groups_done) /
                          static_cast<double>(progress.group_count);
      if (done >= 0.01) {
        estimate = fmt::format(", about {:.0f} s left", progress.elapsed_s * (1 - done) / done);
      }
    }
    // On several ranks rank 0 alone prints, and the memory is its own.
    const std::string ranks =
        progress.ranks > 1 ? fmt::format(" on rank 0 of {}", progress.ranks) : std::string();
    std::cerr << fmt::format("{}explore: layer {}/{} ({}% of layers{})  {} states  {:.2f} M "
                             "states/s  {} MiB{}{}",
                             terminal_ ? "\r" : "", progress.layer, progress.layer_count, percent,
                             estimate, progress.states, rate / 1e6, progress.bytes >> 20, ranks,
                             terminal_ ? "\x1b[K" : "")
              << (terminal_ ? "" : "\n") << std::flush;
    shown_ = true;
  }
  ~ProgressLine() {
    if (shown_ && terminal_) std::cerr << "\n";
  }

 private:
  bool forced_;
  bool here_;
  bool terminal_;
  bool shown_ = false;
  double last_s_ = -1;
};

/// "--max-memory-mib 300" or "the default memory limit, 11.7 GiB (half of this machine's
/// memory)": how messages name the memory limit in force.
std::string memory_limit_text(const ExploreCommandOptions& options, std::uint64_t bytes) {
  if (options.memory_option != nullptr && options.memory_option->count() > 0) {
    return "--max-memory-mib " + options.memory_mib_max;
  }
  return fmt::format("the default memory limit, {} (half of this machine's memory)",
                     memory_text(bytes));
}

void report_out_of_memory(const ExploreCommandOptions& options, std::uint64_t bytes) {
  if (bytes == 0) {
    std::cerr << fmt::format("svcsim: explore: {}: out of memory (--max-memory-mib unlimited); "
                             "the result is incomplete (a --max-memory-mib below what this "
                             "machine can give stops cleanly)\n",
                             visible(options.scenario_path));
    return;
  }
  std::cerr << fmt::format("svcsim: explore: {}: out of memory before {} was reached; the result "
                           "is incomplete (lower it with --max-memory-mib N to stop cleanly)\n",
                           visible(options.scenario_path), memory_limit_text(options, bytes));
}

CommandOutcome execute(const ExploreCommandOptions& options) {
  // Limits first: a typo there must not cost a load.
  std::optional<std::uint64_t> state_count_max;
  if (options.state_option != nullptr && options.state_option->count() > 0) {
    auto parsed = parse_limit(options.state_count_max, ~std::uint64_t{0});
    if (!parsed) {
      std::cerr << "svcsim: --max-states " << parsed.error() << "\n";
      return CommandOutcome::bad_input;
    }
    state_count_max = *parsed;
  }
  std::uint64_t memory_bytes_max = default_memory_bytes_max(local_rank_count());  // 0: unlimited
  if (options.memory_option != nullptr && options.memory_option->count() > 0) {
    auto parsed = parse_limit(options.memory_mib_max, memory_mib_max);
    if (!parsed) {
      std::cerr << "svcsim: --max-memory-mib " << parsed.error() << "\n";
      return CommandOutcome::bad_input;
    }
    memory_bytes_max = parsed->value_or(0) << 20;
  }

  auto loaded = scenario::load_scenario_file(options.scenario_path);
  if (!loaded) std::cerr << visible(loaded.error().to_string()) << "\n";
  // Under mpirun: every rank loaded the same file with the same arguments (ranks.hpp).
  if (cluster::size() > 1) {
    const std::uint64_t mine =
        !loaded ? 0
                : input_fingerprint(options.scenario_path,
                                    fmt::format("\n{} {} {} {}", options.fault_count_max.value_or(-1),
                                                options.format, options.state_count_max,
                                                options.fail_on));
    if (!ranks_agree(mine, options.scenario_path)) return CommandOutcome::bad_input;
  }
  if (!loaded) return CommandOutcome::bad_input;
  const scenario::Scenario& scenario = *loaded;
  if (scenario.plan.steps.size() > explore_step_count_max) {
    std::cerr << fmt::format("svcsim: explore: {}: the plan has {} steps; explore handles at most {}\n",
                             visible(options.scenario_path), scenario.plan.steps.size(),
                             explore_step_count_max);
    return CommandOutcome::bad_input;
  }
  if (cluster::size() > 1) {
    // Several ranks take the dense groups' order as the serial one, and draw no graph.
    if (scenario.plan.steps.size() > simulator::dense_step_count_max) {
      std::cerr << fmt::format("svcsim: explore: {}: the plan has {} steps; on several MPI ranks "
                               "explore handles at most {} (run it on one)\n",
                               visible(options.scenario_path), scenario.plan.steps.size(),
                               simulator::dense_step_count_max);
      return CommandOutcome::bad_input;
    }
    if (options.format == "dot") {
      std::cerr << "svcsim: explore: --format dot draws a small graph on one rank: run it without "
                   "mpirun\n";
      return CommandOutcome::bad_input;
    }
  }
  auto fail_on = resolve_fail_on(options.fail_on_option, options.fail_on, scenario);
  if (!fail_on) {
    std::cerr << "svcsim: " << fail_on.error() << "\n";
    return CommandOutcome::bad_input;
  }

  simulator::ExploreOptions explore_options;
  explore_options.fault_count_max = options.fault_count_max;
  explore_options.state_count_max = state_count_max.value_or(0);
  explore_options.memory_bytes_max = memory_bytes_max;
  explore_options.resident_bytes = resident_set_bytes;
  if (options.format == "dot") explore_options.graph_state_max = dot_state_max;
  explore_options.threads = options.threads.value_or(default_thread_count(local_rank_count()));
  explore_options.partition = cluster::explore_partition();
  // One progress line for the whole job, from rank 0: the ranks share one terminal.
  ProgressLine progress_line(options.progress, cluster::rank() == 0);
  explore_options.progress = [&progress_line](const simulator::ExploreProgress& progress) {
    progress_line.update(progress);
  };

  ExploreReport report;
  report.scenario = &scenario;
  report.fail_on = fail_on.value();
  try {
    report.result = simulator::explore(scenario, explore_options);
  } catch (const std::bad_alloc&) {
    // On several ranks the others wait in a collective: main ends them all (exit 3).
    if (cluster::size() > 1) throw;
    // The search's memory is released by now; what is left is enough for one line.
    report_out_of_memory(options, explore_options.memory_bytes_max);
    return CommandOutcome::incomplete;
  }
  report.timing = options.timing;
  report.expectations = scenario::check_explore(scenario, simulator::explore_facts(report.result));
  const simulator::ExploreResult& result = report.result;

  if (options.format == "dot") {
    SVCSIM_ASSERT(result.graph.has_value());
    if (result.graph->truncated) {
      std::cerr << fmt::format("svcsim: explore: {}: the state graph has {} states; --format dot "
                               "drew the first {} and says so (the counts: --format text, json "
                               "or junit)\n",
                               visible(options.scenario_path), result.states,
                               result.graph->nodes.size());
    }
    write_explore_dot(std::cout, report);
  } else if (options.format == "json") {
    write_explore_json(std::cout, report);
  } else if (options.format == "junit") {
    write_explore_junit(std::cout, report);
  } else if (options.format == "html") {
    write_explore_html(std::cout, report);
  } else {
    write_explore_text(std::cout, report);
  }

  switch (result.status) {
    case simulator::ExploreStatus::invariant_violation:
      std::cerr << "svcsim: invariant violated: " << result.violation_text << "\n"
                << "  reproduce: " << visible(result.violation_command) << "\n";
      return CommandOutcome::invariant_violated;
    case simulator::ExploreStatus::complete:
      break;
    case simulator::ExploreStatus::incomplete_memory:
      std::cerr << fmt::format("svcsim: explore: {}: stopped at {}; the result is incomplete "
                               "(raise it with --max-memory-mib N, or use --max-memory-mib "
                               "unlimited)\n",
                               visible(options.scenario_path),
                               memory_limit_text(options, explore_options.memory_bytes_max));
      return CommandOutcome::incomplete;
    case simulator::ExploreStatus::incomplete_states:
      std::cerr << fmt::format("svcsim: explore: {}: stopped at --max-states {}; the result is "
                               "incomplete (raise it, or use --max-states unlimited)\n",
                               visible(options.scenario_path), options.state_count_max);
      return CommandOutcome::incomplete;
    case simulator::ExploreStatus::count_overflow:
      std::cerr << fmt::format("svcsim: explore: {}: a path count passed 2^128; the result is "
                               "incomplete\n",
                               visible(options.scenario_path));
      return CommandOutcome::incomplete;
  }
  const bool missed = !scenario::all_ok(report.expectations);
  return missed || !failing_classes(report).empty() ? CommandOutcome::expectations_missed
                                                     : CommandOutcome::expectations_met;
}

}  // namespace

Command register_explore_command(CLI::App& app) {
  auto options = std::make_shared<ExploreCommandOptions>();
  CLI::App* explore = app.add_subcommand(
      "explore", "Every order of the plan and every placement of up to K faults, counted exactly");
  explore->footer(fmt::format(
      "Exit codes: 0 the counts match expect.explore (or it states none) and no run ends in a\n"
      "--fail-on class; 1 an expectation missed, or some run ends in a --fail-on class (default:\n"
      "every class expect.explore.allow does not list: false_success, drift, stuck); 2 bad\n"
      "scenario or arguments; 3 incomplete: stopped at --max-states or at the memory limit\n"
      "(default: half of physical memory, here {}), or out of memory; 10 the model violated an\n"
      "invariant. --format dot draws at most {} states; past that it draws the first {} and says\n"
      "so.",
      memory_text(default_memory_bytes_max()), dot_state_max, dot_state_max));
  explore->add_option("scenario", options->scenario_path, "Scenario YAML file")->required();
  explore->add_option("--faults", options->fault_count_max,
                      fmt::format("Faults per run at most, 0 to {} (default: the scenario's "
                                  "faults.max)",
                                  scenario::fault_count_per_run_max))
      ->check(CLI::Range(0, scenario::fault_count_per_run_max));
  explore->add_option("--format", options->format, "Output format")
      ->check(CLI::IsMember({"text", "json", "junit", "dot", "html"}));
  options->state_option =
      explore->add_option("--max-states", options->state_count_max,
                          "Stop (exit 3, incomplete) past this many graph states (default: "
                          "unlimited; the memory limit bounds the search)")
          ->type_name("N|unlimited");
  options->memory_option =
      explore->add_option("--max-memory-mib", options->memory_mib_max,
                          "Stop (exit 3, incomplete) when the process holds more than this many "
                          "MiB (default: half of physical memory)")
          ->type_name("M|unlimited");
  options->fail_on_option = add_fail_on_option(*explore, options->fail_on);
  explore->add_option("--threads", options->threads,
                      fmt::format("Threads building each layer, 1 to {} (default: the machine's "
                                  "cores, here {}); the results do not depend on it",
                                  thread_count_max, default_thread_count()))
      ->check(CLI::Range(1, thread_count_max));
  explore->add_flag("--progress", options->progress,
                    "Show layers done, an estimate of the time left, states/s and memory on "
                    "stderr (default: on a terminal, after 1 s)");
  explore->add_flag("--timing,!--no-timing", options->timing,
                    "Print elapsed time and memory (--no-timing: zeros, for byte-identical output)");
  return Command{explore, [options] { return execute(*options); }};
}

}  // namespace svcsim::cli
