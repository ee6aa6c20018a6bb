// The World and its step function: routing to apply() per target, the cross-target steps of
// servicing-model.md §4.8, and classing and advice over several targets.
#include "svcsim/model/world.hpp"

#include <array>

#include "svcsim/model/assert.hpp"

namespace svcsim::model {
namespace {

/// Precedence of the run's class over its targets' (scenarios.md "Several targets"): the
/// smaller rank wins.
constexpr std::array<int, outcome_class_count> class_rank = [] {
  std::array<int, outcome_class_count> rank{};
  rank[static_cast<std::size_t>(OutcomeClass::stuck)] = 0;
  rank[static_cast<std::size_t>(OutcomeClass::clean_failure)] = 1;
  rank[static_cast<std::size_t>(OutcomeClass::false_success)] = 2;
  rank[static_cast<std::size_t>(OutcomeClass::regressed)] = 3;
  rank[static_cast<std::size_t>(OutcomeClass::drift)] = 4;
  rank[static_cast<std::size_t>(OutcomeClass::success)] = 5;
  return rank;
}();
static_assert(outcome_class_count == 6, "give every OutcomeClass its place in class_rank");

constexpr AdviceSet advice_bit(Advice advice) { return static_cast<AdviceSet>(advice); }

/// Safe OS DUs of the catalog, as a mask.
PackageMask safeos_dus(const Catalog& catalog) {
  PackageMask mask = 0;
  for (std::size_t slot = 0; slot < catalog.size(); ++slot) {
    const auto index = static_cast<PackageIndex>(slot);
    if (catalog[index].kind == PackageKind::safeos_du) mask |= package_bit(index);
  }
  return mask;
}

/// The committed (installed or permanent) packages among `mask`.
PackageMask committed_among(const PackageStates& packages, PackageMask mask) {
  return mask & (packages.in_state(CbsState::installed) | packages.in_state(CbsState::permanent) |
                 packages.in_state(CbsState::superseded));
}

}  // namespace

World::World(const Catalog& catalog, const Knobs& knobs, std::vector<WorldTarget> targets)
    : catalog_(&catalog), knobs_(knobs), targets_(std::move(targets)) {
  SVCSIM_ASSERT(!targets_.empty());
  SVCSIM_ASSERT(targets_.size() <= static_cast<std::size_t>(target_count_max));
  for (const WorldTarget& target : targets_) SVCSIM_ASSERT(target.context.catalog == catalog_);
}

std::optional<TargetIndex> World::find_target(std::string_view name) const {
  for (std::size_t index = 0; index < targets_.size(); ++index) {
    if (targets_[index].name == name) return static_cast<TargetIndex>(index);
  }
  return std::nullopt;
}

WorldState World::initial_state() const { return initial_state(device_always(*catalog_)); }

WorldState World::initial_state(DeviceBits device) const {
  WorldState state;
  state.targets.reserve(targets_.size());
  for (const WorldTarget& target : targets_) {
    const ServicingContext& context = target.context;
    TargetState start = target.start;
    start.device = device;
    DeviceBits active = 0;
    for (std::size_t slot = 0; slot < context.catalog->size(); ++slot) {
      const auto index = static_cast<PackageIndex>(slot);
      if ((context.regressing & package_bit(index)) == 0) continue;
      const unsigned bit = 1u << context.regression_slot[index];
      if ((device & bit) == 0 || !is_committed(start.packages.get(index))) continue;
      if (committed_among(start.packages, context.fixes[context.regression_slot[index]]) != 0) {
        continue;
      }
      active = static_cast<DeviceBits>(active | bit);
    }
    start.regressions = active;
    // An image's committed snapshot is the image as mounted; a running installation has none.
    if (is_offline(context.target_kind)) {
      start.committed.device = start.device;
      start.committed.regressions = start.regressions;
    }
    state.targets.push_back(start);
  }
  return state;
}

WorldOutcome step(const World& world, std::span<const TargetState> targets, const Step& step,
                  Fault fault) {
  SVCSIM_ASSERT(targets.size() == world.target_count());
  SVCSIM_ASSERT(step.target < targets.size());
  const ServicedImage* copy_source = nullptr;
  if (step.operation.kind == OperationKind::copy_winre) {
    SVCSIM_ASSERT(step.operation.source_target < targets.size());
    SVCSIM_ASSERT(step.operation.source_target != step.target);
    // §4.8: the copy is of winre.wim as last committed (its start if never committed): an
    // uncommitted mount is not in the file that is exported.
    const TargetState& source = targets[step.operation.source_target];
    if (world.context(step.operation.source_target).target_kind == TargetKind::winre_wim) {
      copy_source = &source.committed;
    }
  }
  WorldOutcome done;
  done.target = step.target;
  done.outcome = apply(world.context(step.target), targets[step.target], step.operation, fault,
                       copy_source);
  return done;
}

void settle(WorldState& state, const WorldOutcome& outcome) {
  SVCSIM_ASSERT(outcome.target < state.targets.size());
  state.targets[outcome.target] = outcome.outcome.state;
}

InvariantViolation check_target_state(const World& world, TargetIndex target,
                                      const TargetState& state) {
  const ServicingContext& context = world.context(target);
  if (auto broken = check_state(context, state)) return broken;
  // Only an install.wim carries a WinRE; copy_winre refuses every other kind.
  const bool carries = state.winre != CarriedWinre{} || state.committed.winre != CarriedWinre{};
  if (carries && context.target_kind != TargetKind::install_wim) {
    return {Invariant::carried_winre_misplaced, InvariantViolation::no_package};
  }
  return {};
}

WorldViolation check_world_state(const World& world, std::span<const TargetState> targets) {
  SVCSIM_ASSERT(targets.size() == world.target_count());
  for (std::size_t index = 0; index < targets.size(); ++index) {
    const auto target = static_cast<TargetIndex>(index);
    if (auto broken = check_target_state(world, target, targets[index])) return {target, broken};
  }
  return {};
}

WorldViolation check_world_step(const World& world, std::span<const TargetState> before,
                                const Step& step, const WorldOutcome& outcome) {
  SVCSIM_ASSERT(outcome.target == step.target);
  const ServicingContext& context = world.context(step.target);
  if (auto broken = check_target_state(world, step.target, outcome.outcome.state)) {
    return {step.target, broken};
  }
  return {step.target,
          check_transition(context, before[step.target], step.operation, outcome.outcome)};
}

OutcomeClass worse_class(OutcomeClass first, OutcomeClass second) {
  return class_rank[static_cast<std::size_t>(first)] <= class_rank[static_cast<std::size_t>(second)]
             ? first
             : second;
}

OutcomeClass classify_world(const World& world, std::span<const TargetState> end,
                            std::span<const TargetState> expected, bool any_error) {
  SVCSIM_ASSERT(end.size() == world.target_count());
  SVCSIM_ASSERT(expected.size() == world.target_count());
  OutcomeClass run = OutcomeClass::success;
  for (std::size_t index = 0; index < end.size(); ++index) {
    const auto target = static_cast<TargetIndex>(index);
    run = worse_class(run, classify(world.context(target), end[index], expected[index], any_error));
  }
  return run;
}

AdviceSet advise_world_step(const World& world, std::span<const TargetState> before,
                            const Step& step, const WorldOutcome& outcome,
                            WorldAdviceHistory& history) {
  if (history.targets.size() != world.target_count()) history.targets.resize(world.target_count());
  const ServicingContext& context = world.context(step.target);
  AdviceHistory& own = history.targets[step.target];
  AdviceSet advice =
      advise(context, before[step.target], step.operation, outcome.outcome, own);
  remember_step(context, step.operation, outcome.outcome, own);
  if (step.operation.kind == OperationKind::copy_winre && is_success(outcome.outcome.code)) {
    const TargetState& source = before[step.operation.source_target];
    // The live mount differs from what was last committed: the copy misses that work.
    ServicedImage live = source;
    live.flags.set(TargetFlag::mounted, false);
    if (live != source.committed) advice |= advice_bit(Advice::winre_copied_uncommitted);
    const PackageMask wanted = safeos_dus(world.catalog());
    if ((outcome.outcome.state.winre.safeos_dus & wanted) != wanted) {
      advice |= advice_bit(Advice::winre_copied_without_safeos_du);
    }
  }
  return advice;
}

AdviceSet advise_world_end(const World& world, std::span<const TargetState> end) {
  AdviceSet advice = 0;
  std::optional<std::uint32_t> install_ubr;
  std::optional<std::uint32_t> boot_ubr;
  const PackageMask wanted = safeos_dus(world.catalog());
  for (std::size_t index = 0; index < end.size(); ++index) {
    const TargetKind kind = world.context(static_cast<TargetIndex>(index)).target_kind;
    if (kind == TargetKind::install_wim && !install_ubr) install_ubr = end[index].ubr;
    if (kind == TargetKind::boot_wim && !boot_ubr) boot_ubr = end[index].ubr;
    if (kind == TargetKind::winre_wim && wanted != 0 &&
        committed_among(end[index].packages, wanted) != wanted) {
      advice |= advice_bit(Advice::winre_without_safeos_du);
    }
    // An install.wim that ends carrying a WinRE without the Safe OS DU: copied too early, or
    // never copied at all (the WinRE it came with).
    if (kind == TargetKind::install_wim && wanted != 0 &&
        (end[index].winre.safeos_dus & wanted) != wanted) {
      advice |= advice_bit(Advice::winre_copied_without_safeos_du);
    }
  }
  if (install_ubr && boot_ubr && *install_ubr != *boot_ubr) {
    advice |= advice_bit(Advice::boot_install_ubr_differ);
  }
  return advice;
}

}  // namespace svcsim::model
