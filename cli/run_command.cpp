// `svcsim run`: parses the order and fault placements, runs the sequence through the simulator,
// checks the scenario's applicable expectations and prints the trace.
#include "run_command.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "svcsim/model/assert.hpp"
#include "svcsim/scenario/loader.hpp"
#include "svcsim/scenario/verdict.hpp"
#include "svcsim/simulator/check.hpp"
#include "svcsim/simulator/sequence.hpp"
#include "trace_output.hpp"

namespace svcsim::cli {
namespace {

/// The values CLI11 fills in for `svcsim run`.
struct RunOptions {
  std::string scenario_path;
  std::string order;
  std::vector<std::string> faults;
  std::string format = "text";
  const CLI::Option* order_option = nullptr;  // tells "--order ''" apart from no --order
};


void report_error(const std::string& message) { std::cerr << "svcsim: " << message << '\n'; }

CommandOutcome execute_run(const RunOptions& options) {
  // The step faults are checked before the file is read (their errors need no scenario); a
  // device property at step 0 names a package, so it is resolved once the catalog is loaded.
  for (const std::string& text : options.faults) {
    std::string why;
    const std::optional<simulator::FaultPlacement> placement =
        simulator::parse_fault_placement(text, &why);
    const bool device = !placement && text.find(':') != std::string::npos &&
                        text.find_first_not_of(" \t0") >= text.find(':');
    if (!placement && !device) {
      report_error(fmt::format("--fault '{}': {}", text, why));
      return CommandOutcome::bad_input;
    }
  }

  const auto loaded = scenario::load_scenario_file(options.scenario_path);
  if (!loaded) {
    // The loader's message already names file, line, column and key: print it as it is.
    std::cerr << loaded.error().to_string() << '\n';
    return CommandOutcome::bad_input;
  }
  std::vector<simulator::FaultPlacement> faults;
  for (const std::string& text : options.faults) {
    std::string why;
    const std::optional<simulator::FaultPlacement> placement =
        simulator::parse_fault_placement(text, &why, &loaded->catalog);
    if (!placement) {
      report_error(fmt::format("--fault '{}': {}", text, why));
      return CommandOutcome::bad_input;
    }
    faults.push_back(*placement);
  }
  const scenario::Scenario& scenario = loaded.value();

  const std::vector<model::PlanStep> documented = simulator::documented_order(scenario);
  std::vector<model::PlanStep> order = documented;
  if (options.order_option != nullptr && options.order_option->count() > 0) {
    std::string unknown;
    const auto parsed =
        simulator::parse_order(scenario, simulator::split_order_list(options.order), &unknown);
    if (!parsed) {
      report_error(fmt::format(
          "--order '{}': unknown step '{}' (expected a package id of the scenario, "
          "method1(ID), remove(ID), reboot, cleanup, cleanup(reset_base), revert_pending, mount, "
          "commit, discard or copy_winre(TARGET), prefixed TARGET: with several targets)",
          options.order, unknown));
      return CommandOutcome::bad_input;
    }
    order = *parsed;
  }
  const bool is_documented_order =
      simulator::step_texts(order) == simulator::step_texts(documented);

  RunReport report;
  report.scenario = &scenario;
  report.order = order;
  report.is_documented_order = is_documented_order;
  report.faults = faults;
  report.reproduce = simulator::reproduce_command(scenario, order, faults);
  // A model assertion from here on prints the command that reproduces it.
  set_assert_context(report.reproduce);

  const model::WorldState expected = simulator::expected_end_state(scenario);
  report.result = simulator::run_sequence(scenario, order, faults, expected);
  const scenario::RunFacts facts =
      simulator::run_facts(scenario, order, !faults.empty(), report.result);
  report.expectations = scenario::check_run(scenario, facts, report.expectations_note);

  if (options.format == "json") {
    write_json_trace(std::cout, report);
  } else {
    write_text_trace(std::cout, report);
  }
  std::cout.flush();
  set_assert_context({});

  if (report.result.violation) {
    report_error(fmt::format("invariant violated after step {}: {}", report.result.violation_step,
                             report.result.violation_text));
    std::cerr << "  reproduce: " << report.reproduce << '\n';
    return CommandOutcome::invariant_violated;
  }
  return scenario::all_ok(report.expectations) ? CommandOutcome::expectations_met
                                                : CommandOutcome::expectations_missed;
}

}  // namespace

Command register_run_command(CLI::App& app) {
  auto options = std::make_shared<RunOptions>();
  CLI::App* run = app.add_subcommand(
      "run", "Run one sequence of a scenario: trace every step, class the end state and check it "
             "against the scenario's expect block");
  run->footer(
      "Expectations checked: with no --order and no --fault, expect.documented_order and\n"
      "expect.end_state; with --order, every expect.orders entry naming exactly that order (and\n"
      "the documented expectations if it is the documented order); with --fault, none.\n"
      "Exit codes: 0 matches expect (or nothing applies), 1 mismatch, 2 bad scenario or\n"
      "arguments, 10 the model violated an invariant.");
  run->add_option("scenario", options->scenario_path, "Scenario YAML file")->required();
  options->order_option =
      run->add_option("--order", options->order,
                      "Steps to run, comma-separated (default: the plan's documented order); "
                      "reboots are inserted by the plan's policy")
          ->type_name("ID,ID,...");
  run->add_option("--fault", options->faults,
                  "Inject a fault at a step (1-based, counting inserted reboots); repeatable")
      ->type_name("STEP:KIND")
      ->allow_extra_args(false);
  run->add_option("--format", options->format, "Output format")
      ->type_name("text|json")
      ->check(CLI::IsMember({"text", "json"}));
  return {run, [options] { return execute_run(*options); }};
}

}  // namespace svcsim::cli
