// The DISM emulator (`svcsim dism ...`, also installed as `dism`): DISM's command-line syntax
// and console output over the servicing model, with each target's state kept in a state file
// between calls. Every rule comes from model::step; this file only reads switches, keeps state
// and prints. See adapter/README.md ("svcsim dism").
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace svcsim::adapter {

/// What one emulator call ended with.
struct EmulatorExit {
  /// DISM's exit code (a signed HRESULT, a Win32 code, 0 or 3010); a POSIX process exits with its
  /// low 8 bits, so `--exit-code-line` prints it whole.
  std::int64_t dism_exit_code = 0;
  /// The step's process was killed (power loss while staging, a crash while mounted): the caller
  /// ends the process with SIGKILL, as the machine would have, after flushing what was printed.
  bool killed = false;
};

/// Where the state lives when neither --state-dir nor SVCSIM_DISM_STATE_DIR says:
/// $HOME/.local/state/svcsim/dism (or ./.svcsim-dism without HOME).
std::string default_state_directory();

/// Runs one call. `arguments` are what follows `svcsim dism` (or `dism`): svcsim's own options
/// (--state-dir DIR, --init SCENARIO, --knob NAME=VALUE, --inject FAULT, --restart,
/// --exit-code-line, --show-state) and DISM's switches (/Online, /Image:DIR, /Add-Package, ...),
/// or a restart in `shutdown /r` form. Output goes to `out`, usage errors to `out` as DISM prints
/// them (Error: 87); problems with svcsim's own options or the state file to `err`.
///
///   run_dism_emulator({"--state-dir", dir, "/English", "/Online", "/Get-Packages"}, std::cin,
///                     std::cout, std::cerr);
EmulatorExit run_dism_emulator(const std::vector<std::string>& arguments, std::istream& in,
                               std::ostream& out, std::ostream& err);

/// The process exit status for a DISM exit code: its low 8 bits (what POSIX keeps).
int process_status(std::int64_t dism_exit_code);

}  // namespace svcsim::adapter
