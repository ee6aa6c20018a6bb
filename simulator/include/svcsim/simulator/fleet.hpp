// Strategies and the fleet Monte Carlo of `svcsim compare` (issue 9): each simulated device draws
// its starting state, its defects and regressions, its ring and its faults from streams derived
// from (run seed, subsystem, device index), runs its strategy's sequence through the same runner
// and model as `svcsim run`, and adds to tallies that merge associatively, so results depend only
// on the seed, never on the number of threads or processes.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "svcsim/model/classify.hpp"
#include "svcsim/scenario/fleet.hpp"
#include "svcsim/scenario/scenario.hpp"
#include "svcsim/simulator/prng.hpp"

namespace svcsim::simulator {

/// The order `rule` gives `steps` (plan steps, as documented_order returns them). Only adds move
/// or go; every other step keeps its place. `random` draws from `draws` (null: documented order).
/// The target CU of method1 and newest_only is the plan's newest CU or checkpoint CU added; a
/// plan without one keeps its documented order under those rules.
///
///   strategy_order(scenario, scenario::OrderRule::kb_ascending, documented_order(scenario), nullptr)
std::vector<model::PlanStep> strategy_order(const scenario::Scenario& scenario,
                                            scenario::OrderRule rule,
                                            const std::vector<model::PlanStep>& steps, Prng* draws);

/// One ring's devices, how many of them installed the original update (not the fix), and how
/// many of those ended in a bad class: the halt rule's rate is bad / original.
struct RingTally {
  std::uint64_t devices = 0;
  std::uint64_t original = 0;
  std::uint64_t bad = 0;

  friend bool operator==(const RingTally&, const RingTally&) = default;
};

/// What one strategy did to the fleet. Every field is an integer count or a map of counts, so
/// merging is exact, associative and commutative.
struct StrategyTally {
  std::uint64_t devices = 0;
  std::uint64_t not_installed = 0;  // halted with no fix to resume with: never serviced
  std::array<std::uint64_t, model::outcome_class_count> classes{};
  std::uint64_t violations = 0;     // runs that broke a model invariant (a bug in svcsim)
  std::uint64_t reboots = 0;
  std::uint64_t faults_struck = 0;
  std::uint64_t compliant = 0;      // success, drift or regressed: the update is in
  std::map<std::int64_t, std::uint64_t> compliance_minutes;  // minutes after release -> devices
  std::map<std::string, std::uint64_t> end_baselines;       // "20348.3300 (SSU 3200)" -> devices
  std::vector<RingTally> rings;
  std::uint64_t blast_radius = 0;   // devices in a bad class on the original update
  std::uint64_t exposed_device_days = 0;
  std::uint64_t regressed_device_days = 0;
  std::uint64_t regressed_devices = 0;

  void merge(const StrategyTally& other);
  friend bool operator==(const StrategyTally&, const StrategyTally&) = default;
};

struct StrategyReport {
  scenario::StrategySpec strategy;
  scenario::Rollout rollout;
  std::optional<int> halt_day;  // the day the halt rule paused the rollout
  StrategyTally tally;
};

/// The `part`-th of `part_count` contiguous, near-equal ranges of [0, count): parts differ in size
/// by at most one. The fleet splits its devices with it between processes, then each process's
/// range between its threads.
///
///   device_range(10, 1, 4) == {3, 6}   // parts [0,3) [3,6) [6,8) [8,10)
struct DeviceRange {
  std::uint64_t first = 0;
  std::uint64_t last = 0;  // one past the last
  friend bool operator==(const DeviceRange&, const DeviceRange&) = default;
};
DeviceRange device_range(std::uint64_t count, std::uint64_t part, std::uint64_t part_count);

/// How the fleet is split between processes (`svcsim compare` under MPI: cluster/). This process
/// simulates the devices of `device_range(devices, part, part_count)`; after each pass over them
/// `combine` turns its partial tally into the whole fleet's, and must give every process the same
/// whole, because the halt rule reads the first pass's rings and the report the second's. A
/// device's result depends only on (seed, device index), so any split gives the same tallies.
/// The default is one process holding the whole fleet.
struct FleetPartition {
  std::uint64_t part = 0;
  std::uint64_t part_count = 1;
  /// Empty: this process's tally is the fleet's (part_count 1). Called once per pass, on every
  /// process, in the same order.
  std::function<StrategyTally(const StrategyTally&)> combine;
};

struct FleetOptions {
  std::uint64_t devices = 1000;
  std::uint64_t seed = 4;
  int threads = 1;
  /// Cache each fault-free run per (starting state, device properties, order); off: one
  /// run_sequence per device, the naive baseline the benchmarks compare against.
  bool cache = true;
  FleetPartition partition;
};

struct FleetReport {
  std::uint64_t devices = 0;
  std::uint64_t seed = 0;
  std::vector<std::string> start_labels;
  std::vector<StrategyReport> strategies;
  std::uint64_t device_steps = 0;  // this process's simulated operations, for the benchmarks' steps per second
};

/// Simulates `options.devices` devices under each strategy (found with scenario::find_strategy;
/// the caller has checked the names). The scenario's `fleet` block gives the mixture, fault rates,
/// durations and rollouts; without one, every device starts as the scenario says, with no fault.
FleetReport simulate_fleet(const scenario::Scenario& scenario,
                           const std::vector<scenario::StrategySpec>& strategies,
                           const FleetOptions& options);

/// The `q` quantile (0 < q <= 1) of a histogram: the smallest value whose cumulative count
/// reaches ceil(q * total). nullopt when empty.
std::optional<std::int64_t> histogram_quantile(const std::map<std::int64_t, std::uint64_t>& histogram,
                                               double q);

/// Whether a class counts against a ring for the halt rule (and the blast radius).
constexpr bool is_bad_class(model::OutcomeClass outcome_class) {
  return outcome_class == model::OutcomeClass::stuck ||
         outcome_class == model::OutcomeClass::clean_failure ||
         outcome_class == model::OutcomeClass::false_success ||
         outcome_class == model::OutcomeClass::regressed;
}

}  // namespace svcsim::simulator
