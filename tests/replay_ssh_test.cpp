// The replay's end-to-end proof through a real OpenSSH server: the test makes a throw-away host
// key and user key, starts Debian's sshd on a free port of 127.0.0.1 (and stops it), and replays
// scenarios over ssh against the DISM emulator (`svcsim dism`), checking the five proofs of the
// replay issue: a confirmed replay; a mismatch that names the knob behind it; BatUtil #67's
// boot.wim sequence classed as the model classes it, not success; a replay killed with SIGKILL
// and resumed without repeating a journaled step; and file names full of shell metacharacters
// that execute nothing. Skips (with GTEST_SKIP) only when /usr/sbin/sshd is not installed.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "shell_models.hpp"
#include "svcsim/adapter/process.hpp"

extern char** environ;

namespace {

namespace fs = std::filesystem;
using svcsim::adapter::ProcessResult;
using svcsim::adapter::run_process;
using svcsim::test_support::yaml_double_quoted;

fs::path source_dir() {
  const char* dir = std::getenv("SVCSIM_SOURCE_DIR");
  return dir != nullptr ? fs::path(dir) : fs::path(SVCSIM_SOURCE_DIR_FALLBACK);
}

ProcessResult run(const std::vector<std::string>& argv, int timeout_s = 60) {
  return run_process(argv, {}, {std::chrono::seconds(timeout_s)});
}

int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    ::close(fd);
    return 0;
  }
  ::close(fd);
  return ntohs(address.sin_port);
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

/// Starts `svcsim replay SCENARIO --target TARGET --execute --journal JOURNAL` in the background
/// (its standard output discarded); -1 if it could not start.
pid_t start_replay(const std::string& scenario, const std::string& target, const std::string& journal) {
  const std::vector<std::string> words = {SVCSIM_EXECUTABLE, "replay", scenario, "--target", target,
                                          "--execute", "--journal", journal};
  std::vector<char*> argv;
  for (const std::string& word : words) argv.push_back(const_cast<char*>(word.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  pid_t child = -1;
  const int started = ::posix_spawn(&child, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  return started == 0 ? child : -1;
}

/// Waits (at most 15 s) until `path` holds at least `lines` finished lines.
bool wait_for_lines(const fs::path& path, std::ptrdiff_t lines) {
  for (int attempt = 0; attempt < 750; ++attempt) {
    const std::string text = read_text(path);
    if (std::count(text.begin(), text.end(), '\n') >= lines) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

/// The throw-away sshd, shared by every test of the suite.
class SshReplay : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!fs::exists("/usr/sbin/sshd")) return;
    char pattern[] = "/tmp/svcsim-ssh-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
    for (const char* key : {"host_key", "user_key"}) {
      const ProcessResult made = run({"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "svcsim-test",
                                      "-f", (dir_ / key).string()});
      ASSERT_EQ(made.exit_code, 0) << made.err << made.spawn_error;
    }
    fs::copy_file(dir_ / "user_key.pub", dir_ / "authorized_keys");
    ::chmod((dir_ / "authorized_keys").c_str(), 0600);
    port_ = free_port();
    ASSERT_GT(port_, 0);
    // sshd's privilege separation directory; Debian creates it at boot, a container may not.
    if (::geteuid() == 0 && !fs::exists("/run/sshd")) {
      fs::create_directories("/run/sshd");
      ::chmod("/run/sshd", 0755);
    }
    std::ofstream(dir_ / "sshd_config")
        << "Port " << port_ << "\nListenAddress 127.0.0.1\nHostKey " << (dir_ / "host_key").string()
        << "\nPidFile " << (dir_ / "sshd.pid").string() << "\nAuthorizedKeysFile "
        << (dir_ / "authorized_keys").string()
        << "\nStrictModes no\nPubkeyAuthentication yes\nPasswordAuthentication no\n"
           "KbdInteractiveAuthentication no\nUsePAM no\nPermitRootLogin prohibit-password\n"
           "LogLevel ERROR\nMaxStartups 100\n";
    std::ofstream(dir_ / "known_hosts")
        << "[127.0.0.1]:" << port_ << " " << read_text(dir_ / "host_key.pub");
    const std::string config = (dir_ / "sshd_config").string();
    const std::string port = std::to_string(port_);
    std::vector<char*> argv = {const_cast<char*>("/usr/sbin/sshd"), const_cast<char*>("-D"),
                               const_cast<char*>("-e"), const_cast<char*>("-f"),
                               const_cast<char*>(config.c_str()), const_cast<char*>("-p"),
                               const_cast<char*>(port.c_str()), nullptr};
    ASSERT_EQ(::posix_spawn(&sshd_, argv[0], nullptr, nullptr, argv.data(), environ), 0);
    user_ = ::getpwuid(::getuid())->pw_name;
    // Up within 10 s, or the suite fails here with ssh's own message.
    ProcessResult probe;
    for (int attempt = 0; attempt < 100; ++attempt) {
      probe = run({"ssh", "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-i",
                   (dir_ / "user_key").string(), "-o",
                   "UserKnownHostsFile=" + (dir_ / "known_hosts").string(), "-p", port, "--",
                   user_ + "@127.0.0.1", "true"},
                  10);
      if (probe.exit_code == 0) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ASSERT_EQ(probe.exit_code, 0) << "sshd did not accept the test key: " << probe.err;
  }

  static void TearDownTestSuite() {
    if (sshd_ > 0) {
      ::kill(sshd_, SIGTERM);
      int status = 0;
      ::waitpid(sshd_, &status, 0);
      sshd_ = -1;
    }
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  void SetUp() override {
    if (!fs::exists("/usr/sbin/sshd")) {
      GTEST_SKIP() << "/usr/sbin/sshd is not installed (Debian package openssh-server, installed by "
                      "scripts/setup.sh): the ssh replay proofs cannot run";
    }
    ASSERT_GT(sshd_, 0);
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    work_ = dir_ / info->name();
    fs::create_directories(work_);
  }

  /// A target file for the emulator behind sshd; `revert` is the emulator's --init line.
  fs::path target_file(const fs::path& scenario, const std::vector<std::string>& extra_init,
                       const std::string& restart_prefix = "", const std::string& more = "") {
    const std::string state = (work_ / "state").string();
    const auto list = [](const std::vector<std::string>& words) {
      std::string text = "[";
      for (const std::string& word : words) text += (text.size() > 1 ? ", " : "") + yaml_double_quoted(word);
      return text + "]";
    };
    std::vector<std::string> init = {SVCSIM_EXECUTABLE, "dism", "--state-dir", state, "--init", scenario.string()};
    init.insert(init.end(), extra_init.begin(), extra_init.end());
    std::vector<std::string> restart = {SVCSIM_EXECUTABLE, "dism", "--state-dir", state, "shutdown.exe", "/r", "/t", "0"};
    if (!restart_prefix.empty()) restart = {"sh", "-c", restart_prefix + " exec $0 $@", SVCSIM_EXECUTABLE, "dism",
                                            "--state-dir", state, "shutdown.exe", "/r", "/t", "0"};
    const fs::path path = work_ / "target.yaml";
    std::ofstream(path) << "transport: ssh\nssh:\n  host: 127.0.0.1\n  port: " << port_
                        << "\n  user: " << yaml_double_quoted(user_)
                        << "\n  identity_file: " << yaml_double_quoted((dir_ / "user_key").string())
                        << "\n  known_hosts_file: " << yaml_double_quoted((dir_ / "known_hosts").string())
                        << "\n  connect_timeout_s: 5\nshell: posix\n"
                        << "dism: " << list({SVCSIM_EXECUTABLE, "dism", "--state-dir", state, "--exit-code-line"})
                        << "\nrestart_command: " << list(restart)
                        << "\ntimeouts: {command_s: 30, restart_down_s: 0, restart_up_s: 20, poll_s: 1}\n"
                        << "snapshot:\n  revert: " << list(init) << "\n" << more;
    return path;
  }

  struct Replay {
    int status = -1;
    nlohmann::json report;
    std::string err;
  };
  Replay replay(const fs::path& scenario, const fs::path& target, std::vector<std::string> extra) {
    std::vector<std::string> argv = {SVCSIM_EXECUTABLE, "replay", scenario.string(), "--target",
                                     target.string(), "--execute", "--format", "json", "--journal",
                                     (work_ / "journal").string()};
    argv.insert(argv.end(), extra.begin(), extra.end());
    const ProcessResult done = run(argv);
    Replay result;
    result.status = done.exit_code.value_or(-1);
    result.err = done.err;
    try {
      result.report = nlohmann::json::parse(done.out);
    } catch (const std::exception& error) {
      ADD_FAILURE() << "replay printed no JSON (" << error.what() << "): " << done.out << done.err;
    }
    return result;
  }

  static inline fs::path dir_;
  static inline int port_ = 0;
  static inline pid_t sshd_ = -1;
  static inline std::string user_;
  fs::path work_;
};

fs::path scenario(const char* name) { return source_dir() / "scenarios" / name; }

TEST_F(SshReplay, Proof1TheDocumentedOrderIsConfirmed) {
  const fs::path file = scenario("kb5086672-online.yaml");
  const Replay done = replay(file, target_file(file, {}), {});
  EXPECT_EQ(done.status, 0) << done.report.dump(2) << done.err;
  EXPECT_EQ(done.report.value("result", ""), "confirmed");
  EXPECT_NE(done.report.value("transport", "").find("ssh"), std::string::npos);
  ASSERT_EQ(done.report["steps"].size(), 4u);
  for (const auto& step : done.report["steps"]) {
    EXPECT_TRUE(step["confirmed"].get<bool>()) << step.dump(2);
  }
  EXPECT_EQ(done.report["steps"][0]["observed"]["rc"], 3010);
  EXPECT_EQ(done.report["steps"][3]["observed"]["ubr"], 8117);
}

TEST_F(SshReplay, Proof2AnotherKnobAndTheReverseOrderGiveAMismatchThatNamesTheKnob) {
  const fs::path file = scenario("kb5086672-online.yaml");
  const Replay done = replay(file, target_file(file, {"--knob", "missing_baseline_error=0x800F081E"}),
                             {"--order", "KB5086672,KB5043080"});
  EXPECT_EQ(done.status, 4) << done.report.dump(2) << done.err;
  EXPECT_EQ(done.report.value("result", ""), "mismatch");
  const auto& step = done.report["steps"][0];
  EXPECT_EQ(step["observed"]["result"], "0x800F081E");
  EXPECT_EQ(step["predicted"]["result"], "0x800F0838");
  EXPECT_EQ(step["observed"]["rc"], -2146498530);
  ASSERT_FALSE(done.report["findings"].empty());
  EXPECT_EQ(done.report["findings"][0]["knob"], "missing_baseline_error");
  EXPECT_EQ(done.report["findings"][0]["value"], "0x800F081E");
}

TEST_F(SshReplay, Proof3BatUtil67BootWimGetsTheModelsClassNotSuccess) {
  const fs::path file = scenario("boot-wim-checkpoint-after-reset-base.yaml");
  const Replay done = replay(file, target_file(file, {}), {});
  EXPECT_EQ(done.status, 0) << done.report.dump(2) << done.err;
  EXPECT_EQ(done.report.value("result", ""), "confirmed");
  // The class is the model's (svcsim run's), whatever version of the rules it has; and not success.
  const ProcessResult run_json = run({SVCSIM_EXECUTABLE, "run", file.string(), "--format", "json", "--fail-on", "none"});
  const auto expected = nlohmann::json::parse(run_json.out)["class"];
  EXPECT_EQ(done.report["predicted_class"], expected);
  EXPECT_NE(done.report["predicted_class"], "success");
  // servicing-model.md v2 §6: a corrupt store after a reported error is stuck; every step was
  // confirmed, so the machine's run is stuck too.
  EXPECT_EQ(done.report["predicted_class"], "stuck");
  EXPECT_EQ(done.report["class"], "stuck");
  // The checkpoint's Error: 14098 arrived over ssh as DISM prints it.
  EXPECT_EQ(done.report["steps"][0]["observed"]["result"], "0x80073712");
  EXPECT_EQ(done.report["steps"][0]["observed"]["rc"], 14098);
}

TEST_F(SshReplay, Proof4AReplayKilledWithSigkillResumesWithoutRepeatingAStep) {
  const fs::path file = scenario("kb5086672-online.yaml");
  // The first restart takes a second and a half, so that the kill lands while it runs.
  const fs::path marker = work_ / "restarting";
  fs::remove(marker);
  const fs::path target = target_file(file, {}, "touch '" + marker.string() + "'; sleep 1.5;");
  const fs::path journal = work_ / "journal";
  // Kill it once step 1 is journaled (the header and one line), while step 2 (restart) runs.
  const pid_t child = start_replay(file.string(), target.string(), journal.string());
  ASSERT_GT(child, 0);
  // The journal alone raced: a slow (sanitized) replay could be killed between the steps, before
  // the restart began. The restart command leaves a mark before it sleeps.
  ASSERT_TRUE(wait_for_lines(journal, 2));
  for (int attempt = 0; attempt < 1500 && !fs::exists(marker); ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_TRUE(fs::exists(marker)) << "the restart never started";
  ASSERT_EQ(::kill(child, SIGKILL), 0);
  int status = 0;
  ::waitpid(child, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  const std::string after_kill = read_text(journal);
  EXPECT_EQ(std::count(after_kill.begin(), after_kill.end(), '\n'), 2) << after_kill;
  // The orphaned restart (its ssh runs in its own process group) finishes on its own: wait
  // until the emulator has counted it, so that it cannot land in the middle of the resumed run.
  bool restarted = false;
  for (int attempt = 0; attempt < 200 && !restarted; ++attempt) {
    const std::string state = read_text(work_ / "state" / "state.json");
    restarted = state.find("\"restarts\": 1") != std::string::npos;
    if (!restarted) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(restarted);

  const Replay resumed = replay(file, target, {"--resume"});
  EXPECT_EQ(resumed.status, 0) << resumed.report.dump(2) << resumed.err;
  EXPECT_EQ(resumed.report.value("result", ""), "confirmed");
  EXPECT_EQ(resumed.report["from_journal"], 1);
  EXPECT_TRUE(resumed.report["steps"][0]["from_journal"].get<bool>());
  EXPECT_FALSE(resumed.report["steps"][1]["from_journal"].get<bool>());
  // Had step 1 (the checkpoint's add) run again, the emulator would have answered "already
  // installed" (exit 0) where 3010 is predicted for step 3's state: the run is confirmed, and the
  // journal holds each step exactly once.
  const std::string final_journal = read_text(journal);
  EXPECT_EQ(std::count(final_journal.begin(), final_journal.end(), '\n'), 5);
  // A journal is never overwritten by a fresh replay.
  const ProcessResult fresh = run({SVCSIM_EXECUTABLE, "replay", file.string(), "--target", target.string(),
                                   "--execute", "--journal", journal.string()});
  EXPECT_EQ(fresh.exit_code, 2);
  EXPECT_NE(fresh.err.find("--resume"), std::string::npos) << fresh.err;
}

TEST_F(SshReplay, Proof5HostileFileNamesExecuteNothing) {
  const fs::path original = scenario("kb5086672-online.yaml");
  std::string yaml = read_text(original);
  const std::vector<std::pair<std::string, std::string>> names = {
      {"windows11.0-kb5043080-x64.msu", "kb5043080 & touch pwned-amp; touch pwned-semi %PATH% ^ 'q'.msu"},
      {"windows11.0-kb5086672-x64.msu", "kb5086672 $(touch pwned-dollar) `touch pwned-tick` $HOME ' ;.msu"}};
  for (const auto& [from, to] : names) {
    const std::string key = "file: " + from;
    yaml.replace(yaml.find(key), key.size(), "file: " + yaml_double_quoted(to));
  }
  const fs::path file = work_ / "hostile-names.yaml";
  std::ofstream(file) << yaml;
  const fs::path target = target_file(file, {}, "", "packages_folder: " +
                                      yaml_double_quoted("C:\\Pkgs & touch pwned-folder; $(touch pwned-sub) 'x'") + "\n");
  const char* home = std::getenv("HOME");
  const auto pwned = [&] {
    int found = 0;
    for (const fs::path& place : {fs::current_path(), home != nullptr ? fs::path(home) : fs::current_path(), work_}) {
      for (const auto& entry : fs::directory_iterator(place)) {
        found += entry.path().filename().string().rfind("pwned", 0) == 0 ? 1 : 0;
      }
    }
    return found;
  };
  ASSERT_EQ(pwned(), 0);
  const Replay done = replay(file, target, {});
  EXPECT_EQ(done.status, 0) << done.report.dump(2) << done.err;
  EXPECT_EQ(done.report.value("result", ""), "confirmed");
  EXPECT_NE(done.report["steps"][0]["command"].get<std::string>().find("& touch pwned-amp"), std::string::npos);
  EXPECT_EQ(pwned(), 0) << "a file name executed a command";
}

TEST_F(SshReplay, AnUnreachableMachineIsExitFive) {
  const fs::path file = scenario("kb5086672-online.yaml");
  fs::path target = target_file(file, {});
  std::string text = read_text(target);
  const std::string port = "port: " + std::to_string(port_);
  text.replace(text.find(port), port.size(), "port: " + std::to_string(free_port()));
  std::ofstream(target) << text;
  const Replay done = replay(file, target, {});
  EXPECT_EQ(done.status, 5) << done.report.dump(2) << done.err;
  EXPECT_EQ(done.report.value("result", ""), "unreachable");
}

}  // namespace

namespace {

// Without sshd: Ctrl-C (SIGINT) during a replay over the local transport lets the step under way
// finish, journals it, exits 6, and --resume finishes the replay with every step confirmed.
TEST(LocalReplay, CtrlCStopsAfterTheStepUnderWayAndResumeFinishes) {
  char pattern[] = "/tmp/svcsim-local-XXXXXX";
  ASSERT_NE(::mkdtemp(pattern), nullptr);
  const fs::path dir = pattern;
  const fs::path file = scenario("kb5086672-online.yaml");
  const std::string state = (dir / "state").string();
  std::ofstream(dir / "target.yaml")
      << "transport: local\ndism: [" << yaml_double_quoted(SVCSIM_EXECUTABLE) << ", dism, --state-dir, "
      << yaml_double_quoted(state) << ", --exit-code-line]\nrestart_command: [sh, -c, \"touch '" << (dir / "restarting").string()
      << "'; sleep 1; exec $0 $@\", "
      << yaml_double_quoted(SVCSIM_EXECUTABLE) << ", dism, --state-dir, " << yaml_double_quoted(state)
      << ", shutdown, /r]\ntimeouts: {command_s: 30, restart_down_s: 0, restart_up_s: 10, poll_s: 1}\n"
      << "snapshot:\n  revert: [" << yaml_double_quoted(SVCSIM_EXECUTABLE) << ", dism, --state-dir, "
      << yaml_double_quoted(state) << ", --init, " << yaml_double_quoted(file.string()) << "]\n";
  const std::string target = (dir / "target.yaml").string();
  const std::string journal = (dir / "journal").string();
  const pid_t child = start_replay(file.string(), target, journal);
  ASSERT_GT(child, 0);
  // Step 1 journaled and the restart (step 2) under way: the restart command leaves a mark
  // before it sleeps. Waiting for the journal alone raced: a slow (sanitized) replay could take
  // the signal between the steps, when no step is under way to finish.
  ASSERT_TRUE(wait_for_lines(journal, 2));
  for (int attempt = 0; attempt < 1500 && !fs::exists(dir / "restarting"); ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_TRUE(fs::exists(dir / "restarting")) << "the restart never started";
  ASSERT_EQ(::kill(child, SIGINT), 0);
  int status = 0;
  ::waitpid(child, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 6);
  const std::string after = read_text(journal);
  // The restart under way finished and was journaled; nothing after it ran.
  EXPECT_EQ(std::count(after.begin(), after.end(), '\n'), 3) << after;

  const ProcessResult resumed = run({SVCSIM_EXECUTABLE, "replay", file.string(), "--target", target,
                                     "--resume", "--journal", journal, "--format", "json"});
  EXPECT_EQ(resumed.exit_code, 0) << resumed.out << resumed.err;
  const auto report = nlohmann::json::parse(resumed.out);
  EXPECT_EQ(report["result"], "confirmed");
  EXPECT_EQ(report["from_journal"], 2);
  fs::remove_all(dir);
}

}  // namespace
