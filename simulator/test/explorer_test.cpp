// The explorer against an independent oracle: the brute-force checker enumerates every order and
// every fault placement through the ordinary sequence runner, and the explorer's exact counts,
// shortest-witness lengths and witness commands must agree with it on the shipped scenarios, on
// synthetic chains and on RapidCheck-generated scenarios. Plus hand-computed counts, order
// constraints, limits and determinism.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <bit>
#include <cstdlib>
#include <filesystem>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "brute_force.hpp"
#include "explore_summary.hpp"
#include "source_dir.hpp"
#include "scenario_generator.hpp"
#include "world_generator.hpp"
#include "svcsim/model/assert.hpp"
#include "svcsim/scenario/loader.hpp"
#include "svcsim/simulator/explorer.hpp"
#include "svcsim/simulator/synthetic_chain.hpp"

namespace svcsim::simulator {
namespace {

using testing::brute_force;
using testing::BruteForceResult;

scenario::Scenario load(const std::filesystem::path& path) {
  auto loaded = scenario::load_scenario_file(path.string());
  if (!loaded) throw std::runtime_error(loaded.error().to_string());
  return std::move(loaded).value();
}

ExploreOptions with_faults(int fault_count_max) {
  ExploreOptions options;
  options.fault_count_max = fault_count_max;
  return options;
}

/// Everything the explorer claims that the oracle can check, as one comparable text, so a
/// mismatch prints both sides in full.
std::string describe_counts(const BigCount& orders, const std::vector<RunCounts>& runs) {
  std::string text = "orders " + orders.to_string() + "\n";
  for (std::size_t faults = 0; faults < runs.size(); ++faults) {
    // fmt rather than string operator+: GCC 12 warns falsely (-Wrestrict) on such chains.
    text += fmt::format("j={} total {}", faults, runs[faults].total.to_string());
    for (std::size_t index = 0; index < runs[faults].classes.size(); ++index) {
      text += fmt::format(" {}={}", model::outcome_class_name(static_cast<model::OutcomeClass>(index)),
                          runs[faults].classes[index].to_string());
    }
    for (const auto& [code, count] : runs[faults].codes) {
      text += fmt::format(" {}={}", model::hresult_text(code), count.to_string());
    }
    text += "\n";
  }
  return text;
}

/// The explorer and the oracle agree on counts, shortest lengths, and every witness replays to
/// the class and first error it claims.
void expect_agreement(const scenario::Scenario& scenario) {
  const ExploreResult explored = explore(scenario);
  ASSERT_EQ(explored.status, ExploreStatus::complete) << explored.violation_text;
  const BruteForceResult oracle = brute_force(scenario, scenario.faults.max);
  ASSERT_EQ(describe_counts(explored.orders, explored.runs), describe_counts(oracle.orders, oracle.runs));

  const model::WorldState expected = expected_end_state(scenario);
  for (const Witness& witness : explored.witnesses) {
    const RunResult replay = run_sequence(scenario, witness.order, witness.faults, expected);
    EXPECT_TRUE(replay.faults_not_struck.empty()) << witness.command;
    EXPECT_EQ(replay.outcome_class, witness.outcome_class) << witness.command;
    EXPECT_EQ(replay.first_error, witness.code) << witness.command;
    EXPECT_EQ(static_cast<int>(replay.steps.size()), witness.operation_count) << witness.command;
    const testing::RunLength length{witness.operation_count, static_cast<int>(witness.faults.size())};
    if (witness.for_code) {
      ASSERT_TRUE(witness.code.has_value());
      EXPECT_EQ(oracle.shortest_by_code.at(model::hresult(*witness.code)), length) << witness.command;
    } else {
      EXPECT_EQ(oracle.shortest_by_class[static_cast<std::size_t>(witness.outcome_class)], length)
          << witness.command;
    }
  }
  // One witness per class and per code seen, and no more.
  std::size_t classes_seen = 0;
  for (const auto& shortest : oracle.shortest_by_class) {
    if (shortest.has_value()) ++classes_seen;
  }
  EXPECT_EQ(explored.witnesses.size(), classes_seen + oracle.shortest_by_code.size());
}

// Model assertions throw in tests, so a broken invariant fails (and RapidCheck shrinks) instead of
// aborting the test binary.
const bool assertions_throw = (set_assert_handler(&throwing_assert_handler), true);

class ExplorerTest : public ::testing::Test {};

TEST_F(ExplorerTest, ShippedScenariosAgreeWithBruteForce) {
  std::size_t checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(source_dir() / "scenarios")) {
    if (entry.path().extension() != ".yaml") continue;
    SCOPED_TRACE(entry.path().string());
    expect_agreement(load(entry.path()));
    ++checked;
  }
  EXPECT_GE(checked, 4u);
}

/// Calls `check` on every shipped scenario with every fault kind of the model and up to one
/// fault a run.
template <typename Check>
void for_each_shipped_scenario_with_one_fault(Check&& check) {
  std::size_t checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(source_dir() / "scenarios")) {
    if (entry.path().extension() != ".yaml") continue;
    SCOPED_TRACE(entry.path().string());
    scenario::Scenario scenario = load(entry.path());
    scenario.faults.kinds = model::all_faults;
    scenario.faults.max = 1;
    check(scenario);
    ++checked;
  }
  EXPECT_GE(checked, 4u);
}

// Every fault kind of the model, at every site where it can strike, on every shipped scenario:
// the kinds come from model::all_faults, so a kind added to the model is explored (and held to
// the oracle) without touching this test. A kind the explorer could not encode would count
// zero runs here while the oracle counts them.
TEST_F(ExplorerTest, EveryFaultKindOnShippedScenariosAgreesWithBruteForce) {
  for_each_shipped_scenario_with_one_fault(
      [](const scenario::Scenario& scenario) { expect_agreement(scenario); });
}

// The memo stores a state in 32 bytes when the catalog has at most 32 packages and the target
// is not an install.wim, in 64 otherwise (packed_image.hpp). Packages the plan never touches
// change no state but the form, so every shipped scenario with its catalog grown to 40
// packages must give the same answer through the 64-byte form.
TEST_F(ExplorerTest, ACatalogPast32PackagesGivesTheSameAnswer) {
  for_each_shipped_scenario_with_one_fault([](scenario::Scenario scenario) {
    const std::string expected = testing::everything(explore(scenario, {}));
    while (scenario.catalog.size() < 40) {
      model::Package unused = model::package_defaults(model::PackageKind::language_pack);
      unused.id = fmt::format("KB9{:06}", scenario.catalog.size());
      unused.file = unused.id + ".msu";
      scenario.catalog.packages.push_back(std::move(unused));
    }
    EXPECT_EQ(testing::everything(explore(scenario, {})), expected);
  });
}

// The explorer's 12-byte transition entry keeps fault sites as FaultSet >> 1 in 8 bits: every
// fault kind must survive that encoding (a static_assert guards it; this shows it).
TEST_F(ExplorerTest, EveryFaultKindFitsTheTransitionEntry) {
  for (int kind = 1; kind < model::fault_count; ++kind) {
    const auto fault = static_cast<model::Fault>(kind);
    SCOPED_TRACE(std::string(model::fault_name(fault)));
    const auto encoded = static_cast<std::uint8_t>(model::fault_bit(fault) >> 1);
    EXPECT_EQ(static_cast<model::FaultSet>(encoded << 1), model::fault_bit(fault));
  }
  EXPECT_EQ(model::all_faults >> model::fault_count, 0);
  EXPECT_EQ(std::popcount(static_cast<unsigned>(model::all_faults)), model::fault_count - 1);
}

TEST_F(ExplorerTest, Kb5086672OnlineCountsByHand) {
  // Two orders. Documented: checkpoint, reboot, CU, reboot -> success at 8117. Reverse: the CU
  // installs its bundled SSU, then finds no 1742 baseline -> 0x800F0838, stop: clean_failure.
  const ExploreResult result =
      explore(load(source_dir() / "scenarios" / "kb5086672-online.yaml"), with_faults(0));
  EXPECT_EQ(result.orders.to_string(), "2");
  ASSERT_EQ(result.runs.size(), 1u);
  EXPECT_EQ(result.runs[0].total.to_string(), "2");
  EXPECT_EQ(result.runs[0].classes[0].to_string(), "1");  // success
  EXPECT_EQ(result.runs[0].classes[1].to_string(), "1");  // clean_failure
  ASSERT_EQ(result.runs[0].codes.size(), 1u);
  EXPECT_EQ(result.runs[0].codes.at(0x800F0838u).to_string(), "1");
}

TEST_F(ExplorerTest, SyntheticChainsAgreeWithBruteForce) {
  for (int package_count = 1; package_count <= 7; ++package_count) {
    SCOPED_TRACE(package_count);
    expect_agreement(make_synthetic_chain({.package_count = package_count}));
  }
  SCOPED_TRACE("n = 4, one fault of four kinds");
  expect_agreement(make_synthetic_chain(
      {.package_count = 4,
       .fault_count_max = 1,
       .fault_kinds = model::fault_bit(model::Fault::execute_failure) |
                      model::fault_bit(model::Fault::power_loss_staging) |
                      model::fault_bit(model::Fault::startup_failure) |
                      model::fault_bit(model::Fault::commit_interrupted)}));
}

TEST_F(ExplorerTest, OrderCountsAreExactBeyondSixtyFourBits) {
  // 21 steps on an unserviceable target that stops at the first error: every order ends after
  // one step, so the graph is tiny but each stop stands for 20! orders; 21! > 2^64 in all.
  scenario::Scenario scenario = make_synthetic_chain({.package_count = 21});
  scenario.targets[0].flags.set(model::TargetFlag::unserviceable);
  scenario.plan.on_error = model::ErrorPolicy::stop;
  const ExploreResult result = explore(scenario);
  ASSERT_EQ(result.status, ExploreStatus::complete);
  EXPECT_EQ(result.orders.to_string(), "51090942171709440000");
  EXPECT_EQ(result.runs[0].total, result.orders);
  EXPECT_EQ(result.runs[0].classes[static_cast<std::size_t>(model::OutcomeClass::stuck)], result.orders);
  EXPECT_EQ(result.runs[0].codes.at(0x800F0830u), result.orders);
  EXPECT_LT(result.states, 30u);
}

// Four images of seven steps each (six CUs in a chain, then commit): 28 steps, past the dense
// layer builder's 26, so the sparse builder runs. Steps on different targets commute, so every
// interleaving succeeds: 28! / (7!)^4 orders, one graph node per mask.
TEST_F(ExplorerTest, FourTargetsOfSevenStepsExploreSparse) {
  std::string text = "name: four images\npackages:\n";
  for (int package = 1; package <= 6; ++package) {
    text += fmt::format("  - {{id: KB{}, kind: cu, revision: {}}}\n", package, 100 * package);
  }
  text += "targets:\n";
  std::string steps;
  std::string before;
  for (const char* name : {"a", "b", "c", "d"}) {
    text += fmt::format("  - {{name: {}, kind: boot_wim, build: 26100, ubr: 1, ssu_version: 1}}\n",
                        name);
    for (int package = 1; package <= 6; ++package) {
      steps += fmt::format("{}{}:KB{}", steps.empty() ? "" : ", ", name, package);
      if (package > 1) {
        before += fmt::format("{}[{}:KB{}, {}:KB{}]", before.empty() ? "" : ", ", name,
                              package - 1, name, package);
      }
    }
    steps += fmt::format(", {}:commit", name);
  }
  text += "plan:\n  steps: [" + steps + "]\n  before: [" + before + "]\n";
  auto loaded = scenario::load_scenario_text(text, "four.yaml");
  ASSERT_TRUE(loaded.has_value()) << loaded.error().to_string();
  const scenario::Scenario& scenario = loaded.value();
  ASSERT_EQ(scenario.plan.steps.size(), 28u);

  const ExploreResult result = explore(scenario);
  ASSERT_EQ(result.status, ExploreStatus::complete) << result.violation_text;
  // 28! / (7!)^4 = 472,518,347,558,400.
  EXPECT_EQ(result.orders.to_string(), "472518347558400");
  EXPECT_EQ(result.runs[0].classes[static_cast<std::size_t>(model::OutcomeClass::success)],
            result.orders);
  EXPECT_EQ(result.states, 8u * 8u * 8u * 8u);  // (0..7 steps done) per target
  // Each target's states are shared by every world that holds them: 8 per target.
  EXPECT_EQ(result.model_states, 4u * 8u);
}

TEST_F(ExplorerTest, OrderConstraintsCountLinearExtensions) {
  scenario::Scenario scenario = make_synthetic_chain({.package_count = 4});
  scenario.plan.before = {{0, 1}, {2, 3}};  // 4! / (2 * 2) = 6 orders
  EXPECT_EQ(count_completions(scenario.plan, 0).to_string(), "6");
  EXPECT_EQ(count_completions(scenario.plan, 0b0001).to_string(), "3");
  expect_agreement(scenario);
}

TEST_F(ExplorerTest, SparseGroupsGiveTheSameAnswers) {
  // Plans of more than 26 steps find predecessor groups by hashing masks instead of by colex
  // rank; forced on short plans, that path must agree with the dense one in every respect.
  for (int package_count : {1, 5, 9}) {
    scenario::Scenario scenario = make_synthetic_chain(
        {.package_count = package_count, .fault_count_max = 1,
         .fault_kinds = model::reboot_faults | model::fault_bit(model::Fault::execute_failure)});
    if (package_count == 9) scenario.plan.before = {{0, 3}, {5, 2}};
    ExploreOptions sparse;
    sparse.sparse_groups = true;
    const ExploreResult dense_result = explore(scenario);
    const ExploreResult sparse_result = explore(scenario, sparse);
    EXPECT_EQ(describe_counts(sparse_result.orders, sparse_result.runs),
              describe_counts(dense_result.orders, dense_result.runs));
    EXPECT_EQ(sparse_result.states, dense_result.states);
    EXPECT_EQ(sparse_result.transitions, dense_result.transitions);
    ASSERT_EQ(sparse_result.witnesses.size(), dense_result.witnesses.size());
    for (std::size_t index = 0; index < dense_result.witnesses.size(); ++index) {
      EXPECT_EQ(sparse_result.witnesses[index].operation_count,
                dense_result.witnesses[index].operation_count);
    }
  }
}

RC_GTEST_PROP(ExplorerProperty, SparseGroupsAgreeWithBruteForce, ()) {
  const auto scenario = *testing::gen_scenario({.package_count_max = 8, .step_count_max = 5,
                                                .fault_count_max = 1});
  ExploreOptions sparse;
  sparse.sparse_groups = true;
  const ExploreResult explored = explore(scenario, sparse);
  RC_ASSERT(explored.status == ExploreStatus::complete);
  const BruteForceResult oracle = brute_force(scenario, scenario.faults.max);
  RC_ASSERT(describe_counts(explored.orders, explored.runs) ==
            describe_counts(oracle.orders, oracle.runs));
}

TEST_F(ExplorerTest, StateLimitStopsCleanlyAsIncomplete) {
  ExploreOptions options;
  options.state_count_max = 100;
  const ExploreResult result = explore(make_synthetic_chain({.package_count = 12}), options);
  EXPECT_EQ(result.status, ExploreStatus::incomplete_states);
  EXPECT_GT(result.states, 100u);
}

TEST_F(ExplorerTest, MemoryLimitStopsCleanlyAsIncomplete) {
  ExploreOptions options;
  options.memory_bytes_max = 1 << 20;
  const ExploreResult result = explore(make_synthetic_chain({.package_count = 14}), options);
  EXPECT_EQ(result.status, ExploreStatus::incomplete_memory);
}

TEST_F(ExplorerTest, BrokenStartingStateIsAnInvariantViolation) {
  scenario::Scenario scenario = make_synthetic_chain({.package_count = 3});
  scenario.targets[0].ubr = 4242;  // I2: no CU record says so
  const ExploreResult result = explore(scenario);
  EXPECT_EQ(result.status, ExploreStatus::invariant_violation);
  EXPECT_NE(result.violation_text.find("I2"), std::string::npos) << result.violation_text;
}

TEST_F(ExplorerTest, SameScenarioSameResult) {
  const scenario::Scenario scenario = make_synthetic_chain(
      {.package_count = 6, .fault_count_max = 1, .fault_kinds = model::reboot_faults});
  const ExploreResult first = explore(scenario);
  const ExploreResult second = explore(scenario);
  EXPECT_EQ(describe_counts(first.orders, first.runs), describe_counts(second.orders, second.runs));
  ASSERT_EQ(first.witnesses.size(), second.witnesses.size());
  for (std::size_t index = 0; index < first.witnesses.size(); ++index) {
    EXPECT_EQ(first.witnesses[index].command, second.witnesses[index].command);
  }
  EXPECT_EQ(first.states, second.states);
  EXPECT_EQ(first.transitions, second.transitions);
}

TEST_F(ExplorerTest, GraphIsTruncatedPastItsLimit) {
  const scenario::Scenario scenario = make_synthetic_chain({.package_count = 4});
  ExploreOptions options;
  options.graph_state_max = 5000;
  const ExploreResult small = explore(scenario, options);
  ASSERT_TRUE(small.graph.has_value());
  EXPECT_FALSE(small.graph->truncated);
  EXPECT_GE(small.graph->nodes.size(), small.states);
  EXPECT_FALSE(small.graph->edges.empty());
  options.graph_state_max = 3;
  const ExploreResult large = explore(scenario, options);
  ASSERT_TRUE(large.graph.has_value());
  EXPECT_TRUE(large.graph->truncated);
  EXPECT_EQ(large.graph->nodes.size(), 3u);
  for (const ExploreGraph::Edge& edge : large.graph->edges) {
    EXPECT_LT(edge.from, 3u);
    EXPECT_LT(edge.to, 3u);
  }
  // Truncating the picture changes nothing that is counted.
  EXPECT_EQ(describe_counts(large.orders, large.runs), describe_counts(small.orders, small.runs));
}

/// A target's steps in `order`, as texts, split at its lifecycle steps (mount, commit, discard):
/// the lifecycle steps in sequence, and between them each stretch of servicing steps sorted (the
/// explorer may reorder a stretch, never move a step across a lifecycle step).
std::vector<std::string> lifecycle_shape(const std::vector<model::PlanStep>& order,
                                         model::TargetIndex target) {
  std::vector<std::string> shape;
  std::vector<std::string> stretch;
  const auto close_stretch = [&] {
    std::sort(stretch.begin(), stretch.end());
    shape.push_back(fmt::format("{{{}}}", fmt::join(stretch, ",")));
    stretch.clear();
  };
  for (const model::PlanStep& step : order) {
    if (step.target != target) continue;
    const model::OperationKind kind = step.operation.kind;
    if (kind == model::OperationKind::mount || kind == model::OperationKind::commit ||
        kind == model::OperationKind::discard) {
      close_stretch();
      shape.push_back(step.text);
    } else {
      stretch.push_back(step.text);
    }
  }
  close_stretch();
  return shape;
}

// Issue 8: explore used to permute mount, commit and discard like packages, so witnesses began
// with "commit". Every witness of every shipped plan with lifecycle steps keeps them in place.
TEST_F(ExplorerTest, WitnessesKeepLifecycleStepsInTheirWrittenPlace) {
  std::size_t checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(source_dir() / "scenarios")) {
    if (entry.path().extension() != ".yaml") continue;
    const scenario::Scenario scenario = load(entry.path());
    const bool has_lifecycle = std::any_of(
        scenario.plan.steps.begin(), scenario.plan.steps.end(), [](const model::PlanStep& step) {
          return step.operation.kind == model::OperationKind::commit;
        });
    if (!has_lifecycle) continue;
    const ExploreResult result = explore(scenario, with_faults(1));
    ASSERT_EQ(result.status, ExploreStatus::complete) << entry.path();
    ASSERT_FALSE(result.witnesses.empty()) << entry.path();
    for (const Witness& witness : result.witnesses) {
      ASSERT_FALSE(witness.order.empty());
      EXPECT_NE(witness.order.front().operation.kind, model::OperationKind::commit)
          << witness.command;
      for (std::size_t target = 0; target < scenario.targets.size(); ++target) {
        const auto index = static_cast<model::TargetIndex>(target);
        EXPECT_EQ(lifecycle_shape(witness.order, index), lifecycle_shape(scenario.plan.steps, index))
            << witness.command;
      }
      ++checked;
    }
  }
  EXPECT_GT(checked, 10u);
}

TEST_F(ExplorerTest, ResidentBytesCountAgainstTheMemoryLimit) {
  const scenario::Scenario scenario = make_synthetic_chain({.package_count = 6});
  ExploreOptions options;
  options.memory_bytes_max = std::uint64_t{1} << 40;
  const ExploreResult unbounded = explore(scenario, options);
  EXPECT_EQ(unbounded.status, ExploreStatus::complete);
  EXPECT_EQ(unbounded.peak_resident_bytes, 0u);  // nobody measured
  // A process that already holds more than the limit stops at the first checkpoint.
  options.resident_bytes = [] { return std::uint64_t{2} << 40; };
  const ExploreResult stopped = explore(scenario, options);
  EXPECT_EQ(stopped.status, ExploreStatus::incomplete_memory);
  EXPECT_EQ(stopped.peak_resident_bytes, std::uint64_t{2} << 40);
}

// RapidCheck: random catalogs of up to 8 packages with random kinds, revisions, baselines, SSU
// requirements, knobs, starting states, policies and fault budgets. Plans are kept short enough
// for the oracle's n! x placements.
RC_GTEST_PROP(ExplorerProperty, AgreesWithBruteForceWithoutFaults, ()) {
  const auto scenario = *testing::gen_scenario({.package_count_max = 8, .step_count_max = 6,
                                                .fault_count_max = 0});
  const ExploreResult explored = explore(scenario);
  RC_ASSERT(explored.status == ExploreStatus::complete);
  const BruteForceResult oracle = brute_force(scenario, 0);
  RC_ASSERT(describe_counts(explored.orders, explored.runs) ==
            describe_counts(oracle.orders, oracle.runs));
}

RC_GTEST_PROP(ExplorerProperty, AgreesWithBruteForceWithFaults, ()) {
  const auto scenario = *testing::gen_scenario({.package_count_max = 8, .step_count_max = 4,
                                                .fault_count_max = 2});
  // The v2 rules the generator reaches, shown in the run's statistics.
  RC_CLASSIFY(scenario.faults.devices != 0, "device branch");
  RC_CLASSIFY(scenario.plan.reboot == model::RebootPolicy::never, "reboot: never");
  RC_CLASSIFY(scenario.plan.reboot_count_max < model::reboot_count_max_default, "low reboot bound");
  RC_CLASSIFY(!scenario.plan.tolerate.empty(), "tolerate");
  const ExploreResult explored = explore(scenario);
  RC_LOG() << explored.violation_text << "\n" << explored.violation_command << "\n";
  RC_ASSERT(explored.status == ExploreStatus::complete);
  const BruteForceResult oracle = brute_force(scenario, scenario.faults.max);
  RC_ASSERT(describe_counts(explored.orders, explored.runs) ==
            describe_counts(oracle.orders, oracle.runs));
  const model::WorldState expected = expected_end_state(scenario);
  for (const Witness& witness : explored.witnesses) {
    const RunResult replay = run_sequence(scenario, witness.order, witness.faults, expected);
    RC_ASSERT(replay.outcome_class == witness.outcome_class);
    RC_ASSERT(replay.first_error == witness.code);
    const testing::RunLength length{witness.operation_count, static_cast<int>(witness.faults.size())};
    if (witness.for_code) {
      RC_ASSERT(oracle.shortest_by_code.at(model::hresult(*witness.code)) == length);
    } else {
      RC_ASSERT(oracle.shortest_by_class[static_cast<std::size_t>(witness.outcome_class)] == length);
    }
  }
}

// Worlds of two or three targets (an image of any kind, and clean winre/install/boot images with
// steps of their own, copy_winre included): the explorer's tuple interning and per-target
// reboots against the oracle's plain runs, with and without faults.
RC_GTEST_PROP(ExplorerProperty, WorldsAgreeWithBruteForce, ()) {
  const auto scenario = *testing::gen_world_scenario(
      {.package_count_max = 6, .step_count_max = 3, .fault_count_max = 1});
  expect_agreement(scenario);
}

}  // namespace
}  // namespace svcsim::simulator
