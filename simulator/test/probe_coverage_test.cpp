// Every coverage probe of the servicing model (model/probe.hpp) must be reached by the shipped
// scenarios. Each file of scenarios/ and scenarios/synthetic/ is explored twice, with its own
// fault budget and with every fault kind allowed (one fault per run), and the test fails naming
// every probe that no run hit. A rule no shipped scenario reaches is a rule nothing checks.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "source_dir.hpp"
#include "svcsim/model/assert.hpp"
#include "svcsim/model/probe.hpp"
#include "svcsim/scenario/loader.hpp"
#include "svcsim/simulator/explorer.hpp"

namespace svcsim::simulator {
namespace {

using model::Probe;

/// With every fault kind the synthetic chains grow to tens of millions of states (chain-16: 90
/// million, three minutes in a Debug build). Each exploration stops at this many states instead;
/// a capped one still counts every transition it computed, so the cap can only make the test
/// fail (a probe reached only past it), never pass wrongly. Every other shipped scenario, and
/// chain-12 with every fault kind, stays below it.
constexpr std::uint64_t state_count_max = 2'000'000;

/// The scenario directories the test reads, relative to the source tree.
constexpr std::array scenario_directories = {"scenarios", "scenarios/synthetic"};

// Model assertions throw in tests, so a broken invariant fails this test instead of aborting.
const bool assertions_throw = (set_assert_handler(&throwing_assert_handler), true);

std::vector<std::filesystem::path> shipped_scenario_files() {
  std::vector<std::filesystem::path> files;
  for (const char* directory : scenario_directories) {
    for (const auto& entry : std::filesystem::directory_iterator(source_dir() / directory)) {
      if (entry.is_regular_file() && entry.path().extension() == ".yaml") {
        files.push_back(entry.path());
      }
    }
  }
  std::sort(files.begin(), files.end());  // directory order is not deterministic
  return files;
}

scenario::Scenario load(const std::filesystem::path& path) {
  auto loaded = scenario::load_scenario_file(path.string());
  if (!loaded) throw std::runtime_error(loaded.error().to_string());
  return std::move(loaded).value();
}

void explore_counting_probes(const scenario::Scenario& scenario) {
  ExploreOptions options;
  options.state_count_max = state_count_max;
  const ExploreResult result = explore(scenario, options);
  EXPECT_TRUE(result.status == ExploreStatus::complete ||
              result.status == ExploreStatus::incomplete_states)
      << "status " << static_cast<int>(result.status) << ": " << result.violation_text << " "
      << result.violation_command;
}

std::string names_of(const std::vector<Probe>& probes) {
  std::string text;
  for (Probe probe : probes) {
    if (!text.empty()) text += ", ";
    text += model::probe_name(probe);
  }
  return text;
}

TEST(ProbeCoverage, ShippedScenariosHitEveryProbe) {
  ASSERT_TRUE(assertions_throw);
  const std::vector<std::filesystem::path> files = shipped_scenario_files();
  ASSERT_GE(files.size(), 7u) << "scenarios not found under " << source_dir();

  model::reset_probes();
  for (const std::filesystem::path& file : files) {
    SCOPED_TRACE(file.string());
    scenario::Scenario scenario = load(file);
    explore_counting_probes(scenario);  // the scenario's own fault budget
    scenario.faults.kinds = model::all_faults;
    scenario.faults.max = 1;
    explore_counting_probes(scenario);
  }

  const std::vector<Probe> missed = model::probes_never_hit();
  EXPECT_TRUE(missed.empty())
      << "no shipped scenario reaches these probes (add a scenario under scenarios/ that models a "
         "real situation reaching each, or remove a probe that is unreachable by design): "
      << names_of(missed);
}

}  // namespace
}  // namespace svcsim::simulator
