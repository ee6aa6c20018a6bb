// `svcsim dism ...` and the `dism` executable name: DISM's own syntax, so main.cpp hands these
// arguments over before CLI11 (which would read /Online as a positional value) sees them.
#pragma once

namespace svcsim::cli {

/// Whether this process runs as the emulator: `svcsim dism ...`, or started as `dism` /
/// `dism.exe` (the installed link). `first` is set to the index of the first emulator argument.
bool is_dism_invocation(int argc, char** argv, int* first);

/// Runs the DISM emulator (adapter/emulator.hpp) on argv[first..] and returns the process exit
/// status: DISM's exit code's low 8 bits (a POSIX status holds no more; --exit-code-line prints
/// it whole), 2 for a problem with svcsim's own options or the state file. A step whose process
/// DISM would lose (power loss) ends this process with SIGKILL.
int run_dism_command(int argc, char** argv, int first);

}  // namespace svcsim::cli
