// The emulator's process edge: arguments in, DISM's text out, DISM's exit code as the status.
#include "dism_command.hpp"

#include <signal.h>
#include <unistd.h>

#include <cstring>
#include <exception>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "svcsim/adapter/emulator.hpp"
#include "text_escape.hpp"

namespace svcsim::cli {

bool is_dism_invocation(int argc, char** argv, int* first) {
  std::string_view program = argv[0];
  const std::size_t slash = program.find_last_of('/');
  if (slash != std::string_view::npos) program.remove_prefix(slash + 1);
  if (program == "dism" || program == "dism.exe" || program == "DISM.EXE") {
    *first = 1;
    return true;
  }
  if (argc >= 2 && std::strcmp(argv[1], "dism") == 0) {
    *first = 2;
    return true;
  }
  return false;
}

int run_dism_command(int argc, char** argv, int first) {
  const std::vector<std::string> arguments(argv + first, argv + argc);
  if (arguments.size() == 1 && (arguments[0] == "--help" || arguments[0] == "-h" || arguments[0] == "/?")) {
    std::cout << "svcsim dism: a DISM emulator over svcsim's servicing model (adapter/README.md)\n"
                 "  svcsim dism [--state-dir DIR] --init SCENARIO.yaml [--knob NAME=VALUE]... [--inject FAULT]...\n"
                 "  svcsim dism [--state-dir DIR] [--exit-code-line] /Online|/Image:DIR /Add-Package /PackagePath:PATH [/PreventPending] [/NoRestart]\n"
                 "  ... /Get-Packages [/Format:Table|List]   /Get-PackageInfo /PackageName:ID\n"
                 "  ... /Remove-Package /PackageName:ID      /Cleanup-Image /StartComponentCleanup [/ResetBase]\n"
                 "  ... /Cleanup-Image /RevertPendingActions /Mount-Image /ImageFile:F /Index:1 /MountDir:D\n"
                 "  ... /Commit-Image /MountDir:D            /Unmount-Image /MountDir:D /Commit|/Discard\n"
                 "  svcsim dism [--state-dir DIR] --restart   (or: svcsim dism shutdown /r /t 0)\n"
                 "State: --state-dir, else $SVCSIM_DISM_STATE_DIR, else ~/.local/state/svcsim/dism.\n"
                 "Exit status: DISM's exit code's low 8 bits; 2 for svcsim's own option errors.\n";
    return 0;
  }
  try {
    const adapter::EmulatorExit done = adapter::run_dism_emulator(arguments, std::cin, std::cout, std::cerr);
    std::cout.flush();
    if (done.killed) {
      // The machine lost the process mid-step: no exit code, as a power loss leaves none.
      ::kill(::getpid(), SIGKILL);
    }
    return adapter::process_status(done.dism_exit_code);
  } catch (const std::exception& error) {
    std::cout.flush();
    std::cerr << "svcsim dism: " << visible(error.what()) << "\n";
    return 2;
  }
}

}  // namespace svcsim::cli
