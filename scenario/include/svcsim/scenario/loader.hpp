// Loads scenario YAML files (scenarios.md) with a real YAML parser. Every malformed file yields
// exactly one error naming file, line, column and key; never a crash, never a partial Scenario.
#pragma once

#include <string>

#include "svcsim/model/result.hpp"
#include "svcsim/scenario/scenario.hpp"

namespace svcsim::scenario {

struct ScenarioError {
  std::string file;
  int line = 0;    // 1-based; 0 when the error is not tied to a place (file unreadable)
  int column = 0;  // 1-based
  std::string key; // the offending key or value path, e.g. "packages[1].revision"
  std::string message;

  /// "scenarios/x.yaml:12:5: revision must be a whole number from 0 to 4294967295 (packages[1].revision)"
  std::string to_string() const;
};

/// Reads and validates the file at `path`.
Result<Scenario, ScenarioError> load_scenario_file(const std::string& path);

/// Validates YAML `text`; `path` is used in messages and stored in Scenario::path.
Result<Scenario, ScenarioError> load_scenario_text(const std::string& text, const std::string& path);

}  // namespace svcsim::scenario
