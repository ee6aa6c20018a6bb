// What a step looks like at a Windows console: DISM's command line and console text, in the
// forms quoted in windows-servicing-facts.md §4.1, and the state changes behind it.
#include "svcsim/model/dism_text.hpp"

#include <fmt/format.h>

#include "svcsim/model/assert.hpp"

namespace svcsim::model {
namespace {

constexpr std::string_view progress_done =
    "[==========================100.0%==========================]";
constexpr std::string_view progress_killed =
    "[=================          30.0%                          ]";
constexpr std::string_view log_line = "The DISM log file can be found at C:\\Windows\\Logs\\DISM\\dism.log";

std::string image_switch(const ServicingContext& context, const DismPaths& paths) {
  // DISM aimed at the media folder is a script's mistake; it is rendered as written.
  if (context.target_kind == TargetKind::media) return "/Image:" + paths.media_folder;
  return is_offline(context.target_kind) ? "/Image:" + paths.mount_dir : std::string{"/Online"};
}

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

std::string dism_command_line(const ServicingContext& context, const Operation& operation,
                              const DismPaths& paths) {
  const bool online = !is_offline(context.target_kind);
  if (context.target_kind == TargetKind::media && adds(operation)) {
    // Microsoft's media-refresh script: "cmd /c expand.exe $SETUP_DU_PATH -F:* $MEDIA\sources".
    return fmt::format("expand.exe {}\\{} -F:* {}\\sources", paths.package_folder,
                       context.package(operation.package).file, paths.media_folder);
  }
  const std::string prefix = "DISM " + image_switch(context, paths);
  switch (operation.kind) {
    case OperationKind::add:
    case OperationKind::add_folder: {
      // Method 1 names the target MSU; DISM discovers the rest of the chain in its folder.
      std::string line = fmt::format("{} /Add-Package /PackagePath:{}\\{}", prefix,
                                     paths.package_folder, context.package(operation.package).file);
      if (operation.prevent_pending) line += " /PreventPending";
      if (online) line += " /NoRestart";
      return line;
    }
    case OperationKind::reboot:
      return "shutdown.exe /r /t 0";
    case OperationKind::remove:
      return fmt::format("{} /Remove-Package /PackageName:{}{}", prefix,
                         context.package(operation.package).identity, online ? " /NoRestart" : "");
    case OperationKind::cleanup:
      return fmt::format("{} /Cleanup-Image /StartComponentCleanup{}", prefix,
                         operation.reset_base ? " /ResetBase" : "");
    case OperationKind::revert_pending:
      return prefix + " /Cleanup-Image /RevertPendingActions";
    case OperationKind::mount:
      return fmt::format("DISM /Mount-Image /ImageFile:{} /Index:1 /MountDir:{}", paths.image_file,
                         paths.mount_dir);
    case OperationKind::commit:
      return "DISM /Commit-Image /MountDir:" + paths.mount_dir;
    case OperationKind::discard:
      return fmt::format("DISM /Unmount-Image /MountDir:{} /Discard", paths.mount_dir);
    case OperationKind::copy_winre:
      // Microsoft's media-refresh script: export the serviced winre.wim over the one the
      // install.wim carries. A file copy, not a DISM call.
      return fmt::format(R"(Copy-Item {} {}\Windows\System32\Recovery\winre.wim)",
                         paths.winre_file, paths.mount_dir);
  }
  SVCSIM_ASSERT_MSG(false, "unhandled operation kind");
  return {};
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
  if (outcome.code == ResultCode::cbs_e_new_servicing_stack_required && adds(operation)) {
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
