// Ordering advice from Microsoft's media-refresh procedure ("Update Windows installation media
// with Dynamic Update"): not CBS errors, but orders the procedure tells you to avoid.
#include "svcsim/model/advice.hpp"

namespace svcsim::model {

std::string_view advice_text(Advice advice) {
  switch (advice) {
    case Advice::language_pack_after_cu:
      return "language pack or FOD added after the cumulative update on the same target "
             "(the CU comes last: media-dynamic-update steps 10-13)";
    case Advice::dotnet_before_cleanup:
      return "cleanup after the .NET CU on install.wim (Microsoft's order is cleanup, step 14, "
             "then .NET, step 15: .NET leaves pending operations that make cleanup fail)";
    case Advice::cu_on_winre:
      return "cumulative update added to winre.wim (WinRE takes only the SSU and the Safe OS DU)";
    case Advice::winre_copied_uncommitted:
      return "winre.wim copied into install.wim before its last servicing step was committed "
             "(the copy carries the image as last committed: media-dynamic-update step 8)";
    case Advice::winre_copied_without_safeos_du:
      return "install.wim carries a WinRE without the Safe OS Dynamic Update (step 6): copied "
             "before it was serviced, or never copied";
    case Advice::boot_install_ubr_differ:
      return "boot.wim and install.wim end at different UBRs (the media no longer share one "
             "baseline)";
    case Advice::winre_without_safeos_du:
      return "winre.wim ends without the Safe OS Dynamic Update of the catalog (step 6)";
  }
  return "?";
}

AdviceSet advise(const ServicingContext& context, const TargetState& before,
                 const Operation& operation, const Outcome& outcome,
                 const AdviceHistory& history) {
  static_cast<void>(before);
  AdviceSet advice = 0;
  if (operation.kind == OperationKind::cleanup) {
    if (context.target_kind == TargetKind::install_wim && history.dotnet_added) {
      advice |= static_cast<AdviceSet>(Advice::dotnet_before_cleanup);
    }
    return advice;
  }
  if (operation.kind != OperationKind::add && operation.kind != OperationKind::add_folder) {
    return advice;
  }
  const PackageKind kind = context.package(operation.package).kind;
  const bool added = is_success(outcome.code) && !outcome.has_note(OutcomeNote::nothing_to_do) &&
                     !outcome.has_note(OutcomeNote::skipped_prevent_pending);
  if ((kind == PackageKind::language_pack || kind == PackageKind::fod) && added &&
      history.cumulative_added) {
    advice |= static_cast<AdviceSet>(Advice::language_pack_after_cu);
  }
  // A combined SSU+LCU is Microsoft's documented WinRE step (its SSU part is what WinRE takes);
  // a CU without a bundled SSU has no business there.
  if (is_cumulative(kind) && context.target_kind == TargetKind::winre_wim &&
      context.package(operation.package).bundled_ssu == 0) {
    advice |= static_cast<AdviceSet>(Advice::cu_on_winre);
  }
  return advice;
}

void remember_step(const ServicingContext& context, const Operation& operation,
                   const Outcome& outcome, AdviceHistory& history) {
  if (operation.kind == OperationKind::cleanup && is_success(outcome.code)) {
    history.cleanup_done = true;
  }
  if (operation.kind != OperationKind::add && operation.kind != OperationKind::add_folder) return;
  if (!is_success(outcome.code)) return;
  const PackageKind kind = context.package(operation.package).kind;
  if (is_cumulative(kind)) history.cumulative_added = true;
  if (kind == PackageKind::dotnet_cu) history.dotnet_added = true;
}

}  // namespace svcsim::model
