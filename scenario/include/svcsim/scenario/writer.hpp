// Writes a Scenario as a YAML file the loader reads back to the same Scenario: property tests
// print their shrunk counterexamples this way (a file `svcsim run` can load), and tools that
// build scenarios (synthetic chains, later MSU metadata import) emit them.
#pragma once

#include <string>

#include "svcsim/scenario/scenario.hpp"

namespace svcsim::scenario {

/// The scenario in the format of scenarios.md. Every field is written explicitly (package fields
/// even where they equal the kind's default), so the file does not depend on today's defaults.
/// load_scenario_text(to_yaml(s)) gives back s, expectations included.
std::string to_yaml(const Scenario& scenario);

}  // namespace svcsim::scenario
