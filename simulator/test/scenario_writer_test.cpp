// The scenario writer against the loader: every shipped scenario and every generated one is
// written, read back and written again to the same text, and explores to the same counts.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <set>

#include <fmt/format.h>

#include "scenario_generator.hpp"
#include "world_generator.hpp"
#include "source_dir.hpp"
#include "svcsim/scenario/loader.hpp"
#include "svcsim/scenario/writer.hpp"
#include "svcsim/simulator/explorer.hpp"

namespace svcsim::simulator {
namespace {

std::string counts(const scenario::Scenario& scenario) {
  const ExploreResult result = explore(scenario);
  std::string text = result.orders.to_string();
  for (const auto& runs : result.runs) {
    text += fmt::format("|{}", runs.total.to_string());
    for (const auto& count : runs.classes) text += fmt::format(",{}", count.to_string());
    for (const auto& [code, count] : runs.codes) {
      text += fmt::format(",{}={}", model::hresult_text(code), count.to_string());
    }
  }
  return text;
}

TEST(ScenarioWriter, ShippedScenariosRoundTrip) {
  for (const auto& entry : std::filesystem::directory_iterator(source_dir() / "scenarios")) {
    if (entry.path().extension() != ".yaml") continue;
    SCOPED_TRACE(entry.path().string());
    auto original = scenario::load_scenario_file(entry.path().string());
    ASSERT_TRUE(original.has_value()) << original.error().to_string();
    const std::string written = scenario::to_yaml(*original);
    auto reloaded = scenario::load_scenario_text(written, entry.path().string());
    ASSERT_TRUE(reloaded.has_value()) << reloaded.error().to_string() << "\n" << written;
    EXPECT_EQ(scenario::to_yaml(*reloaded), written);
    EXPECT_EQ(counts(*reloaded), counts(*original));
    EXPECT_EQ(reloaded->expect.explore.runs.size(), original->expect.explore.runs.size());
  }
}

/// A generated scenario is written, loaded back and written again: the two texts and the counts
/// agree. `before` is written by step text; between repeated texts it would mean more on
/// reading, so such scenarios are discarded.
void check_round_trip(const scenario::Scenario& scenario) {
  std::multiset<std::string> texts;
  for (const auto& step : scenario.plan.steps) texts.insert(step.text);
  for (const auto& [first, second] : scenario.plan.before) {
    RC_PRE(texts.count(scenario.plan.steps[first].text) == 1 &&
           texts.count(scenario.plan.steps[second].text) == 1);
  }
  const std::string written = scenario::to_yaml(scenario);
  auto reloaded = scenario::load_scenario_text(written, scenario.path);
  if (!reloaded) RC_FAIL(reloaded.error().to_string() + "\n" + written);
  RC_ASSERT(scenario::to_yaml(*reloaded) == written);
  RC_ASSERT(counts(*reloaded) == counts(scenario));
}

RC_GTEST_PROP(ScenarioWriterProperty, GeneratedScenariosRoundTrip, ()) {
  check_round_trip(*testing::gen_scenario({.package_count_max = 8, .step_count_max = 5,
                                           .fault_count_max = 1}));
}

// The same for worlds of several targets: prefixed steps, copy_winre, plan.target.
RC_GTEST_PROP(ScenarioWriterProperty, GeneratedWorldsRoundTrip, ()) {
  check_round_trip(*testing::gen_world_scenario({.package_count_max = 6, .step_count_max = 3,
                                                 .fault_count_max = 1}));
}

}  // namespace
}  // namespace svcsim::simulator
