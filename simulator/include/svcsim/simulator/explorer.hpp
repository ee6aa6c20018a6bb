// The explorer (`svcsim explore`): every order of the plan's steps that respects `before`, and
// every placement of up to K faults, counted exactly by dynamic programming over the state graph
// (architecture.md "What all orders means", scenarios.md "What explore counts").
//
// A graph node is (steps done, model state, faults used, first error); each edge completes one
// more plan step (with the reboot the plan inserts after it), so the graph is layered by the
// number of steps done and a layer is forgotten once the next is built. Model states are interned
// and every distinct (state, operation, fault) transition is computed, and invariant-checked,
// exactly once.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "svcsim/model/classify.hpp"
#include "svcsim/scenario/scenario.hpp"
#include "svcsim/simulator/big_count.hpp"
#include "svcsim/simulator/sequence.hpp"
#include "svcsim/simulator/huge_page_allocator.hpp"

namespace svcsim::simulator {

struct ExploreProgress {
  /// On several ranks: this rank's so far, plus the other ranks' as of the last layer all of
  /// them finished (so the figure lags by up to a layer, never counts a state twice).
  std::uint64_t states = 0;
  std::uint64_t transitions = 0;
  std::uint64_t bytes = 0;           // the larger of tracked and resident bytes, of this rank
  int ranks = 1;                     // the ranks the search is split over (explore under MPI)
  double elapsed_s = 0;
  std::size_t layer = 0;             // layers done (plan steps done at the layer being built)
  std::size_t layer_count = 0;
  /// Groups (sets of steps done) finished and in all, counted over every layer, where they are
  /// known in advance (plans of up to 26 steps enumerate every subset): the part of the work
  /// done, for an estimate of the time left. 0 when not known.
  std::uint64_t groups_done = 0;
  std::uint64_t group_count = 0;
};

/// The processes one exploration is split over (`explore` under MPI): rank `rank` of `size`
/// builds the groups (sets of steps done) whose mask hashes to it, and the ranks swap each
/// layer's groups with the ranks that build their successors. The collectives come from the
/// caller (cluster/ over MPI, or threads in tests), so the simulator does not depend on MPI.
/// Every rank gets the same result, and it is one process's, byte for byte (docs/cluster.md).
/// Plans of up to 26 steps (the dense groups) without a recorded graph only.
struct ExplorePartition {
  /// A message; resize() leaves it unzeroed (zeroing hundreds of MB a layer only to overwrite
  /// them cost explore on several ranks an eighth of its time).
  using Bytes = std::vector<std::uint8_t, HugePageAllocator<std::uint8_t>>;
  int rank = 0;
  int size = 1;
  /// All to all: `outgoing[d]` goes to rank d, and `incoming[s]` becomes what rank s sent here
  /// (`outgoing[rank]` included). Both hold one buffer per rank; the callers keep them from
  /// call to call, so a buffer's memory is reused. Collective: every rank calls it, as often
  /// and in the same order.
  std::function<void(const std::vector<Bytes>& outgoing, std::vector<Bytes>& incoming)> exchange;
  /// Every rank's `mine`, in rank order, on every rank. Collective.
  std::function<std::vector<Bytes>(const Bytes& mine)> all_gather;
};

/// Plans of at most this many steps have every subset of their steps as a group, in colex
/// order (C(26, 13) = 10.4 million groups in the widest layer); longer ones find their groups
/// by hashing. Several ranks need the dense order: they take plans of at most this many steps.
inline constexpr std::size_t dense_step_count_max = 26;

/// The plan steps whose being done or not decides which of `size` ranks builds a group: for 2^b
/// ranks, 2b of them when the plan has that many, else b, else none (then a hash of the mask
/// decides). Candidates are `add` steps that no `before` constraint touches, of a package
/// outside the cumulative chain (.NET first, then language packs, features on demand, Safe OS
/// and Setup dynamic updates, enablement packages), the last in plan order among equals; the
/// list is in plan order. Why (docs/cluster.md): a group never loses a step, and an update that
/// changes little else splits the model states between the ranks too; with two steps a bit of
/// the rank, the wide middle layers split about evenly, where with one the rank with the step
/// done holds k/n of layer k.
std::vector<std::size_t> split_steps(const model::Plan& plan, const model::World& world, int size);

/// The rank that builds the group of `mask` among `size` ranks (2^b), from split_steps' list:
/// with 2b steps, bit i of the rank says whether exactly one of steps 2i and 2i+1 is done (the
/// parity of the pair); with b steps, whether step i is done; with none, a hash of `mask`.
int group_owner(std::uint64_t mask, int size, const std::vector<std::size_t>& split = {});

struct ExploreOptions {
  /// Faults per run at most; nullopt: the scenario's faults.max.
  std::optional<int> fault_count_max;
  /// Stop cleanly (status incomplete) past this many graph states; 0: no limit.
  std::uint64_t state_count_max = 0;
  /// Stop cleanly past this many bytes of memory; 0: no limit. Counted are the explorer's own
  /// tracked bytes and, when `resident_bytes` is set, what the process really holds.
  std::uint64_t memory_bytes_max = 0;
  /// Reads the process's resident set in bytes; called at the limit checkpoints (after every
  /// layer, every 4096 groups and every 2^16 transitions), so it must be cheap. Empty: only the
  /// tracked bytes count, and the search stays independent of its environment.
  std::function<std::uint64_t()> resident_bytes;
  /// Record the graph's nodes and edges (for DOT), at most this many nodes: past it the graph
  /// keeps the first ones and says it is truncated. 0: no graph.
  std::uint64_t graph_state_max = 0;
  /// Threads that build each wide layer (`explore --threads`). Counts, witnesses and graph
  /// are the same for every thread count; a recorded graph is always built on one thread.
  int threads = 1;
  /// Layers of fewer nodes than this are built on one thread, however many there are: the
  /// threads' start and the chunks' merge cost more than such a layer. Tests set 0, so that
  /// small scenarios go through the chunked build too.
  std::size_t parallel_node_min = 4096;
  /// Build layers by hashing the masks reached, as plans of more than 26 steps do, even for a
  /// short plan: so tests can hold that path to the same answers as the dense one.
  bool sparse_groups = false;
  /// A parent link stores its parent's position in its group in 16 bits; positions from this
  /// one on are kept in a side table instead (0xFFFF: those 16 bits cannot hold). Tests lower
  /// it, so that witnesses through escaped positions are held to the same answers.
  std::uint32_t link_escape_from = 0xFFFF;
  /// Ranks split by split steps send a layer's groups in rounds, each about this many of the
  /// layer's nodes (all ranks' together), so that a rank holds one round of the groups it
  /// pulls from at a time, not the whole layer's. Tests lower it to force many rounds.
  std::uint64_t rank_round_node_max = std::uint64_t{1} << 19;
  /// Called now and then from the search (at most every 2^16 transitions).
  std::function<void(const ExploreProgress&)> progress;
  /// The ranks this exploration is split over; default: this process alone. With several,
  /// --max-states counts every rank's states (checked between layers) and --max-memory-mib
  /// each rank's own memory.
  ExplorePartition partition;
};

/// Runs with exactly `faults` faults, by class and by first error code.
struct RunCounts {
  BigCount total;
  std::array<BigCount, model::outcome_class_count> classes{};
  std::map<std::uint32_t, BigCount> codes;  // HRESULT -> runs whose first error it was
};

/// A shortest run showing one class or one first-error code.
struct Witness {
  bool for_code = false;                  // witnesses a first-error code (else a class)
  model::OutcomeClass outcome_class = model::OutcomeClass::success;  // the run's class
  std::optional<model::ResultCode> code;  // the run's first error, if any
  std::vector<model::PlanStep> order;     // a whole order (the rest after a stop, in plan order)
  std::vector<FaultPlacement> faults;
  int operation_count = 0;                // steps executed, inserted reboots included
  std::string command;                    // `svcsim run ...` that reproduces it
};

/// The explored graph, for DOT output (only when ExploreOptions::graph_state_max allows).
struct ExploreGraph {
  struct Node {
    std::string label;
    bool terminal = false;
  };
  struct Edge {
    std::size_t from = 0;
    std::size_t to = 0;
    std::string label;
  };
  std::vector<Node> nodes;  // labels hold '\n' between lines; the DOT writer escapes them
  std::vector<Edge> edges;
  /// The search met more states than ExploreOptions::graph_state_max: these are the first ones
  /// recorded, with the edges between them.
  bool truncated = false;
};

enum class ExploreStatus : std::uint8_t {
  complete,
  incomplete_states,   // --max-states reached
  incomplete_memory,   // --max-memory-mib reached
  count_overflow,      // a path count passed 2^128 (the plan is far beyond any search anyway)
  invariant_violation,
};

struct ExploreResult {
  ExploreStatus status = ExploreStatus::complete;
  int fault_count_max = 0;
  BigCount orders;
  std::vector<RunCounts> runs;            // index j = 0 .. fault_count_max
  std::vector<Witness> witnesses;         // per class first (class order), then per code
  std::uint64_t states = 0;               // distinct graph nodes stored
  std::uint64_t transitions = 0;          // edges evaluated (one plan step with its reboot)
  std::uint64_t model_states = 0;         // distinct TargetStates interned
  // Under several ranks: the largest rank's figures.
  std::uint64_t peak_bytes = 0;           // explorer memory at its peak (tracked)
  std::uint64_t peak_resident_bytes = 0;  // the largest resident set sampled (0: not sampled)
  double elapsed_s = 0;
  std::string violation_text;             // invariant_violation: what broke
  std::string violation_command;          // and the run that shows it
  std::optional<ExploreGraph> graph;      // when asked for (graph_state_max > 0)
};

/// Explores the scenario's plan. Deterministic: the same scenario and options give the same
/// counts, witnesses and graph (elapsed time and memory aside).
ExploreResult explore(const scenario::Scenario& scenario, const ExploreOptions& options = {});

/// The number of orders of `steps` (by index) respecting `before`, given that the steps in
/// `done_mask` are already done. Exact.
BigCount count_completions(const model::Plan& plan, std::uint64_t done_mask);

}  // namespace svcsim::simulator
