// Builds a ServicingContext: the catalog's per-target masks, precomputed once per target.
#include "svcsim/model/context.hpp"

#include <algorithm>

#include "svcsim/model/assert.hpp"

namespace svcsim::model {

ServicingContext make_context(const Catalog& catalog, TargetKind target_kind, const Knobs& knobs,
                              std::uint32_t base_ubr, std::uint32_t base_build) {
  SVCSIM_ASSERT(catalog.size() <= package_count_max);
  ServicingContext context;
  context.catalog = &catalog;
  context.target_kind = target_kind;
  context.knobs = knobs;
  context.base_ubr = base_ubr;
  context.base_build = base_build;

  for (std::size_t slot = 0; slot < catalog.size(); ++slot) {
    const auto index = static_cast<PackageIndex>(slot);
    const Package& package = catalog[index];
    const PackageMask bit = package_bit(index);
    context.all |= bit;
    if (is_cumulative(package.kind)) {
      context.cumulative |= bit;
      context.cumulative_by_revision[context.cumulative_count++] = index;
    }
    if (package.kind == PackageKind::ssu) context.ssu |= bit;
    if (is_permanent(package)) context.permanent |= bit;
    if ((package.applies_to & target_kind_bit(target_kind)) != 0) context.applicable |= bit;
    if (package.restart == RestartType::required) context.restart_required |= bit;
    if (package.online_actions) context.online_actions |= bit;
    if (package.kind == PackageKind::enablement) context.enablement |= bit;
  }
  const std::vector<DeviceProperty> properties = device_properties(catalog);
  for (std::size_t slot = 0; slot < properties.size(); ++slot) {
    const PackageIndex index = properties[slot].package;
    const Package& package = catalog[index];
    const PackageMask bit = package_bit(index);
    if (properties[slot].trait == DeviceTrait::defect) {
      (package.defect->at == DefectAt::add ? context.defect_at_add : context.defect_at_commit) |= bit;
      context.defect_slot[index] = static_cast<std::uint8_t>(slot);
      continue;
    }
    context.regressing |= bit;
    context.regression_slots = static_cast<DeviceBits>(context.regression_slots | 1u << slot);
    context.regression_slot[index] = static_cast<std::uint8_t>(slot);
    for (const PackageIndex fix : package.regression->fixed_by) {
      context.fixes[slot] |= package_bit(fix);
    }
  }
  std::stable_sort(context.cumulative_by_revision.begin(),
                   context.cumulative_by_revision.begin() + context.cumulative_count,
                   [&catalog](PackageIndex left, PackageIndex right) {
                     return catalog[left].revision < catalog[right].revision;
                   });
  return context;
}

}  // namespace svcsim::model
