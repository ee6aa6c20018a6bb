// Tests for the scenario loader: the example of scenarios.md loads with every field right, and each
// class of malformed file yields one error line naming the exact line, column and key. Scenarios
// are written inline (line 1 is the first line of each raw string) so positions can be checked
// by eye.
#include "svcsim/scenario/loader.hpp"
#include "load_text.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

namespace svcsim::scenario {
namespace {

// Plain GoogleTest predicates (the test target links gtest, not gmock).
::testing::AssertionResult starts_with(const std::string& text, const std::string& prefix) {
  if (text.rfind(prefix, 0) == 0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "\n  actual: " << text << "\n  wanted prefix: " << prefix;
}

::testing::AssertionResult ends_with(const std::string& text, const std::string& suffix) {
  if (text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "\n  actual: " << text << "\n  wanted suffix: " << suffix;
}

using testing::load_error;
using testing::load_ok;

// The example of scenarios.md, verbatim.
constexpr const char* documented_example = R"(name: KB5086672 out-of-band on a 24H2 device that lacks the checkpoint
source: >-
  KB5086672 (2026-03-31, OS builds 26100.8117 / 26200.8117); checkpoint rules from
  "Checkpoint cumulative updates and Microsoft Update Catalog usage"
knobs:                                  # optional; defaults in servicing-model.md
  missing_baseline_error: 0x800F0838
  already_installed_exit: 0
  baseline_sees_pending: true
packages:
  - id: KB5043080                       # unique; how steps refer to it
    kind: checkpoint_cu                 # ssu | checkpoint_cu | cu | safeos_du | setup_du |
                                        # dotnet_cu | enablement | language_pack | fod
    file: windows11.0-kb5043080-x64.msu
    identity: Package_for_RollupFix~31bf3856ad364e35~amd64~~26100.1742.1.10
    revision: 1742
  - id: KB5086672
    kind: cu
    file: windows11.0-kb5086672-x64.msu
    identity: Package_for_RollupFix~31bf3856ad364e35~amd64~~26100.8117.1.9
    revision: 8117
    baseline: 1742                      # the checkpoint it is a delta against
    bundled_ssu: 8115
    ssu_min: 8115
    # optional per package: applies_to: [online, install_wim], restart: required|possible|no,
    # permanent: true, requires: [KB...], online_actions: true, requires_ubr_min: 1742
targets:
  - name: device
    kind: online                        # online | install_wim | boot_wim | winre_wim
    build: 26100
    ubr: 1
    ssu_version: 1
    installed: []                       # ids whose records are installed at the start
    superseded: []                      # ids whose records are superseded at the start
    flags: {}                           # e.g. {reboot_pending: true, components_reset: true}
plan:
  target: device
  steps: [KB5043080, KB5086672]         # the documented order; explore permutes it
  # a step is a package id, or one of: method1(KB...), reboot, cleanup, cleanup(reset_base),
  # revert_pending, remove(KB...)
  before: [[KB5043080, KB5086672]]      # optional order constraints explore must respect
  reboot: after_3010                    # after_3010 | at_end   (online targets only)
  on_error: stop                        # stop | continue
faults:
  max: 1                                # explore: every placement of up to this many faults
  kinds: [execute_failure, power_loss_staging, startup_failure, commit_interrupted]
expect:                                 # checked by run/explore; a mismatch is exit code 1
  documented_order: success
  explore:
    orders: 2
    classes: {success: 1, clean_failure: 1}
)";

TEST(ScenarioLoader, DocumentedExampleLoadsWithEveryField) {
  const Scenario scenario = load_ok(documented_example);
  EXPECT_EQ(scenario.path, "t.yaml");
  EXPECT_EQ(scenario.name, "KB5086672 out-of-band on a 24H2 device that lacks the checkpoint");
  EXPECT_EQ(scenario.source,
            "KB5086672 (2026-03-31, OS builds 26100.8117 / 26200.8117); checkpoint rules from "
            "\"Checkpoint cumulative updates and Microsoft Update Catalog usage\"");
  EXPECT_EQ(scenario.knobs, Knobs{});

  ASSERT_EQ(scenario.catalog.size(), 2u);
  const Package& checkpoint = scenario.catalog[0];
  EXPECT_EQ(checkpoint.id, "KB5043080");
  EXPECT_EQ(checkpoint.kind, PackageKind::checkpoint_cu);
  EXPECT_EQ(checkpoint.file, "windows11.0-kb5043080-x64.msu");
  EXPECT_EQ(checkpoint.identity, "Package_for_RollupFix~31bf3856ad364e35~amd64~~26100.1742.1.10");
  EXPECT_EQ(checkpoint.revision, 1742u);
  EXPECT_EQ(checkpoint.baseline, 0u);
  EXPECT_EQ(checkpoint.restart, RestartType::required);
  EXPECT_EQ(checkpoint.applies_to, package_defaults(PackageKind::checkpoint_cu).applies_to);
  const Package& cumulative = scenario.catalog[1];
  EXPECT_EQ(cumulative.id, "KB5086672");
  EXPECT_EQ(cumulative.kind, PackageKind::cu);
  EXPECT_EQ(cumulative.file, "windows11.0-kb5086672-x64.msu");
  EXPECT_EQ(cumulative.identity, "Package_for_RollupFix~31bf3856ad364e35~amd64~~26100.8117.1.9");
  EXPECT_EQ(cumulative.revision, 8117u);
  EXPECT_EQ(cumulative.baseline, 1742u);
  EXPECT_EQ(cumulative.bundled_ssu, 8115u);
  EXPECT_EQ(cumulative.ssu_min, 8115u);
  EXPECT_FALSE(cumulative.permanent);
  EXPECT_TRUE(cumulative.requires_packages.empty());

  ASSERT_EQ(scenario.targets.size(), 1u);
  const TargetSpec& device = scenario.targets[0];
  EXPECT_EQ(device.name, "device");
  EXPECT_EQ(device.kind, TargetKind::online);
  EXPECT_EQ(device.build, 26100u);
  EXPECT_EQ(device.ubr, 1u);
  EXPECT_EQ(device.base_ubr, 1u);
  EXPECT_EQ(device.base_build, 26100u);
  EXPECT_EQ(device.ssu_version, 1u);
  EXPECT_TRUE(device.installed.empty());
  EXPECT_TRUE(device.superseded.empty());
  EXPECT_EQ(device.flags, TargetFlags{});

  const Plan& plan = scenario.plan;
  EXPECT_EQ(plan.steps[0].target, 0u);
  ASSERT_EQ(plan.steps.size(), 2u);
  EXPECT_EQ(plan.steps[0].text, "KB5043080");
  EXPECT_EQ(plan.steps[0].operation, (Operation{OperationKind::add, 0, false, false}));
  EXPECT_EQ(plan.steps[1].text, "KB5086672");
  EXPECT_EQ(plan.steps[1].operation, (Operation{OperationKind::add, 1, false, false}));
  ASSERT_EQ(plan.before.size(), 1u);
  EXPECT_EQ(plan.before[0], (std::pair<std::size_t, std::size_t>{0, 1}));
  EXPECT_EQ(plan.reboot, RebootPolicy::after_3010);
  EXPECT_EQ(plan.on_error, ErrorPolicy::stop);
  EXPECT_FALSE(plan.prevent_pending);

  EXPECT_EQ(scenario.faults.max, 1);
  EXPECT_EQ(scenario.faults.kinds,
            fault_bit(Fault::execute_failure) | fault_bit(Fault::power_loss_staging) |
                fault_bit(Fault::startup_failure) | fault_bit(Fault::commit_interrupted));

  EXPECT_EQ(scenario.expect.documented_order, OutcomeClass::success);
  EXPECT_EQ(scenario.expect.explore.orders, "2");
  ASSERT_EQ(scenario.expect.explore.runs.size(), 1u);
  const RunCountExpectation& fault_free = scenario.expect.explore.runs[0];
  EXPECT_EQ(fault_free.faults, 0);
  EXPECT_FALSE(fault_free.total.has_value());
  EXPECT_EQ(fault_free.classes,
            (std::map<OutcomeClass, std::string>{{OutcomeClass::success, "1"},
                                                 {OutcomeClass::clean_failure, "1"}}));
  EXPECT_TRUE(fault_free.codes.empty());
  EXPECT_EQ(scenario.expect.explore.allow, ExploreExpectation{}.allow);
}

TEST(ScenarioLoader, OptionalFieldsAndDefaults) {
  const Scenario scenario = load_ok(R"(name: defaults and overrides
knobs: {missing_baseline_error: 0x800f081e, already_installed_exit: 2359302,
        ssu_blocked_by_pending_reboot: false, remove_absent_error: 0x800F081E}
packages:
  - {id: KB1, kind: ssu, revision: 8115}
  - {id: KB2, kind: cu, revision: 100, requires: [KB1]}
  - {id: Net48, kind: dotnet_cu, applies_to: [install_wim], restart: possible}
targets:
  - {name: wim, kind: install_wim, build: 26100, ubr: 100, ssu_version: 8115,
     installed: [KB1, KB2]}
plan:
  steps: [Net48, method1(KB2), remove(KB2), cleanup(reset_base), commit]
  on_error: continue
  reboot: at_end
  prevent_pending: true
)");
  EXPECT_EQ(scenario.knobs.missing_baseline_error, ResultCode::cbs_e_not_applicable);
  EXPECT_EQ(scenario.knobs.already_installed_exit, 2359302);
  EXPECT_FALSE(scenario.knobs.ssu_blocked_by_pending_reboot);
  EXPECT_EQ(scenario.knobs.remove_absent_error, ResultCode::cbs_e_not_applicable);
  ASSERT_EQ(scenario.catalog.size(), 3u);
  EXPECT_EQ(scenario.catalog[0].file, "kb1.msu");
  EXPECT_EQ(scenario.catalog[0].identity, "Package_for_KB1~31bf3856ad364e35~amd64~~0.0.0.0");
  EXPECT_TRUE(scenario.catalog[0].permanent);
  EXPECT_EQ(scenario.catalog[1].requires_packages, std::vector<PackageIndex>{0});
  EXPECT_EQ(scenario.catalog[2].applies_to, target_kind_bit(TargetKind::install_wim));
  EXPECT_EQ(scenario.catalog[2].restart, RestartType::possible);
  const TargetSpec& wim = scenario.targets[0];
  EXPECT_EQ(wim.base_ubr, 1u);  // ubr 100 comes from the installed KB2
  EXPECT_TRUE(wim.flags.has(TargetFlag::mounted));
  EXPECT_EQ(wim.installed, (std::vector<PackageIndex>{0, 1}));
  const Plan& plan = scenario.plan;
  ASSERT_EQ(plan.steps.size(), 5u);
  EXPECT_EQ(plan.steps[0].operation, (Operation{OperationKind::add, 2, false, true}));
  EXPECT_EQ(plan.steps[1].operation, (Operation{OperationKind::add_folder, 1, false, true}));
  EXPECT_EQ(plan.steps[2].operation, (Operation{OperationKind::remove, 1, false, false}));
  EXPECT_EQ(plan.steps[3].operation, (Operation{OperationKind::cleanup, 0, true, false}));
  EXPECT_EQ(plan.steps[4].operation.kind, OperationKind::commit);
  EXPECT_EQ(plan.on_error, ErrorPolicy::continue_on_error);
  EXPECT_EQ(plan.reboot, RebootPolicy::at_end);
  EXPECT_EQ(scenario.faults.max, 0);
  EXPECT_EQ(scenario.faults.kinds, 0);
}

TEST(ScenarioLoader, BeforeWithRepeatedStepConstrainsEveryOccurrence) {
  const Scenario scenario = load_ok(R"(name: x
packages: [{id: KB1, kind: cu, revision: 100}]
targets: [{name: device, kind: online, build: 26100, ubr: 1, ssu_version: 1}]
plan: {steps: [reboot, KB1, reboot], before: [[reboot, KB1]]}
)");
  EXPECT_EQ(scenario.plan.before,
            (std::vector<std::pair<std::size_t, std::size_t>>{{0, 1}, {2, 1}}));
}

TEST(ScenarioLoader, ExpectOrdersEndStateAndRuns) {
  const Scenario scenario = load_ok(R"(name: x
packages: [{id: KB1, kind: cu, revision: 100}]
targets: [{name: device, kind: online, build: 26100, ubr: 1, ssu_version: 1}]
plan: {steps: [KB1, reboot]}
faults: {max: 1, kinds: [startup_failure]}
expect:
  end_state: {ubr: 100, packages: {KB1: installed}}
  orders:
    - {order: [reboot, KB1], class: false_success, first_error: 0x800F0806,
       end_state: {build: 26100, packages: {KB1: install_pending}}}
  explore:
    allow: [success, drift]
    orders: "002"
    codes: {"0x800f0922": 0}
    runs:
      - {faults: 1, total: 3, classes: {stuck: 0}, codes: {"0x800F0838": 1}}
)");
  const Expectation& expect = scenario.expect;
  EXPECT_FALSE(expect.documented_order.has_value());
  EXPECT_EQ(expect.end_state.ubr, 100u);
  EXPECT_FALSE(expect.end_state.build.has_value());
  EXPECT_EQ(expect.end_state.packages,
            (std::vector<std::pair<PackageIndex, CbsState>>{{0, CbsState::installed}}));
  ASSERT_EQ(expect.orders.size(), 1u);
  EXPECT_EQ(expect.orders[0].order, (std::vector<std::string>{"reboot", "KB1"}));
  EXPECT_EQ(expect.orders[0].outcome_class, OutcomeClass::false_success);
  EXPECT_EQ(expect.orders[0].first_error, ResultCode::cbs_e_pending);
  EXPECT_EQ(expect.orders[0].end_state.build, 26100u);
  EXPECT_EQ(expect.explore.orders, "2");
  EXPECT_EQ(expect.explore.allow,
            (std::vector<OutcomeClass>{OutcomeClass::success, OutcomeClass::drift}));
  ASSERT_EQ(expect.explore.runs.size(), 2u);
  EXPECT_EQ(expect.explore.runs[0].faults, 0);
  EXPECT_EQ(expect.explore.runs[0].codes.at(0x800F0922u), "0");
  EXPECT_EQ(expect.explore.runs[1].faults, 1);
  EXPECT_EQ(expect.explore.runs[1].total, "3");
  EXPECT_EQ(expect.explore.runs[1].classes.at(OutcomeClass::stuck), "0");
  EXPECT_EQ(expect.explore.runs[1].codes.at(0x800F0838u), "1");
}

TEST(ScenarioLoader, ExploreCountWithThirtyDigitsIsAccepted) {
  const Scenario scenario = load_ok(R"(name: x
packages: [{id: KB1, kind: cu, revision: 100}]
targets: [{name: device, kind: online, build: 26100, ubr: 1, ssu_version: 1}]
plan: {steps: [KB1]}
expect: {explore: {orders: 123456789012345678901234567890, classes: {success: 000}}}
)");
  EXPECT_EQ(scenario.expect.explore.orders, "123456789012345678901234567890");
  EXPECT_EQ(scenario.expect.explore.runs.at(0).classes.at(OutcomeClass::success), "0");
}

TEST(ScenarioLoader, LoadsFromFile) {
  const auto path = std::filesystem::temp_directory_path() / "svcsim_scenario_loader_test.yaml";
  {
    std::ofstream file(path);
    file << documented_example;
  }
  const auto result = load_scenario_file(path.string());
  std::filesystem::remove(path);
  ASSERT_TRUE(result.has_value()) << result.error().to_string();
  EXPECT_EQ(result->path, path.string());
  EXPECT_EQ(result->catalog.size(), 2u);
}

// ---- one test per class of error ------------------------------------------------------------

TEST(ScenarioLoader, FileThatDoesNotExist) {
  const auto result = load_scenario_file("no/such/dir/missing.yaml");
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().line, 0);
  EXPECT_EQ(result.error().to_string(),
            "no/such/dir/missing.yaml: cannot read file: no such file or directory");
}

TEST(ScenarioLoader, DirectoryIsNotAFile) {
  const std::string path = std::filesystem::temp_directory_path().string();
  const auto result = load_scenario_file(path);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().to_string(), path + ": cannot read file: is a directory");
}

TEST(ScenarioLoader, UnknownTopLevelKey) {
  EXPECT_EQ(load_error(R"(name: x
packages: [{id: KB1, kind: cu, revision: 100}]
targets: [{name: device, kind: online, build: 26100, ubr: 1, ssu_version: 1}]
plan: {steps: [KB1]}
fautls: {max: 1}
)"),
            "t.yaml:5:1: unknown key 'fautls', did you mean 'faults'? (valid here: name, source, "
            "knobs, packages, targets, plan, faults, expect) (fautls)");
}

TEST(ScenarioLoader, UnknownNestedKeyWithTypo) {
  const std::string error = load_error(R"(name: x
packages:
  - id: KB1
    kind: cu
    revison: 100
targets: [{name: device, kind: online, build: 26100, ubr: 1, ssu_version: 1}]
plan: {steps: [KB1]}
)");
  EXPECT_TRUE(starts_with(error, "t.yaml:5:5: unknown key 'revison', did you mean 'revision'?"));
  EXPECT_TRUE(ends_with(error, " (packages[0].revison)"));
}

TEST(ScenarioLoader, MissingRequiredKey) {
  EXPECT_EQ(load_error(R"(name: x
packages:
  - id: KB1
    kind: cu
targets: [{name: device, kind: online, build: 26100, ubr: 1, ssu_version: 1}]
plan: {steps: [KB1]}
)"),
            "t.yaml:3:5: missing required key 'revision' (a cu needs the revision it brings) "
            "(packages[0].revision)");
}

TEST(ScenarioLoader, DuplicateKey) {
  EXPECT_EQ(load_error(R"(name: x
packages: [{id: KB1, kind: cu, revision: 100, revision: 200}]
targets: [{name: device, kind: online, build: 26100, ubr: 1, ssu_version: 1}]
plan: {steps: [KB1]}
)"),
            "t.yaml:2:47: duplicate key 'revision' (first given on line 2) "
            "(packages[0].revision)");
}

TEST(ScenarioLoader, DuplicatePackageId) {
  EXPECT_EQ(load_error(R"(name: x
packages:
  - {id: KB1, kind: cu, revision: 100}
  - {id: KB1, kind: cu, revision: 200}
targets: [{name: device, kind: online, build: 26100, ubr: 1, ssu_version: 1}]
plan: {steps: [KB1]}
)"),
            "t.yaml:4:10: duplicate package id 'KB1' (first defined on line 3) (packages[1].id)");
}

TEST(ScenarioLoader, UnknownPackageInSteps) {
  EXPECT_EQ(load_error(R"(name: x
packages: [{id: KB1, kind: cu, revision: 100}]
targets: [{name: device, kind: online, build: 26100, ubr: 1, ssu_version: 1}]
plan: {steps: [KB1, KB9]}
)"),
            "t.yaml:4:21: unknown step 'KB9': neither a package id nor a step keyword (known "
            "packages: KB1) (plan.steps[1])");
}

TEST(ScenarioLoader, UnknownPackageInMethod1Step) {
  EXPECT_EQ(load_error(R"(name: x
packages: [{id: KB1, kind: cu, revision: 100}]
targets: [{name: device, kind: online, build: 26100, ubr: 1, ssu_version: 1}]
plan: {steps: [method1(KB9)]}
)"),
            "t.yaml:4:16: unknown package 'KB9' (known packages: KB1) (plan.steps[0])");
}

TEST(ScenarioLoader, UnparseableStep) {
  EXPECT_EQ(load_error(R"(name: x
packages: [{id: KB1, kind: cu, revision: 100}]
targets: [{name: device, kind: online, build: 26100, ubr: 1, ssu_version: 1}]
plan: {steps: [cleanup(all)]}
)"),
            "t.yaml:4:16: unknown step 'cleanup(all)' (a step is a package id, method1(ID), "
            "remove(ID), reboot, cleanup, cleanup(reset_base), revert_pending, mount, commit, "
            "discard or copy_winre(TARGET), prefixed TARGET: with several targets) "
            "(plan.steps[0])");
}

TEST(ScenarioLoader, Method1NeedsCumulativeUpdate) {
  EXPECT_EQ(load_error(R"(name: x
packages: [{id: KB1, kind: dotnet_cu}]
targets: [{name: device, kind: online, build: 26100, ubr: 1, ssu_version: 1}]
plan: {steps: [method1(KB1)]}
)"),
            "t.yaml:4:16: method1 needs a cu or checkpoint_cu, but 'KB1' is a dotnet_cu "
            "(plan.steps[0])");
}

TEST(ScenarioLoader, UnknownPackageInBefore) {
  EXPECT_EQ(load_error(R"(name: x
packages: [{id: KB1, kind: cu, revision: 100}, {id: KB2, kind: cu, revision: 200}]
targets: [{name: device, kind: online, build: 26100, ubr: 1, ssu_version: 1}]
plan:
  steps: [KB1, KB2]
  before: [[KB1, KB3]]
)"),
            "t.yaml:6:18: unknown step 'KB3': neither a package id nor a step keyword (known "
            "packages: KB1, KB2) (plan.before[0][1])");
}

TEST(ScenarioLoader, BeforeNamesStepNotInPlan) {
  EXPECT_EQ(load_error(R"(name: x
packages: [{id: KB1, kind: cu, revision: 100}, {id: KB2, kind: cu, revision: 200}]
targets: [{name: device, kind: online, build: 26100, ubr: 1, ssu_version: 1}]
plan:
  steps: [KB1, KB2]
  before: [[KB1, reboot]]
)"),
            "t.yaml:6:18: 'reboot' is not a step of the plan (steps: KB1, KB2) "
            "(plan.before[0][1])");
}

TEST(ScenarioLoader, BeforePairWithItself) {
  EXPECT_EQ(load_error(R"(name: x
packages: [{id: KB1, kind: cu, revision: 100}]
targets: [{name: device, kind: online, build: 26100, ubr: 1, ssu_version: 1}]
plan: {steps: [KB1, reboot, reboot], before: [[reboot, reboot]]}
)"),
            "t.yaml:4:47: a step cannot come before itself: 'reboot' before 'reboot' "
            "(plan.before[0])");
}

TEST(ScenarioLoader, BeforeCycle) {
  EXPECT_EQ(load_error(R"(name: x
packages: [{id: KB1, kind: cu, revision: 100}, {id: KB2, kind: cu, revision: 200}]
targets: [{name: device, kind: online, build: 26100, ubr: 1, ssu_version: 1}]
plan:
  steps: [KB1, KB2, reboot]
  before:
    - [KB1, KB2]
    - [KB2, reboot]
    - [reboot, KB1]
)"),
            "t.yaml:9:7: order constraints form a cycle: KB1 before KB2 before reboot before KB1 "
            "(plan.before[2])");
}

TEST(ScenarioLoader, UnknownPackageInInstalled) {
  EXPECT_EQ(load_error(R"(name: x
packages: [{id: KB1, kind: cu, revision: 100}]
targets:
  - {name: device, kind: online, build: 26100, ubr: 1, ssu_version: 1, installed: [KB2]}
plan: {steps: [KB1]}
)"),
            "t.yaml:4:84: unknown package 'KB2' (known packages: KB1) (targets[0].installed[0])");
}

TEST(ScenarioLoader, UnknownPackageInRequires) {
  EXPECT_EQ(load_error(R"(name: x
packages:
  - {id: KB1, kind: cu, revision: 100, requires: [KB0]}
targets: [{name: device, kind: online, build: 26100, ubr: 1, ssu_version: 1}]
plan: {steps: [KB1]}
)"),
            "t.yaml:3:51: unknown package 'KB0' (known packages: KB1) (packages[0].requires[0])");
}

TEST(ScenarioLoader, RequiresCycle) {
  EXPECT_EQ(load_error(R"(name: x
packages:
  - {id: KB1, kind: fod, requires: [KB2]}
  - {id: KB2, kind: fod, requires: [KB3]}
  - {id: KB3, kind: fod, requires: [KB1]}
targets: [{name: device, kind: online, build: 26100, ubr: 1, ssu_version: 1}]
plan: {steps: [KB1]}
)"),
            "t.yaml:5:37: requires form a cycle: KB1 requires KB2 requires KB3 requires KB1 "
            "(packages[2].requires[0])");
}

TEST(ScenarioLoader, BadPackageKind) {
  EXPECT_EQ(load_error(R"(name: x
packages: [{id: KB1, kind: lcu, revision: 100}]
targets: [{name: device, kind: online, build: 26100, ubr: 1, ssu_version: 1}]
plan: {steps: [KB1]}
)"),
            "t.yaml:2:28: unknown package kind 'lcu' (expected one of: ssu, checkpoint_cu, cu, "
            "safeos_du, setup_du, dotnet_cu, enablement, language_pack, fod) (packages[0].kind)");
}

TEST(ScenarioLoader, FieldOnWrongPackageKind) {
  EXPECT_EQ(load_error(R"(name: x
packages: [{id: KB1, kind: fod, baseline: 100}]
targets: [{name: device, kind: online, build: 26100, ubr: 1, ssu_version: 1}]
plan: {steps: [KB1]}
)"),
            "t.yaml:2:33: baseline applies only to cu and checkpoint_cu packages, not to a fod "
            "(packages[0].baseline)");
}

TEST(ScenarioLoader, BadTargetKind) {
  EXPECT_EQ(load_error(R"(name: x
packages: [{id: KB1, kind: cu, revision: 100}]
targets: [{name: device, kind: offline, build: 26100, ubr: 1, ssu_version: 1}]
plan: {steps: [KB1]}
)"),
            "t.yaml:3:32: unknown target kind 'offline' (expected one of: online, install_wim, "
            "boot_wim, winre_wim) (targets[0].kind)");
}

TEST(ScenarioLoader, NegativeRevision) {
  EXPECT_EQ(load_error(R"(name: x
packages: [{id: KB1, kind: cu, revision: -1}]
targets: [{name: device, kind: online, build: 26100, ubr: 1, ssu_version: 1}]
plan: {steps: [KB1]}
)"),
            "t.yaml:2:42: revision must be a whole number from 0 to 4294967295, not '-1' "
            "(packages[0].revision)");
}

TEST(ScenarioLoader, FractionalNumber) {
  EXPECT_EQ(load_error(R"(name: x
packages: [{id: KB1, kind: cu, revision: 100}]
targets: [{name: device, kind: online, build: 26100, ubr: 12.5, ssu_version: 1}]
plan: {steps: [KB1]}
)"),
            "t.yaml:3:59: ubr must be a whole number from 0 to 4294967295, not '12.5' "
            "(targets[0].ubr)");
}

TEST(ScenarioLoader, NumberTooLarge) {
  EXPECT_EQ(load_error(R"(name: x
packages: [{id: KB1, kind: cu, revision: 4294967296}]
targets: [{name: device, kind: online, build: 26100, ubr: 1, ssu_version: 1}]
plan: {steps: [KB1]}
)"),
            "t.yaml:2:42: revision must be a whole number from 0 to 4294967295, not "
            "'4294967296' (packages[0].revision)");
}

TEST(ScenarioLoader, BooleanWhereNumberExpected) {
  EXPECT_TRUE(starts_with(load_error(R"(name: x
packages: [{id: KB1, kind: cu, revision: true}]
targets: [{name: device, kind: online, build: 26100, ubr: 1, ssu_version: 1}]
plan: {steps: [KB1]}
)"),
                          "t.yaml:2:42: revision must be a whole number"));
}

TEST(ScenarioLoader, ListWhereNumberExpected) {
  EXPECT_EQ(load_error(R"(name: x
packages: [{id: KB1, kind: cu, revision: [1]}]
targets: [{name: device, kind: online, build: 26100, ubr: 1, ssu_version: 1}]
plan: {steps: [KB1]}
)"),
            "t.yaml:2:42: revision must be a single value, not a list (packages[0].revision)");
}

TEST(ScenarioLoader, BadFlag) {
  const std::string error = load_error(R"(name: x
packages: [{id: KB1, kind: cu, revision: 100}]
targets:
  - name: device
    kind: online
    build: 26100
    ubr: 1
    ssu_version: 1
    flags: {rebot_pending: true}
plan: {steps: [KB1]}
)");
  EXPECT_TRUE(starts_with(error, "t.yaml:9:13: unknown key 'rebot_pending', did you mean "
                                "'reboot_pending'?"));
  EXPECT_TRUE(ends_with(error, " (targets[0].flags.rebot_pending)"));
}

TEST(ScenarioLoader, MountedOnOnlineTarget) {
  EXPECT_EQ(load_error(R"(name: x
packages: [{id: KB1, kind: cu, revision: 100}]
targets:
  - {name: device, kind: online, build: 26100, ubr: 1, ssu_version: 1, flags: {mounted: true}}
plan: {steps: [KB1]}
)"),
            "t.yaml:4:89: mounted applies only to offline targets (install_wim, boot_wim, "
            "winre_wim), not to an online target (targets[0].flags.mounted)");
}

TEST(ScenarioLoader, OfflineTargetStartsMountedUnlessSaidOtherwise) {
  const Scenario scenario = load_ok(R"(name: x
packages: [{id: KB1, kind: cu, revision: 100}]
targets:
  - {name: a, kind: boot_wim, build: 26100, ubr: 1, ssu_version: 1}
  - {name: b, kind: boot_wim, build: 26100, ubr: 1, ssu_version: 1, flags: {mounted: false}}
plan: {target: b, steps: [mount, KB1, commit]}
)");
  EXPECT_TRUE(scenario.targets[0].flags.has(TargetFlag::mounted));
  EXPECT_FALSE(scenario.targets[1].flags.has(TargetFlag::mounted));
  EXPECT_EQ(scenario.default_target, std::optional<TargetIndex>{1});
  EXPECT_EQ(scenario.plan.steps[1].target, 1u);
}

TEST(ScenarioLoader, RebootStepOnOfflineTarget) {
  EXPECT_EQ(load_error(R"(name: x
packages: [{id: KB1, kind: cu, revision: 100}]
targets: [{name: wim, kind: install_wim, build: 26100, ubr: 1, ssu_version: 1}]
plan: {steps: [KB1, reboot]}
)"),
            "t.yaml:4:21: reboot is only for online targets; target 'wim' is an install_wim "
            "(offline targets use mount, commit and discard) (plan.steps[1])");
}

TEST(ScenarioLoader, MountStepOnOnlineTarget) {
  EXPECT_EQ(load_error(R"(name: x
packages: [{id: KB1, kind: cu, revision: 100}]
targets: [{name: device, kind: online, build: 26100, ubr: 1, ssu_version: 1}]
plan: {steps: [mount, KB1]}
)"),
            "t.yaml:4:16: mount is only for offline targets; target 'device' is online "
            "(plan.steps[0])");
}

TEST(ScenarioLoader, StepNamesItsTargetWithTwoTargets) {
  EXPECT_EQ(load_error(R"(name: x
packages: [{id: KB1, kind: cu, revision: 100}]
targets:
  - {name: a, kind: online, build: 26100, ubr: 1, ssu_version: 1}
  - {name: b, kind: online, build: 26100, ubr: 1, ssu_version: 1}
plan: {steps: [KB1]}
)"),
            "t.yaml:6:16: step 'KB1' names no target: with several targets, write TARGET:STEP "
            "(targets: a, b) (plan.steps[0])");
}

TEST(ScenarioLoader, PrefixedStepsAcrossTargets) {
  const Scenario scenario = load_ok(R"(name: x
packages: [{id: KB1, kind: cu, revision: 100}]
targets:
  - {name: winre, kind: winre_wim, build: 26100, ubr: 1, ssu_version: 1}
  - {name: install, kind: install_wim, build: 26100, ubr: 1, ssu_version: 1}
plan:
  steps: [winre:commit, install:KB1, install:copy_winre(winre), install:commit]
  before: [[winre:commit, install:copy_winre(winre)]]
  tolerate: [0x8007007E]
)");
  const Plan& plan = scenario.plan;
  ASSERT_EQ(plan.steps.size(), 4u);
  EXPECT_EQ(plan.steps[0].target, 0u);
  EXPECT_EQ(plan.steps[1].target, 1u);
  EXPECT_EQ(plan.steps[2].operation.kind, OperationKind::copy_winre);
  EXPECT_EQ(plan.steps[2].operation.source_target, 0u);
  EXPECT_EQ(plan.steps[2].text, "install:copy_winre(winre)");
  EXPECT_EQ(plan.tolerate, std::vector<std::uint32_t>{0x8007007Eu});
  // install:commit keeps its place after both install steps; the file adds winre:commit first.
  const std::vector<std::pair<std::size_t, std::size_t>> before = {{1, 3}, {2, 3}, {0, 2}};
  EXPECT_EQ(plan.before, before);
}

TEST(ScenarioLoader, CopyWinreNeedsWinreIntoInstallWim) {
  EXPECT_EQ(load_error(R"(name: x
packages: [{id: KB1, kind: cu, revision: 100}]
targets:
  - {name: boot, kind: boot_wim, build: 26100, ubr: 1, ssu_version: 1}
  - {name: install, kind: install_wim, build: 26100, ubr: 1, ssu_version: 1}
plan: {steps: [install:copy_winre(boot)]}
)"),
            "t.yaml:6:16: copy_winre copies a winre_wim target into an install_wim target, but "
            "'install' is an install_wim and 'boot' is a boot_wim (plan.steps[0])");
}

TEST(ScenarioLoader, LifecycleStepContradictedByBefore) {
  EXPECT_EQ(load_error(R"(name: x
packages: [{id: KB1, kind: cu, revision: 100}]
targets: [{name: wim, kind: install_wim, build: 26100, ubr: 1, ssu_version: 1}]
plan: {steps: [KB1, commit], before: [[commit, KB1]]}
)"),
            "t.yaml:4:39: order constraints form a cycle: KB1 before commit before KB1 "
            "(plan.before[0])");
}

TEST(ScenarioLoader, EmptySteps) {
  EXPECT_EQ(load_error(R"(name: x
packages: [{id: KB1, kind: cu, revision: 100}]
targets: [{name: device, kind: online, build: 26100, ubr: 1, ssu_version: 1}]
plan: {steps: []}
)"),
            "t.yaml:4:15: steps must list at least one step (a package id, method1(ID), "
            "remove(ID), reboot, cleanup, ...) (plan.steps)");
}

TEST(ScenarioLoader, MoreThan64Packages) {
  std::string text = "name: x\npackages:\n";
  for (int index = 0; index < 65; ++index) {
    text += "  - {id: KB" + std::to_string(index) + ", kind: fod}\n";
  }
  text += "targets: [{name: device, kind: online, build: 26100, ubr: 1, ssu_version: 1}]\n";
  text += "plan: {steps: [KB1]}\n";
  // The 65th entry is on line 2 + 65.
  EXPECT_EQ(load_error(text),
            "t.yaml:67:5: too many packages: at most 64 (the state keeps one bit per package) "
            "(packages[64])");
}

TEST(ScenarioLoader, SupersededMustBeCumulative) {
  EXPECT_EQ(load_error(R"(name: x
packages: [{id: KB1, kind: fod}]
targets:
  - {name: device, kind: online, build: 26100, ubr: 1, ssu_version: 1, superseded: [KB1]}
plan: {steps: [KB1]}
)"),
            "t.yaml:4:85: only cu and checkpoint_cu packages can be superseded; 'KB1' is a fod "
            "(targets[0].superseded[0])");
}

TEST(ScenarioLoader, EnablementInstalledNeedsBaseBuild) {
  EXPECT_EQ(load_error(R"(name: x
packages: [{id: EKB, kind: enablement, target_build: 26200}]
targets:
  - {name: device, kind: online, build: 26200, ubr: 1, ssu_version: 1, installed: [EKB]}
plan: {steps: [EKB]}
)"),
            "t.yaml:4:5: missing required key 'base_build' (enablement package 'EKB' is "
            "installed, so build is not the base build) (targets[0].base_build)");
}

TEST(ScenarioLoader, ImpossibleStartingStateIsReportedAtTheTarget) {
  // KB1 (revision 100) is installed, yet the target claims UBR 50.
  const std::string error = load_error(R"(name: x
packages: [{id: KB1, kind: cu, revision: 100}]
targets:
  - {name: device, kind: online, build: 26100, ubr: 50, ssu_version: 1, installed: [KB1]}
plan: {steps: [KB1]}
)");
  EXPECT_TRUE(starts_with(error, "t.yaml:4:5: the starting state is impossible: "));
  EXPECT_TRUE(ends_with(error, " (targets[0])"));
}

TEST(ScenarioLoader, YamlSyntaxErrorUnclosedBracket) {
  const std::string error = load_error(R"(name: x
packages: [{id: KB1, kind: cu, revision: 100}
targets: [{name: device, kind: online, build: 26100, ubr: 1, ssu_version: 1}]
)");
  EXPECT_TRUE(starts_with(error, "t.yaml:3:1: invalid YAML: end of sequence flow not found"));
  EXPECT_EQ(error.find('\n'), std::string::npos);
}

TEST(ScenarioLoader, NonMappingTopLevel) {
  EXPECT_EQ(load_error("- name: x\n- packages: []\n"),
            "t.yaml:1:1: a scenario file must be a mapping with the keys name, packages, targets "
            "and plan (optional: source, knobs, faults, expect)");
}

TEST(ScenarioLoader, EmptyFile) {
  EXPECT_TRUE(starts_with(load_error(""), "t.yaml:1:1: a scenario file must be a mapping"));
}

TEST(ScenarioLoader, KnobWithUnsupportedHresult) {
  EXPECT_EQ(load_error(R"(name: x
knobs: {missing_baseline_error: 0x800F0823}
packages: [{id: KB1, kind: cu, revision: 100}]
targets: [{name: device, kind: online, build: 26100, ubr: 1, ssu_version: 1}]
plan: {steps: [KB1]}
)"),
            "t.yaml:2:33: missing_baseline_error must be 0x800F0838 or 0x800F081E, not "
            "'0x800F0823' (knobs.missing_baseline_error)");
}

TEST(ScenarioLoader, BadFaultName) {
  EXPECT_EQ(load_error(R"(name: x
packages: [{id: KB1, kind: cu, revision: 100}]
targets: [{name: device, kind: online, build: 26100, ubr: 1, ssu_version: 1}]
plan: {steps: [KB1]}
faults: {max: 1, kinds: [execute_failure, power_loss]}
)"),
            "t.yaml:5:43: unknown fault 'power_loss' (expected one of: execute_failure, "
            "power_loss_staging, disk_full, payload_missing, startup_failure, "
            "commit_interrupted, rollback_failure, crash_while_mounted, or defect(ID) / regression(ID) of a package that has one) (faults.kinds[1])");
}

TEST(ScenarioLoader, FaultsMaxOutOfRange) {
  EXPECT_EQ(load_error(R"(name: x
packages: [{id: KB1, kind: cu, revision: 100}]
targets: [{name: device, kind: online, build: 26100, ubr: 1, ssu_version: 1}]
plan: {steps: [KB1]}
faults: {max: 9, kinds: [execute_failure]}
)"),
            "t.yaml:5:15: max must be a whole number from 0 to 8, not '9' (faults.max)");
}

TEST(ScenarioLoader, FaultsMaxWithoutKinds) {
  EXPECT_EQ(load_error(R"(name: x
packages: [{id: KB1, kind: cu, revision: 100}]
targets: [{name: device, kind: online, build: 26100, ubr: 1, ssu_version: 1}]
plan: {steps: [KB1]}
faults: {max: 2}
)"),
            "t.yaml:5:15: faults.max is 2 but no fault kinds are listed (add kinds: [...] or set "
            "max: 0) (faults.max)");
}

TEST(ScenarioLoader, ExpectWithUnknownClass) {
  EXPECT_EQ(load_error(R"(name: x
packages: [{id: KB1, kind: cu, revision: 100}]
targets: [{name: device, kind: online, build: 26100, ubr: 1, ssu_version: 1}]
plan: {steps: [KB1]}
expect:
  explore:
    classes: {success: 1, failure: 1}
)"),
            "t.yaml:7:27: unknown outcome class 'failure' (expected one of: success, "
            "clean_failure, false_success, regressed, drift, stuck) (expect.explore.classes.failure)");
}

TEST(ScenarioLoader, ExpectWithAnyErrorHresult) {
  // v2 (servicing-model.md §3): any error HRESULT may be expected; a success code may not.
  const auto scenario = load_ok(R"(name: x
packages: [{id: KB1, kind: cu, revision: 100}]
targets: [{name: device, kind: online, build: 26100, ubr: 1, ssu_version: 1}]
plan: {steps: [KB1]}
expect: {orders: [{order: [KB1], first_error: 0x80004005}]}
)");
  ASSERT_EQ(scenario.expect.orders.size(), 1u);
  EXPECT_EQ(hresult(*scenario.expect.orders[0].first_error), 0x80004005u);
  EXPECT_EQ(result_name(*scenario.expect.orders[0].first_error), "(unnamed)");
  EXPECT_TRUE(starts_with(load_error(R"(name: x
packages: [{id: KB1, kind: cu, revision: 100}]
targets: [{name: device, kind: online, build: 26100, ubr: 1, ssu_version: 1}]
plan: {steps: [KB1]}
expect: {orders: [{order: [KB1], first_error: 0x00240006}]}
)"),
                          "t.yaml:5:47: first_error must be an error HRESULT"));
}

TEST(ScenarioLoader, ExploreCountMustBeWholeNumber) {
  EXPECT_EQ(load_error(R"(name: x
packages: [{id: KB1, kind: cu, revision: 100}]
targets: [{name: device, kind: online, build: 26100, ubr: 1, ssu_version: 1}]
plan: {steps: [KB1]}
expect: {explore: {orders: 1e3}}
)"),
            "t.yaml:5:28: orders must be a whole number of at most 200 digits, not '1e3' "
            "(expect.explore.orders)");
}

TEST(ScenarioLoader, MultipleDocumentsAreRejected) {
  EXPECT_EQ(load_error("name: x\n---\nname: y\n"),
            "t.yaml:2:1: a scenario file holds one YAML document, but another one starts here");
}

// Found by fuzzing: yaml-cpp's LoadAll returns empty documents forever on a leading ','.
TEST(ScenarioLoader, StrayCommaAtDocumentStartDoesNotHang) {
  EXPECT_EQ(load_error(",name: x\n"),
            "t.yaml:1:1: invalid YAML: unexpected ',' where a document starts");
}

// ---- messages a person can act on (issue 8) --------------------------------------------------

// yaml-cpp 0.7 lets an unclosed quote run to the end of the file; the loader then lacked every
// key after it and said "missing required key 'packages'" at 1:1.
TEST(ScenarioLoader, UnclosedQuoteIsNamedWhereItOpens) {
  EXPECT_EQ(load_error(R"(name: "KB5086672 on a device
packages: [{id: KB1, kind: cu, revision: 100}]
targets: [{name: device, kind: online, build: 26100, ubr: 1, ssu_version: 1}]
plan: {steps: [KB1]}
)"),
            "t.yaml:1:7: invalid YAML: the quote \" opened here is never closed");
  EXPECT_EQ(load_error("name: x\nsource: 'it''s open\n"),
            "t.yaml:2:9: invalid YAML: the quote ' opened here is never closed");
  // Quotes inside plain text and closed quotes with escapes are fine.
  EXPECT_EQ(load_error(R"(name: "a \" quote"
source: it's plain
packages: [{id: KB1, kind: cu, revision: 100}]
targets: [{name: device, kind: online, build: 26100, ubr: 1, ssu_version: 1}]
plan: {steps: [KB1]}
)"),
            "(loaded)");
}

// yaml-cpp's own depth guard says only "bad file".
TEST(ScenarioLoader, DeepNestingIsNamedWithItsLimit) {
  EXPECT_EQ(load_error("name: x\nsource: " + std::string(100, '[') + std::string(100, ']') + "\n"),
            "t.yaml:2:40: mappings and lists nest deeper than 32 levels here; a scenario needs "
            "at most 6");
  std::string block = "name: x\nplan:\n";
  for (int depth = 1; depth <= 40; ++depth) block += std::string(static_cast<std::size_t>(depth), ' ') + "k:\n";
  EXPECT_TRUE(starts_with(load_error(block), "t.yaml:34:33: mappings and lists nest deeper than 32"));
}

// Binary input used to report "unknown escape character" from inside some quoted scalar.
TEST(ScenarioLoader, BinaryInputIsNamedAtItsFirstControlCharacter) {
  EXPECT_EQ(load_error(std::string("\x7f" "ELF\x02\x01\x01\0\0\0", 10)),
            "t.yaml:1:1: control character U+007F in the file (a scenario file is UTF-8 YAML "
            "text; is this a binary file?)");
  EXPECT_EQ(load_error(std::string("name: x\0y\n", 10)),
            "t.yaml:1:8: control character U+0000 in the file (a scenario file is UTF-8 YAML "
            "text; is this a binary file?)");
}

TEST(ScenarioLoader, InvalidUtf8IsNamedWithLineAndColumn) {
  EXPECT_EQ(load_error("name: x\nsource: ab\xff\n"),
            "t.yaml:2:11: not UTF-8 text: byte 0xFF starts no UTF-8 character (a scenario file "
            "is UTF-8 YAML)");
  EXPECT_EQ(load_error("name: x\nsource: \xc0\xaf\n"),  // an overlong '/'
            "t.yaml:2:9: not UTF-8 text: byte 0xC0 starts no UTF-8 character (a scenario file is "
            "UTF-8 YAML)");
  EXPECT_EQ(load_error("name: x \xe2\x80\xae gnp.exe\n"),
            "t.yaml:1:9: invisible character U+202E in the file (a scenario file is UTF-8 YAML "
            "text)");
  // A byte order mark may open the file; UTF-8 text elsewhere is fine.
  EXPECT_EQ(load_error("\xef\xbb\xbfname: caf\xc3\xa9\npackages: [{id: KB1, kind: cu, revision: 100}]\n"
                       "targets: [{name: device, kind: online, build: 26100, ubr: 1, ssu_version: 1}]\n"
                       "plan: {steps: [KB1]}\n"),
            "(loaded)");
}

// yaml-cpp 0.7 reads the YAML 1.1 merge key as a key named "<<": it got "did you mean 'id'?".
TEST(ScenarioLoader, MergeKeyIsNamedAsUnsupported) {
  EXPECT_EQ(load_error(R"(name: x
packages:
  - &base {id: KB1, kind: cu, revision: 100}
  - <<: *base
    id: KB2
targets: [{name: device, kind: online, build: 26100, ubr: 1, ssu_version: 1}]
plan: {steps: [KB1]}
)"),
            "t.yaml:4:5: merge keys ('<<') are not supported; write the keys out in full "
            "(packages[1].<<)");
}

// ---- names that reach command lines and reports (issue 8) ------------------------------------

/// `top` (the first lines of a file) followed by packages, targets and plan that load.
std::string complete(const std::string& top) {
  return top + "packages: [{id: KB1, kind: cu, revision: 100}]\n"
               "targets: [{name: device, kind: online, build: 26100, ubr: 1, ssu_version: 1}]\n"
               "plan: {steps: [KB1]}\n";
}

/// A one-package scenario whose package has `field: value` (value written as YAML).
std::string with_package_field(const std::string& field, const std::string& value) {
  return "name: x\npackages: [{id: KB1, kind: cu, revision: 100, " + field + ": " + value +
         "}]\ntargets: [{name: device, kind: online, build: 26100, ubr: 1, ssu_version: 1}]\n"
         "plan: {steps: [KB1]}\n";
}

TEST(ScenarioLoader, FileMustBeAPlainWindowsFileName) {
  EXPECT_EQ(load_error(with_package_field("file", "'..\\..\\kb1.msu'")),
            "t.yaml:2:53: file '..\\..\\kb1.msu' is not a valid Windows file name: it contains "
            "'\\', a path separator; give the file's name alone (it is looked up in the package "
            "folder) (packages[0].file)");
  EXPECT_TRUE(ends_with(load_error(with_package_field("file", "\"kb1.msu\\n& shutdown /r\"")),
                        "is not a valid Windows file name: it contains U+000A, a control or "
                        "invisible character (packages[0].file)"));
  EXPECT_TRUE(ends_with(load_error(with_package_field("file", "\"kb1\\e[31m.msu\"")),
                        "it contains U+001B, a control or invisible character (packages[0].file)"));
  EXPECT_TRUE(ends_with(load_error(with_package_field("file", "NUL.msu")),
                        "'NUL' is a reserved device name in Windows (with or without an "
                        "extension) (packages[0].file)"));
  EXPECT_TRUE(ends_with(load_error(with_package_field("file", "\"kb1.msu.\"")),
                        "it ends with a dot, which Windows drops from a file name "
                        "(packages[0].file)"));
  // What Windows allows stays legal: the printed command lines quote it.
  EXPECT_EQ(load_error(with_package_field("file", "\"50% off & (final); it's $x.msu\"")),
            "(loaded)");
}

TEST(ScenarioLoader, IdsTargetNamesAndIdentitiesUseTheirAlphabets) {
  EXPECT_EQ(load_error("name: x\npackages: [{id: \"KB1 & calc\", kind: fod}]\n"
                       "targets: [{name: device, kind: online, build: 26100, ubr: 1, ssu_version: 1}]\n"
                       "plan: {steps: [KB1]}\n"),
            "t.yaml:2:17: package id 'KB1 & calc' is not valid: it may hold only letters, digits, "
            "'_', '.' and '-' (found a space) (packages[0].id)");
  EXPECT_EQ(load_error(R"(name: x
packages: [{id: KB1, kind: cu, revision: 100}]
targets: [{name: "dev:ice", kind: online, build: 26100, ubr: 1, ssu_version: 1}]
plan: {steps: [KB1]}
)"),
            "t.yaml:3:18: target name 'dev:ice' is not valid: it may hold only letters, digits, "
            "'_', '.' and '-' (found ':') (targets[0].name)");
  EXPECT_TRUE(ends_with(load_error(with_package_field("identity", "\"Package_for_KB1 /Online\"")),
                        "identity 'Package_for_KB1 /Online' is not a valid CBS package identity: "
                        "it may hold only letters, digits, '_', '.', '-' and '~' (found a space) "
                        "(packages[0].identity)"));
}

TEST(ScenarioLoader, NameAndSourceHoldNoControlCharacters) {
  EXPECT_EQ(load_error(complete("name: \"x\\nstep 9  shutdown /r\"\n")),
            "t.yaml:1:7: name 'x?step 9  shutdown /r' is not valid: it contains a line break; it "
            "must fit on one line (name)");
  EXPECT_EQ(load_error(complete("name: \"red \\e[31m\"\n")),
            "t.yaml:1:7: name 'red ?[31m' is not valid: it contains U+001B, a control or "
            "invisible character (name)");
  EXPECT_EQ(load_error(complete("name: x\nsource: \"a\\x9bb\"\n")),
            "t.yaml:2:9: source is not valid: it contains U+009B, a control or invisible "
            "character (source)");
  // A source may span lines.
  const Scenario scenario = load_ok(R"(name: x
source: |
  line one
  line two
packages: [{id: KB1, kind: cu, revision: 100}]
targets: [{name: device, kind: online, build: 26100, ubr: 1, ssu_version: 1}]
plan: {steps: [KB1]}
)");
  EXPECT_EQ(scenario.source, "line one\nline two\n");
}

TEST(ScenarioLoader, StepTextHoldsNoControlCharacters) {
  EXPECT_EQ(load_error(R"yaml(name: x
packages: [{id: KB1, kind: cu, revision: 100}]
targets: [{name: device, kind: online, build: 26100, ubr: 1, ssu_version: 1}]
plan: {steps: ["method1(\tKB1)"]}
)yaml"),
            "t.yaml:4:16: step 'method1(?KB1)' is not valid: it contains U+0009, a control or "
            "invisible character (plan.steps[0])");
}

// Inputs a fuzzer finds early: each must give an error, never a crash, hang or exception.
TEST(ScenarioLoader, HostileInputsGiveErrors) {
  const std::vector<std::string> inputs = {
      "&a [*a]",
      "name: &a {x: *a}",
      "name: x\npackages: &p [*p]\n",
      "name: x\npackages: [{id: &i [*i], kind: cu}]\n",
      "*unknown",
      std::string(5000, '['),
      std::string(5000, '{'),
      "? [a, b]\n: c\n",
      "name: x\n<<: {packages: []}\n",
      "name: \"a\\nb\"\nunknown\"\\n\": 1\n",
      std::string("name: x\0y\n", 10),
      "\xff\xfe\x00",
      "name: x\npackages: [{id: KB1, kind: cu, revision: 99999999999999999999999999999}]\n",
      "name: x\npackages: [{id: KB1, kind: cu, revision: \"\"}]\n",
      "name: x\npackages: [{id: KB1, kind: cu, revision: }]\n",
      "name: x\npackages: [{id: cleanup, kind: fod}]\n",
      "name: x\npackages: [{id: \"a b\", kind: fod}]\n",
      "name: x\n, y\n",
      "]",
      "name: x\n...\n,\n",
  };
  for (const std::string& input : inputs) {
    const std::string error = load_error(input);
    EXPECT_TRUE(starts_with(error, "t.yaml:")) << input;
    EXPECT_EQ(error.find('\n'), std::string::npos) << error;
  }
}

// ---- v2 keys ----------------------------------------------------------------------------------

TEST(ScenarioLoaderV2, DefectRegressionKnobsAndPlanKeys) {
  const Scenario scenario = load_ok(R"(name: v2
knobs: {older_checkpoint: not_applicable, corrupt_store_adds: fail}
packages:
  - {id: KB1, kind: cu, revision: 100, defect: {at: commit, code: 0x80070643, probability: 0.25}}
  - {id: KB2, kind: cu, revision: 200, regression: {probability: 0.3, fixed_by: [KB3], symptom: "LSASS"}}
  - {id: KB3, kind: cu, revision: 300}
targets: [{name: device, kind: online, build: 26100, ubr: 1, ssu_version: 1}]
plan: {steps: [KB1, KB2, KB3], reboot: never, reboot_count_max: 3, tolerate: [0x80070643]}
faults: {max: 1, kinds: [defect(KB1), regression(KB2), startup_failure]}
)");
  EXPECT_EQ(scenario.knobs.older_checkpoint, OlderCheckpoint::not_applicable);
  EXPECT_EQ(scenario.knobs.corrupt_store_adds, CorruptStoreAdds::fail);
  ASSERT_TRUE(scenario.catalog[0].defect.has_value());
  EXPECT_EQ(scenario.catalog[0].defect->at, DefectAt::commit);
  EXPECT_EQ(hresult(scenario.catalog[0].defect->code), 0x80070643u);
  EXPECT_DOUBLE_EQ(scenario.catalog[0].defect->probability, 0.25);
  ASSERT_TRUE(scenario.catalog[1].regression.has_value());
  EXPECT_EQ(scenario.catalog[1].regression->fixed_by, std::vector<PackageIndex>{2});
  EXPECT_EQ(scenario.catalog[1].regression->symptom, "LSASS");
  EXPECT_EQ(scenario.plan.reboot, RebootPolicy::never);
  EXPECT_EQ(scenario.plan.reboot_count_max, 3);
  EXPECT_EQ(scenario.faults.devices, 0b11);
  EXPECT_EQ(scenario.faults.kinds, fault_bit(Fault::startup_failure));
}

TEST(ScenarioLoaderV2, DeviceKindsMustNameAPropertyBelowProbabilityOne) {
  EXPECT_EQ(load_error(R"(name: x
packages: [{id: KB1, kind: cu, revision: 100}]
targets: [{name: device, kind: online, build: 26100, ubr: 1, ssu_version: 1}]
plan: {steps: [KB1]}
faults: {max: 1, kinds: [defect(KB1)]}
)"),
            "t.yaml:5:26: 'KB1' has no defect to branch on (faults.kinds[0])");
  EXPECT_TRUE(starts_with(load_error(R"(name: x
packages: [{id: KB1, kind: cu, revision: 100, defect: {code: 0x800F0922}}]
targets: [{name: device, kind: online, build: 26100, ubr: 1, ssu_version: 1}]
plan: {steps: [KB1]}
faults: {max: 1, kinds: [defect(KB1)]}
)"),
                          "t.yaml:5:26: 'defect(KB1)' has probability 1: every device has it"));
}

TEST(ScenarioLoaderV2, BadDefectAndRegressionValues) {
  EXPECT_TRUE(starts_with(load_error(R"(name: x
packages: [{id: KB1, kind: cu, revision: 100, defect: {probability: 0}}]
targets: [{name: device, kind: online, build: 26100, ubr: 1, ssu_version: 1}]
plan: {steps: [KB1]}
)"),
                          "t.yaml:2:69: probability must be a number above 0 and at most 1"));
  EXPECT_TRUE(starts_with(load_error(R"(name: x
packages: [{id: KB1, kind: cu, revision: 100, defect: {at: boot}}]
targets: [{name: device, kind: online, build: 26100, ubr: 1, ssu_version: 1}]
plan: {steps: [KB1]}
)"),
                          "t.yaml:2:60: defect.at must be add or commit, not 'boot'"));
  EXPECT_TRUE(starts_with(load_error(R"(name: x
packages: [{id: KB1, kind: cu, revision: 100, regression: {fixed_by: [KB9]}}]
targets: [{name: device, kind: online, build: 26100, ubr: 1, ssu_version: 1}]
plan: {steps: [KB1]}
)"),
                          "t.yaml:2:71: unknown package 'KB9'"));
  EXPECT_TRUE(starts_with(load_error(R"(name: x
packages: [{id: KB1, kind: cu, revision: 100}]
targets: [{name: device, kind: online, build: 26100, ubr: 1, ssu_version: 1}]
plan: {steps: [KB1], reboot: sometimes}
)"),
                          "t.yaml:4:30: unknown reboot policy 'sometimes' (expected one of: "
                          "after_3010, at_end, never)"));
}

}  // namespace
}  // namespace svcsim::scenario
