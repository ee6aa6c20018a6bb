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
#include "svcsim/scenario/scenario.hpp"
#include "svcsim/model/world.hpp"

namespace svcsim::simulator {

/// A fault at one executed step. `step` is 1-based and counts inserted reboots (the numbering
/// `svcsim run --fault STEP:KIND` uses and traces print). Step 0 is the start of the run: there
/// a placement names a property of the device (v2, `--fault 0:defect(KB5079391)`) in `device`
/// and its `fault` is none.
struct FaultPlacement {
  int step = 0;
  model::Fault fault = model::Fault::none;
  model::DeviceProperty device{};  // step 0 only
  bool is_device() const { return step == 0; }
  friend bool operator==(const FaultPlacement&, const FaultPlacement&) = default;
};

/// "3:startup_failure", "0:defect(KB5079391)".
std::string fault_placement_text(const model::Catalog& catalog, const FaultPlacement& placement);

/// The device a run with `faults` is on: the catalog's properties at probability 1, plus each
/// one a step-0 placement names.
model::DeviceBits device_of(const model::Catalog& catalog, const std::vector<FaultPlacement>& faults);

/// Why an operation ran: it is a plan step, or the plan's reboot policy inserted it.
enum class StepReason : std::uint8_t {
  plan_step,   // a step of the order given
  after_3010,  // reboot: the step before it exited 3010 (policy after_3010)
  at_end,      // reboot: the run's final reboot of a target with pending work (policy at_end)
};
std::string_view step_reason_name(StepReason reason);

/// One executed operation.
struct StepRecord {
  int number = 0;                  // 1-based, inserted reboots included
  std::optional<std::size_t> plan_step;  // index into the order given; nullopt: inserted reboot
  std::string text;                // "KB5043080", "install:cleanup", "reboot" (inserted ones too)
  model::Step step;                // the target and operation
  StepReason reason = StepReason::plan_step;
  model::TargetState before;       // the stepped target before the step
  model::Outcome outcome;
  bool tolerated = false;          // the code is an error the plan tolerates
  model::AdviceSet advice = 0;
};

struct RunResult {
  std::vector<StepRecord> steps;
  model::WorldState end;
  model::OutcomeClass outcome_class = model::OutcomeClass::success;
  std::vector<model::OutcomeClass> target_classes;  // each target's class, by the same rules
  std::optional<model::ResultCode> first_error;     // the first error the plan does not tolerate
  bool stopped_early = false;      // on_error: stop ended it before the last step
  model::AdviceSet advice = 0;     // union over steps, and the run's end
  /// A faulted placement that did not strike (its step number, its kind): reported, not fatal.
  std::vector<FaultPlacement> faults_not_struck;
  /// Per target: packages /PreventPending skipped that DISM's /Get-Packages still shows as
  /// Installed at the end (KB2749510: "falsely reported as installed" until the next boot).
  std::vector<model::PackageMask> shown_installed;
  bool reboot_loop = false;        // a reboot was due past reboot_count_max: the run ended there
  /// First invariant violation, with the step it followed (0: none) and its target.
  model::InvariantViolation violation;
  model::TargetIndex violation_target = 0;
  int violation_step = 0;
  std::string violation_text;
};

/// What runs a step: the model (prediction), or later a real machine through DISM
/// (observation). The runner's loop is the same for both (architecture.md "Executor").
class Executor {
 public:
  virtual ~Executor() = default;
  /// Executes `step` with `fault` on the world as it stands and says what happened to its target.
  virtual model::WorldOutcome execute(const model::WorldState& state, const model::Step& step,
                                      model::Fault fault) = 0;
};

/// The executor that asks the model: model::step on the World.
class ModelExecutor final : public Executor {
 public:
  explicit ModelExecutor(const model::World& world) : world_(world) {}
  model::WorldOutcome execute(const model::WorldState& state, const model::Step& step,
                              model::Fault fault) override {
    return model::step(world_, state, step, fault);
  }

 private:
  const model::World& world_;
};

/// The texts of `steps`, as `--order` takes them and expectations name them.
std::vector<std::string> step_texts(const std::vector<model::PlanStep>& steps);

/// The documented order of `scenario.plan`, as a list of steps.
std::vector<model::PlanStep> documented_order(const scenario::Scenario& scenario);

/// The expected end state E (servicing-model.md §6, v2): the documented order on a healthy
/// device (no fault, no defect, no regression), every add allowed to proceed (no
/// /PreventPending skip), pending work committed at the end even under `reboot: never`, and no
/// reboot bound (model::expected_plan).
model::WorldState expected_end_state(const scenario::Scenario& scenario);

/// Runs `order` on the scenario's World through the model. `expected` is E (from
/// expected_end_state). Faults are applied at their step numbers; one that cannot strike there is
/// recorded in `faults_not_struck`. Invariant violations stop the run and are reported, not
/// asserted.
RunResult run_sequence(const scenario::Scenario& scenario, const std::vector<model::PlanStep>& order,
                       const std::vector<FaultPlacement>& faults,
                       const model::WorldState& expected);

/// The same through any executor, on `world` (made from `scenario` by scenario::make_world).
RunResult run_sequence(const scenario::Scenario& scenario, const model::World& world,
                       Executor& executor, const std::vector<model::PlanStep>& order,
                       const std::vector<FaultPlacement>& faults,
                       const model::WorldState& expected);

/// Splits an `--order` value at commas and trims spaces and tabs around each step text; an
/// empty (or blank) value is the empty order. No step text is checked here: parse_order does it.
///
///   split_order_list("KB5043080, method1(KB5086672)") == {"KB5043080", "method1(KB5086672)"}
std::vector<std::string> split_order_list(std::string_view text);

/// Maps step texts (as `--order` gives them) to plan steps; the same text may repeat.
/// Returns the offending text in `unknown` when one does not parse.
std::optional<std::vector<model::PlanStep>> parse_order(const scenario::Scenario& scenario,
                                                        const std::vector<std::string>& texts,
                                                        std::string* unknown);

/// Parses one `--fault STEP:KIND` value ("3:disk_full" -> {3, disk_full}; spaces and tabs around
/// either part are ignored). Step 0 takes a device property of `catalog`, "0:defect(KB1)" or
/// "0:regression(KB2)", which the package must have (v2); without a catalog step 0 is refused.
/// On failure returns nullopt and, if `error` is not null, stores the reason without the option
/// name ("unknown fault kind 'bogus' (expected one of: ...)"), which the command line prefixes
/// with "--fault 'TEXT': ".
std::optional<FaultPlacement> parse_fault_placement(std::string_view text, std::string* error,
                                                    const model::Catalog* catalog = nullptr);

/// `word` for a POSIX shell: as it is when every character is one sh leaves alone in an unquoted
/// word (letters, digits, _ - . , : / + = @ %), so the usual line stays plain
/// ("--order KB5043080,KB5086672"); else in single quotes, each ' written as '\''.
///
///   posix_shell_word("method1(KB5086672)") == "'method1(KB5086672)'"
std::string posix_shell_word(std::string_view word);

/// The command line that reproduces a run: "svcsim run FILE --order A,B --fault 2:disk_full",
/// each word quoted for a POSIX shell (posix_shell_word).
std::string reproduce_command(const scenario::Scenario& scenario,
                              const std::vector<model::PlanStep>& order,
                              const std::vector<FaultPlacement>& faults);

}  // namespace svcsim::simulator
