// `svcsim replay`: a sequence of a scenario, predicted by the model and rendered as the exact
// DISM commands, run on a machine through a transport with a read-back of /Get-Packages after
// every step, journaled step by step, and compared with the prediction (adapter/README.md).
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "svcsim/adapter/target_file.hpp"
#include "svcsim/adapter/transport.hpp"
#include "svcsim/model/dism_text.hpp"
#include "svcsim/scenario/scenario.hpp"

namespace svcsim::adapter {

/// What a machine can show of one step, in the words prediction and observation share.
struct StepView {
  /// "success", "success, restart required", "0x800F081E" (an error's HRESULT), "killed" (the
  /// process died), "restart" (a restart step), or "no result" (the output ended early).
  std::string result;
  std::optional<std::int64_t> rc;  // DISM's exit code; none for a restart or a killed process
  bool rc_low_byte_only = false;   // observed: only a POSIX status's low 8 bits were available
  bool reboot_required = false;
  /// Each catalog package's state as /Get-Packages shows it ("Not Present" when not listed), in
  /// catalog order; empty when there was no read-back.
  std::vector<std::pair<std::string, std::string>> packages;
  std::optional<std::uint32_t> ubr;
  bool read_back = true;  // false: no /Get-Packages after this step (the image is unmounted)
};

struct ReplayStep {
  int number = 0;         // 1-based, inserted restarts counted (as `svcsim run` numbers them)
  std::string text;       // "KB5043080", "reboot"
  std::string reason;     // "plan_step", "after_3010", "at_end"
  bool restart = false;
  std::vector<model::CommandArgument> command;    // program first, as printed ("dism.exe", ...)
  std::vector<model::CommandArgument> read_back;  // /Get-Packages; empty when none
  StepView predicted;
};

struct ReplayPlan {
  std::string scenario_path;
  std::string target_name;
  std::vector<std::string> order;  // step texts
  std::vector<ReplayStep> steps;
  model::OutcomeClass predicted_class = model::OutcomeClass::success;
  std::optional<model::ResultCode> predicted_first_error;
};

/// The plan of `order` on the target the target file names: the model's run (run_sequence,
/// inserted restarts included) with each step's commands and prediction. An error (a step on
/// another target, a step replay cannot run) is one sentence.
Result<ReplayPlan, std::string> make_replay_plan(const scenario::Scenario& scenario,
                                                 const std::vector<model::PlanStep>& order,
                                                 const TargetFile& target);

/// A command as one line for `shell` (cmd: what a person types; PowerShell: a script line).
std::string command_text(const std::vector<model::CommandArgument>& command, model::Shell shell);

/// The plan as a PowerShell script a person can run by hand, step by step, stopping at each
/// restart.
std::string powershell_script(const ReplayPlan& plan);

/// What was seen on the machine for one step.
struct Observation {
  StepView view;
  std::string stdout_text;  // the step's own output (decoded)
  std::string stderr_text;
  std::vector<std::string> notes;  // "the /Get-Packages output was cut short", ...
};

struct StepReport {
  const ReplayStep* step = nullptr;
  std::optional<Observation> observed;  // nullopt: not run (the replay stopped before it)
  std::vector<std::string> mismatches;
  bool from_journal = false;            // done by an earlier, interrupted replay
};

enum class ReplayStatus : std::uint8_t { confirmed, mismatch, unreachable, interrupted };
std::string_view replay_status_name(ReplayStatus status);

/// A knob value under which the model predicts every observed step.
struct KnobFinding {
  std::string knob;
  std::string value;           // as a scenario file writes it
  std::string scenario_value;  // what the scenario says
};

struct ReplayReport {
  ReplayStatus status = ReplayStatus::confirmed;
  std::vector<StepReport> steps;
  std::vector<KnobFinding> findings;
  std::string why;            // unreachable or interrupted: what happened
  int from_journal = 0;       // steps taken over from the journal
  std::string journal_path;
  std::string transport;
};

struct ReplayOptions {
  std::string journal_path;
  bool resume = false;
  /// Set by a signal handler: the replay stops after the step under way, journaled.
  const std::atomic<bool>* interrupt = nullptr;
};

/// Runs the plan on the machine (or continues it from the journal with `resume`), and compares.
/// Throws std::runtime_error for a journal that cannot be used (exists without --resume, belongs
/// to another plan, is unreadable): a bad-input error.
ReplayReport execute_replay(const scenario::Scenario& scenario,
                            const std::vector<model::PlanStep>& order, const ReplayPlan& plan,
                            const TargetFile& target, Transport& transport,
                            const ReplayOptions& options);

/// The differences between a prediction and an observation, one line each ("exit code:
/// predicted 3010, observed 0").
std::vector<std::string> compare_step(const StepView& predicted, const Observation& observed);

}  // namespace svcsim::adapter
