// How a step looks to a person at a console: the DISM command line it stands for, the console
// text DISM prints, and the CBS events (state changes) behind it. Shared by `svcsim run` traces
// and, later, the DISM emulator, so both speak exactly as the model decides.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
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

/// The shell a command line is written for. They quote differently, and a file name may hold
/// characters each treats specially (& ; % ^ $ ' ( ) and spaces are legal in Windows file names).
enum class Shell : std::uint8_t {
  /// cmd.exe, as a line of a .cmd script: an argument that needs it is put in double quotes,
  /// where & | < > ^ ( ) are plain characters, and % is doubled (%% is one % in a script; a
  /// single % could expand a variable). Lines assume delayed expansion is off, cmd's default.
  cmd,
  /// PowerShell: an argument that needs it is put in single quotes, where nothing expands; a
  /// single quote inside (' or the typographic U+2018-U+201B, which PowerShell also reads as
  /// quotes) is doubled.
  powershell,
};

/// `argument` written so that `shell` hands it to the program unchanged: as it is when it holds
/// only letters, digits and _ . : \ / ~ + - (so ordinary lines stay plain), else quoted. The
/// argument must not hold a double quote or a control character (no Windows file name does;
/// names_valid.hpp refuses them).
///
///   shell_quote(Shell::cmd, R"(C:\Packages\50% off & more.msu)")
///       == R"("C:\Packages\50%% off & more.msu")"
///   shell_quote(Shell::powershell, R"(C:\Packages\it's.msu)") == R"('C:\Packages\it''s.msu')"
std::string shell_quote(Shell shell, std::string_view argument);

/// One argument of a command line: a word of svcsim's own ("DISM", "/Online": never quoted), or a
/// switch with a value that comes from the scenario or the paths ("/PackagePath:" + a path),
/// quoted for the shell that receives it. A program receives `text()`.
struct CommandArgument {
  std::string switch_text;  // a word, or the switch before a value ("/PackagePath:", or "")
  std::string value;        // the value from the scenario or the paths; empty for a word
  bool has_value = false;

  std::string text() const { return switch_text + value; }
  friend bool operator==(const CommandArgument&, const CommandArgument&) = default;
};

/// The arguments of the command a step stands for, program first, as a vector: what a replay
/// hands to a process (no shell) and what dism_command_line quotes for one.
std::vector<CommandArgument> dism_command_arguments(const ServicingContext& context,
                                                    const Operation& operation,
                                                    const DismPaths& paths = {});

/// `arguments` as one line for `shell`: words as they are, each value quoted (shell_quote): for
/// cmd the value after its switch (/PackagePath:"C:\Packages\a b.msu", DISM's documented form),
/// for PowerShell the whole argument ('/PackagePath:C:\Packages\a b.msu').
std::string quote_command(const std::vector<CommandArgument>& arguments, Shell shell);

/// "DISM /Online /Add-Package /PackagePath:C:\Packages\windows11.0-kb5043080-x64.msu /NoRestart".
/// A reboot renders as "shutdown.exe /r /t 0"; a package added to a media target as the
/// expand.exe call of Microsoft's media-refresh script ("expand.exe C:\Packages\<file> -F:*
/// C:\media\sources"), since a Setup DU is a cab of files, not a package. Every value that
/// comes from the scenario or `paths` is quoted for `shell` (shell_quote): for cmd the value after
/// a switch (/PackagePath:"C:\Packages\a b.msu", DISM's documented form), for PowerShell the
/// whole argument ('/PackagePath:C:\Packages\a b.msu').
std::string dism_command_line(const ServicingContext& context, const Operation& operation,
                              const DismPaths& paths = {}, Shell shell = Shell::cmd);

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
