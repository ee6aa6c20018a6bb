// Text, JSON and CSV renderings of `svcsim compare` (compare_output.hpp).
#include "compare_output.hpp"

#include <fmt/format.h>

#include <ostream>

#include "svcsim/model/assert.hpp"
#include "svcsim/simulator/intervals.hpp"
#include "text_escape.hpp"

namespace svcsim::cli {
namespace {

constexpr double confidence = 0.95;

std::string percent(std::uint64_t count, std::uint64_t devices) {
  const simulator::Interval interval = simulator::wilson_interval(count, devices, confidence);
  return fmt::format("{:.2f}% [{:.2f}, {:.2f}]", 100 * per_device(count, devices), 100 * interval.low,
                     100 * interval.high);
}

std::string hours_text(std::optional<double> hours) {
  return hours ? fmt::format("{:.1f}", *hours) : "-";
}


}  // namespace

std::optional<double> quantile_hours(const simulator::StrategyTally& tally, double q) {
  const auto minutes = simulator::histogram_quantile(tally.compliance_minutes, q);
  if (!minutes) return std::nullopt;
  return static_cast<double>(*minutes) / 60.0;
}

double per_device(std::uint64_t count, std::uint64_t devices) {
  return devices == 0 ? 0.0 : static_cast<double>(count) / static_cast<double>(devices);
}

nlohmann::ordered_json compare_json(const CompareReport& report) {
  const scenario::Scenario& scenario = *report.scenario;
  nlohmann::ordered_json document;
  document["scenario"] = scenario.name;
  document["file"] = scenario.path;
  document["seed"] = report.fleet.seed;
  document["devices"] = report.fleet.devices;
  document["starts"] = report.fleet.start_labels;
  document["confidence"] = confidence;
  document["command"] = report.command;
  nlohmann::ordered_json strategies = nlohmann::ordered_json::array();
  for (const simulator::StrategyReport& strategy : report.fleet.strategies) {
    const simulator::StrategyTally& tally = strategy.tally;
    nlohmann::ordered_json entry;
    entry["name"] = strategy.strategy.name;
    entry["order"] = scenario::order_rule_name(strategy.strategy.order);
    entry["reboot"] = scenario::reboot_policy_name(strategy.strategy.reboot);
    entry["on_error"] = scenario::strategy_error_policy_name(strategy.strategy.on_error);
    entry["rollout"] = strategy.strategy.rollout;
    entry["devices"] = tally.devices;
    entry["not_installed"] = tally.not_installed;
    entry["violations"] = tally.violations;
    nlohmann::ordered_json classes = nlohmann::ordered_json::object();
    for (int value = 0; value < model::outcome_class_count; ++value) {
      const std::uint64_t count = tally.classes[static_cast<std::size_t>(value)];
      const simulator::Interval interval = simulator::wilson_interval(count, tally.devices, confidence);
      classes[std::string(model::outcome_class_name(static_cast<model::OutcomeClass>(value)))] = {
          {"count", count}, {"rate", per_device(count, tally.devices)}, {"wilson", {interval.low, interval.high}}};
    }
    entry["classes"] = classes;
    entry["reboots"] = tally.reboots;
    entry["reboots_per_device"] = per_device(tally.reboots, tally.devices);
    entry["faults_struck"] = tally.faults_struck;
    entry["compliant"] = tally.compliant;
    const auto p50 = quantile_hours(tally, 0.5);
    const auto p95 = quantile_hours(tally, 0.95);
    entry["hours_to_compliance"] = {{"p50", p50 ? nlohmann::ordered_json(*p50) : nlohmann::ordered_json()},
                                    {"p95", p95 ? nlohmann::ordered_json(*p95) : nlohmann::ordered_json()}};
    nlohmann::ordered_json compliance = nlohmann::ordered_json::array();
    for (const auto& [minutes, count] : tally.compliance_minutes) compliance.push_back({minutes, count});
    entry["compliance_minutes"] = compliance;
    entry["distinct_end_baselines"] = tally.end_baselines.size();
    entry["end_baselines"] = tally.end_baselines;
    entry["manual_recovery"] = tally.classes[static_cast<std::size_t>(model::OutcomeClass::stuck)];
    nlohmann::ordered_json rings = nlohmann::ordered_json::array();
    for (std::size_t index = 0; index < strategy.rollout.rings.size(); ++index) {
      const scenario::Ring& ring = strategy.rollout.rings[index];
      const simulator::RingTally counted = index < tally.rings.size() ? tally.rings[index] : simulator::RingTally{};
      rings.push_back({{"name", ring.name}, {"share", ring.share}, {"deferral_days", ring.deferral_days},
                       {"deadline_days", ring.deadline_days}, {"grace_days", ring.grace_days},
                       {"devices", counted.devices}, {"original", counted.original}, {"bad", counted.bad}});
    }
    entry["rollout_detail"] = {
        {"wait_for_fix", strategy.rollout.wait_for_fix},
        {"rings", rings},
        {"halt_day", strategy.halt_day ? nlohmann::ordered_json(*strategy.halt_day) : nlohmann::ordered_json()},
        {"blast_radius", tally.blast_radius},
        {"exposed_device_days", tally.exposed_device_days},
        {"regressed_device_days", tally.regressed_device_days},
        {"regressed_devices", tally.regressed_devices}};
    strategies.push_back(entry);
  }
  document["strategies"] = strategies;
  return document;
}

void write_compare_json(std::ostream& out, const CompareReport& report) {
  out << compare_json(report).dump(2) << '\n';
}

void write_compare_text(std::ostream& out, const CompareReport& report) {
  const scenario::Scenario& scenario = *report.scenario;
  out << fmt::format("seed: {}\n", report.fleet.seed);
  out << fmt::format("scenario: {} ({})\n", visible(scenario.name), visible(scenario.path));
  out << fmt::format("devices: {} per strategy; starting states: {}\n", report.fleet.devices,
                     visible(fmt::format("{}", fmt::join(report.fleet.start_labels, ", "))));
  out << "outcome rates with 95% Wilson intervals:\n";
  for (const simulator::StrategyReport& strategy : report.fleet.strategies) {
    const simulator::StrategyTally& tally = strategy.tally;
    out << fmt::format("  {} (order {}, reboot {}, on_error {}, rollout {})\n", visible(strategy.strategy.name),
                       scenario::order_rule_name(strategy.strategy.order),
                       scenario::reboot_policy_name(strategy.strategy.reboot),
                       scenario::strategy_error_policy_name(strategy.strategy.on_error),
                       visible(strategy.strategy.rollout));
    for (int value = 0; value < model::outcome_class_count; ++value) {
      const std::uint64_t count = tally.classes[static_cast<std::size_t>(value)];
      if (count == 0) continue;
      out << fmt::format("    {:<14} {:>9}  {}\n", model::outcome_class_name(static_cast<model::OutcomeClass>(value)),
                         count, percent(count, tally.devices));
    }
    if (tally.not_installed > 0) out << fmt::format("    {:<14} {:>9}\n", "not installed", tally.not_installed);
    if (tally.violations > 0) out << fmt::format("    {:<14} {:>9}\n", "VIOLATIONS", tally.violations);
  }
  out << "\nfleet:\n";
  out << fmt::format("  {:<22} {:>9} {:>8} {:>8} {:>9} {:>7} {:>7} {:>10} {:>12} {:>12}\n", "strategy",
                     "reboots/d", "p50 h", "p95 h", "baselines", "manual", "blast", "halt day",
                     "exposed dd", "regressed dd");
  for (const simulator::StrategyReport& strategy : report.fleet.strategies) {
    const simulator::StrategyTally& tally = strategy.tally;
    out << fmt::format("  {:<22} {:>9.2f} {:>8} {:>8} {:>9} {:>7} {:>7} {:>10} {:>12} {:>12}\n",
                       visible(strategy.strategy.name), per_device(tally.reboots, tally.devices),
                       hours_text(quantile_hours(tally, 0.5)), hours_text(quantile_hours(tally, 0.95)),
                       tally.end_baselines.size(),
                       tally.classes[static_cast<std::size_t>(model::OutcomeClass::stuck)],
                       tally.blast_radius, strategy.halt_day ? std::to_string(*strategy.halt_day) : "-",
                       tally.exposed_device_days, tally.regressed_device_days);
  }
  out << "\nreproduce: " << visible(report.command) << '\n';
}

void write_compare_csv(std::ostream& out, const CompareReport& report) {
  out << "strategy,order,reboot,on_error,rollout,devices";
  for (int value = 0; value < model::outcome_class_count; ++value) {
    const auto name = model::outcome_class_name(static_cast<model::OutcomeClass>(value));
    out << ',' << name << ',' << name << "_low," << name << "_high";
  }
  out << ",not_installed,violations,reboots_per_device,p50_hours,p95_hours,distinct_end_baselines,"
         "manual_recovery,halt_day,blast_radius,exposed_device_days,regressed_device_days\n";
  for (const simulator::StrategyReport& strategy : report.fleet.strategies) {
    const simulator::StrategyTally& tally = strategy.tally;
    // Names are identifiers (letters, digits, _ - .): no CSV quoting is ever needed.
    out << fmt::format("{},{},{},{},{},{}", strategy.strategy.name, scenario::order_rule_name(strategy.strategy.order),
                       scenario::reboot_policy_name(strategy.strategy.reboot),
                       scenario::strategy_error_policy_name(strategy.strategy.on_error),
                       strategy.strategy.rollout, tally.devices);
    for (int value = 0; value < model::outcome_class_count; ++value) {
      const std::uint64_t count = tally.classes[static_cast<std::size_t>(value)];
      const simulator::Interval interval = simulator::wilson_interval(count, tally.devices, confidence);
      out << fmt::format(",{},{:.6f},{:.6f}", count, interval.low, interval.high);
    }
    const auto p50 = quantile_hours(tally, 0.5);
    const auto p95 = quantile_hours(tally, 0.95);
    out << fmt::format(",{},{},{:.4f},{},{},{},{},{},{},{},{}\n", tally.not_installed, tally.violations,
                       per_device(tally.reboots, tally.devices), p50 ? fmt::format("{:.2f}", *p50) : "",
                       p95 ? fmt::format("{:.2f}", *p95) : "", tally.end_baselines.size(),
                       tally.classes[static_cast<std::size_t>(model::OutcomeClass::stuck)],
                       strategy.halt_day ? std::to_string(*strategy.halt_day) : "", tally.blast_radius,
                       tally.exposed_device_days, tally.regressed_device_days);
  }
}

}  // namespace svcsim::cli
