// The verdicts of a scenario's expectations (scenarios.md "expect"): string comparisons of what
// the author wrote against what svcsim found, each named by the key it checks.
#include "svcsim/scenario/verdict.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "svcsim/model/assert.hpp"

namespace svcsim::scenario {
namespace {

std::string code_text(ResultCode code) { return hresult_text(hresult(code)); }

void add_check(std::vector<Check>& checks, std::string what, std::string expected,
               std::string actual) {
  const bool ok = expected == actual;
  checks.push_back({std::move(what), std::move(expected), std::move(actual), ok});
}

void check_end_state(const Scenario& scenario, const std::string& prefix,
                     const EndStateExpectation& expected, const TargetState& end,
                     std::vector<Check>& checks) {
  if (expected.build) {
    add_check(checks, prefix + " build", std::to_string(*expected.build), std::to_string(end.build));
  }
  if (expected.ubr) {
    add_check(checks, prefix + " ubr", std::to_string(*expected.ubr), std::to_string(end.ubr));
  }
  if (expected.ssu_version) {
    add_check(checks, prefix + " ssu_version", std::to_string(*expected.ssu_version),
              std::to_string(end.ssu_version));
  }
  for (const auto& [index, state] : expected.packages) {
    SVCSIM_ASSERT(index < scenario.catalog.size());
    add_check(checks, prefix + " " + scenario.catalog[index].id,
              std::string(cbs_state_name(state)), std::string(cbs_state_name(end.packages.get(index))));
  }
}

std::string class_text(const RunFacts& run) {
  if (!run.outcome_class) return "none (invariant violated)";
  return std::string(outcome_class_name(*run.outcome_class));
}

}  // namespace

std::size_t main_target(const Scenario& scenario) {
  const std::size_t target = default_step_target(scenario).value_or(0);
  SVCSIM_ASSERT(target < scenario.targets.size());
  return target;
}

std::vector<Check> check_run(const Scenario& scenario, const RunFacts& run, std::string& note) {
  std::vector<Check> checks;
  if (run.faults_given) {
    note = "nothing applicable (no expectation names fault placements)";
    return checks;
  }
  SVCSIM_ASSERT(run.end.size() == scenario.targets.size());
  const TargetState& end = run.end[main_target(scenario)];
  const Expectation& expect = scenario.expect;
  if (run.is_documented_order) {
    if (expect.documented_order) {
      add_check(checks, "documented_order",
                std::string(outcome_class_name(*expect.documented_order)), class_text(run));
    }
    check_end_state(scenario, "end_state", expect.end_state, end, checks);
  }
  for (std::size_t index = 0; index < expect.orders.size(); ++index) {
    const OrderExpectation& entry = expect.orders[index];
    if (entry.order != run.order) continue;
    const std::string prefix = fmt::format("orders[{}]", index);
    if (entry.outcome_class) {
      add_check(checks, prefix + " class", std::string(outcome_class_name(*entry.outcome_class)),
                class_text(run));
    }
    if (entry.first_error) {
      add_check(checks, prefix + " first_error", code_text(*entry.first_error),
                run.first_error ? code_text(*run.first_error) : std::string("none"));
    }
    check_end_state(scenario, prefix + " end_state", entry.end_state, end, checks);
  }
  if (checks.empty()) note = "nothing applicable to this order";
  return checks;
}

std::vector<Check> check_explore(const Scenario& scenario, const ExploreFacts& explored) {
  std::vector<Check> checks;
  const ExploreExpectation& expect = scenario.expect.explore;
  if (expect.orders) add_check(checks, "explore.orders", *expect.orders, explored.orders);
  for (const RunCountExpectation& runs : expect.runs) {
    const std::string prefix = fmt::format("explore.runs[{}]", runs.faults);
    if (runs.faults < 0 || static_cast<std::size_t>(runs.faults) >= explored.runs.size()) {
      // Fewer faults were explored than the scenario expects counts for: nothing to compare.
      checks.push_back({prefix, "(not checked)",
                        fmt::format("not explored: faults up to {}", explored.runs.size() - 1),
                        true});
      continue;
    }
    const ExploreFacts::Runs& counts = explored.runs[static_cast<std::size_t>(runs.faults)];
    if (runs.total) add_check(checks, prefix + ".total", *runs.total, counts.total);
    for (const auto& [outcome_class, expected] : runs.classes) {
      add_check(checks, prefix + ".classes." + std::string(outcome_class_name(outcome_class)),
                expected, counts.classes[static_cast<std::size_t>(outcome_class)]);
    }
    for (const auto& [code, expected] : runs.codes) {
      const auto found = counts.codes.find(code);
      add_check(checks, prefix + ".codes." + hresult_text(code), expected,
                found == counts.codes.end() ? std::string("0") : found->second);
    }
  }
  return checks;
}

std::vector<OutcomeClass> default_fail_on(const Scenario& scenario) {
  const std::vector<OutcomeClass>& allow = scenario.expect.explore.allow;
  std::vector<OutcomeClass> fail_on;
  for (int index = 0; index < outcome_class_count; ++index) {
    const auto outcome_class = static_cast<OutcomeClass>(index);
    if (std::find(allow.begin(), allow.end(), outcome_class) == allow.end()) {
      fail_on.push_back(outcome_class);
    }
  }
  SVCSIM_ASSERT(fail_on.size() + allow.size() == static_cast<std::size_t>(outcome_class_count));
  return fail_on;
}

bool all_ok(const std::vector<Check>& checks) {
  for (const Check& check : checks) {
    if (!check.ok) return false;
  }
  return true;
}

}  // namespace svcsim::scenario
