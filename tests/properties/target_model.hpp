// TargetModel: one servicing target driven through model::apply (the system under test), with
// every law of laws.hpp checked after every step and the pending-session bookkeeping those laws
// need. Property tests drive it by hand or through rc::state commands.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "laws.hpp"
#include "svcsim/model/apply.hpp"
#include "svcsim/scenario/scenario.hpp"

namespace svcsim::properties {

class TargetModel {
 public:
  /// Services `scenario.targets[0]` from its declared starting state. The scenario lives on the
  /// heap behind a shared pointer so that copies of a TargetModel keep a valid context: a
  /// ServicingContext points into its catalog, and a by-value Scenario member would leave a
  /// copied model's context pointing into the original.
  /// The target is on `device` (v2: its defects and regressions, package.hpp slots) and obeys
  /// the plan's reboot bound, as scenario::make_world sets it.
  explicit TargetModel(std::shared_ptr<const scenario::Scenario> scenario,
                       model::DeviceBits device = 0);

  /// Applies one operation (with `fault`, if it can strike), checks every law and fails the
  /// property (RC_FAIL) with the steps so far if one breaks. Returns the outcome.
  const model::Outcome& step(const model::Operation& operation,
                             model::Fault fault = model::Fault::none);

  const scenario::Scenario& scenario() const { return *scenario_; }
  const model::ServicingContext& context() const { return context_; }
  const model::TargetState& state() const { return state_; }
  const PendingSession& session() const { return session_; }
  /// The steps so far, one "add KB5000002 [disk_full] -> 0x80070070" per line.
  const std::string& history() const { return history_; }

  // Operations by name, for hand-written sequences.
  model::Operation add(model::PackageIndex package, bool prevent_pending = false) const;
  model::Operation add_folder(model::PackageIndex package) const;
  model::Operation remove(model::PackageIndex package) const;
  static model::Operation of_kind(model::OperationKind kind, bool reset_base = false);

 private:
  std::shared_ptr<const scenario::Scenario> scenario_;
  model::ServicingContext context_;
  model::TargetState state_;
  model::Outcome last_;
  PendingSession session_;
  PendingSession committed_session_;  // offline: the session as of the last mount/commit
  std::string history_;
};

/// True with probability `percent`/100 whatever RapidCheck's generation size, shrinking to
/// false (a plain `inRange(0, 100) < percent` is always true at small sizes and while shrinking).
bool chance(int percent);

/// The laws one step must satisfy, by name, in the order they are checked. The first that
/// fails is reported.
std::string check_laws(const StepView& step, const PendingSession& session);

}  // namespace svcsim::properties
