// Outcome classes of a finished sequence (servicing-model.md §6, scenarios.md "Outcome of one
// sequence"), decided on the end state S against the expected end state E.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "svcsim/model/context.hpp"
#include "svcsim/model/target_state.hpp"

namespace svcsim::model {

enum class OutcomeClass : std::uint8_t { success, clean_failure, false_success, drift, stuck };
inline constexpr int outcome_class_count = 5;
std::string_view outcome_class_name(OutcomeClass outcome_class);
std::optional<OutcomeClass> parse_outcome_class(std::string_view name);

/// First match wins: stuck, clean_failure (some step returned an error, a killed process
/// included), false_success, drift, success.
OutcomeClass classify(const ServicingContext& context, const TargetState& end,
                      const TargetState& expected, bool any_error);

}  // namespace svcsim::model
