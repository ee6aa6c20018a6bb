// Runs a program from an argument vector, never through a shell, with a deadline: what every
// transport and snapshot hook of the replay uses (posix_spawn, pipes and poll).
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace svcsim::adapter {

/// How a child process ended.
struct ProcessResult {
  std::optional<int> exit_code;    // set when it exited
  std::optional<int> signal;       // set when a signal ended it (SIGKILL: killed, or timed out)
  bool timed_out = false;          // the deadline passed and svcsim killed it
  bool output_truncated = false;   // it wrote more than output_bytes_max; the rest was dropped
  std::string out;                 // its standard output (at most output_bytes_max bytes)
  std::string err;                 // its standard error (at most output_bytes_max bytes)
  std::string spawn_error;         // set when it could not be started (no such program, ...)
};

struct ProcessLimits {
  std::chrono::milliseconds timeout{60'000};
  /// DISM's longest output, /Get-Packages on a full image, is some hundred KiB; 16 MiB bounds a
  /// runaway child without cutting any real listing.
  std::size_t output_bytes_max = 16u << 20;
};

/// Runs `argv` (argv[0] is looked up on PATH) with `input` on its standard input, and waits at
/// most `limits.timeout`; past it the child and its process group are killed (SIGKILL).
///
///   auto done = run_process({"ssh", "-o", "BatchMode=yes", "host", "--", "exit 0"}, {}, {});
ProcessResult run_process(const std::vector<std::string>& argv, const std::string& input,
                          const ProcessLimits& limits);

}  // namespace svcsim::adapter
