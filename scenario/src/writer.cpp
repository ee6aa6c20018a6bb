// Writes a Scenario back as scenarios.md YAML (see scenario_writer.hpp). Flow style for packages
// and targets keeps a generated counterexample short enough to read in a test log.
#include <algorithm>
#include "svcsim/scenario/writer.hpp"

#include <fmt/format.h>

#include <set>
#include <utility>

namespace svcsim::scenario {
namespace {

/// A YAML double-quoted scalar: always valid, whatever the text holds.
std::string quoted(std::string_view text) {
  std::string out = "\"";
  for (char character : text) {
    switch (character) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(character) < 0x20) {
          out += fmt::format("\\x{:02x}", static_cast<unsigned char>(character));
        } else {
          out += character;
        }
    }
  }
  return out + "\"";
}

std::string bool_text(bool value) { return value ? "true" : "false"; }

std::string target_kinds(TargetKindSet kinds) {
  std::string text;
  for (int kind = 0; kind < target_kind_count; ++kind) {
    if ((kinds & target_kind_bit(static_cast<TargetKind>(kind))) == 0) continue;
    text += (text.empty() ? "" : ", ") + std::string(target_kind_name(static_cast<TargetKind>(kind)));
  }
  return "[" + text + "]";
}

std::string package_list(const Catalog& catalog, const std::vector<PackageIndex>& indices) {
  std::string text;
  for (PackageIndex index : indices) text += (text.empty() ? "" : ", ") + catalog[index].id;
  return "[" + text + "]";
}

std::string end_state(const Catalog& catalog, const EndStateExpectation& expected) {
  std::string text;
  auto add = [&text](const std::string& item) { text += (text.empty() ? "" : ", ") + item; };
  if (expected.build) add(fmt::format("build: {}", *expected.build));
  if (expected.ubr) add(fmt::format("ubr: {}", *expected.ubr));
  if (expected.ssu_version) add(fmt::format("ssu_version: {}", *expected.ssu_version));
  if (!expected.packages.empty()) {
    std::string packages;
    for (const auto& [index, state] : expected.packages) {
      packages += fmt::format("{}{}: {}", packages.empty() ? "" : ", ", catalog[index].id,
                              cbs_state_name(state));
    }
    add("packages: {" + packages + "}");
  }
  return "{" + text + "}";
}

std::string run_counts(const RunCountExpectation& run) {
  std::string text = fmt::format("{{faults: {}", run.faults);
  if (run.total) text += fmt::format(", total: {}", *run.total);
  if (!run.classes.empty()) {
    std::string classes;
    for (const auto& [outcome_class, count] : run.classes) {
      classes += fmt::format("{}{}: {}", classes.empty() ? "" : ", ",
                             outcome_class_name(outcome_class), count);
    }
    text += ", classes: {" + classes + "}";
  }
  if (!run.codes.empty()) {
    std::string codes;
    for (const auto& [code, count] : run.codes) {
      codes += fmt::format("{}\"{}\": {}", codes.empty() ? "" : ", ", hresult_text(code), count);
    }
    text += ", codes: {" + codes + "}";
  }
  return text + "}";
}

void write_package(std::string& out, const Catalog& catalog, const Package& package) {
  out += fmt::format("  - {{id: {}, kind: {}, file: {}, identity: {}", package.id,
                     package_kind_name(package.kind), quoted(package.file), quoted(package.identity));
  if (package.revision != 0) out += fmt::format(", revision: {}", package.revision);
  if (package.baseline != 0) out += fmt::format(", baseline: {}", package.baseline);
  if (package.bundled_ssu != 0) out += fmt::format(", bundled_ssu: {}", package.bundled_ssu);
  if (package.ssu_min != 0) out += fmt::format(", ssu_min: {}", package.ssu_min);
  if (package.requires_ubr_min != 0) {
    out += fmt::format(", requires_ubr_min: {}", package.requires_ubr_min);
  }
  if (package.target_build != 0) out += fmt::format(", target_build: {}", package.target_build);
  out += fmt::format(", applies_to: {}, restart: {}, permanent: {}, online_actions: {}",
                     target_kinds(package.applies_to), restart_type_name(package.restart),
                     bool_text(is_permanent(package)),
                     bool_text(package.online_actions));
  if (!package.requires_packages.empty()) {
    out += ", requires: " + package_list(catalog, package.requires_packages);
  }
  if (package.defect) {
    out += fmt::format(", defect: {{at: {}, code: \"{}\", probability: {}}}",
                       defect_at_name(package.defect->at),
                       hresult_text(hresult(package.defect->code)), package.defect->probability);
  }
  if (package.regression) {
    out += fmt::format(", regression: {{probability: {}, fixed_by: {}, symptom: {}}}",
                       package.regression->probability,
                       package_list(catalog, package.regression->fixed_by),
                       quoted(package.regression->symptom));
  }
  out += "}\n";
}

void write_target(std::string& out, const Catalog& catalog, const TargetSpec& target) {
  if (target.kind == TargetKind::media) {
    // The media folder has only its Setup DUs; the loader refuses every other key for it.
    out += fmt::format("  - {{name: {}, kind: {}, installed: {}}}\n", quoted(target.name),
                       target_kind_name(target.kind), package_list(catalog, target.installed));
    return;
  }
  out += fmt::format(
      "  - {{name: {}, kind: {}, build: {}, ubr: {}, base_ubr: {}, base_build: {}, "
      "ssu_version: {}, installed: {}, superseded: {}",
      quoted(target.name), target_kind_name(target.kind), target.build, target.ubr,
      target.base_ubr, target.base_build, target.ssu_version, package_list(catalog, target.installed),
      package_list(catalog, target.superseded));
  // v2 keys only when used, so that a v1 scenario is written as before.
  if (!target.install_pending.empty()) {
    out += ", install_pending: " + package_list(catalog, target.install_pending);
  }
  if (!target.staged.empty()) out += ", staged: " + package_list(catalog, target.staged);
  std::string flags;
  for (int flag = 0; flag < target_flag_count; ++flag) {
    const auto which = static_cast<TargetFlag>(flag);
    const bool set = target.flags.has(which);
    // Offline targets say `mounted` either way (its default is true); others only what is set.
    const bool write = which == TargetFlag::mounted ? is_offline(target.kind) : set;
    if (write) flags += fmt::format("{}{}: {}", flags.empty() ? "" : ", ", target_flag_name(which), bool_text(set));
  }
  out += ", flags: {" + flags + "}}\n";
}

}  // namespace

std::string to_yaml(const Scenario& scenario) {
  const Catalog& catalog = scenario.catalog;
  std::string out;
  out += "name: " + quoted(scenario.name) + "\n";
  if (!scenario.source.empty()) out += "source: " + quoted(scenario.source) + "\n";
  const Knobs& knobs = scenario.knobs;
  out += fmt::format(
      "knobs: {{missing_baseline_error: \"{}\", already_installed_exit: {}, "
      "baseline_sees_pending: {}, ssu_blocked_by_pending_reboot: {}, remove_absent_error: \"{}\", "
      "older_checkpoint: {}, corrupt_store_adds: {}}}\n",
      hresult_text(hresult(knobs.missing_baseline_error)), knobs.already_installed_exit,
      bool_text(knobs.baseline_sees_pending), bool_text(knobs.ssu_blocked_by_pending_reboot),
      hresult_text(hresult(knobs.remove_absent_error)),
      knobs.older_checkpoint == OlderCheckpoint::applicable ? "applicable" : "not_applicable",
      knobs.corrupt_store_adds == CorruptStoreAdds::succeed ? "succeed" : "fail");
  out += "packages:\n";
  for (const Package& package : catalog.packages) write_package(out, catalog, package);
  out += "targets:\n";
  for (const TargetSpec& target : scenario.targets) write_target(out, catalog, target);

  const Plan& plan = scenario.plan;
  out += "plan:\n";
  if (scenario.default_target) {
    out += "  target: " + quoted(scenario.targets[*scenario.default_target].name) + "\n";
  }
  if (!plan.tolerate.empty()) {
    std::string codes;
    for (const std::uint32_t code : plan.tolerate) {
      codes += (codes.empty() ? "\"" : ", \"") + hresult_text(code) + "\"";
    }
    out += "  tolerate: [" + codes + "]\n";
  }
  std::string steps;
  for (const PlanStep& step : plan.steps) steps += (steps.empty() ? "" : ", ") + quoted(step.text);
  out += "  steps: [" + steps + "]\n";
  // The lifecycle constraints are implicit (the loader adds them again): only the file's own.
  const auto implicit = lifecycle_constraints(plan);
  std::vector<std::pair<std::size_t, std::size_t>> own;
  for (const auto& pair : plan.before) {
    if (std::find(implicit.begin(), implicit.end(), pair) == implicit.end()) own.push_back(pair);
  }
  if (!own.empty()) {
    // Constraints are written by step text, as the format has them; a pair between repeated
    // texts therefore reads back as a constraint between every occurrence.
    std::set<std::pair<std::string, std::string>> pairs;
    std::string before;
    for (const auto& [first, second] : own) {
      if (!pairs.emplace(plan.steps[first].text, plan.steps[second].text).second) continue;
      before += fmt::format("{}[{}, {}]", before.empty() ? "" : ", ", quoted(plan.steps[first].text),
                            quoted(plan.steps[second].text));
    }
    out += "  before: [" + before + "]\n";
  }
  const std::string_view reboot = plan.reboot == RebootPolicy::after_3010 ? "after_3010"
                                  : plan.reboot == RebootPolicy::at_end   ? "at_end"
                                                                          : "never";
  if (plan.reboot_count_max != reboot_count_max_default) {
    out += fmt::format("  reboot_count_max: {}\n", plan.reboot_count_max);
  }
  out += fmt::format("  reboot: {}\n  on_error: {}\n  prevent_pending: {}\n", reboot,
                     plan.on_error == ErrorPolicy::stop ? "stop" : "continue",
                     bool_text(plan.prevent_pending));

  if (scenario.faults.max > 0 || scenario.faults.kinds != 0 || scenario.faults.devices != 0) {
    std::string kinds;
    const std::vector<DeviceProperty> properties = device_properties(catalog);
    for (std::size_t slot = 0; slot < properties.size(); ++slot) {
      if ((scenario.faults.devices >> slot & 1u) == 0) continue;
      kinds += (kinds.empty() ? "" : ", ") + device_property_text(catalog, properties[slot]);
    }
    for (int kind = 1; kind < fault_count; ++kind) {
      const auto fault = static_cast<Fault>(kind);
      if ((scenario.faults.kinds & fault_bit(fault)) == 0) continue;
      kinds += (kinds.empty() ? "" : ", ") + std::string(fault_name(fault));
    }
    out += fmt::format("faults: {{max: {}, kinds: [{}]}}\n", scenario.faults.max, kinds);
  }

  const Expectation& expect = scenario.expect;
  std::string expect_text;
  if (expect.documented_order) {
    expect_text += fmt::format("  documented_order: {}\n", outcome_class_name(*expect.documented_order));
  }
  const EndStateExpectation& end = expect.end_state;
  if (end.build || end.ubr || end.ssu_version || !end.packages.empty()) {
    expect_text += "  end_state: " + end_state(catalog, end) + "\n";
  }
  if (!expect.orders.empty()) {
    expect_text += "  orders:\n";
    for (const OrderExpectation& order : expect.orders) {
      std::string texts;
      for (const std::string& text : order.order) texts += (texts.empty() ? "" : ", ") + quoted(text);
      expect_text += "    - {order: [" + texts + "]";
      if (order.outcome_class) expect_text += fmt::format(", class: {}", outcome_class_name(*order.outcome_class));
      if (order.first_error) {
        expect_text += fmt::format(", first_error: \"{}\"", hresult_text(hresult(*order.first_error)));
      }
      expect_text += ", end_state: " + end_state(catalog, order.end_state) + "}\n";
    }
  }
  const ExploreExpectation& explore = expect.explore;
  const bool default_allow = explore.allow == ExploreExpectation{}.allow;
  if (!explore.empty() || !default_allow) {
    expect_text += "  explore:\n";
    if (explore.orders) expect_text += fmt::format("    orders: {}\n", *explore.orders);
    if (!explore.runs.empty()) {
      expect_text += "    runs:\n";
      for (const RunCountExpectation& run : explore.runs) expect_text += "      - " + run_counts(run) + "\n";
    }
    if (!default_allow) {
      std::string allow;
      for (OutcomeClass outcome_class : explore.allow) {
        allow += (allow.empty() ? "" : ", ") + std::string(outcome_class_name(outcome_class));
      }
      expect_text += "    allow: [" + allow + "]\n";
    }
  }
  if (!expect_text.empty()) out += "expect:\n" + expect_text;
  return out;
}

}  // namespace svcsim::scenario
