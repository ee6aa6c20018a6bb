// The brute-force oracle (see brute_force.hpp).
#include "brute_force.hpp"

#include <algorithm>

#include "svcsim/simulator/sequence.hpp"

namespace svcsim::simulator::testing {
namespace {

/// Calls `visit` with every order of the plan's steps that respects `before`: a depth-first walk
/// that places, at each position, any step whose predecessors are all placed. Every order is
/// visited once, so the cost is the number of orders, not n! (a media refresh of 13 steps has
/// a few hundred).
template <typename Visit>
void for_each_order(const model::Plan& plan, Visit&& visit) {
  const std::size_t count = plan.steps.size();
  std::vector<std::size_t> order;
  std::vector<bool> placed(count, false);
  auto walk = [&](auto&& self) -> void {
    if (order.size() == count) {
      visit(order);
      return;
    }
    for (std::size_t step = 0; step < count; ++step) {
      if (placed[step]) continue;
      const bool ready = std::all_of(plan.before.begin(), plan.before.end(), [&](const auto& pair) {
        return pair.second != step || placed[pair.first];
      });
      if (!ready) continue;
      placed[step] = true;
      order.push_back(step);
      self(self);
      order.pop_back();
      placed[step] = false;
    }
  };
  walk(walk);
}

std::vector<model::Fault> fault_kinds(const scenario::Scenario& scenario, int fault_count_max) {
  std::vector<model::Fault> kinds;
  for (int kind = 1; kind < model::fault_count; ++kind) {
    const auto fault = static_cast<model::Fault>(kind);
    if ((scenario.faults.kinds & model::fault_bit(fault)) != 0) kinds.push_back(fault);
  }
  if (kinds.empty() && scenario.faults.devices == 0 && fault_count_max > 0) {
    for (int kind = 1; kind < model::fault_count; ++kind) kinds.push_back(static_cast<model::Fault>(kind));
  }
  return kinds;
}

void keep_shorter(std::optional<RunLength>& best, RunLength length) {
  if (!best || length < *best) best = length;
}

}  // namespace

BruteForceResult brute_force(const scenario::Scenario& scenario, int fault_count_max) {
  const model::Plan& plan = scenario.plan;
  const std::vector<model::Fault> kinds = fault_kinds(scenario, fault_count_max);
  const model::WorldState expected = expected_end_state(scenario);
  // Every operation a run can execute: each step, a reboot after each, a final reboot per target.
  const int operation_count_max =
      static_cast<int>(2 * plan.steps.size() + scenario.targets.size());

  BruteForceResult result;
  result.runs.assign(static_cast<std::size_t>(fault_count_max) + 1, RunCounts{});
  for_each_order(plan, [&](const std::vector<std::size_t>& order) {
    result.orders += BigCount{1};
    std::vector<model::PlanStep> steps;
    for (std::size_t index : order) steps.push_back(plan.steps[index]);

    // Every device the run may be on (v2): any subset of the listed properties, each one a
    // placement at step 0; then every placement of step faults, increasing step numbers, any
    // kind at each.
    std::vector<FaultPlacement> placement;
    const std::vector<model::DeviceProperty> properties =
        model::device_properties(scenario.catalog);
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
    auto choose_device = [&](auto&& self, std::size_t slot) -> void {
      if (slot == properties.size()) {
        visit(visit, 1);
        return;
      }
      self(self, slot + 1);  // without this property
      if ((scenario.faults.devices >> slot & 1u) == 0) return;
      if (static_cast<int>(placement.size()) == fault_count_max) return;
      FaultPlacement device;
      device.device = properties[slot];
      placement.push_back(device);
      self(self, slot + 1);  // with it
      placement.pop_back();
    };
    choose_device(choose_device, 0);
  });
  return result;
}

}  // namespace svcsim::simulator::testing
