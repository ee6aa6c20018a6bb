// explore --threads: the chunked layer build must give exactly the serial answer. Every test here
// forces chunks onto small layers (parallel_node_min = 0), so the shipped scenarios, synthetic
// chains and RapidCheck-generated scenarios all go through the merge; 1, 2 and 4 threads must
// agree on every count, every witness and the state and transition figures, and the chunked
// result must still agree with the brute-force oracle.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cstdint>
#include <filesystem>
#include <string>

#include <fmt/format.h>

#include "brute_force.hpp"
#include "explore_summary.hpp"
#include "scenario_generator.hpp"
#include "source_dir.hpp"
#include "world_generator.hpp"
#include "svcsim/model/assert.hpp"
#include "svcsim/scenario/loader.hpp"
#include "svcsim/simulator/explorer.hpp"
#include "svcsim/simulator/synthetic_chain.hpp"

namespace svcsim::simulator {
namespace {

const bool assertions_throw = (set_assert_handler(&throwing_assert_handler), true);

scenario::Scenario load(const std::filesystem::path& path) {
  auto loaded = scenario::load_scenario_file(path.string());
  if (!loaded) throw std::runtime_error(loaded.error().to_string());
  return std::move(loaded).value();
}

using testing::everything;

/// `link_escape_from`: see ExploreOptions (0xFFFF, the default, escapes only what 16 bits
/// cannot hold).
ExploreOptions chunked(int threads, std::optional<int> fault_count_max = std::nullopt,
                       bool sparse = false, std::uint32_t link_escape_from = 0xFFFF) {
  ExploreOptions options;
  options.threads = threads;
  options.parallel_node_min = 0;
  options.fault_count_max = fault_count_max;
  options.sparse_groups = sparse;
  options.link_escape_from = link_escape_from;
  return options;
}

/// 2 and 4 threads give the serial result; returns it.
std::string expect_same_for_every_thread_count(const scenario::Scenario& scenario,
                                               std::optional<int> fault_count_max = std::nullopt,
                                               bool sparse = false) {
  const std::string expected = everything(explore(scenario, chunked(1, fault_count_max, sparse)));
  for (const int threads : {2, 4}) {
    EXPECT_EQ(everything(explore(scenario, chunked(threads, fault_count_max, sparse))), expected)
        << threads << " threads";
  }
  return expected;
}

TEST(ExplorerThreads, ShippedScenariosAreTheSameOnOneTwoAndFourThreads) {
  std::size_t checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(source_dir() / "scenarios")) {
    if (entry.path().extension() != ".yaml") continue;
    SCOPED_TRACE(entry.path().string());
    const scenario::Scenario scenario = load(entry.path());
    expect_same_for_every_thread_count(scenario);
    // With a fault more than the file asks for: more runs stop early, more witnesses compete.
    expect_same_for_every_thread_count(scenario, scenario.faults.max + 1);
    ++checked;
  }
  EXPECT_GE(checked, 20u);
}

TEST(ExplorerThreads, SyntheticChainsAreTheSameDenseAndSparse) {
  for (const int package_count : {6, 9}) {
    const scenario::Scenario scenario = make_synthetic_chain(
        {.package_count = package_count, .fault_count_max = 1,
         .fault_kinds = model::reboot_faults | model::fault_bit(model::Fault::execute_failure)});
    SCOPED_TRACE(package_count);
    const std::string dense = expect_same_for_every_thread_count(scenario);
    expect_same_for_every_thread_count(scenario, std::nullopt, true);
    EXPECT_NE(dense.find("status 0"), std::string::npos) << dense;
  }
}

TEST(ExplorerThreads, EscapedParentPositionsGiveTheSameWitnesses) {
  // A parent link keeps its parent's place in its group in 16 bits and sends wider places
  // through a side table (LinkArena). With the escape lowered to 1 every place but the first
  // takes that path, serial and chunked (where the workers' tables are copied into the layer's),
  // dense and sparse: every witness must come out the same.
  const auto check = [](const scenario::Scenario& scenario, std::optional<int> fault_count_max) {
    for (const bool sparse : {false, true}) {
      const std::string expected =
          everything(explore(scenario, chunked(1, fault_count_max, sparse)));
      for (const int threads : {1, 2}) {
        EXPECT_EQ(everything(explore(scenario, chunked(threads, fault_count_max, sparse, 1))),
                  expected)
            << threads << " threads, sparse " << sparse;
      }
    }
  };
  std::size_t checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(source_dir() / "scenarios")) {
    if (entry.path().extension() != ".yaml") continue;
    SCOPED_TRACE(entry.path().string());
    const scenario::Scenario scenario = load(entry.path());
    check(scenario, scenario.faults.max + 1);
    ++checked;
  }
  EXPECT_GE(checked, 20u);
  check(make_synthetic_chain({.package_count = 8, .fault_count_max = 1,
                              .fault_kinds = model::reboot_faults |
                                             model::fault_bit(model::Fault::execute_failure)}),
        std::nullopt);
}

TEST(ExplorerThreads, TheDefaultThresholdKeepsSmallLayersSerialAndTheSame) {
  // Without the test threshold a chain of 12 chunks only its widest layers: the mixed build.
  const scenario::Scenario scenario = make_synthetic_chain({.package_count = 12});
  ExploreOptions serial;
  ExploreOptions threaded;
  threaded.threads = 2;
  EXPECT_EQ(everything(explore(scenario, threaded)), everything(explore(scenario, serial)));
}

TEST(ExplorerThreads, AStateLimitStillStopsCleanly) {
  // Limits that fall in different layers and chunks: a chunk of worker 0's, built in place in
  // the layer, or one of the chunks the other workers build from the back and copy in. A stop
  // must leave the layer the prefix of chunks up to it (build_in_chunks asserts that).
  const scenario::Scenario scenario = make_synthetic_chain({.package_count = 9});
  const std::uint64_t states = explore(scenario, chunked(1)).states;
  for (const int threads : {2, 3, 4}) {
    for (std::uint64_t limit = 100; limit < states; limit += states / 7) {
      SCOPED_TRACE(fmt::format("{} threads, at most {} states", threads, limit));
      ExploreOptions options = chunked(threads);
      options.state_count_max = limit;
      const ExploreResult result = explore(scenario, options);
      EXPECT_EQ(result.status, ExploreStatus::incomplete_states);
      EXPECT_LE(result.states, states);
    }
  }
}

// RapidCheck: the chunked build on generated scenarios (faults, device properties, tolerate,
// reboot: never, low reboot bounds) and worlds of several targets agrees with the serial build
// and with the oracle.
RC_GTEST_PROP(ExplorerThreadsProperty, ChunkedAgreesWithSerialAndTheOracle, ()) {
  const auto scenario = *testing::gen_scenario({.package_count_max = 8, .step_count_max = 4,
                                                .fault_count_max = 2});
  const int threads = *rc::gen::element(2, 3, 4);
  const ExploreResult serial = explore(scenario, chunked(1));
  const ExploreResult threaded = explore(scenario, chunked(threads));
  RC_ASSERT(everything(threaded) == everything(serial));
  RC_ASSERT(threaded.status == ExploreStatus::complete);
  const testing::BruteForceResult oracle = testing::brute_force(scenario, scenario.faults.max);
  RC_ASSERT(threaded.orders == oracle.orders);
  for (std::size_t faults = 0; faults < oracle.runs.size(); ++faults) {
    RC_ASSERT(threaded.runs[faults].total == oracle.runs[faults].total);
    RC_ASSERT(threaded.runs[faults].classes == oracle.runs[faults].classes);
    RC_ASSERT(threaded.runs[faults].codes == oracle.runs[faults].codes);
  }
}

RC_GTEST_PROP(ExplorerThreadsProperty, WorldsAreTheSameOnSeveralThreads, ()) {
  const auto scenario = *testing::gen_world_scenario(
      {.package_count_max = 6, .step_count_max = 3, .fault_count_max = 1});
  RC_ASSERT(everything(explore(scenario, chunked(3))) == everything(explore(scenario, chunked(1))));
}

}  // namespace
}  // namespace svcsim::simulator
