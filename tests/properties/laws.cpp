// The servicing laws as checks of one transition (see laws.hpp). These walk the packages one by
// one with PackageStates::get and restate the spec; they share no code with apply() and do not
// reuse model::check_step's I3 logic (law_invariants calls check_step as the one law that is
// *about* check_step).
#include "laws.hpp"

#include <algorithm>
#include <string_view>

#include "svcsim/model/invariants.hpp"
#include "svcsim/model/result_code.hpp"
#include "text.hpp"

namespace svcsim::properties {
namespace {

using model::CbsState;
using model::Fault;
using model::OperationKind;
using model::PackageIndex;
using model::PackageMask;
using model::TargetFlag;

std::size_t package_count(const model::ServicingContext& context) { return context.catalog->size(); }

PackageIndex index_at(std::size_t slot) { return static_cast<PackageIndex>(slot); }

std::string name(CbsState state) { return std::string(model::cbs_state_name(state)); }

std::string package_text(const model::ServicingContext& context, PackageIndex index) {
  return context.package(index).id;
}

const model::ServicedImage& image(const model::TargetState& state) { return state; }

model::ServicedImage unmounted(model::ServicedImage image) {
  image.flags.set(TargetFlag::mounted, false);
  return image;
}

bool is_cumulative(const model::ServicingContext& context, PackageIndex index) {
  return model::is_cumulative(context.package(index).kind);
}

bool is_ssu(const model::ServicingContext& context, PackageIndex index) {
  return context.package(index).kind == model::PackageKind::ssu;
}

/// Packages that are permanent by nature (§2: every SSU, or `permanent: true`).
bool is_permanent_by_nature(const model::ServicingContext& context, PackageIndex index) {
  return is_ssu(context, index) || context.package(index).permanent;
}

/// The newest revision among the CU records for which `counts` holds, or the base UBR.
template <typename Counts>
std::uint32_t newest_cu(const model::ServicingContext& context, Counts counts) {
  std::uint32_t newest = context.base_ubr;
  for (std::size_t slot = 0; slot < package_count(context); ++slot) {
    const PackageIndex index = index_at(slot);
    if (is_cumulative(context, index) && counts(index)) {
      newest = std::max(newest, context.package(index).revision);
    }
  }
  return newest;
}

/// The packages whose MSUs an add or a Method 1 session processes (§4.1, §4.2): the package
/// itself; for Method 1 on a CU also every CU at or below its revision in the folder.
bool processed_by(const model::ServicingContext& context, const model::Operation& operation,
                  PackageIndex index) {
  if (index == operation.package) return true;
  if (operation.kind != OperationKind::add_folder) return false;
  const model::Package& target = context.package(operation.package);
  return model::is_cumulative(target.kind) && is_cumulative(context, index) &&
         context.package(index).revision <= target.revision;
}

bool add_like(const model::Operation& operation) {
  return operation.kind == OperationKind::add || operation.kind == OperationKind::add_folder;
}

}  // namespace

bool is_pending(CbsState state) {
  return state == CbsState::install_pending || state == CbsState::uninstall_pending;
}

PackageMask pending_packages(const model::ServicingContext& context,
                             const model::PackageStates& packages) {
  PackageMask mask = 0;
  for (std::size_t slot = 0; slot < package_count(context); ++slot) {
    if (is_pending(packages.get(index_at(slot)))) mask |= model::package_bit(index_at(slot));
  }
  return mask;
}

bool restores_last_commit(const StepView& step) {
  return step.outcome.fault == Fault::crash_while_mounted ||
         (step.operation.kind == OperationKind::discard && model::is_success(step.outcome.code) &&
          step.before.flags.has(TargetFlag::mounted));
}

void track_session(const StepView& step, PendingSession& session, PendingSession& committed) {
  const model::ServicingContext& context = step.context;
  const model::TargetState& before = step.before;
  const model::TargetState& after = step.outcome.state;
  if (restores_last_commit(step)) {
    // The image is the last committed one again, and so is what we knew of its session.
    session = committed;
    return;
  }
  const PackageMask pending_before = pending_packages(context, before.packages);
  const PackageMask pending_after = pending_packages(context, after.packages);
  if (pending_before == 0 && pending_after != 0) {
    session = PendingSession{};
    session.start = before;
  }
  if (session.active()) {
    for (std::size_t slot = 0; slot < package_count(context); ++slot) {
      const PackageIndex index = index_at(slot);
      const CbsState was = before.packages.get(index);
      const CbsState now = after.packages.get(index);
      if (!is_pending(was) && is_pending(now)) session.before_pending[index] = was;
      if (!is_pending(was) && !is_pending(now) && was != now) {
        session.changed_at_once |= model::package_bit(index);
      }
    }
  }
  if (pending_after == 0) session = PendingSession{};
  const bool mounted_now = !before.flags.has(TargetFlag::mounted) &&
                           after.flags.has(TargetFlag::mounted);
  const bool committed_now = step.operation.kind == OperationKind::commit &&
                             model::is_success(step.outcome.code) &&
                             step.outcome.fault == Fault::none;
  if (mounted_now || committed_now) committed = session;
}

std::string law_invariants(const StepView& step) {
  const model::InvariantViolation violation =
      model::check_step(step.context, step.before, step.operation, step.outcome);
  if (!violation) return {};
  return "invariants I1-I4: " + model::describe(step.context, step.outcome.state, violation);
}

std::string law_fault_sites(const StepView& step) {
  const model::ServicingContext& context = step.context;
  const model::Outcome clean = model::apply(context, step.before, step.operation, Fault::none);
  const model::Outcome& outcome = step.outcome;
  if (step.fault == Fault::none) {
    if (outcome.fault != Fault::none) return "fault sites: a fault struck that nobody asked for";
    if (clean.state != outcome.state || clean.code != outcome.code ||
        clean.notes != outcome.notes || clean.fault_sites != outcome.fault_sites) {
      return "fault sites: apply() gave two outcomes for the same input";
    }
  } else {
    const bool can_strike = (clean.fault_sites & model::fault_bit(step.fault)) != 0;
    const bool struck = outcome.fault != Fault::none;
    if (struck && outcome.fault != step.fault) return "fault sites: another fault struck";
    if (struck != can_strike) {
      return std::string("fault sites: the fault ") + (struck ? "struck" : "did not strike") +
             " but the fault-free outcome lists it as " + (can_strike ? "a site" : "no site");
    }
    if (!struck && (clean.state != outcome.state || clean.code != outcome.code)) {
      return "fault sites: a fault that did not strike changed the outcome";
    }
  }
  // Where each kind of fault can strike (§5).
  const bool offline = model::is_offline(context.target_kind);
  const bool mounted = step.before.flags.has(TargetFlag::mounted);
  const bool crash_site = (clean.fault_sites & model::fault_bit(Fault::crash_while_mounted)) != 0;
  if (crash_site != (offline && mounted)) {
    return "fault sites: crash_while_mounted must strike exactly the steps on a mounted image";
  }
  const bool add_site = (clean.fault_sites & model::add_faults) != 0;
  if (add_site) {
    const bool executes = add_like(step.operation) &&
                          (clean.code == model::ResultCode::s_ok ||
                           clean.code == model::ResultCode::success_reboot_required) &&
                          !clean.has_note(model::OutcomeNote::nothing_to_do) &&
                          !clean.has_note(model::OutcomeNote::skipped_prevent_pending);
    if (!executes) return "fault sites: an add fault site at a step that does not install anything";
  } else if (add_like(step.operation) && model::is_success(clean.code) &&
             clean.state.packages != step.before.packages) {
    return "fault sites: an add that installed something offers no add fault";
  }
  const bool reboot_site = (clean.fault_sites & model::reboot_faults) != 0;
  // v2 (§5): a reboot owed at the start (reboot_pending with nothing of the catalog pending)
  // executes CBS's own queued work, so reboot faults strike there too.
  const bool owed = step.before.flags.has(TargetFlag::reboot_pending) ||
                    step.before.flags.has(TargetFlag::commit_interrupted);
  const bool reboot_executes = step.operation.kind == OperationKind::reboot && !offline &&
                               (pending_packages(context, step.before.packages) != 0 || owed) &&
                               !clean.has_note(model::OutcomeNote::reboot_not_run);
  if (reboot_site != reboot_executes) {
    return "fault sites: reboot faults must strike exactly the reboots with something pending";
  }
  return {};
}

std::string law_atomicity(const StepView& step) {
  const model::Outcome& outcome = step.outcome;
  if (model::is_success(outcome.code)) return {};
  const model::ServicingContext& context = step.context;
  const model::TargetState& before = step.before;
  const model::TargetState& after = outcome.state;
  const std::string law = "atomicity (" +
                          model::hresult_text(model::hresult(outcome.code)) + "): ";

  if (outcome.fault == Fault::crash_while_mounted) {
    if (image(after) != unmounted(before.committed)) {
      return law + "crash_while_mounted must leave exactly the last committed image, unmounted";
    }
    if (after.committed != before.committed) return law + "the committed image changed";
    return {};
  }
  const bool nothing_may_change =
      outcome.fault == Fault::disk_full || outcome.fault == Fault::payload_missing;
  if (nothing_may_change) {
    // v2 (§5): nothing but a bundled SSU that check 6 raised before the fault struck.
    model::TargetState expected = before;
    expected.ssu_version = after.ssu_version;
    if (after != expected || after.ssu_version < before.ssu_version) {
      return law + std::string(model::fault_name(outcome.fault)) +
             " must change nothing but a bundled SSU";
    }
  }

  for (std::size_t slot = 0; slot < package_count(context); ++slot) {
    const PackageIndex index = index_at(slot);
    const CbsState was = before.packages.get(index);
    const CbsState now = after.packages.get(index);
    if (outcome.fault == Fault::rollback_failure && is_pending(was) &&
        now != CbsState::partially_installed) {
      return law + "rollback_failure must leave " + package_text(context, index) +
             " (was " + name(was) + ") partially_installed, not " + name(now);
    }
    if (was == now) continue;
    const bool orphan_stage = outcome.fault == Fault::power_loss_staging &&
                              now == CbsState::staged && was == CbsState::absent &&
                              processed_by(context, step.operation, index);
    const bool failed_rollback = outcome.fault == Fault::rollback_failure && is_pending(was) &&
                                 now == CbsState::partially_installed;
    if (!orphan_stage && !failed_rollback) {
      return law + package_text(context, index) + " changed from " + name(was) + " to " +
             name(now);
    }
  }
  if (outcome.fault == Fault::power_loss_staging && step.operation.kind == OperationKind::add &&
      after.packages.get(step.operation.package) != CbsState::staged) {
    return law + "power_loss_staging must leave the package staged";
  }

  // ssu_version: only a bundled SSU of a package the operation processed may raise it (§4.1
  // check 6), and it never falls.
  if (after.ssu_version != before.ssu_version) {
    bool bundled = false;
    if (add_like(step.operation) && after.ssu_version > before.ssu_version) {
      for (std::size_t slot = 0; slot < package_count(context); ++slot) {
        const PackageIndex index = index_at(slot);
        if (processed_by(context, step.operation, index) &&
            context.package(index).bundled_ssu == after.ssu_version) {
          bundled = true;
        }
      }
    }
    if (!bundled) {
      return law + "ssu_version moved from " + std::to_string(before.ssu_version) + " to " +
             std::to_string(after.ssu_version) + " without a bundled SSU of that revision";
    }
  }
  if (after.ubr != before.ubr || after.build != before.build) {
    return law + "ubr/build changed";
  }
  if (after.committed != before.committed) return law + "the committed image changed";

  model::TargetFlags allowed = before.flags;
  if (outcome.code == model::ResultCode::error_sxs_component_store_corrupt &&
      after.flags.has(TargetFlag::store_corrupt)) {
    // §3: re-adding a CU a ResetBase removed (a device defect with this code leaves the store
    // as it was, v2).
    allowed.set(TargetFlag::store_corrupt);
  }
  if (outcome.fault == Fault::rollback_failure) {
    allowed.set(TargetFlag::unserviceable);
    // Nothing is pending any more (I4), so the reboot is no longer owed.
    allowed.set(TargetFlag::reboot_pending, false);
    allowed.set(TargetFlag::commit_interrupted, false);
  }
  if (after.flags != allowed) {
    return law + "flags changed beyond what §4/§5 allow (bits " +
           std::to_string(before.flags.bits) + " -> " + std::to_string(after.flags.bits) +
           ", allowed " + std::to_string(allowed.bits) + ")";
  }
  return {};
}

std::string law_permanence(const StepView& step) {
  const model::ServicingContext& context = step.context;
  const model::TargetState& before = step.before;
  const model::TargetState& after = step.outcome.state;
  const bool restored = restores_last_commit(step);
  for (std::size_t slot = 0; slot < package_count(context); ++slot) {
    const PackageIndex index = index_at(slot);
    const CbsState now = after.packages.get(index);
    if (is_ssu(context, index) && (now == CbsState::installed || now == CbsState::superseded)) {
      return "permanence: the SSU " + package_text(context, index) + " is " + name(now);
    }
    if (before.packages.get(index) != CbsState::permanent) continue;
    const CbsState allowed =
        restored ? before.committed.packages.get(index) : CbsState::permanent;
    if (now != allowed) {
      return "permanence: " + package_text(context, index) + " left permanent for " + name(now);
    }
  }
  const std::uint32_t ssu_floor = restored ? before.committed.ssu_version : before.ssu_version;
  if (after.ssu_version < ssu_floor) {
    return "permanence: ssu_version fell from " + std::to_string(before.ssu_version) + " to " +
           std::to_string(after.ssu_version);
  }
  return {};
}

std::string law_reboot_commits_pending(const StepView& step) {
  const model::ServicingContext& context = step.context;
  // v2: a reboot that did not run (the bound) or that a device defect rolled back has laws of
  // its own (law_reboot_bound, law_defects, law_pending_session_undone).
  if (step.operation.kind != OperationKind::reboot || model::is_offline(context.target_kind) ||
      step.outcome.fault != Fault::none ||
      step.outcome.has_note(model::OutcomeNote::reboot_not_run) ||
      step.outcome.has_note(model::OutcomeNote::defect_struck)) {
    return {};
  }
  const model::TargetState& before = step.before;
  const model::TargetState& after = step.outcome.state;
  const std::string law = "reboot commits the pending set: ";
  if (step.outcome.code != model::ResultCode::s_ok) return law + "a reboot must report S_OK";
  if (after.flags.has(TargetFlag::reboot_pending) || after.flags.has(TargetFlag::commit_interrupted)) {
    return law + "reboot_pending/commit_interrupted still set";
  }
  if (pending_packages(context, before.packages) == 0) {
    // Nothing of the catalog is pending: the reboot only pays a reboot owed to something else.
    model::TargetState expected = before;
    expected.flags.set(TargetFlag::reboot_pending, false);
    expected.flags.set(TargetFlag::commit_interrupted, false);
    expected.reboot_count = after.reboot_count;  // counted where the bound can bind (its law)
    if (after != expected) return law + "a reboot with nothing pending changed the target";
    return {};
  }
  // Superseded records count: when the current CU is uninstalled, the newest remaining record
  // becomes current again (§4.3). A partially_installed record whose origin bit says its
  // uninstall failed half way also counts: its content is still the current one (the reading
  // documented in target_state.hpp and apply.cpp; §5 does not say).
  const std::uint32_t ubr_expected = newest_cu(context, [&](PackageIndex index) {
    const CbsState was = before.packages.get(index);
    return model::is_committed(was) || was == CbsState::install_pending ||
           (was == CbsState::partially_installed && before.packages.origin(index));
  });
  std::uint32_t ssu_expected = before.ssu_version;
  for (std::size_t slot = 0; slot < package_count(context); ++slot) {
    const PackageIndex index = index_at(slot);
    const CbsState was = before.packages.get(index);
    const CbsState now = after.packages.get(index);
    const std::string package = package_text(context, index);
    if (was == CbsState::install_pending) {
      if (!model::is_committed(now)) return law + package + " was install_pending, is " + name(now);
      if (is_permanent_by_nature(context, index) && now != CbsState::permanent) {
        return law + package + " is permanent by nature but became " + name(now);
      }
      if (is_ssu(context, index)) {
        ssu_expected = std::max(ssu_expected, context.package(index).revision);
      }
      continue;
    }
    if (was == CbsState::uninstall_pending) {
      if (now != CbsState::absent) return law + package + " was uninstall_pending, is " + name(now);
      continue;
    }
    if (was == now) continue;
    // CU supersedence: an older CU record is superseded by the new current one; the newest
    // remaining record is current again after an uninstall.
    const std::uint32_t revision = context.package(index).revision;
    const bool superseded_now = is_cumulative(context, index) && was == CbsState::installed &&
                                now == CbsState::superseded && revision < after.ubr;
    const bool current_again = is_cumulative(context, index) && was == CbsState::superseded &&
                               now == CbsState::installed && revision == after.ubr;
    if (!superseded_now && !current_again) {
      return law + package + " was not pending but changed from " + name(was) + " to " + name(now);
    }
  }
  if (after.ubr != ubr_expected) {
    return law + "ubr " + std::to_string(after.ubr) + ", expected the newest remaining CU " +
           std::to_string(ubr_expected);
  }
  if (after.ssu_version != ssu_expected) return law + "ssu_version is not the pending SSU's";
  model::TargetFlags flags = before.flags;
  flags.set(TargetFlag::reboot_pending, false);
  flags.set(TargetFlag::commit_interrupted, false);
  if (after.flags != flags) return law + "a flag other than reboot_pending/commit_interrupted changed";
  return {};
}

std::string law_commit_interrupted(const StepView& step) {
  if (step.outcome.fault != Fault::commit_interrupted) return {};
  model::TargetState expected = step.before;
  expected.flags.set(TargetFlag::commit_interrupted);
  expected.reboot_count = step.outcome.state.reboot_count;  // the reboot ran: law_reboot_bound
  if (step.outcome.state != expected) {
    return "commit_interrupted: only the commit_interrupted flag may change (pending states stay)";
  }
  if (!step.outcome.state.flags.has(TargetFlag::reboot_pending)) {
    return "commit_interrupted: the retried reboot is still owed";
  }
  return {};
}

// What "the pending session is undone exactly" compares, and what it leaves out, with why:
//  - each package pending at the rollback must return to the state it had just before it went
//    pending in this session (tracked step by step, not read from the model's origin bits);
//  - every other package must keep its state;
//  - against the pre-session snapshot: every package the session did not change at once must be
//    exactly as in the snapshot. Left out are the packages changed at once during the session
//    (PendingSession::changed_at_once): an SSU or a no-restart package installed, a power-loss
//    orphan staged, an orphan removed, an offline install or removal and the CU supersedence
//    it caused. These commit when they happen, not at the reboot, so the boot does not undo them;
//  - ubr and build must equal the snapshot's unless an at-once change touched a CU or an
//    enablement package (then the per-package checks and I2 decide);
//  - ssu_version must equal the one before the rollback (a rollback never lowers it) and be at
//    least the snapshot's: SSUs and bundled SSUs installed during the session are permanent;
//  - flags: reboot_pending and commit_interrupted (and, for a revert, pending_online_actions) are
//    cleared, even when the snapshot had a reboot owed to something outside the catalog, since a
//    reboot/revert pays it; store_corrupt may have been set during the session by a 0x80073712
//    (latent damage no rollback repairs); every other flag equals the snapshot's.
std::string law_pending_session_undone(const StepView& step, const PendingSession& session) {
  const model::ServicingContext& context = step.context;
  const model::TargetState& before = step.before;
  const model::TargetState& after = step.outcome.state;
  // A device's commit defect rolls the session back as a startup failure does (v2, §4.3).
  const bool startup_failure = step.outcome.fault == Fault::startup_failure ||
                               (step.operation.kind == OperationKind::reboot &&
                                step.outcome.has_note(model::OutcomeNote::defect_struck));
  const bool revert = step.operation.kind == OperationKind::revert_pending &&
                      model::is_success(step.outcome.code) && step.outcome.fault == Fault::none &&
                      pending_packages(context, before.packages) != 0;
  if (!startup_failure && !revert) return {};
  // A reboot owed to work outside the catalog has no session of ours to restore (v2, §5).
  if (pending_packages(context, before.packages) == 0) return {};
  const std::string law = startup_failure ? "startup_failure restores the pre-session state: "
                                          : "revert_pending undoes exactly the pending set: ";
  if (!session.active()) return law + "(harness) no pending session was tracked";
  const model::TargetState& start = *session.start;

  bool ubr_may_move = false;
  for (std::size_t slot = 0; slot < package_count(context); ++slot) {
    const PackageIndex index = index_at(slot);
    const CbsState was = before.packages.get(index);
    const CbsState now = after.packages.get(index);
    const std::string package = package_text(context, index);
    const CbsState expected = is_pending(was) ? session.before_pending[index] : was;
    // A CU whose uninstall is rolled back goes back to `installed`, unless a newer CU was
    // committed at once during the session: then I2 makes it `superseded`, which is the same
    // record with the same content.
    const bool superseded_instead = is_cumulative(context, index) && is_pending(was) &&
                                    expected == CbsState::installed &&
                                    now == CbsState::superseded &&
                                    context.package(index).revision < after.ubr;
    if (now != expected && !superseded_instead) {
      return law + package + " is " + name(now) + ", expected " + name(expected) +
             (is_pending(was) ? " (its state before it went pending)" : " (it was not pending)");
    }
    const bool at_once = (session.changed_at_once & model::package_bit(index)) != 0;
    if (at_once) {
      const model::PackageKind kind = context.package(index).kind;
      ubr_may_move = ubr_may_move || model::is_cumulative(kind) ||
                     kind == model::PackageKind::enablement;
    } else if (now != start.packages.get(index) && !superseded_instead) {
      return law + package + " is " + name(now) + " but was " + name(start.packages.get(index)) +
             " before the session";
    }
  }
  if (!ubr_may_move && (after.ubr != start.ubr || after.build != start.build)) {
    return law + "ubr/build " + std::to_string(after.ubr) + "/" + std::to_string(after.build) +
           " differ from the pre-session " + std::to_string(start.ubr) + "/" +
           std::to_string(start.build);
  }
  if (after.ssu_version != before.ssu_version || after.ssu_version < start.ssu_version) {
    return law + "ssu_version moved";
  }
  for (TargetFlag flag : {TargetFlag::reboot_pending, TargetFlag::commit_interrupted}) {
    if (after.flags.has(flag)) {
      return law + std::string(model::target_flag_name(flag)) + " still set";
    }
  }
  if (revert && after.flags.has(TargetFlag::pending_online_actions)) {
    return law + "pending_online_actions still set";
  }
  for (TargetFlag flag : {TargetFlag::components_reset, TargetFlag::unserviceable,
                          TargetFlag::mounted, TargetFlag::pending_online_actions}) {
    if (flag == TargetFlag::pending_online_actions && revert) continue;
    if (after.flags.has(flag) != start.flags.has(flag)) {
      return law + std::string(model::target_flag_name(flag)) + " differs from the pre-session state";
    }
  }
  if (after.flags.has(TargetFlag::store_corrupt) != before.flags.has(TargetFlag::store_corrupt)) {
    return law + "store_corrupt changed at the rollback";
  }
  return {};
}

std::string law_ubr_after_removal(const StepView& step) {
  const model::ServicingContext& context = step.context;
  const model::TargetState& before = step.before;
  const model::TargetState& after = step.outcome.state;
  const std::string law = "removing a CU returns ubr to the previous one: ";
  if (step.operation.kind == OperationKind::remove && model::is_offline(context.target_kind) &&
      step.outcome.code == model::ResultCode::s_ok && step.outcome.fault == Fault::none &&
      is_cumulative(context, step.operation.package)) {
    const std::uint32_t expected = newest_cu(context, [&](PackageIndex index) {
      return index != step.operation.package && model::is_committed(before.packages.get(index));
    });
    if (after.ubr != expected) {
      return law + "offline remove left ubr " + std::to_string(after.ubr) + ", expected " +
             std::to_string(expected);
    }
    return {};
  }
  const bool removing_cu = newest_cu(context, [&](PackageIndex index) {
                             return before.packages.get(index) == CbsState::uninstall_pending;
                           }) != context.base_ubr;
  // A reboot that did not run or that a device defect rolled back commits nothing (v2).
  const bool committed = !step.outcome.has_note(model::OutcomeNote::reboot_not_run) &&
                         !step.outcome.has_note(model::OutcomeNote::defect_struck);
  if (step.operation.kind == OperationKind::reboot && !model::is_offline(context.target_kind) &&
      step.outcome.fault == Fault::none && removing_cu && committed) {
    const std::uint32_t expected = newest_cu(context, [&](PackageIndex index) {
      const CbsState was = before.packages.get(index);
      return model::is_committed(was) || was == CbsState::install_pending;
    });
    if (after.ubr != expected) {
      return law + "the reboot left ubr " + std::to_string(after.ubr) + ", expected " +
             std::to_string(expected);
    }
  }
  return {};
}

std::string law_cleanup(const StepView& step) {
  if (step.operation.kind != OperationKind::cleanup || step.outcome.code != model::ResultCode::s_ok ||
      step.outcome.fault != Fault::none) {
    return {};
  }
  const model::ServicingContext& context = step.context;
  const model::TargetState& before = step.before;
  const model::TargetState& after = step.outcome.state;
  const std::string law = std::string("cleanup") + (step.operation.reset_base ? " /ResetBase" : "") + ": ";
  for (std::size_t slot = 0; slot < package_count(context); ++slot) {
    const PackageIndex index = index_at(slot);
    const CbsState was = before.packages.get(index);
    CbsState expected = was;
    if (was == CbsState::superseded) expected = CbsState::absent;
    if (was == CbsState::installed && step.operation.reset_base) expected = CbsState::permanent;
    if (after.packages.get(index) != expected) {
      return law + package_text(context, index) + " is " + name(after.packages.get(index)) +
             ", expected " + name(expected);
    }
  }
  // v2 (§1, §4.5): only /ResetBase sets components_reset; a plain cleanup leaves it as it was.
  model::TargetFlags flags = before.flags;
  if (step.operation.reset_base) flags.set(TargetFlag::components_reset);
  if (after.flags.has(TargetFlag::components_reset) != flags.has(TargetFlag::components_reset)) {
    return law + "components_reset must be set by /ResetBase and only by it";
  }
  if (after.flags != flags || after.ubr != before.ubr || after.build != before.build ||
      after.ssu_version != before.ssu_version || after.committed != before.committed) {
    return law + "changed more than package records and components_reset";
  }
  return {};
}

std::string law_offline_lifecycle(const StepView& step) {
  if (!model::is_offline(step.context.target_kind) || step.outcome.fault != Fault::none ||
      !model::is_success(step.outcome.code)) {
    return {};
  }
  const model::TargetState& before = step.before;
  const model::TargetState& after = step.outcome.state;
  switch (step.operation.kind) {
    case OperationKind::mount:
      if (!after.flags.has(TargetFlag::mounted)) return "mount: the image is not mounted";
      if (!before.flags.has(TargetFlag::mounted) && after.committed != unmounted(image(after))) {
        return "mount: the committed image is not the mounted one";
      }
      return {};
    case OperationKind::commit:
      if (after.committed != unmounted(image(after)) || image(after) != image(before)) {
        return "commit: the committed image must become the live one, which stays as it was";
      }
      return {};
    case OperationKind::discard:
      if (image(after) != unmounted(before.committed) || after.committed != before.committed) {
        return "discard: the live image must be the last commit, unmounted";
      }
      return {};
    default:
      return {};
  }
}

// ---- v2 -------------------------------------------------------------------------------------

namespace {

/// Whether the device in `state` has `package`'s trait (false if the package has none).
bool device_has(const model::ServicingContext& context, const model::TargetState& state,
                PackageIndex package, model::DeviceTrait trait) {
  const auto slot = model::device_slot(*context.catalog, {package, trait});
  return slot.has_value() && (state.device >> *slot & 1u) != 0;
}

/// Packages that came into the image in this step: absent, staged or queued before, committed
/// after (an uninstall rolled back is no new commit).
bool newly_committed(const StepView& step, PackageIndex index) {
  const CbsState was = step.before.packages.get(index);
  const bool was_out = was == CbsState::absent || was == CbsState::staged ||
                       was == CbsState::install_pending;
  return was_out && model::is_committed(step.outcome.state.packages.get(index));
}

}  // namespace

std::string law_defects(const StepView& step) {
  const model::ServicingContext& context = step.context;
  const model::TargetState& before = step.before;
  const model::TargetState& after = step.outcome.state;
  if (restores_last_commit(step)) return {};  // the last commit may hold it from before
  if (step.operation.kind == OperationKind::add &&
      device_has(context, before, step.operation.package, model::DeviceTrait::defect) &&
      context.package(step.operation.package).defect->at == model::DefectAt::add) {
    const CbsState was = before.packages.get(step.operation.package);
    const CbsState now = after.packages.get(step.operation.package);
    if (now != was && (model::is_committed(now) || now == CbsState::install_pending)) {
      return "defects: " + package_text(context, step.operation.package) +
             " went in on a device that has its add defect";
    }
  }
  if (step.operation.kind == OperationKind::reboot && step.fault == Fault::none &&
      !step.outcome.has_note(model::OutcomeNote::reboot_not_run)) {
    bool struck = false;
    for (std::size_t slot = 0; slot < package_count(context); ++slot) {
      const PackageIndex index = index_at(slot);
      const model::Package& package = context.package(index);
      struck = struck || (before.packages.get(index) == CbsState::install_pending &&
                          package.defect && package.defect->at == model::DefectAt::commit &&
                          device_has(context, before, index, model::DeviceTrait::defect));
    }
    if (!struck) return {};
    if (step.outcome.code != model::ResultCode::s_ok) {
      return "defects: a reboot the device's commit defect rolled back must report S_OK";
    }
    for (std::size_t slot = 0; slot < package_count(context); ++slot) {
      const PackageIndex index = index_at(slot);
      if (newly_committed(step, index)) {
        return "defects: " + package_text(context, index) +
               " committed in a session the device's commit defect rolls back";
      }
    }
  }
  return {};
}

std::string law_regressions(const StepView& step) {
  const model::ServicingContext& context = step.context;
  const model::TargetState& before = step.before;
  const model::TargetState& after = step.outcome.state;
  if (restores_last_commit(step)) {
    if (after.regressions != before.committed.regressions) {
      return "regressions: an image restored to its last commit must have that commit's";
    }
    return {};
  }
  const std::vector<model::DeviceProperty> properties = model::device_properties(*context.catalog);
  for (std::size_t slot = 0; slot < properties.size(); ++slot) {
    if (properties[slot].trait != model::DeviceTrait::regression) continue;
    const PackageIndex regressing = properties[slot].package;
    const model::Regression& regression = *context.package(regressing).regression;
    bool fixed_now = false;
    for (const PackageIndex fix : regression.fixed_by) fixed_now = fixed_now || newly_committed(step, fix);
    const bool began_now = newly_committed(step, regressing) && (after.device >> slot & 1u) != 0;
    const bool was_active = (before.regressions >> slot & 1u) != 0;
    const bool active = (after.regressions >> slot & 1u) != 0;
    const std::string name = package_text(context, regressing);
    if (fixed_now && active) return "regressions: " + name + " still active after its fix committed";
    if (began_now && !fixed_now && !active) {
      return "regressions: " + name + " committed on a device with its regression, not active";
    }
    if (active && !was_active && !began_now) return "regressions: " + name + " began without a commit";
    if (!active && was_active && !fixed_now) return "regressions: " + name + " ended without a fix";
  }
  return {};
}

std::string law_reboot_bound(const StepView& step) {
  const model::ServicingContext& context = step.context;
  if (step.operation.kind != OperationKind::reboot || model::is_offline(context.target_kind) ||
      context.reboot_count_max == model::ServicingContext::reboot_count_unbounded) {
    return {};
  }
  const model::TargetState& before = step.before;
  const bool ran = !step.outcome.has_note(model::OutcomeNote::reboot_not_run);
  if (ran != (before.reboot_count < context.reboot_count_max)) {
    return "reboot bound: a reboot must run exactly while fewer than reboot_count_max ran";
  }
  if (!ran) {
    model::TargetState expected = before;
    expected.flags.set(TargetFlag::reboot_loop);
    if (step.outcome.state != expected || step.outcome.code != model::ResultCode::s_ok) {
      return "reboot bound: a reboot that did not run changed more than reboot_loop";
    }
  }
  return {};
}

}  // namespace svcsim::properties
