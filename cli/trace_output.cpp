// Renders a `svcsim run` result as a readable trace or as JSON. Every word about servicing (the
// DISM command, the result code's name, the state changes) comes from the model; this file only
// lays it out.
#include "trace_output.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <ostream>
#include <sstream>
#include <string_view>

#include "svcsim/model/advice.hpp"
#include "svcsim/model/assert.hpp"
#include "svcsim/model/dism_text.hpp"
#include "text_escape.hpp"

namespace svcsim::cli {
namespace {

using Json = nlohmann::ordered_json;  // keys in insertion order: stable, readable documents

constexpr std::string_view detail_indent = "        ";  // lines under "step N  ..."

std::string code_text(model::ResultCode code) {
  return model::hresult_text(model::hresult(code));
}

std::string placement_text(const model::Catalog& catalog,
                           const simulator::FaultPlacement& placement) {
  return simulator::fault_placement_text(catalog, placement);
}

std::vector<std::string> flag_names(const model::TargetFlags& flags) {
  std::vector<std::string> names;
  for (int flag = 0; flag < model::target_flag_count; ++flag) {
    const auto target_flag = static_cast<model::TargetFlag>(flag);
    if (flags.has(target_flag)) names.emplace_back(model::target_flag_name(target_flag));
  }
  return names;
}

std::vector<std::string> advice_texts(model::AdviceSet advice) {
  std::vector<std::string> texts;
  // AdviceSet is a bit set over Advice; walk its bits in order so the output is stable.
  for (int bit = 0; bit < model::advice_count; ++bit) {
    const auto mask = static_cast<model::AdviceSet>(1u << static_cast<unsigned>(bit));
    if ((advice & mask) != 0) {
      texts.emplace_back(model::advice_text(static_cast<model::Advice>(mask)));
    }
  }
  return texts;
}

/// What the trace says about how an outcome came about (model::OutcomeNote) and which fault
/// struck, one phrase each.
std::vector<std::string> outcome_notes(const model::ServicingContext& context,
                                       const simulator::StepRecord& step) {
  const model::Outcome& outcome = step.outcome;
  std::vector<std::string> notes;
  if (outcome.fault != model::Fault::none) {
    notes.push_back(fmt::format("fault struck: {}", model::fault_name(outcome.fault)));
  }
  if (outcome.has_note(model::OutcomeNote::bundled_ssu_installed)) {
    notes.push_back(fmt::format("bundled SSU installed: servicing stack {} -> {} (permanent)",
                                step.before.ssu_version, outcome.state.ssu_version));
  }
  if (outcome.has_note(model::OutcomeNote::skipped_prevent_pending)) {
    notes.push_back("skipped by /PreventPending (operations pending, or the package has online "
                    "actions): nothing was installed, yet /Get-Packages shows it Installed until "
                    "the next boot (KB2749510)");
  }
  if (outcome.has_note(model::OutcomeNote::older_checkpoint)) {
    notes.push_back("an older checkpoint re-added: installed with no UBR change, its record "
                    "superseded");
  }
  if (outcome.has_note(model::OutcomeNote::defect_struck) &&
      step.step.operation.kind == model::OperationKind::reboot) {
    // §4.3 v2: DISM and the reboot see nothing; Windows Update's history has the code.
    const model::PackageMask installing = step.before.packages.in_state(model::CbsState::install_pending);
    for (std::size_t slot = 0; slot < context.catalog->size(); ++slot) {
      const auto index = static_cast<model::PackageIndex>(slot);
      const model::Package& package = context.package(index);
      if ((installing & model::package_bit(index)) == 0 || !package.defect ||
          package.defect->at != model::DefectAt::commit ||
          !context.has_defect(step.before.device, index)) {
        continue;
      }
      notes.push_back(fmt::format("the device's defect of {} struck at commit: Windows Update's "
                                  "history shows {} for it",
                                  package.id, code_text(package.defect->code)));
    }
  } else if (outcome.has_note(model::OutcomeNote::defect_struck)) {
    notes.push_back("the device's defect of this package struck");
  }
  if (outcome.has_note(model::OutcomeNote::reboot_not_run)) {
    notes.push_back("not run: reboot_count_max reached, a reboot loop (the run ends stuck)");
  }
  if (outcome.has_note(model::OutcomeNote::nothing_to_do)) {
    notes.push_back("nothing to do");
  }
  if (outcome.has_note(model::OutcomeNote::commit_retried)) {
    notes.push_back("re-ran the interrupted pending.xml");
  }
  if (outcome.has_note(model::OutcomeNote::session_rolled_back)) {
    notes.push_back("the boot rolled the pending session back; the reboot itself looks fine");
  }
  if (outcome.has_note(model::OutcomeNote::process_killed)) {
    notes.push_back("process killed: DISM produced no exit code");
  }
  if (step.tolerated) notes.push_back("tolerated: the plan counts this code as success");
  return notes;
}

/// "reboot (inserted after exit 3010)": why the runner put a reboot there (it says so).
std::string step_title(const RunReport& report, std::size_t index) {
  const simulator::StepRecord& step = report.result.steps[index];
  std::string title = step.text;
  if (!step.plan_step.has_value() && report.scenario->targets.size() > 1) {
    title = report.scenario->targets[step.step.target].name + ":" + title;
  }
  switch (step.reason) {
    case simulator::StepReason::plan_step: return title;
    case simulator::StepReason::after_3010: return title + " (inserted after exit 3010)";
    case simulator::StepReason::at_end: return title + " (inserted at end: operations pending)";
  }
  return title;
}

std::string exit_code_text(const std::optional<std::int32_t>& exit_code) {
  return exit_code ? fmt::format("exit {}", *exit_code) : "no exit code (process killed)";
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
  std::string text;
  for (const std::string& item : items) {
    if (!text.empty()) text += separator;
    text += item;
  }
  return text;
}

std::string order_texts(const std::vector<model::PlanStep>& order) {
  std::vector<std::string> texts;
  for (const model::PlanStep& step : order) texts.push_back(step.text);
  return texts.empty() ? std::string("(no steps)") : join(texts, ", ");
}

/// A multi-line value (a long `source:`) keeps its continuation lines under the value column.
std::string indented(std::string_view text, std::string_view indent) {
  std::string result;
  for (char character : text) {
    result += character;
    if (character == '\n') result += indent;
  }
  return result;
}

void write_step(std::ostream& out, const RunReport& report, const model::World& world,
                std::size_t index) {
  const simulator::StepRecord& step = report.result.steps[index];
  const model::ServicingContext& context = world.context(step.step.target);
  const model::Outcome& outcome = step.outcome;
  out << fmt::format("{:<7} {}\n", fmt::format("step {}", step.number), step_title(report, index));
  out << detail_indent << model::dism_command_line(context, step.step.operation) << '\n';
  out << detail_indent
      << fmt::format("result  {} {}, {}\n", code_text(outcome.code),
                     model::result_name(outcome.code),
                     exit_code_text(model::dism_exit_code(context, outcome)));
  for (const std::string& note : outcome_notes(context, step)) {
    out << detail_indent << "note    " << note << '\n';
  }
  for (const simulator::FaultPlacement& placement : report.result.faults_not_struck) {
    if (!placement.is_device() && placement.step == step.number) {
      out << detail_indent << "note    fault not struck: " << model::fault_name(placement.fault)
          << " (nothing it can strike at this step)\n";
    }
  }
  const std::vector<std::string> changes =
      model::describe_changes(context, step.before, outcome.state);
  if (changes.empty()) out << detail_indent << "no change\n";
  for (const std::string& change : changes) out << detail_indent << change << '\n';
  for (const std::string& warning : advice_texts(step.advice)) {
    out << detail_indent << "warning " << warning << '\n';
  }
  if (report.result.violation && report.result.violation_step == step.number) {
    out << detail_indent << "INVARIANT VIOLATED: " << report.result.violation_text << '\n';
  }
}

/// The device's properties and the regressions active, for the end-state header ("" if none).
std::string device_text(const scenario::Scenario& scenario, const model::TargetState& end) {
  const std::vector<model::DeviceProperty> properties = model::device_properties(scenario.catalog);
  std::vector<std::string> has;
  std::vector<std::string> active;
  for (std::size_t slot = 0; slot < properties.size(); ++slot) {
    const std::string text = model::device_property_text(scenario.catalog, properties[slot]);
    if ((end.device >> slot & 1u) != 0) has.push_back(text);
    if ((end.regressions >> slot & 1u) != 0) {
      const std::string& symptom =
          scenario.catalog[properties[slot].package].regression->symptom;
      active.push_back(text + (symptom.empty() ? "" : ": " + symptom));
    }
  }
  std::string text;
  if (!has.empty()) text += ", device: " + join(has, ", ");
  if (!active.empty()) text += ", regressed: " + join(active, "; ");
  return text;
}

void write_end_state(std::ostream& out, const scenario::Scenario& scenario,
                     const model::TargetState& end, model::PackageMask shown_installed) {
  const std::vector<std::string> flags = flag_names(end.flags);
  out << fmt::format("end state: build {}.{}, SSU {}, flags: {}{}\n", end.build, end.ubr,
                     end.ssu_version, flags.empty() ? std::string("none") : join(flags, ", "),
                     device_text(scenario, end));
  std::size_t id_width = 0;
  for (const model::Package& package : scenario.catalog.packages) {
    id_width = std::max(id_width, package.id.size());
  }
  for (std::size_t slot = 0; slot < scenario.catalog.size(); ++slot) {
    const auto index = static_cast<model::PackageIndex>(slot);
    // KB2749510: /Get-Packages shows a package /PreventPending skipped as Installed.
    const bool shown = (shown_installed & model::package_bit(index)) != 0;
    out << fmt::format("  {:<{}}  {}{}\n", scenario.catalog[index].id, id_width,
                       model::cbs_state_name(end.packages.get(index)),
                       shown ? " (/Get-Packages shows Installed: skipped by /PreventPending, "
                               "KB2749510)"
                             : "");
  }
}

void write_outcome(std::ostream& out, const RunReport& report) {
  const simulator::RunResult& result = report.result;
  if (result.violation) {
    out << fmt::format("outcome:   not classed: invariant violated after step {}: {}\n",
                       result.violation_step, result.violation_text);
    return;
  }
  std::string line{model::outcome_class_name(result.outcome_class)};
  if (result.first_error) {
    const auto failing = std::find_if(result.steps.begin(), result.steps.end(),
                                      [&result](const simulator::StepRecord& step) {
                                        return step.outcome.code == *result.first_error;
                                      });
    SVCSIM_ASSERT(failing != result.steps.end());
    line += fmt::format(", first error {} {} at step {}", code_text(*result.first_error),
                        model::result_name(*result.first_error), failing->number);
  }
  if (result.stopped_early) line += "; on_error: stop ended the sequence early";
  out << "outcome:   " << line << '\n';
}

/// "classes:   allowed success, clean_failure; fail on false_success, drift, stuck: FAIL (...)".
void write_class_verdict(std::ostream& out, const RunReport& report) {
  if (report.result.violation) return;
  const model::OutcomeClass outcome_class = report.result.outcome_class;
  std::string line = fmt::format("allowed {}; fail on {}{}", class_list_text(allowed_classes(report.fail_on)),
                                 class_list_text(report.fail_on.classes),
                                 report.fail_on.from_option ? " (--fail-on)" : "");
  if (fails_on(report.fail_on, outcome_class)) {
    line += fmt::format(": FAIL, this run ends {}", model::outcome_class_name(outcome_class));
  }
  out << "classes:   " << line << '\n';
}

void write_expectations(std::ostream& out, const RunReport& report) {
  if (report.expectations.empty()) {
    out << "expect:    " << report.expectations_note << '\n';
    return;
  }
  std::string_view label = "expect:    ";
  for (const ExpectationCheck& check : report.expectations) {
    if (check.ok) {
      out << fmt::format("{}{} {}: ok\n", label, check.what, check.expected);
    } else {
      out << fmt::format("{}{} {}: MISMATCH, actual {}\n", label, check.what, check.expected,
                         check.actual);
    }
    label = "           ";
  }
}

Json end_state_json(const scenario::Scenario& scenario, const model::TargetState& end,
                    model::PackageMask shown_installed) {
  Json packages = Json::object();
  Json shown = Json::array();
  for (std::size_t slot = 0; slot < scenario.catalog.size(); ++slot) {
    const auto index = static_cast<model::PackageIndex>(slot);
    packages[scenario.catalog[index].id] = model::cbs_state_name(end.packages.get(index));
    if ((shown_installed & model::package_bit(index)) != 0) shown.push_back(scenario.catalog[index].id);
  }
  Json regressed = Json::array();
  const std::vector<model::DeviceProperty> properties = model::device_properties(scenario.catalog);
  for (std::size_t slot = 0; slot < properties.size(); ++slot) {
    if ((end.regressions >> slot & 1u) != 0) {
      regressed.push_back(scenario.catalog[properties[slot].package].id);
    }
  }
  return Json{{"build", end.build},
              {"ubr", end.ubr},
              {"ssu_version", end.ssu_version},
              {"flags", flag_names(end.flags)},
              {"packages", packages},
              {"shown_installed", shown},
              {"regressed", regressed}};
}

Json class_names(const std::vector<model::OutcomeClass>& classes) {
  Json names = Json::array();
  for (const model::OutcomeClass outcome_class : classes) {
    names.push_back(model::outcome_class_name(outcome_class));
  }
  return names;
}

Json placements_json(const model::Catalog& catalog,
                     const std::vector<simulator::FaultPlacement>& placements) {
  Json list = Json::array();
  for (const simulator::FaultPlacement& placement : placements) {
    list.push_back(Json{{"step", placement.step},
                        {"kind", placement.is_device()
                                     ? model::device_property_text(catalog, placement.device)
                                     : std::string(model::fault_name(placement.fault))}});
  }
  return list;
}

Json step_json(const model::World& world, const simulator::StepRecord& step) {
  const model::ServicingContext& context = world.context(step.step.target);
  const model::Outcome& outcome = step.outcome;
  const auto exit_code = model::dism_exit_code(context, outcome);
  Json json;
  json["number"] = step.number;
  json["text"] = step.text;
  json["target"] = world.target(step.step.target).name;
  json["inserted"] = !step.plan_step.has_value();
  json["reason"] = simulator::step_reason_name(step.reason);
  json["command"] = model::dism_command_line(context, step.step.operation);
  json["code"] = code_text(outcome.code);
  json["code_name"] = model::result_name(outcome.code);
  json["exit_code"] = exit_code ? Json(*exit_code) : Json(nullptr);
  json["fault"] =
      outcome.fault != model::Fault::none ? Json(model::fault_name(outcome.fault)) : Json(nullptr);
  json["notes"] = outcome_notes(context, step);
  json["changes"] = model::describe_changes(context, step.before, outcome.state);
  json["tolerated"] = step.tolerated;
  json["console"] = model::dism_console_text(context, step.before, step.step.operation, outcome);
  json["warnings"] = advice_texts(step.advice);
  return json;
}

}  // namespace

void write_text_trace(std::ostream& stream, const RunReport& report) {
  SVCSIM_ASSERT(report.scenario != nullptr);
  // Written whole, then escaped once: no value can break its line or reach the terminal raw.
  std::ostringstream out;
  const scenario::Scenario& scenario = *report.scenario;
  const model::World world = scenario::make_world(scenario);
  const simulator::RunResult& result = report.result;

  out << "scenario: " << scenario.name << '\n';
  out << "source:   " << indented(scenario.source, "          ") << '\n';
  for (std::size_t index = 0; index < world.target_count(); ++index) {
    const model::WorldTarget& target = world.target(static_cast<model::TargetIndex>(index));
    if (target.context.target_kind == model::TargetKind::media) {
      out << fmt::format("target:   {} (media: the installation media's sources folder)\n",
                         target.name);
      continue;
    }
    out << fmt::format("target:   {} ({}), build {}.{}, SSU {}\n", target.name,
                       model::target_kind_name(target.context.target_kind), target.start.build,
                       target.start.ubr, target.start.ssu_version);
  }
  out << "order:    " << order_texts(report.order)
      << (report.is_documented_order ? " (documented order)" : "") << '\n';
  std::vector<std::string> placements;
  for (const simulator::FaultPlacement& placement : report.faults) {
    placements.push_back(placement_text(scenario.catalog, placement));
  }
  out << "faults:   " << (placements.empty() ? std::string("none") : join(placements, ", "))
      << "\n\n";

  for (std::size_t index = 0; index < result.steps.size(); ++index) {
    write_step(out, report, world, index);
  }
  if (!result.steps.empty()) out << '\n';

  for (std::size_t index = 0; index < world.target_count(); ++index) {
    if (world.target_count() > 1) {
      const std::string target_class =
          index < result.target_classes.size()
              ? std::string(model::outcome_class_name(result.target_classes[index]))
              : std::string("not classed");
      out << fmt::format("target {}: {}\n", world.target(static_cast<model::TargetIndex>(index)).name,
                         target_class);
    }
    write_end_state(out, scenario, result.end.targets[index],
                    index < result.shown_installed.size() ? result.shown_installed[index] : 0);
  }
  const std::vector<std::string> warnings = advice_texts(result.advice);
  out << "warnings:  " << (warnings.empty() ? std::string("none") : join(warnings, "; ")) << '\n';
  std::vector<std::string> unstruck;
  for (const simulator::FaultPlacement& placement : result.faults_not_struck) {
    unstruck.push_back(placement_text(scenario.catalog, placement));
  }
  if (!unstruck.empty()) {
    out << "unstruck:  " << join(unstruck, ", ")
        << " (a fault strikes only where its operation really executes)\n";
  }
  write_outcome(out, report);
  write_class_verdict(out, report);
  write_expectations(out, report);
  // The path comes from the command line and may hold anything, a line feed included.
  out << "reproduce: " << visible(report.reproduce) << '\n';
  stream << visible_lines(out.str());
}

void write_json_trace(std::ostream& out, const RunReport& report) {
  SVCSIM_ASSERT(report.scenario != nullptr);
  const scenario::Scenario& scenario = *report.scenario;
  const model::World world = scenario::make_world(scenario);
  const std::size_t main = scenario::main_target(scenario);
  const model::TargetSpec& target = scenario.targets[main];
  const simulator::RunResult& result = report.result;

  Json document;
  document["scenario"] = scenario.name;
  document["source"] = scenario.source;
  document["file"] = scenario.path;
  document["target"] = Json{{"name", target.name}, {"kind", model::target_kind_name(target.kind)}};
  Json order = Json::array();
  for (const model::PlanStep& step : report.order) order.push_back(step.text);
  document["order"] = order;
  document["faults"] = placements_json(scenario.catalog, report.faults);
  Json steps = Json::array();
  for (const simulator::StepRecord& step : result.steps) steps.push_back(step_json(world, step));
  document["steps"] = steps;
  const auto shown_in = [&result](std::size_t index) {
    return index < result.shown_installed.size() ? result.shown_installed[index]
                                                 : model::PackageMask{0};
  };
  document["end_state"] = end_state_json(scenario, result.end.targets[main], shown_in(main));
  Json targets = Json::array();
  for (std::size_t index = 0; index < scenario.targets.size(); ++index) {
    targets.push_back(Json{
        {"name", scenario.targets[index].name},
        {"kind", model::target_kind_name(scenario.targets[index].kind)},
        {"class", index < result.target_classes.size()
                      ? Json(model::outcome_class_name(result.target_classes[index]))
                      : Json(nullptr)},
        {"end_state", end_state_json(scenario, result.end.targets[index], shown_in(index))}});
  }
  document["targets"] = targets;
  // A state that broke an invariant is not classed (see simulator::run_sequence).
  document["class"] = result.violation ? Json(nullptr)
                                       : Json(model::outcome_class_name(result.outcome_class));
  document["first_error"] =
      result.first_error ? Json(code_text(*result.first_error)) : Json(nullptr);
  document["faults_not_struck"] = placements_json(scenario.catalog, result.faults_not_struck);
  Json expectations = Json::array();
  for (const ExpectationCheck& check : report.expectations) {
    expectations.push_back(Json{{"what", check.what},
                                {"expected", check.expected},
                                {"actual", check.actual},
                                {"ok", check.ok}});
  }
  document["expectations"] = expectations;
  document["invariant_violation"] =
      result.violation
          ? Json{{"step", result.violation_step}, {"text", result.violation_text}}
          : Json(nullptr);
  document["fail_on"] = class_names(report.fail_on.classes);
  document["fails"] = !result.violation && fails_on(report.fail_on, result.outcome_class);
  document["reproduce"] = report.reproduce;
  out << json_text(document) << '\n';
}

}  // namespace svcsim::cli
