// Reads the sections that say what to run: the plan (its target, steps, order constraints and
// policies) and the fault budget an exploration may spend.
#include <algorithm>
#include <cctype>
#include <array>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cycle_finder.hpp"
#include "scenario_reader.hpp"
#include "svcsim/model/names_valid.hpp"

namespace svcsim::scenario::detail {

using namespace svcsim::model;
using namespace svcsim::model::detail;

namespace {

using namespace std::string_view_literals;

// The keys each mapping of these sections may hold (scenarios.md).
constexpr std::array plan_keys = {"target"sv,   "steps"sv,           "before"sv,  "reboot"sv,
                                  "on_error"sv, "prevent_pending"sv, "tolerate"sv,
                                  "reboot_count_max"sv};
constexpr std::size_t tolerate_count_max = 64;
// The explorer keeps the steps done as a 64-bit mask.
constexpr std::size_t explorable_step_count_max = 64;
constexpr std::array fault_keys = {"max"sv, "kinds"sv};

}  // namespace

// ---- plan -----------------------------------------------------------------------------------

bool ScenarioReader::read_step(const Field& field, const Scenario& scenario, PlanStep& step) {
  std::string written;
  if (!read_scalar(field, written)) return false;
  const std::string text(trim(written));
  // Step texts reach traces and --order lines as written; they are ids, targets and keywords, so
  // a control character (a tab inside "method1(\tKB1)", a line break) is never meant.
  if (auto checked = check_text(text, TextLines::one, step_text_length_max); !checked) {
    return fail_at(field, "step " + quote(text) + " is not valid: " + checked.error());
  }
  if (text.find('\t') != std::string::npos) {
    return fail_at(field, "step " + quote(text) + " is not valid: it contains a tab");
  }
  const std::optional<TargetIndex> default_target = default_step_target(scenario);
  if (auto parsed = parse_plan_step(scenario, text, default_target)) {
    step = std::move(*parsed);
    return true;
  }
  std::vector<std::string_view> target_names;
  for (const TargetSpec& target : scenario.targets) target_names.push_back(target.name);
  // Split off a target prefix, as parse_plan_step does, to say what is wrong with the rest.
  std::string_view rest = text;
  bool prefixed = false;
  if (const std::size_t colon = text.find(':'); colon != std::string::npos) {
    const std::string_view prefix = trim(std::string_view(text).substr(0, colon));
    if (std::find(target_names.begin(), target_names.end(), prefix) != target_names.end()) {
      rest = trim(std::string_view(text).substr(colon + 1));
      prefixed = true;
    } else if (!default_target) {
      return fail_at(field, "unknown target " + quote(std::string(prefix)) + " in step " +
                                quote(text) + " (targets: " + join(target_names) + ")");
    }
  }
  if (!prefixed && !default_target) {
    return fail_at(field, "step " + quote(text) + " names no target: with several targets, write "
                              "TARGET:STEP (targets: " + join(target_names) + ")");
  }
  if (rest.size() > 11 && rest.substr(0, 11) == "copy_winre(" && rest.back() == ')') {
    return fail_at(field, "copy_winre names an unknown target in " + quote(text) + " (targets: " +
                              join(target_names) + ")");
  }
  const Catalog& catalog = scenario.catalog;
  // Name the unknown package where the step has the shape of one, since that is the usual typo.
  for (std::string_view prefix : {"method1("sv, "remove("sv}) {
    if (rest.size() > prefix.size() && rest.substr(0, prefix.size()) == prefix &&
        rest.back() == ')') {
      PackageIndex ignored = 0;
      const std::string argument(trim(rest.substr(prefix.size(), rest.size() - prefix.size() - 1)));
      if (!read_package_id(synthetic_field(field, argument, field.label), catalog, ignored)) {
        return false;
      }
    }
  }
  if (rest.find_first_of("()") == std::string_view::npos && !rest.empty()) {
    std::vector<std::string_view> ids;
    for (const Package& package : catalog.packages) ids.push_back(package.id);
    return fail_at(field, "unknown step " + quote(text) +
                              ": neither a package id nor a step keyword (known packages: " +
                              join(ids) + ")");
  }
  return fail_at(field, "unknown step " + quote(text) +
                            " (a step is a package id, method1(ID), remove(ID), reboot, cleanup, "
                            "cleanup(reset_base), revert_pending, mount, commit, discard or "
                            "copy_winre(TARGET), prefixed TARGET: with several targets)");
}

bool ScenarioReader::read_hresult(const Field& field, std::uint32_t& value) {
  std::string text;
  if (!read_scalar(field, text)) return false;
  const bool shaped = text.size() == 10 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X') &&
                      std::all_of(text.begin() + 2, text.end(), [](char character) {
                        return std::isxdigit(static_cast<unsigned char>(character)) != 0;
                      });
  if (!shaped) {
    return fail_at(field, "expected an HRESULT as 0x and eight hex digits, e.g. 0x8007007E, got " +
                              quote(text));
  }
  value = static_cast<std::uint32_t>(std::stoul(text.substr(2), nullptr, 16));
  return true;
}

bool ScenarioReader::read_before(const Field& at, const Scenario& scenario, Plan& plan,
                                 std::vector<Field>& pairs) {
  if (!read_list(at, before_count_max, pairs)) return false;
  // Steps are matched by what they do, so "method1( KB1 )" and "method1(KB1)" are one step. The
  // steps' operations are compared without /PreventPending, which is not part of a step's text.
  std::vector<Step> step_operations;
  for (const PlanStep& step : plan.steps) {
    Step plain = step.step();
    plain.operation.prevent_pending = false;
    step_operations.push_back(plain);
  }
  std::vector<Edge> edges;
  // The lifecycle constraints already in plan.before take part in the cycle check: a `before`
  // that contradicts a step's written place is a cycle too.
  std::set<std::pair<std::size_t, std::size_t>> seen(plan.before.begin(), plan.before.end());
  for (const auto& [first, second] : plan.before) edges.push_back(Edge{first, second, &at});
  for (const Field& pair : pairs) {
    if (!pair.node.IsSequence() || pair.node.size() != 2) {
      return fail_at(pair, pair.label + " must be a pair of step texts, e.g. [KB1, KB2]");
    }
    std::vector<Field> sides;
    if (!read_list(pair, 2, sides)) return false;
    std::array<std::vector<std::size_t>, 2> occurrences;
    std::array<Step, 2> operations;
    std::array<std::string, 2> texts;
    for (std::size_t side = 0; side < 2; ++side) {
      PlanStep parsed;
      if (!read_step(sides[side], scenario, parsed)) return false;
      operations[side] = parsed.step();
      texts[side] = parsed.text;
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
  // `target` (v1) names where unprefixed steps run; with several targets, steps may instead
  // name theirs ("install:KB5086672").
  if (const Field* field = fields.get("target")) {
    std::string name;
    if (!read_scalar(*field, name)) return false;
    const auto found = std::find(target_names.begin(), target_names.end(), name);
    if (found == target_names.end()) {
      return fail_at(*field, "unknown target " + quote(name) + " (targets: " +
                                 join(target_names) + ")");
    }
    scenario.default_target = static_cast<TargetIndex>(found - target_names.begin());
  }

  if (const Field* field = fields.get("prevent_pending")) {
    if (!read_bool(*field, plan.prevent_pending)) return false;
  }
  if (const Field* field = fields.get("tolerate")) {
    std::vector<Field> items;
    if (!read_list(*field, tolerate_count_max, items)) return false;
    for (const Field& item : items) {
      std::uint32_t value = 0;
      if (!read_hresult(item, value)) return false;
      plan.tolerate.push_back(value);
    }
  }

  const Field* steps_field = nullptr;
  if (!require(fields, at, "steps", steps_field)) return false;
  std::vector<Field> step_items;
  if (!read_list(*steps_field, step_count_max, step_items)) return false;
  if (step_items.empty()) {
    return fail_at(*steps_field, "steps must list at least one step (a package id, "
                                 "method1(ID), remove(ID), reboot, cleanup, ...)");
  }
  if (step_items.size() > explorable_step_count_max) {
    return fail_at(*steps_field, "a plan has at most " + std::to_string(explorable_step_count_max) +
                                     " steps (explore tracks the steps done as one 64-bit mask)");
  }
  const Catalog& catalog = scenario.catalog;
  for (const Field& item : step_items) {
    PlanStep step;
    if (!read_step(item, scenario, step)) return false;
    const TargetSpec& target = scenario.targets[step.target];
    const std::string kind_name(target_kind_name(target.kind));
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
    if (kind == OperationKind::copy_winre) {
      const TargetSpec& source = scenario.targets[step.operation.source_target];
      if (target.kind != TargetKind::install_wim || source.kind != TargetKind::winre_wim) {
        return fail_at(item, "copy_winre copies a winre_wim target into an install_wim target, "
                             "but " + quote(target.name) + " is " + with_article(kind_name) +
                                 " and " + quote(source.name) + " is " +
                                 with_article(target_kind_name(source.kind)));
      }
    }
    step.operation = plan_operation(plan, step.operation);
    plan.steps.push_back(std::move(step));
  }
  // Lifecycle steps keep their written place on their target (servicing-model.md §4.7).
  plan.before = lifecycle_constraints(plan);

  if (const Field* field = fields.get("before")) {
    std::vector<Field> pairs;
    if (!read_before(*field, scenario, plan, pairs)) return false;
  }
  if (const Field* field = fields.get("reboot")) {
    std::string text;
    if (!read_scalar(*field, text)) return false;
    if (text == "after_3010") {
      plan.reboot = RebootPolicy::after_3010;
    } else if (text == "at_end") {
      plan.reboot = RebootPolicy::at_end;
    } else if (text == "never") {
      plan.reboot = RebootPolicy::never;
    } else {
      return fail_at(*field, "unknown reboot policy " + quote(text) +
                                 " (expected one of: after_3010, at_end, never)");
    }
  }
  if (const Field* field = fields.get("reboot_count_max")) {
    int bound = 0;
    if (!read_small_int(*field, 0, reboot_count_max_limit, bound)) return false;
    plan.reboot_count_max = static_cast<std::uint16_t>(bound);
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

bool ScenarioReader::read_faults(const Field* at, const Catalog& catalog, FaultBudget& faults) {
  if (at == nullptr) return true;  // no faults: max 0, no kinds
  Fields fields;
  if (!read_mapping(*at, fault_keys, fields)) return false;
  const Field* max = nullptr;
  if (!require(fields, *at, "max", max)) return false;
  if (!read_small_int(*max, 0, fault_count_budget_max, faults.max)) return false;
  if (const Field* field = fields.get("kinds")) {
    std::vector<Field> items;
    if (!read_list(*field, fault_count + device_property_count_max, items)) return false;
    for (const Field& item : items) {
      std::string text;
      if (!read_scalar(item, text)) return false;
      // v2: defect(ID) / regression(ID), a property of the device a run branches on.
      if (const auto property = parse_device_property(catalog, text)) {
        const auto slot = device_slot(catalog, *property);
        if (!slot) {
          return fail_at(item, quote(catalog[property->package].id) + " has no " +
                                   std::string(device_trait_name(property->trait)) +
                                   " to branch on");
        }
        const auto bit = static_cast<DeviceBits>(1u << *slot);
        if ((device_always(catalog) & bit) != 0) {
          return fail_at(item, quote(text) + " has probability 1: every device has it, so "
                                             "there is nothing to branch on (remove it from "
                                             "kinds, or give it a probability below 1)");
        }
        if ((faults.devices & bit) != 0) {
          return fail_at(item, "fault " + quote(text) + " is listed twice in kinds");
        }
        faults.devices = static_cast<DeviceBits>(faults.devices | bit);
        continue;
      }
      const auto fault = parse_fault(text);
      if (!fault) {
        return fail_at(item, "unknown fault " + quote(text) + " (expected one of: " +
                                 join(enum_names<Fault>(fault_count, fault_name, 1)) +
                                 ", or defect(ID) / regression(ID) of a package that has one)");
      }
      if ((faults.kinds & fault_bit(*fault)) != 0) {
        return fail_at(item, "fault " + quote(text) + " is listed twice in kinds");
      }
      faults.kinds = static_cast<FaultSet>(faults.kinds | fault_bit(*fault));
    }
  }
  if (faults.max > 0 && faults.kinds == 0 && faults.devices == 0) {
    return fail_at(*max, "faults.max is " + std::to_string(faults.max) +
                             " but no fault kinds are listed (add kinds: [...] or set max: 0)");
  }
  return true;
}

}  // namespace svcsim::scenario::detail
