// Coverage probes: the process-wide hit counts and the probes' names.
#include "svcsim/model/probe.hpp"

#include "name_table.hpp"

namespace svcsim::model {
namespace {

using namespace std::string_view_literals;

// In enumerator order. Sized by its initializers, not by probe_count, so that a missing or extra
// name fails the static_assert below instead of leaving an empty name.
constexpr std::array probe_names = {
    "session_refused_unserviceable"sv,
    "add_not_applicable_target_kind"sv,
    "add_already_installed"sv,
    "add_older_cu_after_reset_base"sv,
    "add_older_cu_not_applicable"sv,
    "add_older_ssu_not_applicable"sv,
    "add_ssu_refused_reboot_pending"sv,
    "add_skipped_prevent_pending"sv,
    "add_bundled_ssu_installed"sv,
    "add_servicing_stack_too_old"sv,
    "add_baseline_missing"sv,
    "add_enablement_below_ubr_min"sv,
    "add_requires_missing"sv,
    "add_pending_reboot"sv,
    "add_installed_online"sv,
    "add_installed_offline"sv,
    "add_pending_online_actions"sv,
    "add_permanent"sv,
    "method1_session_installed"sv,
    "method1_session_rolled_back"sv,
    "reboot_committed"sv,
    "reboot_commit_retried"sv,
    "remove_permanent"sv,
    "remove_absent"sv,
    "remove_uninstall_pending"sv,
    "cleanup_refused_pending"sv,
    "cleanup_done"sv,
    "cleanup_reset_base"sv,
    "revert_pending_rolled_back"sv,
    "image_mounted"sv,
    "image_committed"sv,
    "image_discarded"sv,
    "image_not_mounted"sv,
    "fault_execute_failure"sv,
    "fault_power_loss_staging"sv,
    "fault_disk_full"sv,
    "fault_payload_missing"sv,
    "fault_startup_failure"sv,
    "fault_commit_interrupted"sv,
    "fault_rollback_failure"sv,
    "fault_crash_while_mounted"sv,
    "copy_winre"sv,
    "copy_winre_unmounted"sv,
    "setup_du_on_media"sv,
    "package_on_media_not_applicable"sv,
    "winre_combined_cu_mod_not_found"sv,
    "tolerated_code"sv,
    "add_older_checkpoint_applicable"sv,
    "add_corrupt_store_fails"sv,
    "add_skipped_own_online_actions"sv,
    "add_defect_struck"sv,
    "reboot_defect_rolled_back"sv,
    "reboot_loop_ended"sv,
    "regression_began"sv,
    "regression_fixed"sv,
    "class_stuck_corrupt_after_error"sv,
    "class_regressed"sv,
    "reboot_owed_work_faulted"sv,
};
static_assert(probe_names.size() == static_cast<std::size_t>(probe_count),
              "probe_names must name every Probe enumerator, in order");
static_assert(probe_names.back() == "reboot_owed_work_faulted"sv,
              "probe_count follows the last enumerator; keep it and probe_names in step");

}  // namespace

namespace detail {
constinit std::array<std::atomic<std::uint64_t>, probe_count> probe_hit_counts{};
}  // namespace detail

std::string_view probe_name(Probe probe) { return detail::name_of(probe_names, probe); }

std::uint64_t probe_hits(Probe probe) {
  return detail::probe_hit_counts[static_cast<std::size_t>(probe)].load(std::memory_order_relaxed);
}

void reset_probes() {
  for (std::atomic<std::uint64_t>& count : detail::probe_hit_counts) {
    count.store(0, std::memory_order_relaxed);
  }
}

std::vector<Probe> probes_never_hit() {
  std::vector<Probe> never_hit;
  for (int index = 0; index < probe_count; ++index) {
    const auto probe = static_cast<Probe>(index);
    if (probe_hits(probe) == 0) never_hit.push_back(probe);
  }
  return never_hit;
}

}  // namespace svcsim::model
