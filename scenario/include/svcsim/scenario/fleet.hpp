// A scenario's optional `fleet:` block (scenarios/README.md "The fleet"): the mixture of starting
// states, per-site fault probabilities, simulated durations, rollout schedules and sequencing
// strategies that `svcsim compare` simulates. Data only: the engine lives in simulator/fleet.hpp.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "svcsim/model/operation.hpp"
#include "svcsim/model/package.hpp"
#include "svcsim/model/plan.hpp"
#include "svcsim/model/target_spec.hpp"

namespace svcsim::scenario {

/// How a strategy turns the plan's package steps into one device's order (issue 9). Only the
/// plan's adds move; every other step (reboot, cleanup, lifecycle) keeps its written place.
enum class OrderRule : std::uint8_t {
  method1,       // one DISM folder call on the target CU (the newest CU of the plan)
  method2,       // the documented order, as the plan writes it
  filename,      // alphabetical file names: `Get-ChildItem *.msu | % { dism ... }`
  kb_ascending,  // by KB number
  newest_only,   // just the target CU: the most common mistake
  ssu_first,     // the SSUs, then the rest by revision
  random,        // a random order per device (its strategy_random stream)
};
inline constexpr int order_rule_count = 7;
std::string_view order_rule_name(OrderRule rule);
std::optional<OrderRule> parse_order_rule(std::string_view name);

/// What a strategy does after an error: the plan's two policies, and one retry of the failed
/// step after a reboot (on an online target; elsewhere it stops).
enum class StrategyErrorPolicy : std::uint8_t { stop, continue_on_error, retry_once_after_reboot };
inline constexpr int strategy_error_policy_count = 3;
std::string_view strategy_error_policy_name(StrategyErrorPolicy policy);
std::optional<StrategyErrorPolicy> parse_strategy_error_policy(std::string_view name);

/// "after_3010", "at_end", "never": the plan's words for a reboot policy.
std::string_view reboot_policy_name(model::RebootPolicy policy);
std::optional<model::RebootPolicy> parse_reboot_policy(std::string_view name);

/// One rollout ring: the share of the fleet in it and its Windows Update for Business timing.
/// A device of the ring is offered the update `deferral_days` after release, installs within
/// `deadline_days` of the offer, and restarts within `grace_days` of the install.
struct Ring {
  std::string name;
  double share = 1.0;
  int deferral_days = 0;
  int deadline_days = 0;
  int grace_days = 0;
  friend bool operator==(const Ring&, const Ring&) = default;
};

/// A rollout schedule: rings (shares summing to 1) and whether devices wait for the
/// out-of-band fix before installing anything.
struct Rollout {
  std::string name;
  std::vector<Ring> rings;
  bool wait_for_fix = false;
  friend bool operator==(const Rollout&, const Rollout&) = default;
};

/// The rollout presets every scenario may name: `patch_now` (one ring, day 0), `autopatch`
/// (Windows Autopatch's quality-update defaults: Test/Ring1/Ring2/Ring3/Last, deferral
/// 0/1/5/9/10, deadline 0/2/2/5/3, grace 0/2/2/2/2 days; Test and Last 1% each by hand, the rest
/// split 1%/9%/90%) and `wait_for_oob` (one ring that installs when the fix ships).
const std::vector<Rollout>& preset_rollouts();

/// A strategy: an order rule, a reboot policy, an error policy and a rollout (a preset's name
/// or one of the fleet's `rollouts`). Strategies are data: a scenario may define its own.
struct StrategySpec {
  std::string name;
  OrderRule order = OrderRule::method2;
  model::RebootPolicy reboot = model::RebootPolicy::after_3010;
  StrategyErrorPolicy on_error = StrategyErrorPolicy::stop;
  std::string rollout = "patch_now";
  friend bool operator==(const StrategySpec&, const StrategySpec&) = default;
};

/// One starting state of the mixture: a target spec that replaces the scenario's target of the
/// same name on the devices drawn into it.
struct FleetStart {
  std::string label;
  double weight = 1.0;
  model::TargetSpec target;
};

/// Per-site fault probability: at each executed operation where `fault` could strike
/// (Outcome::fault_sites), it strikes with `probability`.
struct FaultRate {
  model::Fault fault = model::Fault::none;
  double probability = 0.0;
  friend bool operator==(const FaultRate&, const FaultRate&) = default;
};

/// Simulated hours each operation takes: adds (and Method 1 sessions), reboots, everything else.
struct Durations {
  double add_hours = 0.5;
  double reboot_hours = 0.25;
  double other_hours = 0.1;
  friend bool operator==(const Durations&, const Durations&) = default;
};

/// The halt rule: a ring whose share of devices ending in a bad class (stuck, clean_failure,
/// false_success, regressed) passes `rate_max` pauses every ring not yet offered the update, as
/// the Windows Update for Business deployment service's monitoring pauses a deployment.
struct HaltRule {
  double rate_max = 0.05;
  friend bool operator==(const HaltRule&, const HaltRule&) = default;
};

/// The out-of-band fix: a package of the catalog available from `day` (days after release).
struct OutOfBandFix {
  model::PackageIndex package = 0;
  int day = 0;
  friend bool operator==(const OutOfBandFix&, const OutOfBandFix&) = default;
};

struct Fleet {
  std::uint64_t devices = 10000;   // --devices default
  std::vector<FleetStart> starts;  // empty: the scenario's targets, weight 1
  std::vector<FaultRate> faults;
  Durations durations;
  int horizon_days = 30;
  HaltRule halt;
  std::optional<OutOfBandFix> oob;
  std::vector<Rollout> rollouts;       // the file's own, besides the presets
  std::vector<StrategySpec> strategies;  // the file's own, besides the built-in ones
};

/// The strategies every scenario has: one per order rule (named after it), then `patch_now`,
/// `autopatch` and `wait_for_oob` (the documented order under that rollout). Each takes the
/// plan's reboot and error policies.
std::vector<StrategySpec> builtin_strategies(const model::Plan& plan);

/// The strategy called `name`: a built-in one or one of `fleet`'s (which may be null).
std::optional<StrategySpec> find_strategy(const model::Plan& plan, const Fleet* fleet,
                                          std::string_view name);

/// The rollout called `name`: a preset or one of `fleet`'s (which may be null).
std::optional<Rollout> find_rollout(const Fleet* fleet, std::string_view name);

/// Bounds on what a fleet block may declare (each loop over it stays short).
inline constexpr std::size_t fleet_start_count_max = 64;
inline constexpr std::size_t ring_count_max = 16;
inline constexpr std::size_t rollout_count_max = 32;
inline constexpr std::size_t strategy_count_max = 64;
inline constexpr int fleet_days_max = 3650;
inline constexpr std::uint64_t fleet_devices_max = std::uint64_t{1} << 40;

}  // namespace svcsim::scenario
