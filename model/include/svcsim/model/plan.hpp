// The plan of a run (scenarios.md "plan"): its steps, each on a target of the World, the order
// constraints explore respects, and the policies every engine obeys (when a reboot is inserted,
// when an error stops the run, which codes are tolerated, /PreventPending).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "svcsim/model/operation.hpp"
#include "svcsim/model/result_code.hpp"
#include "svcsim/model/world.hpp"

namespace svcsim::model {

/// One plan step: its text as written ("KB5043080", "install:copy_winre(winre)", "reboot"), the
/// target it runs on and the operation it stands for.
struct PlanStep {
  std::string text;
  Operation operation;
  TargetIndex target = 0;  // index into Scenario::targets (and the World's targets)

  Step step() const { return Step{target, operation}; }
};

/// When the plan reboots an online target (§4.3): right after a step that exited 3010, once at
/// the end if work is pending, or never (v2: a container, or automation that never restarts;
/// explicit `reboot` steps still run).
enum class RebootPolicy : std::uint8_t { after_3010, at_end, never };
enum class ErrorPolicy : std::uint8_t { stop, continue_on_error };

struct Plan {
  std::vector<PlanStep> steps;   // the documented order
  /// Order constraints as pairs of step indices: steps[first] must come before steps[second].
  /// Holds the file's `before` and the implicit ones that keep lifecycle steps in place.
  std::vector<std::pair<std::size_t, std::size_t>> before;
  RebootPolicy reboot = RebootPolicy::after_3010;
  ErrorPolicy on_error = ErrorPolicy::stop;
  bool prevent_pending = false;  // every add carries /PreventPending
  /// HRESULTs that count as success (`tolerate`, v2): not a first error, not a stop.
  std::vector<std::uint32_t> tolerate;
  /// §4.3 (v2): each target's reboots, explicit or inserted, at most; a reboot due past it does
  /// not run and the run ends stuck (a reboot loop).
  std::uint16_t reboot_count_max = 8;
};
inline constexpr std::uint16_t reboot_count_max_default = 8;
/// The largest reboot_count_max a file may give (a target state counts reboots in one byte).
inline constexpr std::uint16_t reboot_count_max_limit = 254;

/// Whether `code` is an error for the plan's policies and for classing: not a success code
/// and not tolerated.
bool is_plan_error(const Plan& plan, ResultCode code);

struct FaultBudget {
  int max = 0;                   // explore: every placement of up to this many faults
  FaultSet kinds = 0;
  /// v2: the device properties (package.hpp slots) listed as `defect(ID)` / `regression(ID)`:
  /// a run branches once, at its start, on a device with each and one without; having one
  /// costs one fault. Only properties below probability 1 (the loader refuses the others).
  DeviceBits devices = 0;
};

/// The implicit order constraints of servicing-model.md §4.7: each lifecycle step (mount,
/// commit, discard) keeps its written place relative to the other steps of its target. Pairs of
/// step indices, as Plan::before holds them.
std::vector<std::pair<std::size_t, std::size_t>> lifecycle_constraints(const Plan& plan);

/// The reboot bound apply() must enforce on `target` (ServicingContext::reboot_count_max): the
/// plan's reboot_count_max where some run could reach it, else reboot_count_unbounded. A run
/// reboots a target at most once per plan step on it (the step itself, or the reboot inserted
/// after it) plus one final reboot, so a plan with fewer steps than the bound never meets it and
/// its states need not count reboots.
std::uint16_t reboot_bound(const Plan& plan, TargetIndex target);

/// Sets every target's reboot bound in `world` (reboot_bound). Whoever builds a World for a plan
/// calls it; E (expected_plan) has no bound.
void limit_reboots(const Plan& plan, World& world);

/// The plan that gives the expected end state E (§6, v2): the same steps in the documented
/// order, every add allowed to proceed (no /PreventPending), and pending work committed at the
/// end even under `reboot: never` (at_end instead); its World has no reboot bound, and it runs
/// on a healthy device.
Plan expected_plan(const Plan& plan);

/// The operation the plan runs for a step's operation: /PreventPending is a property of the plan,
/// not of a step's text, so every add (and Method 1 call) carries the plan's setting.
Operation plan_operation(const Plan& plan, Operation operation);

}  // namespace svcsim::model
