// Printing one `svcsim explore` result: a summary table for people, JSON with the stable keys of
// scenarios.md for tools, JUnit XML for CI servers, and the state graph as DOT.
#pragma once

#include <iosfwd>
#include <vector>

#include <nlohmann/json.hpp>

#include "svcsim/scenario/scenario.hpp"
#include "svcsim/simulator/explorer.hpp"
#include "trace_output.hpp"

namespace svcsim::cli {

struct ExploreReport {
  const scenario::Scenario* scenario = nullptr;
  simulator::ExploreResult result;
  std::vector<ExpectationCheck> expectations;
  bool timing = true;  // false: elapsed time and memory print as 0 (byte-identical output)
  /// The classes that make the exploration fail (--fail-on, or the scenario's default).
  FailOn fail_on;
};

/// The classes of `fail_on` that some counted run ends in, in class order.
std::vector<model::OutcomeClass> failing_classes(const ExploreReport& report);


void write_explore_text(std::ostream& out, const ExploreReport& report);
/// The JSON document of `--format json` (scenarios.md's stable keys).
nlohmann::ordered_json explore_json(const ExploreReport& report);
void write_explore_json(std::ostream& out, const ExploreReport& report);
/// One self-contained page: the counts by class and by first error, the witnesses as `svcsim
/// run` commands, the expectations, and the JSON embedded (html_page.hpp).
void write_explore_html(std::ostream& out, const ExploreReport& report);
/// One <testcase> per checked expectation and per class --fail-on names (by default the classes
/// the scenario does not allow), failed when some run ends in it.
void write_explore_junit(std::ostream& out, const ExploreReport& report);
/// The recorded state graph (report.result.graph must be set); a truncated graph says so in a
/// comment and in its label.
void write_explore_dot(std::ostream& out, const ExploreReport& report);

}  // namespace svcsim::cli
