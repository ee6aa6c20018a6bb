// The names of the fleet block's enumerations, the rollout presets and the built-in strategies
// (scenarios/README.md "The fleet").
#include "svcsim/scenario/fleet.hpp"

#include <array>

#include "svcsim/model/assert.hpp"

namespace svcsim::scenario {
namespace {

constexpr std::array<std::string_view, order_rule_count> order_rule_names = {
    "method1", "method2", "filename", "kb_ascending", "newest_only", "ssu_first", "random"};
constexpr std::array<std::string_view, strategy_error_policy_count> error_policy_names = {
    "stop", "continue", "retry_once_after_reboot"};
constexpr std::array<std::string_view, 3> reboot_policy_names = {"after_3010", "at_end", "never"};

template <typename Enum, std::size_t count>
std::optional<Enum> parse_name(const std::array<std::string_view, count>& names,
                               std::string_view name) {
  for (std::size_t index = 0; index < count; ++index) {
    if (names[index] == name) return static_cast<Enum>(index);
  }
  return std::nullopt;
}

Rollout one_ring(std::string name, bool wait_for_fix) {
  Rollout rollout;
  rollout.name = std::move(name);
  rollout.rings.push_back(Ring{"all", 1.0, 0, 0, 0});
  rollout.wait_for_fix = wait_for_fix;
  return rollout;
}

}  // namespace

std::string_view order_rule_name(OrderRule rule) {
  return order_rule_names.at(static_cast<std::size_t>(rule));
}
std::optional<OrderRule> parse_order_rule(std::string_view name) {
  return parse_name<OrderRule>(order_rule_names, name);
}
std::string_view strategy_error_policy_name(StrategyErrorPolicy policy) {
  return error_policy_names.at(static_cast<std::size_t>(policy));
}
std::optional<StrategyErrorPolicy> parse_strategy_error_policy(std::string_view name) {
  return parse_name<StrategyErrorPolicy>(error_policy_names, name);
}
std::string_view reboot_policy_name(model::RebootPolicy policy) {
  return reboot_policy_names.at(static_cast<std::size_t>(policy));
}
std::optional<model::RebootPolicy> parse_reboot_policy(std::string_view name) {
  return parse_name<model::RebootPolicy>(reboot_policy_names, name);
}

const std::vector<Rollout>& preset_rollouts() {
  // Windows Autopatch's quality-update defaults (README.md cites the documentation): Test and
  // Last are sized by hand (1% each here); the rest is split about 1% / 9% / 90%.
  static const std::vector<Rollout> presets = [] {
    std::vector<Rollout> rollouts;
    rollouts.push_back(one_ring("patch_now", false));
    Rollout autopatch;
    autopatch.name = "autopatch";
    const double rest = 0.98;
    autopatch.rings = {
        Ring{"Test", 0.01, 0, 0, 0},         Ring{"Ring1", rest * 0.01, 1, 2, 2},
        Ring{"Ring2", rest * 0.09, 5, 2, 2}, Ring{"Ring3", rest * 0.90, 9, 5, 2},
        Ring{"Last", 0.01, 10, 3, 2},
    };
    rollouts.push_back(std::move(autopatch));
    rollouts.push_back(one_ring("wait_for_oob", true));
    return rollouts;
  }();
  return presets;
}

std::vector<StrategySpec> builtin_strategies(const model::Plan& plan) {
  const StrategyErrorPolicy on_error = plan.on_error == model::ErrorPolicy::stop
                                           ? StrategyErrorPolicy::stop
                                           : StrategyErrorPolicy::continue_on_error;
  std::vector<StrategySpec> strategies;
  for (int rule = 0; rule < order_rule_count; ++rule) {
    const auto order = static_cast<OrderRule>(rule);
    strategies.push_back({std::string(order_rule_name(order)), order, plan.reboot, on_error, "patch_now"});
  }
  for (const Rollout& rollout : preset_rollouts()) {
    strategies.push_back({rollout.name, OrderRule::method2, plan.reboot, on_error, rollout.name});
  }
  SVCSIM_ASSERT(strategies.size() == order_rule_count + preset_rollouts().size());
  return strategies;
}

std::optional<StrategySpec> find_strategy(const model::Plan& plan, const Fleet* fleet,
                                          std::string_view name) {
  if (fleet != nullptr) {
    for (const StrategySpec& strategy : fleet->strategies) {
      if (strategy.name == name) return strategy;
    }
  }
  for (const StrategySpec& strategy : builtin_strategies(plan)) {
    if (strategy.name == name) return strategy;
  }
  return std::nullopt;
}

std::optional<Rollout> find_rollout(const Fleet* fleet, std::string_view name) {
  if (fleet != nullptr) {
    for (const Rollout& rollout : fleet->rollouts) {
      if (rollout.name == name) return rollout;
    }
  }
  for (const Rollout& rollout : preset_rollouts()) {
    if (rollout.name == name) return rollout;
  }
  return std::nullopt;
}

}  // namespace svcsim::scenario
