// `svcsim dism`: reads DISM's switches, finds the target and the operation they name, asks the
// model (model::step) what happens, keeps the new state in the state file, and prints what DISM
// prints (model::dism_console_text, dism_output.hpp). No servicing rule is decided here.
#include "svcsim/adapter/emulator.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <istream>
#include <map>
#include <nlohmann/json.hpp>
#include <ostream>
#include <stdexcept>

#include "svcsim/adapter/atomic_file.hpp"
#include "svcsim/adapter/dism_output.hpp"
#include "svcsim/model/assert.hpp"
#include "svcsim/model/dism_text.hpp"
#include "svcsim/scenario/loader.hpp"
#include "svcsim/simulator/sequence.hpp"

namespace svcsim::adapter {
namespace {

using nlohmann::ordered_json;

constexpr std::string_view state_format = "svcsim-dism-state 1";
constexpr std::string_view log_line = "The DISM log file can be found at C:\\Windows\\Logs\\DISM\\dism.log";
/// The emulator's restarts are bounded like the model's reboot loops: a QA script that restarts
/// forever is stopped, not followed.
constexpr int restart_count_max = 10'000;

std::string lower(std::string_view text) {
  std::string result(text);
  std::transform(result.begin(), result.end(), result.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return result;
}

/// A usage error DISM reports itself: "Error: 87", the message, the log line; exit 87.
struct DismUsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Everything the state file holds.
struct EmulatorState {
  std::string scenario_path;
  std::map<std::string, std::string> knobs;     // overrides of the scenario's knobs, as written
  std::vector<model::Fault> inject;             // faults for the next steps they can strike
  std::map<std::string, std::string> mounts;    // mount dir (lower case) -> target name
  std::vector<model::TargetState> targets;      // in the scenario's target order
  int restarts = 0;
};

/// The scenario with `knobs` written over its own: the knob values are read by the scenario
/// loader itself, so a bad value is refused exactly as in a scenario file.
scenario::Scenario load_scenario(const std::string& path,
                                 const std::map<std::string, std::string>& knobs) {
  if (knobs.empty()) {
    auto loaded = scenario::load_scenario_file(path);
    if (!loaded) throw std::runtime_error(loaded.error().to_string());
    return std::move(loaded.value());
  }
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::Exception& error) {
    throw std::runtime_error(path + ": " + error.what());
  }
  for (const auto& [name, value] : knobs) root["knobs"][name] = YAML::Load(value);
  YAML::Emitter emitter;
  emitter << root;
  auto loaded = scenario::load_scenario_text(emitter.c_str(), path);
  if (!loaded) {
    throw std::runtime_error(loaded.error().to_string() + " (with --knob overrides)");
  }
  return std::move(loaded.value());
}

// ---- the state file -----------------------------------------------------------------------

ordered_json image_json(const model::ServicingContext& context, const model::ServicedImage& image) {
  ordered_json packages = ordered_json::object();
  ordered_json origin = ordered_json::array();
  ordered_json safeos = ordered_json::array();
  for (std::size_t slot = 0; slot < context.catalog->size(); ++slot) {
    const auto index = static_cast<model::PackageIndex>(slot);
    const std::string& id = context.package(index).id;
    packages[id] = model::cbs_state_name(image.packages.get(index));
    if (image.packages.origin(index)) origin.push_back(id);
    if ((image.winre.safeos_dus & model::package_bit(index)) != 0) safeos.push_back(id);
  }
  ordered_json flags = ordered_json::array();
  for (int flag = 0; flag < model::target_flag_count; ++flag) {
    const auto which = static_cast<model::TargetFlag>(flag);
    if (image.flags.has(which)) flags.push_back(model::target_flag_name(which));
  }
  return {{"build", image.build},
          {"ubr", image.ubr},
          {"ssu_version", image.ssu_version},
          {"device", image.device},
          {"regressions", image.regressions},
          {"reboot_count", image.reboot_count},
          {"flags", flags},
          {"packages", packages},
          {"origin", origin},
          {"winre", {{"safeos_dus", safeos}, {"ubr", image.winre.ubr},
                     {"ssu_version", image.winre.ssu_version}}}};
}

model::ServicedImage image_from_json(const model::Catalog& catalog, const ordered_json& json) {
  model::ServicedImage image;
  image.build = json.at("build").get<std::uint32_t>();
  image.ubr = json.at("ubr").get<std::uint32_t>();
  image.ssu_version = json.at("ssu_version").get<std::uint32_t>();
  image.device = json.at("device").get<model::DeviceBits>();
  image.regressions = json.at("regressions").get<model::DeviceBits>();
  image.reboot_count = json.at("reboot_count").get<std::uint8_t>();
  for (const auto& name : json.at("flags")) {
    bool known = false;
    for (int flag = 0; flag < model::target_flag_count; ++flag) {
      const auto which = static_cast<model::TargetFlag>(flag);
      if (model::target_flag_name(which) == name.get<std::string>()) {
        image.flags.set(which);
        known = true;
      }
    }
    if (!known) throw std::runtime_error("unknown flag " + name.dump());
  }
  const auto index_of = [&](const std::string& id) {
    const auto index = catalog.find(id);
    if (!index) throw std::runtime_error("package " + id + " is not in the scenario's catalog");
    return *index;
  };
  for (const auto& [id, state] : json.at("packages").items()) {
    const auto parsed = model::parse_cbs_state(state.get<std::string>());
    if (!parsed) throw std::runtime_error("unknown package state " + state.dump());
    image.packages.set(index_of(id), *parsed);
  }
  model::PackageMask origin = 0;
  for (const auto& id : json.at("origin")) origin |= model::package_bit(index_of(id.get<std::string>()));
  image.packages.set_origin(origin);
  const ordered_json& winre = json.at("winre");
  for (const auto& id : winre.at("safeos_dus")) {
    image.winre.safeos_dus |= model::package_bit(index_of(id.get<std::string>()));
  }
  image.winre.ubr = winre.at("ubr").get<std::uint32_t>();
  image.winre.ssu_version = winre.at("ssu_version").get<std::uint32_t>();
  return image;
}

std::string state_text(const scenario::Scenario& scenario, const model::World& world,
                       const EmulatorState& state) {
  ordered_json targets = ordered_json::object();
  for (std::size_t target = 0; target < state.targets.size(); ++target) {
    const auto& context = world.context(static_cast<model::TargetIndex>(target));
    ordered_json entry = image_json(context, state.targets[target]);
    entry["kind"] = model::target_kind_name(context.target_kind);
    entry["committed"] = image_json(context, state.targets[target].committed);
    targets[scenario.targets[target].name] = entry;
  }
  ordered_json inject = ordered_json::array();
  for (const model::Fault fault : state.inject) inject.push_back(model::fault_name(fault));
  const ordered_json document = {{"format", state_format},
                                 {"scenario", state.scenario_path},
                                 {"knobs", state.knobs},
                                 {"inject", inject},
                                 {"mounts", state.mounts},
                                 {"restarts", state.restarts},
                                 {"targets", targets}};
  return document.dump(2) + "\n";
}

// ---- one call -------------------------------------------------------------------------------

/// A parsed DISM switch: "/PackagePath:C:\x.msu" -> {"packagepath", "C:\x.msu"}.
struct Switch {
  std::string name;   // lower case, without the slash
  std::string value;  // as given (quotes a caller left around it removed)
  bool has_value = false;
};

class Call {
 public:
  Call(std::istream& in, std::ostream& out, std::ostream& err) : in_(in), out_(out), err_(err) {}

  EmulatorExit run(const std::vector<std::string>& arguments) {
    std::vector<std::string> dism_arguments;
    std::optional<std::string> init_path;
    std::vector<std::string> knob_settings;
    std::vector<model::Fault> injections;
    std::vector<std::string> device_properties;
    bool restart = false;
    bool show_state = false;
    std::string state_directory;
    if (const char* from_environment = std::getenv("SVCSIM_DISM_STATE_DIR")) {
      state_directory = from_environment;
    }
    for (std::size_t index = 0; index < arguments.size(); ++index) {
      const std::string& argument = arguments[index];
      const auto next = [&]() -> std::string {
        if (index + 1 >= arguments.size()) throw std::runtime_error(argument + " needs a value");
        return arguments[++index];
      };
      if (argument == "--state-dir") {
        state_directory = next();
      } else if (argument == "--init") {
        init_path = next();
      } else if (argument == "--knob") {
        knob_settings.push_back(next());
      } else if (argument == "--inject") {
        const std::string name = next();
        const auto fault = model::parse_fault(name);
        if (!fault || *fault == model::Fault::none) {
          throw std::runtime_error("--inject: unknown fault kind '" + name + "'");
        }
        injections.push_back(*fault);
      } else if (argument == "--device") {
        device_properties.push_back(next());
      } else if (argument == "--restart") {
        restart = true;
      } else if (argument == "--exit-code-line") {
        exit_code_line_ = true;
      } else if (argument == "--show-state") {
        show_state = true;
      } else if (argument.rfind("--", 0) == 0) {
        throw std::runtime_error("unknown option " + argument +
                                 " (svcsim dism options: --state-dir, --init, --knob, --inject, "
                                 "--device, --restart, --exit-code-line, --show-state)");
      } else {
        dism_arguments.push_back(argument);
      }
    }
    if (state_directory.empty()) state_directory = default_state_directory();
    std::filesystem::create_directories(state_directory);
    state_path_ = (std::filesystem::path(state_directory) / "state.json").string();
    lock(state_directory);

    if (init_path) {
      state_ = EmulatorState{};
      state_.scenario_path = std::filesystem::absolute(*init_path).string();
    } else {
      read_state();
    }
    for (const std::string& setting : knob_settings) {
      const std::size_t equals = setting.find('=');
      if (equals == std::string::npos || equals == 0) {
        throw std::runtime_error("--knob '" + setting + "': expected NAME=VALUE");
      }
      state_.knobs[setting.substr(0, equals)] = setting.substr(equals + 1);
    }
    scenario_ = load_scenario(state_.scenario_path, state_.knobs);
    world_.emplace(scenario::make_world(scenario_));
    decode_targets();
    if (!device_properties.empty() && !init_path) {
      throw std::runtime_error("--device describes the machine at its start: give it with --init");
    }
    if (init_path) {
      // The start every engine uses: the World's, on the device --device describes (v2 defects
      // and regressions, read as `svcsim run --fault 0:PROPERTY` reads them).
      std::vector<simulator::FaultPlacement> device;
      for (const std::string& property : device_properties) {
        std::string why;
        const auto placement = simulator::parse_fault_placement("0:" + property, &why, &scenario_.catalog);
        if (!placement || !placement->is_device()) {
          throw std::runtime_error("--device '" + property + "': " + (why.empty() ? "not a device property" : why));
        }
        device.push_back(*placement);
      }
      state_.targets = world_->initial_state(simulator::device_of(scenario_.catalog, device)).targets;
    }
    if (state_.targets.size() != scenario_.targets.size()) {
      throw std::runtime_error(state_path_ + ": its targets do not match " + state_.scenario_path +
                               "; run svcsim dism --init again");
    }
    for (const model::Fault fault : injections) state_.inject.push_back(fault);
    if (show_state) {
      out_ << state_text(scenario_, *world_, state_);
      return finish(0);
    }

    if (restart) return restart_online();
    if (dism_arguments.empty()) {
      save();  // --init, --knob and --inject alone only change the state
      return finish(0);
    }
    const std::string program = lower(dism_arguments.front());
    if (program == "shutdown" || program == "shutdown.exe") {
      dism_arguments.erase(dism_arguments.begin());
      const bool reboot = std::any_of(dism_arguments.begin(), dism_arguments.end(),
                                      [](const std::string& a) { return lower(a) == "/r"; });
      if (!reboot) throw std::runtime_error("shutdown: only the restart form (shutdown /r) is emulated");
      return restart_online();
    }
    if (program == "dism" || program == "dism.exe") dism_arguments.erase(dism_arguments.begin());
    try {
      return run_dism(dism_arguments);
    } catch (const DismUsageError& error) {
      print(dism_header_text() + fmt::format("Error: 87\n\n{}\n\n{}\n", error.what(), log_line));
      return finish(87);
    }
  }

 private:
  void lock(const std::string& directory) {
    const std::string path = (std::filesystem::path(directory) / "lock").string();
    lock_fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (lock_fd_ < 0 || ::flock(lock_fd_, LOCK_EX) != 0) {
      throw std::runtime_error("cannot lock " + path);
    }
  }

  void read_state() {
    bool found = false;
    const std::string text = read_file(state_path_, &found);
    if (!found) {
      throw std::runtime_error("no emulator state in " + state_path_ +
                               ": start with svcsim dism --init SCENARIO.yaml");
    }
    try {
      const ordered_json document = ordered_json::parse(text);
      if (document.at("format") != state_format) throw std::runtime_error("unknown format");
      state_.scenario_path = document.at("scenario").get<std::string>();
      state_.knobs = document.at("knobs").get<std::map<std::string, std::string>>();
      for (const auto& name : document.at("inject")) {
        const auto fault = model::parse_fault(name.get<std::string>());
        if (!fault) throw std::runtime_error("unknown fault " + name.dump());
        state_.inject.push_back(*fault);
      }
      state_.mounts = document.at("mounts").get<std::map<std::string, std::string>>();
      state_.restarts = document.at("restarts").get<int>();
      pending_targets_ = document.at("targets");
    } catch (const std::exception& error) {
      throw std::runtime_error(state_path_ + ": not an emulator state file (" + error.what() + ")");
    }
  }

  /// Reads the targets once the scenario (and so the catalog) is known.
  void decode_targets() {
    if (pending_targets_.is_null()) return;
    try {
      for (const auto& spec : scenario_.targets) {
        const ordered_json& entry = pending_targets_.at(spec.name);
        model::TargetState target;
        static_cast<model::ServicedImage&>(target) = image_from_json(scenario_.catalog, entry);
        target.committed = image_from_json(scenario_.catalog, entry.at("committed"));
        state_.targets.push_back(target);
      }
    } catch (const std::exception& error) {
      throw std::runtime_error(state_path_ + ": " + error.what());
    }
    pending_targets_ = nullptr;
  }

  void save() { write_file_atomically(state_path_, state_text(scenario_, *world_, state_)); }

  void print(const std::string& text) {
    if (!quiet_) out_ << text;
  }

  EmulatorExit finish(std::int64_t code, bool killed = false) {
    if (exit_code_line_ && !killed) out_ << "svcsim-exit-code: " << code << "\n";
    out_.flush();
    return {code, killed};
  }

  std::string dism_header_text() const {
    const model::TargetState& shown = state_.targets.empty() ? model::TargetState{}
                                                              : state_.targets[shown_target_];
    return dism_header(shown.build, shown.ubr);
  }

  std::optional<model::TargetIndex> online_target() const {
    for (std::size_t target = 0; target < scenario_.targets.size(); ++target) {
      if (scenario_.targets[target].kind == model::TargetKind::online) {
        return static_cast<model::TargetIndex>(target);
      }
    }
    return std::nullopt;
  }

  /// The one image target (install.wim, boot.wim, winre.wim) a path or a scenario points at.
  model::TargetIndex image_target(std::string_view hint) const {
    std::vector<model::TargetIndex> images;
    for (std::size_t target = 0; target < scenario_.targets.size(); ++target) {
      const model::TargetKind kind = scenario_.targets[target].kind;
      if (kind != model::TargetKind::online && kind != model::TargetKind::media) {
        images.push_back(static_cast<model::TargetIndex>(target));
      }
    }
    const std::string name = lower(hint.substr(hint.find_last_of("\\/") + 1));
    for (const model::TargetIndex target : images) {
      const std::string kind(model::target_kind_name(scenario_.targets[target].kind));  // boot_wim
      std::string file = kind;
      file[file.size() - 4] = '.';  // boot.wim
      if (name == file || lower(scenario_.targets[target].name) == name) return target;
    }
    if (images.size() == 1) return images.front();
    throw DismUsageError(images.empty()
                             ? "The emulated machine has no offline image (the scenario has none)."
                             : "The image could not be told apart from the others: name the "
                               "install.wim, boot.wim or winre.wim file, or mount it first.");
  }

  static std::string mount_key(std::string_view directory) {
    std::string key = lower(directory);
    while (key.size() > 1 && (key.back() == '\\' || key.back() == '/')) key.pop_back();
    return key;
  }

  EmulatorExit restart_online() {
    const auto target = online_target();
    if (!target) throw std::runtime_error("restart: the scenario has no online target to restart");
    if (++state_.restarts > restart_count_max) {
      throw std::runtime_error("restart: more than " + std::to_string(restart_count_max) +
                               " restarts; the emulator stops a restart loop here");
    }
    model::Operation operation;
    operation.kind = model::OperationKind::reboot;
    apply(*target, operation);
    return finish(0);
  }

  /// Runs one model step, with the first queued fault if it can strike here, and saves.
  model::Outcome apply(model::TargetIndex target, const model::Operation& operation) {
    const model::WorldState world_state{state_.targets};
    const model::Step step{target, operation};
    model::WorldOutcome done = model::step(*world_, world_state, step);
    if (!state_.inject.empty() && (done.outcome.fault_sites & model::fault_bit(state_.inject.front())) != 0) {
      done = model::step(*world_, world_state, step, state_.inject.front());
      state_.inject.erase(state_.inject.begin());
    }
    SVCSIM_ASSERT(done.target == target);
    state_.targets[target] = done.outcome.state;
    save();
    return done.outcome;
  }

  std::vector<Switch> parse_switches(const std::vector<std::string>& arguments) {
    std::vector<Switch> switches;
    for (const std::string& argument : arguments) {
      if (argument.empty() || argument[0] != '/') {
        throw DismUsageError("The option " + argument + " is unknown.\nFor more information, "
                             "refer to the help by running DISM.exe /?.");
      }
      Switch parsed;
      const std::size_t colon = argument.find(':');
      parsed.name = lower(argument.substr(1, colon == std::string::npos ? std::string::npos : colon - 1));
      if (colon != std::string::npos) {
        parsed.has_value = true;
        parsed.value = argument.substr(colon + 1);
        if (parsed.value.size() >= 2 && parsed.value.front() == '"' && parsed.value.back() == '"') {
          parsed.value = parsed.value.substr(1, parsed.value.size() - 2);
        }
      }
      switches.push_back(std::move(parsed));
    }
    return switches;
  }

  static const Switch* find(const std::vector<Switch>& switches, std::string_view name) {
    for (const Switch& entry : switches) {
      if (entry.name == name) return &entry;
    }
    return nullptr;
  }

  static std::string required_value(const std::vector<Switch>& switches, std::string_view name) {
    const Switch* entry = find(switches, name);
    if (entry == nullptr || !entry->has_value || entry->value.empty()) {
      throw DismUsageError(fmt::format("The /{} option is missing or has no value.", name));
    }
    return entry->value;
  }

  /// The catalog package a /PackagePath: names by its file name (case-insensitive, as NTFS).
  std::optional<model::PackageIndex> package_by_path(std::string_view path) const {
    const std::string name = lower(path.substr(path.find_last_of("\\/") + 1));
    for (std::size_t slot = 0; slot < scenario_.catalog.size(); ++slot) {
      if (lower(scenario_.catalog.packages[slot].file) == name) {
        return static_cast<model::PackageIndex>(slot);
      }
    }
    return std::nullopt;
  }

  /// Whether the file at `path` stands alone in its folder: the folder is named after the
  /// package's id (C:\Packages\KB5043080\windows11.0-kb5043080-x64.msu), the layout replay
  /// gives one-package (Method 2) steps. Anywhere else the emulator takes the folder to hold the
  /// scenario's chain, and DISM discovers the checkpoints beside a CU (facts §3.2).
  bool stands_alone(std::string_view path, model::PackageIndex package) const {
    const std::size_t end = path.find_last_of("\\/");
    if (end == std::string_view::npos) return false;
    const std::string_view folder = path.substr(0, end);
    const std::size_t start = folder.find_last_of("\\/");
    const std::string_view name = start == std::string_view::npos ? folder : folder.substr(start + 1);
    return lower(name) == lower(scenario_.catalog.packages[package].id);
  }

  /// A /PackagePath: that names a folder (no .msu or .cab at its end): Method 1, whose target is
  /// the newest cumulative update of the catalog (DISM processes every CU up to it).
  std::optional<model::PackageIndex> folder_target(std::string_view path) const {
    const std::string name = lower(path);
    if (name.ends_with(".msu") || name.ends_with(".cab")) return std::nullopt;
    std::optional<model::PackageIndex> newest;
    for (std::size_t slot = 0; slot < scenario_.catalog.size(); ++slot) {
      const model::Package& package = scenario_.catalog.packages[slot];
      if (!model::is_cumulative(package.kind)) continue;
      if (!newest || package.revision > scenario_.catalog.packages[*newest].revision) {
        newest = static_cast<model::PackageIndex>(slot);
      }
    }
    return newest;
  }

  std::optional<model::PackageIndex> package_by_identity(std::string_view identity) const {
    for (std::size_t slot = 0; slot < scenario_.catalog.size(); ++slot) {
      if (lower(scenario_.catalog.packages[slot].identity) == lower(identity)) {
        return static_cast<model::PackageIndex>(slot);
      }
    }
    return std::nullopt;
  }

  /// The package /PackageName:<identity> or /PackagePath:<.cab> names (/Get-PackageInfo and
  /// /Remove-Package take either; an .msu is refused with `msu_refusal`, DISM's sentence).
  std::optional<model::PackageIndex> named_package(const std::vector<Switch>& switches,
                                                   const std::string& msu_refusal) const {
    if (const Switch* name = find(switches, "packagename"); name != nullptr) {
      return package_by_identity(name->value);
    }
    const std::string path = required_value(switches, "packagepath");
    if (lower(path).ends_with(".msu")) throw DismUsageError(msu_refusal);
    return package_by_path(path);
  }

  /// Prints the outcome of a model step as DISM does and returns DISM's exit code.
  EmulatorExit report(model::TargetIndex target, const model::TargetState& before,
                      const model::Operation& operation, const model::Outcome& outcome,
                      bool no_restart) {
    const model::ServicingContext& context = world_->context(target);
    std::string text = model::dism_console_text(context, before, operation, outcome);
    const auto exit_code = model::dism_exit_code(context, outcome);
    if (!exit_code) {  // the process died: what reached the console, and no exit code
      print(text);
      out_.flush();
      return {0, true};
    }
    if (outcome.code == model::ResultCode::success_reboot_required && !no_restart) {
      text += "Do you want to restart the computer now? (Y/N) ";
      print(text);
      std::string answer;
      std::getline(in_, answer);
      print("\n");
      if (!answer.empty() && (answer[0] == 'Y' || answer[0] == 'y')) return restart_online();
      return finish(*exit_code);
    }
    print(text);
    return finish(*exit_code);
  }

  EmulatorExit run_dism(const std::vector<std::string>& arguments) {
    const std::vector<Switch> switches = parse_switches(arguments);
    quiet_ = find(switches, "quiet") != nullptr;
    const bool no_restart = find(switches, "norestart") != nullptr || quiet_;
    const bool prevent_pending = find(switches, "preventpending") != nullptr;

    const auto has = [&](std::string_view name) { return find(switches, name) != nullptr; };
    // Image lifecycle commands name their image by file or mount folder, not /Online|/Image.
    if (has("mount-image")) {
      const std::string file = required_value(switches, "imagefile");
      const std::string directory = required_value(switches, "mountdir");
      const model::TargetIndex target = image_target(file);
      shown_target_ = target;
      state_.mounts[mount_key(directory)] = scenario_.targets[target].name;
      return lifecycle(target, model::OperationKind::mount);
    }
    if (has("commit-image") || has("unmount-image")) {
      const std::string directory = required_value(switches, "mountdir");
      const model::TargetIndex target = mounted_target(directory);
      shown_target_ = target;
      if (has("commit-image")) return lifecycle(target, model::OperationKind::commit);
      if (!has("commit") && !has("discard")) {
        throw DismUsageError("/Unmount-Image needs /Commit or /Discard.");
      }
      if (has("commit")) {
        // /Unmount-Image /Commit: save, then unmount; the model's discard after a commit
        // restores exactly what was just saved.
        const EmulatorExit saved = lifecycle(target, model::OperationKind::commit, false);
        if (saved.killed || saved.dism_exit_code != 0) return finish(saved.dism_exit_code, saved.killed);
      }
      state_.mounts.erase(mount_key(directory));
      return lifecycle(target, model::OperationKind::discard);
    }

    const bool online = has("online");
    const Switch* image = find(switches, "image");
    if (online == (image != nullptr)) {
      throw DismUsageError("Give exactly one of /Online and /Image:<path to a mounted image>.");
    }
    model::TargetIndex target = 0;
    if (online) {
      const auto found = online_target();
      if (!found) throw DismUsageError("The emulated machine has no running installation (/Online): the scenario has no online target.");
      target = *found;
    } else {
      if (!image->has_value || image->value.empty()) throw DismUsageError("/Image needs a path.");
      target = mounted_target(image->value);
    }
    shown_target_ = target;
    const model::ServicingContext& context = world_->context(target);
    const model::TargetState before = state_.targets[target];

    // Reading an image needs it mounted, as every servicing operation does (the model answers
    // those with 0x80070002 itself).
    const bool readable = !model::is_offline(context.target_kind) || before.flags.has(model::TargetFlag::mounted);
    if ((has("get-packages") || has("get-packageinfo")) && !readable) {
      return error_only(model::ResultCode::error_file_not_found);
    }
    if (has("get-packages")) {
      const Switch* format = find(switches, "format");
      const std::string layout = format == nullptr ? "list" : lower(format->value);
      if (layout != "list" && layout != "table") throw DismUsageError("/Format takes Table or List.");
      const auto rows = package_rows(context, before);
      print(dism_header_text() +
            (layout == "table" ? render_package_table(rows) : render_package_list(rows)) +
            "The operation completed successfully.\n");
      return finish(0);
    }
    if (has("get-packageinfo")) {
      const std::optional<model::PackageIndex> package = named_package(
          switches, "You cannot use this command to obtain package information for .msu files.");
      if (!package || before.packages.get(*package) == model::CbsState::absent) {
        return error_only(model::ResultCode::cbs_e_invalid_package);
      }
      print(dism_header_text() + render_package_info(context, before, *package) +
            "The operation completed successfully.\n");
      return finish(0);
    }

    model::Operation operation;
    operation.prevent_pending = prevent_pending;
    if (has("add-package")) {
      const std::string path = required_value(switches, "packagepath");
      if (const auto package = package_by_path(path)) {
        // A CU among the chain's files is Method 1: DISM discovers the checkpoints beside it.
        const bool discovers = model::is_cumulative(scenario_.catalog.packages[*package].kind) &&
                               !stands_alone(path, *package);
        operation.kind = discovers ? model::OperationKind::add_folder : model::OperationKind::add;
        operation.package = *package;
      } else if (const auto target_cu = folder_target(path)) {
        operation.kind = model::OperationKind::add_folder;
        operation.package = *target_cu;
      } else {
        return error_only(model::ResultCode::error_file_not_found);
      }
    } else if (has("remove-package")) {
      operation.kind = model::OperationKind::remove;
      const std::optional<model::PackageIndex> package = named_package(
          switches, "Only .cab files can be specified. You cannot use this command to remove .msu files.");
      if (!package) return error_only(scenario_.knobs.remove_absent_error);
      operation.package = *package;
    } else if (has("cleanup-image")) {
      if (has("startcomponentcleanup")) {
        operation.kind = model::OperationKind::cleanup;
        operation.reset_base = has("resetbase");
      } else if (has("revertpendingactions")) {
        operation.kind = model::OperationKind::revert_pending;
      } else {
        throw DismUsageError("/Cleanup-Image needs /StartComponentCleanup or /RevertPendingActions (the options the model has).");
      }
    } else {
      throw DismUsageError("No operation the emulator knows was given (/Add-Package, /Remove-Package, "
                           "/Get-Packages, /Get-PackageInfo, /Cleanup-Image, /Mount-Image, "
                           "/Commit-Image, /Unmount-Image).");
    }
    const model::Outcome outcome = apply(target, operation);
    print(dism_header_text());
    return report(target, before, operation, outcome, no_restart);
  }

  model::TargetIndex mounted_target(std::string_view directory) const {
    const auto found = state_.mounts.find(mount_key(directory));
    if (found != state_.mounts.end()) {
      for (std::size_t target = 0; target < scenario_.targets.size(); ++target) {
        if (scenario_.targets[target].name == found->second) return static_cast<model::TargetIndex>(target);
      }
    }
    return image_target("");
  }

  EmulatorExit lifecycle(model::TargetIndex target, model::OperationKind kind, bool finish_call = true) {
    model::Operation operation;
    operation.kind = kind;
    const model::TargetState before = state_.targets[target];
    const model::Outcome outcome = apply(target, operation);
    print(dism_header_text());
    if (!finish_call) {
      print(model::dism_console_text(world_->context(target), before, operation, outcome));
      const auto code = model::dism_exit_code(world_->context(target), outcome);
      return {code.value_or(0), !code.has_value()};
    }
    return report(target, before, operation, outcome, true);
  }

  /// An error DISM reports before any servicing starts (a file not found, an unknown package).
  EmulatorExit error_only(model::ResultCode code) {
    const std::uint32_t value = model::hresult(code);
    const std::string number = (value & 0xFFFF0000u) == 0x80070000u
                                   ? std::to_string(value & 0xFFFFu)
                                   : fmt::format("0x{:08x}", value);
    print(dism_header_text() + fmt::format("Error: {}\n\n{}\n\n{}\n", number,
                                           model::result_message(code), log_line));
    const auto exit_code = model::dism_exit_code(code, scenario_.knobs.already_installed_exit);
    return finish(exit_code.value_or(0));
  }

  std::istream& in_;
  std::ostream& out_;
  std::ostream& err_;
  bool exit_code_line_ = false;
  bool quiet_ = false;
  int lock_fd_ = -1;
  std::string state_path_;
  EmulatorState state_;
  ordered_json pending_targets_;
  scenario::Scenario scenario_;
  std::optional<model::World> world_;
  model::TargetIndex shown_target_ = 0;

 public:
  ~Call() {
    if (lock_fd_ >= 0) ::close(lock_fd_);
  }
};

}  // namespace

std::string default_state_directory() {
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    return (std::filesystem::path(home) / ".local/state/svcsim/dism").string();
  }
  return ".svcsim-dism";
}

int process_status(std::int64_t dism_exit_code) {
  return static_cast<int>(static_cast<std::uint64_t>(dism_exit_code) & 0xFFu);
}

EmulatorExit run_dism_emulator(const std::vector<std::string>& arguments, std::istream& in,
                               std::ostream& out, std::ostream& err) {
  Call call(in, out, err);
  return call.run(arguments);
}

}  // namespace svcsim::adapter
