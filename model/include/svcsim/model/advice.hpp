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
};
using AdviceSet = std::uint8_t;
std::string_view advice_text(Advice advice);

inline constexpr int advice_count = 3;

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
