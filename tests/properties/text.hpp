// Readable text for property failures: operations as a shrunk sequence prints them
// ("add KB5000002 [power_loss_staging]") and states. A generated Scenario prints itself as the
// YAML file that reproduces it (showValue in simulator/test/scenario_generator.hpp).
#pragma once

#include <string>

#include "svcsim/model/context.hpp"
#include "svcsim/model/operation.hpp"
#include "svcsim/model/target_state.hpp"

namespace svcsim::properties {

/// "add KB5000002 /PreventPending [power_loss_staging]", "reboot [startup_failure]", "mount".
std::string operation_text(const model::ServicingContext& context, const model::Operation& operation,
                           model::Fault fault = model::Fault::none);

/// "ubr 1200 build 26100 ssu 300 flags{reboot_pending} KB5000000=installed KB5000001=absent ...";
/// a pending package whose origin bit is set is marked with '*'. Offline: the committed image too.
std::string state_text(const model::ServicingContext& context, const model::TargetState& state);

}  // namespace svcsim::properties
