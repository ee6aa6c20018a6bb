// Property tests of the servicing laws that are about a specific sequence: a pending session
// undone by startup_failure or revert_pending, the newest CU removed, Method 1 against the same
// CUs one by one, the same chain on an online target and on install.wim, and determinism of
// run_sequence and explore. Every step still goes through TargetModel, so the per-step laws of
// laws.hpp are checked here too. Last, a test that an SVCSIM_ASSERT inside a property shrinks to
// a minimal counterexample (the assert handler throws in this executable, see main.cpp).
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "scenario_generator.hpp"
#include "svcsim/model/assert.hpp"
#include "svcsim/model/invariants.hpp"
#include "svcsim/model/result_code.hpp"
#include "svcsim/simulator/explorer.hpp"
#include "svcsim/simulator/policy.hpp"
#include "svcsim/simulator/sequence.hpp"
#include "target_model.hpp"
#include "text.hpp"

namespace svcsim::properties {
namespace {

using model::CbsState;
using model::Fault;
using model::OperationKind;
using model::PackageIndex;
using model::TargetKind;
using simulator::testing::gen_scenario;
using simulator::testing::ScenarioLimits;

/// RC_ASSERT with a message (this RapidCheck has no RC_ASSERT_MSG).
void require(bool condition, const std::string& message) {
  if (!condition) RC_FAIL(message);
}

/// The laws here are about what reboots do, so every reboot must run: the generated plan's
/// reboot bound (v2) is lifted (the stateful tests hold the bound to its own law).
std::shared_ptr<const scenario::Scenario> share(scenario::Scenario scenario) {
  scenario.plan.reboot_count_max = model::reboot_count_max_limit;
  return std::make_shared<const scenario::Scenario>(std::move(scenario));
}

std::vector<PackageIndex> cumulative_packages(const model::Catalog& catalog) {
  std::vector<PackageIndex> indices;
  for (std::size_t slot = 0; slot < catalog.size(); ++slot) {
    const auto index = static_cast<PackageIndex>(slot);
    if (model::is_cumulative(catalog[index].kind)) indices.push_back(index);
  }
  return indices;
}

/// Any package, uniformly at every generation size, shrinking toward the first.
PackageIndex gen_package_index(const model::Catalog& catalog) {
  return static_cast<PackageIndex>(
      *rc::gen::resize(100, rc::gen::inRange<std::size_t>(0, catalog.size())));
}

/// The newest revision among CU records in `states` for which `counts` holds, or the base.
template <typename Counts>
std::uint32_t newest_cu(const model::ServicingContext& context, const model::PackageStates& states,
                        Counts counts) {
  std::uint32_t newest = context.base_ubr;
  for (std::size_t slot = 0; slot < context.catalog->size(); ++slot) {
    const auto index = static_cast<PackageIndex>(slot);
    if (model::is_cumulative(context.package(index).kind) && counts(states.get(index))) {
      newest = std::max(newest, context.package(index).revision);
    }
  }
  return newest;
}

/// A few servicing steps that may leave something pending: adds (some with an add fault,
/// power-loss orphans included), Method 1 sessions and removes, never a reboot or a revert.
void run_session_steps(TargetModel& target) {
  const model::Catalog& catalog = target.scenario().catalog;
  const std::vector<PackageIndex> cumulative = cumulative_packages(catalog);
  const int step_count = *rc::gen::inRange(1, 9);
  for (int step = 0; step < step_count; ++step) {
    const int choice = *rc::gen::resize(100, rc::gen::inRange(0, 100));  // shrinks to an add
    if (choice < 65) {
      const Fault fault = chance(15)
                              ? *rc::gen::element(Fault::execute_failure, Fault::power_loss_staging,
                                                  Fault::disk_full, Fault::payload_missing)
                              : Fault::none;
      target.step(target.add(gen_package_index(catalog)), fault);
    } else if (choice < 80 && !cumulative.empty()) {
      target.step(target.add_folder(*rc::gen::elementOf(cumulative)));
    } else {
      target.step(target.remove(gen_package_index(catalog)));
    }
  }
}

// §5 startup_failure: after a pending session, a reboot whose startup phase fails leaves exactly
// the pre-session state (but for what the session committed at once; see laws.cpp).
RC_GTEST_PROP(SequenceLaws, StartupFailureRestoresThePreSessionState, ()) {
  const auto scenario = *gen_scenario({.package_count_max = 8, .step_count_max = 1});
  RC_PRE(scenario.targets[0].kind == TargetKind::online);
  TargetModel target(share(scenario));
  run_session_steps(target);
  RC_PRE(pending_packages(target.context(), target.state().packages) != 0);
  const model::Outcome& outcome =
      target.step(TargetModel::of_kind(OperationKind::reboot), Fault::startup_failure);
  RC_ASSERT(outcome.fault == Fault::startup_failure);
  RC_ASSERT(outcome.code == model::ResultCode::s_ok);  // "the reboot itself looks fine"
  RC_ASSERT(pending_packages(target.context(), target.state().packages) == 0U);
}

// §4.6 revert_pending undoes exactly the pending set, online (reboot pending) and offline
// (online actions pending: half the packages get `online_actions` so that offline sessions
// exist).
RC_GTEST_PROP(SequenceLaws, RevertPendingUndoesExactlyThePendingSet, ()) {
  auto scenario = *gen_scenario({.package_count_max = 8, .step_count_max = 1});
  if (model::is_offline(scenario.targets[0].kind)) {
    for (model::Package& package : scenario.catalog.packages) {
      if (*rc::gen::arbitrary<bool>()) package.online_actions = true;
    }
  }
  TargetModel target(share(scenario));
  run_session_steps(target);
  RC_PRE(pending_packages(target.context(), target.state().packages) != 0);
  const model::Outcome& outcome = target.step(TargetModel::of_kind(OperationKind::revert_pending));
  RC_ASSERT(model::is_success(outcome.code));
  RC_ASSERT(pending_packages(target.context(), target.state().packages) == 0U);
}

// §4.3/§4.4: removing the newest CU (online + reboot, or offline) returns ubr to the newest
// remaining committed CU record's revision, or the base.
RC_GTEST_PROP(SequenceLaws, RemovingTheNewestCuReturnsUbrToThePreviousOne, ()) {
  const auto scenario = *gen_scenario({.package_count_max = 8, .step_count_max = 1});
  const TargetKind kind = scenario.targets[0].kind;
  RC_PRE(kind == TargetKind::online || kind == TargetKind::install_wim ||
         kind == TargetKind::boot_wim);
  TargetModel target(share(scenario));
  // Install a random subset of the chain in revision order, rebooting after each 3010.
  std::vector<PackageIndex> chain = cumulative_packages(scenario.catalog);
  std::stable_sort(chain.begin(), chain.end(), [&](PackageIndex left, PackageIndex right) {
    return scenario.catalog[left].revision < scenario.catalog[right].revision;
  });
  for (PackageIndex index : chain) {
    if (!*rc::gen::arbitrary<bool>()) continue;
    if (target.step(target.add(index)).code == model::ResultCode::success_reboot_required) {
      target.step(TargetModel::of_kind(OperationKind::reboot));
    }
  }
  const model::ServicingContext& context = target.context();
  std::optional<PackageIndex> newest;
  for (PackageIndex index : chain) {
    if (target.state().packages.get(index) == CbsState::installed &&
        scenario.catalog[index].revision == target.state().ubr) {
      newest = index;
    }
  }
  RC_PRE(newest.has_value());
  RC_PRE(!target.state().flags.has(model::TargetFlag::unserviceable));
  RC_PRE(pending_packages(context, target.state().packages) == 0U);
  model::PackageStates remaining = target.state().packages;
  remaining.set(*newest, CbsState::absent);
  const std::uint32_t previous =
      newest_cu(context, remaining, [](CbsState state) { return model::is_committed(state); });

  const model::Outcome& removed = target.step(target.remove(*newest));
  if (kind == TargetKind::online) {
    RC_ASSERT(removed.code == model::ResultCode::success_reboot_required);
    target.step(TargetModel::of_kind(OperationKind::reboot));
  } else {
    RC_ASSERT(removed.code == model::ResultCode::s_ok);
  }
  RC_ASSERT(target.state().packages.get(*newest) == CbsState::absent);
  RC_ASSERT(target.state().ubr == previous);
}

/// Method 1 against the same CUs one by one (§4.2): the CUs the folder session processes are
/// those at or below the target's revision and above the effective UBR, in ascending revision,
/// then the target. The one-by-one run adds them in that order and reboots once at the end
/// (plan.reboot = at_end).
///
/// Two choices, both from model/src/apply.cpp's reading of §4.2: a Method 1 session resolves
/// every check against its own earlier packages, so the one-by-one run uses the default knob
/// baseline_sees_pending = true (without it, a checkpoint and a CU based on it cannot both be
/// added before the one reboot); and catalogs in which two processed CUs share a revision are
/// discarded, since the session skips the second as "at or below the effective UBR" while a
/// one-by-one add of it is an error (0x800F081E), which is a difference of procedure, not of
/// end state.
void check_method1_equivalence(TargetKind kind) {
  auto scenario = *gen_scenario({.package_count_max = 8, .step_count_max = 1});
  RC_PRE(scenario.targets[0].kind == kind);
  scenario.knobs.baseline_sees_pending = true;
  const std::vector<PackageIndex> cumulative = cumulative_packages(scenario.catalog);
  RC_PRE(!cumulative.empty());
  const PackageIndex folder_target = *rc::gen::elementOf(cumulative);
  TargetModel by_folder(share(scenario));
  TargetModel one_by_one(share(scenario));
  const model::ServicingContext& context = by_folder.context();
  const model::Catalog& catalog = scenario.catalog;

  const std::uint32_t target_revision = catalog[folder_target].revision;
  const std::uint32_t effective_ubr =
      newest_cu(context, by_folder.state().packages, [](CbsState state) {
        return model::is_committed(state) || state == CbsState::install_pending;
      });
  std::vector<PackageIndex> processed;
  for (PackageIndex index : cumulative) {
    const std::uint32_t revision = catalog[index].revision;
    if (index != folder_target && revision > effective_ubr && revision <= target_revision) {
      processed.push_back(index);
    }
  }
  std::stable_sort(processed.begin(), processed.end(), [&](PackageIndex left, PackageIndex right) {
    return catalog[left].revision < catalog[right].revision;
  });
  processed.push_back(folder_target);
  for (std::size_t position = 1; position < processed.size(); ++position) {
    RC_PRE(catalog[processed[position - 1]].revision < catalog[processed[position]].revision);
  }

  model::Plan at_end;
  at_end.reboot = model::RebootPolicy::at_end;
  const auto final_reboot = [&](TargetModel& target) {
    if (simulator::final_reboot_needed(at_end, target.context(), target.state())) {
      target.step(TargetModel::of_kind(OperationKind::reboot));
    }
  };
  const model::ResultCode folder_code = by_folder.step(by_folder.add_folder(folder_target)).code;
  final_reboot(by_folder);
  std::optional<model::ResultCode> first_error;
  for (PackageIndex index : processed) {
    const model::ResultCode code = one_by_one.step(one_by_one.add(index)).code;
    if (!model::is_success(code) && !first_error) first_error = code;
  }
  final_reboot(one_by_one);

  const std::string both = "\nMethod 1:\n" + by_folder.history() +
                           state_text(context, by_folder.state()) + "\none by one:\n" +
                           one_by_one.history() + state_text(context, one_by_one.state());
  if (model::is_success(folder_code)) {
    require(!first_error.has_value(), "a one-by-one add failed where Method 1 succeeded" + both);
    require(by_folder.state() == one_by_one.state(), "different end states" + both);
  } else {
    require(first_error == folder_code,
                  "the one-by-one run must fail with Method 1's error" + both);
  }
}

// §4.2 Method 1 on an online target: the same end state as one by one with one reboot at the end.
RC_GTEST_PROP(SequenceLaws, Method1EqualsOneByOneOnline, ()) {
  check_method1_equivalence(TargetKind::online);
}

// §4.2 Method 1 on install.wim: the same end state as one by one.
RC_GTEST_PROP(SequenceLaws, Method1EqualsOneByOneOnInstallWim, ()) {
  check_method1_equivalence(TargetKind::install_wim);
}

/// A catalog of SSUs, checkpoint CUs and CUs with their default `applies_to` (both online and
/// install.wim), with random revisions, baselines, bundled SSUs, ssu_min and requires.
model::Catalog gen_chain_catalog() {
  model::Catalog catalog;
  std::vector<std::uint32_t> checkpoints;
  const int package_count = *rc::gen::inRange(1, 8);
  for (int index = 0; index < package_count; ++index) {
    const model::PackageKind kind =
        *rc::gen::element(model::PackageKind::ssu, model::PackageKind::checkpoint_cu,
                          model::PackageKind::cu, model::PackageKind::cu);
    model::Package package = model::package_defaults(kind);
    package.id = "KB" + std::to_string(5000000 + index);
    package.file = "windows11.0-kb" + std::to_string(5000000 + index) + "-x64.msu";
    package.identity = "Package_for_" + package.id + "~31bf3856ad364e35~amd64~~0.0.0.0";
    if (kind == model::PackageKind::ssu) {
      package.revision = static_cast<std::uint32_t>(*rc::gen::inRange(1, 10)) * 100;
    } else {
      package.revision = static_cast<std::uint32_t>(*rc::gen::inRange(1, 30)) * 100;
      if (!checkpoints.empty() && chance(60)) {
        package.baseline = *rc::gen::elementOf(checkpoints);
      }
      if (chance(30)) {
        package.bundled_ssu = static_cast<std::uint32_t>(*rc::gen::inRange(1, 10)) * 100;
      }
      if (chance(30)) {
        package.ssu_min = static_cast<std::uint32_t>(*rc::gen::inRange(1, 10)) * 100;
      }
      if (kind == model::PackageKind::checkpoint_cu) checkpoints.push_back(package.revision);
    }
    if (index > 0 && chance(10)) {
      package.requires_packages.push_back(static_cast<PackageIndex>(*rc::gen::inRange(0, index)));
    }
    catalog.packages.push_back(std::move(package));
  }
  return catalog;
}

scenario::Scenario chain_scenario(const model::Catalog& catalog, TargetKind kind,
                               std::uint32_t base_ubr, std::uint32_t ssu_version,
                               model::ResultCode missing_baseline_error) {
  scenario::Scenario scenario;
  scenario.name = "chain";
  scenario.catalog = catalog;
  scenario.knobs.missing_baseline_error = missing_baseline_error;
  model::TargetSpec target;
  target.name = "target";
  target.kind = kind;
  target.build = 26100;
  target.base_build = 26100;
  target.base_ubr = base_ubr;
  target.ubr = base_ubr;
  target.ssu_version = ssu_version;
  if (model::is_offline(kind)) target.flags.set(model::TargetFlag::mounted);
  scenario.targets.push_back(target);
  return scenario;
}

// The same chain of adds on an online target (rebooting after each 3010) and on install.wim
// ends with the same UBR, servicing stack and committed-ness of every package.
RC_GTEST_PROP(SequenceLaws, ChainOnlineEqualsChainOnInstallWim, ()) {
  const model::Catalog catalog = gen_chain_catalog();
  const auto base_ubr = *rc::gen::element(1u, 500u);
  const auto ssu_version = static_cast<std::uint32_t>(*rc::gen::inRange(0, 6)) * 100 + 1;
  const auto missing_baseline_error =
      *rc::gen::element(model::ResultCode::cbs_e_missing_prerequisite_baseline,
                        model::ResultCode::cbs_e_not_applicable);
  const auto chain = *rc::gen::container<std::vector<int>>(
      rc::gen::inRange(0, static_cast<int>(catalog.size())));
  RC_PRE(!chain.empty());
  TargetModel online(share(
      chain_scenario(catalog, TargetKind::online, base_ubr, ssu_version, missing_baseline_error)));
  TargetModel offline(share(chain_scenario(catalog, TargetKind::install_wim, base_ubr, ssu_version,
                                           missing_baseline_error)));
  for (int package : chain) {
    const auto index = static_cast<PackageIndex>(package);
    if (online.step(online.add(index)).code == model::ResultCode::success_reboot_required) {
      online.step(TargetModel::of_kind(OperationKind::reboot));
    }
    offline.step(offline.add(index));
  }
  const std::string both = "\nonline:\n" + online.history() +
                           state_text(online.context(), online.state()) + "\ninstall_wim:\n" +
                           offline.history() + state_text(offline.context(), offline.state());
  require(online.state().ubr == offline.state().ubr, "different UBR" + both);
  require(online.state().ssu_version == offline.state().ssu_version,
                "different servicing stack" + both);
  for (std::size_t slot = 0; slot < catalog.size(); ++slot) {
    const auto index = static_cast<PackageIndex>(slot);
    require(model::is_committed(online.state().packages.get(index)) ==
                      model::is_committed(offline.state().packages.get(index)),
                  catalog[index].id + " is committed on one target only" + both);
  }
}

// ---- Pinned counterexamples ----------------------------------------------------------------

/// The minimal counterexample StatefulLaws.OnlineTarget shrank to (SVCSIM_PROPERTY_RUNS=20):
/// KB5000000, a CU (600, restart required), is installed and then removed (uninstall_pending);
/// KB5000001, a checkpoint CU (700) with `restart: possible`, installs at once, so ubr is 700;
/// `rollback` then undoes the pending session. KB5000000 must not come back `installed` under a
/// newer current CU (I2: older installed CU records are superseded).
void expect_rollback_keeps_i2(bool by_startup_failure) {
  scenario::Scenario scenario;
  model::Package cu = model::package_defaults(model::PackageKind::cu);
  cu.id = "KB5000000";
  cu.revision = 600;
  model::Package checkpoint = model::package_defaults(model::PackageKind::checkpoint_cu);
  checkpoint.id = "KB5000001";
  checkpoint.revision = 700;
  checkpoint.restart = model::RestartType::possible;
  scenario.catalog.packages = {cu, checkpoint};
  model::TargetSpec target;
  target.kind = TargetKind::online;
  target.build = target.base_build = 26100;
  target.ubr = target.base_ubr = 500;
  target.ssu_version = 101;
  scenario.targets.push_back(target);
  const model::ServicingContext context = scenario::make_context(scenario, 0);
  model::TargetState state = scenario::initial_state(scenario, 0);
  model::Operation add_cu{OperationKind::add, 0};
  model::Operation reboot{OperationKind::reboot, 0};
  model::Operation remove_cu{OperationKind::remove, 0};
  model::Operation add_checkpoint{OperationKind::add, 1};
  model::Operation revert{OperationKind::revert_pending, 0};
  const std::vector<std::pair<model::Operation, Fault>> steps = {
      {add_cu, Fault::none}, {reboot, Fault::none}, {remove_cu, Fault::none},
      {add_checkpoint, Fault::none},
      by_startup_failure ? std::pair{reboot, Fault::startup_failure} : std::pair{revert, Fault::none}};
  for (const auto& [operation, fault] : steps) {
    const model::Outcome outcome = model::apply(context, state, operation, fault);
    const model::InvariantViolation violation = model::check_step(context, state, operation, outcome);
    EXPECT_FALSE(violation) << operation_text(context, operation, fault) << ": "
                            << model::describe(context, outcome.state, violation) << "\nafter: "
                            << state_text(context, outcome.state);
    state = outcome.state;
  }
  EXPECT_EQ(model::cbs_state_name(state.packages.get(0)), "superseded") << state_text(context, state);
  EXPECT_EQ(state.ubr, 700U);
}

// Found by StatefulLaws.OnlineTarget; fails until apply.cpp's roll_back_pending re-settles the
// CU chain (see the report of issue #4).
TEST(PinnedCounterexample, RevertPendingAfterANewerCuCommittedAtOnceKeepsI2) {
  expect_rollback_keeps_i2(false);
}

// The same through a reboot whose startup phase fails.
TEST(PinnedCounterexample, StartupFailureAfterANewerCuCommittedAtOnceKeepsI2) {
  expect_rollback_keeps_i2(true);
}

// ---- Determinism --------------------------------------------------------------------------

template <typename T>
void append_bytes(std::string& text, const T& value) {
  static_assert(std::is_trivially_copyable_v<T>);
  const auto bytes = std::bit_cast<std::array<unsigned char, sizeof(T)>>(value);
  static constexpr char digits[] = "0123456789abcdef";
  for (unsigned char byte : bytes) {
    text += digits[byte >> 4];
    text += digits[byte & 0x0F];
  }
  text += ' ';
}

/// Every field of a run, the states as raw bytes: two runs are the same iff these are equal.
std::string serialize(const simulator::RunResult& run) {
  std::string text;
  for (const simulator::StepRecord& step : run.steps) {
    text += std::to_string(step.number) + " " +
            (step.plan_step ? std::to_string(*step.plan_step) : std::string("-")) + " " +
            step.text + " ";
    append_bytes(text, step.step);
    append_bytes(text, step.reason);
    append_bytes(text, step.tolerated);
    append_bytes(text, step.before);
    append_bytes(text, step.outcome.state);
    append_bytes(text, step.outcome.code);
    append_bytes(text, step.outcome.fault_sites);
    append_bytes(text, step.outcome.fault);
    append_bytes(text, step.outcome.notes);
    append_bytes(text, step.advice);
    text += "\n";
  }
  for (const model::TargetState& target : run.end.targets) append_bytes(text, target);
  append_bytes(text, run.outcome_class);
  text += run.first_error ? model::hresult_text(model::hresult(*run.first_error)) : "none";
  text += run.stopped_early ? " stopped " : " ran ";
  append_bytes(text, run.advice);
  for (const simulator::FaultPlacement& placement : run.faults_not_struck) {
    text += std::to_string(placement.step) + ":" + std::string(model::fault_name(placement.fault)) + " ";
  }
  append_bytes(text, run.violation.invariant);
  text += std::to_string(run.violation_step) + " " + run.violation_text;
  return text;
}

// run_sequence is deterministic: the same scenario, order and faults give the same trace, byte
// for byte (every StepRecord: text, code, states).
RC_GTEST_PROP(Determinism, RunSequenceTwiceGivesTheSameTrace, ()) {
  const auto scenario =
      *gen_scenario({.package_count_max = 8, .step_count_max = 6, .fault_count_max = 2});
  const std::vector<model::PlanStep> order = simulator::documented_order(scenario);
  const int step_count_max = 2 * static_cast<int>(order.size()) + 1;
  std::vector<simulator::FaultPlacement> faults;
  const int fault_count = *rc::gen::inRange(0, 3);
  for (int fault = 0; fault < fault_count; ++fault) {
    faults.push_back({*rc::gen::inRange(1, step_count_max + 1),
                      static_cast<Fault>(*rc::gen::inRange(1, model::fault_count))});
  }
  const model::WorldState expected = simulator::expected_end_state(scenario);
  const std::string first = serialize(simulator::run_sequence(scenario, order, faults, expected));
  const std::string second = serialize(simulator::run_sequence(scenario, order, faults, expected));
  RC_ASSERT(first == second);
}

/// Everything explore reports but its timing and memory.
std::string summarize(const simulator::ExploreResult& result) {
  std::string text = "status " + std::to_string(static_cast<int>(result.status)) + " orders " +
                     result.orders.to_string() + " states " + std::to_string(result.states) +
                     " transitions " + std::to_string(result.transitions) + " model_states " +
                     std::to_string(result.model_states) + "\n";
  for (const simulator::RunCounts& runs : result.runs) {
    // Appended piece by piece: GCC 12 warns (-Wrestrict, a known false positive) on
    // `" " + std::string` chains here.
    text += "total ";
    text += runs.total.to_string();
    for (const simulator::BigCount& count : runs.classes) {
      text += ' ';
      text += count.to_string();
    }
    for (const auto& [code, count] : runs.codes) {
      text += ' ';
      text += model::hresult_text(code);
      text += '=';
      text += count.to_string();
    }
    text += '\n';
  }
  for (const simulator::Witness& witness : result.witnesses) {
    text += std::string(witness.for_code ? "code " : "class ") +
            std::string(model::outcome_class_name(witness.outcome_class)) + " " +
            std::to_string(witness.operation_count) + " " + witness.command + "\n";
  }
  return text + result.violation_text + "\n" + result.violation_command;
}

// explore is deterministic: two explores of the same scenario give identical counts and
// witness commands.
RC_GTEST_PROP(Determinism, ExploreTwiceGivesTheSameCountsAndWitnesses, ()) {
  const auto scenario =
      *gen_scenario({.package_count_max = 8, .step_count_max = 6, .fault_count_max = 2});
  const std::string first = summarize(simulator::explore(scenario));
  const std::string second = summarize(simulator::explore(scenario));
  RC_ASSERT(first == second);
}

// ---- Shrinking of model assertions --------------------------------------------------------

/// Listens to nothing: the deliberate failures below must not reach RapidCheck's default
/// listener, which would print them with a reproduce string at exit as if the suite had failed.
class SilentListener : public rc::detail::TestListener {
 public:
  void onTestCaseFinished(const rc::detail::CaseDescription& /*description*/) override {}
  void onShrinkTried(const rc::detail::CaseDescription& /*shrink*/, bool /*accepted*/) override {}
  void onTestFinished(const rc::detail::TestMetadata& /*metadata*/,
                      const rc::detail::TestResult& /*result*/) override {}
};

/// Runs `property` through RapidCheck with fixed parameters and returns the failure it must
/// report.
template <typename Property>
rc::detail::FailureResult expect_failure(const std::string& id, Property property) {
  rc::detail::TestMetadata metadata;
  metadata.id = id;
  metadata.description = id;
  rc::detail::TestParams params;
  params.seed = 4;
  params.maxSuccess = 200;
  SilentListener listener;
  const rc::detail::TestResult result =
      rc::detail::checkTestable(property, metadata, params, listener);
  if (!result.is<rc::detail::FailureResult>()) {
    ADD_FAILURE() << "RapidCheck did not report a failure";
    return {};
  }
  return result.get<rc::detail::FailureResult>();
}

// An SVCSIM_ASSERT that fires inside a property throws AssertionFailure (main.cpp installs the
// throwing handler), so RapidCheck records a failure and shrinks it: the smallest vector that
// breaks "fewer than 3 values" has exactly 3 elements, all 0.
TEST(AssertHandler, AssertionInAPropertyShrinksToAMinimalCounterexample) {
  const rc::detail::FailureResult failure =
      expect_failure("AssertHandler/deliberate", [](const std::vector<int>& values) {
        SVCSIM_ASSERT_MSG(values.size() < 3, "deliberate failure: three or more values");
      });
  EXPECT_NE(failure.description.find("deliberate failure"), std::string::npos)
      << failure.description;
  ASSERT_EQ(failure.counterExample.size(), 1U);
  EXPECT_EQ(failure.counterExample[0].second, "([0, 0, 0])");
}

// The same for an assertion inside model::apply itself: adding a package index past the end of
// a two-package catalog trips apply's precondition, and the counterexample shrinks to the one
// smallest bad index.
TEST(AssertHandler, ModelAssertionShrinksToTheSmallestBadStep) {
  auto scenario = std::make_shared<scenario::Scenario>();
  for (int index = 0; index < 2; ++index) {
    model::Package package = model::package_defaults(model::PackageKind::language_pack);
    package.id = "KB" + std::to_string(5000000 + index);
    scenario->catalog.packages.push_back(package);
  }
  model::TargetSpec target;
  target.kind = TargetKind::online;
  target.build = target.base_build = 26100;
  target.ubr = target.base_ubr = 1;
  scenario->targets.push_back(target);
  const rc::detail::FailureResult failure = expect_failure(
      "AssertHandler/model", [scenario](const std::vector<unsigned>& packages) {
        const model::ServicingContext context = scenario::make_context(*scenario, 0);
        model::TargetState state = scenario::initial_state(*scenario, 0);
        for (unsigned package : packages) {
          model::Operation operation;
          operation.package = static_cast<PackageIndex>(package % 8U);
          state = model::apply(context, state, operation).state;
        }
      });
  EXPECT_NE(failure.description.find("operation.package < context.catalog->size()"),
            std::string::npos)
      << failure.description;
  ASSERT_EQ(failure.counterExample.size(), 1U);
  EXPECT_EQ(failure.counterExample[0].second, "([2])") << failure.counterExample[0].second;
}

}  // namespace
}  // namespace svcsim::properties
