// The replay's target file (YAML): how to reach the machine (transport), where the .msu files
// and the mount folder are on it, which programs stand for dism.exe and the restart, the
// timeouts, and the snapshot hook that returns the machine to its starting state. The format is
// documented in adapter/README.md ("Target file").
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "svcsim/model/dism_text.hpp"
#include "svcsim/model/result.hpp"

namespace svcsim::adapter {

enum class TransportKind : std::uint8_t { ssh, local };

/// The shell that receives a remote command line (ssh only): a Windows guest's OpenSSH with
/// PowerShell as its DefaultShell (facts §6), or a POSIX sh (the emulator on a Linux host).
enum class RemoteShell : std::uint8_t { powershell, posix };

struct SshSettings {
  std::string host;
  int port = 22;
  std::string user;
  std::string identity_file;      // -i; empty: ssh's own default
  std::string known_hosts_file;   // -o UserKnownHostsFile=; empty: ssh's own default
  std::string strict_host_key_checking = "yes";  // yes | accept-new | no
  std::chrono::seconds connect_timeout{10};
};

struct TargetFile {
  std::string path;
  TransportKind transport = TransportKind::ssh;
  SshSettings ssh;
  RemoteShell shell = RemoteShell::powershell;
  std::string target;  // the scenario target replayed; empty: the scenario's only target
  /// The program (and leading arguments) that stands for dism.exe, and the restart command.
  std::vector<std::string> dism = {"dism.exe"};
  std::vector<std::string> restart = {"shutdown.exe", "/r", "/t", "0"};
  /// Where things are on the machine (the commands' paths).
  model::DismPaths paths;
  std::string log_path = R"(C:\Windows\Logs\DISM\svcsim-replay.log)";
  std::chrono::seconds command_timeout{3600};
  /// After the restart command: wait up to restart_down for the machine to stop answering
  /// (0: do not wait, e.g. the emulator restarts at once), then up to restart_up for it to answer.
  std::chrono::seconds restart_down{300};
  std::chrono::seconds restart_up{900};
  std::chrono::seconds poll_interval{10};
  /// Run on this machine before a fresh replay, {vm} and {snapshot} replaced in each argument.
  std::vector<std::string> snapshot_revert;
  std::string vm;
  std::string snapshot;
  std::chrono::seconds snapshot_timeout{600};
};

/// A target file that cannot be used: "target.yaml:7:9: ssh.port must be a whole number from 1
/// to 65535 (ssh.port)".
struct TargetFileError {
  std::string file;
  int line = 0;
  int column = 0;
  std::string key;
  std::string message;
  std::string to_string() const;
};

Result<TargetFile, TargetFileError> load_target_file(const std::string& path);
Result<TargetFile, TargetFileError> load_target_text(const std::string& text, const std::string& path);

}  // namespace svcsim::adapter
