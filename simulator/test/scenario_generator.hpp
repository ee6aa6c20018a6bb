// RapidCheck generators of whole scenarios: random catalogs (kinds, revisions, baselines, bundled
// SSUs, ssu_min, requires, per-package overrides), a target of any kind with a consistent random
// starting state and flags, random knobs, and a random plan (adds, Method 1, reboots, cleanup,
// remove, revert, offline lifecycle) with order constraints, policies and a fault budget; v2:
// defects and regressions (listed in faults.kinds below probability 1), tolerate lists,
// reboot: never, low reboot bounds and add-and-reboot loops.
#pragma once

#include <rapidcheck.h>

#include "svcsim/scenario/scenario.hpp"
#include "svcsim/scenario/writer.hpp"

namespace svcsim::simulator::testing {

struct ScenarioLimits {
  int package_count_max = 8;
  int step_count_max = 6;
  int fault_count_max = 1;
};

/// Scenarios whose starting state passes model::check_state (others are discarded by RC_PRE in
/// the generator, rarely).
rc::Gen<scenario::Scenario> gen_scenario(ScenarioLimits limits);

}  // namespace svcsim::simulator::testing

namespace svcsim::scenario {
/// RapidCheck prints a failing scenario as the YAML file that reproduces it.
inline void showValue(const Scenario& scenario, std::ostream& out) { out << "\n" << to_yaml(scenario); }
}  // namespace svcsim::scenario
