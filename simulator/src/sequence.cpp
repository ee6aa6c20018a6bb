// Runs one sequence of plan steps on the plan's target: applies each step through the model,
// inserts reboots by the plan's policy, checks every transition, and classes the end state.
#include "svcsim/simulator/sequence.hpp"

#include <algorithm>
#include <charconv>
#include <string_view>
#include <system_error>

#include <fmt/format.h>

#include "svcsim/model/assert.hpp"
#include "svcsim/simulator/policy.hpp"

namespace svcsim::simulator {
namespace {

/// Runs a sequence without classing it: the expected end state E is itself the end of such a
/// run, so classing belongs to the caller that has E.
class SequenceRunner {
 public:
  /// `device` is the device the run is on (its defects and regressions, v2).
  SequenceRunner(const scenario::Scenario& scenario, const model::World& world, Executor& executor,
                 const std::vector<FaultPlacement>& faults, model::DeviceBits device)
      : scenario_(scenario),
        world_(world),
        executor_(executor),
        faults_(faults),
        struck_or_used_(faults.size(), false),
        state_(world.initial_state(device)) {
    for (std::size_t index = 0; index < faults.size(); ++index) {
      const FaultPlacement& placement = faults[index];
      // The command line rejects these; a caller passing them has a bug.
      SVCSIM_ASSERT(placement.step >= 0);
      SVCSIM_ASSERT((placement.fault == model::Fault::none) == placement.is_device());
      // A device property is there from the start: it never waits for a step to strike.
      struck_or_used_[index] = placement.is_device();
    }
    result_.shown_installed.assign(world.target_count(), 0);
  }

  RunResult run(const std::vector<model::PlanStep>& order) {
    const model::Plan& plan = scenario_.plan;
    // Each plan step may be followed by one inserted reboot, and the run may end with one more
    // per target.
    const std::size_t step_count_max = 2 * order.size() + world_.target_count();
    bool stopped = false;

    for (std::size_t index = 0; index < order.size() && !stopped; ++index) {
      const model::PlanStep& step = order[index];
      const bool remaining = index + 1 < order.size();
      const model::Step planned{step.target, model::plan_operation(plan, step.operation)};
      if (!execute(step.text, index, planned, StepReason::plan_step)) return finish();
      const model::Outcome& outcome = result_.steps.back().outcome;
      if (stops_sequence(plan, outcome)) {
        result_.stopped_early = remaining;
        stopped = true;
      } else if (reboot_follows(plan, world_.context(step.target), outcome)) {
        if (!execute("reboot", std::nullopt, reboot_of(step.target), StepReason::after_3010)) {
          return finish();
        }
        if (stops_sequence(plan, result_.steps.back().outcome)) {
          result_.stopped_early = remaining;
          stopped = true;
        }
      }
    }
    // at_end: each online target with pending work, in target order; one final reboot each.
    for (std::size_t target = 0; target < world_.target_count() && !stopped; ++target) {
      const auto index = static_cast<model::TargetIndex>(target);
      if (!final_reboot_needed(plan, world_.context(index), state_.targets[target])) continue;
      if (!execute("reboot", std::nullopt, reboot_of(index), StepReason::at_end)) return finish();
      // An error a final reboot returns ends the run as at any step (the explorer does so too).
      stopped = stops_sequence(plan, result_.steps.back().outcome);
    }
    SVCSIM_ASSERT(result_.steps.size() <= step_count_max);
    return finish();
  }

 private:
  static model::Step reboot_of(model::TargetIndex target) {
    model::Step step;
    step.target = target;
    step.operation.kind = model::OperationKind::reboot;
    return step;
  }

  /// The fault placed at step `number`, if any. Only the first placement at a step can strike:
  /// one step runs once, so a second placement there is reported as not struck.
  model::Fault take_fault(int number) {
    for (std::size_t index = 0; index < faults_.size(); ++index) {
      if (faults_[index].step == number && !struck_or_used_[index]) {
        struck_or_used_[index] = true;
        return faults_[index].fault;
      }
    }
    return model::Fault::none;
  }

  void record_unstruck(int number, model::Fault fault) {
    result_.faults_not_struck.push_back({number, fault});
  }

  /// Executes one step. Returns false when the transition broke an invariant: the run ends there
  /// so that the report shows the first bad step, not the damage that follows from it.
  bool execute(const std::string& text, std::optional<std::size_t> plan_step,
               const model::Step& step, StepReason reason) {
    StepRecord record;
    record.number = static_cast<int>(result_.steps.size()) + 1;
    record.plan_step = plan_step;
    record.text = text;
    record.step = step;
    record.reason = reason;
    record.before = state_.targets[step.target];

    const model::Fault fault = take_fault(record.number);
    const model::WorldOutcome done = executor_.execute(state_, step, fault);
    SVCSIM_ASSERT(done.target == step.target);
    record.outcome = done.outcome;
    if (fault != model::Fault::none && record.outcome.fault == model::Fault::none) {
      record_unstruck(record.number, fault);
    }
    SVCSIM_ASSERT(record.outcome.fault == model::Fault::none || record.outcome.fault == fault);

    const model::WorldViolation violation =
        model::check_world_step(world_, state_.targets, step, done);
    if (violation) {
      result_.violation = violation.violation;
      result_.violation_target = violation.target;
      result_.violation_step = record.number;
      result_.violation_text =
          model::describe(world_.context(step.target), record.outcome.state, violation.violation);
    } else {
      record.advice = model::advise_world_step(world_, state_.targets, step, done, history_);
      result_.advice = static_cast<model::AdviceSet>(result_.advice | record.advice);
    }
    note_shown_installed(step, record.outcome);
    if (record.outcome.has_note(model::OutcomeNote::reboot_not_run)) result_.reboot_loop = true;
    const bool error = !model::is_success(record.outcome.code);
    record.tolerated = error && !model::is_plan_error(scenario_.plan, record.outcome.code);
    if (error && !record.tolerated && !result_.first_error) {
      result_.first_error = record.outcome.code;
    }
    model::settle(state_, done);
    result_.steps.push_back(std::move(record));
    return !violation;
  }

  /// KB2749510: a package /PreventPending skipped is "falsely reported as installed" by
  /// /Get-Packages until the image is booted; on a running installation, until its next reboot.
  void note_shown_installed(const model::Step& step, const model::Outcome& outcome) {
    model::PackageMask& shown = result_.shown_installed[step.target];
    if (outcome.has_note(model::OutcomeNote::skipped_prevent_pending)) {
      shown |= model::package_bit(step.operation.package);
    }
    if (step.operation.kind == model::OperationKind::reboot &&
        !outcome.has_note(model::OutcomeNote::reboot_not_run)) {
      shown = 0;
    }
  }

  RunResult finish() {
    result_.end = state_;
    // What /Get-Packages shows falsely is only what the store does not hold itself.
    for (std::size_t target = 0; target < state_.targets.size(); ++target) {
      model::PackageMask& shown = result_.shown_installed[target];
      const model::PackageStates& packages = state_.targets[target].packages;
      shown &= packages.in_state(model::CbsState::absent) | packages.in_state(model::CbsState::staged);
    }
    if (!result_.violation) {
      result_.advice = static_cast<model::AdviceSet>(
          result_.advice | model::advise_world_end(world_, state_.targets));
    }
    // A placement past the last executed step never met its step.
    for (std::size_t index = 0; index < faults_.size(); ++index) {
      if (!struck_or_used_[index]) {
        struck_or_used_[index] = true;
        record_unstruck(faults_[index].step, faults_[index].fault);
      }
    }
    return std::move(result_);
  }

  const scenario::Scenario& scenario_;
  const model::World& world_;
  Executor& executor_;
  const std::vector<FaultPlacement>& faults_;
  std::vector<bool> struck_or_used_;  // per placement: already offered to its step
  model::WorldState state_;
  model::WorldAdviceHistory history_;
  RunResult result_;
};

std::string_view trim_blanks(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::string fault_kind_list() {
  std::string list;
  for (int fault = 1; fault < model::fault_count; ++fault) {
    if (!list.empty()) list += ", ";
    list += model::fault_name(static_cast<model::Fault>(fault));
  }
  return list;
}

/// True for characters a POSIX shell leaves alone in an unquoted word.
bool is_shell_safe(char character) {
  return (character >= 'a' && character <= 'z') || (character >= 'A' && character <= 'Z') ||
         (character >= '0' && character <= '9') ||
         std::string_view("_-.,:/+=@%").find(character) != std::string_view::npos;
}

}  // namespace

std::string posix_shell_word(std::string_view word) {
  if (!word.empty() && std::all_of(word.begin(), word.end(), is_shell_safe)) {
    return std::string(word);
  }
  std::string quoted = "'";
  for (char character : word) {
    if (character == '\'') {
      quoted += R"('\'')";
    } else {
      quoted += character;
    }
  }
  quoted += '\'';
  return quoted;
}

std::string_view step_reason_name(StepReason reason) {
  switch (reason) {
    case StepReason::plan_step: return "plan step";
    case StepReason::after_3010: return "inserted: the step before exited 3010 (reboot: after_3010)";
    case StepReason::at_end: return "inserted: pending work at the end (reboot: at_end)";
  }
  return "?";
}

std::vector<std::string> step_texts(const std::vector<model::PlanStep>& steps) {
  std::vector<std::string> texts;
  texts.reserve(steps.size());
  for (const model::PlanStep& step : steps) texts.push_back(step.text);
  return texts;
}

std::vector<model::PlanStep> documented_order(const scenario::Scenario& scenario) {
  std::vector<model::PlanStep> order = scenario.plan.steps;
  for (model::PlanStep& step : order) step.operation = model::plan_operation(scenario.plan, step.operation);
  return order;
}

model::WorldState expected_end_state(const scenario::Scenario& scenario) {
  const std::vector<FaultPlacement> no_faults;
  scenario::Scenario intended = scenario;
  intended.plan = model::expected_plan(scenario.plan);
  const model::World world = scenario::make_world(intended);
  ModelExecutor executor(world);
  // A healthy device: not even the properties every device has (probability 1).
  SequenceRunner runner(intended, world, executor, no_faults, model::DeviceBits{0});
  return runner.run(documented_order(intended)).end;
}

model::DeviceBits device_of(const model::Catalog& catalog,
                            const std::vector<FaultPlacement>& faults) {
  auto device = model::device_always(catalog);
  for (const FaultPlacement& placement : faults) {
    if (!placement.is_device()) continue;
    const auto slot = model::device_slot(catalog, placement.device);
    SVCSIM_ASSERT_MSG(slot.has_value(), "a device placement names a property the package has");
    device = static_cast<model::DeviceBits>(device | 1u << *slot);
  }
  return device;
}

std::string fault_placement_text(const model::Catalog& catalog, const FaultPlacement& placement) {
  if (placement.is_device()) {
    return "0:" + model::device_property_text(catalog, placement.device);
  }
  return fmt::format("{}:{}", placement.step, model::fault_name(placement.fault));
}

RunResult run_sequence(const scenario::Scenario& scenario, const model::World& world,
                       Executor& executor, const std::vector<model::PlanStep>& order,
                       const std::vector<FaultPlacement>& faults,
                       const model::WorldState& expected) {
  SVCSIM_ASSERT(expected.targets.size() == world.target_count());
  SequenceRunner runner(scenario, world, executor, faults, device_of(scenario.catalog, faults));
  RunResult result = runner.run(order);
  SVCSIM_ASSERT(result.steps.size() >= (order.empty() ? 0u : 1u));
  // A state that broke an invariant has no meaningful class (classify may rely on the very
  // invariant that broke); callers report the violation instead.
  if (!result.violation) {
    const bool any_error = result.first_error.has_value();
    result.outcome_class =
        model::classify_world(world, result.end.targets, expected.targets, any_error);
    for (std::size_t target = 0; target < world.target_count(); ++target) {
      result.target_classes.push_back(
          model::classify(world.context(static_cast<model::TargetIndex>(target)),
                          result.end.targets[target], expected.targets[target], any_error));
    }
  }
  return result;
}

RunResult run_sequence(const scenario::Scenario& scenario, const std::vector<model::PlanStep>& order,
                       const std::vector<FaultPlacement>& faults,
                       const model::WorldState& expected) {
  const model::World world = scenario::make_world(scenario);
  ModelExecutor executor(world);
  return run_sequence(scenario, world, executor, order, faults, expected);
}

std::optional<std::vector<model::PlanStep>> parse_order(const scenario::Scenario& scenario,
                                                        const std::vector<std::string>& texts,
                                                        std::string* unknown) {
  std::vector<model::PlanStep> order;
  order.reserve(texts.size());
  const std::optional<model::TargetIndex> default_target = scenario::default_step_target(scenario);
  for (const std::string& text : texts) {
    std::optional<model::PlanStep> step = scenario::parse_plan_step(scenario, text, default_target);
    if (!step) {
      if (unknown != nullptr) *unknown = text;
      return std::nullopt;
    }
    step->operation = model::plan_operation(scenario.plan, step->operation);
    order.push_back(std::move(*step));
  }
  SVCSIM_ASSERT(order.size() == texts.size());
  return order;
}

std::vector<std::string> split_order_list(std::string_view text) {
  std::vector<std::string> texts;
  if (trim_blanks(text).empty()) return texts;
  std::size_t start = 0;
  // Every pass consumes at least the comma it stops at, so the loop ends after at most
  // text.size() + 1 pieces.
  while (true) {
    SVCSIM_ASSERT(texts.size() <= text.size());
    const std::size_t comma = text.find(',', start);
    texts.emplace_back(trim_blanks(text.substr(start, comma - start)));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  SVCSIM_ASSERT(!texts.empty());
  return texts;
}

std::optional<FaultPlacement> parse_fault_placement(std::string_view text, std::string* error,
                                                    const model::Catalog* catalog) {
  const auto fail = [error](std::string why) -> std::optional<FaultPlacement> {
    if (error != nullptr) *error = std::move(why);
    return std::nullopt;
  };
  const std::size_t colon = text.find(':');
  if (colon == std::string_view::npos) return fail("expected STEP:KIND, e.g. 2:startup_failure");
  const std::string_view step_text = trim_blanks(text.substr(0, colon));
  const std::string_view kind_text = trim_blanks(text.substr(colon + 1));

  int step = 0;
  const auto [end, status] =
      std::from_chars(step_text.data(), step_text.data() + step_text.size(), step);
  const bool whole = !step_text.empty() && status == std::errc{} &&
                     end == step_text.data() + step_text.size();
  if (whole && step == 0 && catalog != nullptr) {
    // v2: step 0 is the start of the run, where the device has its defects and regressions.
    const auto property = model::parse_device_property(*catalog, kind_text);
    if (!property || !model::device_slot(*catalog, *property)) {
      return fail(fmt::format("step 0 is the device: '{}' must be defect(ID) or regression(ID) "
                              "of a package that has one",
                              kind_text));
    }
    FaultPlacement placement;
    placement.device = *property;
    SVCSIM_ASSERT(placement.is_device());
    return placement;
  }
  if (!whole || step < 1) {
    return fail(fmt::format("step '{}' must be a whole number from 1 (steps count inserted "
                            "reboots; 0 names a defect(ID) or regression(ID) of the device)",
                            step_text));
  }
  const std::optional<model::Fault> fault = model::parse_fault(kind_text);
  if (!fault) {
    return fail(fmt::format("unknown fault kind '{}' (expected one of: {})", kind_text,
                            fault_kind_list()));
  }
  // run_sequence asserts against a placement of no fault; parse_fault never yields one.
  SVCSIM_ASSERT(*fault != model::Fault::none);
  SVCSIM_ASSERT(step >= 1);
  return FaultPlacement{step, *fault};
}

std::string reproduce_command(const scenario::Scenario& scenario,
                              const std::vector<model::PlanStep>& order,
                              const std::vector<FaultPlacement>& faults) {
  std::string order_text;
  for (const model::PlanStep& step : order) {
    if (!order_text.empty()) order_text += ',';
    order_text += step.text;
  }
  // A relative path that starts with '-' would read as an option: "./-x.yaml" is the same file.
  const std::string path =
      !scenario.path.empty() && scenario.path.front() == '-' ? "./" + scenario.path : scenario.path;
  std::string command = "svcsim run " + posix_shell_word(path) + " --order " +
                        posix_shell_word(order_text);
  for (const FaultPlacement& placement : faults) {
    SVCSIM_ASSERT(placement.is_device() || placement.fault != model::Fault::none);
    command += " --fault " + posix_shell_word(fault_placement_text(scenario.catalog, placement));
  }
  return command;
}

}  // namespace svcsim::simulator
