// `svcsim check SCENARIO...`: every expectation of each scenario file, one verdict per file.
#pragma once

#include "run_command.hpp"

namespace svcsim::cli {

Command register_check_command(CLI::App& app);

}  // namespace svcsim::cli
