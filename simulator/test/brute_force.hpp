// A test-only oracle for the explorer: enumerates every order of the plan's steps that respects
// `before` (a depth-first walk over them), and for each every placement of up to K faults (step numbers
// x fault kinds), runs it with the ordinary sequence runner and counts what it sees. Slow by
// design (orders x placements); it shares no search or counting code with the explorer.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "svcsim/scenario/scenario.hpp"
#include "svcsim/simulator/explorer.hpp"

namespace svcsim::simulator::testing {

/// The length of a shortest run: (operations executed, faults), compared lexicographically.
using RunLength = std::pair<int, int>;

struct BruteForceResult {
  BigCount orders;
  std::vector<RunCounts> runs;  // j = 0 .. fault_count_max
  std::array<std::optional<RunLength>, model::outcome_class_count> shortest_by_class{};
  std::map<std::uint32_t, RunLength> shortest_by_code;  // HRESULT -> shortest
};

BruteForceResult brute_force(const scenario::Scenario& scenario, int fault_count_max);

}  // namespace svcsim::simulator::testing
