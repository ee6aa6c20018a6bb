// posix_spawn + poll: a child with its own process group, its output read through pipes until it
// closes them, killed (the whole group) at the deadline.
#include "svcsim/adapter/process.hpp"

#include <fcntl.h>
#include <pthread.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "svcsim/model/assert.hpp"

extern char** environ;

namespace svcsim::adapter {
namespace {

/// A pipe whose ends close themselves.
struct Pipe {
  int read_end = -1;
  int write_end = -1;
  Pipe() {
    int ends[2];
    if (pipe2(ends, O_CLOEXEC) == 0) {
      read_end = ends[0];
      write_end = ends[1];
    }
  }
  ~Pipe() {
    close_read();
    close_write();
  }
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;
  bool ok() const { return read_end >= 0; }
  void close_read() {
    if (read_end >= 0) ::close(read_end);
    read_end = -1;
  }
  void close_write() {
    if (write_end >= 0) ::close(write_end);
    write_end = -1;
  }
};

/// write(), except that a child that closed its input makes it fail with EPIPE instead of
/// ending svcsim with SIGPIPE: the signal is blocked for the call and a pending one consumed.
ssize_t write_without_sigpipe(int fd, const char* data, std::size_t size) {
  sigset_t pipe_signal;
  sigemptyset(&pipe_signal);
  sigaddset(&pipe_signal, SIGPIPE);
  sigset_t previous;
  pthread_sigmask(SIG_BLOCK, &pipe_signal, &previous);
  sigset_t pending;
  sigpending(&pending);
  const bool was_pending = sigismember(&pending, SIGPIPE) == 1;
  const ssize_t written = ::write(fd, data, size);
  const int write_errno = errno;
  // The kernel raises SIGPIPE also when the reader goes away during a write that still returns
  // a count; a signal this write raised is consumed, one raised before it is left alone.
  if (!was_pending) {
    const timespec no_wait{0, 0};
    sigtimedwait(&pipe_signal, nullptr, &no_wait);
  }
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  errno = write_errno;
  return written;
}

}  // namespace

ProcessResult run_process(const std::vector<std::string>& argv, const std::string& input,
                          const ProcessLimits& limits) {
  SVCSIM_ASSERT(!argv.empty());
  SVCSIM_ASSERT(limits.timeout.count() > 0);
  ProcessResult result;
  Pipe in_pipe;
  Pipe out_pipe;
  Pipe err_pipe;
  if (!in_pipe.ok() || !out_pipe.ok() || !err_pipe.ok()) {
    result.spawn_error = std::string("pipe: ") + std::strerror(errno);
    return result;
  }

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_pipe.read_end, 0);
  posix_spawn_file_actions_adddup2(&actions, out_pipe.write_end, 1);
  posix_spawn_file_actions_adddup2(&actions, err_pipe.write_end, 2);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  // Its own process group, so that a timeout kills what it started too (ssh's helpers).
  posix_spawnattr_setpgroup(&attributes, 0);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  sigaddset(&defaults, SIGINT);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF);

  std::vector<char*> arguments;
  arguments.reserve(argv.size() + 1);
  for (const std::string& argument : argv) arguments.push_back(const_cast<char*>(argument.c_str()));
  arguments.push_back(nullptr);
  pid_t child = -1;
  const int spawned =
      posix_spawnp(&child, arguments[0], &actions, &attributes, arguments.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  in_pipe.close_read();
  out_pipe.close_write();
  err_pipe.close_write();
  if (spawned != 0) {
    result.spawn_error = argv[0] + ": " + std::strerror(spawned);
    return result;
  }

  const auto deadline = std::chrono::steady_clock::now() + limits.timeout;
  std::size_t input_offset = 0;
  if (input.empty()) in_pipe.close_write();
  std::array<char, 65536> buffer{};
  // Each round reads or writes at least one byte or waits for the deadline: bounded by the
  // output limit and the timeout.
  while (out_pipe.read_end >= 0 || err_pipe.read_end >= 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      result.timed_out = true;
      break;
    }
    std::array<pollfd, 3> fds{};
    nfds_t count = 0;
    const auto watch = [&](int fd, short events) {
      if (fd >= 0) fds[count++] = pollfd{fd, events, 0};
    };
    watch(out_pipe.read_end, POLLIN);
    watch(err_pipe.read_end, POLLIN);
    watch(in_pipe.write_end, POLLOUT);
    const int ready = ::poll(fds.data(), count, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) break;
    for (nfds_t index = 0; index < count; ++index) {
      const pollfd& entry = fds[index];
      if (entry.revents == 0) continue;
      if (entry.fd == in_pipe.write_end) {
        const ssize_t written = write_without_sigpipe(entry.fd, input.data() + input_offset,
                                                      input.size() - input_offset);
        if (written > 0) input_offset += static_cast<std::size_t>(written);
        if (written < 0 || input_offset == input.size()) in_pipe.close_write();
        continue;
      }
      const ssize_t got = ::read(entry.fd, buffer.data(), buffer.size());
      if (got <= 0) {
        if (got < 0 && errno == EINTR) continue;
        (entry.fd == out_pipe.read_end ? out_pipe : err_pipe).close_read();
        continue;
      }
      std::string& sink = entry.fd == out_pipe.read_end ? result.out : result.err;
      const std::size_t room = limits.output_bytes_max - std::min(limits.output_bytes_max, sink.size());
      if (static_cast<std::size_t>(got) > room) result.output_truncated = true;
      sink.append(buffer.data(), std::min(room, static_cast<std::size_t>(got)));
    }
  }
  in_pipe.close_write();
  if (result.timed_out) ::kill(-child, SIGKILL);
  int status = 0;
  // The pipes are closed, so the child is gone or about to be; a child that closed its output
  // but lingers is waited for only up to the deadline.
  for (;;) {
    const pid_t waited = ::waitpid(child, &status, result.timed_out ? 0 : WNOHANG);
    if (waited == child) break;
    if (waited < 0 && errno != EINTR) break;
    if (std::chrono::steady_clock::now() >= deadline) {
      result.timed_out = true;
      ::kill(-child, SIGKILL);
      ::waitpid(child, &status, 0);
      break;
    }
    ::usleep(2000);
  }
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  return result;
}

}  // namespace svcsim::adapter
