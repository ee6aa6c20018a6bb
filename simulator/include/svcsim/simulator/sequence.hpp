// Runs one sequence: a given order of plan steps with faults at given places, inserting reboots by
// the plan's policy, checking every invariant after every step, and classing the end state.
// This is what `svcsim run` prints and what every witness command line reproduces.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "svcsim/model/advice.hpp"
#include "svcsim/model/apply.hpp"
#include "svcsim/model/classify.hpp"
#include "svcsim/model/invariants.hpp"
#include "svcsim/model/scenario.hpp"

namespace svcsim::simulator {

/// A fault at one executed step. `step` is 1-based and counts inserted reboots (the numbering
/// `svcsim run --fault STEP:KIND` uses and traces print).
struct FaultPlacement {
  int step = 0;
  model::Fault fault = model::Fault::none;
  friend bool operator==(const FaultPlacement&, const FaultPlacement&) = default;
};

/// One executed operation.
struct StepRecord {
  int number = 0;                  // 1-based, inserted reboots included
  std::optional<std::size_t> plan_step;  // index into the order given; nullopt: inserted reboot
  std::string text;                // "KB5043080", "reboot" (inserted ones too)
  model::Operation operation;
  model::TargetState before;
  model::Outcome outcome;
  model::AdviceSet advice = 0;
};

struct RunResult {
  std::vector<StepRecord> steps;
  model::TargetState end;
  model::OutcomeClass outcome_class = model::OutcomeClass::success;
  std::optional<model::ResultCode> first_error;
  bool stopped_early = false;      // on_error: stop ended it before the last step
  model::AdviceSet advice = 0;     // union over steps
  /// A faulted placement that did not strike (its step number, its kind): reported, not fatal.
  std::vector<FaultPlacement> faults_not_struck;
  /// First invariant violation, with the step it followed (0: none).
  model::InvariantViolation violation;
  int violation_step = 0;
  std::string violation_text;
};

/// The documented order of `scenario.plan`, as a list of steps.
std::vector<model::PlanStep> documented_order(const model::Scenario& scenario);

/// The expected end state E: the documented order with no fault.
model::TargetState expected_end_state(const model::Scenario& scenario);

/// Runs `order` on the plan's target. `expected` is E (from expected_end_state). Faults are
/// applied at their step numbers; one that cannot strike there is recorded in
/// `faults_not_struck`. Invariant violations stop the run and are reported, not asserted.
RunResult run_sequence(const model::Scenario& scenario, const std::vector<model::PlanStep>& order,
                       const std::vector<FaultPlacement>& faults,
                       const model::TargetState& expected);

/// Splits an `--order` value at commas and trims spaces and tabs around each step text; an
/// empty (or blank) value is the empty order. No step text is checked here: parse_order does it.
///
///   split_order_list("KB5043080, method1(KB5086672)") == {"KB5043080", "method1(KB5086672)"}
std::vector<std::string> split_order_list(std::string_view text);

/// Maps step texts (as `--order` gives them) to plan steps; the same text may repeat.
/// Returns the offending text in `unknown` when one does not parse.
std::optional<std::vector<model::PlanStep>> parse_order(const model::Scenario& scenario,
                                                        const std::vector<std::string>& texts,
                                                        std::string* unknown);

/// Parses one `--fault STEP:KIND` value ("3:disk_full" -> {3, disk_full}; spaces and tabs around
/// either part are ignored). On failure returns nullopt and, if `error` is not null, stores the
/// reason without the option name ("unknown fault kind 'bogus' (expected one of: ...)"), which
/// the command line prefixes with "--fault 'TEXT': ".
std::optional<FaultPlacement> parse_fault_placement(std::string_view text, std::string* error);

/// The command line that reproduces a run: "svcsim run FILE --order A,B --fault 2:disk_full".
std::string reproduce_command(const model::Scenario& scenario,
                              const std::vector<model::PlanStep>& order,
                              const std::vector<FaultPlacement>& faults);

}  // namespace svcsim::simulator
