// Tests of the sequence runner: step numbering with inserted reboots, the reboot and error
// policies, fault placement, classing against the expected end state, and the reproduce line.
// Scenarios are built in code (not loaded from YAML) so these tests depend on the runner and the
// model only; the KB5086672 chain is the example of scenarios.md.
#include "svcsim/simulator/sequence.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "svcsim/model/assert.hpp"
#include "svcsim/simulator/policy.hpp"

namespace svcsim::simulator {
namespace {

using model::CbsState;
using model::Fault;
using model::OperationKind;
using model::OutcomeClass;
using model::ResultCode;

constexpr model::PackageIndex checkpoint_index = 0;  // KB5043080
constexpr model::PackageIndex cu_index = 1;          // KB5086672

model::Package make_package(model::PackageKind kind, std::string id, std::string file,
                            std::string identity, std::uint32_t revision) {
  model::Package package = model::package_defaults(kind);
  package.id = std::move(id);
  package.file = std::move(file);
  package.identity = std::move(identity);
  package.revision = revision;
  return package;
}

model::PlanStep add_step(const std::string& id, model::PackageIndex package) {
  model::PlanStep step;
  step.text = id;
  step.operation.kind = OperationKind::add;
  step.operation.package = package;
  return step;
}

/// scenarios.md's example: a 24H2 device at 26100.1 without the checkpoint; documented order
/// KB5043080 (checkpoint, 1742) then KB5086672 (8117, baseline 1742, bundled SSU 8115).
scenario::Scenario kb5086672_scenario() {
  scenario::Scenario scenario;
  scenario.path = "scenarios/kb5086672-online.yaml";
  scenario.name = "KB5086672 out-of-band on a 24H2 device that lacks the checkpoint";
  scenario.source = "KB5086672";

  scenario.catalog.packages.push_back(
      make_package(model::PackageKind::checkpoint_cu, "KB5043080", "windows11.0-kb5043080-x64.msu",
                   "Package_for_RollupFix~31bf3856ad364e35~amd64~~26100.1742.1.10", 1742));
  model::Package cu =
      make_package(model::PackageKind::cu, "KB5086672", "windows11.0-kb5086672-x64.msu",
                   "Package_for_RollupFix~31bf3856ad364e35~amd64~~26100.8117.1.9", 8117);
  cu.baseline = 1742;
  cu.bundled_ssu = 8115;
  cu.ssu_min = 8115;
  scenario.catalog.packages.push_back(cu);

  model::TargetSpec device;
  device.name = "device";
  device.kind = model::TargetKind::online;
  device.build = 26100;
  device.ubr = 1;
  device.base_ubr = 1;
  device.base_build = 26100;
  device.ssu_version = 1;
  scenario.targets.push_back(device);


  scenario.plan.steps = {add_step("KB5043080", checkpoint_index), add_step("KB5086672", cu_index)};
  scenario.plan.reboot = model::RebootPolicy::after_3010;
  scenario.plan.on_error = model::ErrorPolicy::stop;
  return scenario;
}

std::vector<model::PlanStep> reverse_order(const scenario::Scenario& scenario) {
  std::vector<model::PlanStep> order = documented_order(scenario);
  return {order.rbegin(), order.rend()};
}

class SequenceTest : public ::testing::Test {
 protected:
  // A model assertion must fail the test, not abort the test binary.
  void SetUp() override { previous_handler_ = set_assert_handler(&throwing_assert_handler); }
  void TearDown() override { set_assert_handler(previous_handler_); }

  RunResult run(const scenario::Scenario& scenario, const std::vector<model::PlanStep>& order,
                const std::vector<FaultPlacement>& faults = {}) {
    RunResult result = run_sequence(scenario, order, faults, expected_end_state(scenario));
    EXPECT_FALSE(result.violation) << "step " << result.violation_step << ": "
                                   << result.violation_text;
    return result;
  }

 private:
  AssertHandler previous_handler_ = nullptr;
};

TEST_F(SequenceTest, DocumentedOrderSucceedsWithARebootAfterEach3010) {
  const scenario::Scenario scenario = kb5086672_scenario();
  const RunResult result = run(scenario, documented_order(scenario));

  ASSERT_EQ(result.steps.size(), 4u);
  const std::vector<std::string> texts = {"KB5043080", "reboot", "KB5086672", "reboot"};
  for (std::size_t index = 0; index < texts.size(); ++index) {
    EXPECT_EQ(result.steps[index].number, static_cast<int>(index) + 1);
    EXPECT_EQ(result.steps[index].text, texts[index]);
  }
  EXPECT_EQ(result.steps[0].plan_step, std::optional<std::size_t>(0));
  EXPECT_EQ(result.steps[1].plan_step, std::nullopt);
  EXPECT_EQ(result.steps[1].step.operation.kind, OperationKind::reboot);
  EXPECT_EQ(result.steps[2].plan_step, std::optional<std::size_t>(1));
  EXPECT_EQ(result.steps[3].plan_step, std::nullopt);
  EXPECT_EQ(result.steps[0].outcome.code, ResultCode::success_reboot_required);
  EXPECT_EQ(result.steps[2].outcome.code, ResultCode::success_reboot_required);

  EXPECT_EQ(result.outcome_class, OutcomeClass::success);
  EXPECT_FALSE(result.first_error.has_value());
  EXPECT_FALSE(result.stopped_early);
  EXPECT_TRUE(result.faults_not_struck.empty());
  EXPECT_EQ(result.end.targets[0].ubr, 8117u);
  EXPECT_EQ(result.end.targets[0].ssu_version, 8115u);
  EXPECT_EQ(result.end.targets[0].packages.get(checkpoint_index), CbsState::superseded);
  EXPECT_EQ(result.end.targets[0].packages.get(cu_index), CbsState::installed);
  EXPECT_FALSE(result.end.targets[0].flags.has(model::TargetFlag::reboot_pending));
  EXPECT_EQ(result.end, expected_end_state(scenario));
}

TEST_F(SequenceTest, ReverseOrderFailsCleanlyButKeepsTheBundledServicingStack) {
  const scenario::Scenario scenario = kb5086672_scenario();
  const RunResult result = run(scenario, reverse_order(scenario));

  ASSERT_EQ(result.steps.size(), 1u);
  EXPECT_EQ(result.steps[0].text, "KB5086672");
  EXPECT_EQ(result.outcome_class, OutcomeClass::clean_failure);
  ASSERT_TRUE(result.first_error.has_value());
  EXPECT_EQ(model::hresult(*result.first_error), 0x800F0838u);
  EXPECT_TRUE(result.stopped_early);
  // §4.1 check 6: the bundled SSU installs in its own session and stays.
  EXPECT_EQ(result.end.targets[0].ssu_version, 8115u);
  EXPECT_EQ(result.end.targets[0].ubr, 1u);
  EXPECT_EQ(result.end.targets[0].packages.get(checkpoint_index), CbsState::absent);
  EXPECT_EQ(result.end.targets[0].packages.get(cu_index), CbsState::absent);
}

TEST_F(SequenceTest, AtEndPolicyQueuesBothAddsAndRebootsOnce) {
  scenario::Scenario scenario = kb5086672_scenario();
  scenario.plan.reboot = model::RebootPolicy::at_end;
  const RunResult result = run(scenario, documented_order(scenario));

  ASSERT_EQ(result.steps.size(), 3u);
  EXPECT_EQ(result.steps[0].text, "KB5043080");
  EXPECT_EQ(result.steps[1].text, "KB5086672");
  EXPECT_EQ(result.steps[2].text, "reboot");
  EXPECT_EQ(result.steps[2].plan_step, std::nullopt);
  // baseline_sees_pending: the CU sees the queued checkpoint and queues behind it.
  EXPECT_EQ(result.steps[1].outcome.code, ResultCode::success_reboot_required);
  EXPECT_EQ(result.outcome_class, OutcomeClass::success);
  EXPECT_EQ(result.end.targets[0].ubr, 8117u);
  EXPECT_EQ(result.end.targets[0].packages.get(checkpoint_index), CbsState::superseded);
  EXPECT_EQ(result.end.targets[0].packages.get(cu_index), CbsState::installed);
}

TEST_F(SequenceTest, ContinuePolicyRunsEveryStepAfterAnError) {
  scenario::Scenario scenario = kb5086672_scenario();
  scenario.plan.on_error = model::ErrorPolicy::continue_on_error;
  const RunResult result = run(scenario, reverse_order(scenario));

  ASSERT_EQ(result.steps.size(), 3u);
  EXPECT_EQ(result.steps[0].text, "KB5086672");
  EXPECT_EQ(result.steps[1].text, "KB5043080");
  EXPECT_EQ(result.steps[2].text, "reboot");
  EXPECT_FALSE(result.stopped_early);
  ASSERT_TRUE(result.first_error.has_value());
  EXPECT_EQ(*result.first_error, ResultCode::cbs_e_missing_prerequisite_baseline);
  EXPECT_EQ(result.outcome_class, OutcomeClass::clean_failure);
  EXPECT_EQ(result.end.targets[0].ubr, 1742u);
  EXPECT_EQ(result.end.targets[0].ssu_version, 8115u);
}

TEST_F(SequenceTest, StartupFailureOnTheLastRebootIsAFalseSuccess) {
  const scenario::Scenario scenario = kb5086672_scenario();
  const std::vector<FaultPlacement> faults = {{4, Fault::startup_failure}};
  const RunResult result = run(scenario, documented_order(scenario), faults);

  ASSERT_EQ(result.steps.size(), 4u);
  EXPECT_EQ(result.steps[3].outcome.fault, Fault::startup_failure);
  EXPECT_TRUE(model::is_success(result.steps[3].outcome.code));  // the reboot looks fine
  EXPECT_TRUE(result.faults_not_struck.empty());
  EXPECT_FALSE(result.first_error.has_value());
  EXPECT_EQ(result.outcome_class, OutcomeClass::false_success);
  EXPECT_EQ(result.end.targets[0].packages.get(cu_index), CbsState::absent);
  EXPECT_EQ(result.end.targets[0].ubr, 1742u);
}

// The boot after the checkpoint rolls it back without a word; the CU then finds its baseline
// missing. An error was reported, so by scenarios.md's first-match rule this is clean_failure.
TEST_F(SequenceTest, StartupFailureOnTheFirstRebootSurfacesAtTheNextAdd) {
  const scenario::Scenario scenario = kb5086672_scenario();
  const std::vector<FaultPlacement> faults = {{2, Fault::startup_failure}};
  const RunResult result = run(scenario, documented_order(scenario), faults);

  ASSERT_EQ(result.steps.size(), 3u);
  EXPECT_EQ(result.steps[1].outcome.fault, Fault::startup_failure);
  EXPECT_TRUE(model::is_success(result.steps[1].outcome.code));
  EXPECT_EQ(result.steps[1].outcome.state.packages.get(checkpoint_index), CbsState::absent);
  ASSERT_TRUE(result.first_error.has_value());
  EXPECT_EQ(*result.first_error, ResultCode::cbs_e_missing_prerequisite_baseline);
  EXPECT_EQ(result.outcome_class, OutcomeClass::clean_failure);
  EXPECT_FALSE(result.stopped_early);  // the failing CU was the last plan step
}

TEST_F(SequenceTest, FaultsThatCannotStrikeAreReported) {
  const scenario::Scenario scenario = kb5086672_scenario();
  // A reboot fault at an add, and a placement past the last step.
  const std::vector<FaultPlacement> faults = {{1, Fault::startup_failure},
                                              {9, Fault::disk_full}};
  const RunResult result = run(scenario, documented_order(scenario), faults);

  ASSERT_EQ(result.steps.size(), 4u);
  EXPECT_EQ(result.steps[0].outcome.fault, Fault::none);
  const std::vector<FaultPlacement> expected_unstruck = {{1, Fault::startup_failure},
                                                         {9, Fault::disk_full}};
  EXPECT_EQ(result.faults_not_struck, expected_unstruck);
  EXPECT_EQ(result.outcome_class, OutcomeClass::success);
}

TEST_F(SequenceTest, AddFaultOnTheCheckpointStopsTheSequence) {
  const scenario::Scenario scenario = kb5086672_scenario();
  const std::vector<FaultPlacement> faults = {{1, Fault::disk_full}};
  const RunResult result = run(scenario, documented_order(scenario), faults);

  ASSERT_EQ(result.steps.size(), 1u);
  EXPECT_EQ(result.steps[0].outcome.fault, Fault::disk_full);
  EXPECT_EQ(result.first_error, std::optional<ResultCode>(ResultCode::error_disk_full));
  EXPECT_TRUE(result.stopped_early);
  EXPECT_EQ(result.outcome_class, OutcomeClass::clean_failure);
}

TEST_F(SequenceTest, ReproduceCommandNamesOrderAndFaults) {
  const scenario::Scenario scenario = kb5086672_scenario();
  EXPECT_EQ(reproduce_command(scenario, documented_order(scenario), {}),
            "svcsim run scenarios/kb5086672-online.yaml --order KB5043080,KB5086672");
  EXPECT_EQ(reproduce_command(scenario, reverse_order(scenario),
                              {{2, Fault::startup_failure}, {3, Fault::disk_full}}),
            "svcsim run scenarios/kb5086672-online.yaml --order KB5086672,KB5043080 "
            "--fault 2:startup_failure --fault 3:disk_full");
  // Parentheses would be shell syntax: the order is quoted only when it needs it.
  std::string unknown;
  const auto method1 = parse_order(scenario, {"method1(KB5086672)"}, &unknown);
  ASSERT_TRUE(method1.has_value());
  EXPECT_EQ(reproduce_command(scenario, *method1, {}),
            "svcsim run scenarios/kb5086672-online.yaml --order 'method1(KB5086672)'");
}

TEST_F(SequenceTest, ParseOrderKeepsTextsAndRejectsUnknownIds) {
  scenario::Scenario scenario = kb5086672_scenario();
  scenario.plan.prevent_pending = true;
  std::string unknown;
  const auto order = parse_order(scenario, {"KB5086672", "reboot", "KB5043080"}, &unknown);
  ASSERT_TRUE(order.has_value());
  ASSERT_EQ(order->size(), 3u);
  EXPECT_EQ((*order)[0].text, "KB5086672");
  EXPECT_EQ((*order)[0].operation.kind, OperationKind::add);
  EXPECT_EQ((*order)[0].operation.package, cu_index);
  EXPECT_TRUE((*order)[0].operation.prevent_pending);
  EXPECT_EQ((*order)[1].operation.kind, OperationKind::reboot);
  EXPECT_FALSE((*order)[1].operation.prevent_pending);
  EXPECT_EQ((*order)[2].operation.package, checkpoint_index);

  EXPECT_FALSE(parse_order(scenario, {"KB5043080", "KB0000000"}, &unknown).has_value());
  EXPECT_EQ(unknown, "KB0000000");
  EXPECT_FALSE(parse_order(scenario, {"method1(KB0000000)"}, nullptr).has_value());
}

TEST_F(SequenceTest, PoliciesReadTheExitCodeAndTheTargetKind) {
  scenario::Scenario scenario = kb5086672_scenario();
  const model::ServicingContext online = scenario::make_context(scenario, 0);
  model::Outcome reboot_required;
  reboot_required.code = ResultCode::success_reboot_required;
  model::Outcome failed;
  failed.code = ResultCode::cbs_e_not_applicable;

  EXPECT_TRUE(reboot_follows(scenario.plan, online, reboot_required));
  EXPECT_FALSE(reboot_follows(scenario.plan, online, failed));
  EXPECT_TRUE(stops_sequence(scenario.plan, failed));
  EXPECT_FALSE(stops_sequence(scenario.plan, reboot_required));

  scenario.targets[0].kind = model::TargetKind::install_wim;
  const model::ServicingContext offline = scenario::make_context(scenario, 0);
  EXPECT_FALSE(reboot_follows(scenario.plan, offline, reboot_required));

  scenario.plan.reboot = model::RebootPolicy::at_end;
  model::TargetState pending;
  pending.flags.set(model::TargetFlag::reboot_pending);
  EXPECT_TRUE(final_reboot_needed(scenario.plan, online, pending));
  EXPECT_FALSE(final_reboot_needed(scenario.plan, online, model::TargetState{}));
  EXPECT_FALSE(final_reboot_needed(scenario.plan, offline, pending));
}

}  // namespace
}  // namespace svcsim::simulator
