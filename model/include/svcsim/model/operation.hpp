// Operations (servicing-model.md §4) and faults (§5): what a step does and what may strike it.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "svcsim/model/package.hpp"

namespace svcsim::model {

enum class OperationKind : std::uint8_t {
  add,             // §4.1 DISM /Add-Package of one MSU (a Method 2 step)
  add_folder,      // §4.2 Method 1: the target CU with the chain's MSUs beside it, one session
  reboot,          // §4.3 online only: commits pending operations
  remove,          // §4.4 DISM /Remove-Package /PackageName:<identity>
  cleanup,         // §4.5 /Cleanup-Image /StartComponentCleanup [/ResetBase]
  revert_pending,  // §4.6 /Cleanup-Image /RevertPendingActions
  mount,           // §4.7 offline: DISM /Mount-Image
  commit,          // §4.7 offline: DISM /Commit-Image (stays mounted)
  discard,         // §4.7 offline: DISM /Unmount-Image /Discard
  copy_winre,      // §4.8 install.wim: copy a serviced winre.wim into it (a file copy, not CBS)
};
inline constexpr int operation_kind_count = 10;
std::string_view operation_kind_name(OperationKind kind);

/// Whether an operation of `kind` names a package (add, add_folder, remove).
constexpr bool takes_package(OperationKind kind) {
  return kind == OperationKind::add || kind == OperationKind::add_folder ||
         kind == OperationKind::remove;
}

struct Operation {
  OperationKind kind = OperationKind::add;
  PackageIndex package = 0;      // add, add_folder (the target CU), remove
  bool reset_base = false;       // cleanup: /ResetBase
  bool prevent_pending = false;  // add, add_folder: /PreventPending
  std::uint8_t source_target = 0;  // copy_winre: the World's index of the winre.wim it copies

  friend bool operator==(const Operation&, const Operation&) = default;
};

enum class Fault : std::uint8_t {
  none,
  execute_failure,      // add/add_folder: 0x800F0922, state as before (a bundled SSU stays)
  power_loss_staging,   // add/add_folder: process dies, packages left `staged`
  disk_full,            // add/add_folder: 0x80070070, nothing changes
  payload_missing,      // add/add_folder: 0x800F0991, nothing changes
  startup_failure,      // reboot: the boot rolls the pending session back, silently
  commit_interrupted,   // reboot: power lost executing pending.xml
  rollback_failure,     // reboot: startup failure whose rollback fails: stuck
  crash_while_mounted,  // any offline step while mounted: the mount is discarded
};
inline constexpr int fault_count = 9;  // including `none`
std::string_view fault_name(Fault fault);
std::optional<Fault> parse_fault(std::string_view name);

/// A set of fault kinds, one bit per Fault value (bit 0, `none`, is never set).
using FaultSet = std::uint16_t;
constexpr FaultSet fault_bit(Fault fault) {
  return static_cast<FaultSet>(1u << static_cast<unsigned>(fault));
}
inline constexpr FaultSet add_faults =
    fault_bit(Fault::execute_failure) | fault_bit(Fault::power_loss_staging) |
    fault_bit(Fault::disk_full) | fault_bit(Fault::payload_missing);
inline constexpr FaultSet reboot_faults = fault_bit(Fault::startup_failure) |
                                          fault_bit(Fault::commit_interrupted) |
                                          fault_bit(Fault::rollback_failure);
inline constexpr FaultSet all_faults =
    add_faults | reboot_faults | fault_bit(Fault::crash_while_mounted);

}  // namespace svcsim::model
