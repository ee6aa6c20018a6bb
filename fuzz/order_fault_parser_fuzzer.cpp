// Fuzzes the `svcsim run` argument parsers (split_order_list + parse_order for --order,
// parse_fault_placement for --fault) against the KB5086672 scenario: the first line of the input
// is an --order value, each further line a --fault value. Accepted values must round-trip, and
// the run they describe must keep every invariant.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "svcsim/model/assert.hpp"
#include "svcsim/scenario/loader.hpp"
#include "svcsim/simulator/sequence.hpp"

namespace {

namespace model = svcsim::model;
namespace scenario = svcsim::scenario;
namespace simulator = svcsim::simulator;

// scenarios/kb5086672-online.yaml without its comments and expectations: the parsers only need
// the catalog, and the run needs the plan's policies. Embedded so that the target does not depend
// on the working directory.
constexpr std::string_view scenario_yaml = R"(name: KB5086672 out-of-band on a 24H2 device
packages:
  - id: KB5043080
    kind: checkpoint_cu
    identity: Package_for_RollupFix~31bf3856ad364e35~amd64~~26100.1742.1.10
    revision: 1742
  - id: KB5086672
    kind: cu
    identity: Package_for_RollupFix~31bf3856ad364e35~amd64~~26100.8117.1.9
    revision: 8117
    baseline: 1742
    bundled_ssu: 8115
    ssu_min: 8115
    defect: {at: commit, code: 0x800F0922, probability: 0.5}
    regression: {probability: 0.5, fixed_by: [KB5043080]}
targets:
  - name: device
    kind: online
    build: 26100
    ubr: 1
    ssu_version: 1
plan:
  target: device
  steps: [KB5043080, KB5086672]
  reboot: after_3010
  on_error: stop
faults:
  max: 1
  kinds: [execute_failure, power_loss_staging, startup_failure, commit_interrupted]
)";

// Bounds per input, so that one input stays fast: a run is linear in its steps.
constexpr std::size_t fault_line_count_max = 16;
constexpr std::size_t order_step_count_max = 128;

const scenario::Scenario& fixed_scenario() {
  static const scenario::Scenario scenario = [] {
    auto loaded = scenario::load_scenario_text(std::string(scenario_yaml), "kb5086672-fuzz.yaml");
    SVCSIM_ASSERT_MSG(loaded.has_value(), "the embedded scenario must load");
    return std::move(loaded).value();
  }();
  return scenario;
}

/// Splits `text` at '\n' into at most `count_max` lines (the rest is ignored).
std::vector<std::string_view> split_lines(std::string_view text, std::size_t count_max) {
  std::vector<std::string_view> lines;
  while (lines.size() < count_max) {
    const std::size_t end = text.find('\n');
    lines.push_back(text.substr(0, end));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return lines;
}

/// Parses one --fault value; an accepted one must print and parse back to itself. Step 0 names
/// a device property of the scenario (v2: "0:defect(KB5086672)").
void check_fault(const scenario::Scenario& scenario, std::string_view text,
                 std::vector<simulator::FaultPlacement>& accepted) {
  std::string error;
  const auto placement = simulator::parse_fault_placement(text, &error, &scenario.catalog);
  if (!placement) {
    SVCSIM_ASSERT(!error.empty());
    return;
  }
  if (placement->is_device()) {
    SVCSIM_ASSERT(placement->fault == model::Fault::none);
    SVCSIM_ASSERT(model::device_slot(scenario.catalog, placement->device).has_value());
  } else {
    SVCSIM_ASSERT(placement->step >= 1);
    SVCSIM_ASSERT(placement->fault != model::Fault::none);
  }
  const std::string printed = simulator::fault_placement_text(scenario.catalog, *placement);
  std::string reparse_error;
  const auto reparsed =
      simulator::parse_fault_placement(printed, &reparse_error, &scenario.catalog);
  SVCSIM_ASSERT_MSG(reparsed.has_value(), reparse_error.c_str());
  SVCSIM_ASSERT_MSG(*reparsed == *placement, printed.c_str());
  accepted.push_back(*placement);
}

/// Parses the --order value; an accepted order, joined with ',' and parsed again, must give the
/// same operations.
std::optional<std::vector<model::PlanStep>> check_order(const scenario::Scenario& scenario,
                                                        std::string_view text) {
  const std::vector<std::string> texts = simulator::split_order_list(text);
  std::string unknown;
  auto order = simulator::parse_order(scenario, texts, &unknown);
  if (!order) {
    bool named = false;
    for (const std::string& step : texts) named = named || step == unknown;
    SVCSIM_ASSERT_MSG(named, "parse_order must name a step it was given");
    return std::nullopt;
  }
  SVCSIM_ASSERT(order->size() == texts.size());
  std::string joined;
  for (const model::PlanStep& step : *order) {
    if (!joined.empty()) joined += ',';
    joined += step.text;
  }
  const auto reparsed = simulator::parse_order(scenario, simulator::split_order_list(joined),
                                               &unknown);
  SVCSIM_ASSERT_MSG(reparsed.has_value(), joined.c_str());
  SVCSIM_ASSERT(reparsed->size() == order->size());
  for (std::size_t index = 0; index < order->size(); ++index) {
    SVCSIM_ASSERT_MSG((*reparsed)[index].operation == (*order)[index].operation, joined.c_str());
  }
  return order;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const scenario::Scenario& scenario = fixed_scenario();
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::vector<std::string_view> lines = split_lines(input, fault_line_count_max + 1);
  SVCSIM_ASSERT(!lines.empty());

  std::vector<simulator::FaultPlacement> faults;
  for (std::size_t index = 1; index < lines.size(); ++index) {
    check_fault(scenario, lines[index], faults);
  }
  const auto order = check_order(scenario, lines[0]);
  if (!order || order->size() > order_step_count_max) return 0;

  // Any order with any placements is a legitimate `svcsim run`: it must keep every invariant,
  // and every placement either strikes at its step or is reported as not struck.
  const model::WorldState expected = simulator::expected_end_state(scenario);
  const simulator::RunResult run = simulator::run_sequence(scenario, *order, faults, expected);
  SVCSIM_ASSERT_MSG(!run.violation, (run.violation_text + "; reproduce: " +
                                     simulator::reproduce_command(scenario, *order, faults))
                                        .c_str());
  // A device property is there from the start: it neither strikes at a step nor goes unstruck.
  std::size_t struck = 0;
  std::size_t device_placements = 0;
  for (const simulator::StepRecord& step : run.steps) {
    if (step.outcome.fault != model::Fault::none) ++struck;
  }
  for (const simulator::FaultPlacement& placement : faults) {
    if (placement.is_device()) ++device_placements;
  }
  SVCSIM_ASSERT(struck + run.faults_not_struck.size() + device_placements == faults.size());
  return 0;
}
