// Invariants of servicing-model.md §6, checked independently of apply(): these functions walk
// the packages one by one with get() and recompute what must hold, instead of reusing apply's
// mask arithmetic, so that a bug there cannot hide itself here.
#include "svcsim/model/invariants.hpp"

#include <algorithm>
#include <bit>

#include <fmt/format.h>

namespace svcsim::model {
namespace {

bool is_pending(CbsState state) {
  return state == CbsState::install_pending || state == CbsState::uninstall_pending;
}

/// Whether a record's revision is the image's current content (I2): committed, still there while
/// its uninstall waits, or half-uninstalled by a session whose rollback failed (origin bit).
bool counts_for_ubr(const PackageStates& packages, PackageIndex index) {
  const CbsState state = packages.get(index);
  return state == CbsState::installed || state == CbsState::permanent ||
         state == CbsState::uninstall_pending ||
         (state == CbsState::partially_installed && packages.origin(index));
}

InvariantViolation violation(Invariant invariant,
                             PackageIndex package = InvariantViolation::no_package) {
  return {invariant, package};
}

std::uint32_t expected_ubr(const ServicingContext& context, const PackageStates& packages) {
  std::uint32_t ubr = context.base_ubr;
  for (std::size_t slot = 0; slot < context.catalog->size(); ++slot) {
    const auto index = static_cast<PackageIndex>(slot);
    if (is_cumulative(context.package(index).kind) && counts_for_ubr(packages, index)) {
      ubr = std::max(ubr, context.package(index).revision);
    }
  }
  return ubr;
}

/// The CU record expected_ubr takes its value from (no_package when it is the base), so that a
/// wrong `ubr` is reported with the record that contradicts it.
PackageIndex newest_current_cu(const ServicingContext& context, const PackageStates& packages) {
  PackageIndex newest = InvariantViolation::no_package;
  std::uint32_t revision = context.base_ubr;
  for (std::size_t slot = 0; slot < context.catalog->size(); ++slot) {
    const auto index = static_cast<PackageIndex>(slot);
    const Package& package = context.package(index);
    if (is_cumulative(package.kind) && counts_for_ubr(packages, index) &&
        package.revision > revision) {
      revision = package.revision;
      newest = index;
    }
  }
  return newest;
}

std::uint32_t expected_build(const ServicingContext& context, const PackageStates& packages) {
  std::uint32_t build = context.base_build;
  for (std::size_t slot = 0; slot < context.catalog->size(); ++slot) {
    const auto index = static_cast<PackageIndex>(slot);
    const Package& package = context.package(index);
    if (package.kind == PackageKind::enablement && counts_for_ubr(packages, index)) {
      build = std::max(build, package.target_build != 0 ? package.target_build
                                                        : context.base_build + 100);
    }
  }
  return build;
}

bool any_pending(const ServicingContext& context, const PackageStates& packages) {
  for (std::size_t slot = 0; slot < context.catalog->size(); ++slot) {
    if (is_pending(packages.get(static_cast<PackageIndex>(slot)))) return true;
  }
  return false;
}

/// I3: what a failed operation may change (§4 and §5), package by package and flag by flag.
InvariantViolation check_failed_operation(const ServicingContext& context,
                                          const TargetState& before, const Outcome& outcome) {
  const TargetState& after = outcome.state;
  const Invariant i3 = Invariant::i3_failed_operation_changed;
  if (outcome.fault == Fault::crash_while_mounted) {
    // The mount is discarded: the live image is exactly the last committed one, unmounted.
    ServicedImage restored = before.committed;
    restored.flags.set(TargetFlag::mounted, false);
    if (static_cast<const ServicedImage&>(after) != restored || after.committed != before.committed) {
      return violation(i3);
    }
    return {};
  }
  for (std::size_t slot = 0; slot < context.catalog->size(); ++slot) {
    const auto index = static_cast<PackageIndex>(slot);
    const CbsState was = before.packages.get(index);
    const CbsState now = after.packages.get(index);
    if (was == now) continue;
    const bool orphan_stage = outcome.fault == Fault::power_loss_staging &&
                              now == CbsState::staged &&
                              (was == CbsState::absent || was == CbsState::staged);
    const bool failed_rollback = outcome.fault == Fault::rollback_failure && is_pending(was) &&
                                 now == CbsState::partially_installed;
    if (!orphan_stage && !failed_rollback) return violation(i3, index);
  }
  if (after.ssu_version < before.ssu_version) return violation(Invariant::i1_ssu_version_fell);
  if (after.ubr != before.ubr || after.build != before.build || after.committed != before.committed ||
      after.regressions != before.regressions) {
    return violation(i3);
  }
  TargetFlags allowed = before.flags;
  // Check 4 sets store_corrupt with 0x80073712; a device defect with that code changes nothing
  // (v2), so the flag may be set, not must.
  if (outcome.code == ResultCode::error_sxs_component_store_corrupt &&
      after.flags.has(TargetFlag::store_corrupt)) {
    allowed.set(TargetFlag::store_corrupt);
  }
  if (after.flags.has(TargetFlag::store_corrupt) && before.flags.has(TargetFlag::components_reset)) {
    allowed.set(TargetFlag::store_corrupt);  // a Method 1 session that met the 14098 case
  }
  if (outcome.fault == Fault::rollback_failure) {
    allowed.set(TargetFlag::unserviceable);
    allowed.set(TargetFlag::reboot_pending, false);
    allowed.set(TargetFlag::commit_interrupted, false);
  }
  if (after.flags != allowed) return violation(i3);
  return {};
}

}  // namespace

InvariantViolation check_state(const ServicingContext& context, const TargetState& state) {
  const PackageStates& packages = state.packages;
  const bool offline = is_offline(context.target_kind);
  const std::size_t package_count = context.catalog->size();

  // I1: slots past the catalog hold nothing at all.
  const PackageMask outside =
      ~context.all & (~packages.in_state(CbsState::absent) | packages.origin_mask());
  if (outside != 0) {
    return violation(Invariant::i1_origin_canonical,
                     static_cast<PackageIndex>(std::countr_zero(outside)));
  }
  // v2: only a regression the device has can be active; only an online target counts reboots.
  if ((state.regressions & ~(state.device & context.regression_slots)) != 0) {
    return violation(Invariant::device_bits);
  }
  if (offline && (state.reboot_count != 0 || state.flags.has(TargetFlag::reboot_loop))) {
    return violation(Invariant::reboot_count);
  }
  if (context.reboot_count_max == ServicingContext::reboot_count_unbounded &&
      (state.reboot_count != 0 || state.flags.has(TargetFlag::reboot_loop))) {
    return violation(Invariant::reboot_count);  // nothing counts where no bound can bind
  }
  const std::uint32_t ubr = expected_ubr(context, packages);
  if (state.ubr != ubr) return violation(Invariant::i2_ubr, newest_current_cu(context, packages));
  if (state.build != expected_build(context, packages)) return violation(Invariant::i2_build);

  if (context.target_kind == TargetKind::media) {
    // The media folder holds files, not a package store (§1, §4.8): a Setup DU's files are there
    // or not, and no CBS session, reboot or mount ever touches the folder, so it carries no
    // pending, staged or superseded record and no flag, in its live or its committed image.
    for (std::size_t slot = 0; slot < package_count; ++slot) {
      const auto index = static_cast<PackageIndex>(slot);
      const CbsState current = packages.get(index);
      if (current == CbsState::absent) continue;
      if (context.package(index).kind != PackageKind::setup_du || current != CbsState::installed) {
        return violation(Invariant::media_record, index);
      }
    }
    if (state.flags != TargetFlags{} || state.committed.flags != TargetFlags{}) {
      return violation(Invariant::offline_flags);
    }
    return {};
  }

  bool pending = false;
  for (std::size_t slot = 0; slot < package_count; ++slot) {
    const auto index = static_cast<PackageIndex>(slot);
    const CbsState current = packages.get(index);
    const Package& package = context.package(index);
    // I1: the origin bit only where a rollback needs it; an SSU is permanent or nothing.
    if (packages.origin(index) && !is_pending(current) &&
        current != CbsState::partially_installed) {
      return violation(Invariant::i1_origin_canonical, index);
    }
    if (package.kind == PackageKind::ssu &&
        (current == CbsState::installed || current == CbsState::superseded)) {
      return violation(Invariant::i1_permanent_left, index);
    }
    // I2: older installed CU records are superseded; no superseded record is newer than ubr.
    if (is_cumulative(package.kind)) {
      if (current == CbsState::installed && package.revision < ubr) {
        return violation(Invariant::i2_ubr, index);
      }
      if (current == CbsState::superseded && package.revision > ubr) {
        return violation(Invariant::i2_ubr, index);
      }
    }
    // A partially installed package means CBS gave up on this target.
    if (current == CbsState::partially_installed && !state.flags.has(TargetFlag::unserviceable)) {
      return violation(Invariant::partial_without_unserviceable, index);
    }
    if (offline && current == CbsState::uninstall_pending) {
      return violation(Invariant::offline_flags, index);  // offline removal is immediate
    }
    pending = pending || is_pending(current);
  }

  // I4 and the flags each target kind may carry.
  if (!offline) {
    if (pending && !state.flags.has(TargetFlag::reboot_pending)) {
      return violation(Invariant::i4_reboot_pending);
    }
    if (state.flags.has(TargetFlag::commit_interrupted) &&
        !state.flags.has(TargetFlag::reboot_pending)) {
      return violation(Invariant::i4_reboot_pending);
    }
    if (state.flags.has(TargetFlag::pending_online_actions) ||
        state.flags.has(TargetFlag::mounted) || state.committed != ServicedImage{}) {
      return violation(Invariant::offline_flags);
    }
    return {};
  }
  if (state.flags.has(TargetFlag::reboot_pending) ||
      state.flags.has(TargetFlag::commit_interrupted) ||
      state.committed.flags.has(TargetFlag::mounted)) {
    return violation(Invariant::offline_flags);
  }
  // I4 offline: pending work sets the flag. The flag without a pending record is work owed
  // outside the catalog (v2 §1: an image that arrives already pended, field report #10);
  // check_transition allows that only as carried over, never made by a step.
  if (pending && !state.flags.has(TargetFlag::pending_online_actions)) {
    return violation(Invariant::i4_reboot_pending);
  }
  return {};
}

InvariantViolation check_step(const ServicingContext& context, const TargetState& before,
                              const Operation& operation, const Outcome& outcome) {
  if (auto broken = check_state(context, outcome.state)) return broken;
  return check_transition(context, before, operation, outcome);
}

InvariantViolation check_transition(const ServicingContext& context, const TargetState& before,
                                    const Operation& operation, const Outcome& outcome) {
  const TargetState& after = outcome.state;
  const bool image_restored = outcome.fault == Fault::crash_while_mounted ||
                              (operation.kind == OperationKind::discard && is_success(outcome.code));

  // v2: the device is the device for the whole run; a reboot that runs counts once (where a
  // bound can bind), and nothing else moves the count.
  if (after.device != before.device || after.committed.device != before.committed.device) {
    return violation(Invariant::device_bits);
  }
  const bool counted = operation.kind == OperationKind::reboot &&
                       context.reboot_count_max != ServicingContext::reboot_count_unbounded &&
                       !outcome.has_note(OutcomeNote::reboot_not_run);
  if (after.reboot_count != before.reboot_count + (counted ? 1 : 0)) {
    return violation(Invariant::reboot_count);
  }

  // I1: permanence. A discard (or a crash) legitimately returns to the last committed image.
  if (!image_restored) {
    for (std::size_t slot = 0; slot < context.catalog->size(); ++slot) {
      const auto index = static_cast<PackageIndex>(slot);
      if (before.packages.get(index) == CbsState::permanent &&
          after.packages.get(index) != CbsState::permanent) {
        return violation(Invariant::i1_permanent_left, index);
      }
    }
    if (after.ssu_version < before.ssu_version) return violation(Invariant::i1_ssu_version_fell);
  }

  // I4, the other direction: reboot_pending with nothing of ours pending is only a reboot owed
  // to something outside the catalog, carried over until the next reboot.
  if (!is_offline(context.target_kind) && after.flags.has(TargetFlag::reboot_pending) &&
      !any_pending(context, after.packages)) {
    // A reboot pays what is owed, unless it did not run (due past reboot_count_max, v2).
    const bool rebooted = operation.kind == OperationKind::reboot &&
                          !outcome.has_note(OutcomeNote::reboot_not_run) &&
                          outcome.fault != Fault::commit_interrupted;
    if (!before.flags.has(TargetFlag::reboot_pending) || rebooted) {
      return violation(Invariant::i4_reboot_pending);
    }
  }

  // I4 offline, the other direction: pending_online_actions with nothing of ours pending is
  // only work owed outside the catalog, carried over from the start (or restored with the last
  // committed image); a step that left its own package's flag behind broke the model.
  if (is_offline(context.target_kind) && after.flags.has(TargetFlag::pending_online_actions) &&
      !any_pending(context, after.packages) && !image_restored) {
    if (!before.flags.has(TargetFlag::pending_online_actions) ||
        any_pending(context, before.packages)) {
      return violation(Invariant::i4_reboot_pending);
    }
  }

  // A successful add does what it says: unless it found nothing to do or was skipped by
  // /PreventPending, its package is now committed or queued for the next (first) boot.
  const bool adds = operation.kind == OperationKind::add || operation.kind == OperationKind::add_folder;
  if (adds && is_success(outcome.code) && !outcome.has_note(OutcomeNote::nothing_to_do) &&
      !outcome.has_note(OutcomeNote::skipped_prevent_pending)) {
    const CbsState now = after.packages.get(operation.package);
    if (!is_committed(now) && now != CbsState::install_pending) {
      return violation(Invariant::add_without_effect, operation.package);
    }
  }

  // I3: atomicity of failed operations.
  if (!is_success(outcome.code)) return check_failed_operation(context, before, outcome);
  return {};
}

std::string describe(const ServicingContext& context, const TargetState& state,
                     const InvariantViolation& broken) {
  std::string text{invariant_name(broken.invariant)};
  const bool names_package = broken.package < context.catalog->size();
  const std::string package =
      names_package ? fmt::format("{} ({}, revision {})", context.package(broken.package).id,
                                  cbs_state_name(state.packages.get(broken.package)),
                                  context.package(broken.package).revision)
                    : std::string{};
  switch (broken.invariant) {
    case Invariant::i2_ubr: {
      const std::uint32_t expected = expected_ubr(context, state.packages);
      if (state.ubr == expected && names_package) {
        return fmt::format("{}: {} is out of place beside ubr {} (an installed CU record older "
                           "than ubr must be superseded; a superseded one cannot be newer)",
                           text, package, state.ubr);
      }
      // The package, if any, is the record the expected UBR comes from.
      return fmt::format("{}: state has ubr {} but the committed CU records give {}{}{}", text,
                         state.ubr, expected, names_package ? ", from " : "", package);
    }
    case Invariant::i2_build:
      return fmt::format("{}: state has build {} but the enablement packages give {}", text,
                         state.build, expected_build(context, state.packages));
    case Invariant::none:
      return text;
    default:
      return names_package ? fmt::format("{}: {}", text, package) : text;
  }
}

}  // namespace svcsim::model
