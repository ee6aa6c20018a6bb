// Reads the optional `fleet:` block (scenarios/README.md "The fleet"): the starting-state mixture,
// per-site fault probabilities, durations, rollouts and strategies of `svcsim compare`. Every
// error is one line naming file:line:column and the key, as for the rest of the file.
#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <set>
#include <string>
#include <string_view>

#include "scenario_reader.hpp"
#include "svcsim/model/names_valid.hpp"
#include "svcsim/scenario/fleet.hpp"

namespace svcsim::scenario::detail {
namespace {

using namespace std::string_view_literals;

constexpr std::array fleet_keys = {"devices"sv,  "starts"sv, "faults"sv,   "hours"sv,
                                   "horizon_days"sv, "halt"sv, "oob"sv, "rollouts"sv,
                                   "strategies"sv};
constexpr std::array start_keys = {"label"sv, "weight"sv, "target"sv};
constexpr std::array hours_keys = {"add"sv, "reboot"sv, "other"sv};
constexpr std::array halt_keys = {"rate_max"sv};
constexpr std::array oob_keys = {"package"sv, "day"sv};
constexpr std::array rollout_keys = {"name"sv, "rings"sv, "wait_for_fix"sv};
constexpr std::array ring_keys = {"name"sv, "share"sv, "deferral_days"sv, "deadline_days"sv,
                                  "grace_days"sv};
constexpr std::array strategy_keys = {"name"sv, "order"sv, "reboot"sv, "on_error"sv,
                                      "rollout"sv};

// Ring shares must add up to 1; this much rounding in a hand-written decimal is forgiven.
constexpr double share_sum_tolerance = 1e-6;
// Simulated hours per operation: a week is past any real DISM call or restart.
constexpr double operation_hours_max = 168.0;

template <std::size_t count>
std::string names_of(const std::array<std::string_view, count>& names) {
  return join(names, count);
}

}  // namespace

bool ScenarioReader::read_number(const Field& field, double minimum, double maximum,
                                 bool minimum_allowed, double& value) {
  std::string text;
  if (!read_scalar(field, text)) return false;
  double parsed = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), parsed);
  const bool in_range = (minimum_allowed ? parsed >= minimum : parsed > minimum) && parsed <= maximum;
  if (text.empty() || error != std::errc{} || end != text.data() + text.size() ||
      !std::isfinite(parsed) || !in_range) {
    return fail_at(field, field.label + " must be a number " + (minimum_allowed ? "from " : "above ") +
                              fmt_number(minimum) + " to " + fmt_number(maximum) + ", not " +
                              quote(text));
  }
  value = parsed;
  return true;
}

std::string ScenarioReader::fmt_number(double value) {
  std::array<char, 32> buffer{};
  const auto [end, error] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  SVCSIM_ASSERT(error == std::errc{});
  return std::string(buffer.data(), end);
}

bool ScenarioReader::read_name(const Field& field, const std::string& what, std::string& name) {
  if (!read_string(field, name)) return false;
  if (auto checked = check_identifier(name); !checked) {
    return fail_at(field, what + " " + quote(name) + " is not valid: " + checked.error());
  }
  return true;
}

bool ScenarioReader::read_fleet(const Field& at, const Scenario& scenario, Fleet& fleet) {
  Fields fields;
  if (!read_mapping(at, fleet_keys, fields)) return false;
  if (const Field* field = fields.get("devices")) {
    std::string text;
    if (!read_scalar(*field, text)) return false;
    std::uint64_t devices = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), devices);
    if (text.empty() || error != std::errc{} || end != text.data() + text.size() || devices == 0 ||
        devices > fleet_devices_max) {
      return fail_at(*field, "devices must be a whole number from 1 to " +
                                 std::to_string(fleet_devices_max) + ", not " + quote(text));
    }
    fleet.devices = devices;
  }
  if (const Field* field = fields.get("horizon_days")) {
    if (!read_small_int(*field, 1, fleet_days_max, fleet.horizon_days)) return false;
  }
  if (const Field* field = fields.get("starts")) {
    std::vector<Field> items;
    if (!read_list(*field, fleet_start_count_max, items)) return false;
    if (items.empty()) return fail_at(*field, "starts must list at least one starting state");
    std::set<std::string> labels;
    for (const Field& item : items) {
      FleetStart start;
      if (!read_fleet_start(item, scenario, start)) return false;
      if (!labels.insert(start.label).second) {
        return fail_at(item, "label " + quote(start.label) + " is given twice");
      }
      fleet.starts.push_back(std::move(start));
    }
  }
  if (const Field* field = fields.get("faults")) {
    Fields rates;
    if (!read_mapping(*field, {}, rates)) return false;
    for (const auto& [key, rate_field] : rates.entries()) {
      const auto fault = parse_fault(key);
      if (!fault || *fault == Fault::none) {
        std::vector<std::string_view> names;
        for (int kind = 1; kind < fault_count; ++kind) names.push_back(fault_name(static_cast<Fault>(kind)));
        return fail_at_key(rate_field, "unknown fault kind " + quote(key) + " (expected one of: " +
                                           join(names, names.size()) + ")");
      }
      FaultRate rate;
      rate.fault = *fault;
      if (!read_number(rate_field, 0.0, 1.0, true, rate.probability)) return false;
      fleet.faults.push_back(rate);
    }
  }
  if (const Field* field = fields.get("hours")) {
    Fields hours;
    if (!read_mapping(*field, hours_keys, hours)) return false;
    const std::array<std::pair<std::string_view, double*>, 3> slots = {
        std::pair{"add"sv, &fleet.durations.add_hours},
        std::pair{"reboot"sv, &fleet.durations.reboot_hours},
        std::pair{"other"sv, &fleet.durations.other_hours}};
    for (const auto& [key, slot] : slots) {
      if (const Field* value = hours.get(key)) {
        if (!read_number(*value, 0.0, operation_hours_max, true, *slot)) return false;
      }
    }
  }
  if (const Field* field = fields.get("halt")) {
    Fields halt;
    if (!read_mapping(*field, halt_keys, halt)) return false;
    const Field* rate = nullptr;
    if (!require(halt, *field, "rate_max", rate)) return false;
    if (!read_number(*rate, 0.0, 1.0, true, fleet.halt.rate_max)) return false;
  }
  if (const Field* field = fields.get("oob")) {
    Fields oob;
    if (!read_mapping(*field, oob_keys, oob)) return false;
    const Field* package = nullptr;
    const Field* day = nullptr;
    if (!require(oob, *field, "package", package) || !require(oob, *field, "day", day)) return false;
    OutOfBandFix fix;
    if (!read_package_id(*package, scenario.catalog, fix.package)) return false;
    if (!read_small_int(*day, 0, fleet.horizon_days, fix.day)) return false;
    fleet.oob = fix;
  }
  if (const Field* field = fields.get("rollouts")) {
    std::vector<Field> items;
    if (!read_list(*field, rollout_count_max, items)) return false;
    for (const Field& item : items) {
      Rollout rollout;
      if (!read_rollout(item, rollout)) return false;
      if (find_rollout(&fleet, rollout.name)) {
        return fail_at(item, "rollout " + quote(rollout.name) +
                                 " is defined twice or is a preset (patch_now, autopatch, "
                                 "wait_for_oob)");
      }
      fleet.rollouts.push_back(std::move(rollout));
    }
  }
  if (const Field* field = fields.get("strategies")) {
    std::vector<Field> items;
    if (!read_list(*field, strategy_count_max, items)) return false;
    for (const Field& item : items) {
      StrategySpec strategy;
      if (!read_strategy(item, scenario.plan, fleet, strategy)) return false;
      if (find_strategy(scenario.plan, &fleet, strategy.name)) {
        return fail_at(item, "strategy " + quote(strategy.name) +
                                 " is defined twice or is a built-in one");
      }
      fleet.strategies.push_back(std::move(strategy));
    }
  }
  return true;
}

bool ScenarioReader::read_fleet_start(const Field& at, const Scenario& scenario, FleetStart& start) {
  Fields fields;
  if (!read_mapping(at, start_keys, fields)) return false;
  const Field* label = nullptr;
  const Field* target = nullptr;
  if (!require(fields, at, "label", label) || !require(fields, at, "target", target)) return false;
  if (!read_name(*label, "label", start.label)) return false;
  if (const Field* weight = fields.get("weight")) {
    if (!read_number(*weight, 0.0, 1e12, false, start.weight)) return false;
  }
  if (!read_target(*target, scenario, start.target)) return false;
  const auto same = std::find_if(scenario.targets.begin(), scenario.targets.end(),
                                 [&](const TargetSpec& spec) { return spec.name == start.target.name; });
  if (same == scenario.targets.end()) {
    return fail_at(*target, "target " + quote(start.target.name) +
                                " names no target of the scenario (a starting state replaces one)");
  }
  if (same->kind != start.target.kind) {
    return fail_at(*target, "target " + quote(start.target.name) + " is " +
                                std::string(target_kind_name(same->kind)) +
                                " in the scenario; a starting state keeps its kind");
  }
  return true;
}

bool ScenarioReader::read_rollout(const Field& at, Rollout& rollout) {
  Fields fields;
  if (!read_mapping(at, rollout_keys, fields)) return false;
  const Field* name = nullptr;
  const Field* rings = nullptr;
  if (!require(fields, at, "name", name) || !require(fields, at, "rings", rings)) return false;
  if (!read_name(*name, "rollout", rollout.name)) return false;
  if (const Field* field = fields.get("wait_for_fix")) {
    if (!read_bool(*field, rollout.wait_for_fix)) return false;
  }
  std::vector<Field> items;
  if (!read_list(*rings, ring_count_max, items)) return false;
  if (items.empty()) return fail_at(*rings, "rings must list at least one ring");
  double share_sum = 0;
  for (const Field& item : items) {
    Fields ring_fields;
    if (!read_mapping(item, ring_keys, ring_fields)) return false;
    Ring ring;
    const Field* ring_name = nullptr;
    const Field* share = nullptr;
    if (!require(ring_fields, item, "name", ring_name) || !require(ring_fields, item, "share", share)) {
      return false;
    }
    if (!read_name(*ring_name, "ring", ring.name)) return false;
    if (!read_number(*share, 0.0, 1.0, false, ring.share)) return false;
    const std::array<std::pair<std::string_view, int*>, 3> days = {
        std::pair{"deferral_days"sv, &ring.deferral_days},
        std::pair{"deadline_days"sv, &ring.deadline_days},
        std::pair{"grace_days"sv, &ring.grace_days}};
    for (const auto& [key, slot] : days) {
      if (const Field* value = ring_fields.get(key)) {
        if (!read_small_int(*value, 0, fleet_days_max, *slot)) return false;
      }
    }
    share_sum += ring.share;
    rollout.rings.push_back(std::move(ring));
  }
  if (std::abs(share_sum - 1.0) > share_sum_tolerance) {
    return fail_at(*rings, "the ring shares add up to " + fmt_number(share_sum) + ", not 1");
  }
  return true;
}

bool ScenarioReader::read_strategy(const Field& at, const Plan& plan, const Fleet& fleet,
                                   StrategySpec& strategy) {
  Fields fields;
  if (!read_mapping(at, strategy_keys, fields)) return false;
  const Field* name = nullptr;
  if (!require(fields, at, "name", name)) return false;
  if (!read_name(*name, "strategy", strategy.name)) return false;
  strategy.reboot = plan.reboot;
  strategy.on_error = plan.on_error == ErrorPolicy::stop ? StrategyErrorPolicy::stop
                                                         : StrategyErrorPolicy::continue_on_error;
  std::string text;
  // order, reboot, on_error: a word from a fixed list, read the same way.
  const auto read_choice = [&](std::string_view key, auto parse, std::string_view what,
                               const std::string& names, auto& value) {
    const Field* field = fields.get(key);
    if (field == nullptr) return true;
    if (!read_scalar(*field, text)) return false;
    const auto parsed = parse(text);
    if (!parsed) {
      return fail_at(*field, "unknown " + std::string(what) + " " + quote(text) + " (expected one of: " +
                                 names + ")");
    }
    value = *parsed;
    return true;
  };
  std::array<std::string_view, order_rule_count> rules{};
  for (std::size_t value = 0; value < rules.size(); ++value) {
    rules[value] = order_rule_name(static_cast<OrderRule>(value));
  }
  if (!read_choice("order", parse_order_rule, "order rule", names_of(rules), strategy.order) ||
      !read_choice("reboot", parse_reboot_policy, "reboot policy", "after_3010, at_end, never",
                   strategy.reboot) ||
      !read_choice("on_error", parse_strategy_error_policy, "error policy",
                   "stop, continue, retry_once_after_reboot", strategy.on_error)) {
    return false;
  }
  if (const Field* field = fields.get("rollout")) {
    if (!read_scalar(*field, text)) return false;
    if (!find_rollout(&fleet, text)) {
      return fail_at(*field, "unknown rollout " + quote(text) +
                                 " (a preset: patch_now, autopatch, wait_for_oob, or one of "
                                 "fleet.rollouts, defined before the strategies)");
    }
    strategy.rollout = text;
  }
  return true;
}

}  // namespace svcsim::scenario::detail
