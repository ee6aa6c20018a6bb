// From a loaded Scenario to what apply() needs: the servicing context and starting state of a
// target, and the parsing of plan-step texts.
#include "svcsim/model/scenario.hpp"

#include <string>

#include "svcsim/model/apply.hpp"
#include "svcsim/model/assert.hpp"
#include "text.hpp"

namespace svcsim::model {
namespace {

using detail::trim;

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
  return make_context(scenario.catalog, scenario.targets[target], scenario.knobs);
}

TargetState initial_state(const Scenario& scenario, std::size_t target) {
  SVCSIM_ASSERT(target < scenario.targets.size());
  return initial_state(scenario.catalog, scenario.targets[target]);
}

Operation plan_operation(const Plan& plan, Operation operation) {
  if (operation.kind == OperationKind::add || operation.kind == OperationKind::add_folder) {
    operation.prevent_pending = plan.prevent_pending;
  }
  return operation;
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

}  // namespace svcsim::model
