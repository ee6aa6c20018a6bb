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
#include "svcsim/model/scenario_loader.hpp"
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

std::vector<std::string> step_texts(const std::vector<model::PlanStep>& steps) {
  std::vector<std::string> texts;
  texts.reserve(steps.size());
  for (const model::PlanStep& step : steps) texts.push_back(step.text);
  return texts;
}

std::string code_text(model::ResultCode code) {
  return model::hresult_text(model::hresult(code));
}

void add_check(std::vector<ExpectationCheck>& checks, std::string what, std::string expected,
               std::string actual) {
  const bool ok = expected == actual;
  checks.push_back({std::move(what), std::move(expected), std::move(actual), ok});
}

void check_end_state(const model::Scenario& scenario, const std::string& prefix,
                     const model::EndStateExpectation& expected, const model::TargetState& end,
                     std::vector<ExpectationCheck>& checks) {
  if (expected.build) {
    add_check(checks, prefix + " build", std::to_string(*expected.build), std::to_string(end.build));
  }
  if (expected.ubr) {
    add_check(checks, prefix + " ubr", std::to_string(*expected.ubr), std::to_string(end.ubr));
  }
  if (expected.ssu_version) {
    add_check(checks, prefix + " ssu_version", std::to_string(*expected.ssu_version),
              std::to_string(end.ssu_version));
  }
  for (const auto& [index, state] : expected.packages) {
    SVCSIM_ASSERT(index < scenario.catalog.size());
    add_check(checks, prefix + " " + scenario.catalog[index].id,
              std::string(model::cbs_state_name(state)),
              std::string(model::cbs_state_name(end.packages.get(index))));
  }
}

/// `end_state` expectations are of one target (scenarios.md): the plan's default target, else
/// the first.
const model::TargetState& expected_target_end(const model::Scenario& scenario,
                                              const simulator::RunResult& result) {
  const std::size_t target = model::default_step_target(scenario).value_or(0);
  SVCSIM_ASSERT(target < result.end.targets.size());
  return result.end.targets[target];
}

std::string actual_class(const simulator::RunResult& result) {
  if (result.violation) return "none (invariant violated)";
  return std::string(model::outcome_class_name(result.outcome_class));
}

/// The expectations that apply to this run (see `svcsim run --help`): the documented order's
/// when the order is the documented one, every `expect.orders` entry naming exactly this order,
/// and nothing when faults were placed (no expectation names faults).
std::vector<ExpectationCheck> check_expectations(const model::Scenario& scenario,
                                                 const std::vector<model::PlanStep>& order,
                                                 bool is_documented_order, bool faults_given,
                                                 const simulator::RunResult& result,
                                                 std::string& note) {
  std::vector<ExpectationCheck> checks;
  if (faults_given) {
    note = "nothing applicable (no expectation names fault placements)";
    return checks;
  }
  const model::Expectation& expect = scenario.expect;
  if (is_documented_order) {
    if (expect.documented_order) {
      add_check(checks, "documented_order",
                std::string(model::outcome_class_name(*expect.documented_order)),
                actual_class(result));
    }
    check_end_state(scenario, "end_state", expect.end_state, expected_target_end(scenario, result),
                    checks);
  }
  const std::vector<std::string> texts = step_texts(order);
  for (std::size_t index = 0; index < expect.orders.size(); ++index) {
    const model::OrderExpectation& entry = expect.orders[index];
    if (entry.order != texts) continue;
    const std::string prefix = fmt::format("orders[{}]", index);
    if (entry.outcome_class) {
      add_check(checks, prefix + " class",
                std::string(model::outcome_class_name(*entry.outcome_class)),
                actual_class(result));
    }
    if (entry.first_error) {
      add_check(checks, prefix + " first_error", code_text(*entry.first_error),
                result.first_error ? code_text(*result.first_error) : std::string("none"));
    }
    check_end_state(scenario, prefix + " end_state", entry.end_state,
                    expected_target_end(scenario, result), checks);
  }
  if (checks.empty()) note = "nothing applicable to this order";
  return checks;
}

void report_error(const std::string& message) { std::cerr << "svcsim: " << message << '\n'; }

CommandOutcome execute_run(const RunOptions& options) {
  std::vector<simulator::FaultPlacement> faults;
  for (const std::string& text : options.faults) {
    std::string why;
    const std::optional<simulator::FaultPlacement> placement =
        simulator::parse_fault_placement(text, &why);
    if (!placement) {
      report_error(fmt::format("--fault '{}': {}", text, why));
      return CommandOutcome::bad_input;
    }
    faults.push_back(*placement);
  }

  const auto loaded = model::load_scenario_file(options.scenario_path);
  if (!loaded) {
    // The loader's message already names file, line, column and key: print it as it is.
    std::cerr << loaded.error().to_string() << '\n';
    return CommandOutcome::bad_input;
  }
  const model::Scenario& scenario = loaded.value();

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
  const bool is_documented_order = step_texts(order) == step_texts(documented);

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
  report.expectations = check_expectations(scenario, order, is_documented_order, !faults.empty(),
                                           report.result, report.expectations_note);

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
  for (const ExpectationCheck& check : report.expectations) {
    if (!check.ok) return CommandOutcome::expectations_missed;
  }
  return CommandOutcome::expectations_met;
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
