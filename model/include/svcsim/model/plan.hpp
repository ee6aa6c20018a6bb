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

enum class RebootPolicy : std::uint8_t { after_3010, at_end };
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
};

/// Whether `code` is an error for the plan's policies and for classing: not a success code
/// and not tolerated.
bool is_plan_error(const Plan& plan, ResultCode code);

struct FaultBudget {
  int max = 0;                   // explore: every placement of up to this many faults
  FaultSet kinds = 0;
};

/// The implicit order constraints of servicing-model.md §4.7: each lifecycle step (mount,
/// commit, discard) keeps its written place relative to the other steps of its target. Pairs of
/// step indices, as Plan::before holds them.
std::vector<std::pair<std::size_t, std::size_t>> lifecycle_constraints(const Plan& plan);

/// The operation the plan runs for a step's operation: /PreventPending is a property of the plan,
/// not of a step's text, so every add (and Method 1 call) carries the plan's setting.
Operation plan_operation(const Plan& plan, Operation operation);

}  // namespace svcsim::model
