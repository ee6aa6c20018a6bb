// `svcsim compare`: sequencing strategies and rollout rings over a simulated fleet (issue 9).
#pragma once

#include "run_command.hpp"

namespace svcsim::cli {

/// Adds `compare SCENARIO [--strategies a,b,...] [--devices N] [--seed S] [--threads T]
/// [--format text|json|csv|html] [--output FILE]` to `app`.
Command register_compare_command(CLI::App& app);

}  // namespace svcsim::cli
