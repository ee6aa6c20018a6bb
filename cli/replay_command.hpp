// `svcsim replay`: the plan of a sequence as the exact DISM commands, and with --execute its run
// on a machine (adapter/replay.hpp), reported as text, JSON (Ansible win_package's keys) or
// JUnit. Registered on the top-level CLI11 App by main.cpp.
#pragma once

#include "run_command.hpp"

namespace svcsim::cli {

/// Adds `replay SCENARIO --target FILE [--order ...] [--execute] [--resume] [--journal FILE]
/// [--script FILE.ps1] [--format text|json|junit]` to `app`.
Command register_replay_command(CLI::App& app);

}  // namespace svcsim::cli
