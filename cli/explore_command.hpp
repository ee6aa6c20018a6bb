// `svcsim explore`: every order and every fault placement of a scenario's plan, counted exactly,
// with a shortest witness per outcome class and per first error. Registered by main.cpp.
#pragma once

#include "run_command.hpp"

namespace svcsim::cli {

/// Adds `explore SCENARIO [--faults K] [--format text|json|junit|dot|html] [--max-states N]
/// [--max-memory-mib M] [--progress] [--no-timing]` to `app`.
Command register_explore_command(CLI::App& app);

}  // namespace svcsim::cli
