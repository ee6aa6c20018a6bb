// How a replay reaches the machine: `ssh` (the OpenSSH client in batch mode, to the guest's
// OpenSSH server) or `local` (this machine: a Windows host, or the emulator). A command is always
// an argument vector; for ssh it is quoted for the shell that receives it (PowerShell or POSIX
// sh), so no name from a scenario can become a second command.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "svcsim/adapter/process.hpp"
#include "svcsim/adapter/target_file.hpp"

namespace svcsim::adapter {

/// What one remote command did.
struct RemoteResult {
  ProcessResult process;
  /// The machine could not be reached: ssh's own failure (exit 255), a timeout, or a program
  /// that could not be started. `why` says which, in one line.
  bool unreachable = false;
  std::string why;
};

class Transport {
 public:
  virtual ~Transport() = default;
  /// Runs `argv` on the machine, at most `timeout` long.
  virtual RemoteResult run(const std::vector<std::string>& argv, std::chrono::seconds timeout) = 0;
  /// Whether the machine answers a trivial command now (restart polling).
  virtual bool answers(std::chrono::seconds timeout) = 0;
  /// "ssh administrator@192.0.2.10:22" or "local".
  virtual std::string describe() const = 0;
};

/// The transport the target file names.
std::unique_ptr<Transport> make_transport(const TargetFile& target);

/// The line a shell of kind `shell` reads as exactly `argv` (each word quoted for it: POSIX single
/// quotes, PowerShell single quotes with the call operator), and for PowerShell followed by the
/// line that reports the full exit code ("svcsim-exit-code: $LASTEXITCODE").
///
///   remote_command_line(RemoteShell::posix, {"svcsim", "dism", "/PackagePath:C:\\a b.msu"})
///       == "svcsim dism '/PackagePath:C:\\a b.msu'"
std::string remote_command_line(RemoteShell shell, const std::vector<std::string>& argv);

/// The ssh client's argument vector for one remote command line (BatchMode, ConnectTimeout, the
/// port, identity and known-hosts file of the target, then "--", the destination and the line).
std::vector<std::string> ssh_argv(const SshSettings& ssh, const std::string& remote_line);

}  // namespace svcsim::adapter
