// explore on several ranks (explore under MPI), with the ranks as threads (thread_ranks.hpp):
// every rank must end with exactly the one-process result, every count, witness and figure,
// on 2, 3 and 4 ranks, for the shipped scenarios, synthetic chains, worlds and RapidCheck's
// scenarios, with threads inside the ranks too, and the limits must stop every rank alike.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <bit>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

#include "brute_force.hpp"
#include "explore_summary.hpp"
#include "scenario_generator.hpp"
#include "source_dir.hpp"
#include "thread_ranks.hpp"
#include "world_generator.hpp"
#include "svcsim/model/assert.hpp"
#include "svcsim/scenario/loader.hpp"
#include "svcsim/simulator/explorer.hpp"
#include "svcsim/simulator/synthetic_chain.hpp"

namespace svcsim::simulator {
namespace {

using testing::everything;
using testing::ThreadRanks;

const bool assertions_throw = (set_assert_handler(&throwing_assert_handler), true);

scenario::Scenario load(const std::filesystem::path& path) {
  auto loaded = scenario::load_scenario_file(path.string());
  if (!loaded) throw std::runtime_error(loaded.error().to_string());
  return std::move(loaded).value();
}

ExploreOptions with_faults(std::optional<int> fault_count_max, int threads = 1) {
  ExploreOptions options;
  options.fault_count_max = fault_count_max;
  options.threads = threads;
  options.parallel_node_min = 0;
  return options;
}

/// Every rank of 2, 3 and 4 gives the one-process result; returns it.
std::string expect_same_on_every_rank_count(const scenario::Scenario& scenario,
                                            std::optional<int> fault_count_max = std::nullopt,
                                            int threads = 1) {
  const std::string expected = everything(explore(scenario, with_faults(fault_count_max)));
  for (const int ranks : {2, 3, 4}) {
    const std::vector<ExploreResult> results =
        ThreadRanks::explore(scenario, with_faults(fault_count_max, threads), ranks);
    for (std::size_t rank = 0; rank < results.size(); ++rank) {
      EXPECT_EQ(everything(results[rank]), expected) << "rank " << rank << " of " << ranks;
    }
  }
  return expected;
}

TEST(ExplorerRanks, GroupsAreSpreadOverTheRanks) {
  // The hash spreads the 2^16 groups of a 16-step plan evenly: no rank holds much more than
  // its share (memory per rank about 1/P of the whole).
  for (const int ranks : {2, 3, 4}) {
    std::vector<int> held(static_cast<std::size_t>(ranks), 0);
    for (std::uint64_t mask = 0; mask < (1u << 16); ++mask) ++held[static_cast<std::size_t>(group_owner(mask, ranks))];
    for (const int count : held) {
      EXPECT_NEAR(count, 65536.0 / ranks, 65536.0 / ranks * 0.02) << ranks << " ranks";
    }
  }
}

TEST(ExplorerRanks, SplitStepsAreUnconstrainedDotNetUpdatesForPowersOfTwo) {
  // The synthetic chain's .NET updates are steps 4, 5, 9, 10, 14 and 15 of 16: two a bit of
  // the rank while there are enough, then one a bit, then the hash.
  scenario::Scenario scenario = make_synthetic_chain({.package_count = 16});
  const model::World world = scenario::make_world(scenario);
  using Steps = std::vector<std::size_t>;
  EXPECT_EQ(split_steps(scenario.plan, world, 1), Steps{});
  EXPECT_EQ(split_steps(scenario.plan, world, 2), (Steps{14, 15}));
  EXPECT_EQ(split_steps(scenario.plan, world, 4), (Steps{9, 10, 14, 15}));
  EXPECT_EQ(split_steps(scenario.plan, world, 8), (Steps{4, 5, 9, 10, 14, 15}));
  EXPECT_EQ(split_steps(scenario.plan, world, 16), (Steps{9, 10, 14, 15}));  // 8 wanted: 4
  EXPECT_EQ(split_steps(scenario.plan, world, 3), Steps{});    // not a power of two: hash
  EXPECT_EQ(split_steps(scenario.plan, world, 128), Steps{});  // 7 wanted, 6 .NET steps: hash
  // A step a `before` constraint touches is done in some layers only: not a split step.
  scenario.plan.before.emplace_back(3, 15);
  EXPECT_EQ(split_steps(scenario.plan, world, 2), (Steps{10, 14}));
  EXPECT_EQ(split_steps(scenario.plan, world, 4), (Steps{5, 9, 10, 14}));
  EXPECT_EQ(split_steps(scenario.plan, world, 8), (Steps{9, 10, 14}));  // 6 wanted, 5 left: 3
}

TEST(ExplorerRanks, SplitStepsNumberTheRanks) {
  // One step a bit of the rank: its being done.
  const std::vector<std::size_t> split{3, 7};
  EXPECT_EQ(group_owner(0, 4, split), 0);
  EXPECT_EQ(group_owner(0b1000, 4, split), 1);
  EXPECT_EQ(group_owner(0b1000'0000, 4, split), 2);
  EXPECT_EQ(group_owner(0b1000'1000 | 0b0111'0111, 4, split), 3);  // other steps: no say
  // Every rank holds a quarter of the 2^16 groups of a 16-step plan, as with the hash.
  std::vector<int> held(4, 0);
  for (std::uint64_t mask = 0; mask < (1u << 16); ++mask) ++held[static_cast<std::size_t>(group_owner(mask, 4, split))];
  for (const int count : held) EXPECT_EQ(count, 1 << 14);
}

TEST(ExplorerRanks, PairedSplitStepsNumberTheRanksByParity) {
  // Two steps a bit of the rank: whether exactly one of them is done.
  const std::vector<std::size_t> split{1, 3, 5, 7};
  EXPECT_EQ(group_owner(0, 4, split), 0);
  EXPECT_EQ(group_owner(0b0000'0010, 4, split), 1);
  EXPECT_EQ(group_owner(0b0000'1000, 4, split), 1);
  EXPECT_EQ(group_owner(0b0000'1010, 4, split), 0);  // both: even
  EXPECT_EQ(group_owner(0b1000'0000, 4, split), 2);
  EXPECT_EQ(group_owner(0b1010'0010, 4, split), 1);
  EXPECT_EQ(group_owner(0b1000'1000 | 0b0101'0101, 4, split), 3);  // other steps: no say
  // The wide middle layers, where a rank's memory peaks, are split about evenly: layer k of a
  // 16-step plan gives one rank of 2 a share of 2k(16 - k)/240, at most 55% of it for k = 5
  // to 11 (one step a bit gives the rank with it done k/16: 69% of layer 11).
  std::vector<std::vector<int>> held(17, std::vector<int>(2, 0));
  for (std::uint64_t mask = 0; mask < (1u << 16); ++mask) {
    ++held[static_cast<std::size_t>(std::popcount(mask))]
          [static_cast<std::size_t>(group_owner(mask, 2, {1, 3}))];
  }
  for (std::size_t layer = 5; layer <= 11; ++layer) {
    const int groups = held[layer][0] + held[layer][1];
    for (const int count : held[layer]) EXPECT_LE(count, groups * 55 / 100) << "layer " << layer;
  }
}

TEST(ExplorerRanks, ShippedScenariosAreTheSameOnTwoThreeAndFourRanks) {
  std::size_t checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(source_dir() / "scenarios")) {
    if (entry.path().extension() != ".yaml") continue;
    SCOPED_TRACE(entry.path().string());
    const scenario::Scenario scenario = load(entry.path());
    expect_same_on_every_rank_count(scenario);
    // With a fault more: more runs stop early, more witnesses compete between ranks.
    expect_same_on_every_rank_count(scenario, scenario.faults.max + 1);
    ++checked;
  }
  EXPECT_GE(checked, 20u);
}

TEST(ExplorerRanks, SyntheticChainsAreTheSameWithThreadsInsideTheRanks) {
  for (const int package_count : {6, 9}) {
    const scenario::Scenario scenario = make_synthetic_chain(
        {.package_count = package_count, .fault_count_max = 1,
         .fault_kinds = model::reboot_faults | model::fault_bit(model::Fault::execute_failure)});
    SCOPED_TRACE(package_count);
    const std::string expected = expect_same_on_every_rank_count(scenario, std::nullopt, 2);
    EXPECT_NE(expected.find("status 0"), std::string::npos) << expected;
  }
}

TEST(ExplorerRanks, GroupsSentInRoundsOfAnySizeGiveTheSameResult) {
  // The 9-step chain has two .NET steps: a pair on 2 ranks, one step a bit on 4; the 12-step
  // chain (without faults, to stay small) has four, a pair a bit on 4.
  // With split steps, a layer's groups travel in rounds (about rank_round_node_max nodes
  // each): tiny rounds make every layer past the first few take many, and a received group
  // must still be there when the successors that pull from it are built, on every thread.
  const scenario::Scenario chain_9 = make_synthetic_chain(
      {.package_count = 9, .fault_count_max = 1,
       .fault_kinds = model::reboot_faults | model::fault_bit(model::Fault::execute_failure)});
  const scenario::Scenario chain_12 = make_synthetic_chain({.package_count = 12});
  ASSERT_EQ(split_steps(chain_9.plan, scenario::make_world(chain_9), 2).size(), 2u);
  ASSERT_EQ(split_steps(chain_9.plan, scenario::make_world(chain_9), 4).size(), 2u);
  ASSERT_EQ(split_steps(chain_12.plan, scenario::make_world(chain_12), 4).size(), 4u);
  for (const scenario::Scenario* chain : {&chain_9, &chain_12}) {
    const std::string expected = everything(explore(*chain, with_faults(std::nullopt)));
    for (const std::uint64_t round_nodes : {std::uint64_t{1}, std::uint64_t{7}, std::uint64_t{300}}) {
      for (const int ranks : {2, 4}) {
        for (const int threads : {1, 2}) {
          ExploreOptions options = with_faults(std::nullopt, threads);
          options.rank_round_node_max = round_nodes;
          const std::vector<ExploreResult> results = ThreadRanks::explore(*chain, options, ranks);
          for (std::size_t rank = 0; rank < results.size(); ++rank) {
            EXPECT_EQ(everything(results[rank]), expected)
                << chain->plan.steps.size() << " steps, rank " << rank << " of " << ranks << ", "
                << threads << " threads, rounds of " << round_nodes << " nodes";
          }
        }
      }
    }
  }
  // The shipped scenarios that split (those with .NET or other split steps), in tiny rounds.
  std::size_t split = 0;
  for (const auto& entry : std::filesystem::directory_iterator(source_dir() / "scenarios")) {
    if (entry.path().extension() != ".yaml") continue;
    const scenario::Scenario scenario = load(entry.path());
    if (split_steps(scenario.plan, scenario::make_world(scenario), 2).empty()) continue;
    SCOPED_TRACE(entry.path().string());
    const std::string serial = everything(explore(scenario, with_faults(scenario.faults.max + 1)));
    ExploreOptions options = with_faults(scenario.faults.max + 1);
    options.rank_round_node_max = 3;
    for (const ExploreResult& result : ThreadRanks::explore(scenario, options, 2)) {
      EXPECT_EQ(everything(result), serial);
    }
    ++split;
  }
  EXPECT_GE(split, 3u);
}

TEST(ExplorerRanks, EscapedParentPositionsGiveTheSameWitnesses) {
  // A witness walks back rank by rank: each link's position, escaped or not, is read on the
  // rank holding the node, and the parent group's start on the rank holding that group.
  const scenario::Scenario scenario = make_synthetic_chain(
      {.package_count = 7, .fault_count_max = 1,
       .fault_kinds = model::reboot_faults | model::fault_bit(model::Fault::execute_failure)});
  const std::string expected = everything(explore(scenario, with_faults(std::nullopt)));
  ExploreOptions escaped = with_faults(std::nullopt, 2);
  escaped.link_escape_from = 1;
  for (const int ranks : {2, 3}) {
    for (const ExploreResult& result : ThreadRanks::explore(scenario, escaped, ranks)) {
      EXPECT_EQ(everything(result), expected) << ranks << " ranks";
    }
  }
}

TEST(ExplorerRanks, AStateLimitStopsEveryRankAlike) {
  const scenario::Scenario scenario = make_synthetic_chain({.package_count = 9});
  ExploreOptions options = with_faults(std::nullopt);
  options.state_count_max = 100;
  for (const ExploreResult& result : ThreadRanks::explore(scenario, options, 3)) {
    EXPECT_EQ(result.status, ExploreStatus::incomplete_states);
  }
}

TEST(ExplorerRanks, ProgressCountsEveryRanksStates) {
  // A rank's progress adds the other ranks' states as of the last layer they all finished:
  // never more than the whole search, and past a rank's own third on three ranks (a rank
  // reporting only its own states, as before, stayed near a third).
  const scenario::Scenario scenario = make_synthetic_chain({.package_count = 14});
  ExploreOptions options = with_faults(std::nullopt);
  std::mutex mutex;
  std::vector<ExploreProgress> reports;
  options.progress = [&](const ExploreProgress& progress) {
    const std::lock_guard<std::mutex> locked(mutex);
    reports.push_back(progress);
  };
  const std::vector<ExploreResult> results = ThreadRanks::explore(scenario, options, 3);
  const std::uint64_t total = results.front().states;
  ASSERT_FALSE(reports.empty());
  std::uint64_t most = 0;
  for (const ExploreProgress& progress : reports) {
    EXPECT_EQ(progress.ranks, 3);
    EXPECT_LE(progress.states, total);
    most = std::max(most, progress.states);
  }
  EXPECT_GT(most, total / 2) << "of " << total << " states in all";
}

RC_GTEST_PROP(ExplorerRanksProperty, RanksAgreeWithOneProcessAndTheOracle, ()) {
  const auto scenario = *testing::gen_scenario({.package_count_max = 8, .step_count_max = 4,
                                                .fault_count_max = 2});
  const int ranks = *rc::gen::element(2, 3, 4);
  const int threads = *rc::gen::element(1, 2);
  const std::string serial = everything(explore(scenario, with_faults(std::nullopt)));
  const std::vector<ExploreResult> results =
      ThreadRanks::explore(scenario, with_faults(std::nullopt, threads), ranks);
  for (const ExploreResult& result : results) RC_ASSERT(everything(result) == serial);
  const ExploreResult& result = results.front();
  RC_ASSERT(result.status == ExploreStatus::complete);
  const testing::BruteForceResult oracle = testing::brute_force(scenario, scenario.faults.max);
  RC_ASSERT(result.orders == oracle.orders);
  for (std::size_t faults = 0; faults < oracle.runs.size(); ++faults) {
    RC_ASSERT(result.runs[faults].total == oracle.runs[faults].total);
    RC_ASSERT(result.runs[faults].classes == oracle.runs[faults].classes);
    RC_ASSERT(result.runs[faults].codes == oracle.runs[faults].codes);
  }
}

RC_GTEST_PROP(ExplorerRanksProperty, WorldsAreTheSameOnSeveralRanks, ()) {
  const auto scenario = *testing::gen_world_scenario(
      {.package_count_max = 6, .step_count_max = 3, .fault_count_max = 1});
  const int ranks = *rc::gen::element(2, 4);
  const std::string serial = everything(explore(scenario, with_faults(std::nullopt)));
  for (const ExploreResult& result : ThreadRanks::explore(scenario, with_faults(std::nullopt), ranks)) {
    RC_ASSERT(everything(result) == serial);
  }
}

}  // namespace
}  // namespace svcsim::simulator
