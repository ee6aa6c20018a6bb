// Printing one `svcsim run` result: the readable step-by-step trace for a release engineer, and
// the JSON document (stable keys) for tools. Deterministic: no timestamps, no host details.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "fail_on.hpp"
#include "svcsim/scenario/scenario.hpp"
#include "svcsim/scenario/verdict.hpp"
#include "svcsim/simulator/sequence.hpp"

namespace svcsim::cli {

/// One checked expectation (the verdicts are scenario/'s; the CLI prints them).
using ExpectationCheck = scenario::Check;

/// Everything a trace shows about one run.
struct RunReport {
  const scenario::Scenario* scenario = nullptr;
  std::vector<model::PlanStep> order;
  bool is_documented_order = false;
  std::vector<simulator::FaultPlacement> faults;
  simulator::RunResult result;
  std::vector<ExpectationCheck> expectations;
  /// Why no expectation was checked, when none was ("faults given: nothing is expected").
  std::string expectations_note;
  std::string reproduce;
  /// The classes that make the run fail (--fail-on, or the scenario's default).
  FailOn fail_on;
};

/// The human-readable trace: header, one block per executed step, end state, class, the classes
/// --fail-on fails on, expectations and the command that reproduces the run. Every
/// non-printing character of user text is shown escaped (text_escape.hpp), so each value stays
/// on its line.
void write_text_trace(std::ostream& out, const RunReport& report);

/// One JSON document, 2-space indent, keys in a fixed order.
void write_json_trace(std::ostream& out, const RunReport& report);

}  // namespace svcsim::cli
