// The plan's rules that every engine shares: tolerated codes, /PreventPending on every add, and
// the implicit order constraints of lifecycle steps.
#include "svcsim/model/plan.hpp"

#include <algorithm>

#include "svcsim/model/probe.hpp"

namespace svcsim::model {

bool is_plan_error(const Plan& plan, ResultCode code) {
  if (is_success(code)) return false;
  const std::uint32_t value = hresult(code);
  for (const std::uint32_t tolerated : plan.tolerate) {
    if (tolerated == value) {
      SVCSIM_PROBE(Probe::tolerated_code);
      return false;
    }
  }
  return true;
}

std::vector<std::pair<std::size_t, std::size_t>> lifecycle_constraints(const Plan& plan) {
  std::vector<std::pair<std::size_t, std::size_t>> pairs;
  const auto is_lifecycle = [](const PlanStep& step) {
    const OperationKind kind = step.operation.kind;
    return kind == OperationKind::mount || kind == OperationKind::commit ||
           kind == OperationKind::discard;
  };
  for (std::size_t fixed = 0; fixed < plan.steps.size(); ++fixed) {
    if (!is_lifecycle(plan.steps[fixed])) continue;
    for (std::size_t other = 0; other < plan.steps.size(); ++other) {
      if (other == fixed || plan.steps[other].target != plan.steps[fixed].target) continue;
      // Every step of the target written before it stays before it, every later one after.
      pairs.emplace_back(std::min(other, fixed), std::max(other, fixed));
    }
  }
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
  return pairs;
}

std::uint16_t reboot_bound(const Plan& plan, TargetIndex target) {
  std::size_t reboots_max = plan.reboot == RebootPolicy::at_end ? 1 : 0;
  for (const PlanStep& step : plan.steps) {
    if (step.target != target) continue;
    // An explicit reboot is one; any other step may be followed by one (after_3010).
    if (step.operation.kind == OperationKind::reboot || plan.reboot == RebootPolicy::after_3010) {
      ++reboots_max;
    }
  }
  return reboots_max <= plan.reboot_count_max ? ServicingContext::reboot_count_unbounded
                                              : plan.reboot_count_max;
}

void limit_reboots(const Plan& plan, World& world) {
  for (std::size_t index = 0; index < world.target_count(); ++index) {
    const auto target = static_cast<TargetIndex>(index);
    world.set_reboot_count_max(target, reboot_bound(plan, target));
  }
}

Plan expected_plan(const Plan& plan) {
  Plan expected = plan;
  expected.prevent_pending = false;
  for (PlanStep& step : expected.steps) step.operation.prevent_pending = false;
  if (expected.reboot == RebootPolicy::never) expected.reboot = RebootPolicy::at_end;
  expected.reboot_count_max = reboot_count_max_limit;
  return expected;
}

Operation plan_operation(const Plan& plan, Operation operation) {
  if (operation.kind == OperationKind::add || operation.kind == OperationKind::add_folder) {
    operation.prevent_pending = plan.prevent_pending;
  }
  return operation;
}

}  // namespace svcsim::model
