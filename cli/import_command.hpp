// `svcsim import`: reads .msu files and writes the scenario they describe. Registered by main.cpp.
#pragma once

#include "run_command.hpp"

namespace svcsim::cli {

/// Adds `import FILE.msu|FOLDER... [--product client|server] [--target KIND] [-o FILE]
/// [--ubr N] [--ssu-version N] [--faults K] [--max-extract-mib M]` to `app`.
Command register_import_command(CLI::App& app);

}  // namespace svcsim::cli
