// `svcsim replay`: reads the scenario, the order and the target file, prints the plan (and
// writes it as a PowerShell script), and with --execute runs it through adapter/replay.hpp and
// prints the report. Every rule and every command comes from model/ and adapter/.
#include "replay_command.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <atomic>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "svcsim/adapter/atomic_file.hpp"
#include "svcsim/adapter/replay.hpp"
#include "svcsim/adapter/target_file.hpp"
#include "svcsim/adapter/transport.hpp"
#include "svcsim/model/text.hpp"
#include "svcsim/scenario/loader.hpp"
#include "svcsim/simulator/sequence.hpp"
#include "text_escape.hpp"

namespace svcsim::cli {
namespace {

using nlohmann::ordered_json;

struct ReplayOptions {
  std::string scenario_path;
  std::string target_path;
  std::string order;
  bool execute = false;
  bool resume = false;
  std::string journal;
  std::string script;
  std::string format = "text";
  const CLI::Option* order_option = nullptr;
};

std::atomic<bool> interrupt_requested{false};

extern "C" void request_interrupt(int) { interrupt_requested.store(true); }

void report_error(const std::string& message) { std::cerr << "svcsim: " << visible(message) << '\n'; }

std::string view_text(const adapter::StepView& view) {
  std::string text = view.result;
  if (view.result != "restart") {
    text += "; exit " + (view.rc ? std::to_string(*view.rc) : std::string("none"));
    if (view.rc_low_byte_only) text += " (low 8 bits)";
  }
  if (!view.read_back) return text + "; no read-back (image not mounted)";
  std::string packages;
  for (const auto& [id, state] : view.packages) {
    packages += (packages.empty() ? "" : ", ") + id + " " + state;
  }
  return text + "; " + (packages.empty() ? "no catalog package" : packages) + "; UBR " +
         (view.ubr ? std::to_string(*view.ubr) : std::string("unknown"));
}

ordered_json view_json(const adapter::StepView& view) {
  ordered_json packages = ordered_json::object();
  for (const auto& [id, state] : view.packages) packages[id] = state;
  ordered_json json = {{"result", view.result},
                       {"rc", view.rc ? ordered_json(*view.rc) : ordered_json(nullptr)},
                       {"reboot_required", view.reboot_required}};
  if (view.rc_low_byte_only) json["rc_low_byte_only"] = true;
  if (view.read_back) {
    json["packages"] = packages;
    json["ubr"] = view.ubr ? ordered_json(*view.ubr) : ordered_json(nullptr);
  }
  return json;
}

ordered_json step_json(const adapter::ReplayStep& step) {
  ordered_json json = {{"number", step.number},
                       {"text", step.text},
                       {"reason", step.reason},
                       {"command", adapter::command_text(step.command, model::Shell::cmd)}};
  json["read_back"] = step.read_back.empty()
                          ? ordered_json(nullptr)
                          : ordered_json(adapter::command_text(step.read_back, model::Shell::cmd));
  json["predicted"] = view_json(step.predicted);
  return json;
}

void write_plan_text(std::ostream& out, const adapter::ReplayPlan& plan, const std::string& transport) {
  out << visible(fmt::format("replay plan: {}, target '{}' ({}), order {}", plan.scenario_path,
                             plan.target_name, transport, fmt::join(plan.order, ",")))
      << "\n";
  out << "predicted class: " << model::outcome_class_name(plan.predicted_class) << "\n";
  for (const adapter::ReplayStep& step : plan.steps) {
    out << visible(fmt::format("step {}  {}  ({})", step.number, step.text, step.reason)) << "\n";
    out << "  " << visible(adapter::command_text(step.command, model::Shell::cmd)) << "\n";
    if (!step.read_back.empty()) {
      out << "  " << visible(adapter::command_text(step.read_back, model::Shell::cmd)) << "\n";
    }
    out << "  predicted: " << visible(view_text(step.predicted)) << "\n";
  }
}

ordered_json report_json(const adapter::ReplayPlan& plan, const adapter::ReplayReport* report,
                         const std::string& transport) {
  ordered_json steps = ordered_json::array();
  for (std::size_t index = 0; index < plan.steps.size(); ++index) {
    ordered_json json = step_json(plan.steps[index]);
    if (report != nullptr) {
      const adapter::StepReport& step = report->steps[index];
      if (step.observed) {
        ordered_json observed = view_json(step.observed->view);
        observed["stdout"] = step.observed->stdout_text;
        observed["stderr"] = step.observed->stderr_text;
        observed["notes"] = step.observed->notes;
        json["observed"] = observed;
        json["confirmed"] = step.mismatches.empty();
        json["mismatches"] = step.mismatches;
        json["from_journal"] = step.from_journal;
      } else {
        json["observed"] = nullptr;
        json["confirmed"] = nullptr;
      }
    }
    steps.push_back(json);
  }
  ordered_json document = {{"scenario", plan.scenario_path},
                           {"target", plan.target_name},
                           {"transport", transport},
                           {"order", plan.order},
                           {"predicted_class", model::outcome_class_name(plan.predicted_class)},
                           {"executed", report != nullptr}};
  if (report != nullptr) {
    document["result"] = adapter::replay_status_name(report->status);
    // The machine's run has the predicted class when every step did what the model predicted.
    document["class"] = report->status == adapter::ReplayStatus::confirmed
                            ? ordered_json(model::outcome_class_name(plan.predicted_class))
                            : ordered_json(nullptr);
    document["why"] = report->why;
    ordered_json findings = ordered_json::array();
    for (const adapter::KnobFinding& finding : report->findings) {
      findings.push_back({{"knob", finding.knob}, {"value", finding.value}, {"scenario_value", finding.scenario_value}});
    }
    document["findings"] = findings;
    document["journal"] = report->journal_path;
    document["from_journal"] = report->from_journal;
  }
  document["steps"] = steps;
  return document;
}

void write_report_text(std::ostream& out, const adapter::ReplayPlan& plan,
                       const adapter::ReplayReport& report) {
  out << visible(fmt::format("replay: {}, target '{}' ({}), order {}", plan.scenario_path,
                             plan.target_name, report.transport, fmt::join(plan.order, ",")))
      << "\n";
  int run = 0;
  int differing = 0;
  for (const adapter::StepReport& step : report.steps) {
    const adapter::ReplayStep& planned = *step.step;
    if (!step.observed) {
      out << visible(fmt::format("step {}  {}: not run", planned.number, planned.text)) << "\n";
      continue;
    }
    ++run;
    differing += step.mismatches.empty() ? 0 : 1;
    out << visible(fmt::format("step {}  {}: {}{}", planned.number, planned.text,
                               step.mismatches.empty() ? "confirmed" : "MISMATCH",
                               step.from_journal ? " (from the journal)" : ""))
        << "\n";
    out << "  " << visible(adapter::command_text(planned.command, model::Shell::cmd)) << "\n";
    out << "  predicted: " << visible(view_text(planned.predicted)) << "\n";
    out << "  observed:  " << visible(view_text(step.observed->view)) << "\n";
    for (const std::string& mismatch : step.mismatches) out << "  - " << visible(mismatch) << "\n";
  }
  for (const adapter::KnobFinding& finding : report.findings) {
    out << visible(fmt::format("finding: with knob {}: {} (the scenario says {}) the model predicts "
                               "every observed step",
                               finding.knob, finding.value, finding.scenario_value))
        << "\n";
  }
  out << "predicted class: " << model::outcome_class_name(plan.predicted_class) << "\n";
  switch (report.status) {
    case adapter::ReplayStatus::confirmed:
      out << fmt::format("result: confirmed ({} steps); the machine's run is {}\n", run,
                         model::outcome_class_name(plan.predicted_class));
      break;
    case adapter::ReplayStatus::mismatch:
      out << fmt::format("result: mismatch ({} of {} steps differ)\n", differing, run);
      break;
    case adapter::ReplayStatus::unreachable:
    case adapter::ReplayStatus::interrupted:
      out << visible(fmt::format("result: {}: {}; {} of {} steps done{}", adapter::replay_status_name(report.status),
                                 report.why, run, plan.steps.size(),
                                 differing > 0 ? fmt::format(", {} differ", differing) : ""))
          << "\n";
      if (std::filesystem::exists(report.journal_path)) {
        out << visible(fmt::format("the finished steps are in {}; continue with --resume",
                                   report.journal_path))
            << "\n";
      } else {
        out << "nothing was run and no journal was written: run the replay again\n";
      }
      break;
  }
}

void write_report_junit(std::ostream& out, const adapter::ReplayPlan& plan,
                        const adapter::ReplayReport& report) {
  int failures = 0;
  int errors = 0;
  int skipped = 0;
  std::ostringstream cases;
  const std::string suite = "replay." + std::filesystem::path(plan.scenario_path).stem().string();
  for (const adapter::StepReport& step : report.steps) {
    const adapter::ReplayStep& planned = *step.step;
    cases << "    <testcase classname=\"" << xml_attribute(suite) << "\" name=\""
          << xml_attribute(fmt::format("step {}: {}", planned.number, planned.text)) << "\">\n";
    if (!step.observed) {
      const bool is_failed_step = report.status == adapter::ReplayStatus::unreachable &&
                                  (&step == &report.steps.front() || (&step - 1)->observed);
      if (is_failed_step) {
        ++errors;
        cases << "      <error message=\"" << xml_attribute(report.why) << "\"/>\n";
      } else {
        ++skipped;
        cases << "      <skipped message=\"not run\"/>\n";
      }
    } else if (!step.mismatches.empty()) {
      ++failures;
      std::string body;
      for (const std::string& mismatch : step.mismatches) body += mismatch + "\n";
      cases << "      <failure message=\"" << xml_attribute(step.mismatches.front()) << "\">"
            << xml_text(body) << "</failure>\n";
    }
    cases << "      <system-out>" << xml_text(step.observed ? step.observed->stdout_text : "")
          << "</system-out>\n    </testcase>\n";
  }
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n  <testsuite name=\""
      << xml_attribute(suite) << "\" tests=\"" << report.steps.size() << "\" failures=\"" << failures
      << "\" errors=\"" << errors << "\" skipped=\"" << skipped << "\">\n"
      << cases.str() << "  </testsuite>\n</testsuites>\n";
}

CommandOutcome execute_replay_command(const ReplayOptions& options) {
  const auto loaded = scenario::load_scenario_file(options.scenario_path);
  if (!loaded) {
    std::cerr << visible(loaded.error().to_string()) << '\n';
    return CommandOutcome::bad_input;
  }
  const scenario::Scenario& scenario = loaded.value();
  std::vector<model::PlanStep> order = simulator::documented_order(scenario);
  if (options.order_option != nullptr && options.order_option->count() > 0) {
    std::string unknown;
    const auto texts = simulator::split_order_list(options.order);
    const auto parsed = simulator::parse_order(scenario, texts, &unknown);
    if (texts.empty() || !parsed) {
      report_error(texts.empty() ? "--order is empty"
                                 : "--order: unknown step " + model::detail::quote(unknown));
      return CommandOutcome::bad_input;
    }
    order = *parsed;
  }
  const auto target = adapter::load_target_file(options.target_path);
  if (!target) {
    std::cerr << visible(target.error().to_string()) << '\n';
    return CommandOutcome::bad_input;
  }
  const auto plan = adapter::make_replay_plan(scenario, order, target.value());
  if (!plan) {
    report_error(options.scenario_path + ": " + plan.error());
    return CommandOutcome::bad_input;
  }
  const std::unique_ptr<adapter::Transport> transport = adapter::make_transport(target.value());
  if (!options.script.empty()) {
    adapter::write_file_atomically(options.script, adapter::powershell_script(plan.value()));
  }
  if (!options.execute && !options.resume) {
    if (options.format == "json") {
      std::cout << json_text(report_json(plan.value(), nullptr, transport->describe())) << "\n";
    } else {
      write_plan_text(std::cout, plan.value(), transport->describe());
      std::cout << "nothing was run: --execute replays this plan on the machine\n";
    }
    return CommandOutcome::expectations_met;
  }

  adapter::ReplayOptions replay;
  replay.journal_path = options.journal.empty()
                            ? fmt::format("svcsim-replay-{}-{}.journal",
                                          std::filesystem::path(options.scenario_path).stem().string(),
                                          plan->target_name)
                            : options.journal;
  replay.resume = options.resume;
  replay.interrupt = &interrupt_requested;
  // Ctrl-C and a polite kill let the step under way finish and be journaled (its DISM process
  // runs in its own process group, so the terminal's signal does not reach it).
  struct sigaction action {};
  action.sa_handler = request_interrupt;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  const adapter::ReplayReport report =
      adapter::execute_replay(scenario, order, plan.value(), target.value(), *transport, replay);
  if (options.format == "json") {
    std::cout << json_text(report_json(plan.value(), &report, report.transport)) << "\n";
  } else if (options.format == "junit") {
    write_report_junit(std::cout, plan.value(), report);
  } else {
    write_report_text(std::cout, plan.value(), report);
  }
  std::cout.flush();
  switch (report.status) {
    case adapter::ReplayStatus::confirmed: return CommandOutcome::expectations_met;
    case adapter::ReplayStatus::mismatch: return CommandOutcome::replay_mismatch;
    case adapter::ReplayStatus::unreachable: return CommandOutcome::unreachable;
    case adapter::ReplayStatus::interrupted: return CommandOutcome::interrupted;
  }
  return CommandOutcome::bad_input;
}

}  // namespace

Command register_replay_command(CLI::App& app) {
  auto options = std::make_shared<ReplayOptions>();
  CLI::App* replay = app.add_subcommand(
      "replay", "Print the DISM commands of a sequence, and with --execute run them on a machine "
                "(ssh or local, e.g. the emulator) and compare each step with the model");
  replay->footer(
      "Nothing runs without --execute (or --resume). Exit codes: 0 every step confirmed (or the\n"
      "plan was printed); 2 bad scenario, target file, order or journal; 4 a step did not do\n"
      "what the model predicted (the report lists each mismatch and any knob that explains it);\n"
      "5 the machine could not be reached or restored; 6 interrupted: --resume continues from\n"
      "the journal without repeating a finished step.");
  replay->add_option("scenario", options->scenario_path, "Scenario YAML file")->required();
  replay->add_option("--target", options->target_path, "Target file (YAML): transport, paths, hooks")
      ->required()
      ->type_name("TARGET.yaml");
  options->order_option =
      replay->add_option("--order", options->order,
                         "Steps to replay, comma-separated (default: the documented order; a "
                         "witness's --order from explore works as printed)")
          ->type_name("ID,ID,...");
  replay->add_flag("--execute", options->execute, "Run the plan on the machine");
  replay->add_flag("--resume", options->resume,
                   "Continue an interrupted replay from its journal (implies --execute)");
  replay->add_option("--journal", options->journal,
                     "Journal file (default: svcsim-replay-SCENARIO-TARGET.journal here)")
      ->type_name("FILE");
  replay->add_option("--script", options->script, "Also write the plan as a PowerShell script")
      ->type_name("FILE.ps1");
  replay->add_option("--format", options->format, "Output format")
      ->type_name("text|json|junit")
      ->check(CLI::IsMember({"text", "json", "junit"}));
  return {replay, [options] { return execute_replay_command(*options); }};
}

}  // namespace svcsim::cli
