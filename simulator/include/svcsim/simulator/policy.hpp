// The plan's policies (scenarios.md "Outcome of one sequence"): when a reboot is inserted and when
// an error ends the sequence. The sequence runner, the explorer and the brute-force checker all
// decide through these three functions, so they cannot disagree.
#pragma once

#include "svcsim/model/apply.hpp"
#include "svcsim/scenario/scenario.hpp"

namespace svcsim::simulator {

/// after_3010: a reboot follows any step whose DISM exit code is 3010 (at_end and never: none).
bool reboot_follows(const model::Plan& plan, const model::ServicingContext& context,
                    const model::Outcome& outcome);

/// at_end: after the last step, a reboot of each online target with pending work, in target
/// order (this tells for one target).
bool final_reboot_needed(const model::Plan& plan, const model::ServicingContext& context,
                         const model::TargetState& state);

/// on_error: stop ends the sequence at the first error (a killed process counts as one) that the
/// plan does not `tolerate`. A reboot that did not run because it was due past
/// reboot_count_max ends every sequence (v2).
bool stops_sequence(const model::Plan& plan, const model::Outcome& outcome);

}  // namespace svcsim::simulator
