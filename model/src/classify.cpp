// Classing a finished sequence (scenarios.md "Outcome of one sequence", v2): first match wins.
#include "svcsim/model/classify.hpp"

#include "svcsim/model/probe.hpp"

namespace svcsim::model {
namespace {

/// The part of an end state that E is compared on: the live image without what belongs to the
/// device rather than to the plan's result (E is on a healthy device, with no reboot bound):
/// the device, its active regressions (their own class) and the reboot count.
ServicedImage plan_result(const TargetState& state) {
  ServicedImage image = state;
  image.device = 0;
  image.regressions = 0;
  image.reboot_count = 0;
  return image;
}

}  // namespace

OutcomeClass classify(const ServicingContext& context, const TargetState& end,
                      const TargetState& expected, bool any_error) {
  const PackageMask partial = context.all & end.packages.in_state(CbsState::partially_installed);
  if (partial != 0 || end.flags.has(TargetFlag::unserviceable) ||
      end.flags.has(TargetFlag::commit_interrupted) || end.flags.has(TargetFlag::reboot_loop)) {
    return OutcomeClass::stuck;
  }
  if (any_error && end.flags.has(TargetFlag::store_corrupt)) {
    // v2: the worst case of BatUtil #67, an error and then a "successful" CU on a corrupt
    // boot.wim, needs manual recovery; it is not a clean failure.
    SVCSIM_PROBE(Probe::class_stuck_corrupt_after_error);
    return OutcomeClass::stuck;
  }
  if (any_error) return OutcomeClass::clean_failure;
  if (end.flags.has(TargetFlag::store_corrupt)) return OutcomeClass::false_success;
  for (std::size_t slot = 0; slot < context.catalog->size(); ++slot) {
    const auto index = static_cast<PackageIndex>(slot);
    const CbsState wanted = expected.packages.get(index);
    const CbsState got = end.packages.get(index);
    if (is_committed(wanted) && !is_committed(got)) {
      return OutcomeClass::false_success;  // rolled back at boot, skipped by /PreventPending, ...
    }
    // An image's online actions are E's pending work; losing the package altogether is not.
    if (wanted == CbsState::install_pending &&
        (got == CbsState::absent || got == CbsState::staged)) {
      return OutcomeClass::false_success;
    }
  }
  if (end.regressions != 0) {
    SVCSIM_PROBE(Probe::class_regressed);
    return OutcomeClass::regressed;
  }
  // Only the live image counts: the committed snapshot of an offline target is bookkeeping.
  if (plan_result(end) != plan_result(expected)) return OutcomeClass::drift;
  return OutcomeClass::success;
}

}  // namespace svcsim::model
