// What a step looks like at a Windows console: DISM's command line and console text, in the
// forms quoted in windows-servicing-facts.md §4.1, and the state changes behind it.
#include "svcsim/model/dism_text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "svcsim/model/assert.hpp"
#include "svcsim/model/utf8.hpp"

namespace svcsim::model {
namespace {

/// Whether DISM was given an .msu (any case): its 0x800F0823 text differs from a .cab's.
bool is_msu(std::string_view file) {
  constexpr std::string_view extension = ".msu";
  if (file.size() < extension.size()) return false;
  const std::string_view tail = file.substr(file.size() - extension.size());
  return std::equal(tail.begin(), tail.end(), extension.begin(), [](char left, char right) {
    return std::tolower(static_cast<unsigned char>(left)) == right;
  });
}

constexpr std::string_view progress_done =
    "[==========================100.0%==========================]";
constexpr std::string_view progress_killed =
    "[=================          30.0%                          ]";
constexpr std::string_view log_line = "The DISM log file can be found at C:\\Windows\\Logs\\DISM\\dism.log";

/// What expand.exe prints while it expands a cab [shape recalled, not captured; the media-refresh
/// script discards it].
constexpr std::string_view expand_done = "Expanding Files ....\n\nExpanding Files Complete ...\n";

bool adds(const Operation& operation) {
  return operation.kind == OperationKind::add || operation.kind == OperationKind::add_folder;
}

/// DISM prints CBS-facility errors in lower-case hex and Win32 ones as the decimal Win32 code.
std::string error_line(ResultCode code) {
  const std::uint32_t value = hresult(code);
  if ((value & 0xFFFF0000u) == 0x80070000u) return fmt::format("Error: {}", value & 0xFFFFu);
  return fmt::format("Error: 0x{:08x}", value);
}

/// The packages a session touched, for the "Processing i of n" lines.
std::vector<PackageIndex> processed_packages(const ServicingContext& context,
                                             const TargetState& before, const Operation& operation,
                                             const Outcome& outcome) {
  std::vector<PackageIndex> processed;
  if (operation.kind == OperationKind::add_folder) {
    for (std::uint8_t position = 0; position < context.cumulative_count; ++position) {
      const PackageIndex index = context.cumulative_by_revision[position];
      if (index != operation.package &&
          before.packages.get(index) != outcome.state.packages.get(index)) {
        processed.push_back(index);
      }
    }
  }
  processed.push_back(operation.package);
  return processed;
}

}  // namespace

std::string shell_quote(Shell shell, std::string_view argument) {
  const bool plain = !argument.empty() && std::all_of(argument.begin(), argument.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("_.:\\/~+-").find(c) != std::string_view::npos;
  });
  if (plain) return std::string(argument);
  for (const char character : argument) {
    const auto byte = static_cast<unsigned char>(character);
    // Neither shell can carry these inside one quoted argument on one line.
    SVCSIM_ASSERT_MSG(character != '"', "shell_quote: a double quote in an argument");
    SVCSIM_ASSERT_MSG(byte >= 0x20 && byte != 0x7F, "shell_quote: a control character");
  }
  std::string quoted;
  if (shell == Shell::powershell) {
    quoted = "'";
    for (std::size_t offset = 0; offset < argument.size();) {
      const Utf8Char character = decode_utf8(argument, offset);
      const std::string_view bytes = argument.substr(offset, character.length);
      offset += character.length;
      quoted += bytes;
      // PowerShell ends a single-quoted string at ' and at the typographic quotes U+2018-U+201B.
      if (character.code_point == '\'' ||
          (character.valid && character.code_point >= 0x2018 && character.code_point <= 0x201B)) {
        quoted += bytes;
      }
    }
    return quoted + "'";
  }
  quoted = "\"";
  for (const char character : argument) {
    quoted += character;
    if (character == '%') quoted += '%';
  }
  // A program reads \" as a quote character (CommandLineToArgvW), so backslashes that end the
  // argument are doubled to keep the closing quote a quote.
  const std::size_t last = argument.find_last_not_of('\\');
  const std::size_t trailing = argument.size() - (last == std::string_view::npos ? 0 : last + 1);
  quoted.append(trailing, '\\');
  return quoted + "\"";
}

namespace {

/// A command being built: fixed words as they are, values kept apart for quoting.
class CommandBuilder {
 public:
  /// A word of svcsim's own (a program, a switch): never needs quoting.
  CommandBuilder& word(std::string_view text) {
    SVCSIM_ASSERT(!text.empty());
    SVCSIM_ASSERT(text.find_first_of(" \"'&%") == std::string_view::npos);
    arguments_.push_back({std::string(text), {}, false});
    return *this;
  }
  /// A switch with a value from the scenario or the paths ("/PackagePath:" + a path).
  CommandBuilder& value(std::string_view switch_text, std::string_view value_text) {
    arguments_.push_back({std::string(switch_text), std::string(value_text), true});
    return *this;
  }
  std::vector<CommandArgument> arguments() const { return arguments_; }

 private:
  std::vector<CommandArgument> arguments_;
};

}  // namespace

std::string quote_command(const std::vector<CommandArgument>& arguments, Shell shell) {
  std::string text;
  for (const CommandArgument& argument : arguments) {
    if (!text.empty()) text += ' ';
    if (!argument.has_value) {
      text += argument.switch_text;
    } else if (shell == Shell::cmd) {
      text += argument.switch_text + shell_quote(shell, argument.value);
    } else {
      text += shell_quote(shell, argument.text());
    }
  }
  return text;
}

std::vector<CommandArgument> dism_command_arguments(const ServicingContext& context,
                                                    const Operation& operation,
                                                    const DismPaths& paths) {
  const bool online = !is_offline(context.target_kind);
  CommandBuilder line;
  if (context.target_kind == TargetKind::media && adds(operation)) {
    // Microsoft's media-refresh script: "cmd /c expand.exe $SETUP_DU_PATH -F:* $MEDIA\sources".
    line.word("expand.exe")
        .value("", paths.package_folder + "\\" + context.package(operation.package).file)
        .word("-F:*")
        .value("", paths.media_folder + "\\sources");
    return line.arguments();
  }
  const auto image = [&] {
    line.word("DISM");
    // DISM aimed at the media folder is a script's mistake; it is rendered as written.
    if (context.target_kind == TargetKind::media) {
      line.value("/Image:", paths.media_folder);
    } else if (is_offline(context.target_kind)) {
      line.value("/Image:", paths.mount_dir);
    } else {
      line.word("/Online");
    }
  };
  switch (operation.kind) {
    case OperationKind::add:
    case OperationKind::add_folder:
      // Method 1 names the target MSU; DISM discovers the rest of the chain in its folder.
      image();
      line.word("/Add-Package")
          .value("/PackagePath:",
                 paths.package_folder + "\\" + context.package(operation.package).file);
      if (operation.prevent_pending) line.word("/PreventPending");
      if (online) line.word("/NoRestart");
      return line.arguments();
    case OperationKind::reboot:
      return line.word("shutdown.exe").word("/r").word("/t").word("0").arguments();
    case OperationKind::remove:
      image();
      line.word("/Remove-Package").value("/PackageName:", context.package(operation.package).identity);
      if (online) line.word("/NoRestart");
      return line.arguments();
    case OperationKind::cleanup:
      image();
      line.word("/Cleanup-Image").word("/StartComponentCleanup");
      if (operation.reset_base) line.word("/ResetBase");
      return line.arguments();
    case OperationKind::revert_pending:
      image();
      return line.word("/Cleanup-Image").word("/RevertPendingActions").arguments();
    case OperationKind::mount:
      return line.word("DISM")
          .word("/Mount-Image")
          .value("/ImageFile:", paths.image_file)
          .word("/Index:1")
          .value("/MountDir:", paths.mount_dir)
          .arguments();
    case OperationKind::commit:
      return line.word("DISM").word("/Commit-Image").value("/MountDir:", paths.mount_dir).arguments();
    case OperationKind::discard:
      return line.word("DISM")
          .word("/Unmount-Image")
          .value("/MountDir:", paths.mount_dir)
          .word("/Discard")
          .arguments();
    case OperationKind::copy_winre:
      // Microsoft's media-refresh script: export the serviced winre.wim over the one the
      // install.wim carries. A file copy, not a DISM call.
      return line.word("Copy-Item")
          .value("", paths.winre_file)
          .value("", paths.mount_dir + R"(\Windows\System32\Recovery\winre.wim)")
          .arguments();
  }
  SVCSIM_ASSERT_MSG(false, "unhandled operation kind");
  return {};
}

std::string dism_command_line(const ServicingContext& context, const Operation& operation,
                              const DismPaths& paths, Shell shell) {
  return quote_command(dism_command_arguments(context, operation, paths), shell);
}

std::string dism_console_text(const ServicingContext& context, const TargetState& before,
                              const Operation& operation, const Outcome& outcome) {
  if (operation.kind == OperationKind::reboot) return {};  // not DISM: the machine restarts
  if (context.target_kind == TargetKind::media && adds(operation) && is_success(outcome.code)) {
    return std::string(expand_done);  // not DISM either: files expanded into the folder
  }
  std::string text;
  const bool killed = outcome.code == ResultCode::cbs_e_session_interrupted;
  if (adds(operation)) {
    const auto processed = processed_packages(context, before, operation, outcome);
    for (std::size_t position = 0; position < processed.size(); ++position) {
      text += fmt::format("Processing {} of {} - Adding package {}\n", position + 1,
                          processed.size(), context.package(processed[position]).identity);
      text += killed && position + 1 == processed.size() ? progress_killed : progress_done;
      text += '\n';
    }
  } else if (operation.kind == OperationKind::remove) {
    text += fmt::format("Removing package {}\n", context.package(operation.package).identity);
    text += killed ? progress_killed : progress_done;
    text += '\n';
  } else if (operation.kind == OperationKind::mount) {
    text += fmt::format("Mounting image\n{}\n", killed ? progress_killed : progress_done);
  } else if (operation.kind == OperationKind::commit) {
    text += fmt::format("Saving image\n{}\n", killed ? progress_killed : progress_done);
  } else if (operation.kind == OperationKind::copy_winre) {
    if (is_success(outcome.code)) return "        1 file(s) copied.\n";
  } else if (operation.kind == OperationKind::discard) {
    text += fmt::format("Image File : (discarded)\nUnmounting image\n{}\n",
                        killed ? progress_killed : progress_done);
  } else {
    text += killed ? progress_killed : progress_done;
    text += '\n';
  }
  if (killed) return text;  // the process died: nothing more reached the console
  if (is_success(outcome.code)) {
    text += "The operation completed successfully.\n";
    if (outcome.code == ResultCode::success_reboot_required) {
      text += "Restart Windows to complete this operation.\n";
    }
    return text;
  }
  std::string message(result_message(outcome.code));
  if (outcome.code == ResultCode::cbs_e_new_servicing_stack_required && adds(operation) &&
      is_msu(context.package(operation.package).file)) {
    // What DISM prints for 0x800F0823 on an .msu (customize-boot-image; UpdateWindowsRE #1),
    // the sentence scripts grep for.
    message = fmt::format("Package {} may have failed due to pending updates to servicing "
                          "components in the image. Try the command again.",
                          context.package(operation.package).file);
  }
  text += fmt::format("\n{}\n\n{}\n\n{}\n", error_line(outcome.code), message, log_line);
  return text;
}

std::optional<std::int32_t> dism_exit_code(const ServicingContext& context, const Outcome& outcome) {
  return dism_exit_code(outcome.code, context.knobs.already_installed_exit);
}

std::vector<std::string> describe_changes(const ServicingContext& context,
                                          const TargetState& before, const TargetState& after) {
  std::vector<std::string> lines;
  for (std::size_t slot = 0; slot < context.catalog->size(); ++slot) {
    const auto index = static_cast<PackageIndex>(slot);
    const CbsState was = before.packages.get(index);
    const CbsState now = after.packages.get(index);
    if (was != now) {
      lines.push_back(fmt::format("{}: {} -> {}", context.package(index).id, cbs_state_name(was),
                                  cbs_state_name(now)));
    }
  }
  if (before.build != after.build) lines.push_back(fmt::format("build: {} -> {}", before.build, after.build));
  if (before.ubr != after.ubr) lines.push_back(fmt::format("ubr: {} -> {}", before.ubr, after.ubr));
  if (before.ssu_version != after.ssu_version) {
    lines.push_back(fmt::format("ssu_version: {} -> {}", before.ssu_version, after.ssu_version));
  }
  if (before.winre != after.winre) {
    lines.push_back(fmt::format("carried WinRE: ubr {} ssu {} -> ubr {} ssu {}", before.winre.ubr,
                                before.winre.ssu_version, after.winre.ubr,
                                after.winre.ssu_version));
  }
  for (int flag = 0; flag < target_flag_count; ++flag) {
    const auto which = static_cast<TargetFlag>(flag);
    if (before.flags.has(which) != after.flags.has(which)) {
      lines.push_back(fmt::format("{}: {}", target_flag_name(which),
                                  after.flags.has(which) ? "set" : "cleared"));
    }
  }
  if (before.committed != after.committed) lines.emplace_back("committed image: updated");
  return lines;
}

}  // namespace svcsim::model
