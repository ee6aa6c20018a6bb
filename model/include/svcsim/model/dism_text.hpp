// How a step looks to a person at a console: the DISM command line it stands for, the console
// text DISM prints, and the CBS events (state changes) behind it. Shared by `svcsim run` traces
// and, later, the DISM emulator, so both speak exactly as the model decides.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "svcsim/model/apply.hpp"

namespace svcsim::model {

/// Where the rendered commands find things on the Windows side.
struct DismPaths {
  std::string package_folder = R"(C:\Packages)";
  std::string mount_dir = R"(C:\mount)";
  std::string image_file = R"(C:\media\sources\install.wim)";
  std::string winre_file = R"(C:\mediaRefresh\winre.wim)";  // the serviced winre.wim, exported
  std::string media_folder = R"(C:\media)";  // a media target: its \sources takes the Setup DU
};

/// "DISM /Online /Add-Package /PackagePath:C:\Packages\windows11.0-kb5043080-x64.msu /NoRestart".
/// A reboot renders as "shutdown.exe /r /t 0"; a package added to a media target as the
/// expand.exe call of Microsoft's media-refresh script ("expand.exe C:\Packages\<file> -F:*
/// C:\media\sources"), since a Setup DU is a cab of files, not a package.
std::string dism_command_line(const ServicingContext& context, const Operation& operation,
                              const DismPaths& paths = {});

/// The console text DISM prints for the outcome ("Error: 0x800f0838 ... The DISM log file can
/// be found at C:\Windows\Logs\DISM\dism.log"), without the version header.
std::string dism_console_text(const ServicingContext& context, const TargetState& before,
                              const Operation& operation, const Outcome& outcome);

/// The process exit code for an outcome under the context's knobs (nullopt: process killed).
std::optional<std::int32_t> dism_exit_code(const ServicingContext& context, const Outcome& outcome);

/// One line per change between `before` and `after`, in catalog order:
/// "KB5043080: absent -> install_pending", "ubr: 1 -> 8117", "reboot_pending: set".
std::vector<std::string> describe_changes(const ServicingContext& context,
                                          const TargetState& before, const TargetState& after);

}  // namespace svcsim::model
