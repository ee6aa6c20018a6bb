// ServicingContext: everything `apply` reads besides the state itself (catalog, target kind,
// knobs, the base UBR), with per-target package masks precomputed once so the hot path is bit
// arithmetic rather than a walk over package records.
#pragma once

#include <array>
#include <cstdint>

#include "svcsim/model/knobs.hpp"
#include "svcsim/model/package.hpp"

namespace svcsim::model {

struct ServicingContext {
  const Catalog* catalog = nullptr;
  TargetKind target_kind = TargetKind::online;
  Knobs knobs;
  std::uint32_t base_ubr = 0;    // UBR when no CU record is committed (e.g. 26100.1)
  std::uint32_t base_build = 0;  // reported build without an enablement package

  // Derived from catalog + target kind by make_context; never set by hand.
  PackageMask all = 0;              // every catalog slot
  PackageMask cumulative = 0;       // checkpoint CUs and CUs (Package_for_RollupFix)
  PackageMask ssu = 0;              // servicing stack updates
  PackageMask permanent = 0;        // SSUs and packages marked permanent
  PackageMask applicable = 0;       // applies_to contains this target kind
  PackageMask restart_required = 0; // restart: required (online: goes pending)
  PackageMask online_actions = 0;   // offline add leaves online actions pending
  PackageMask enablement = 0;
  /// Cumulative packages by ascending revision (ties by index): Method 1 processing order.
  std::array<PackageIndex, package_count_max> cumulative_by_revision{};
  std::uint8_t cumulative_count = 0;

  // Device properties (§2, v2), derived by make_context: which packages have a defect or a
  // regression, and the device slot (package.hpp) of each.
  PackageMask defect_at_add = 0;     // packages whose defect strikes at add
  PackageMask defect_at_commit = 0;  // packages whose defect strikes at the committing reboot
  PackageMask regressing = 0;        // packages with a regression
  DeviceBits regression_slots = 0;   // the slots that are regressions
  std::array<std::uint8_t, package_count_max> defect_slot{};      // for defect_at_* packages
  std::array<std::uint8_t, package_count_max> regression_slot{};  // for regressing packages
  std::array<PackageMask, device_property_count_max> fixes{};     // per regression slot: fixed_by

  /// §4.3 (v2): the plan's reboot_count_max where this target's reboots can reach it, else
  /// reboot_count_unbounded (then `reboot_count` stays 0 and states merge as in v1). Set by
  /// whoever builds the World from a plan (limit_reboots), never by make_context.
  std::uint16_t reboot_count_max = 0xFFFF;
  static constexpr std::uint16_t reboot_count_unbounded = 0xFFFF;

  const Package& package(PackageIndex index) const { return (*catalog)[index]; }
  /// Whether the device in `device` has the defect of `index` (which must have one).
  bool has_defect(DeviceBits device, PackageIndex index) const {
    return ((static_cast<unsigned>(device) >> defect_slot[index]) & 1u) != 0;
  }
};

/// Builds the context for one target of `catalog`. The catalog must outlive the context.
ServicingContext make_context(const Catalog& catalog, TargetKind target_kind, const Knobs& knobs,
                              std::uint32_t base_ubr, std::uint32_t base_build);

}  // namespace svcsim::model
