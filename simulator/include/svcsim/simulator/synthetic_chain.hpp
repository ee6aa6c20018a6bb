// Synthetic servicing chains of any length, for benchmarks and scale tests: an SSU, checkpoint
// CUs, CUs that are deltas against them (some with a bundled SSU, some gated on ssu_min) and .NET
// CUs, in the proportions of a Windows 11 24H2 year. No `before` constraints and on_error:
// continue, so every order runs to the end and the space is as large as it gets.
#pragma once

#include <string>

#include "svcsim/scenario/scenario.hpp"

namespace svcsim::simulator {

struct SyntheticChainOptions {
  int package_count = 8;            // catalog size and plan length (1..64)
  int fault_count_max = 0;          // faults.max
  model::FaultSet fault_kinds = 0;  // faults.kinds
  std::string path = "synthetic";   // what `svcsim run` commands name as the file
};

/// Builds the chain of `options.package_count` packages. Package i (0-based) is:
///   i == 0             the SSU (revision 500),
///   i % 5 == 1         a checkpoint CU (revision 1000 i, baseline: the previous checkpoint),
///   i % 5 == 2         a CU with a bundled SSU (revision 1000 i + 100, bundled_ssu 500 + i),
///   i % 5 == 3         a CU gated on the stack (revision 1000 i + 100, ssu_min 500),
///   i % 5 == 4         a .NET CU,
/// every CU a delta against the newest checkpoint below it. The target is an online 26100.1
/// device with servicing stack 1; reboots follow every 3010.
scenario::Scenario make_synthetic_chain(const SyntheticChainOptions& options);

/// The same scenario as a YAML document `svcsim` can load (scenarios.md format).
std::string synthetic_chain_yaml(const SyntheticChainOptions& options);

}  // namespace svcsim::simulator
