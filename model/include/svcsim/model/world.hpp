// The World (servicing-model.md §1, §4.8): a scenario's catalog, knobs and targets, and `step`,
// the one transition function every engine drives. A step changes exactly one target; only the
// cross-target steps of §4.8 read another (copy_winre reads the winre.wim it copies).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "svcsim/model/advice.hpp"
#include "svcsim/model/apply.hpp"
#include "svcsim/model/classify.hpp"
#include "svcsim/model/context.hpp"
#include "svcsim/model/invariants.hpp"

namespace svcsim::model {

using TargetIndex = std::uint8_t;
/// A media refresh has four targets; eight leaves room for two boot.wim indexes and the like
/// while keeping a world state a handful of interned ids.
inline constexpr int target_count_max = 8;

/// One operation on one target of a World.
struct Step {
  TargetIndex target = 0;
  Operation operation;
  friend bool operator==(const Step&, const Step&) = default;
};

/// One target of a World: its name, what apply() reads for it, and its starting state.
struct WorldTarget {
  std::string name;
  ServicingContext context;
  TargetState start;
};

/// Every target's state, in the World's target order.
struct WorldState {
  std::vector<TargetState> targets;
  friend bool operator==(const WorldState&, const WorldState&) = default;
};

/// What one step did: the target it changed and the model's outcome there.
struct WorldOutcome {
  TargetIndex target = 0;
  Outcome outcome;
};

/// The catalog, knobs and targets of one scenario. Each target's context points into the
/// catalog, which must outlive the World.
class World {
 public:
  World(const Catalog& catalog, const Knobs& knobs, std::vector<WorldTarget> targets);

  const Catalog& catalog() const { return *catalog_; }
  const Knobs& knobs() const { return knobs_; }
  std::size_t target_count() const { return targets_.size(); }
  const WorldTarget& target(TargetIndex index) const { return targets_[index]; }
  const ServicingContext& context(TargetIndex index) const { return targets_[index].context; }
  std::optional<TargetIndex> find_target(std::string_view name) const;
  /// Every target's starting state on the device every run has: the catalog's properties at
  /// probability 1 (device_always).
  WorldState initial_state() const;
  /// Every target's starting state on `device` (§2, v2): each target carries the device's bits,
  /// and a regression the device has is active from the start where its package is committed
  /// and none of its fixes is (the start's history is unknown; a fix present is taken to have
  /// come after).
  WorldState initial_state(DeviceBits device) const;
  /// Sets a target's reboot bound (ServicingContext::reboot_count_max; plan.hpp's
  /// limit_reboots decides it from the plan).
  void set_reboot_count_max(TargetIndex target, std::uint16_t bound) {
    targets_[target].context.reboot_count_max = bound;
  }

 private:
  const Catalog* catalog_;
  Knobs knobs_;
  std::vector<WorldTarget> targets_;
};

/// Applies `step` (with `fault`, if it can strike there) to the world whose targets are in
/// `targets`. Routes to apply() for the step's target; copy_winre also reads its source.
///
///   const WorldOutcome done = step(world, state, {install, {OperationKind::add, kb5086672}});
///   settle(state, done);
WorldOutcome step(const World& world, std::span<const TargetState> targets, const Step& step,
                  Fault fault = Fault::none);
inline WorldOutcome step(const World& world, const WorldState& state, const Step& what,
                         Fault fault = Fault::none) {
  return step(world, std::span<const TargetState>(state.targets), what, fault);
}

/// Writes an outcome's new target state into `state`.
void settle(WorldState& state, const WorldOutcome& outcome);

/// A broken invariant and the target it broke on.
struct WorldViolation {
  TargetIndex target = 0;
  InvariantViolation violation;
  explicit operator bool() const { return static_cast<bool>(violation); }
};

/// Every state invariant of one target, plus the World's own: a carried WinRE only on an
/// install.wim.
InvariantViolation check_target_state(const World& world, TargetIndex target,
                                      const TargetState& state);

/// check_target_state on every target.
WorldViolation check_world_state(const World& world, std::span<const TargetState> targets);

/// One step's invariants: check_step on the target it changed.
WorldViolation check_world_step(const World& world, std::span<const TargetState> before,
                                const Step& step, const WorldOutcome& outcome);

/// Classes a finished run (scenarios.md "Several targets"): each target by `classify` with the
/// run's errors, then the run takes the first class in the order stuck, clean_failure,
/// false_success, regressed, drift, success that some target has.
OutcomeClass classify_world(const World& world, std::span<const TargetState> end,
                            std::span<const TargetState> expected, bool any_error);

/// The worse of two classes in that order (stuck is the worst).
OutcomeClass worse_class(OutcomeClass first, OutcomeClass second);

/// What the advice rules remember of a run: one history per target.
struct WorldAdviceHistory {
  std::vector<AdviceHistory> targets;
};

/// The advice one step earns (servicing-model.md §6 and the cross-target checks of §4.8), and
/// records the step in `history`.
AdviceSet advise_world_step(const World& world, std::span<const TargetState> before,
                            const Step& step, const WorldOutcome& outcome,
                            WorldAdviceHistory& history);

/// The advice a finished run earns as a whole: boot.wim and install.wim at different UBRs, a
/// winre.wim without the catalog's Safe OS DU, an install.wim carrying a WinRE without it.
AdviceSet advise_world_end(const World& world, std::span<const TargetState> end);

}  // namespace svcsim::model
