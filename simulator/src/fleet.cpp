// The fleet Monte Carlo of `svcsim compare` (fleet.hpp). Reads top-down: the strategies' orders;
// the chains (the scenario as one starting state sees it, with and without the out-of-band fix);
// one device's run with its faults drawn site by site; one device under a rollout; the passes over
// the fleet on T threads; the tallies.
#include "svcsim/simulator/fleet.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <thread>
#include <tuple>

#include <fmt/format.h>

#include "svcsim/model/assert.hpp"
#include "svcsim/simulator/sequence.hpp"

namespace svcsim::simulator {
namespace {

using scenario::OrderRule;
using scenario::StrategyErrorPolicy;

constexpr std::int64_t minutes_per_day = 24 * 60;
constexpr double minutes_per_hour = 60.0;

/// The KB number of an id ("KB5086672" -> 5086672); ids without one sort after, by text.
std::uint64_t kb_number(const std::string& id) {
  std::uint64_t number = 0;
  bool digits = false;
  for (char character : id) {
    if (character >= '0' && character <= '9') {
      // Ids are at most identifier_length_max characters; cap so a long digit run cannot wrap.
      if (number < (std::uint64_t{1} << 56)) number = number * 10 + static_cast<unsigned>(character - '0');
      digits = true;
    } else if (digits) {
      break;
    }
  }
  return digits ? number : ~std::uint64_t{0};
}

bool is_cu(model::PackageKind kind) {
  return kind == model::PackageKind::cu || kind == model::PackageKind::checkpoint_cu;
}

/// The plan's newest CU among its adds (by revision; the later step on a tie).
std::optional<std::size_t> target_cu_step(const model::Catalog& catalog,
                                          const std::vector<model::PlanStep>& steps) {
  std::optional<std::size_t> newest;
  for (std::size_t index = 0; index < steps.size(); ++index) {
    const model::Operation& operation = steps[index].operation;
    if (operation.kind != model::OperationKind::add || !is_cu(catalog[operation.package].kind)) continue;
    if (!newest || catalog[operation.package].revision >= catalog[steps[*newest].operation.package].revision) {
      newest = index;
    }
  }
  return newest;
}

std::string step_prefix(const scenario::Scenario& scenario, model::TargetIndex target) {
  if (scenario.default_target && *scenario.default_target == target) return "";
  return scenario.targets[target].name + ":";
}

model::PlanStep make_step(const scenario::Scenario& scenario, model::TargetIndex target,
                          model::Operation operation, const std::string& text) {
  model::PlanStep step;
  step.text = step_prefix(scenario, target) + text;
  step.operation = model::plan_operation(scenario.plan, operation);
  step.target = target;
  return step;
}

}  // namespace

std::vector<model::PlanStep> strategy_order(const scenario::Scenario& scenario, OrderRule rule,
                                            const std::vector<model::PlanStep>& steps, Prng* draws) {
  const model::Catalog& catalog = scenario.catalog;
  std::vector<std::size_t> adds;  // positions of the adds, the only steps a rule moves
  for (std::size_t index = 0; index < steps.size(); ++index) {
    if (steps[index].operation.kind == model::OperationKind::add) adds.push_back(index);
  }
  std::vector<model::PlanStep> moved;
  for (std::size_t index : adds) moved.push_back(steps[index]);
  const auto package_of = [&](const model::PlanStep& step) -> const model::Package& {
    return catalog[step.operation.package];
  };

  const std::optional<std::size_t> target = target_cu_step(catalog, steps);
  switch (rule) {
    case OrderRule::method2: return steps;
    case OrderRule::method1:
    case OrderRule::newest_only: {
      if (!target) return steps;
      std::vector<model::PlanStep> order;
      bool placed = false;
      for (std::size_t index = 0; index < steps.size(); ++index) {
        if (steps[index].operation.kind != model::OperationKind::add) {
          order.push_back(steps[index]);
        } else if (!placed) {
          placed = true;
          model::PlanStep step = steps[*target];
          if (rule == OrderRule::method1) {
            step.operation.kind = model::OperationKind::add_folder;
            step = make_step(scenario, step.target, step.operation,
                             "method1(" + package_of(steps[*target]).id + ")");
          }
          order.push_back(std::move(step));
        }
      }
      SVCSIM_ASSERT(placed);
      SVCSIM_ASSERT(order.size() + adds.size() == steps.size() + 1);
      return order;
    }
    case OrderRule::filename:
      std::stable_sort(moved.begin(), moved.end(), [&](const auto& left, const auto& right) {
        const std::string& left_name = package_of(left).file.empty() ? package_of(left).id : package_of(left).file;
        const std::string& right_name = package_of(right).file.empty() ? package_of(right).id : package_of(right).file;
        return left_name < right_name;
      });
      break;
    case OrderRule::kb_ascending:
      std::stable_sort(moved.begin(), moved.end(), [&](const auto& left, const auto& right) {
        return std::tuple(kb_number(package_of(left).id), package_of(left).id) <
               std::tuple(kb_number(package_of(right).id), package_of(right).id);
      });
      break;
    case OrderRule::ssu_first:
      std::stable_sort(moved.begin(), moved.end(), [&](const auto& left, const auto& right) {
        const bool left_ssu = package_of(left).kind == model::PackageKind::ssu;
        const bool right_ssu = package_of(right).kind == model::PackageKind::ssu;
        return std::tuple(!left_ssu, package_of(left).revision) <
               std::tuple(!right_ssu, package_of(right).revision);
      });
      break;
    case OrderRule::random:
      if (draws != nullptr && moved.size() > 1) {
        // Fisher-Yates, one bounded draw per position.
        for (std::size_t index = moved.size() - 1; index > 0; --index) {
          std::swap(moved[index], moved[draws->bounded(index + 1)]);
        }
      }
      break;
  }
  std::vector<model::PlanStep> order = steps;
  for (std::size_t index = 0; index < adds.size(); ++index) order[adds[index]] = moved[index];
  SVCSIM_ASSERT(order.size() == steps.size());
  return order;
}

void StrategyTally::merge(const StrategyTally& other) {
  devices += other.devices;
  not_installed += other.not_installed;
  for (std::size_t index = 0; index < classes.size(); ++index) classes[index] += other.classes[index];
  violations += other.violations;
  reboots += other.reboots;
  faults_struck += other.faults_struck;
  compliant += other.compliant;
  for (const auto& [minutes, count] : other.compliance_minutes) compliance_minutes[minutes] += count;
  for (const auto& [baseline, count] : other.end_baselines) end_baselines[baseline] += count;
  if (rings.size() < other.rings.size()) rings.resize(other.rings.size());
  for (std::size_t index = 0; index < other.rings.size(); ++index) {
    rings[index].devices += other.rings[index].devices;
    rings[index].original += other.rings[index].original;
    rings[index].bad += other.rings[index].bad;
  }
  blast_radius += other.blast_radius;
  exposed_device_days += other.exposed_device_days;
  regressed_device_days += other.regressed_device_days;
  regressed_devices += other.regressed_devices;
}

DeviceRange device_range(std::uint64_t count, std::uint64_t part, std::uint64_t part_count) {
  SVCSIM_ASSERT(part_count >= 1);
  SVCSIM_ASSERT(part < part_count);
  // count = quotient * part_count + remainder: the first `remainder` parts get one device more.
  // No product here exceeds count, so nothing wraps for any count and part_count.
  const std::uint64_t quotient = count / part_count;
  const std::uint64_t remainder = count % part_count;
  const DeviceRange range{part * quotient + std::min(part, remainder),
                          (part + 1) * quotient + std::min(part + 1, remainder)};
  SVCSIM_ASSERT(range.first <= range.last && range.last <= count);
  return range;
}

std::optional<std::int64_t> histogram_quantile(const std::map<std::int64_t, std::uint64_t>& histogram,
                                               double q) {
  SVCSIM_ASSERT(q > 0.0 && q <= 1.0);
  std::uint64_t total = 0;
  for (const auto& entry : histogram) total += entry.second;
  if (total == 0) return std::nullopt;
  const auto rank = static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(total)));
  std::uint64_t seen = 0;
  for (const auto& [value, count] : histogram) {
    seen += count;
    if (seen >= rank) return value;
  }
  SVCSIM_ASSERT_MSG(false, "a histogram's counts reach its total");
  return std::nullopt;
}

namespace {

/// The scenario as the devices of one starting state see it under one strategy, with the plan's
/// steps as they are (the original update) or with the out-of-band fix added (`with_fix`).
struct Chain {
  std::unique_ptr<scenario::Scenario> scenario;  // stable address: the World points into it
  std::unique_ptr<model::World> world;
  model::WorldState expected;
  std::vector<model::PlanStep> steps;  // documented order, plan operations applied
};

/// A run boiled down to what the tallies and the fault walk need.
struct RunSummary {
  model::OutcomeClass outcome_class = model::OutcomeClass::success;
  bool violation = false;
  bool regressed_end = false;
  std::uint32_t reboots = 0;
  std::uint32_t faults_struck = 0;
  std::int64_t minutes = 0;
  std::string baseline;
  std::vector<model::FaultSet> sites;  // per executed step: the faults that could strike it
};

Chain make_chain(const scenario::Scenario& source, const scenario::FleetStart* start,
                 const scenario::StrategySpec& strategy, std::optional<model::PackageIndex> fix) {
  Chain chain;
  chain.scenario = std::make_unique<scenario::Scenario>(source);
  scenario::Scenario& copy = *chain.scenario;
  if (start != nullptr) {
    for (model::TargetSpec& target : copy.targets) {
      if (target.name == start->target.name) target = start->target;
    }
  }
  copy.plan.reboot = strategy.reboot;
  copy.plan.on_error = strategy.on_error == StrategyErrorPolicy::continue_on_error
                           ? model::ErrorPolicy::continue_on_error
                           : model::ErrorPolicy::stop;
  if (fix) {
    // The fix goes on the target of the plan's last add (the plan's own target otherwise).
    model::TargetIndex target = copy.default_target.value_or(0);
    for (const model::PlanStep& step : copy.plan.steps) {
      if (step.operation.kind == model::OperationKind::add) target = step.target;
    }
    model::Operation operation;
    operation.kind = model::OperationKind::add;
    operation.package = *fix;
    const bool present = std::any_of(copy.plan.steps.begin(), copy.plan.steps.end(), [&](const auto& step) {
      return step.operation.kind == model::OperationKind::add && step.operation.package == *fix;
    });
    if (!present) {
      model::PlanStep step;
      step.text = step_prefix(copy, target) + copy.catalog[*fix].id;
      step.operation = operation;
      step.target = target;
      copy.plan.steps.push_back(std::move(step));
    }
  }
  chain.world = std::make_unique<model::World>(scenario::make_world(copy));
  chain.expected = expected_end_state(copy);
  chain.steps = documented_order(copy);
  return chain;
}

/// The fleet's per-strategy constants: chains, rollout, fault rates, device-property
/// probabilities.
struct StrategyPlan {
  scenario::StrategySpec strategy;
  scenario::Rollout rollout;
  std::vector<Chain> original;  // per start
  std::vector<Chain> with_fix;  // per start; empty without an out-of-band fix
  std::vector<std::vector<model::PlanStep>> fixed_orders;  // per start: the rule's order (not random)
  std::vector<std::vector<model::PlanStep>> fixed_orders_with_fix;
  std::vector<double> ring_shares;
  std::vector<model::PlanStep> fix_steps;  // per start: the fix's step in its with_fix chain
};

struct FleetConstants {
  const scenario::Scenario* scenario = nullptr;
  scenario::Fleet fleet;
  std::vector<double> start_weights;
  double start_weight_total = 0;
  std::vector<double> property_probabilities;  // per device slot
  std::vector<model::DeviceProperty> properties;
  model::DeviceBits always = 0;
  model::FaultSet rated_faults = 0;
};

/// One device's order and chain.
struct DeviceRunKey {
  std::uint32_t chain = 0;       // start * 2 + with_fix
  model::DeviceBits device = 0;
  std::uint64_t order = 0;       // 0: the rule's fixed order; else an encoded permutation
  bool fix_after = false;        // the original order followed by the fix (a regressed device)
  friend auto operator<=>(const DeviceRunKey&, const DeviceRunKey&) = default;
};

/// Runs devices of one strategy; one per thread, with its own cache of fault-free runs (a pure
/// function of its key, so caches never change a result).
class DeviceRunner {
 public:
  DeviceRunner(const FleetConstants& constants, const StrategyPlan& plan, bool cache)
      : constants_(constants), plan_(plan), cache_enabled_(cache) {}

  std::uint64_t device_steps() const { return device_steps_; }

  /// Adds device `index` to `tally`. With `halt_day` unknown (pass 1) only the ring counts of
  /// the original update are taken.
  void add_device(std::uint64_t seed, std::uint64_t index, std::optional<int> halt_day,
                  bool ring_pass, StrategyTally& tally) {
    const scenario::Fleet& fleet = constants_.fleet;
    const scenario::Rollout& rollout = plan_.rollout;
    Prng start_draws = derive_stream(seed, Subsystem::fleet_devices, index);
    Prng property_draws = derive_stream(seed, Subsystem::defect_draws, index);
    Prng strategy_draws = derive_stream(seed, Subsystem::strategy_random, index);
    Prng duration_draws = derive_stream(seed, Subsystem::durations, index);
    Prng fault_draws = derive_stream(seed, Subsystem::fault_draws, index);

    const std::size_t start = pick(constants_.start_weights, constants_.start_weight_total,
                                   start_draws.unit());
    const model::DeviceBits device = draw_device_bits(property_draws);
    const std::size_t ring_index = pick(plan_.ring_shares, 1.0, strategy_draws.unit());
    const scenario::Ring& ring = rollout.rings[ring_index];
    const int scheduled_day = ring.deferral_days + static_cast<int>(duration_draws.bounded(
                                                       static_cast<std::uint64_t>(ring.deadline_days) + 1));
    const int grace_extra = static_cast<int>(duration_draws.bounded(static_cast<std::uint64_t>(ring.grace_days) + 1));

    const auto& oob = fleet.oob;
    bool use_fix = oob && (rollout.wait_for_fix || scheduled_day >= oob->day);
    int install_day = use_fix ? std::max(scheduled_day, oob->day) : scheduled_day;
    bool installs = true;
    if (!ring_pass && halt_day && !use_fix && scheduled_day >= *halt_day) {
      // Paused by the halt rule: resume with the fix when it ships, else never.
      if (oob) {
        use_fix = true;
        install_day = std::max(scheduled_day, oob->day);
      } else {
        installs = false;
      }
    }
    if (tally.rings.size() < rollout.rings.size()) tally.rings.resize(rollout.rings.size());

    ++tally.devices;
    const int horizon = fleet.horizon_days;
    if (!installs) {
      ++tally.not_installed;
      tally.exposed_device_days += static_cast<std::uint64_t>(horizon);
      ++tally.rings[ring_index].devices;
      return;
    }
    const std::size_t chain_index = start * 2 + (use_fix ? 1 : 0);
    const Chain& chain = use_fix ? plan_.with_fix[start] : plan_.original[start];
    std::vector<model::PlanStep> random_order;
    std::uint64_t order_key = 0;
    const std::vector<model::PlanStep>* order =
        use_fix ? &plan_.fixed_orders_with_fix[start] : &plan_.fixed_orders[start];
    if (plan_.strategy.order == OrderRule::random) {
      random_order = strategy_order(*chain.scenario, OrderRule::random, chain.steps, &strategy_draws);
      order = &random_order;
      order_key = encode_order(chain.steps, random_order);
    }
    const RunSummary& run = device_run(chain, static_cast<std::uint32_t>(chain_index), *order,
                                       order_key, device, &fault_draws, false, scratch_);
    ++tally.rings[ring_index].devices;
    if (run.violation) {
      ++tally.violations;
      return;
    }
    const bool bad = is_bad_class(run.outcome_class);
    if (!use_fix) ++tally.rings[ring_index].original;
    if (!use_fix && bad) {
      ++tally.rings[ring_index].bad;
      ++tally.blast_radius;
    }
    if (ring_pass) return;

    ++tally.classes[static_cast<std::size_t>(run.outcome_class)];
    tally.reboots += run.reboots;
    tally.faults_struck += run.faults_struck;
    ++tally.end_baselines[run.baseline];
    const int completion_day = install_day + (run.reboots > 0 ? grace_extra : 0);
    const bool compliant = run.outcome_class == model::OutcomeClass::success ||
                           run.outcome_class == model::OutcomeClass::drift ||
                           run.outcome_class == model::OutcomeClass::regressed;
    if (compliant) {
      ++tally.compliant;
      ++tally.compliance_minutes[completion_day * minutes_per_day + run.minutes];
    }
    tally.exposed_device_days += static_cast<std::uint64_t>(compliant ? std::min(completion_day, horizon) : horizon);
    if (run.regressed_end && completion_day < horizon) {
      ++tally.regressed_devices;
      int cleared_day = horizon;
      if (oob && !use_fix) {
        // The fix on top of what the device ran, through the model: it decides whether the
        // regression ends (fixed_by), not this loop.
        std::vector<model::PlanStep> fix_order = *order;
        fix_order.push_back(plan_.fix_steps[start]);
        RunSummary fix_scratch;
        const RunSummary& fixed = device_run(plan_.with_fix[start], static_cast<std::uint32_t>(start * 2 + 1),
                                             fix_order, order_key, device, nullptr, true, fix_scratch);
        if (!fixed.violation && !fixed.regressed_end) {
          cleared_day = std::min(horizon, std::max(oob->day, completion_day));
        }
      }
      tally.regressed_device_days += static_cast<std::uint64_t>(cleared_day - completion_day);
    }
  }

 private:
  static std::size_t pick(const std::vector<double>& weights, double total, double unit) {
    SVCSIM_ASSERT(!weights.empty());
    const double point = unit * total;
    double cumulative = 0;
    for (std::size_t index = 0; index + 1 < weights.size(); ++index) {
      cumulative += weights[index];
      if (point < cumulative) return index;
    }
    return weights.size() - 1;
  }

  model::DeviceBits draw_device_bits(Prng& draws) const {
    // draw_device's rule (one draw per slot, in slot order) on probabilities read once.
    model::DeviceBits device = 0;
    for (std::size_t slot = 0; slot < constants_.property_probabilities.size(); ++slot) {
      if (draws.chance(constants_.property_probabilities[slot])) {
        device = static_cast<model::DeviceBits>(device | 1u << slot);
      }
    }
    SVCSIM_ASSERT((constants_.always & ~device) == 0);
    return device;
  }

  /// A permutation of the adds as a number (4 bits per add; 0 when it has more than 15 adds,
  /// which then go uncached).
  static std::uint64_t encode_order(const std::vector<model::PlanStep>& steps,
                                    const std::vector<model::PlanStep>& order) {
    std::uint64_t key = 1;
    std::size_t count = 0;
    for (const model::PlanStep& step : order) {
      if (step.operation.kind != model::OperationKind::add) continue;
      std::size_t position = 0;
      while (position < steps.size() && !(steps[position].operation == step.operation &&
                                          steps[position].target == step.target)) {
        ++position;
      }
      if (++count > 15 || position > 15) return 0;
      key = key << 4 | position;
    }
    return key;
  }

  std::vector<FaultPlacement> device_placements(model::DeviceBits device) const {
    std::vector<FaultPlacement> placements;
    for (std::size_t slot = 0; slot < constants_.properties.size(); ++slot) {
      if ((device >> slot & 1u) == 0 || (constants_.always >> slot & 1u) != 0) continue;
      FaultPlacement placement;
      placement.device = constants_.properties[slot];
      placements.push_back(placement);
    }
    return placements;
  }

  /// One run under the strategy's error policy (retry_once_after_reboot is the runner's).
  RunResult policy_run(const Chain& chain, const std::vector<model::PlanStep>& order,
                       const std::vector<FaultPlacement>& faults) {
    ModelExecutor executor(*chain.world);
    RetryPolicy retry;
    retry.once_after_reboot = plan_.strategy.on_error == StrategyErrorPolicy::retry_once_after_reboot;
    return run_sequence(*chain.scenario, *chain.world, executor, order, faults, chain.expected, retry);
  }

  RunSummary summarize(const RunResult& result) {
    const scenario::Durations& durations = constants_.fleet.durations;
    RunSummary summary;
    summary.violation = static_cast<bool>(result.violation);
    summary.outcome_class = result.outcome_class;
    double hours = 0;
    for (const StepRecord& record : result.steps) {
      summary.sites.push_back(record.outcome.fault_sites);
      if (record.outcome.fault != model::Fault::none) ++summary.faults_struck;
      switch (record.step.operation.kind) {
        case model::OperationKind::add:
        case model::OperationKind::add_folder: hours += durations.add_hours; break;
        case model::OperationKind::reboot:
          ++summary.reboots;
          hours += durations.reboot_hours;
          break;
        default: hours += durations.other_hours; break;
      }
    }
    summary.minutes = std::llround(hours * minutes_per_hour);
    for (const model::TargetState& target : result.end.targets) {
      summary.regressed_end = summary.regressed_end || target.regressions != 0;
      summary.baseline += fmt::format("{}{}.{} (SSU {})", summary.baseline.empty() ? "" : " + ",
                                      target.build, target.ubr, target.ssu_version);
    }
    device_steps_ += result.steps.size();
    return summary;
  }

  /// The device's run: the fault-free run (cached), then faults drawn site by site along it; a
  /// fault that strikes changes the rest of the run, so the run is simulated again from there on
  /// and the walk goes on along the new run.
  ///
  /// Returns the cached summary, or `owned` holding this device's own run (no copy per device).
  const RunSummary& device_run(const Chain& chain, std::uint32_t chain_index,
                               const std::vector<model::PlanStep>& order, std::uint64_t order_key,
                               model::DeviceBits device, Prng* fault_draws, bool fix_after,
                               RunSummary& owned) {
    // The device's placements are built only when a run is simulated: a cache hit needs none.
    std::vector<FaultPlacement> faults;
    bool faults_built = false;
    const auto build_faults = [&] {
      if (!faults_built) faults = device_placements(device);
      faults_built = true;
    };
    const bool cacheable = cache_enabled_ && (plan_.strategy.order != OrderRule::random || order_key != 0);
    const bool walk = fault_draws != nullptr && constants_.rated_faults != 0;
    const RunSummary* current = nullptr;
    if (cacheable) {
      const DeviceRunKey key{chain_index, device, order_key, fix_after};
      auto found = cache_.find(key);
      if (found == cache_.end()) {
        build_faults();
        found = cache_.emplace(key, summarize(policy_run(chain, order, faults))).first;
      } else {
        device_steps_ += found->second.sites.size();
      }
      current = &found->second;  // std::map nodes stay put
    } else {
      build_faults();
      owned = summarize(policy_run(chain, order, faults));
      current = &owned;
    }
    if (!walk) return *current;
    std::size_t next = 0;
    // Each pass places one fault at a later step than the last, so the walk ends within the
    // longest run's step count.
    const std::size_t pass_count_max = 4 * order.size() + 16;
    for (std::size_t pass = 0; pass <= pass_count_max; ++pass) {
      std::optional<FaultPlacement> placed;
      for (; next < current->sites.size() && !placed; ++next) {
        const model::FaultSet sites = current->sites[next] & constants_.rated_faults;
        if (sites == 0) continue;
        for (const scenario::FaultRate& rate : constants_.fleet.faults) {
          if ((sites & model::fault_bit(rate.fault)) == 0) continue;
          if (fault_draws->chance(rate.probability)) {
            placed = FaultPlacement{static_cast<int>(next) + 1, rate.fault};
            break;
          }
        }
      }
      if (!placed) return *current;
      build_faults();
      faults.push_back(*placed);
      owned = summarize(policy_run(chain, order, faults));
      current = &owned;
    }
    SVCSIM_ASSERT_MSG(false, "the fault walk places at most one fault per step");
    return *current;
  }

  const FleetConstants& constants_;
  const StrategyPlan& plan_;
  bool cache_enabled_ = true;
  std::map<DeviceRunKey, RunSummary> cache_;
  RunSummary scratch_;  // a device's own run (uncached, or with a fault placed)
  std::uint64_t device_steps_ = 0;
};

FleetConstants make_constants(const scenario::Scenario& scenario) {
  FleetConstants constants;
  constants.scenario = &scenario;
  if (scenario.fleet) constants.fleet = *scenario.fleet;
  if (constants.fleet.starts.empty()) {
    constants.start_weights = {1.0};
  } else {
    for (const scenario::FleetStart& start : constants.fleet.starts) constants.start_weights.push_back(start.weight);
  }
  for (double weight : constants.start_weights) constants.start_weight_total += weight;
  constants.properties = model::device_properties(scenario.catalog);
  for (const model::DeviceProperty& property : constants.properties) {
    const model::Package& package = scenario.catalog[property.package];
    constants.property_probabilities.push_back(property.trait == model::DeviceTrait::defect
                                                   ? package.defect->probability
                                                   : package.regression->probability);
  }
  constants.always = model::device_always(scenario.catalog);
  for (const scenario::FaultRate& rate : constants.fleet.faults) {
    if (rate.probability > 0) constants.rated_faults |= model::fault_bit(rate.fault);
  }
  return constants;
}

StrategyPlan make_strategy_plan(const FleetConstants& constants, const scenario::StrategySpec& strategy) {
  const scenario::Scenario& scenario = *constants.scenario;
  StrategyPlan plan;
  plan.strategy = strategy;
  const auto rollout = scenario::find_rollout(scenario.fleet ? &*scenario.fleet : nullptr, strategy.rollout);
  SVCSIM_ASSERT_MSG(rollout.has_value(), "the loader checks every strategy's rollout");
  plan.rollout = *rollout;
  for (const scenario::Ring& ring : plan.rollout.rings) plan.ring_shares.push_back(ring.share);
  const std::size_t start_count = constants.start_weights.size();
  for (std::size_t start = 0; start < start_count; ++start) {
    const scenario::FleetStart* spec = constants.fleet.starts.empty() ? nullptr : &constants.fleet.starts[start];
    plan.original.push_back(make_chain(scenario, spec, strategy, std::nullopt));
    plan.fixed_orders.push_back(strategy_order(*plan.original.back().scenario, strategy.order,
                                               plan.original.back().steps, nullptr));
    if (constants.fleet.oob) {
      plan.with_fix.push_back(make_chain(scenario, spec, strategy, constants.fleet.oob->package));
      plan.fixed_orders_with_fix.push_back(strategy_order(*plan.with_fix.back().scenario, strategy.order,
                                                          plan.with_fix.back().steps, nullptr));
      const std::vector<model::PlanStep>& steps = plan.with_fix.back().steps;
      const auto fix = std::find_if(steps.begin(), steps.end(), [&](const model::PlanStep& step) {
        return step.operation.kind == model::OperationKind::add &&
               step.operation.package == constants.fleet.oob->package;
      });
      SVCSIM_ASSERT(fix != steps.end());
      plan.fix_steps.push_back(*fix);
    }
  }
  return plan;
}

/// One pass over this process's part of the fleet on `threads` threads, each over a contiguous
/// range of devices; the tallies are merged in range order (any order gives the same integers),
/// then combined with the other processes' parts into the whole fleet's.
StrategyTally run_pass(const FleetConstants& constants, const StrategyPlan& plan,
                       const FleetOptions& options, std::optional<int> halt_day, bool ring_pass,
                       std::uint64_t& device_steps) {
  const FleetPartition& partition = options.partition;
  const DeviceRange process_range = device_range(options.devices, partition.part, partition.part_count);
  const std::uint64_t process_devices = process_range.last - process_range.first;
  const auto threads = static_cast<std::uint64_t>(std::max(1, options.threads));
  std::vector<StrategyTally> tallies(threads);
  std::vector<std::uint64_t> steps(threads, 0);
  const auto work = [&](std::uint64_t part) {
    DeviceRunner runner(constants, plan, options.cache);
    const DeviceRange thread_range = device_range(process_devices, part, threads);
    // The thread's own tally, handed over at the end: neighbours in `tallies` share cache lines.
    StrategyTally tally;
    for (std::uint64_t device = process_range.first + thread_range.first;
         device < process_range.first + thread_range.last; ++device) {
      runner.add_device(options.seed, device, halt_day, ring_pass, tally);
    }
    tallies[part] = std::move(tally);
    steps[part] = runner.device_steps();
  };
  if (threads == 1) {
    work(0);
  } else {
    std::vector<std::thread> pool;
    for (std::uint64_t part = 0; part < threads; ++part) pool.emplace_back(work, part);
    for (std::thread& thread : pool) thread.join();
  }
  StrategyTally total;
  for (std::uint64_t part = 0; part < threads; ++part) {
    total.merge(tallies[part]);
    device_steps += steps[part];
  }
  SVCSIM_ASSERT(total.devices == process_devices);
  if (partition.combine) total = partition.combine(total);
  SVCSIM_ASSERT(total.devices == options.devices);
  return total;
}

}  // namespace

FleetReport simulate_fleet(const scenario::Scenario& scenario,
                           const std::vector<scenario::StrategySpec>& strategies,
                           const FleetOptions& options) {
  SVCSIM_ASSERT(options.devices > 0);
  SVCSIM_ASSERT(options.threads >= 1);
  SVCSIM_ASSERT(options.partition.part < options.partition.part_count);
  SVCSIM_ASSERT(options.partition.part_count == 1 || options.partition.combine);
  const FleetConstants constants = make_constants(scenario);
  FleetReport report;
  report.devices = options.devices;
  report.seed = options.seed;
  if (constants.fleet.starts.empty()) {
    report.start_labels = {"as_written"};
  } else {
    for (const scenario::FleetStart& start : constants.fleet.starts) report.start_labels.push_back(start.label);
  }
  for (const scenario::StrategySpec& strategy : strategies) {
    const StrategyPlan plan = make_strategy_plan(constants, strategy);
    StrategyReport strategy_report;
    strategy_report.strategy = strategy;
    strategy_report.rollout = plan.rollout;
    if (plan.rollout.rings.size() > 1) {
      // Pass 1: each ring's bad rate on the original update decides when the rollout halts: the
      // day after the first ring over the threshold has finished (deferral + deadline + grace).
      // The rates are the whole fleet's (run_pass combines the processes' parts), so every
      // process finds the same halt day.
      const StrategyTally rings = run_pass(constants, plan, options, std::nullopt, true, report.device_steps);
      for (std::size_t index = 0; index < plan.rollout.rings.size(); ++index) {
        const RingTally& ring = rings.rings[index];
        if (ring.original == 0) continue;
        const double rate = static_cast<double>(ring.bad) / static_cast<double>(ring.original);
        if (rate <= constants.fleet.halt.rate_max) continue;
        const scenario::Ring& spec = plan.rollout.rings[index];
        const int day = spec.deferral_days + spec.deadline_days + spec.grace_days + 1;
        if (!strategy_report.halt_day || day < *strategy_report.halt_day) strategy_report.halt_day = day;
      }
    }
    strategy_report.tally = run_pass(constants, plan, options, strategy_report.halt_day, false, report.device_steps);
    const StrategyTally& tally = strategy_report.tally;
    // Conservation: every device is in exactly one class, or never installed, or broke an
    // invariant; the rings hold every device.
    std::uint64_t classed = tally.not_installed + tally.violations;
    for (std::uint64_t count : tally.classes) classed += count;
    SVCSIM_ASSERT(classed == tally.devices);
    std::uint64_t in_rings = 0;
    for (const RingTally& ring : tally.rings) in_rings += ring.devices;
    SVCSIM_ASSERT(in_rings == tally.devices);
    report.strategies.push_back(std::move(strategy_report));
  }
  return report;
}

}  // namespace svcsim::simulator
