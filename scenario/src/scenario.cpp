// From a loaded Scenario to what apply() needs: the servicing context and starting state of a
// target, and the parsing of plan-step texts.
#include "svcsim/scenario/scenario.hpp"

#include <algorithm>
#include <string>

#include "svcsim/model/apply.hpp"
#include "svcsim/model/assert.hpp"
#include "svcsim/model/probe.hpp"
#include "svcsim/model/text.hpp"

namespace svcsim::scenario {
namespace {

using model::detail::trim;

/// "method1(KB1)" with prefix "method1" -> "KB1"; nullopt if the text has another shape.
std::optional<std::string_view> argument_of(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size() + 2 || text.substr(0, prefix.size()) != prefix) {
    return std::nullopt;
  }
  std::string_view rest = text.substr(prefix.size());
  if (rest.front() != '(' || rest.back() != ')') return std::nullopt;
  return trim(rest.substr(1, rest.size() - 2));
}

}  // namespace

ServicingContext make_context(const Scenario& scenario, std::size_t target) {
  SVCSIM_ASSERT(target < scenario.targets.size());
  return model::make_context(scenario.catalog, scenario.targets[target], scenario.knobs);
}

TargetState initial_state(const Scenario& scenario, std::size_t target) {
  SVCSIM_ASSERT(target < scenario.targets.size());
  return model::initial_state(scenario.catalog, scenario.targets[target]);
}

World make_world(const Scenario& scenario) {
  std::vector<WorldTarget> targets;
  targets.reserve(scenario.targets.size());
  for (std::size_t index = 0; index < scenario.targets.size(); ++index) {
    targets.push_back(WorldTarget{scenario.targets[index].name, make_context(scenario, index),
                                  initial_state(scenario, index)});
  }
  World world(scenario.catalog, scenario.knobs, std::move(targets));
  limit_reboots(scenario.plan, world);
  return world;
}

std::optional<Operation> parse_step(const Catalog& catalog, std::string_view text) {
  text = trim(text);
  Operation operation;
  // Keywords first (step_keywords): the loader keeps package ids from shadowing them.
  if (text == "reboot") {
    operation.kind = OperationKind::reboot;
  } else if (text == "cleanup") {
    operation.kind = OperationKind::cleanup;
  } else if (auto argument = argument_of(text, "cleanup")) {
    if (*argument != "reset_base") return std::nullopt;
    operation.kind = OperationKind::cleanup;
    operation.reset_base = true;
  } else if (text == "revert_pending") {
    operation.kind = OperationKind::revert_pending;
  } else if (text == "mount") {
    operation.kind = OperationKind::mount;
  } else if (text == "commit") {
    operation.kind = OperationKind::commit;
  } else if (text == "discard") {
    operation.kind = OperationKind::discard;
  } else if (auto target = argument_of(text, "method1")) {
    auto index = catalog.find(*target);
    if (!index) return std::nullopt;
    operation.kind = OperationKind::add_folder;
    operation.package = *index;
  } else if (auto removed = argument_of(text, "remove")) {
    auto index = catalog.find(*removed);
    if (!index) return std::nullopt;
    operation.kind = OperationKind::remove;
    operation.package = *index;
  } else {
    auto index = catalog.find(text);
    if (!index) return std::nullopt;
    operation.kind = OperationKind::add;
    operation.package = *index;
  }
  return operation;
}

std::optional<TargetIndex> default_step_target(const Scenario& scenario) {
  if (scenario.default_target) return scenario.default_target;
  if (scenario.targets.size() == 1) return TargetIndex{0};
  return std::nullopt;
}

std::optional<PlanStep> parse_plan_step(const Scenario& scenario, std::string_view text,
                                        std::optional<TargetIndex> default_target) {
  text = trim(text);
  const auto find_target = [&](std::string_view name) -> std::optional<TargetIndex> {
    for (std::size_t index = 0; index < scenario.targets.size(); ++index) {
      if (scenario.targets[index].name == name) return static_cast<TargetIndex>(index);
    }
    return std::nullopt;
  };
  PlanStep step;
  step.text = std::string(text);
  std::string_view rest = text;
  std::optional<TargetIndex> target = default_target;
  // "install:KB1": a prefix only when it names a target, so nothing else with a colon changes
  // meaning.
  if (const std::size_t colon = text.find(':'); colon != std::string_view::npos) {
    if (const auto prefixed = find_target(trim(text.substr(0, colon)))) {
      target = prefixed;
      rest = trim(text.substr(colon + 1));
    }
  }
  if (!target) return std::nullopt;
  step.target = *target;
  if (auto source = argument_of(rest, "copy_winre")) {
    const auto source_target = find_target(*source);
    if (!source_target) return std::nullopt;
    step.operation.kind = OperationKind::copy_winre;
    step.operation.source_target = *source_target;
    return step;
  }
  const std::optional<Operation> operation = parse_step(scenario.catalog, rest);
  if (!operation) return std::nullopt;
  step.operation = *operation;
  return step;
}

}  // namespace svcsim::scenario
