// Printing one `svcsim explore` result: a summary table for people, JSON with the stable keys of
// scenarios.md for tools, JUnit XML for CI servers, and the state graph as DOT.
#pragma once

#include <iosfwd>
#include <vector>

#include "svcsim/scenario/scenario.hpp"
#include "svcsim/simulator/explorer.hpp"
#include "trace_output.hpp"

namespace svcsim::cli {

struct ExploreReport {
  const scenario::Scenario* scenario = nullptr;
  simulator::ExploreResult result;
  std::vector<ExpectationCheck> expectations;
  bool timing = true;  // false: elapsed time and memory print as 0 (byte-identical output)
};


void write_explore_text(std::ostream& out, const ExploreReport& report);
void write_explore_json(std::ostream& out, const ExploreReport& report);
/// One <testcase> per checked expectation and per class the scenario does not allow.
void write_explore_junit(std::ostream& out, const ExploreReport& report);
/// The recorded state graph (report.result.graph must be set).
void write_explore_dot(std::ostream& out, const ExploreReport& report);

}  // namespace svcsim::cli
