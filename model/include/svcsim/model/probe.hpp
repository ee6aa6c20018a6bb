// Coverage probes (FoundationDB's CODE_PROBE): a named counter at every rule of the servicing
// model worth reaching, so a test can demand that the shipped scenarios reach each one.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace svcsim::model {

/// One probe per rule of servicing-model.md that a run can reach: each numbered check of §4.1,
/// each fault strike of §5, the notable branches of the other operations. Names follow the rule,
/// not the code, so a trace of hits reads like the spec.
enum class Probe : std::uint16_t {
  // §4.1 add, check by check (check 1 covers every CBS session, not only adds).
  session_refused_unserviceable,   // 1: 0x800F0830
  add_not_applicable_target_kind,  // 2: 0x800F081E
  add_already_installed,           // 3: installed, permanent or superseded: ALREADY_INSTALLED
  add_older_cu_after_reset_base,   // 4: 0x80073712 and store_corrupt set (BatUtil #67)
  add_older_cu_not_applicable,     // 4: 0x800F081E, older than what is installed
  add_older_ssu_not_applicable,    // 4: 0x800F081E, the stack is already as new
  add_ssu_refused_reboot_pending,  // 4a: 0x800F0806
  add_skipped_prevent_pending,     // 5: S_OK, nothing changes (KB2749510)
  add_bundled_ssu_installed,       // 6: ssu_version rises, permanently
  add_servicing_stack_too_old,     // 7: 0x800F0823
  add_baseline_missing,            // 8: 0x800F0838 (knob)
  add_enablement_below_ubr_min,    // 9: 0x800F081E
  add_requires_missing,            // 10: 0x800F081E
  add_pending_reboot,              // 11: online, restart required: install_pending, 3010
  add_installed_online,            // 11: online, no restart: installed at once
  add_installed_offline,           // 11: offline: installed at once
  add_pending_online_actions,      // 11: offline, online actions: install_pending
  add_permanent,                   // 11: an SSU or `permanent: true` package goes permanent
  // §4.2 Method 1.
  method1_session_installed,       // every package of the session passed its checks
  method1_session_rolled_back,     // one failed: the session is undone (a bundled SSU stays)
  // §4.3 reboot.
  reboot_committed,                // pending records committed
  reboot_commit_retried,           // a reboot re-ran an interrupted pending.xml
  // §4.4 remove.
  remove_permanent,                // 0x800F0825: an SSU, `permanent`, or after /ResetBase
  remove_absent,                   // 0x800F0805 (knob)
  remove_uninstall_pending,        // online: uninstall_pending, 3010
  // §4.5 cleanup.
  cleanup_refused_pending,         // 0x800F0806
  cleanup_done,                    // superseded records removed
  cleanup_reset_base,              // /ResetBase: installed packages made permanent
  // §4.6 revert_pending.
  revert_pending_rolled_back,      // pending records returned to their state before
  // §4.7 offline lifecycle.
  image_mounted,
  image_committed,
  image_discarded,
  image_not_mounted,               // 0x80070002: a step on an unmounted offline image
  // §5 faults, where each strikes.
  fault_execute_failure,
  fault_power_loss_staging,
  fault_disk_full,
  fault_payload_missing,
  fault_startup_failure,
  fault_commit_interrupted,
  fault_rollback_failure,
  fault_crash_while_mounted,
  // The cross-target steps of §4.8 and the plan's `tolerate` list (v2).
  copy_winre,                       // install:copy_winre(winre) copied the committed winre.wim
  copy_winre_unmounted,             // copy_winre onto an unmounted install.wim: 0x80070002
  setup_du_on_media,                // a setup_du replaced the media's setup files
  package_on_media_not_applicable,  // anything but a setup_du on media: 0x800F081E
  winre_combined_cu_mod_not_found,  // §4.1 check 6 before check 2 on winre.wim: 0x8007007E
  tolerated_code,                   // a step's code was in the plan's `tolerate` list
  // v2 rules (servicing-model.md "Changes in v2").
  add_older_checkpoint_applicable,  // 4: an older checkpoint CU re-added installs (knob)
  add_corrupt_store_fails,          // end of 4: a CU add on a corrupt store, 0x800F081F (knob)
  add_skipped_own_online_actions,   // 5: /PreventPending skipped a package with online actions
  add_defect_struck,                // 10a: the device's defect at add returned its code
  reboot_defect_rolled_back,        // §4.3: the device's defect at commit rolled the session back
  reboot_loop_ended,                // §4.3: a reboot due past reboot_count_max ended the run
  regression_began,                 // §2: a regressing package committed on a device with it
  regression_fixed,                 // §2: a fix committed after it ended the regression
  class_stuck_corrupt_after_error,  // §6: a corrupt store after a reported error is stuck
  class_regressed,                  // §6: a run classed regressed
  reboot_owed_work_faulted,         // §5: a reboot fault struck a reboot owed at the start
};

/// How many probes there are: one past the last enumerator. A new probe goes before the
/// reserved block, or this line moves with the last one (probe.cpp checks the names table
/// against it).
inline constexpr int probe_count = static_cast<int>(Probe::reboot_owed_work_faulted) + 1;

/// The probe's enumerator name, e.g. "add_baseline_missing".
std::string_view probe_name(Probe probe);

namespace detail {
/// Hits per probe, for the whole process. Relaxed atomics: explorers on several threads may
/// count at once, and a count is all anyone reads (no other memory is published through it).
extern std::array<std::atomic<std::uint64_t>, probe_count> probe_hit_counts;

inline void record_probe(Probe probe) noexcept {
  probe_hit_counts[static_cast<std::size_t>(probe)].fetch_add(1, std::memory_order_relaxed);
}
}  // namespace detail

/// How often `probe` was hit since the process started or the last reset_probes().
std::uint64_t probe_hits(Probe probe);

/// Sets every probe's count to zero. Counts from other threads racing with it may survive.
void reset_probes();

/// The probes with no hit since the last reset, in enumerator order.
std::vector<Probe> probes_never_hit();

}  // namespace svcsim::model

/// Records one hit of `probe` (a `Probe` enumerator). A probe only counts: it never reads or
/// changes servicing state, so placing one cannot change a result.
///
///   if (package.ssu_min > state.ssu_version) {
///     SVCSIM_PROBE(Probe::add_servicing_stack_too_old);
///     return ...;
///   }
#define SVCSIM_PROBE(probe) ::svcsim::model::detail::record_probe(probe)
