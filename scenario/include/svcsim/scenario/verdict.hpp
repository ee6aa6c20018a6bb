// Verdicts: a scenario's `expect` block checked against what a run or an exploration found. One
// place for every front end (`svcsim run`, `explore`, `check`, and later replay), so they cannot
// disagree; the front ends only print the checks.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "svcsim/scenario/scenario.hpp"

namespace svcsim::scenario {

/// One checked expectation: "end_state ubr", expected "8117", actual "1742".
struct Check {
  std::string what;
  std::string expected;
  std::string actual;
  bool ok = false;
};

/// What one run found, as far as expectations speak of it.
struct RunFacts {
  std::vector<std::string> order;             // the step texts, as --order gives them
  bool is_documented_order = false;
  bool faults_given = false;                  // no expectation names fault placements
  std::optional<OutcomeClass> outcome_class;  // nullopt: not classed (an invariant broke)
  std::optional<ResultCode> first_error;
  std::vector<TargetState> end;               // every target's end state
};

/// The expectations that apply to a run: the documented order's (`documented_order`,
/// `end_state`) when it is the documented order, every `expect.orders` entry naming exactly this
/// order, and nothing when faults were placed. `note` says why nothing applied, if nothing did.
std::vector<Check> check_run(const Scenario& scenario, const RunFacts& run, std::string& note);

/// What an exploration counted, as exact decimal strings.
struct ExploreFacts {
  struct Runs {
    std::string total;
    std::array<std::string, outcome_class_count> classes;
    std::map<std::uint32_t, std::string> codes;  // HRESULT -> runs whose first error it was
  };
  std::string orders;
  std::vector<Runs> runs;  // j = 0 .. the faults explored
};

/// `expect.explore` (orders, runs[j] totals, classes, codes) against the counts. Counts for more
/// faults than were explored are reported as not checked, not as a mismatch.
std::vector<Check> check_explore(const Scenario& scenario, const ExploreFacts& explored);

/// The classes whose runs make `svcsim run` and `svcsim explore` fail (exit 1) when the command
/// line does not say otherwise (--fail-on): every class that `expect.explore.allow` does not list,
/// in class order. With the default allow list: false_success, drift and stuck.
std::vector<OutcomeClass> default_fail_on(const Scenario& scenario);

/// True when every check holds.
bool all_ok(const std::vector<Check>& checks);

/// The target that `end_state` expectations (a v1 key) describe: the plan's default target,
/// else the first.
std::size_t main_target(const Scenario& scenario);

}  // namespace svcsim::scenario
