// Classing a finished sequence (scenarios.md "Outcome of one sequence"): first match wins.
#include "svcsim/model/classify.hpp"

namespace svcsim::model {

OutcomeClass classify(const ServicingContext& context, const TargetState& end,
                      const TargetState& expected, bool any_error) {
  const PackageMask partial = context.all & end.packages.in_state(CbsState::partially_installed);
  if (partial != 0 || end.flags.has(TargetFlag::unserviceable) ||
      end.flags.has(TargetFlag::commit_interrupted)) {
    return OutcomeClass::stuck;
  }
  if (any_error) return OutcomeClass::clean_failure;
  if (end.flags.has(TargetFlag::store_corrupt)) return OutcomeClass::false_success;
  for (std::size_t slot = 0; slot < context.catalog->size(); ++slot) {
    const auto index = static_cast<PackageIndex>(slot);
    if (is_committed(expected.packages.get(index)) && !is_committed(end.packages.get(index))) {
      return OutcomeClass::false_success;  // rolled back at boot, skipped by /PreventPending, ...
    }
  }
  // Only the live image counts: the committed snapshot of an offline target is bookkeeping.
  if (static_cast<const ServicedImage&>(end) != static_cast<const ServicedImage&>(expected)) {
    return OutcomeClass::drift;
  }
  return OutcomeClass::success;
}

}  // namespace svcsim::model
