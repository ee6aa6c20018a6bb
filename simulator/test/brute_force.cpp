// The brute-force oracle (see brute_force.hpp).
#include "brute_force.hpp"

#include <algorithm>
#include <numeric>

#include "svcsim/simulator/sequence.hpp"

namespace svcsim::simulator::testing {
namespace {

bool respects_before(const model::Plan& plan, const std::vector<std::size_t>& order) {
  std::vector<std::size_t> position(order.size());
  for (std::size_t index = 0; index < order.size(); ++index) position[order[index]] = index;
  return std::all_of(plan.before.begin(), plan.before.end(), [&](const auto& constraint) {
    return position[constraint.first] < position[constraint.second];
  });
}

std::vector<model::Fault> fault_kinds(const model::Scenario& scenario, int fault_count_max) {
  std::vector<model::Fault> kinds;
  for (int kind = 1; kind < model::fault_count; ++kind) {
    const auto fault = static_cast<model::Fault>(kind);
    if ((scenario.faults.kinds & model::fault_bit(fault)) != 0) kinds.push_back(fault);
  }
  if (kinds.empty() && fault_count_max > 0) {
    for (int kind = 1; kind < model::fault_count; ++kind) kinds.push_back(static_cast<model::Fault>(kind));
  }
  return kinds;
}

void keep_shorter(std::optional<RunLength>& best, RunLength length) {
  if (!best || length < *best) best = length;
}

}  // namespace

BruteForceResult brute_force(const model::Scenario& scenario, int fault_count_max) {
  const model::Plan& plan = scenario.plan;
  const std::vector<model::Fault> kinds = fault_kinds(scenario, fault_count_max);
  const model::WorldState expected = expected_end_state(scenario);
  // Every operation a run can execute: each step, a reboot after each, a final reboot per target.
  const int operation_count_max =
      static_cast<int>(2 * plan.steps.size() + scenario.targets.size());

  BruteForceResult result;
  result.runs.assign(static_cast<std::size_t>(fault_count_max) + 1, RunCounts{});
  std::vector<std::size_t> order(plan.steps.size());
  std::iota(order.begin(), order.end(), std::size_t{0});

  do {
    if (!respects_before(plan, order)) continue;
    result.orders += BigCount{1};
    std::vector<model::PlanStep> steps;
    for (std::size_t index : order) steps.push_back(plan.steps[index]);

    // Every placement: increasing step numbers, any kind at each.
    std::vector<FaultPlacement> placement;
    auto visit = [&](auto&& self, int first_step) -> void {
      const RunResult run = run_sequence(scenario, steps, placement, expected);
      if (run.faults_not_struck.empty()) {
        RunCounts& bucket = result.runs[placement.size()];
        bucket.total += BigCount{1};
        bucket.classes[static_cast<std::size_t>(run.outcome_class)] += BigCount{1};
        const RunLength length{static_cast<int>(run.steps.size()),
                               static_cast<int>(placement.size())};
        keep_shorter(result.shortest_by_class[static_cast<std::size_t>(run.outcome_class)], length);
        if (run.first_error) {
          const std::uint32_t code = model::hresult(*run.first_error);
          bucket.codes[code] += BigCount{1};
          auto found = result.shortest_by_code.find(code);
          if (found == result.shortest_by_code.end() || length < found->second) {
            result.shortest_by_code[code] = length;
          }
        }
      }
      if (static_cast<int>(placement.size()) == fault_count_max) return;
      for (int step = first_step; step <= operation_count_max; ++step) {
        for (model::Fault fault : kinds) {
          placement.push_back({step, fault});
          self(self, step + 1);
          placement.pop_back();
        }
      }
    };
    visit(visit, 1);
  } while (std::next_permutation(order.begin(), order.end()));
  return result;
}

}  // namespace svcsim::simulator::testing
