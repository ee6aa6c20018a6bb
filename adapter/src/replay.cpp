// The replay: plan from the model's run, execution through a transport with a journal line
// (fsync'd) per finished step, comparison per step, and the knob that would explain a mismatch
// (found by re-running the model with each knob's other values: no rule is restated here).
#include "svcsim/adapter/replay.hpp"

#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <stdexcept>
#include <thread>

#include "svcsim/adapter/atomic_file.hpp"
#include "svcsim/adapter/dism_parse.hpp"
#include "svcsim/model/assert.hpp"
#include "svcsim/simulator/sequence.hpp"

namespace svcsim::adapter {
namespace {

using nlohmann::ordered_json;

constexpr std::string_view journal_format = "svcsim-replay-journal 1";

std::string lower(std::string_view text) {
  std::string result(text);
  std::transform(result.begin(), result.end(), result.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return result;
}

std::string result_text(model::ResultCode code) {
  if (code == model::ResultCode::cbs_e_session_interrupted) return "killed";
  if (code == model::ResultCode::success_reboot_required) return "success, restart required";
  if (model::is_success(code)) return "success";
  return model::hresult_text(model::hresult(code));
}

std::vector<std::pair<std::string, std::string>> predicted_packages(
    const model::ServicingContext& context, const model::TargetState& state) {
  std::vector<std::pair<std::string, std::string>> packages;
  for (std::size_t slot = 0; slot < context.catalog->size(); ++slot) {
    const auto index = static_cast<model::PackageIndex>(slot);
    packages.emplace_back(context.package(index).id,
                          std::string(model::dism_state_text(state.packages.get(index))));
  }
  return packages;
}

/// The image can be read back after the step: a running installation always, an image while it
/// is mounted.
bool readable(const model::ServicingContext& context, const model::TargetState& state) {
  return !model::is_offline(context.target_kind) || state.flags.has(model::TargetFlag::mounted);
}

std::vector<model::CommandArgument> words(std::initializer_list<std::string_view> list) {
  std::vector<model::CommandArgument> arguments;
  for (const std::string_view word : list) arguments.push_back({std::string(word), {}, false});
  return arguments;
}

/// The model's command with /English after the program and /LogPath at the end, as the issue's
/// example (and Microsoft's own scripts, facts §4.3) write every dism.exe call.
std::vector<model::CommandArgument> dism_call(std::vector<model::CommandArgument> arguments,
                                              const TargetFile& target) {
  SVCSIM_ASSERT(!arguments.empty());
  arguments.front() = {"dism.exe", {}, false};
  arguments.insert(arguments.begin() + 1, {"/English", {}, false});
  arguments.push_back({"/LogPath:", target.log_path, true});
  return arguments;
}

std::vector<model::CommandArgument> get_packages(const model::ServicingContext& context,
                                                 const TargetFile& target) {
  std::vector<model::CommandArgument> arguments = words({"dism.exe", "/English"});
  if (model::is_offline(context.target_kind)) {
    arguments.push_back({"/Image:", target.paths.mount_dir, true});
  } else {
    arguments.push_back({"/Online", {}, false});
  }
  const auto rest = words({"/Get-Packages", "/Format:List"});
  arguments.insert(arguments.end(), rest.begin(), rest.end());
  return arguments;
}

/// The argument vector that runs on the machine: the target file's programs in place of
/// dism.exe and of the restart.
std::vector<std::string> machine_argv(const std::vector<model::CommandArgument>& command,
                                      bool restart, const TargetFile& target) {
  if (restart) return target.restart;
  std::vector<std::string> argv = target.dism;
  for (std::size_t index = 1; index < command.size(); ++index) argv.push_back(command[index].text());
  return argv;
}

ordered_json view_json(const StepView& view) {
  ordered_json packages = ordered_json::object();
  for (const auto& [id, state] : view.packages) packages[id] = state;
  ordered_json json = {{"result", view.result},
                       {"rc", view.rc ? ordered_json(*view.rc) : ordered_json(nullptr)},
                       {"rc_low_byte_only", view.rc_low_byte_only},
                       {"reboot_required", view.reboot_required},
                       {"read_back", view.read_back},
                       {"packages", packages},
                       {"ubr", view.ubr ? ordered_json(*view.ubr) : ordered_json(nullptr)}};
  return json;
}

StepView view_from_json(const ordered_json& json) {
  StepView view;
  view.result = json.at("result").get<std::string>();
  if (!json.at("rc").is_null()) view.rc = json.at("rc").get<std::int64_t>();
  view.rc_low_byte_only = json.at("rc_low_byte_only").get<bool>();
  view.reboot_required = json.at("reboot_required").get<bool>();
  view.read_back = json.at("read_back").get<bool>();
  for (const auto& [id, state] : json.at("packages").items()) {
    view.packages.emplace_back(id, state.get<std::string>());
  }
  if (!json.at("ubr").is_null()) view.ubr = json.at("ubr").get<std::uint32_t>();
  return view;
}

ordered_json observation_json(int number, const Observation& observed) {
  return {{"step", number},
          {"observed", view_json(observed.view)},
          {"stdout", observed.stdout_text},
          {"stderr", observed.stderr_text},
          {"notes", observed.notes}};
}

// ---- the journal ----------------------------------------------------------------------------

ordered_json journal_header(const ReplayPlan& plan, const TargetFile& target) {
  ordered_json commands = ordered_json::array();
  for (const ReplayStep& step : plan.steps) {
    commands.push_back(command_text(step.command, model::Shell::powershell));
  }
  return {{"journal", journal_format},
          {"scenario", plan.scenario_path},
          {"target_file", target.path},
          {"target", plan.target_name},
          {"order", plan.order},
          {"commands", commands}};
}

/// The observations an earlier run journaled, checked against this plan. A last line without
/// its line feed was being written when the process died: it is not a finished step.
std::vector<Observation> read_journal(const std::string& path, const ReplayPlan& plan,
                                      const TargetFile& target) {
  bool found = false;
  const std::string text = read_file(path, &found);
  if (!found) throw std::runtime_error("--resume: no journal " + path + " to resume from");
  std::vector<Observation> done;
  std::size_t start = 0;
  int line_number = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    if (end == std::string::npos) break;  // torn last line
    ++line_number;
    const std::string line = text.substr(start, end - start);
    start = end + 1;
    ordered_json json;
    try {
      json = ordered_json::parse(line);
    } catch (const std::exception&) {
      throw std::runtime_error(fmt::format("{}:{}: not a journal line", path, line_number));
    }
    if (line_number == 1) {
      if (json != journal_header(plan, target)) {
        throw std::runtime_error(path + ":1: the journal belongs to another replay (scenario, "
                                        "target, order or commands differ); give another --journal");
      }
      continue;
    }
    try {
      if (json.at("step").get<int>() != static_cast<int>(done.size()) + 1 ||
          done.size() >= plan.steps.size()) {
        throw std::runtime_error("steps out of order");
      }
      Observation observed;
      observed.view = view_from_json(json.at("observed"));
      observed.stdout_text = json.at("stdout").get<std::string>();
      observed.stderr_text = json.at("stderr").get<std::string>();
      observed.notes = json.at("notes").get<std::vector<std::string>>();
      done.push_back(std::move(observed));
    } catch (const std::exception& error) {
      throw std::runtime_error(fmt::format("{}:{}: bad journal entry ({})", path, line_number, error.what()));
    }
  }
  if (line_number == 0) throw std::runtime_error(path + ": empty journal");
  return done;
}

// ---- running one step -------------------------------------------------------------------------

std::string substitute(std::string word, const TargetFile& target) {
  for (const auto& [key, value] : {std::pair<std::string, std::string>{"{vm}", target.vm},
                                   {"{snapshot}", target.snapshot}}) {
    for (std::size_t at = word.find(key); at != std::string::npos; at = word.find(key, at + value.size())) {
      word.replace(at, key.size(), value);
    }
  }
  return word;
}

/// Reads /Get-Packages into the view.
void read_state(const ReplayStep& step, const model::Catalog& catalog, const TargetFile& target,
                Transport& transport, Observation& observed, RemoteResult& failure) {
  const RemoteResult listing = transport.run(machine_argv(step.read_back, false, target), target.command_timeout);
  if (listing.unreachable) {
    failure = listing;
    return;
  }
  const auto parsed = parse_get_packages(decode_console(listing.process.out));
  if (!parsed) {
    observed.notes.push_back(fmt::format("/Get-Packages output unreadable at line {}: {}",
                                         parsed.error().line, parsed.error().message));
    return;
  }
  if (parsed->truncated || listing.process.output_truncated) {
    observed.notes.push_back("the /Get-Packages output was cut short");
  }
  for (const model::Package& package : catalog.packages) {
    std::string state = std::string(model::dism_state_text(model::CbsState::absent));
    for (const ListedPackage& listed : parsed->packages) {
      if (lower(listed.identity) == lower(package.identity)) state = listed.state;
    }
    observed.view.packages.emplace_back(package.id, state);
  }
  observed.view.ubr = parsed->image_ubr;
}

/// Runs one step and its read-back. Returns false (with `why`) when the machine could not be
/// reached.
bool run_step(const ReplayStep& step, const model::Catalog& catalog, const TargetFile& target,
              Transport& transport, Observation& observed, std::string& why) {
  RemoteResult failure;
  const RemoteResult done = transport.run(machine_argv(step.command, step.restart, target), target.command_timeout);
  if (done.unreachable && !step.restart) {
    why = done.why;
    return false;
  }
  observed.stdout_text = decode_console(done.process.out);
  observed.stderr_text = decode_console(done.process.err);
  if (step.restart) {
    // The machine goes away (a real one) and comes back: bounded polling on both sides.
    const auto poll_until = [&](bool want_answer, std::chrono::seconds limit) {
      const auto deadline = std::chrono::steady_clock::now() + limit;
      for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::seconds>(deadline - std::chrono::steady_clock::now());
        if (transport.answers(std::clamp(left, std::chrono::seconds(1), target.ssh.connect_timeout)) == want_answer) return true;
        if (std::chrono::steady_clock::now() + target.poll_interval > deadline) return false;
        std::this_thread::sleep_for(target.poll_interval);
      }
    };
    if (target.restart_down.count() > 0 && !poll_until(false, target.restart_down)) {
      observed.notes.push_back(fmt::format("the machine kept answering for {} s after the restart command",
                                           target.restart_down.count()));
    }
    // With no wait for the machine to go away (restart_down_s: 0, a restart that completes
    // before its command returns, as the emulator's does), a restart command that succeeded has
    // already come back; the read-back that follows proves the machine answers.
    const bool back_at_once = target.restart_down.count() == 0 && done.process.exit_code == 0;
    if (!back_at_once && !poll_until(true, target.restart_up)) {
      why = fmt::format("{} did not come back within {} s of the restart", transport.describe(),
                        target.restart_up.count());
      return false;
    }
    observed.view.result = "restart";
  } else {
    const ConsoleReport console = parse_console(observed.stdout_text);
    if (done.process.signal) {
      observed.view.result = "killed";
    } else if (console.error_hresult) {
      observed.view.result = model::hresult_text(*console.error_hresult);
    } else if (console.completed) {
      observed.view.result = console.restart_required ? "success, restart required" : "success";
    } else {
      observed.view.result = "no result";
      observed.notes.push_back("the console output ended before DISM's last line");
    }
    observed.view.reboot_required = console.restart_required;
    if (console.exit_code_line) {
      observed.view.rc = *console.exit_code_line;
    } else if (done.process.exit_code) {
      observed.view.rc = *done.process.exit_code;
      observed.view.rc_low_byte_only = true;
    }
  }
  observed.view.read_back = !step.read_back.empty();
  if (observed.view.read_back) {
    read_state(step, catalog, target, transport, observed, failure);
    if (failure.unreachable) {
      why = failure.why;
      return false;
    }
  }
  return true;
}

// ---- knobs ------------------------------------------------------------------------------------

/// Each knob with the values it may take (scenarios.md "knobs"); a finding names the first value,
/// other than the scenario's, under which every observed step is predicted.
struct KnobCandidate {
  std::string_view name;
  std::string value;
  void (*set)(model::Knobs&, const std::string&);
  std::string (*get)(const model::Knobs&);
};

std::string code_text(model::ResultCode code) { return model::hresult_text(model::hresult(code)); }
model::ResultCode code_of(const std::string& text) { return *model::parse_result_code(text); }

std::vector<KnobCandidate> knob_candidates() {
  using model::Knobs;
  std::vector<KnobCandidate> candidates;
  for (const char* value : {"0x800F0838", "0x800F081E"}) {
    candidates.push_back({"missing_baseline_error", value,
                          [](Knobs& k, const std::string& v) { k.missing_baseline_error = code_of(v); },
                          [](const Knobs& k) { return code_text(k.missing_baseline_error); }});
  }
  for (const char* value : {"0", "2359302", "3010"}) {
    candidates.push_back({"already_installed_exit", value,
                          [](Knobs& k, const std::string& v) { k.already_installed_exit = std::stoi(v); },
                          [](const Knobs& k) { return std::to_string(k.already_installed_exit); }});
  }
  for (const char* value : {"true", "false"}) {
    candidates.push_back({"baseline_sees_pending", value,
                          [](Knobs& k, const std::string& v) { k.baseline_sees_pending = v == "true"; },
                          [](const Knobs& k) { return std::string(k.baseline_sees_pending ? "true" : "false"); }});
    candidates.push_back({"ssu_blocked_by_pending_reboot", value,
                          [](Knobs& k, const std::string& v) { k.ssu_blocked_by_pending_reboot = v == "true"; },
                          [](const Knobs& k) { return std::string(k.ssu_blocked_by_pending_reboot ? "true" : "false"); }});
  }
  for (const char* value : {"applicable", "not_applicable"}) {
    candidates.push_back({"older_checkpoint", value,
                          [](Knobs& k, const std::string& v) {
                            k.older_checkpoint = v == "applicable" ? model::OlderCheckpoint::applicable
                                                                   : model::OlderCheckpoint::not_applicable;
                          },
                          [](const Knobs& k) {
                            return std::string(k.older_checkpoint == model::OlderCheckpoint::applicable
                                                   ? "applicable" : "not_applicable");
                          }});
  }
  for (const char* value : {"succeed", "fail"}) {
    candidates.push_back({"corrupt_store_adds", value,
                          [](Knobs& k, const std::string& v) {
                            k.corrupt_store_adds = v == "succeed" ? model::CorruptStoreAdds::succeed
                                                                  : model::CorruptStoreAdds::fail;
                          },
                          [](const Knobs& k) {
                            return std::string(k.corrupt_store_adds == model::CorruptStoreAdds::succeed
                                                   ? "succeed" : "fail");
                          }});
  }
  for (const char* value : {"0x800F0805", "0x800F081E"}) {
    candidates.push_back({"remove_absent_error", value,
                          [](Knobs& k, const std::string& v) { k.remove_absent_error = code_of(v); },
                          [](const Knobs& k) { return code_text(k.remove_absent_error); }});
  }
  return candidates;
}

std::vector<KnobFinding> explain_by_knobs(const scenario::Scenario& scenario,
                                          const std::vector<model::PlanStep>& order,
                                          const TargetFile& target,
                                          const std::vector<StepReport>& steps) {
  std::vector<KnobFinding> findings;
  for (const KnobCandidate& candidate : knob_candidates()) {
    const std::string current = candidate.get(scenario.knobs);
    if (current == candidate.value) continue;
    scenario::Scenario variant = scenario;
    candidate.set(variant.knobs, candidate.value);
    const auto plan = make_replay_plan(variant, order, target);
    if (!plan) continue;
    bool explains = true;
    for (std::size_t index = 0; index < steps.size() && explains; ++index) {
      if (!steps[index].observed) break;
      explains = index < plan->steps.size() &&
                 compare_step(plan->steps[index].predicted, *steps[index].observed).empty();
    }
    if (explains) findings.push_back({std::string(candidate.name), candidate.value, current});
  }
  return findings;
}

}  // namespace

std::string_view replay_status_name(ReplayStatus status) {
  switch (status) {
    case ReplayStatus::confirmed: return "confirmed";
    case ReplayStatus::mismatch: return "mismatch";
    case ReplayStatus::unreachable: return "unreachable";
    case ReplayStatus::interrupted: return "interrupted";
  }
  return "unknown";
}

std::string command_text(const std::vector<model::CommandArgument>& command, model::Shell shell) {
  return model::quote_command(command, shell);
}

Result<ReplayPlan, std::string> make_replay_plan(const scenario::Scenario& scenario,
                                                 const std::vector<model::PlanStep>& order,
                                                 const TargetFile& target) {
  ReplayPlan plan;
  plan.scenario_path = scenario.path;
  plan.order = simulator::step_texts(order);
  std::optional<model::TargetIndex> target_index;
  if (target.target.empty()) {
    if (scenario.targets.size() != 1) {
      return unexpected(std::string("the scenario has several targets: name the one to replay with "
                                    "`target:` in the target file"));
    }
    target_index = 0;
  } else {
    for (std::size_t index = 0; index < scenario.targets.size(); ++index) {
      if (scenario.targets[index].name == target.target) target_index = static_cast<model::TargetIndex>(index);
    }
    if (!target_index) {
      return unexpected(fmt::format("the target file's target '{}' is not a target of {}",
                                    target.target, scenario.path));
    }
  }
  plan.target_name = scenario.targets[*target_index].name;
  const model::World world = scenario::make_world(scenario);
  const model::ServicingContext& context = world.context(*target_index);
  if (context.target_kind == model::TargetKind::media) {
    return unexpected(std::string("the media folder takes files (expand.exe), not DISM: replay "
                                  "runs DISM targets only"));
  }
  const simulator::RunResult run = simulator::run_sequence(
      scenario, order, {}, simulator::expected_end_state(scenario));
  if (run.violation) {
    return unexpected("the model violated an invariant predicting this order: " + run.violation_text);
  }
  plan.predicted_class = run.outcome_class;
  plan.predicted_first_error = run.first_error;
  for (const simulator::StepRecord& record : run.steps) {
    if (record.step.target != *target_index) {
      return unexpected(fmt::format("step {} ({}) runs on target '{}': replay runs one target at a "
                                    "time ('{}')", record.number, record.text,
                                    scenario.targets[record.step.target].name, plan.target_name));
    }
    if (record.step.operation.kind == model::OperationKind::copy_winre) {
      return unexpected(fmt::format("step {} ({}) is a file copy, not a DISM call: replay cannot run it",
                                    record.number, record.text));
    }
    ReplayStep step;
    step.number = record.number;
    step.text = record.text;
    step.reason = std::string(simulator::step_reason_name(record.reason));
    step.restart = record.step.operation.kind == model::OperationKind::reboot;
    // A one-package add (Method 2) takes its .msu from a folder of its own, named after its id:
    // with the rest of the chain beside it, DISM would discover and install the checkpoints too
    // (facts §3.2), and the step would be Method 1. A Method 1 step names the chain's folder.
    model::DismPaths paths = target.paths;
    if (record.step.operation.kind == model::OperationKind::add) {
      paths.package_folder += "\\" + context.package(record.step.operation.package).id;
    }
    const auto arguments = model::dism_command_arguments(context, record.step.operation, paths);
    if (step.restart) {
      step.command = arguments;
    } else {
      step.command = dism_call(arguments, target);
    }
    if (readable(context, record.outcome.state)) step.read_back = get_packages(context, target);
    StepView& predicted = step.predicted;
    if (step.restart) {
      predicted.result = "restart";
    } else {
      predicted.result = result_text(record.outcome.code);
      const auto exit_code = model::dism_exit_code(context, record.outcome);
      if (exit_code) predicted.rc = *exit_code;
      predicted.reboot_required = record.outcome.code == model::ResultCode::success_reboot_required;
    }
    predicted.read_back = !step.read_back.empty();
    if (predicted.read_back) {
      predicted.packages = predicted_packages(context, record.outcome.state);
      predicted.ubr = record.outcome.state.ubr;
    }
    plan.steps.push_back(std::move(step));
  }
  return plan;
}

std::string powershell_script(const ReplayPlan& plan) {
  std::string script = fmt::format(
      "# svcsim replay plan, written by svcsim: {} on target '{}', order {}.\n"
      "# Run it by hand on the machine, one block at a time: a restart ends a block, and the\n"
      "# next block runs once the machine is back. After each step the /Get-Packages listing\n"
      "# is what svcsim compares with its prediction.\n",
      plan.scenario_path, plan.target_name, fmt::join(plan.order, ","));
  for (const ReplayStep& step : plan.steps) {
    script += fmt::format("\n# step {}: {} ({})\n", step.number, step.text, step.reason);
    if (step.restart) {
      script += "# --- the machine restarts here; run what follows once it is back ---\n";
      script += command_text(step.command, model::Shell::powershell) + "\n";
      continue;
    }
    script += fmt::format("#   predicted: {}, exit code {}\n", step.predicted.result,
                          step.predicted.rc ? std::to_string(*step.predicted.rc) : "none");
    script += command_text(step.command, model::Shell::powershell) + "\n";
    script += "\"exit code: $LASTEXITCODE\"\n";
    if (!step.read_back.empty()) script += command_text(step.read_back, model::Shell::powershell) + "\n";
  }
  return script;
}

std::vector<std::string> compare_step(const StepView& predicted, const Observation& observed) {
  std::vector<std::string> mismatches;
  const StepView& seen = observed.view;
  if (predicted.result != seen.result) {
    mismatches.push_back(fmt::format("result: predicted {}, observed {}", predicted.result, seen.result));
  }
  if (predicted.result != "restart") {
    const auto show = [](const std::optional<std::int64_t>& rc) {
      return rc ? std::to_string(*rc) : std::string("none");
    };
    bool same = predicted.rc == seen.rc;
    if (seen.rc_low_byte_only && predicted.rc && seen.rc) {
      same = (static_cast<std::uint64_t>(*predicted.rc) & 0xFFu) == static_cast<std::uint64_t>(*seen.rc);
    }
    if (!same) {
      mismatches.push_back(fmt::format("exit code: predicted {}, observed {}{}", show(predicted.rc),
                                       show(seen.rc), seen.rc_low_byte_only ? " (low 8 bits)" : ""));
    }
  }
  if (predicted.read_back) {
    if (!seen.read_back || seen.packages.size() != predicted.packages.size()) {
      mismatches.push_back("packages: no /Get-Packages listing could be read back");
    } else {
      for (std::size_t index = 0; index < predicted.packages.size(); ++index) {
        if (predicted.packages[index].second != seen.packages[index].second) {
          mismatches.push_back(fmt::format("{}: predicted {}, observed {}", predicted.packages[index].first,
                                           predicted.packages[index].second, seen.packages[index].second));
        }
      }
      if (predicted.ubr != seen.ubr) {
        mismatches.push_back(fmt::format("UBR: predicted {}, observed {}",
                                         predicted.ubr ? std::to_string(*predicted.ubr) : "none",
                                         seen.ubr ? std::to_string(*seen.ubr) : "none"));
      }
    }
  }
  for (const std::string& note : observed.notes) {
    if (note.find("cut short") != std::string::npos || note.find("unreadable") != std::string::npos) {
      mismatches.push_back(note);
    }
  }
  return mismatches;
}

ReplayReport execute_replay(const scenario::Scenario& scenario,
                            const std::vector<model::PlanStep>& order, const ReplayPlan& plan,
                            const TargetFile& target, Transport& transport,
                            const ReplayOptions& options) {
  SVCSIM_ASSERT(!options.journal_path.empty());
  ReplayReport report;
  report.journal_path = options.journal_path;
  report.transport = transport.describe();
  std::vector<Observation> done;
  if (options.resume) {
    done = read_journal(options.journal_path, plan, target);
    report.from_journal = static_cast<int>(done.size());
  } else {
    if (::access(options.journal_path.c_str(), F_OK) == 0) {
      throw std::runtime_error("journal " + options.journal_path + " already exists: continue that "
                               "replay with --resume, or remove the file to start again");
    }
    if (!target.snapshot_revert.empty()) {
      std::vector<std::string> argv;
      for (const std::string& word : target.snapshot_revert) argv.push_back(substitute(word, target));
      const ProcessResult reverted = run_process(
          argv, {}, {std::chrono::duration_cast<std::chrono::milliseconds>(target.snapshot_timeout)});
      if (!reverted.spawn_error.empty() || reverted.timed_out || reverted.exit_code != 0) {
        report.status = ReplayStatus::unreachable;
        report.why = fmt::format("the snapshot hook ({}) failed: {}", argv.front(),
                                 !reverted.spawn_error.empty() ? reverted.spawn_error
                                 : reverted.timed_out          ? std::string("timed out")
                                                               : reverted.err.substr(0, 200));
      }
    }
    // No journal when the machine could not be restored: nothing was done to resume from.
    if (report.status == ReplayStatus::confirmed) {
      append_line_durably(options.journal_path, journal_header(plan, target).dump(), true);
    }
  }

  for (std::size_t index = done.size();
       index < plan.steps.size() && report.status == ReplayStatus::confirmed; ++index) {
    if (options.interrupt != nullptr && options.interrupt->load()) {
      report.status = ReplayStatus::interrupted;
      report.why = fmt::format("interrupted after step {} of {}", index, plan.steps.size());
      break;
    }
    Observation observed;
    std::string why;
    if (!run_step(plan.steps[index], scenario.catalog, target, transport, observed, why)) {
      report.status = ReplayStatus::unreachable;
      report.why = fmt::format("step {} ({}): {}", plan.steps[index].number, plan.steps[index].text, why);
      break;
    }
    append_line_durably(options.journal_path, observation_json(plan.steps[index].number, observed).dump(), false);
    done.push_back(std::move(observed));
  }

  // Every step of the plan has its entry, run or not: the reports list them all.
  bool any_mismatch = false;
  for (std::size_t index = 0; index < plan.steps.size(); ++index) {
    StepReport step;
    step.step = &plan.steps[index];
    if (index < done.size()) {
      step.observed = done[index];
      step.from_journal = static_cast<int>(index) < report.from_journal;
      step.mismatches = compare_step(plan.steps[index].predicted, done[index]);
      any_mismatch = any_mismatch || !step.mismatches.empty();
    }
    report.steps.push_back(std::move(step));
  }
  if (report.status == ReplayStatus::confirmed && any_mismatch) report.status = ReplayStatus::mismatch;
  SVCSIM_ASSERT(report.steps.size() == plan.steps.size());
  if (any_mismatch) report.findings = explain_by_knobs(scenario, order, target, report.steps);
  return report;
}

}  // namespace svcsim::adapter
