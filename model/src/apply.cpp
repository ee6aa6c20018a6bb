// apply(): servicing-model.md §4 (operations) and §5 (faults), implemented once.
// Every function here is pure and allocation-free; the state is a value copied in and out.
#include "svcsim/model/apply.hpp"

#include <bit>

#include "svcsim/model/assert.hpp"
#include "svcsim/model/probe.hpp"

namespace svcsim::model {
namespace {

/// Iterates the set bits of a mask, lowest package index first.
template <typename Visit>
void for_each_package(PackageMask mask, Visit visit) {
  while (mask != 0) {
    const auto index = static_cast<PackageIndex>(std::countr_zero(mask));
    visit(index);
    mask &= mask - 1;
  }
}

/// Records whose content is the image's current one: installed, permanent, still installed while
/// an uninstall waits, or half-uninstalled by a session whose rollback failed.
PackageMask current_records(const PackageStates& packages) {
  return packages.in_state(CbsState::installed) | packages.in_state(CbsState::permanent) |
         packages.in_state(CbsState::uninstall_pending) |
         (packages.in_state(CbsState::partially_installed) & packages.origin_mask());
}

PackageMask pending_records(const PackageStates& packages) {
  return packages.in_state(CbsState::install_pending) |
         packages.in_state(CbsState::uninstall_pending);
}

std::uint32_t newest_revision(const ServicingContext& context, PackageMask mask,
                              std::uint32_t floor) {
  std::uint32_t newest = floor;
  for_each_package(mask, [&](PackageIndex index) {
    newest = std::max(newest, context.package(index).revision);
  });
  return newest;
}

/// The UBR the target will report once everything pending commits (CBS resolves against pending
/// content). Superseded records count too: none is newer than the current CU, so they change
/// nothing, except while the current CU waits to be uninstalled, when the newest of them is the
/// one the reboot makes current again (§4.3).
std::uint32_t effective_ubr_with_pending(const ServicingContext& context,
                                         const TargetState& state) {
  const PackageMask projected =
      context.cumulative & (state.packages.in_state(CbsState::installed) |
                            state.packages.in_state(CbsState::permanent) |
                            state.packages.in_state(CbsState::superseded) |
                            state.packages.in_state(CbsState::install_pending));
  return newest_revision(context, projected, context.base_ubr);
}

bool is_state_committed_or_queued(const PackageStates& packages, PackageIndex index,
                                  bool sees_pending) {
  const CbsState state = packages.get(index);
  return is_committed(state) || (sees_pending && state == CbsState::install_pending);
}

/// After CU records change: the newest remaining record becomes current again if an uninstall
/// left only superseded ones above the base (§4.3, §4.4), then `ubr` follows the newest committed
/// CU and every older installed CU record is superseded (§4.1 offline, §4.3).
void settle_cumulative_chain(const ServicingContext& context, TargetState& state) {
  PackageStates& packages = state.packages;
  const std::uint32_t current_ubr = committed_ubr(context, packages);
  const PackageMask superseded = context.cumulative & packages.in_state(CbsState::superseded);
  PackageIndex newest_superseded = 0;
  std::uint32_t newest_superseded_revision = 0;
  for_each_package(superseded, [&](PackageIndex index) {
    if (context.package(index).revision > newest_superseded_revision) {
      newest_superseded_revision = context.package(index).revision;
      newest_superseded = index;
    }
  });
  if (superseded != 0 && newest_superseded_revision > current_ubr) {
    packages.set(newest_superseded, CbsState::installed);
  }
  state.ubr = committed_ubr(context, packages);
  PackageMask older = 0;
  for_each_package(context.cumulative & packages.in_state(CbsState::installed),
                   [&](PackageIndex index) {
                     if (context.package(index).revision < state.ubr) older |= package_bit(index);
                   });
  packages.set_all(older, CbsState::superseded);
}

/// §2 (v2): packages in `mask` commit. A regressing package's regression begins on a device
/// that has it; then every active regression one of whose fixes commits in `mask` ends, so a fix
/// committed in the same reboot wins, and a fix committed earlier does not prevent it.
void track_regressions(const ServicingContext& context, TargetState& state, PackageMask mask) {
  DeviceBits active = state.regressions;
  for_each_package(mask & context.regressing, [&](PackageIndex index) {
    const unsigned slot = context.regression_slot[index];
    if ((state.device >> slot & 1u) != 0) {
      SVCSIM_PROBE(Probe::regression_began);
      active = static_cast<DeviceBits>(active | 1u << slot);
    }
  });
  for (DeviceBits rest = active; rest != 0; rest = static_cast<DeviceBits>(rest & (rest - 1))) {
    const auto slot = static_cast<unsigned>(std::countr_zero(rest));
    if ((context.fixes[slot] & mask) != 0) {
      SVCSIM_PROBE(Probe::regression_fixed);
      active = static_cast<DeviceBits>(active & ~(1u << slot));
    }
  }
  // Only a regression the device has can be on, before and after.
  SVCSIM_ASSERT((state.regressions & ~(state.device & context.regression_slots)) == 0);
  SVCSIM_ASSERT((active & ~(state.device & context.regression_slots)) == 0);
  state.regressions = active;
}

/// A package's content becomes part of the image: `installed`, or `permanent` for an SSU or a
/// package marked permanent (DISM displays both as Installed).
void commit_packages(const ServicingContext& context, TargetState& state, PackageMask mask) {
  // One test on the common path: no regressing package commits and none is active.
  if (((mask & context.regressing) | state.regressions) != 0) {
    track_regressions(context, state, mask);
  }
  const PackageMask permanent = mask & context.permanent;
  state.packages.set_all(mask & ~permanent, CbsState::installed);
  state.packages.set_all(permanent, CbsState::permanent);
  for_each_package(mask & context.ssu, [&](PackageIndex index) {
    state.ssu_version = std::max(state.ssu_version, context.package(index).revision);
  });
  settle_cumulative_chain(context, state);
  state.build = reported_build(context, state.packages);
}

/// Puts packages into a pending state, remembering where each came from (the origin bit) so a
/// rollback can restore it exactly.
void make_pending(TargetState& state, PackageMask mask, CbsState pending, CbsState origin_state) {
  const PackageMask from_origin = mask & state.packages.in_state(origin_state);
  state.packages.set_all(mask, pending);
  state.packages.set_origin(from_origin);
}

/// Returns every pending package to its state before the pending session (§4.6, §5
/// startup_failure), then settles the CU chain: a CU committed at once meanwhile (restart no or
/// possible) may now supersede a record the rollback made installed again.
void roll_back_pending(const ServicingContext& context, TargetState& state) {
  PackageStates& packages = state.packages;
  const PackageMask origin = packages.origin_mask();
  const PackageMask installing = packages.in_state(CbsState::install_pending);
  const PackageMask uninstalling = packages.in_state(CbsState::uninstall_pending);
  packages.set_all(installing & origin, CbsState::staged);
  packages.set_all(installing & ~origin, CbsState::absent);
  packages.set_all(uninstalling & origin, CbsState::superseded);
  packages.set_all(uninstalling & ~origin, CbsState::installed);
  state.flags.set(TargetFlag::reboot_pending, false);
  state.flags.set(TargetFlag::commit_interrupted, false);
  state.flags.set(TargetFlag::pending_online_actions, false);
  settle_cumulative_chain(context, state);
  state.build = reported_build(context, state.packages);
}

Outcome unchanged(const TargetState& state, ResultCode code, OutcomeNotes notes = 0) {
  Outcome outcome;
  outcome.state = state;
  outcome.code = code;
  outcome.notes = notes;
  return outcome;
}

// ---------------------------------------------------------------------------------------------
// §4.1 add: the checks, shared by a single add and by each package of a Method 1 session.

enum class CheckVerdict : std::uint8_t { proceed, already, failed, skipped };

struct AddCheck {
  CheckVerdict verdict = CheckVerdict::proceed;
  ResultCode code = ResultCode::s_ok;
  OutcomeNotes notes = 0;
};

/// What §4.1's checks may count as queued besides the committed records: every pending record
/// (`baseline_sees_pending`, or its v2 reading for prerequisites), and a Method 1 session's own
/// queue, which the session always sees (§4.2).
struct PendingView {
  bool all = false;
  PackageMask own = 0;
};

/// The UBR §4.1's checks compare against under `view`.
std::uint32_t ubr_in_view(const ServicingContext& context, const TargetState& state,
                          PendingView view) {
  // A session's own queue is only ever packages it put in install_pending.
  SVCSIM_ASSERT((view.own & ~context.all) == 0);
  if (view.all) return effective_ubr_with_pending(context, state);
  const PackageMask own = view.own & context.cumulative & state.packages.in_state(CbsState::install_pending);
  return newest_revision(context, own, state.ubr);
}

/// §4.1 check 5: whether /PreventPending skips an add of `bit` (the target package) here.
bool prevents(const ServicingContext& context, const TargetState& state, PackageMask bit) {
  return has_pending_operations(state) ||
         (is_offline(context.target_kind) && (context.online_actions & bit) != 0);
}

/// Runs §4.1 checks 2-10a for package `index` against `state`, which it may change only as the
/// checks themselves do: check 4 may set `store_corrupt`, check 6 raises `ssu_version`.
/// `view` is the effective-UBR rule: the knob for single adds; inside one Method 1 session the
/// knob plus the session's own queue (v2: CUs queued by an earlier session count only by the
/// knob, as for a single add).
AddCheck check_add(const ServicingContext& context, TargetState& state, PackageIndex index,
                   bool prevent_pending, PendingView view) {
  const Package& package = context.package(index);
  const PackageMask bit = package_bit(index);
  const CbsState record = state.packages.get(index);
  SVCSIM_ASSERT_MSG(record != CbsState::partially_installed,
                    "a partially installed package implies an unserviceable target");

  // 2. Wrong target kind. v2: check 6 runs first where the image takes servicing stacks but not
  // the package (a combined SSU+LCU on winre.wim): the SSU installs if newer, then the LCU part
  // fails 0x8007007E, which Microsoft's media-refresh procedure says to ignore.
  if ((context.applicable & bit) == 0) {
    if (package.bundled_ssu != 0 && takes_servicing_stacks(context.target_kind)) {
      SVCSIM_PROBE(Probe::winre_combined_cu_mod_not_found);
      OutcomeNotes notes = 0;
      if (package.bundled_ssu > state.ssu_version) {
        state.ssu_version = package.bundled_ssu;
        notes |= note_bit(OutcomeNote::bundled_ssu_installed);
      }
      return {CheckVerdict::failed, ResultCode::error_mod_not_found, notes};
    }
    SVCSIM_PROBE(Probe::add_not_applicable_target_kind);
    return {CheckVerdict::failed, ResultCode::cbs_e_not_applicable, 0};
  }
  // 3. Already there. install_pending: the reboot is still owed, so DISM says 3010 again.
  if (is_committed(record)) {
    SVCSIM_PROBE(Probe::add_already_installed);
    return {CheckVerdict::already, ResultCode::already_installed, note_bit(OutcomeNote::nothing_to_do)};
  }
  if (record == CbsState::install_pending) {
    const ResultCode code = is_offline(context.target_kind) ? ResultCode::already_installed
                                                            : ResultCode::success_reboot_required;
    return {CheckVerdict::already, code, note_bit(OutcomeNote::nothing_to_do)};
  }
  // Not in §4.1: adding a package whose uninstall waits for a reboot. CBS will not start a
  // second operation on a package with one pending; 0x800F0806 is its answer to that.
  if (record == CbsState::uninstall_pending) {
    return {CheckVerdict::failed, ResultCode::cbs_e_pending, 0};
  }
  const std::uint32_t ubr_seen = ubr_in_view(context, state, view);
  OutcomeNotes notes = 0;
  // 4. Older than what is installed. A staged orphan is treated like an absent record here:
  // applicability is decided afresh on every add, whatever payload is already staged.
  if (is_cumulative(package.kind) && package.revision <= ubr_seen) {
    if (state.flags.has(TargetFlag::components_reset)) {
      SVCSIM_PROBE(Probe::add_older_cu_after_reset_base);
      state.flags.set(TargetFlag::store_corrupt);  // BatUtil #67: later adds may still "succeed"
      return {CheckVerdict::failed, ResultCode::error_sxs_component_store_corrupt, 0};
    }
    if (package.kind != PackageKind::checkpoint_cu ||
        context.knobs.older_checkpoint == OlderCheckpoint::not_applicable) {
      SVCSIM_PROBE(Probe::add_older_cu_not_applicable);
      return {CheckVerdict::failed, ResultCode::cbs_e_not_applicable, 0};
    }
    // v2: Microsoft's FoD and language-pack procedure re-adds the checkpoint to an image that
    // already has it; install.wim takes it "without complaint" (BatUtil #67). It installs with
    // no UBR change and its record ends superseded (the chain settles it at commit).
    SVCSIM_PROBE(Probe::add_older_checkpoint_applicable);
    notes |= note_bit(OutcomeNote::older_checkpoint);
  }
  if (package.kind == PackageKind::ssu && package.revision <= state.ssu_version) {
    SVCSIM_PROBE(Probe::add_older_ssu_not_applicable);
    return {CheckVerdict::failed, ResultCode::cbs_e_not_applicable, 0};  // OSBuilder.Public #1
  }
  // End of check 4 (v2): once the store is corrupt, CU adds follow the knob.
  if (is_cumulative(package.kind) && state.flags.has(TargetFlag::store_corrupt) &&
      context.knobs.corrupt_store_adds == CorruptStoreAdds::fail) {
    SVCSIM_PROBE(Probe::add_corrupt_store_fails);
    return {CheckVerdict::failed, ResultCode::cbs_e_source_missing, 0};
  }
  // 4a. A servicing stack does not install under a pending reboot (knob).
  if (package.kind == PackageKind::ssu && context.knobs.ssu_blocked_by_pending_reboot &&
      state.flags.has(TargetFlag::reboot_pending)) {
    SVCSIM_PROBE(Probe::add_ssu_refused_reboot_pending);
    return {CheckVerdict::failed, ResultCode::cbs_e_pending, 0};
  }
  // 5. /PreventPending: skipped, reported as success (a documented false success). v2: also when
  // the package itself has online actions on an image ("if the package or Windows image has
  // pending online actions").
  if (prevent_pending && prevents(context, state, bit)) {
    SVCSIM_PROBE(Probe::add_skipped_prevent_pending);
    if (!has_pending_operations(state)) SVCSIM_PROBE(Probe::add_skipped_own_online_actions);
    return {CheckVerdict::skipped, ResultCode::s_ok, note_bit(OutcomeNote::skipped_prevent_pending)};
  }
  // 6. The bundled SSU installs first, in its own session: it stays whatever happens next.
  if (package.bundled_ssu > state.ssu_version) {
    SVCSIM_PROBE(Probe::add_bundled_ssu_installed);
    state.ssu_version = package.bundled_ssu;
    notes |= note_bit(OutcomeNote::bundled_ssu_installed);
  }
  // 7. Servicing stack too old.
  if (package.ssu_min > state.ssu_version) {
    SVCSIM_PROBE(Probe::add_servicing_stack_too_old);
    return {CheckVerdict::failed, ResultCode::cbs_e_new_servicing_stack_required, notes};
  }
  // 8. The checkpoint baseline this CU is a delta against is missing (knob for the code).
  if (package.baseline != 0 && ubr_seen < package.baseline) {
    SVCSIM_PROBE(Probe::add_baseline_missing);
    return {CheckVerdict::failed, context.knobs.missing_baseline_error, notes};
  }
  // 9. Enablement package below its minimum UBR.
  if (package.kind == PackageKind::enablement && ubr_seen < package.requires_ubr_min) {
    SVCSIM_PROBE(Probe::add_enablement_below_ubr_min);
    return {CheckVerdict::failed, ResultCode::cbs_e_not_applicable, notes};
  }
  // 10. A required package is neither committed nor (when CBS sees pending content) queued.
  for (PackageIndex required : package.requires_packages) {
    const bool queued_in_view = view.all || (view.own & package_bit(required)) != 0;
    if (!is_state_committed_or_queued(state.packages, required, queued_in_view)) {
      SVCSIM_PROBE(Probe::add_requires_missing);
      return {CheckVerdict::failed, ResultCode::cbs_e_not_applicable, notes};
    }
  }
  // 10a (v2). The device has this package's defect at add: its code, nothing else changes (a
  // bundled SSU that check 6 raised stays).
  if ((context.defect_at_add & bit) != 0 && context.has_defect(state.device, index)) {
    SVCSIM_PROBE(Probe::add_defect_struck);
    notes |= note_bit(OutcomeNote::defect_struck);
    return {CheckVerdict::failed, package.defect->code, notes};
  }
  return {CheckVerdict::proceed, ResultCode::s_ok, notes};
}

/// §4.1 check 11: the add succeeds. Returns the code the add reports.
ResultCode install_package(const ServicingContext& context, TargetState& state,
                           PackageIndex index) {
  const PackageMask bit = package_bit(index);
  if ((context.permanent & bit) != 0) SVCSIM_PROBE(Probe::add_permanent);
  if (!is_offline(context.target_kind)) {
    if ((context.restart_required & bit) != 0) {
      SVCSIM_PROBE(Probe::add_pending_reboot);
      make_pending(state, bit, CbsState::install_pending, CbsState::staged);
      state.flags.set(TargetFlag::reboot_pending);
      return ResultCode::success_reboot_required;  // a CU's ubr changes only at the reboot
    }
    SVCSIM_PROBE(Probe::add_installed_online);
    commit_packages(context, state, bit);
    return ResultCode::s_ok;
  }
  if ((context.online_actions & bit) != 0) {
    SVCSIM_PROBE(Probe::add_pending_online_actions);
    make_pending(state, bit, CbsState::install_pending, CbsState::staged);
    state.flags.set(TargetFlag::pending_online_actions);
    return ResultCode::s_ok;
  }
  SVCSIM_PROBE(Probe::add_installed_offline);
  commit_packages(context, state, bit);
  return ResultCode::s_ok;
}

/// §5 faults at an add or a Method 1 session that passed every check. `installing` is what the
/// session would have installed; `checked` is the state before the session with what the checks
/// did (bundled SSU raised). Returns false if `fault` is not an add fault.
bool strike_add_fault(Outcome& outcome, Fault fault, const TargetState& checked,
                      PackageMask installing) {
  switch (fault) {
    case Fault::execute_failure:
      SVCSIM_PROBE(Probe::fault_execute_failure);
      outcome.state = checked;  // state as before the session; a bundled SSU stays
      outcome.code = ResultCode::cbs_e_installers_failed;
      break;
    case Fault::power_loss_staging:
      SVCSIM_PROBE(Probe::fault_power_loss_staging);
      outcome.state = checked;
      outcome.state.packages.set_all(installing, CbsState::staged);  // orphans
      outcome.code = ResultCode::cbs_e_session_interrupted;
      outcome.notes |= note_bit(OutcomeNote::process_killed);
      break;
    case Fault::disk_full:
      SVCSIM_PROBE(Probe::fault_disk_full);
      // v2 (§5): add faults strike after check 6, so a bundled SSU it raised stays raised;
      // "nothing changes" means nothing else.
      outcome.state = checked;
      outcome.code = ResultCode::error_disk_full;
      break;
    case Fault::payload_missing:
      SVCSIM_PROBE(Probe::fault_payload_missing);
      outcome.state = checked;
      outcome.code = ResultCode::psfx_e_missing_payload_file;
      break;
    default:
      return false;
  }
  outcome.fault = fault;
  return true;
}

Outcome apply_add(const ServicingContext& context, const TargetState& state,
                  const Operation& operation, Fault fault) {
  Outcome outcome;
  outcome.state = state;
  const AddCheck check = check_add(context, outcome.state, operation.package,
                                   operation.prevent_pending,
                                   PendingView{context.knobs.baseline_sees_pending, 0});
  outcome.notes |= check.notes;
  if (check.verdict != CheckVerdict::proceed) {
    if (check.verdict == CheckVerdict::skipped || check.verdict == CheckVerdict::already) {
      outcome.state = state;
    }
    outcome.code = check.code;
    return outcome;
  }
  outcome.fault_sites |= add_faults;
  const TargetState checked = outcome.state;
  if (strike_add_fault(outcome, fault, checked, package_bit(operation.package))) {
    return outcome;
  }
  // Assign, then return: an earlier finish(outcome, install_package(outcome.state)) left the
  // order of evaluation to the compiler, and clang copied `outcome` first (a fuzzer found every
  // add succeeding without effect in clang builds).
  outcome.code = install_package(context, outcome.state, operation.package);
  return outcome;
}

// ---------------------------------------------------------------------------------------------
// §4.2 Method 1: the target CU and every CU at or below it in the folder, one atomic session.

Outcome apply_add_folder(const ServicingContext& context, const TargetState& state,
                         const Operation& operation, Fault fault) {
  const Package& target = context.package(operation.package);
  if (!is_cumulative(target.kind)) return apply_add(context, state, operation, fault);

  Outcome outcome;
  outcome.state = state;
  TargetState& work = outcome.state;
  // Check 5 once for the session: the image, and the command's target package (§4.1, v2).
  if (operation.prevent_pending && prevents(context, state, package_bit(operation.package))) {
    SVCSIM_PROBE(Probe::add_skipped_prevent_pending);
    return unchanged(state, ResultCode::s_ok, note_bit(OutcomeNote::skipped_prevent_pending));
  }
  const bool sees_all = context.knobs.baseline_sees_pending;
  PackageMask installing = 0;
  bool target_already = false;
  ResultCode already_code = ResultCode::already_installed;
  // Ascending revision, the target last; ties keep catalog order.
  for (std::uint8_t position = 0; position <= context.cumulative_count; ++position) {
    const bool is_target = position == context.cumulative_count;
    const PackageIndex index =
        is_target ? operation.package : context.cumulative_by_revision[position];
    if (!is_target) {
      const Package& candidate = context.package(index);
      if (index == operation.package || candidate.revision > target.revision) continue;
      // Skip any at or below the effective UBR (the session sees its own earlier packages).
      const std::uint32_t ubr_seen = ubr_in_view(context, work, PendingView{sees_all, installing});
      if (candidate.revision <= ubr_seen) continue;
    }
    const AddCheck check = check_add(context, work, index, false, PendingView{sees_all, installing});
    if (check.verdict == CheckVerdict::already) {
      // Nothing to do for this one (a CU an earlier session queued, seen only by the knob); the
      // session goes on, and says "nothing to do" only if nothing else is installed either.
      if (is_target) {
        target_already = true;
        already_code = check.code;
      }
      continue;
    }
    outcome.notes |= check.notes;
    if (check.verdict == CheckVerdict::failed) {
      SVCSIM_PROBE(Probe::method1_session_rolled_back);
      // Atomic: nothing of the session stays but what is permanent by nature (bundled SSUs)
      // and latent damage the checks discovered.
      TargetState rolled_back = state;
      rolled_back.ssu_version = work.ssu_version;
      rolled_back.flags.set(TargetFlag::store_corrupt, work.flags.has(TargetFlag::store_corrupt));
      outcome.state = rolled_back;
      outcome.code = check.code;
      return outcome;
    }
    SVCSIM_ASSERT(check.verdict == CheckVerdict::proceed);
    install_package(context, work, index);
    installing |= package_bit(index);
  }
  if (installing == 0) {
    outcome.state = state;
    outcome.state.ssu_version = work.ssu_version;
    outcome.notes |= note_bit(OutcomeNote::nothing_to_do);
    outcome.code = target_already ? already_code : ResultCode::already_installed;
    return outcome;
  }
  // The session commits as one (§4.2): a fix among the packages it commits at once wins over
  // a regression among them whatever their order, as a fix in the same reboot does (§2). Its
  // queued packages are judged at their reboot.
  work.regressions = state.regressions;
  const PackageMask committed_at_once =
      installing & (work.packages.in_state(CbsState::installed) |
                    work.packages.in_state(CbsState::permanent) |
                    work.packages.in_state(CbsState::superseded));
  if (((committed_at_once & context.regressing) | work.regressions) != 0) {
    track_regressions(context, work, committed_at_once);
  }
  outcome.fault_sites |= add_faults;
  TargetState checked = state;  // the state before the session with its bundled SSUs
  checked.ssu_version = work.ssu_version;
  if (strike_add_fault(outcome, fault, checked, installing)) return outcome;
  SVCSIM_PROBE(Probe::method1_session_installed);
  const bool pending = !is_offline(context.target_kind) &&
                       (installing & work.packages.in_state(CbsState::install_pending)) != 0;
  outcome.code = pending ? ResultCode::success_reboot_required : ResultCode::s_ok;
  return outcome;
}

// ---------------------------------------------------------------------------------------------
// §4.3 reboot and its faults.

/// Whether the device's defect at commit strikes one of the packages a reboot would commit.
bool commit_defect_strikes(const ServicingContext& context, const TargetState& state,
                           PackageMask installing) {
  bool strikes = false;
  for_each_package(installing & context.defect_at_commit, [&](PackageIndex index) {
    strikes = strikes || context.has_defect(state.device, index);
  });
  return strikes;
}

Outcome apply_reboot_once(const ServicingContext& context, const TargetState& state, Fault fault) {
  Outcome outcome;
  outcome.state = state;
  TargetState& next = outcome.state;
  const PackageMask pending = pending_records(state.packages);
  if (pending == 0) {
    // Nothing of ours is pending; a reboot owed to something outside the catalog is paid.
    const bool owed = state.flags.has(TargetFlag::reboot_pending) ||
                      state.flags.has(TargetFlag::commit_interrupted);
    next.flags.set(TargetFlag::reboot_pending, false);
    next.flags.set(TargetFlag::commit_interrupted, false);
    outcome.code = ResultCode::s_ok;
    if (!owed) {
      outcome.notes |= note_bit(OutcomeNote::nothing_to_do);
      return outcome;
    }
    // v2 (§5): CBS has work of its own queued, so this reboot executes pending operations and
    // reboot faults strike here too: the boot rolls that work back, dies in it, or fails its
    // rollback.
    outcome.fault_sites |= reboot_faults;
    switch (fault) {
      case Fault::startup_failure:
        SVCSIM_PROBE(Probe::fault_startup_failure);
        SVCSIM_PROBE(Probe::reboot_owed_work_faulted);
        outcome.notes |= note_bit(OutcomeNote::session_rolled_back);
        break;
      case Fault::commit_interrupted:
        SVCSIM_PROBE(Probe::fault_commit_interrupted);
        SVCSIM_PROBE(Probe::reboot_owed_work_faulted);
        next.flags = state.flags;  // still owed, and now interrupted: the next reboot retries
        next.flags.set(TargetFlag::commit_interrupted);
        break;
      case Fault::rollback_failure:
        SVCSIM_PROBE(Probe::fault_rollback_failure);
        SVCSIM_PROBE(Probe::reboot_owed_work_faulted);
        next.flags.set(TargetFlag::unserviceable);
        outcome.code = ResultCode::cbs_e_installers_failed;
        break;
      default:
        return outcome;
    }
    outcome.fault = fault;
    return outcome;
  }
  outcome.fault_sites |= reboot_faults;
  if (state.flags.has(TargetFlag::commit_interrupted)) {
    outcome.notes |= note_bit(OutcomeNote::commit_retried);
    SVCSIM_PROBE(Probe::reboot_commit_retried);
  }
  switch (fault) {
    case Fault::startup_failure:
      SVCSIM_PROBE(Probe::fault_startup_failure);
      // "We couldn't complete the updates. Undoing changes": the boot succeeds, the session is
      // gone, and only a later query shows it.
      roll_back_pending(context, next);
      outcome.fault = fault;
      outcome.notes |= note_bit(OutcomeNote::session_rolled_back);
      outcome.code = ResultCode::s_ok;
      return outcome;
    case Fault::commit_interrupted:
      SVCSIM_PROBE(Probe::fault_commit_interrupted);
      // Power lost executing pending.xml: it stays; the next reboot retries it.
      next.flags.set(TargetFlag::commit_interrupted);
      outcome.fault = fault;
      outcome.code = ResultCode::s_ok;
      return outcome;
    case Fault::rollback_failure: {
      SVCSIM_PROBE(Probe::fault_rollback_failure);
      // The failed session leaves its packages half done. One it was uninstalling keeps the
      // origin bit: its content is still the current one, and `ubr` does not move.
      const PackageMask uninstalling = state.packages.in_state(CbsState::uninstall_pending);
      next.packages.set_all(pending, CbsState::partially_installed);
      next.packages.set_origin(uninstalling);
      next.flags.set(TargetFlag::reboot_pending, false);
      next.flags.set(TargetFlag::commit_interrupted, false);
      next.flags.set(TargetFlag::unserviceable);
      outcome.fault = fault;
      outcome.code = ResultCode::cbs_e_installers_failed;
      return outcome;
    }
    default:
      break;
  }
  const PackageMask installing = state.packages.in_state(CbsState::install_pending);
  if ((installing & context.defect_at_commit) != 0 &&
      commit_defect_strikes(context, state, installing)) {
    // §4.3 (v2): the device's defect rolls the whole pending session back at every boot, as a
    // startup failure does, and the reboot looks fine (Windows Update's history shows 0x800F0922).
    SVCSIM_PROBE(Probe::reboot_defect_rolled_back);
    roll_back_pending(context, next);
    outcome.notes |= note_bit(OutcomeNote::session_rolled_back);
    outcome.notes |= note_bit(OutcomeNote::defect_struck);
    outcome.code = ResultCode::s_ok;
    return outcome;
  }
  SVCSIM_PROBE(Probe::reboot_committed);
  const PackageMask uninstalling = state.packages.in_state(CbsState::uninstall_pending);
  next.packages.set_all(uninstalling, CbsState::absent);
  commit_packages(context, next, installing);
  if (installing == 0) {
    settle_cumulative_chain(context, next);
    next.build = reported_build(context, next.packages);
  }
  next.flags.set(TargetFlag::reboot_pending, false);
  next.flags.set(TargetFlag::commit_interrupted, false);
  outcome.code = ResultCode::s_ok;
  return outcome;
}

/// §4.3: a reboot of an online target. Where the plan's reboot_count_max can bind (the context
/// says so), a reboot due past it does not run: the target is marked `reboot_loop` and the plan
/// ends the run there, stuck (v2). Every reboot that runs, faulted or not, counts.
Outcome apply_reboot(const ServicingContext& context, const TargetState& state, Fault fault) {
  if (is_offline(context.target_kind)) return unchanged(state, ResultCode::cbs_e_not_applicable);
  if (context.reboot_count_max == ServicingContext::reboot_count_unbounded) {
    return apply_reboot_once(context, state, fault);
  }
  SVCSIM_ASSERT(context.reboot_count_max < 0xFF);  // the count is one byte (plan.hpp's limit)
  if (state.reboot_count >= context.reboot_count_max) {
    SVCSIM_ASSERT(state.reboot_count == context.reboot_count_max);  // it never passes the bound
    SVCSIM_PROBE(Probe::reboot_loop_ended);
    Outcome outcome = unchanged(state, ResultCode::s_ok, note_bit(OutcomeNote::reboot_not_run));
    outcome.state.flags.set(TargetFlag::reboot_loop);
    return outcome;
  }
  Outcome outcome = apply_reboot_once(context, state, fault);
  SVCSIM_ASSERT(state.reboot_count < 0xFF);
  outcome.state.reboot_count = static_cast<std::uint8_t>(state.reboot_count + 1);
  return outcome;
}

// ---------------------------------------------------------------------------------------------
// §4.4 remove, §4.5 cleanup, §4.6 revert_pending.

Outcome apply_remove(const ServicingContext& context, const TargetState& state,
                     const Operation& operation) {
  const PackageIndex index = operation.package;
  const PackageMask bit = package_bit(index);
  const CbsState record = state.packages.get(index);
  if ((context.permanent & bit) != 0 || record == CbsState::permanent ||
      record == CbsState::partially_installed) {
    SVCSIM_PROBE(Probe::remove_permanent);
    return unchanged(state, ResultCode::cbs_e_cannot_uninstall);
  }
  switch (record) {
    case CbsState::absent:
      SVCSIM_PROBE(Probe::remove_absent);
      return unchanged(state, context.knobs.remove_absent_error);
    case CbsState::install_pending:
      return unchanged(state, ResultCode::cbs_e_pending);
    case CbsState::uninstall_pending:
      return unchanged(state, ResultCode::success_reboot_required,
                       note_bit(OutcomeNote::nothing_to_do));
    case CbsState::staged: {
      // An orphan stage holds no installed content: removing it needs no reboot.
      Outcome outcome = unchanged(state, ResultCode::s_ok);
      outcome.state.packages.set(index, CbsState::absent);
      return outcome;
    }
    default:
      break;
  }
  Outcome outcome = unchanged(state, ResultCode::s_ok);
  if (!is_offline(context.target_kind)) {
    SVCSIM_PROBE(Probe::remove_uninstall_pending);
    make_pending(outcome.state, bit, CbsState::uninstall_pending, CbsState::superseded);
    outcome.state.flags.set(TargetFlag::reboot_pending);
    outcome.code = ResultCode::success_reboot_required;
    return outcome;
  }
  outcome.state.packages.set(index, CbsState::absent);
  settle_cumulative_chain(context, outcome.state);
  outcome.state.build = reported_build(context, outcome.state.packages);
  return outcome;
}

Outcome apply_cleanup(const ServicingContext& context, const TargetState& state,
                      const Operation& operation) {
  if (has_pending_operations(state)) SVCSIM_PROBE(Probe::cleanup_refused_pending);
  if (has_pending_operations(state)) return unchanged(state, ResultCode::cbs_e_pending);
  SVCSIM_PROBE(Probe::cleanup_done);
  Outcome outcome = unchanged(state, ResultCode::s_ok);
  PackageStates& packages = outcome.state.packages;
  packages.set_all(context.all & packages.in_state(CbsState::superseded), CbsState::absent);
  if (operation.reset_base) {
    // v2 (§1, §4.5): only /ResetBase removes the superseded components for good, so only then
    // can an older CU no longer be resolved against the store (§4.1 check 4, BatUtil #67). A
    // plain cleanup leaves them to the scheduled task's grace period.
    SVCSIM_PROBE(Probe::cleanup_reset_base);
    packages.set_all(context.all & packages.in_state(CbsState::installed), CbsState::permanent);
    outcome.state.flags.set(TargetFlag::components_reset);
  }
  return outcome;
}

Outcome apply_revert_pending(const ServicingContext& context, const TargetState& state) {
  const bool pending = pending_records(state.packages) != 0 || has_pending_operations(state);
  Outcome outcome = unchanged(state, ResultCode::s_ok);
  if (!pending) {
    outcome.notes |= note_bit(OutcomeNote::nothing_to_do);
    return outcome;
  }
  SVCSIM_PROBE(Probe::revert_pending_rolled_back);
  roll_back_pending(context, outcome.state);
  return outcome;
}

// ---------------------------------------------------------------------------------------------
// §4.8 the media folder: files, not a package store.

/// A Setup DU's files replace the media's setup files (expand.exe into \sources): S_OK, no
/// fault site. Nothing else is serviced on media (0x800F081E).
Outcome apply_media(const ServicingContext& context, const TargetState& state,
                    const Operation& operation) {
  if (operation.kind != OperationKind::add ||
      (context.applicable & package_bit(operation.package)) == 0) {
    SVCSIM_PROBE(Probe::package_on_media_not_applicable);
    return unchanged(state, ResultCode::cbs_e_not_applicable);
  }
  SVCSIM_PROBE(Probe::setup_du_on_media);
  if (is_committed(state.packages.get(operation.package))) {
    return unchanged(state, ResultCode::s_ok, note_bit(OutcomeNote::nothing_to_do));
  }
  Outcome outcome = unchanged(state, ResultCode::s_ok);
  outcome.state.packages.set(operation.package, CbsState::installed);
  return outcome;
}

// ---------------------------------------------------------------------------------------------
// §4.8 copy_winre: a file copy into install.wim, not a CBS session.

Outcome apply_copy_winre(const ServicingContext& context, const TargetState& state,
                         const ServicedImage* copy_source) {
  if (context.target_kind != TargetKind::install_wim || copy_source == nullptr) {
    return unchanged(state, ResultCode::cbs_e_not_applicable);
  }
  SVCSIM_PROBE(Probe::copy_winre);
  Outcome outcome = unchanged(state, ResultCode::s_ok);
  CarriedWinre& carried = outcome.state.winre;
  carried = CarriedWinre{};
  carried.ubr = copy_source->ubr;
  carried.ssu_version = copy_source->ssu_version;
  for (std::size_t slot = 0; slot < context.catalog->size(); ++slot) {
    const auto index = static_cast<PackageIndex>(slot);
    if (context.package(index).kind == PackageKind::safeos_du &&
        is_committed(copy_source->packages.get(index))) {
      carried.safeos_dus |= package_bit(index);
    }
  }
  return outcome;
}

// ---------------------------------------------------------------------------------------------
// §4.7 offline lifecycle.

ServicedImage without_mount(ServicedImage image) {
  image.flags.set(TargetFlag::mounted, false);
  return image;
}

Outcome apply_offline_lifecycle(const TargetState& state, const Operation& operation) {
  Outcome outcome = unchanged(state, ResultCode::s_ok);
  TargetState& next = outcome.state;
  switch (operation.kind) {
    case OperationKind::mount:
      if (state.flags.has(TargetFlag::mounted)) {
        outcome.notes |= note_bit(OutcomeNote::nothing_to_do);
        return outcome;
      }
      SVCSIM_PROBE(Probe::image_mounted);
      next.flags.set(TargetFlag::mounted);
      next.committed = without_mount(next);
      return outcome;
    case OperationKind::commit:
      SVCSIM_PROBE(Probe::image_committed);
      next.committed = without_mount(next);
      return outcome;
    case OperationKind::discard:
      SVCSIM_PROBE(Probe::image_discarded);
      static_cast<ServicedImage&>(next) = next.committed;
      next.flags.set(TargetFlag::mounted, false);
      return outcome;
    default:
      SVCSIM_ASSERT_MSG(false, "not an offline lifecycle operation");
  }
  return outcome;
}

}  // namespace

std::uint32_t committed_ubr(const ServicingContext& context, const PackageStates& packages) {
  return newest_revision(context, context.cumulative & current_records(packages), context.base_ubr);
}

std::uint32_t effective_ubr(const ServicingContext& context, const TargetState& state) {
  return context.knobs.baseline_sees_pending ? effective_ubr_with_pending(context, state)
                                             : state.ubr;
}

std::uint32_t reported_build(const ServicingContext& context, const PackageStates& packages) {
  const PackageMask enabled = context.enablement & current_records(packages);
  std::uint32_t build = context.base_build;
  for_each_package(enabled, [&](PackageIndex index) {
    const std::uint32_t target_build = context.package(index).target_build;
    // Default: 24H2 -> 25H2 is 26100 -> 26200, the one enablement step the record documents.
    build = std::max(build, target_build != 0 ? target_build : context.base_build + 100);
  });
  return build;
}

bool has_pending_operations(const TargetState& state) {
  return state.flags.has(TargetFlag::reboot_pending) ||
         state.flags.has(TargetFlag::pending_online_actions) ||
         state.flags.has(TargetFlag::commit_interrupted);
}

bool takes_servicing_stacks(TargetKind kind) {
  return (package_defaults(PackageKind::ssu).applies_to & target_kind_bit(kind)) != 0;
}

Outcome apply(const ServicingContext& context, const TargetState& state, const Operation& operation,
              Fault fault, const ServicedImage* copy_source) {
  SVCSIM_ASSERT(context.catalog != nullptr);
  SVCSIM_ASSERT(!takes_package(operation.kind) || operation.package < context.catalog->size());
  // The media folder is no image: nothing mounts, nothing crashes mid-session (§4.8).
  if (context.target_kind == TargetKind::media) return apply_media(context, state, operation);
  const bool offline = is_offline(context.target_kind);
  const bool lifecycle = operation.kind == OperationKind::mount ||
                         operation.kind == OperationKind::commit ||
                         operation.kind == OperationKind::discard;
  if (lifecycle && !offline) return unchanged(state, ResultCode::cbs_e_not_applicable);

  const bool mounted = state.flags.has(TargetFlag::mounted);
  if (offline && mounted && fault == Fault::crash_while_mounted) {
    // The servicing process dies with the image mounted: the mount is discarded (§4.7).
    SVCSIM_PROBE(Probe::fault_crash_while_mounted);
    Outcome outcome = unchanged(state, ResultCode::cbs_e_session_interrupted,
                                note_bit(OutcomeNote::process_killed));
    static_cast<ServicedImage&>(outcome.state) = state.committed;
    outcome.state.flags.set(TargetFlag::mounted, false);
    outcome.fault = fault;
    outcome.fault_sites = fault_bit(Fault::crash_while_mounted);
    return outcome;
  }
  const FaultSet crash_site = (offline && mounted) ? fault_bit(Fault::crash_while_mounted) : 0;
  if (offline && !mounted && operation.kind != OperationKind::mount) {
    SVCSIM_PROBE(Probe::image_not_mounted);
    if (operation.kind == OperationKind::copy_winre) SVCSIM_PROBE(Probe::copy_winre_unmounted);
    return unchanged(state, ResultCode::error_file_not_found);  // /Image: names no mounted image
  }

  Outcome outcome;
  if (lifecycle) {
    outcome = apply_offline_lifecycle(state, operation);
  } else if (operation.kind == OperationKind::reboot) {
    outcome = apply_reboot(context, state, fault);
  } else if (operation.kind == OperationKind::copy_winre) {
    outcome = apply_copy_winre(context, state, copy_source);  // a file copy: no CBS session
  } else if (state.flags.has(TargetFlag::unserviceable)) {
    SVCSIM_PROBE(Probe::session_refused_unserviceable);
    outcome = unchanged(state, ResultCode::cbs_e_image_unserviceable);  // §4.1 check 1
  } else {
    switch (operation.kind) {
      case OperationKind::add: outcome = apply_add(context, state, operation, fault); break;
      case OperationKind::add_folder:
        outcome = apply_add_folder(context, state, operation, fault);
        break;
      case OperationKind::remove: outcome = apply_remove(context, state, operation); break;
      case OperationKind::cleanup: outcome = apply_cleanup(context, state, operation); break;
      case OperationKind::revert_pending: outcome = apply_revert_pending(context, state); break;
      default: SVCSIM_ASSERT_MSG(false, "unhandled operation kind");
    }
  }
  outcome.fault_sites |= crash_site;
  return outcome;
}

}  // namespace svcsim::model
