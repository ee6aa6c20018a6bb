// Verdicts of expectations: each test loads a small scenario and checks that check_run and
// check_explore name exactly the mismatching keys, and nothing when nothing applies.
#include "svcsim/scenario/verdict.hpp"

#include <gtest/gtest.h>

#include "svcsim/scenario/loader.hpp"

namespace svcsim::scenario {
namespace {

Scenario load(const std::string& text) {
  auto loaded = load_scenario_text(text, "v.yaml");
  if (!loaded) throw std::runtime_error(loaded.error().to_string());
  return std::move(loaded).value();
}

const char* const two_cus = R"(name: v
packages:
  - {id: KB1, kind: checkpoint_cu, revision: 100}
  - {id: KB2, kind: cu, revision: 200, baseline: 100}
targets: [{name: device, kind: online, build: 26100, ubr: 1, ssu_version: 1}]
plan: {steps: [KB1, KB2]}
faults: {max: 1, kinds: [execute_failure]}
expect:
  documented_order: success
  end_state: {ubr: 200}
  orders:
    - {order: [KB2, KB1], class: clean_failure, first_error: 0x800F0838}
  explore:
    orders: 2
    classes: {success: 1, clean_failure: 1}
    runs:
      - {faults: 1, total: 4}
)";

RunFacts documented_run(const Scenario& scenario, std::uint32_t ubr) {
  RunFacts run;
  run.order = {"KB1", "KB2"};
  run.is_documented_order = true;
  run.outcome_class = OutcomeClass::success;
  run.end = {initial_state(scenario, 0)};
  run.end[0].ubr = ubr;
  return run;
}

TEST(Verdict, DocumentedOrderMeetsItsExpectations) {
  const Scenario scenario = load(two_cus);
  std::string note;
  const std::vector<Check> checks = check_run(scenario, documented_run(scenario, 200), note);
  ASSERT_EQ(checks.size(), 2u);
  EXPECT_TRUE(all_ok(checks));
  EXPECT_EQ(checks[1].what, "end_state ubr");
}

TEST(Verdict, WrongEndStateIsAMismatchNamingTheKey) {
  const Scenario scenario = load(two_cus);
  std::string note;
  const std::vector<Check> checks = check_run(scenario, documented_run(scenario, 100), note);
  EXPECT_FALSE(all_ok(checks));
  EXPECT_EQ(checks[1].expected, "200");
  EXPECT_EQ(checks[1].actual, "100");
}

TEST(Verdict, NamedOrderAndFaultsGiven) {
  const Scenario scenario = load(two_cus);
  RunFacts run = documented_run(scenario, 1);
  run.order = {"KB2", "KB1"};
  run.is_documented_order = false;
  run.outcome_class = OutcomeClass::clean_failure;
  run.first_error = ResultCode::cbs_e_missing_prerequisite_baseline;
  std::string note;
  std::vector<Check> checks = check_run(scenario, run, note);
  ASSERT_EQ(checks.size(), 2u);
  EXPECT_TRUE(all_ok(checks));

  run.faults_given = true;
  checks = check_run(scenario, run, note);
  EXPECT_TRUE(checks.empty());
  EXPECT_EQ(note, "nothing applicable (no expectation names fault placements)");
}

TEST(Verdict, ExploreCountsAndUnexploredFaults) {
  const Scenario scenario = load(two_cus);
  ExploreFacts facts;
  // std::to_string, not literals: GCC 12 warns falsely (-Wrestrict) on assigning short literals.
  facts.orders = std::to_string(2);
  ExploreFacts::Runs none;
  none.total = std::to_string(2);
  none.classes.fill(std::to_string(0));
  none.classes[static_cast<std::size_t>(OutcomeClass::success)] = std::to_string(1);
  none.classes[static_cast<std::size_t>(OutcomeClass::clean_failure)] = std::to_string(1);
  facts.runs.push_back(none);
  std::vector<Check> checks = check_explore(scenario, facts);
  // orders, two classes, and runs[1] not explored (reported, not a mismatch).
  ASSERT_EQ(checks.size(), 4u);
  EXPECT_TRUE(all_ok(checks));
  EXPECT_EQ(checks[3].expected, "(not checked)");

  facts.orders = std::to_string(3);
  checks = check_explore(scenario, facts);
  EXPECT_FALSE(all_ok(checks));
  EXPECT_EQ(checks[0].what, "explore.orders");
}

}  // namespace
}  // namespace svcsim::scenario
