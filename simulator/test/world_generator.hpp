// RapidCheck generator of scenarios with several targets: a generated single-target scenario
// (scenario_generator.hpp) plus one or two clean images of other kinds with steps of their own,
// prefixed TARGET:STEP, and copy_winre where a winre.wim and an install.wim are both there.
#pragma once

#include <rapidcheck.h>

#include "scenario_generator.hpp"

namespace svcsim::simulator::testing {

/// A world of two or three targets; `limits` bounds the first target's part as for
/// gen_scenario, and each added target gets at most two steps.
rc::Gen<scenario::Scenario> gen_world_scenario(ScenarioLimits limits);

}  // namespace svcsim::simulator::testing
