// The names svcsim uses for its enums in scenario files, traces and JSON. Each enum's names are
// spelled once, here, in enumerator order.
#include <array>
#include <string_view>

#include "name_table.hpp"
#include "svcsim/model/advice.hpp"
#include "svcsim/model/cbs_state.hpp"
#include "svcsim/model/classify.hpp"
#include "svcsim/model/invariants.hpp"
#include "svcsim/model/operation.hpp"
#include "svcsim/model/package.hpp"
#include "svcsim/model/target_state.hpp"

namespace svcsim::model {
namespace {

using namespace std::string_view_literals;

constexpr std::array<std::string_view, cbs_state_count> cbs_state_names = {
    "absent"sv, "staged"sv, "install_pending"sv, "installed"sv,
    "permanent"sv, "uninstall_pending"sv, "superseded"sv, "partially_installed"sv};
// DISM /Get-Packages State column. "Not Present" is DismPackageFeatureState 0's documented
// meaning; the exact console string was not captured (windows-servicing-facts.md §2.1).
constexpr std::array<std::string_view, cbs_state_count> dism_state_texts = {
    "Not Present"sv, "Staged"sv, "Install Pending"sv, "Installed"sv,
    "Installed"sv, "Uninstall Pending"sv, "Superseded"sv, "Partially Installed"sv};
constexpr std::array<std::string_view, target_kind_count> target_kind_names = {
    "online"sv, "install_wim"sv, "boot_wim"sv, "winre_wim"sv, "media"sv};
constexpr std::array<std::string_view, package_kind_count> package_kind_names = {
    "ssu"sv, "checkpoint_cu"sv, "cu"sv, "safeos_du"sv, "setup_du"sv,
    "dotnet_cu"sv, "enablement"sv, "language_pack"sv, "fod"sv};
constexpr std::array<std::string_view, 3> restart_type_names = {"no"sv, "possible"sv,
                                                                "required"sv};
constexpr std::array<std::string_view, target_flag_count> target_flag_names = {
    "reboot_pending"sv, "pending_online_actions"sv, "commit_interrupted"sv,
    "components_reset"sv, "store_corrupt"sv, "unserviceable"sv, "mounted"sv, "reboot_loop"sv};
constexpr std::array<std::string_view, operation_kind_count> operation_kind_names = {
    "add"sv, "add_folder"sv, "reboot"sv, "remove"sv, "cleanup"sv,
    "revert_pending"sv, "mount"sv, "commit"sv, "discard"sv, "copy_winre"sv};
constexpr std::array<std::string_view, fault_count> fault_names = {
    "none"sv, "execute_failure"sv, "power_loss_staging"sv, "disk_full"sv,
    "payload_missing"sv, "startup_failure"sv, "commit_interrupted"sv,
    "rollback_failure"sv, "crash_while_mounted"sv};
constexpr std::array<std::string_view, outcome_class_count> outcome_class_names = {
    "success"sv, "clean_failure"sv, "false_success"sv, "regressed"sv, "drift"sv, "stuck"sv};
constexpr std::array<std::string_view, 2> defect_at_names = {"add"sv, "commit"sv};
constexpr std::array<std::string_view, device_trait_count> device_trait_names = {"defect"sv,
                                                                                 "regression"sv};
constexpr std::array<std::string_view, invariant_count> invariant_names = {
    "none"sv,
    "I1 origin bits canonical"sv,
    "I1 permanent package left its state"sv,
    "I1 servicing stack version fell"sv,
    "I2 ubr"sv,
    "I2 reported build"sv,
    "I3 failed operation changed the target"sv,
    "I4 reboot_pending"sv,
    "partially installed package on a serviceable target"sv,
    "flag not valid for this target kind"sv,
    "an add reported success but its package is neither installed nor queued"sv,
    "a target other than an install.wim carries a WinRE"sv,
    "the media folder holds a record other than an installed setup_du"sv,
    "device properties changed during a run, or a regression is active the device does not have"sv,
    "reboot count not counted as a reboot, or kept by an offline target"sv};

// Each table has one name per enumerator (its size is the enum's count), and none is left empty.
static_assert(detail::all_named(cbs_state_names) && detail::all_named(dism_state_texts));
static_assert(detail::all_named(target_kind_names) && detail::all_named(package_kind_names));
static_assert(detail::all_named(restart_type_names) && detail::all_named(target_flag_names));
static_assert(detail::all_named(operation_kind_names) && detail::all_named(fault_names));
static_assert(detail::all_named(outcome_class_names) && detail::all_named(invariant_names));
static_assert(detail::all_named(defect_at_names) && detail::all_named(device_trait_names));

}  // namespace

std::string_view cbs_state_name(CbsState state) { return detail::name_of(cbs_state_names, state); }
std::string_view dism_state_text(CbsState state) { return detail::name_of(dism_state_texts, state); }
std::optional<CbsState> parse_cbs_state(std::string_view name) {
  return detail::parse_name<CbsState>(cbs_state_names, name);
}

std::string_view target_kind_name(TargetKind kind) {
  return detail::name_of(target_kind_names, kind);
}
std::optional<TargetKind> parse_target_kind(std::string_view name) {
  return detail::parse_name<TargetKind>(target_kind_names, name);
}

std::string_view package_kind_name(PackageKind kind) {
  return detail::name_of(package_kind_names, kind);
}
std::optional<PackageKind> parse_package_kind(std::string_view name) {
  return detail::parse_name<PackageKind>(package_kind_names, name);
}

std::string_view restart_type_name(RestartType restart) {
  return detail::name_of(restart_type_names, restart);
}
std::optional<RestartType> parse_restart_type(std::string_view name) {
  return detail::parse_name<RestartType>(restart_type_names, name);
}

std::string_view target_flag_name(TargetFlag flag) {
  return detail::name_of(target_flag_names, flag);
}

std::string_view operation_kind_name(OperationKind kind) {
  return detail::name_of(operation_kind_names, kind);
}

std::string_view fault_name(Fault fault) { return detail::name_of(fault_names, fault); }
std::optional<Fault> parse_fault(std::string_view name) {
  auto fault = detail::parse_name<Fault>(fault_names, name);
  if (fault == Fault::none) return std::nullopt;  // "none" is not a fault kind a user can name
  return fault;
}

std::string_view outcome_class_name(OutcomeClass outcome_class) {
  return detail::name_of(outcome_class_names, outcome_class);
}
std::optional<OutcomeClass> parse_outcome_class(std::string_view name) {
  return detail::parse_name<OutcomeClass>(outcome_class_names, name);
}

std::string_view defect_at_name(DefectAt at) { return detail::name_of(defect_at_names, at); }
std::optional<DefectAt> parse_defect_at(std::string_view name) {
  return detail::parse_name<DefectAt>(defect_at_names, name);
}

std::string_view device_trait_name(DeviceTrait trait) {
  return detail::name_of(device_trait_names, trait);
}

std::string_view invariant_name(Invariant invariant) {
  return detail::name_of(invariant_names, invariant);
}

}  // namespace svcsim::model
