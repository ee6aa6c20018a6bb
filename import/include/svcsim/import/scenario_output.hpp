// Writes an ImportResult as a scenario file (scenarios.md) whose every imported field carries a
// comment saying where it came from, and which lists what the files could not give.
#pragma once

#include <cstdint>
#include <string>

#include "svcsim/import/importer.hpp"
#include "svcsim/model/package.hpp"
#include "svcsim/model/result.hpp"

namespace svcsim::import {

struct ScenarioOptions {
  model::TargetKind target_kind = model::TargetKind::online;  // --target
  /// The target's starting state is not in any .msu: by default the branch's release (UBR 1)
  /// with its original servicing stack, the oldest device the files could meet.
  std::uint32_t ubr = 1;            // --ubr
  std::uint32_t ssu_version = 1;    // --ssu-version
  /// The exploration budget, not metadata: scenarios.md's four fault kinds of adds and reboots.
  int fault_count_max = 1;          // --faults
};

/// The scenario text: one catalog entry per update, one target of options.target_kind, a plan
/// in the updates' order. The text is checked by loading it back with the scenario loader, so a
/// returned text always loads; an error (one sentence) means the model's rules refuse the start
/// or a package (e.g. --ubr 0).
Result<std::string, std::string> write_import_scenario(const ImportResult& imported,
                                                       const ScenarioOptions& options);

}  // namespace svcsim::import
