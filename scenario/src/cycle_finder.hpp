// Finds and names a cycle among the loader's ordering constraints (package requires, plan
// before), so that the error message can show the whole loop, not just that there is one.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

namespace svcsim::scenario::detail {


struct Field;

/// A constraint edge for cycle detection, with the place that declared it.
struct Edge {
  std::size_t from = 0;
  std::size_t to = 0;
  const Field* declared = nullptr;
};

struct Cycle {
  std::vector<std::size_t> vertices;  // v0 -> v1 -> ... -> v0 (v0 repeated at the end)
  std::size_t closing_edge = 0;       // index into the edge list
};

/// A cycle among `edges` over `vertex_count` vertices, if there is one.
std::optional<Cycle> find_cycle(std::size_t vertex_count, const std::vector<Edge>& edges);

}  // namespace svcsim::scenario::detail
