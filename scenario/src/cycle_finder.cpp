// Cycle detection with Boost.Graph: a topological sort says whether there is a cycle, and a
// depth-first search's first back edge plus its predecessor tree spells it out.
#include "cycle_finder.hpp"

#include <iterator>
#include <utility>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/depth_first_search.hpp>
#include <boost/graph/exception.hpp>
#include <boost/graph/topological_sort.hpp>

#include "svcsim/model/assert.hpp"

namespace svcsim::scenario::detail {


namespace {

using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;

/// Records the predecessor tree and the first back edge of a depth-first search: the back edge
/// closes a cycle, and the tree path from its target to its source is the rest of it.
class CycleRecorder : public boost::default_dfs_visitor {
 public:
  CycleRecorder(std::vector<std::size_t>* parent, std::optional<std::pair<std::size_t, std::size_t>>* back)
      : parent_(parent), back_(back) {}
  void tree_edge(Graph::edge_descriptor edge, const Graph& graph) const {
    (*parent_)[boost::target(edge, graph)] = boost::source(edge, graph);
  }
  void back_edge(Graph::edge_descriptor edge, const Graph& graph) const {
    if (!*back_) *back_ = std::pair{boost::source(edge, graph), boost::target(edge, graph)};
  }

 private:
  std::vector<std::size_t>* parent_;
  std::optional<std::pair<std::size_t, std::size_t>>* back_;
};

}  // namespace

std::optional<Cycle> find_cycle(std::size_t vertex_count, const std::vector<Edge>& edges) {
  Graph graph(vertex_count);
  for (const Edge& edge : edges) boost::add_edge(edge.from, edge.to, graph);
  std::vector<Graph::vertex_descriptor> sorted;
  try {
    boost::topological_sort(graph, std::back_inserter(sorted));
    return std::nullopt;
  } catch (const boost::not_a_dag&) {
    // Fall through: name the cycle for the message.
  }
  std::vector<std::size_t> parent(vertex_count, vertex_count);
  std::optional<std::pair<std::size_t, std::size_t>> back;
  boost::depth_first_search(graph, boost::visitor(CycleRecorder(&parent, &back)));
  SVCSIM_ASSERT(back.has_value());
  const auto [source, target] = *back;

  Cycle cycle;
  std::vector<std::size_t> reversed{source};
  for (std::size_t vertex = source; vertex != target && reversed.size() <= vertex_count;) {
    vertex = parent[vertex];
    SVCSIM_ASSERT(vertex < vertex_count);
    reversed.push_back(vertex);
  }
  cycle.vertices.assign(reversed.rbegin(), reversed.rend());
  cycle.vertices.push_back(target);
  for (std::size_t index = 0; index < edges.size(); ++index) {
    if (edges[index].from == source && edges[index].to == target) {
      cycle.closing_edge = index;
      break;
    }
  }
  return cycle;
}


}  // namespace svcsim::scenario::detail
