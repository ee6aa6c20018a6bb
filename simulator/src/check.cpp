// `svcsim check`: every expectation of a scenario file, run through the ordinary engines.
#include "svcsim/simulator/check.hpp"

#include "svcsim/model/assert.hpp"

namespace svcsim::simulator {

scenario::RunFacts run_facts(const scenario::Scenario& scenario,
                             const std::vector<model::PlanStep>& order, bool faults_given,
                             const RunResult& result) {
  scenario::RunFacts facts;
  facts.order = step_texts(order);
  facts.is_documented_order = facts.order == step_texts(scenario.plan.steps);
  facts.faults_given = faults_given;
  if (!result.violation) facts.outcome_class = result.outcome_class;
  facts.first_error = result.first_error;
  facts.end = result.end.targets;
  return facts;
}

scenario::ExploreFacts explore_facts(const ExploreResult& result) {
  scenario::ExploreFacts facts;
  facts.orders = result.orders.to_string();
  for (const RunCounts& counts : result.runs) {
    scenario::ExploreFacts::Runs runs;
    runs.total = counts.total.to_string();
    for (std::size_t index = 0; index < counts.classes.size(); ++index) {
      runs.classes[index] = counts.classes[index].to_string();
    }
    for (const auto& [code, count] : counts.codes) runs.codes[code] = count.to_string();
    facts.runs.push_back(std::move(runs));
  }
  return facts;
}

ScenarioVerdict check_scenario(const scenario::Scenario& scenario, const ExploreOptions& limits) {
  ScenarioVerdict verdict;
  const model::WorldState expected = expected_end_state(scenario);
  auto note_violation = [&](const RunResult& result, const std::vector<model::PlanStep>& order) {
    if (!result.violation || !verdict.violation.empty()) return;
    verdict.violation = result.violation_text;
    verdict.violation_command = reproduce_command(scenario, order, {});
  };

  // The documented order: expect.documented_order and expect.end_state.
  const std::vector<model::PlanStep> documented = documented_order(scenario);
  const RunResult documented_run = run_sequence(scenario, documented, {}, expected);
  note_violation(documented_run, documented);
  std::string note;
  for (scenario::Check& check :
       scenario::check_run(scenario, run_facts(scenario, documented, false, documented_run), note)) {
    // An expect.orders entry naming the documented order is checked below, with its own run.
    if (check.what.rfind("orders[", 0) == 0) continue;
    verdict.checks.push_back(std::move(check));
  }

  // Each expect.orders entry, run as `svcsim run --order` runs it.
  for (std::size_t index = 0; index < scenario.expect.orders.size(); ++index) {
    const scenario::OrderExpectation& entry = scenario.expect.orders[index];
    std::string unknown;
    const auto order = parse_order(scenario, entry.order, &unknown);
    // The loader parsed every step of every entry; a failure here is svcsim's bug.
    SVCSIM_ASSERT_MSG(order.has_value(), "expect.orders holds a step the loader accepted");
    const RunResult result = run_sequence(scenario, *order, {}, expected);
    note_violation(result, *order);
    scenario::RunFacts facts = run_facts(scenario, *order, false, result);
    facts.is_documented_order = false;  // the documented expectations were checked above
    const std::string prefix = "orders[" + std::to_string(index) + "]";
    for (scenario::Check& check : scenario::check_run(scenario, facts, note)) {
      if (check.what.rfind(prefix, 0) == 0) verdict.checks.push_back(std::move(check));
    }
  }

  // expect.explore, with the scenario's own fault budget.
  if (!scenario.expect.explore.empty()) {
    ExploreOptions options = limits;
    options.fault_count_max = scenario.faults.max;
    options.graph_state_max = 0;
    const ExploreResult explored = explore(scenario, options);
    if (explored.status == ExploreStatus::invariant_violation) {
      if (verdict.violation.empty()) {
        verdict.violation = explored.violation_text;
        verdict.violation_command = explored.violation_command;
      }
    } else if (explored.status != ExploreStatus::complete) {
      verdict.incomplete = true;
    } else {
      for (scenario::Check& check : scenario::check_explore(scenario, explore_facts(explored))) {
        verdict.checks.push_back(std::move(check));
      }
    }
  }
  return verdict;
}

}  // namespace svcsim::simulator
