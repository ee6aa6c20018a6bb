// Test helpers: load a scenario from text as "t.yaml" and get its error line or the scenario.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "svcsim/scenario/loader.hpp"

namespace svcsim::scenario::testing {

/// Loads `text` as "t.yaml" and returns the error line, or "(loaded)" if it loaded.
inline std::string load_error(const std::string& text) {
  const auto result = load_scenario_text(text, "t.yaml");
  if (result.has_value()) return "(loaded)";
  return result.error().to_string();
}

/// Loads `text` as "t.yaml"; a load error fails the test and gives an empty scenario.
inline Scenario load_ok(const std::string& text) {
  auto result = load_scenario_text(text, "t.yaml");
  if (!result.has_value()) {
    ADD_FAILURE() << result.error().to_string();
    return Scenario{};
  }
  return std::move(result).value();
}

}  // namespace svcsim::scenario::testing
