// Ordering advice (servicing-model.md §6, last paragraph): rules from Microsoft's media-refresh
// procedure that are not CBS errors, reported as warnings on a sequence.
#pragma once

#include <cstdint>
#include <string_view>

#include "svcsim/model/apply.hpp"

namespace svcsim::model {

enum class Advice : std::uint8_t {
  language_pack_after_cu = 1u << 0,    // an LP or FOD added after the CU on the same target
  // The spec words this "cleanup before a .NET CU on install.wim", but Microsoft's order is
  // cleanup (step 14) then .NET (step 15); the mistake to flag is a cleanup *after* the .NET CU.
  dotnet_before_cleanup = 1u << 1,
  cu_on_winre = 1u << 2,               // a CU added to winre.wim (not applicable there)
  // Cross-target checks of a media refresh (servicing-model.md §4.8):
  winre_copied_uncommitted = 1u << 3,  // copy_winre before winre.wim's last step was committed
  winre_copied_without_safeos_du = 1u << 4,  // the WinRE copied lacks a Safe OS DU of the catalog
  boot_install_ubr_differ = 1u << 5,   // boot.wim and install.wim end at different UBRs
  winre_without_safeos_du = 1u << 6,   // winre.wim ends without a Safe OS DU of the catalog
};
using AdviceSet = std::uint8_t;
std::string_view advice_text(Advice advice);

inline constexpr int advice_count = 7;
static_assert(advice_count <= 8 * static_cast<int>(sizeof(AdviceSet)),
              "every Advice is one bit of an AdviceSet");

/// What the advice rules remember of a sequence's earlier steps.
struct AdviceHistory {
  bool cleanup_done = false;     // a cleanup succeeded earlier in the sequence
  bool cumulative_added = false; // a CU (or checkpoint CU) was added earlier in the sequence
  bool dotnet_added = false;     // a .NET CU was added earlier in the sequence
};

/// The advice one step earns, judged on the state before it, its outcome and the history.
AdviceSet advise(const ServicingContext& context, const TargetState& before,
                 const Operation& operation, const Outcome& outcome,
                 const AdviceHistory& history);

/// Adds one executed step to the history (call after `advise` for that step).
void remember_step(const ServicingContext& context, const Operation& operation,
                   const Outcome& outcome, AdviceHistory& history);

}  // namespace svcsim::model
