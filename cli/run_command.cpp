// `svcsim run`: parses the order and fault placements, runs the sequence through the simulator,
// checks the scenario's applicable expectations and prints the trace.
#include "run_command.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fail_on.hpp"
#include "svcsim/model/assert.hpp"
#include "svcsim/model/text.hpp"
#include "svcsim/scenario/loader.hpp"
#include "svcsim/scenario/verdict.hpp"
#include "svcsim/simulator/check.hpp"
#include "svcsim/simulator/sequence.hpp"
#include "text_escape.hpp"
#include "trace_output.hpp"

namespace svcsim::cli {
namespace {

/// The values CLI11 fills in for `svcsim run`.
struct RunOptions {
  std::string scenario_path;
  std::string order;
  std::vector<std::string> faults;
  std::string format = "text";
  std::string fail_on;
  const CLI::Option* order_option = nullptr;  // tells "--order ''" apart from no --order
  const CLI::Option* fail_on_option = nullptr;
};


void report_error(const std::string& message) { std::cerr << "svcsim: " << message << '\n'; }

/// "'3:disk_full'": a --fault value as messages quote it.
std::string placement_quoted(const model::Catalog& catalog,
                             const simulator::FaultPlacement& placement) {
  return "'" + simulator::fault_placement_text(catalog, placement) + "'";
}

/// The faults that could strike at `record` (they are the sites of its fault-free outcome, which
/// is its outcome whenever the fault placed there did not strike).
std::string strikable_faults(const simulator::StepRecord& record) {
  std::string kinds;
  for (int fault = 1; fault < model::fault_count; ++fault) {
    const auto kind = static_cast<model::Fault>(fault);
    if ((record.outcome.fault_sites & model::fault_bit(kind)) == 0) continue;
    kinds += (kinds.empty() ? "" : ", ") + std::string(model::fault_name(kind));
  }
  return kinds.empty() ? "no fault can strike there" : "faults that can strike there: " + kinds;
}

/// Why a placed fault did not strike, as the one line of an exit-2 error: the run never reached
/// its step, or its step cannot take that fault. A fault that cannot strike is a mistake in the
/// command line, not a run to report.
std::string unstruck_reason(const model::Catalog& catalog, const simulator::RunResult& result,
                            const simulator::FaultPlacement& placement) {
  const auto executed = static_cast<int>(result.steps.size());
  SVCSIM_ASSERT(placement.step >= 1);
  if (placement.step > executed) {
    const std::string ending =
        result.stopped_early ? fmt::format("the run stops after step {} (on_error: stop)", executed)
                             : fmt::format("the run has {} step{} (inserted reboots included)",
                                           executed, executed == 1 ? "" : "s");
    return fmt::format("--fault {}: {}, so step {} never runs", placement_quoted(catalog, placement), ending,
                       placement.step);
  }
  const simulator::StepRecord& record = result.steps[static_cast<std::size_t>(placement.step - 1)];
  SVCSIM_ASSERT(record.number == placement.step);
  return fmt::format("--fault {}: {} cannot strike at step {} ({}); {}", placement_quoted(catalog, placement),
                     model::fault_name(placement.fault), placement.step, visible(record.text),
                     strikable_faults(record));
}

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
      report_error(fmt::format("--fault {}: {}", model::detail::quote(visible(text)), why));
      return CommandOutcome::bad_input;
    }
  }
  const bool order_given = options.order_option != nullptr && options.order_option->count() > 0;
  if (order_given) {
    if (simulator::split_order_list(options.order).empty()) {
      report_error("--order is empty: give the steps to run, separated by commas (or leave "
                   "--order out to run the plan's documented order)");
      return CommandOutcome::bad_input;
    }
    const auto control = std::find_if(options.order.begin(), options.order.end(), [](char c) {
      return static_cast<unsigned char>(c) < 0x20 || c == 0x7F;
    });
    if (control != options.order.end()) {
      report_error(fmt::format("--order holds {} at character {}: give the steps on one line, "
                               "separated by commas",
                               *control == '\n' ? "a line break" : "a control character",
                               control - options.order.begin() + 1));
      return CommandOutcome::bad_input;
    }
  }

  const auto loaded = scenario::load_scenario_file(options.scenario_path);
  if (!loaded) {
    // The loader's message already names file, line, column and key: print it as it is.
    std::cerr << visible(loaded.error().to_string()) << '\n';
    return CommandOutcome::bad_input;
  }
  std::vector<simulator::FaultPlacement> faults;
  for (const std::string& text : options.faults) {
    std::string why;
    const std::optional<simulator::FaultPlacement> placement =
        simulator::parse_fault_placement(text, &why, &loaded->catalog);
    if (!placement) {
      report_error(fmt::format("--fault {}: {}", model::detail::quote(visible(text)), why));
      return CommandOutcome::bad_input;
    }
    for (const simulator::FaultPlacement& earlier : faults) {
      if (earlier.is_device() && placement->is_device() && earlier.device == placement->device) {
        report_error(fmt::format("--fault {} twice: a device has a property once",
                                 placement_quoted(loaded->catalog, *placement)));
        return CommandOutcome::bad_input;
      }
      if (!earlier.is_device() && earlier.step == placement->step) {
        report_error(fmt::format("--fault {} and --fault {}: two faults at step {}; a step runs "
                                 "once and takes at most one fault",
                                 placement_quoted(loaded->catalog, earlier),
                                 placement_quoted(loaded->catalog, *placement), placement->step));
        return CommandOutcome::bad_input;
      }
    }
    faults.push_back(*placement);
  }
  const scenario::Scenario& scenario = loaded.value();
  auto fail_on = resolve_fail_on(options.fail_on_option, options.fail_on, scenario);
  if (!fail_on) {
    report_error(fail_on.error());
    return CommandOutcome::bad_input;
  }

  const std::vector<model::PlanStep> documented = simulator::documented_order(scenario);
  std::vector<model::PlanStep> order = documented;
  if (order_given) {
    std::string unknown;
    const auto parsed =
        simulator::parse_order(scenario, simulator::split_order_list(options.order), &unknown);
    if (!parsed) {
      report_error(fmt::format(
          "--order: unknown step {} (expected a package id of the scenario, "
          "method1(ID), remove(ID), reboot, cleanup, cleanup(reset_base), revert_pending, mount, "
          "commit, discard or copy_winre(TARGET), prefixed TARGET: with several targets)",
          model::detail::quote(unknown)));
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
  report.fail_on = fail_on.value();
  report.reproduce = simulator::reproduce_command(scenario, order, faults);
  // A model assertion from here on prints the command that reproduces it.
  set_assert_context(report.reproduce);

  const model::WorldState expected = simulator::expected_end_state(scenario);
  report.result = simulator::run_sequence(scenario, order, faults, expected);
  if (!report.result.faults_not_struck.empty() && !report.result.violation) {
    report_error(unstruck_reason(scenario.catalog, report.result, report.result.faults_not_struck.front()));
    set_assert_context({});
    return CommandOutcome::bad_input;
  }
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
    std::cerr << "  reproduce: " << visible(report.reproduce) << '\n';
    return CommandOutcome::invariant_violated;
  }
  const bool class_fails = fails_on(report.fail_on, report.result.outcome_class);
  return scenario::all_ok(report.expectations) && !class_fails
             ? CommandOutcome::expectations_met
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
      "Exit codes: 0 matches expect (or nothing applies) and the run's class is not one\n"
      "--fail-on names; 1 an expectation missed, or the run ends in a --fail-on class (default:\n"
      "every class expect.explore.allow does not list: false_success, drift, stuck); 2 bad\n"
      "scenario or arguments, including a --fault that cannot strike (past the last step, at a\n"
      "step it cannot strike, or a second fault at one step); 3 out of memory; 10 the model\n"
      "violated an invariant.");
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
  options->fail_on_option = add_fail_on_option(*run, options->fail_on);
  return {run, [options] { return execute_run(*options); }};
}

}  // namespace svcsim::cli
