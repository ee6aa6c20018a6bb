// Reads the expect section: the outcome of the documented order, expected end states, outcomes
// of given orders, and the counts an exhaustive exploration must reproduce.
#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "scenario_reader.hpp"

namespace svcsim::scenario::detail {

using namespace svcsim::model;
using namespace svcsim::model::detail;

namespace {

using namespace std::string_view_literals;

// The keys each mapping of this section may hold (scenarios.md).
constexpr std::array expect_keys = {"documented_order"sv, "end_state"sv, "orders"sv,
                                    "explore"sv};
constexpr std::array end_state_keys = {"build"sv, "ubr"sv, "ssu_version"sv, "packages"sv};
constexpr std::array order_keys = {"order"sv, "class"sv, "first_error"sv, "end_state"sv};
constexpr std::array explore_keys = {"orders"sv, "classes"sv, "codes"sv, "runs"sv, "allow"sv};
constexpr std::array run_keys = {"faults"sv, "total"sv, "classes"sv, "codes"sv};

}  // namespace

// ---- expect ---------------------------------------------------------------------------------

bool ScenarioReader::read_error_code(const Field& field, ResultCode& code) {
  // v2 (servicing-model.md §3): any error HRESULT may appear; one outside the table prints as
  // "0x........ (unnamed)".
  std::uint32_t value = 0;
  if (!read_hresult(field, value)) return false;
  const auto parsed = intern_result_code(value);
  if (!parsed) {
    return fail_at(field, "too many distinct codes outside svcsim's table (at most " +
                              std::to_string(unnamed_code_count_max) + ")");
  }
  if (is_success(*parsed)) {
    return fail_at(field, field.label + " must be an error HRESULT (severity bit set, e.g. "
                                        "0x800F081E), not the success code " +
                              quote(hresult_text(value)));
  }
  code = *parsed;
  return true;
}

bool ScenarioReader::read_class(const Field& field, OutcomeClass& outcome_class) {
  std::string text;
  if (!read_scalar(field, text)) return false;
  const auto parsed = parse_outcome_class(text);
  if (!parsed) {
    return fail_at(field, "unknown outcome class " + quote(text) + " (expected one of: " +
                              join(enum_names<OutcomeClass>(outcome_class_count,
                                                            outcome_class_name)) +
                              ")");
  }
  outcome_class = *parsed;
  return true;
}

bool ScenarioReader::read_end_state(const Field& at, const Catalog& catalog,
                                    EndStateExpectation& end_state) {
  Fields fields;
  if (!read_mapping(at, end_state_keys, fields)) return false;
  for (auto [name, value] : {std::pair{"build"sv, &end_state.build},
                             std::pair{"ubr"sv, &end_state.ubr},
                             std::pair{"ssu_version"sv, &end_state.ssu_version}}) {
    if (const Field* field = fields.get(name)) {
      std::uint32_t number = 0;
      if (!read_uint32(*field, number)) return false;
      *value = number;
    }
  }
  if (const Field* field = fields.get("packages")) {
    Fields packages;
    if (!read_mapping(*field, {}, packages)) return false;
    for (const auto& [id, state_field] : packages.entries()) {
      const auto index = catalog.find(id);
      if (!index) {
        std::vector<std::string_view> ids;
        for (const Package& package : catalog.packages) ids.push_back(package.id);
        return fail_at_key(state_field, "unknown package " + quote(id) + " (known packages: " +
                                            join(ids) + ")");
      }
      std::string text;
      if (!read_scalar(state_field, text)) return false;
      const auto state = parse_cbs_state(text);
      if (!state) {
        return fail_at(state_field, "unknown package state " + quote(text) + " (expected one of: " +
                                        join(enum_names<CbsState>(cbs_state_count,
                                                                  cbs_state_name)) +
                                        ")");
      }
      end_state.packages.emplace_back(*index, *state);
    }
  }
  return true;
}

bool ScenarioReader::read_run_counts(const Fields& fields, RunCountExpectation& run) {
  if (const Field* field = fields.get("total")) {
    std::string count;
    if (!read_count(*field, count)) return false;
    run.total = count;
  }
  if (const Field* field = fields.get("classes")) {
    Fields classes;
    if (!read_mapping(*field, {}, classes)) return false;
    for (const auto& [name, count_field] : classes.entries()) {
      const auto outcome_class = parse_outcome_class(name);
      if (!outcome_class) {
        return fail_at_key(count_field,
                           "unknown outcome class " + quote(name) + " (expected one of: " +
                               join(enum_names<OutcomeClass>(outcome_class_count,
                                                             outcome_class_name)) +
                               ")");
      }
      std::string count;
      if (!read_count(count_field, count)) return false;
      run.classes[*outcome_class] = count;
    }
  }
  if (const Field* field = fields.get("codes")) {
    Fields codes;
    if (!read_mapping(*field, {}, codes)) return false;
    for (const auto& [text, count_field] : codes.entries()) {
      ResultCode code{};
      Field key = synthetic_field(count_field, text, "a key of codes");
      key.mark = count_field.key_mark;
      if (!read_error_code(key, code)) return false;
      std::string count;
      if (!read_count(count_field, count)) return false;
      run.codes[hresult(code)] = count;
    }
  }
  return true;
}

bool ScenarioReader::read_explore(const Field& at, const Scenario& scenario,
                                  ExploreExpectation& explore) {
  Fields fields;
  if (!read_mapping(at, explore_keys, fields)) return false;
  if (const Field* field = fields.get("orders")) {
    std::string count;
    if (!read_count(*field, count)) return false;
    explore.orders = count;
  }
  // `classes`/`codes` at the top of explore are the counts of fault-free runs.
  if (fields.get("classes") != nullptr || fields.get("codes") != nullptr) {
    RunCountExpectation run;
    if (!read_run_counts(fields, run)) return false;
    explore.runs.push_back(std::move(run));
  }
  if (const Field* field = fields.get("runs")) {
    std::vector<Field> items;
    if (!read_list(*field, fault_count_budget_max + 1, items)) return false;
    for (const Field& item : items) {
      Fields run_fields;
      if (!read_mapping(item, run_keys, run_fields)) return false;
      const Field* faults = nullptr;
      if (!require(run_fields, item, "faults", faults)) return false;
      RunCountExpectation run;
      if (!read_small_int(*faults, 0, fault_count_budget_max, run.faults)) return false;
      if (run.faults > scenario.faults.max) {
        return fail_at(*faults, "runs with " + std::to_string(run.faults) +
                                    " faults cannot happen: faults.max is " +
                                    std::to_string(scenario.faults.max));
      }
      for (const RunCountExpectation& other : explore.runs) {
        if (other.faults == run.faults) {
          return fail_at(*faults, "counts for runs with " + std::to_string(run.faults) +
                                      " faults are given twice" +
                                      (run.faults == 0 ? " (explore.classes/codes are the "
                                                         "counts for 0 faults)"
                                                       : ""));
        }
      }
      if (!read_run_counts(run_fields, run)) return false;
      explore.runs.push_back(std::move(run));
    }
  }
  if (const Field* field = fields.get("allow")) {
    std::vector<Field> items;
    if (!read_list(*field, outcome_class_count, items)) return false;
    explore.allow.clear();
    for (const Field& item : items) {
      OutcomeClass outcome_class{};
      if (!read_class(item, outcome_class)) return false;
      if (std::find(explore.allow.begin(), explore.allow.end(), outcome_class) !=
          explore.allow.end()) {
        return fail_at(item, "outcome class " + quote(outcome_class_name(outcome_class)) +
                                 " is listed twice in allow");
      }
      explore.allow.push_back(outcome_class);
    }
  }
  std::stable_sort(explore.runs.begin(), explore.runs.end(),
                   [](const RunCountExpectation& left, const RunCountExpectation& right) {
                     return left.faults < right.faults;
                   });
  return true;
}

bool ScenarioReader::read_expect(const Field& at, const Scenario& scenario, Expectation& expect) {
  Fields fields;
  if (!read_mapping(at, expect_keys, fields)) return false;
  if (const Field* field = fields.get("documented_order")) {
    OutcomeClass outcome_class{};
    if (!read_class(*field, outcome_class)) return false;
    expect.documented_order = outcome_class;
  }
  if (const Field* field = fields.get("end_state")) {
    if (!read_end_state(*field, scenario.catalog, expect.end_state)) return false;
  }
  if (const Field* field = fields.get("orders")) {
    std::vector<Field> items;
    if (!read_list(*field, order_expectation_count_max, items)) return false;
    for (const Field& item : items) {
      Fields order_fields;
      if (!read_mapping(item, order_keys, order_fields)) return false;
      const Field* order = nullptr;
      if (!require(order_fields, item, "order", order)) return false;
      OrderExpectation expectation;
      std::vector<Field> texts;
      if (!read_list(*order, step_count_max, texts)) return false;
      if (texts.empty()) return fail_at(*order, "order must list at least one step");
      for (const Field& text_field : texts) {
        PlanStep step;
        if (!read_step(text_field, scenario, step)) return false;
        expectation.order.push_back(std::move(step.text));
      }
      if (const Field* class_field = order_fields.get("class")) {
        OutcomeClass outcome_class{};
        if (!read_class(*class_field, outcome_class)) return false;
        expectation.outcome_class = outcome_class;
      }
      if (const Field* error_field = order_fields.get("first_error")) {
        ResultCode code{};
        if (!read_error_code(*error_field, code)) return false;
        expectation.first_error = code;
      }
      if (const Field* end_field = order_fields.get("end_state")) {
        if (!read_end_state(*end_field, scenario.catalog, expectation.end_state)) return false;
      }
      expect.orders.push_back(std::move(expectation));
    }
  }
  if (const Field* field = fields.get("explore")) {
    if (!read_explore(*field, scenario, expect.explore)) return false;
  }
  return true;
}

}  // namespace svcsim::scenario::detail
