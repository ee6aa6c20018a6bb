// Fuzzes the scenario loader with arbitrary bytes: a bad file must give exactly one one-line
// error, and a file the loader accepts must run (documented order, and a small exploration)
// without a crash, an assertion or an invariant violation.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "svcsim/model/assert.hpp"
#include "svcsim/scenario/loader.hpp"
#include "svcsim/simulator/explorer.hpp"
#include "svcsim/simulator/sequence.hpp"

namespace {

namespace model = svcsim::model;
namespace scenario = svcsim::scenario;
namespace simulator = svcsim::simulator;

// Exploration grows with the factorial of the step count; these keep one input well under the
// 10 s libFuzzer timeout while still covering the explorer's layers, faults and witnesses.
constexpr std::size_t explore_step_count_max = 6;
constexpr int explore_fault_count_max = 1;
constexpr std::uint64_t explore_state_count_max = 100000;
constexpr std::uint64_t explore_memory_bytes_max = std::uint64_t{64} << 20;

void check_error(const std::string& text, const scenario::ScenarioError& error) {
  const std::string line = error.to_string();
  // The contract of scenario_loader.hpp: one error, one line, naming the file.
  SVCSIM_ASSERT_MSG(line.find('\n') == std::string::npos, line.c_str());
  SVCSIM_ASSERT_MSG(line.find('\r') == std::string::npos, line.c_str());
  SVCSIM_ASSERT_MSG(!error.message.empty(), line.c_str());
  SVCSIM_ASSERT_MSG(error.file == "fuzz.yaml", line.c_str());
  // A place is 1-based when given; no place lies past the end of the text.
  SVCSIM_ASSERT_MSG(error.line >= 0 && error.column >= 0, line.c_str());
  SVCSIM_ASSERT_MSG(error.line == 0 || error.column >= 1, line.c_str());
  SVCSIM_ASSERT_MSG(static_cast<std::size_t>(error.line) <= text.size() + 1, line.c_str());
}

/// The documented order, printed as `--order` takes it and parsed back, names the same steps.
void check_order_round_trip(const scenario::Scenario& scenario,
                            const std::vector<model::PlanStep>& order) {
  std::string joined;
  for (const model::PlanStep& step : order) {
    if (!joined.empty()) joined += ',';
    joined += step.text;
  }
  std::string unknown;
  const auto parsed =
      simulator::parse_order(scenario, simulator::split_order_list(joined), &unknown);
  SVCSIM_ASSERT_MSG(parsed.has_value(), unknown.c_str());
  SVCSIM_ASSERT(parsed->size() == order.size());
  for (std::size_t index = 0; index < order.size(); ++index) {
    SVCSIM_ASSERT_MSG((*parsed)[index].operation == order[index].operation,
                      order[index].text.c_str());
  }
}

void check_explore(const scenario::Scenario& scenario) {
  simulator::ExploreOptions options;
  options.state_count_max = explore_state_count_max;
  options.memory_bytes_max = explore_memory_bytes_max;
  const simulator::ExploreResult result = simulator::explore(scenario, options);
  SVCSIM_ASSERT_MSG(result.status != simulator::ExploreStatus::invariant_violation,
                    (result.violation_text + "; reproduce: " + result.violation_command).c_str());
  if (result.status != simulator::ExploreStatus::complete) return;
  SVCSIM_ASSERT(result.runs.size() == static_cast<std::size_t>(result.fault_count_max) + 1);
  // Without faults every order is exactly one run.
  SVCSIM_ASSERT(result.runs[0].total == result.orders);
  // Every run ends in exactly one class.
  for (const simulator::RunCounts& counts : result.runs) {
    simulator::BigCount class_total;
    for (const simulator::BigCount& count : counts.classes) class_total += count;
    SVCSIM_ASSERT(class_total == counts.total);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const auto loaded = scenario::load_scenario_text(text, "fuzz.yaml");
  if (!loaded) {
    check_error(text, loaded.error());
    return 0;
  }
  const scenario::Scenario& scenario = loaded.value();
  for (const model::PlanStep& step : scenario.plan.steps) {
    SVCSIM_ASSERT(step.target < scenario.targets.size());
  }
  SVCSIM_ASSERT(!scenario.plan.steps.empty());

  const model::WorldState expected = simulator::expected_end_state(scenario);
  const std::vector<model::PlanStep> order = simulator::documented_order(scenario);
  const simulator::RunResult run = simulator::run_sequence(scenario, order, {}, expected);
  // The loader refuses impossible starting states, so any violation is the model's.
  SVCSIM_ASSERT_MSG(!run.violation, run.violation_text.c_str());
  // The documented order without faults defines E when the plan intends what it runs (v2, §6:
  // E has no /PreventPending skip, commits under reboot: never, has no reboot bound and is on a
  // healthy device): then running it again must reach E.
  const model::World world = scenario::make_world(scenario);
  bool bounded = false;
  for (std::size_t target = 0; target < world.target_count(); ++target) {
    bounded = bounded || world.context(static_cast<model::TargetIndex>(target)).reboot_count_max !=
                             model::ServicingContext::reboot_count_unbounded;
  }
  if (!scenario.plan.prevent_pending && scenario.plan.reboot != model::RebootPolicy::never &&
      model::device_always(scenario.catalog) == 0 && !bounded) {
    SVCSIM_ASSERT(run.end == expected);
  }
  check_order_round_trip(scenario, order);

  if (scenario.plan.steps.size() <= explore_step_count_max &&
      scenario.faults.max <= explore_fault_count_max) {
    check_explore(scenario);
  }
  return 0;
}
