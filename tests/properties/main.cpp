// The property suite's main: installs the throwing assert handler, so that an SVCSIM_ASSERT
// inside a property fails that test case and RapidCheck shrinks it, and turns
// SVCSIM_PROPERTY_RUNS into RapidCheck's max_success before RapidCheck reads its configuration.
#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>
#include <string>

#include "svcsim/model/assert.hpp"

namespace {

/// RapidCheck's default number of successful cases per property.
constexpr long rapidcheck_default_runs = 100;
/// A bound on SVCSIM_PROPERTY_RUNS: a soak of 10000 x 100 cases per property is days long.
constexpr long property_runs_multiplier_max = 10000;

/// SVCSIM_PROPERTY_RUNS=N multiplies the number of cases of every property by N, by adding
/// `max_success=100*N` to RC_PARAMS. RapidCheck reads RC_PARAMS once, lazily, on the first
/// property it checks, so setting it here, before any test runs, takes effect. An explicit
/// max_success in RC_PARAMS wins. Returns false (after a message) for a malformed value.
bool apply_property_runs() {
  const char* runs_text = std::getenv("SVCSIM_PROPERTY_RUNS");
  if (runs_text == nullptr || *runs_text == '\0') return true;
  char* end = nullptr;
  const long runs = std::strtol(runs_text, &end, 10);
  if (*end != '\0' || runs < 1 || runs > property_runs_multiplier_max) {
    std::cerr << "SVCSIM_PROPERTY_RUNS must be a whole number from 1 to "
              << property_runs_multiplier_max << ", not '" << runs_text << "'\n";
    return false;
  }
  const char* existing = std::getenv("RC_PARAMS");
  std::string params = existing != nullptr ? existing : "";
  if (params.find("max_success") != std::string::npos) {
    std::cerr << "SVCSIM_PROPERTY_RUNS ignored: RC_PARAMS already sets max_success\n";
    return true;
  }
  if (!params.empty()) params += " ";
  params += "max_success=" + std::to_string(runs * rapidcheck_default_runs);
  setenv("RC_PARAMS", params.c_str(), 1);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  svcsim::set_assert_handler(&svcsim::throwing_assert_handler);
  if (!apply_property_runs()) return 2;
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
