// Reads the sections that say what to run: the plan (its target, steps, order constraints and
// policies) and the fault budget an exploration may spend.
#include <algorithm>
#include <array>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cycle_finder.hpp"
#include "scenario_reader.hpp"

namespace svcsim::model::detail {

namespace {

using namespace std::string_view_literals;

// The keys each mapping of these sections may hold (scenarios.md).
constexpr std::array plan_keys = {"target"sv, "steps"sv,    "before"sv,
                                  "reboot"sv, "on_error"sv, "prevent_pending"sv};
constexpr std::array fault_keys = {"max"sv, "kinds"sv};

}  // namespace

// ---- plan -----------------------------------------------------------------------------------

bool ScenarioReader::read_step(const Field& field, const Catalog& catalog, Operation& operation,
                               std::string& text) {
  std::string written;
  if (!read_scalar(field, written)) return false;
  text = std::string(trim(written));
  const auto parsed = parse_step(catalog, text);
  if (!parsed) {
    // Name the unknown package where the step has the shape of one, since that is the usual typo.
    for (std::string_view prefix : {"method1("sv, "remove("sv}) {
      if (text.size() > prefix.size() && text.compare(0, prefix.size(), prefix) == 0 &&
          text.back() == ')') {
        PackageIndex ignored = 0;
        const std::string argument(
            trim(std::string_view(text).substr(prefix.size(), text.size() - prefix.size() - 1)));
        if (!read_package_id(synthetic_field(field, argument, field.label), catalog, ignored)) {
          return false;
        }
      }
    }
    if (text.find_first_of("()") == std::string::npos && !text.empty()) {
      std::vector<std::string_view> ids;
      for (const Package& package : catalog.packages) ids.push_back(package.id);
      return fail_at(field, "unknown step " + quote(text) +
                                ": neither a package id nor a step keyword (known packages: " +
                                join(ids) + ")");
    }
    return fail_at(field, "unknown step " + quote(text) +
                              " (a step is a package id, method1(ID), remove(ID), reboot, cleanup, "
                              "cleanup(reset_base), revert_pending, mount, commit or discard)");
  }
  operation = *parsed;
  return true;
}

bool ScenarioReader::read_before(const Field& at, const Catalog& catalog, Plan& plan,
                                 std::vector<Field>& pairs) {
  if (!read_list(at, before_count_max, pairs)) return false;
  // Steps are matched by what they do, so "method1( KB1 )" and "method1(KB1)" are one step. The
  // steps' operations are compared without /PreventPending, which is not part of a step's text.
  std::vector<Operation> step_operations;
  for (const PlanStep& step : plan.steps) {
    Operation operation = step.operation;
    operation.prevent_pending = false;
    step_operations.push_back(operation);
  }
  std::vector<Edge> edges;
  std::set<std::pair<std::size_t, std::size_t>> seen;
  for (const Field& pair : pairs) {
    if (!pair.node.IsSequence() || pair.node.size() != 2) {
      return fail_at(pair, pair.label + " must be a pair of step texts, e.g. [KB1, KB2]");
    }
    std::vector<Field> sides;
    if (!read_list(pair, 2, sides)) return false;
    std::array<std::vector<std::size_t>, 2> occurrences;
    std::array<Operation, 2> operations;
    std::array<std::string, 2> texts;
    for (std::size_t side = 0; side < 2; ++side) {
      if (!read_step(sides[side], catalog, operations[side], texts[side])) return false;
      for (std::size_t index = 0; index < step_operations.size(); ++index) {
        if (step_operations[index] == operations[side]) occurrences[side].push_back(index);
      }
      if (occurrences[side].empty()) {
        std::vector<std::string_view> steps;
        for (const PlanStep& step : plan.steps) steps.push_back(step.text);
        return fail_at(sides[side], quote(texts[side]) + " is not a step of the plan (steps: " +
                                        join(steps) + ")");
      }
    }
    if (operations[0] == operations[1]) {
      return fail_at(pair, "a step cannot come before itself: " + quote(texts[0]) + " before " +
                               quote(texts[1]));
    }
    // A step written twice in the plan gets the constraint at every occurrence.
    for (std::size_t first : occurrences[0]) {
      for (std::size_t second : occurrences[1]) {
        if (seen.insert({first, second}).second) {
          plan.before.emplace_back(first, second);
          edges.push_back(Edge{first, second, &pair});
        }
      }
    }
  }
  if (const auto cycle = find_cycle(plan.steps.size(), edges)) {
    std::string message = "order constraints form a cycle: ";
    for (std::size_t position = 0; position < cycle->vertices.size(); ++position) {
      if (position > 0) message += " before ";
      message += plan.steps[cycle->vertices[position]].text;
    }
    return fail_at(*edges[cycle->closing_edge].declared, message);
  }
  return true;
}

bool ScenarioReader::read_plan(const Field& at, Scenario& scenario) {
  Fields fields;
  if (!read_mapping(at, plan_keys, fields)) return false;
  Plan& plan = scenario.plan;

  std::vector<std::string_view> target_names;
  for (const TargetSpec& target : scenario.targets) target_names.push_back(target.name);
  if (const Field* field = fields.get("target")) {
    std::string name;
    if (!read_scalar(*field, name)) return false;
    const auto found = std::find(target_names.begin(), target_names.end(), name);
    if (found == target_names.end()) {
      return fail_at(*field, "unknown target " + quote(name) + " (targets: " +
                                 join(target_names) + ")");
    }
    plan.target = static_cast<std::size_t>(found - target_names.begin());
  } else if (scenario.targets.size() > 1) {
    const Field* ignored = nullptr;
    return require(fields, at, "target", ignored,
                   "there are " + std::to_string(scenario.targets.size()) +
                       " targets: " + join(target_names));
  }
  const TargetSpec& target = scenario.targets[plan.target];
  const std::string kind_name(target_kind_name(target.kind));

  if (const Field* field = fields.get("prevent_pending")) {
    if (!read_bool(*field, plan.prevent_pending)) return false;
  }

  const Field* steps_field = nullptr;
  if (!require(fields, at, "steps", steps_field)) return false;
  std::vector<Field> step_items;
  if (!read_list(*steps_field, step_count_max, step_items)) return false;
  if (step_items.empty()) {
    return fail_at(*steps_field, "steps must list at least one step (a package id, "
                                 "method1(ID), remove(ID), reboot, cleanup, ...)");
  }
  const Catalog& catalog = scenario.catalog;
  for (const Field& item : step_items) {
    PlanStep step;
    if (!read_step(item, catalog, step.operation, step.text)) return false;
    const OperationKind kind = step.operation.kind;
    if (kind == OperationKind::add_folder &&
        !is_cumulative(catalog[step.operation.package].kind)) {
      const Package& package = catalog[step.operation.package];
      return fail_at(item, "method1 needs a cu or checkpoint_cu, but " + quote(package.id) +
                               " is " + with_article(package_kind_name(package.kind)));
    }
    if (kind == OperationKind::reboot && is_offline(target.kind)) {
      return fail_at(item, "reboot is only for online targets; target " + quote(target.name) +
                               " is " + with_article(kind_name) + " (offline targets use mount, commit "
                               "and discard)");
    }
    if ((kind == OperationKind::mount || kind == OperationKind::commit ||
         kind == OperationKind::discard) &&
        !is_offline(target.kind)) {
      return fail_at(item, std::string(operation_kind_name(kind)) +
                               " is only for offline targets; target " + quote(target.name) +
                               " is online");
    }
    step.operation = plan_operation(plan, step.operation);
    plan.steps.push_back(std::move(step));
  }

  if (const Field* field = fields.get("before")) {
    std::vector<Field> pairs;
    if (!read_before(*field, catalog, plan, pairs)) return false;
  }
  if (const Field* field = fields.get("reboot")) {
    std::string text;
    if (!read_scalar(*field, text)) return false;
    if (text == "after_3010") {
      plan.reboot = RebootPolicy::after_3010;
    } else if (text == "at_end") {
      plan.reboot = RebootPolicy::at_end;
    } else {
      return fail_at(*field, "unknown reboot policy " + quote(text) +
                                 " (expected one of: after_3010, at_end)");
    }
  }
  if (const Field* field = fields.get("on_error")) {
    std::string text;
    if (!read_scalar(*field, text)) return false;
    if (text == "stop") {
      plan.on_error = ErrorPolicy::stop;
    } else if (text == "continue") {
      plan.on_error = ErrorPolicy::continue_on_error;
    } else {
      return fail_at(*field, "unknown error policy " + quote(text) +
                                 " (expected one of: stop, continue)");
    }
  }
  return true;
}

// ---- faults ---------------------------------------------------------------------------------

bool ScenarioReader::read_faults(const Field* at, FaultBudget& faults) {
  if (at == nullptr) return true;  // no faults: max 0, no kinds
  Fields fields;
  if (!read_mapping(*at, fault_keys, fields)) return false;
  const Field* max = nullptr;
  if (!require(fields, *at, "max", max)) return false;
  if (!read_small_int(*max, 0, fault_count_budget_max, faults.max)) return false;
  if (const Field* field = fields.get("kinds")) {
    std::vector<Field> items;
    if (!read_list(*field, fault_count, items)) return false;
    for (const Field& item : items) {
      std::string text;
      if (!read_scalar(item, text)) return false;
      const auto fault = parse_fault(text);
      if (!fault) {
        return fail_at(item, "unknown fault " + quote(text) + " (expected one of: " +
                                 join(enum_names<Fault>(fault_count, fault_name, 1)) + ")");
      }
      if ((faults.kinds & fault_bit(*fault)) != 0) {
        return fail_at(item, "fault " + quote(text) + " is listed twice in kinds");
      }
      faults.kinds = static_cast<FaultSet>(faults.kinds | fault_bit(*fault));
    }
  }
  if (faults.max > 0 && faults.kinds == 0) {
    return fail_at(*max, "faults.max is " + std::to_string(faults.max) +
                             " but no fault kinds are listed (add kinds: [...] or set max: 0)");
  }
  return true;
}

}  // namespace svcsim::model::detail
