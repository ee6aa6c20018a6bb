// Checks the fleet engine of `svcsim compare` on shipped scenarios: the order rules, the counts'
// conservation, that results depend on the seed only (thread counts and the run cache change no
// tally), that faults drawn at every reboot show as the classes the model gives, and the seed-004
// trade-off between exposure and blast radius; and that the fleet split into parts (as MPI ranks
// split it), each part run on its own thread and combined after every pass, gives the tallies of
// one process.
#include "svcsim/simulator/fleet.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <barrier>
#include <set>
#include <thread>
#include <tuple>

#include "source_dir.hpp"
#include "svcsim/scenario/loader.hpp"
#include "svcsim/scenario/writer.hpp"
#include "svcsim/simulator/sequence.hpp"

namespace svcsim::simulator {
namespace {

scenario::Scenario load(const std::string& name) {
  auto loaded = scenario::load_scenario_file((source_dir() / "scenarios" / name).string());
  if (!loaded) ADD_FAILURE() << loaded.error().to_string();
  return *loaded;
}

std::vector<scenario::StrategySpec> strategies(const scenario::Scenario& scenario,
                                               const std::vector<std::string>& names) {
  std::vector<scenario::StrategySpec> found;
  for (const std::string& name : names) {
    auto strategy = scenario::find_strategy(scenario.plan, scenario.fleet ? &*scenario.fleet : nullptr, name);
    EXPECT_TRUE(strategy.has_value()) << name;
    if (strategy) found.push_back(*strategy);
  }
  return found;
}

bool same_tally(const StrategyTally& left, const StrategyTally& right) {
  auto rings = [](const StrategyTally& tally) {
    std::vector<std::tuple<std::uint64_t, std::uint64_t, std::uint64_t>> counts;
    for (const RingTally& ring : tally.rings) counts.emplace_back(ring.devices, ring.original, ring.bad);
    return counts;
  };
  return left.devices == right.devices && left.not_installed == right.not_installed &&
         left.classes == right.classes && left.violations == right.violations &&
         left.reboots == right.reboots && left.faults_struck == right.faults_struck &&
         left.compliant == right.compliant && left.compliance_minutes == right.compliance_minutes &&
         left.end_baselines == right.end_baselines && rings(left) == rings(right) &&
         left.blast_radius == right.blast_radius && left.exposed_device_days == right.exposed_device_days &&
         left.regressed_device_days == right.regressed_device_days &&
         left.regressed_devices == right.regressed_devices;
}

std::uint64_t count(const StrategyTally& tally, model::OutcomeClass outcome_class) {
  return tally.classes[static_cast<std::size_t>(outcome_class)];
}

std::vector<std::string> texts(const std::vector<model::PlanStep>& steps) { return step_texts(steps); }

TEST(StrategyOrder, RulesOnTheOnlineChain) {
  const scenario::Scenario scenario = load("kb5086672-online.yaml");
  const auto documented = documented_order(scenario);
  ASSERT_EQ(texts(documented), (std::vector<std::string>{"KB5043080", "KB5086672"}));
  using scenario::OrderRule;
  EXPECT_EQ(texts(strategy_order(scenario, OrderRule::method2, documented, nullptr)), texts(documented));
  EXPECT_EQ(texts(strategy_order(scenario, OrderRule::newest_only, documented, nullptr)),
            (std::vector<std::string>{"KB5086672"}));
  const auto method1 = strategy_order(scenario, OrderRule::method1, documented, nullptr);
  ASSERT_EQ(method1.size(), 1u);
  EXPECT_EQ(method1[0].text, "method1(KB5086672)");
  EXPECT_EQ(method1[0].operation.kind, model::OperationKind::add_folder);
  // KB5043080 < KB5086672 by number and by file name.
  EXPECT_EQ(texts(strategy_order(scenario, OrderRule::kb_ascending, documented, nullptr)), texts(documented));
  EXPECT_EQ(texts(strategy_order(scenario, OrderRule::filename, documented, nullptr)), texts(documented));
  // A random order is a permutation, and both orders turn up.
  std::set<std::vector<std::string>> seen;
  for (std::uint64_t device = 0; device < 64; ++device) {
    Prng draws = derive_stream(1, Subsystem::strategy_random, device);
    auto order = texts(strategy_order(scenario, OrderRule::random, documented, &draws));
    std::sort(order.begin(), order.end());
    EXPECT_EQ(order, texts(documented));
    draws = derive_stream(1, Subsystem::strategy_random, device);
    seen.insert(texts(strategy_order(scenario, OrderRule::random, documented, &draws)));
  }
  EXPECT_EQ(seen.size(), 2u);
}

TEST(Fleet, OnlineChainClassesPerRule) {
  const scenario::Scenario scenario = load("kb5086672-online.yaml");
  FleetOptions options;
  options.devices = 400;
  const FleetReport report =
      simulate_fleet(scenario, strategies(scenario, {"method2", "newest_only", "random"}), options);
  ASSERT_EQ(report.strategies.size(), 3u);
  // The documented order succeeds everywhere; the target CU alone lacks its checkpoint.
  EXPECT_EQ(count(report.strategies[0].tally, model::OutcomeClass::success), 400u);
  EXPECT_EQ(count(report.strategies[1].tally, model::OutcomeClass::clean_failure), 400u);
  // Random: about half of the devices get the wrong order (5 sigma either way).
  const std::uint64_t failures = count(report.strategies[2].tally, model::OutcomeClass::clean_failure);
  EXPECT_GT(failures, 150u);
  EXPECT_LT(failures, 250u);
  EXPECT_EQ(failures + count(report.strategies[2].tally, model::OutcomeClass::success), 400u);
  EXPECT_EQ(report.strategies[0].tally.reboots, 800u);  // each CU exits 3010 and gets its reboot
}

TEST(Fleet, ResultsDependOnTheSeedOnly) {
  const scenario::Scenario scenario = load("april-2026-server-oob.yaml");
  const auto chosen = strategies(scenario, {"patch_now", "autopatch", "wait_for_oob", "pilot_then_broad"});
  FleetOptions options;
  options.devices = 3001;
  const FleetReport one = simulate_fleet(scenario, chosen, options);
  for (int threads : {2, 3}) {
    options.threads = threads;
    const FleetReport many = simulate_fleet(scenario, chosen, options);
    for (std::size_t index = 0; index < chosen.size(); ++index) {
      EXPECT_TRUE(same_tally(one.strategies[index].tally, many.strategies[index].tally)) << threads;
      EXPECT_EQ(one.strategies[index].halt_day, many.strategies[index].halt_day);
    }
  }
  options.threads = 1;
  options.cache = false;
  const FleetReport uncached = simulate_fleet(scenario, chosen, options);
  for (std::size_t index = 0; index < chosen.size(); ++index) {
    EXPECT_TRUE(same_tally(one.strategies[index].tally, uncached.strategies[index].tally));
  }
  // Another seed gives another fleet.
  options.cache = true;
  options.seed = 2;
  const FleetReport other = simulate_fleet(scenario, chosen, options);
  EXPECT_FALSE(same_tally(one.strategies[0].tally, other.strategies[0].tally));
}

TEST(Fleet, DeviceRangesCoverTheFleetOnce) {
  EXPECT_EQ(device_range(10, 0, 4), (DeviceRange{0, 3}));
  EXPECT_EQ(device_range(10, 1, 4), (DeviceRange{3, 6}));
  EXPECT_EQ(device_range(10, 2, 4), (DeviceRange{6, 8}));
  EXPECT_EQ(device_range(10, 3, 4), (DeviceRange{8, 10}));
  EXPECT_EQ(device_range(2, 3, 4), (DeviceRange{2, 2}));  // more parts than devices: empty parts
  // The largest fleet, split as far as MPI's int ranks go: no product wraps.
  constexpr std::uint64_t count_max = scenario::fleet_devices_max;
  for (std::uint64_t part_count : {std::uint64_t{1}, std::uint64_t{3}, std::uint64_t{1} << 31}) {
    const DeviceRange first = device_range(count_max, 0, part_count);
    const DeviceRange last = device_range(count_max, part_count - 1, part_count);
    EXPECT_EQ(first.first, 0u);
    EXPECT_EQ(last.last, count_max);
    if (part_count > 1) {
      EXPECT_EQ(device_range(count_max, 1, part_count).first, first.last);
    }
    EXPECT_EQ(first.last - first.first, count_max / part_count + (count_max % part_count == 0 ? 0 : 1));
    EXPECT_EQ(last.last - last.first, count_max / part_count);
  }
}

/// The parts of one fleet run side by side on threads, each handing its tally of a pass to the
/// others through a barrier: what cluster/ does between MPI ranks, without MPI.
class InProcessExchange {
 public:
  explicit InProcessExchange(std::size_t part_count)
      : parts_(part_count), barrier_(static_cast<std::ptrdiff_t>(part_count)) {}

  StrategyTally combine(std::size_t part, const StrategyTally& mine) {
    parts_[part] = mine;
    barrier_.arrive_and_wait();  // every part has posted its tally
    StrategyTally whole;
    for (const StrategyTally& each : parts_) whole.merge(each);
    barrier_.arrive_and_wait();  // every part has read them before the next pass posts again
    return whole;
  }

 private:
  std::vector<StrategyTally> parts_;
  std::barrier<> barrier_;
};

std::vector<FleetReport> simulate_in_parts(const scenario::Scenario& scenario,
                                           const std::vector<scenario::StrategySpec>& chosen,
                                           FleetOptions options, std::size_t part_count) {
  InProcessExchange exchange(part_count);
  std::vector<FleetReport> reports(part_count);
  std::vector<std::thread> parts;
  for (std::size_t part = 0; part < part_count; ++part) {
    parts.emplace_back([&, part, options]() mutable {
      options.partition.part = part;
      options.partition.part_count = part_count;
      options.partition.combine = [&exchange, part](const StrategyTally& mine) {
        return exchange.combine(part, mine);
      };
      reports[part] = simulate_fleet(scenario, chosen, options);
    });
  }
  for (std::thread& thread : parts) thread.join();
  return reports;
}

TEST(Fleet, PartsCombinedAfterEveryPassGiveOneProcessesTallies) {
  // autopatch halts on day 1 at seed 4 (SeedFourTradesExposureForBlastRadius): the halt day comes
  // from the first pass's rings, which each part must see whole.
  const scenario::Scenario scenario = load("april-2026-server-oob.yaml");
  const auto chosen = strategies(scenario, {"patch_now", "autopatch", "wait_for_oob", "pilot_then_broad"});
  for (std::uint64_t devices : {std::uint64_t{3001}, std::uint64_t{3}}) {
    FleetOptions options;
    options.devices = devices;
    const FleetReport whole = simulate_fleet(scenario, chosen, options);
    if (devices > 1000) {
      ASSERT_TRUE(whole.strategies[1].halt_day.has_value());
    }
    for (std::size_t part_count : {2u, 4u}) {
      options.threads = part_count == 2 ? 2 : 1;
      const std::vector<FleetReport> reports = simulate_in_parts(scenario, chosen, options, part_count);
      for (const FleetReport& report : reports) {
        ASSERT_EQ(report.strategies.size(), chosen.size());
        for (std::size_t index = 0; index < chosen.size(); ++index) {
          EXPECT_EQ(report.strategies[index].tally, whole.strategies[index].tally)
              << devices << " devices, " << part_count << " parts, strategy " << chosen[index].name;
          EXPECT_EQ(report.strategies[index].halt_day, whole.strategies[index].halt_day);
        }
      }
    }
  }
}

TEST(Fleet, SeedFourTradesExposureForBlastRadius) {
  const scenario::Scenario scenario = load("april-2026-server-oob.yaml");
  FleetOptions options;
  options.devices = 5000;
  const FleetReport report =
      simulate_fleet(scenario, strategies(scenario, {"patch_now", "autopatch", "wait_for_oob"}), options);
  const StrategyTally& now = report.strategies[0].tally;
  const StrategyTally& rings = report.strategies[1].tally;
  const StrategyTally& wait = report.strategies[2].tally;
  // patch_now: nobody waits, and every affected DC (about 20%) regresses until the fix on day 5.
  EXPECT_EQ(now.exposed_device_days, 0u);
  EXPECT_EQ(now.regressed_devices, count(now, model::OutcomeClass::regressed));
  EXPECT_GT(now.regressed_devices, 800u);
  EXPECT_LT(now.regressed_devices, 1200u);
  EXPECT_EQ(now.regressed_device_days, 5 * now.regressed_devices);
  EXPECT_EQ(now.blast_radius, now.regressed_devices);
  // wait_for_oob: nobody regresses, everybody waits 5 days.
  EXPECT_EQ(wait.regressed_devices, 0u);
  EXPECT_EQ(wait.exposed_device_days, 5u * 5000u);
  EXPECT_EQ(count(wait, model::OutcomeClass::success), 5000u);
  // autopatch: the Test ring's DCs trip the halt on day 1, the rest wait for the fix.
  ASSERT_TRUE(report.strategies[1].halt_day.has_value());
  EXPECT_EQ(*report.strategies[1].halt_day, 1);
  EXPECT_GT(rings.blast_radius, 0u);
  EXPECT_LT(rings.blast_radius, now.blast_radius / 10);
  EXPECT_GT(rings.exposed_device_days, now.exposed_device_days);
  EXPECT_LT(rings.regressed_device_days, now.regressed_device_days);
  for (const StrategyReport& strategy : report.strategies) {
    std::uint64_t total = strategy.tally.not_installed + strategy.tally.violations;
    for (std::uint64_t classed : strategy.tally.classes) total += classed;
    EXPECT_EQ(total, 5000u);
  }
}

TEST(Fleet, FaultAtEveryRebootLeavesNoDeviceCompliant) {
  scenario::Scenario scenario = load("kb5086672-online.yaml");
  scenario.fleet.emplace();
  scenario.fleet->faults.push_back({model::Fault::startup_failure, 1.0});
  FleetOptions options;
  options.devices = 50;
  const FleetReport report = simulate_fleet(scenario, strategies(scenario, {"method2"}), options);
  const StrategyTally& tally = report.strategies[0].tally;
  // The first reboot rolls the checkpoint back silently; the CU then lacks its baseline
  // (0x800F0838), so no device ends with the chain in.
  EXPECT_EQ(count(tally, model::OutcomeClass::success), 0u);
  EXPECT_GE(tally.faults_struck, 50u);
  EXPECT_EQ(tally.compliant, 0u);
  // The same with probability 0 changes nothing.
  scenario.fleet->faults[0].probability = 0.0;
  const FleetReport clean = simulate_fleet(scenario, strategies(scenario, {"method2"}), options);
  EXPECT_EQ(count(clean.strategies[0].tally, model::OutcomeClass::success), 50u);
}

TEST(Fleet, RetryOnceAfterRebootRecoversAnExecuteFailure) {
  scenario::Scenario scenario = load("kb5086672-online.yaml");
  scenario.fleet.emplace();
  scenario.fleet->faults.push_back({model::Fault::execute_failure, 0.3});
  scenario.fleet->strategies.push_back({"retry", scenario::OrderRule::method2, model::RebootPolicy::after_3010,
                                        scenario::StrategyErrorPolicy::retry_once_after_reboot, "patch_now"});
  FleetOptions options;
  options.devices = 2000;
  const FleetReport report = simulate_fleet(scenario, strategies(scenario, {"method2", "retry"}), options);
  const std::uint64_t stop_failures = count(report.strategies[0].tally, model::OutcomeClass::clean_failure);
  const std::uint64_t retry_failures = count(report.strategies[1].tally, model::OutcomeClass::clean_failure);
  // Two adds at 30% each: about half the devices fail once; a retry fails again only 30% of the time.
  EXPECT_GT(stop_failures, 800u);
  EXPECT_LT(retry_failures, stop_failures / 2);
}

TEST(RetryPolicy, RebootsAndRunsTheFailedStepOnce) {
  const scenario::Scenario scenario = load("kb5086672-online.yaml");
  const model::World world = scenario::make_world(scenario);
  const model::WorldState expected = expected_end_state(scenario);
  const auto order = documented_order(scenario);
  ModelExecutor executor(world);
  // The checkpoint's add fails once: without the policy the run stops there.
  const std::vector<FaultPlacement> once = {{1, model::Fault::execute_failure}};
  const RunResult stopped = run_sequence(scenario, world, executor, order, once, expected);
  EXPECT_EQ(stopped.outcome_class, model::OutcomeClass::clean_failure);
  EXPECT_EQ(stopped.steps.size(), 1u);
  RetryPolicy retry;
  retry.once_after_reboot = true;
  const RunResult recovered = run_sequence(scenario, world, executor, order, once, expected, retry);
  ASSERT_GE(recovered.steps.size(), 3u);
  EXPECT_EQ(recovered.steps[1].reason, StepReason::retry);
  EXPECT_EQ(recovered.steps[2].text, "KB5043080");
  EXPECT_EQ(recovered.outcome_class, model::OutcomeClass::success);
  EXPECT_FALSE(recovered.first_error.has_value());
  ASSERT_TRUE(recovered.recovered_error.has_value());
  EXPECT_EQ(model::hresult(*recovered.recovered_error), 0x800F0922u);
  // The retry fails too (a second fault at step 3): the first error stands, no second retry.
  const std::vector<FaultPlacement> twice = {{1, model::Fault::execute_failure}, {3, model::Fault::execute_failure}};
  const RunResult failed = run_sequence(scenario, world, executor, order, twice, expected, retry);
  EXPECT_EQ(failed.outcome_class, model::OutcomeClass::clean_failure);
  EXPECT_EQ(failed.steps.size(), 3u);
  EXPECT_FALSE(failed.recovered_error.has_value());
}

TEST(Fleet, FleetBlockRoundTrips) {
  const scenario::Scenario scenario = load("april-2026-server-oob.yaml");
  ASSERT_TRUE(scenario.fleet.has_value());
  const std::string written = scenario::to_yaml(scenario);
  auto reloaded = scenario::load_scenario_text(written, scenario.path);
  ASSERT_TRUE(reloaded.has_value()) << reloaded.error().to_string() << "\n" << written;
  ASSERT_TRUE(reloaded->fleet.has_value());
  const scenario::Fleet& left = *scenario.fleet;
  const scenario::Fleet& right = *reloaded->fleet;
  EXPECT_EQ(left.devices, right.devices);
  EXPECT_EQ(left.starts.size(), right.starts.size());
  for (std::size_t index = 0; index < left.starts.size(); ++index) {
    EXPECT_EQ(left.starts[index].label, right.starts[index].label);
    EXPECT_EQ(left.starts[index].weight, right.starts[index].weight);
    EXPECT_EQ(left.starts[index].target.ubr, right.starts[index].target.ubr);
    EXPECT_EQ(left.starts[index].target.flags, right.starts[index].target.flags);
  }
  EXPECT_EQ(left.faults, right.faults);
  EXPECT_EQ(left.durations, right.durations);
  EXPECT_EQ(left.horizon_days, right.horizon_days);
  EXPECT_EQ(left.halt, right.halt);
  EXPECT_EQ(left.oob, right.oob);
  EXPECT_EQ(left.rollouts, right.rollouts);
  EXPECT_EQ(left.strategies, right.strategies);
  EXPECT_EQ(scenario::to_yaml(*reloaded), written);
}

TEST(Fleet, HistogramQuantile) {
  const std::map<std::int64_t, std::uint64_t> histogram = {{10, 5}, {20, 4}, {30, 1}};
  EXPECT_EQ(histogram_quantile(histogram, 0.5), 10);
  EXPECT_EQ(histogram_quantile(histogram, 0.6), 20);
  EXPECT_EQ(histogram_quantile(histogram, 0.95), 30);
  EXPECT_EQ(histogram_quantile({}, 0.5), std::nullopt);
}

}  // namespace
}  // namespace svcsim::simulator
