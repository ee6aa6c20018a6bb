// Outcome classes of a finished sequence (servicing-model.md §6, scenarios.md "Outcome of one
// sequence"), decided on the end state S against the expected end state E.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "svcsim/model/context.hpp"
#include "svcsim/model/target_state.hpp"

namespace svcsim::model {

/// Enumerator order is report order; the order of precedence (worst first) is stuck,
/// clean_failure, false_success, regressed, drift, success (world.hpp's worse_class).
enum class OutcomeClass : std::uint8_t {
  success,
  clean_failure,
  false_success,
  regressed,  // v2: every step succeeded and the expected packages are in, but a regression is on
  drift,
  stuck,
};
inline constexpr int outcome_class_count = 6;
std::string_view outcome_class_name(OutcomeClass outcome_class);
std::optional<OutcomeClass> parse_outcome_class(std::string_view name);

/// First match wins (scenarios.md "Outcome of one sequence", v2): stuck (partial, unserviceable,
/// an interrupted commit, a reboot loop, or a corrupt store after an error), clean_failure (some
/// step returned an error, a killed process included), false_success, regressed, drift, success.
/// The device, the active regressions and the reboot count are not part of the comparison with
/// E: E is on a healthy device with no reboot bound.
OutcomeClass classify(const ServicingContext& context, const TargetState& end,
                      const TargetState& expected, bool any_error);

}  // namespace svcsim::model
