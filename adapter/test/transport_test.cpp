// The replay's edges with the outside: the target file's one-line errors (file:line:column and
// key), remote command lines read back by the shell models of tests/support (every hostile name
// arrives as one argument; nothing else runs), the ssh client's argument vector, and the process
// runner's timeout and output limit.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "shell_models.hpp"
#include "svcsim/adapter/process.hpp"
#include "svcsim/adapter/target_file.hpp"
#include "svcsim/adapter/transport.hpp"

namespace svcsim::adapter {
namespace {

const std::vector<std::string> hostile_words = {
    "/PackagePath:C:\\Packages\\kb 1 & echo pwned; $(touch x) %PATH% ^ 'q'.msu",
    "C:\\a`b ;c$HOME'd\"",  // POSIX only: PowerShell cannot carry the double quote (refused earlier)
    "/Image:C:\\mount dir\\(x) & y",
    "plain",
    "\xE2\x80\x98typographic\xE2\x80\x99 quotes",
    "--",
    "",
};

TEST(RemoteCommandLine, PosixShellReadsBackEveryWordUnchanged) {
  std::vector<std::string> argv = {"/usr/local/bin/svcsim", "dism"};
  argv.insert(argv.end(), hostile_words.begin(), hostile_words.end());
  const std::string line = remote_command_line(RemoteShell::posix, argv);
  std::string why;
  const auto words = test_support::posix_sh_arguments(line, &why);
  ASSERT_TRUE(words.has_value()) << why << "\n" << line;
  EXPECT_EQ(*words, argv);
}

TEST(RemoteCommandLine, PowerShellReadsBackEveryWordUnchanged) {
  std::vector<std::string> argv = {"dism.exe"};
  for (const std::string& word : hostile_words) {
    if (word.find('"') == std::string::npos && !word.empty()) argv.push_back(word);
  }
  const std::string line = remote_command_line(RemoteShell::powershell, argv);
  const std::string prefix = "& ";
  const std::string suffix = "; \"svcsim-exit-code: $LASTEXITCODE\"";
  ASSERT_EQ(line.rfind(prefix, 0), 0u) << line;
  ASSERT_GE(line.size(), prefix.size() + suffix.size());
  ASSERT_EQ(line.substr(line.size() - suffix.size()), suffix) << line;
  const std::string command = line.substr(prefix.size(), line.size() - prefix.size() - suffix.size());
  std::string why;
  const auto words = test_support::powershell_arguments(command, &why);
  ASSERT_TRUE(words.has_value()) << why << "\n" << command;
  EXPECT_EQ(*words, argv);
}

TEST(SshArgv, PutsTheDestinationAfterDoubleDashAndTheLineLast) {
  SshSettings ssh;
  ssh.host = "192.0.2.10";
  ssh.user = "Administrator";
  ssh.port = 2222;
  ssh.identity_file = "/keys/lab key";
  const auto argv = ssh_argv(ssh, "dism.exe /Online /Get-Packages");
  ASSERT_GE(argv.size(), 4u);
  EXPECT_EQ(argv.front(), "ssh");
  EXPECT_EQ(argv[argv.size() - 3], "--");
  EXPECT_EQ(argv[argv.size() - 2], "Administrator@192.0.2.10");
  EXPECT_EQ(argv.back(), "dism.exe /Online /Get-Packages");
  EXPECT_NE(std::find(argv.begin(), argv.end(), "BatchMode=yes"), argv.end());
  EXPECT_NE(std::find(argv.begin(), argv.end(), "/keys/lab key"), argv.end());
}

TEST(TargetFile, ReadsEveryKey) {
  const auto target = load_target_text(R"(transport: ssh
ssh: {host: 192.0.2.10, port: 2222, user: Administrator, identity_file: /k, strict_host_key_checking: accept-new, connect_timeout_s: 7}
shell: powershell
target: device
dism: [dism.exe]
restart_command: [shutdown.exe, /r, /t, "0"]
packages_folder: 'C:\u'
mount_dir: 'C:\mount'
log_path: 'C:\logs\replay.log'
timeouts: {command_s: 100, restart_down_s: 60, restart_up_s: 600, poll_s: 5}
snapshot: {vm: win11, name: clean, revert: [virsh, snapshot-revert, "{vm}", "{snapshot}", --running]}
)", "lab.yaml");
  ASSERT_TRUE(target.has_value()) << target.error().to_string();
  EXPECT_EQ(target->ssh.port, 2222);
  EXPECT_EQ(target->ssh.connect_timeout.count(), 7);
  EXPECT_EQ(target->paths.package_folder, "C:\\u");
  EXPECT_EQ(target->restart_down.count(), 60);
  EXPECT_EQ(target->snapshot_revert.size(), 5u);
  EXPECT_EQ(target->vm, "win11");
}

TEST(TargetFile, NamesFileLineColumnAndKeyOfEachProblem) {
  struct Case {
    const char* text;
    const char* expected;
  };
  const Case cases[] = {
      {"transport: ssh\nssh:\n  host: h\n  port: 70000\n", "lab.yaml:4:9: ssh.port must be a whole number from 1 to 65535 (ssh.port)"},
      {"transport: telnet\n", "lab.yaml:1:12: transport must be ssh or local, not 'telnet' (transport)"},
      {"transport: local\ntimeouts: {comand_s: 3}\n", "lab.yaml:2:12: unknown key 'comand_s' (expected one of: command_s, restart_down_s, restart_up_s, poll_s) (timeouts.comand_s)"},
      {"transport: ssh\n", "lab.yaml:1:1: ssh.host is required with transport: ssh (ssh.host)"},
      {"transport: local\ndism: []\n", "lab.yaml:2:7: dism must be a non-empty list of arguments (no shell: one word per entry) (dism)"},
      {"transport: local\ndism: [a, \"b\\\"c\"]\n", "lab.yaml:2:11: dism arguments must not hold '\"' (dism[1])"},
      {"transport: [\n", nullptr},
  };
  for (const Case& entry : cases) {
    const auto target = load_target_text(entry.text, "lab.yaml");
    ASSERT_FALSE(target.has_value()) << entry.text;
    const std::string message = target.error().to_string();
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    if (entry.expected != nullptr) {
      EXPECT_EQ(message, entry.expected);
    } else {
      EXPECT_EQ(message.rfind("lab.yaml:", 0), 0u) << message;
    }
  }
  EXPECT_EQ(load_target_file("/nonexistent/lab.yaml").error().to_string(),
            "/nonexistent/lab.yaml: no such file ((file))");
}

TEST(RunProcess, KillsAChildAtItsDeadline) {
  const auto started = std::chrono::steady_clock::now();
  const ProcessResult result = run_process({"sleep", "30"}, {}, {std::chrono::milliseconds(300)});
  EXPECT_TRUE(result.timed_out);
  EXPECT_TRUE(result.signal.has_value());
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
}

TEST(RunProcess, PassesInputAndBoundsOutput) {
  const ProcessResult echoed = run_process({"cat"}, "a & b; $(c)", {});
  EXPECT_EQ(echoed.exit_code, 0);
  EXPECT_EQ(echoed.out, "a & b; $(c)");
  ProcessLimits limits;
  limits.output_bytes_max = 1000;
  const ProcessResult big = run_process({"head", "-c", "100000", "/dev/zero"}, {}, limits);
  EXPECT_EQ(big.out.size(), 1000u);
  EXPECT_TRUE(big.output_truncated);
  // A child that never reads its input: the write fails quietly instead of killing svcsim.
  const ProcessResult deaf = run_process({"true"}, std::string(1 << 20, 'x'), {});
  EXPECT_EQ(deaf.exit_code, 0);
  const ProcessResult missing = run_process({"/nonexistent/program"}, {}, {});
  EXPECT_FALSE(missing.spawn_error.empty());
}

}  // namespace
}  // namespace svcsim::adapter
