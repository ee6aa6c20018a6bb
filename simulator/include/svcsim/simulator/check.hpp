// Checking a scenario file's every expectation (`svcsim check`): the documented order, each
// `expect.orders` entry and `expect.explore`, through the same runner and explorer as `svcsim
// run` and `svcsim explore`, judged by scenario/'s verdicts.
#pragma once

#include <string>
#include <vector>

#include "svcsim/scenario/scenario.hpp"
#include "svcsim/scenario/verdict.hpp"
#include "svcsim/simulator/explorer.hpp"
#include "svcsim/simulator/sequence.hpp"

namespace svcsim::simulator {

struct ScenarioVerdict {
  std::vector<scenario::Check> checks;  // every expectation checked, in file order
  std::string violation;                // an invariant broke: what broke (empty: none)
  std::string violation_command;        // and the `svcsim run` line that shows it
  bool incomplete = false;              // explore stopped at a limit: its checks are missing
};

/// The facts a run gives the verdicts.
scenario::RunFacts run_facts(const scenario::Scenario& scenario,
                             const std::vector<model::PlanStep>& order, bool faults_given,
                             const RunResult& result);

/// The counts of an exploration as scenario::check_explore reads them.
scenario::ExploreFacts explore_facts(const ExploreResult& result);

/// Checks every expectation of `scenario`; `limits` bounds the exploration (its fault count is
/// the scenario's faults.max).
ScenarioVerdict check_scenario(const scenario::Scenario& scenario, const ExploreOptions& limits);

}  // namespace svcsim::simulator
