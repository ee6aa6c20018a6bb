// Invariants I1-I4 of servicing-model.md §6 (plus the model's own structural ones), checked after
// every step: by the model's callers on every transition, and by the simulator independently.
// The checks restate *properties*, not rules: they must not share code with apply().
#pragma once

#include <cstdint>
#include <string>

#include "svcsim/model/apply.hpp"

namespace svcsim::model {

enum class Invariant : std::uint8_t {
  none,
  i1_origin_canonical,          // I1: origin bits only on pending packages; no state outside catalog
  i1_permanent_left,            // I1: a permanent package or an SSU left its state
  i1_ssu_version_fell,          // I1: the servicing stack went backwards
  i2_ubr,                       // I2: ubr is not the newest committed CU (or the base)
  i2_build,                     // I2: reported build disagrees with the enablement package
  i3_failed_operation_changed,  // I3: a failed operation changed what §4/§5 do not allow
  i4_reboot_pending,            // I4: reboot_pending disagrees with the pending packages
  partial_without_unserviceable,// a partially installed package on a serviceable target
  offline_flags,                // an online-only flag on an offline target or vice versa
  add_without_effect,           // an add reported success but its package is not there
  carried_winre_misplaced,      // a target other than an install.wim carries a WinRE (§4.8)
  media_record,                 // the media folder holds something other than installed Setup DUs
  device_bits,                  // the device changed, or a regression is active it does not have
  reboot_count,                 // the reboot count moved other than by one reboot (online only)
};
inline constexpr int invariant_count = 15;
std::string_view invariant_name(Invariant invariant);

struct InvariantViolation {
  /// `package` of a violation that concerns no package of the catalog (it is past any catalog).
  static constexpr PackageIndex no_package = 0xFF;
  static_assert(no_package >= package_count_max);

  Invariant invariant = Invariant::none;
  PackageIndex package = no_package;  // the package concerned, where one is
  explicit operator bool() const { return invariant != Invariant::none; }
};

/// Checks what must hold of any single state (I1 canonical form, I2, I4, structure).
InvariantViolation check_state(const ServicingContext& context, const TargetState& state);

/// Checks one transition: every state invariant of `outcome.state`, plus I1 permanence and I3
/// atomicity against `before`.
InvariantViolation check_step(const ServicingContext& context, const TargetState& before,
                              const Operation& operation, const Outcome& outcome);

/// The part of check_step that concerns the transition itself (I1 permanence, the other
/// direction of I4, I3), for callers that have already checked `outcome.state` with
/// check_state (the explorer checks each distinct state once, when it first meets it).
InvariantViolation check_transition(const ServicingContext& context, const TargetState& before,
                                    const Operation& operation, const Outcome& outcome);

/// "I2 ubr: state has ubr 1742 but the newest committed CU is KB5086672 (8117)".
std::string describe(const ServicingContext& context, const TargetState& state,
                     const InvariantViolation& violation);

}  // namespace svcsim::model
