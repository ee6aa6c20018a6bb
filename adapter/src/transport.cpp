// The ssh and local transports: argument vectors to run_process, with ssh's exit status 255
// (its own failures) and timeouts reported as "could not reach the machine".
#include "svcsim/adapter/transport.hpp"

#include <fmt/format.h>

#include "svcsim/model/assert.hpp"
#include "svcsim/simulator/sequence.hpp"

namespace svcsim::adapter {
namespace {

/// The ssh client exits 255 for its own errors (connection refused, authentication failed).
constexpr int ssh_failure_status = 255;

std::string first_line(const std::string& text) {
  const std::size_t end = text.find('\n');
  return text.substr(0, end == std::string::npos ? text.size() : end);
}

class LocalTransport final : public Transport {
 public:
  RemoteResult run(const std::vector<std::string>& argv, std::chrono::seconds timeout) override {
    RemoteResult result;
    result.process = run_process(argv, {}, {std::chrono::duration_cast<std::chrono::milliseconds>(timeout)});
    if (!result.process.spawn_error.empty()) {
      result.unreachable = true;
      result.why = "cannot start " + result.process.spawn_error;
    } else if (result.process.timed_out) {
      result.unreachable = true;
      result.why = fmt::format("{} did not finish within {} s", argv.front(), timeout.count());
    }
    return result;
  }
  bool answers(std::chrono::seconds) override { return true; }
  std::string describe() const override { return "local"; }
};

class SshTransport final : public Transport {
 public:
  SshTransport(SshSettings ssh, RemoteShell shell) : ssh_(std::move(ssh)), shell_(shell) {}

  RemoteResult run(const std::vector<std::string>& argv, std::chrono::seconds timeout) override {
    RemoteResult result;
    result.process = run_process(ssh_argv(ssh_, remote_command_line(shell_, argv)), {},
                                 {std::chrono::duration_cast<std::chrono::milliseconds>(timeout)});
    if (!result.process.spawn_error.empty()) {
      result.unreachable = true;
      result.why = "cannot start the ssh client: " + result.process.spawn_error;
    } else if (result.process.timed_out) {
      result.unreachable = true;
      result.why = fmt::format("{} did not answer within {} s", describe(), timeout.count());
    } else if (result.process.exit_code == ssh_failure_status) {
      result.unreachable = true;
      result.why = describe() + ": " + first_line(result.process.err);
    }
    return result;
  }

  bool answers(std::chrono::seconds timeout) override {
    // hostname answers in PowerShell and in sh alike, and changes nothing.
    const RemoteResult probe = run({"hostname"}, timeout);
    return !probe.unreachable && probe.process.exit_code == 0;
  }

  std::string describe() const override {
    return fmt::format("ssh {}{}:{}", ssh_.user.empty() ? "" : ssh_.user + "@", ssh_.host, ssh_.port);
  }

 private:
  SshSettings ssh_;
  RemoteShell shell_;
};

}  // namespace

std::string remote_command_line(RemoteShell shell, const std::vector<std::string>& argv) {
  SVCSIM_ASSERT(!argv.empty());
  // Appended piece by piece: GCC 12 warns (-Wrestrict, a known false positive) on
  // `"literal" + std::string` here.
  std::string line;
  if (shell == RemoteShell::posix) {
    for (const std::string& word : argv) {
      if (!line.empty()) line += ' ';
      line += simulator::posix_shell_word(word);
    }
    return line;
  }
  // PowerShell: the call operator runs a quoted program; every word single-quoted where needed.
  line = "& ";
  line += model::shell_quote(model::Shell::powershell, argv.front());
  for (std::size_t index = 1; index < argv.size(); ++index) {
    line += ' ';
    line += model::shell_quote(model::Shell::powershell, argv[index]);
  }
  line += "; \"svcsim-exit-code: $LASTEXITCODE\"";
  return line;
}

std::vector<std::string> ssh_argv(const SshSettings& ssh, const std::string& remote_line) {
  std::vector<std::string> argv = {"ssh", "-o", "BatchMode=yes", "-o",
                                   fmt::format("ConnectTimeout={}", ssh.connect_timeout.count()),
                                   "-o", "StrictHostKeyChecking=" + ssh.strict_host_key_checking,
                                   "-o", "LogLevel=ERROR", "-p", std::to_string(ssh.port)};
  if (!ssh.identity_file.empty()) {
    argv.insert(argv.end(), {"-o", "IdentitiesOnly=yes", "-i", ssh.identity_file});
  }
  if (!ssh.known_hosts_file.empty()) {
    argv.insert(argv.end(), {"-o", "UserKnownHostsFile=" + ssh.known_hosts_file});
  }
  argv.push_back("--");
  argv.push_back(ssh.user.empty() ? ssh.host : ssh.user + "@" + ssh.host);
  argv.push_back(remote_line);
  return argv;
}

std::unique_ptr<Transport> make_transport(const TargetFile& target) {
  if (target.transport == TransportKind::local) return std::make_unique<LocalTransport>();
  return std::make_unique<SshTransport>(target.ssh, target.shell);
}

}  // namespace svcsim::adapter
