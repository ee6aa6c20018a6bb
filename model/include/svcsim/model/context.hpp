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

  const Package& package(PackageIndex index) const { return (*catalog)[index]; }
};

/// Builds the context for one target of `catalog`. The catalog must outlive the context.
ServicingContext make_context(const Catalog& catalog, TargetKind target_kind, const Knobs& knobs,
                              std::uint32_t base_ubr, std::uint32_t base_build);

}  // namespace svcsim::model
