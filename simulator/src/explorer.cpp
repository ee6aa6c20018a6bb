// The explorer: a layered search of the state graph with exact path counting.
//
// Layer L holds the graph nodes with L plan steps done, grouped by which steps are done (the
// mask). Layer L+1 is built mask by mask: for a mask M', every node of every predecessor group
// M' \ {s} is advanced by step s, and the results merge in a small table that stays in L1 cache.
// Path counts add up along the way (dynamic programming over the DAG); a run that stops early is
// counted once per order that completes its prefix. Only 4 bytes per node (a parent link for
// witnesses) and a few per group (where it starts) outlive their layer.
#include "svcsim/simulator/explorer.hpp"

#include <algorithm>
#include <bit>
#include <chrono>
#include <atomic>
#include <barrier>
#include <cstring>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <utility>

#include <fmt/format.h>

#include "explorer_graph.hpp"
#include "explorer_wire.hpp"
#include "model_space.hpp"
#include "svcsim/model/assert.hpp"
#include "svcsim/simulator/policy.hpp"

namespace svcsim::simulator {
namespace {

using model::Fault;
using model::OutcomeClass;
using model::ResultCode;

using namespace explorer_detail;


/// What a stretch of the search adds up: the nodes it makes (`out`) and their parent links, the
/// runs that end in it, its witnesses, and whether it had to stop. The serial search keeps one
/// for the whole run; `--threads` gives each chunk of a wide layer its own and merges them into
/// that one in chunk order, so every count and witness is the serial one, whatever the threads.
template <typename Count>
struct Sink {
  Layer<Count>* out = nullptr;
  LinkArena* links = nullptr;
  std::uint64_t link_base = 0;  // the index in *links of out's node 0
  GroupTable* table = nullptr;  // the merge table of the group being built
  std::vector<RunCounts> runs;  // per fault count
  std::uint64_t transitions = 0;
  std::uint64_t states = 0;
  std::uint64_t group_order = 0;  // the serial place of the group being built (witness order)
  ExploreStatus status = ExploreStatus::complete;
  std::array<WitnessEnd, model::outcome_class_count> class_witnesses{};
  WitnessEnd violation_end;
  std::string violation_text;
  // Cold, and large since v2 (a witness per unnamed code slot): after what the loop reads.
  std::array<WitnessEnd, model::result_code_slot_count> code_witnesses{};

  bool ok() const { return status == ExploreStatus::complete; }

  void reset(std::size_t fault_counts) {
    runs.assign(fault_counts, RunCounts{});
    transitions = 0;
    states = 0;
    status = ExploreStatus::complete;
    class_witnesses = {};
    code_witnesses = {};
    violation_end = {};
    violation_text.clear();
  }

  /// Each end of `later` that is `better` than the one kept replaces it.
  template <std::size_t size, typename Better>
  static void keep_better(std::array<WitnessEnd, size>& kept,
                          const std::array<WitnessEnd, size>& later, Better better) {
    for (std::size_t index = 0; index < size; ++index) {
      if (better(later[index], kept[index])) kept[index] = later[index];
    }
  }

  /// Adds `later`, which comes after everything already here in the serial order: a witness
  /// moves only for a strictly better one, as in the serial search.
  void merge(Sink& later) {
    for (std::size_t faults = 0; faults < runs.size(); ++faults) {
      RunCounts& into = runs[faults];
      const RunCounts& from = later.runs[faults];
      into.total += from.total;
      for (std::size_t index = 0; index < into.classes.size(); ++index) {
        into.classes[index] += from.classes[index];
      }
      for (const auto& [code, count] : from.codes) into.codes[code] += count;
    }
    // `later` was met after everything here: only a strictly shorter end wins.
    const auto shorter = [](const WitnessEnd& end, const WitnessEnd& kept) {
      return end.found && end.improves_on(kept);
    };
    keep_better(class_witnesses, later.class_witnesses, shorter);
    keep_better(code_witnesses, later.code_witnesses, shorter);
    transitions += later.transitions;
    states += later.states;
    if (ok() && !later.ok()) {
      status = later.status;
      violation_end = later.violation_end;
      violation_text = std::move(later.violation_text);
    }
  }
};

/// One chunk of a wide layer's groups, built by whichever worker takes it (`--threads`).
template <typename Count>
struct Chunk {
  Sink<Count> sink;
  // Where its nodes are: nodes [node_first, node_last) and their links, and its groups' begins
  // at [begin_first, begin_last), in the layer itself for worker 0 and in workspace `worker`'s
  // buffers for the others (build_in_chunks).
  std::size_t worker = 0;
  std::uint64_t node_first = 0;
  std::uint64_t node_last = 0;
  std::size_t begin_first = 0;
  std::size_t begin_last = 0;
};

/// A worker thread's buffers for the chunks it takes in a layer, one after another: their
/// nodes, links and the merge table (worker 0 writes into the layer and uses only the table).
/// One per thread rather than per chunk: the buffers keep
/// their pages from layer to layer, and per chunk (16 a thread) they cost 59,000 page faults
/// against 35,000 and 4% to 7% more peak memory on two threads (synthetic chains, n = 16 with
/// one fault and n = 20).
template <typename Count>
struct Workspace {
  Layer<Count> out;
  LinkArena links;
  GroupTable table;
};

template <typename Count>
class Explorer {
  using Layer = svcsim::simulator::Layer<Count>;
  using Sink = svcsim::simulator::Sink<Count>;

 public:
  Explorer(const scenario::Scenario& scenario, const ExploreOptions& options)
      : scenario_(scenario),
        plan_(scenario.plan),
        options_(options),
        partition_(options.partition),
        world_(scenario::make_world(scenario)),
        step_count_(plan_.steps.size()) {
    result_.fault_count_max = options.fault_count_max.value_or(scenario.faults.max);
    SVCSIM_ASSERT(result_.fault_count_max >= 0 && result_.fault_count_max < 256);
    SVCSIM_ASSERT(step_count_ <= 64 && step_count_ < final_reboot_step);
    main_.table = &main_table_;
    for (int kind = 1; kind < model::fault_count; ++kind) {
      const auto fault = static_cast<Fault>(kind);
      if ((scenario.faults.kinds & model::fault_bit(fault)) != 0) kinds_.push_back(fault);
    }
    // `--faults K` on a scenario that lists no kind: every step fault kind.
    if (scenario.faults.kinds == 0 && scenario.faults.devices == 0 && result_.fault_count_max > 0) {
      for (int kind = 1; kind < model::fault_count; ++kind) kinds_.push_back(static_cast<Fault>(kind));
    }
    predecessors_.assign(step_count_, 0);
    for (const auto& [first, second] : plan_.before) predecessors_[second] |= bit_of(first);
    full_mask_ = step_count_ == 64 ? ~std::uint64_t{0} : bit_of(step_count_) - 1;
    // C(26, 13) = 10.4 million groups in the widest layer: 42 MB of group starts, cheaper than
    // hashing masks. Longer plans only ever explore a sparse part of their subsets.
    dense_ = step_count_ <= dense_step_count_max && !options.sparse_groups;
    // Several ranks: each builds its own groups, listed and found by hashing, and orders the
    // witnesses it finds by the group's colex rank, the serial (dense) order.
    distributed_ = partition_.size > 1;
    if (distributed_) split_ = split_steps(plan_, world_, partition_.size);
    stream_ = distributed_ && !split_.empty();
    for (const std::size_t step : split_) split_mask_ |= bit_of(step);
    if (distributed_) {
      SVCSIM_ASSERT_MSG(dense_ && options.graph_state_max == 0 && partition_.exchange &&
                            partition_.all_gather && partition_.rank >= 0 &&
                            partition_.rank < partition_.size,
                        "explore on several ranks: plans of up to 26 steps, without a graph");
      dense_ = false;
      // A big layer message is a mapping of its own, on huge pages, and leaves the rank when
      // freed (Bytes' HugePageAllocator). A fixed 1 MiB mmap threshold for the whole process
      // (mallopt) gave the same memory back, but every other buffer of that size then came in
      // fresh small pages each layer: n = 20, this machine, 2 ranks 11.3 s and 418 MB a rank
      // with it, 8.7 s and 423 MB with glibc's default, 8.1 s and 415 to 424 MB with the
      // messages mapped; 4 ranks 23.5 s and 360, 17.0 s and 412, 18.0 s and 365 MB.
    }
  }

  ExploreResult run() {
    const auto started = std::chrono::steady_clock::now();
    started_ = started;
    std::vector<model::Step> steps;
    for (const model::PlanStep& step : plan_.steps) steps.push_back(step.step());
    // One reboot column per target: the inserted reboots and the final ones.
    for (std::size_t target = 0; target < world_.target_count(); ++target) {
      model::Step reboot;
      reboot.target = static_cast<model::TargetIndex>(target);
      reboot.operation.kind = model::OperationKind::reboot;
      steps.push_back(reboot);
    }
    // The graph is recorded in the serial order only: a graph asks for a small space anyway.
    threads_ = options_.graph_state_max > 0 ? 1 : std::max(1, options_.threads);
    // No fault may be placed at a step (`--faults 0`, or `faults.max: 0`): the space needs no
    // fault variants, so a transition takes one entry instead of one per kind, and the search
    // takes the inner loop built for one variant. (A defect needs a fault too, so none is placed.)
    std::vector<Fault> placeable = result_.fault_count_max > 0 ? kinds_ : std::vector<Fault>{};
    space_.emplace(plan_, world_, std::move(steps), std::move(placeable),
                   expected_end_state(scenario_), threads_ > 1);
    // Split by split steps, the groups other ranks send are advanced by a split step only.
    if (stream_) space_->admit_visitors(split_);
    main_.reset(static_cast<std::size_t>(result_.fault_count_max) + 1);
    for (std::size_t remaining = 0; remaining <= step_count_; ++remaining) {
      factorials_.push_back(BigCount::factorial(static_cast<unsigned>(remaining)));
    }
    result_.orders = count_completions(plan_, 0);
    recording_ = options_.graph_state_max > 0;
    if (recording_) result_.graph.emplace();

    // Layer 0: one node per device a run may be on (v2, servicing-model.md §2): the properties
    // every device has, plus any subset of the listed ones that the fault budget allows, each
    // listed property costing one fault. Without listed properties, the one start of v1.
    links_.set_escape_from(options_.link_escape_from);
    Layer current;
    current.masks.push_back(0);
    current.index.clear(1);
    current.index.insert(0, 0, 1);
    current.link_base = links_.size();
    const model::DeviceBits always = model::device_always(scenario_.catalog);
    const model::DeviceBits listed = scenario_.faults.devices;
    for (unsigned subset = 0; subset <= listed; ++subset) {
      if ((subset & ~unsigned{listed}) != 0) continue;
      const auto cost = static_cast<unsigned>(std::popcount(subset));
      if (cost > static_cast<unsigned>(result_.fault_count_max)) continue;
      const auto device = static_cast<model::DeviceBits>(always | subset);
      const model::WorldState start = world_.initial_state(device);
      if (const auto broken = model::check_world_state(world_, start.targets)) {
        main_.status = ExploreStatus::invariant_violation;
        result_.violation_text = model::describe(world_.context(broken.target),
                                                 start.targets[broken.target], broken.violation);
        result_.violation_command = reproduce_command(scenario_, {}, device_placements(subset));
        return finish(started);
      }
      current.keys.push_back(node_key(space_->intern(start), cost, 0));
      current.counts.push_back(1);
      links_.push_back(0, 0);
      current.operations.push_back(0);
      start_devices_.push_back(static_cast<model::DeviceBits>(subset));
      if (recording_) current.graph_ids.push_back(add_graph_node(current.keys.back(), false));
    }
    SVCSIM_ASSERT(!current.keys.empty() && start_devices_.front() == 0);
    current.begins = {0, static_cast<std::uint32_t>(current.keys.size())};
    // Several ranks: every rank knows the starts (a witness's device is read off them), one
    // holds them.
    if (distributed_ && owner(0) != partition_.rank) {
      current.clear();
      current.index.clear(1);
      current.begins = {0};
    }
    main_.states = current.keys.size();
    // Every rank knows the starts, as it knows every later layer's size (settle_layer).
    states_everywhere_ = layer_nodes_everywhere_ = start_devices_.size();

    for (std::size_t layer = 0; layer < step_count_ && ok(); ++layer) {
      if (distributed_ && !stream_) share(current);
      Layer next = build_next_layer(current, layer);
      // Every worker of the layer has joined: no thread reads the memo now.
      space_->release_retired();
      if (distributed_) settle_layer(layer);
      retire(current);
      spare_ = std::move(current);
      current = std::move(next);
      // On ranks, the layer's exchange is where a rank's memory peaks: its messages out and in
      // beside everything else. The groups received and the spare buffers are not needed until
      // the next layer is built: give their pages back now rather than hold them through the
      // exchange (mapped again afterwards, they come from pages the process just freed).
      if (distributed_) {
        spare_ = Layer();
        received_ = Layer();
        std::vector<std::uint32_t>().swap(received_bases_);
        std::vector<std::uint32_t>().swap(received_starts_);
      }
    }
    if (ok()) {
      main_.group_order = 0;  // the last layer is one group
      finish_full_layer(current, step_count_);
    }
    retire(current);
    if (distributed_) merge_ranks();
    build_witnesses();
    return finish(started);
  }

 private:
  bool ok() const { return main_.ok(); }

  /// The step-0 placements of a device whose listed properties are `subset` (package.hpp slots).
  std::vector<FaultPlacement> device_placements(unsigned subset) const {
    std::vector<FaultPlacement> placements;
    const std::vector<model::DeviceProperty> properties = model::device_properties(scenario_.catalog);
    for (std::size_t slot = 0; slot < properties.size(); ++slot) {
      if ((subset >> slot & 1u) == 0) continue;
      FaultPlacement placement;
      placement.device = properties[slot];
      placements.push_back(placement);
    }
    return placements;
  }

  /// A finished layer keeps only its parent links (4 bytes a node, in the arena) and where its
  /// groups start (a few bytes a group), for witnesses.
  void retire(const Layer& layer) {
    layer_link_bases_.push_back(layer.link_base);
    const std::size_t groups = layer.begins.empty() ? 0 : layer.begins.size() - 1;
    directories_.push_back(dense_ ? GroupDirectory::dense({layer.begins.begin(),
                                                           layer.begins.begin() +
                                                               static_cast<std::ptrdiff_t>(groups)})
                                  : GroupDirectory::sparse(layer.masks, layer.begins, split_mask_));
    directory_bytes_ += directories_.back().bytes();
  }

  ExploreResult finish(std::chrono::steady_clock::time_point started) {
    result_.elapsed_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    result_.model_states = space_ ? space_->size() : 0;
    result_.status = main_.status;
    result_.runs = std::move(main_.runs);
    result_.transitions = main_.transitions;
    result_.states = main_.states;
    if (!main_.violation_text.empty()) result_.violation_text = main_.violation_text;
    note_memory(0);
    sample_resident();
    if (distributed_) finish_ranks();
    if (ok()) check_conservation();
    return std::move(result_);
  }

  /// Counts are conserved (no silent wrong answer): per fault count the classes add up to the
  /// total and no code outnumbers it; every order is exactly one fault-free run.
  void check_conservation() const {
    SVCSIM_ASSERT(!result_.runs.empty());
    SVCSIM_ASSERT_MSG(result_.runs[0].total == result_.orders,
                      "explore: fault-free runs must number the orders");
    for (const RunCounts& counts : result_.runs) {
      BigCount classes;
      for (const BigCount& count : counts.classes) classes += count;
      SVCSIM_ASSERT_MSG(classes == counts.total, "explore: classes must add up to the total");
      BigCount codes;
      for (const auto& [code, count] : counts.codes) codes += count;
      SVCSIM_ASSERT_MSG(codes <= counts.total, "explore: more first errors than runs");
    }
  }

  bool allowed(std::uint64_t mask, std::size_t step) const {
    return (mask & bit_of(step)) == 0 && (predecessors_[step] & ~mask) == 0;
  }

  /// Builds layer L+1 from layer L. Groups are either every (L+1)-subset in colex order, where
  /// a predecessor group is found by arithmetic (dense), or the masks actually reached, found by
  /// hashing (sparse: long plans whose subsets cannot all be stored).
  Layer build_next_layer(Layer& current, std::size_t layer) {
    Layer next = std::move(spare_);
    next.clear();
    next.link_base = links_.size();
    // One allocation a layer instead of a doubling cascade (each a fresh mapping to fault in):
    // expect the next layer to grow as the last one did, a little more.
    const auto expected = static_cast<std::size_t>(
        static_cast<double>(current.keys.size()) * growth_ * 1.1) + 16;
    // Refuse a reservation that would pass the memory limit before it is made, rather than
    // noticing at the next checkpoint that it already has.
    if (options_.memory_bytes_max != 0 && expected > next.keys.capacity()) {
      const std::uint64_t fresh = (expected - next.keys.capacity()) * bytes_per_node;
      if (note_memory(current.bytes() + next.bytes()) + fresh > options_.memory_bytes_max) {
        main_.status = ExploreStatus::incomplete_memory;
        next.begins.push_back(0);
        return next;
      }
    }
    next.reserve_nodes(expected);
    if (distributed_) {
      list_owned_groups(current, next, layer);
    } else if (!dense_) {
      list_sparse_groups(current, next);
    }
    const std::uint64_t group_count =
        dense_ ? binomial(static_cast<unsigned>(step_count_), static_cast<unsigned>(layer + 1))
               : next.masks.size();
    next.begins.reserve(group_count + 1);
    if (stream_) {
      build_in_rounds(current, layer, next);
    } else {
      build_groups(current, layer, next, 0, group_count);
    }
    next.begins.push_back(static_cast<std::uint32_t>(next.keys.size()));
    growth_ = current.keys.empty() ? 1.0
                                   : static_cast<double>(next.keys.size()) /
                                         static_cast<double>(current.keys.size());
    if (growth_ < 1.0) trim_workspaces();
    check_limits(current, next);
    return next;
  }

  /// Builds groups [first, last) of `next` after those built already: on several threads for a
  /// wide layer, on this one for the first and last few (threads pay off only on wide layers).
  void build_groups(const Layer& current, std::size_t layer, Layer& next, std::uint64_t first,
                    std::uint64_t last) {
    if (first == last) return;
    if (threads_ > 1 && current.keys.size() >= options_.parallel_node_min && last - first > 1) {
      build_in_chunks(current, layer, next, first, last);
    } else {
      building_ = {&current, &next};
      main_.out = &next;
      main_.links = &links_;
      main_.link_base = next.link_base;
      build_range(main_, current, layer, next.masks, first, last);
      building_ = {};
    }
  }

  /// Builds groups [first, last) of the next layer into `sink`: every (L+1)-subset in colex
  /// order, where a predecessor group is found by arithmetic (dense), or the masks reached
  /// (`masks`, sparse: long plans whose subsets cannot all be stored), found by hashing.
  void build_range(Sink& sink, const Layer& current, std::size_t layer,
                   const std::vector<std::uint64_t>& masks, std::uint64_t first,
                   std::uint64_t last) {
    if (dense_) {
      build_dense(sink, current, layer, first, last);
    } else {
      build_sparse(sink, current, layer, masks, first, last);
    }
  }

  /// Splits the next layer's groups into chunks that the workers take in turn, each into its
  /// own sink, then appends the chunks in order: the layer, its links and every count come out
  /// exactly as the serial build makes them.
  ///
  /// Worker 0 takes the chunks from the front, in order, and writes them straight into the
  /// layer and the link arena, where they stay; the other workers take chunks from the back into
  /// their own buffers, and only those are copied into place once every chunk is built. Before,
  /// every chunk went through a worker's buffers: on two threads the copy was about a tenth of
  /// the time (one-fault n = 16), and the buffers held a whole layer more.
  /// Groups [group_first, group_last): ranks build a layer in rounds (build_in_rounds), each
  /// after the nodes of the rounds before.
  void build_in_chunks(const Layer& current, std::size_t layer, Layer& next,
                       std::uint64_t group_first, std::uint64_t group_last) {
    const std::uint64_t group_count = group_last - group_first;
    // Several chunks a thread, so one slow chunk does not leave the other threads idle.
    const auto chunk_count =
        static_cast<std::size_t>(std::min<std::uint64_t>(group_count, 16u * static_cast<unsigned>(threads_)));
    while (chunks_.size() < chunk_count) chunks_.push_back(std::make_unique<Chunk<Count>>());
    while (workspaces_.size() < static_cast<std::size_t>(threads_)) {
      workspaces_.push_back(std::make_unique<Workspace<Count>>());
      workspaces_.back()->links.set_escape_from(links_.escape_from());
    }
    for (const auto& workspace : workspaces_) {
      workspace->out.clear();
      workspace->links.clear();
    }
    for (std::size_t index = 0; index < chunk_count; ++index) {
      Chunk<Count>& chunk = *chunks_[index];
      chunk.sink.reset(main_.runs.size());
      chunk.sink.link_base = 0;
    }
    // The chunks taken: from the front (low half of the word, worker 0 only) and from the back
    // (high half), in one word so that no chunk is taken from both ends.
    std::atomic<std::uint64_t> taken{0};
    const auto take = [&](bool front) -> std::size_t {
      std::uint64_t now = taken.load(std::memory_order_relaxed);
      for (;;) {
        const std::uint64_t from_front = now & 0xFFFFFFFFu;
        const std::uint64_t from_back = now >> 32;
        if (from_front + from_back >= chunk_count) return SIZE_MAX;
        const std::uint64_t after = now + (front ? 1u : std::uint64_t{1} << 32);
        if (taken.compare_exchange_weak(now, after, std::memory_order_relaxed)) {
          return front ? from_front : chunk_count - 1 - from_back;
        }
      }
    };
    stop_after_chunk_.store(SIZE_MAX, std::memory_order_relaxed);
    chunk_transitions_ = 0;
    chunk_states_ = 0;
    chunk_layer_bytes_ = current.bytes() + next.bytes();
    // Phase two copies the other workers' chunks into the layer, in parallel too: a serial copy
    // was a fifth of the time on two threads (n = 20), most of it the kernel filling the
    // layer's fresh pages.
    std::size_t merged = 0;     // chunks up to the first that stopped
    std::size_t in_place = 0;   // of those, the first ones, built in place by worker 0
    // Where each chunk's nodes go in the layer: after the nodes of groups built before.
    std::vector<std::uint64_t> offsets(chunk_count + 1, next.keys.size());
    std::atomic<std::size_t> copied{0};
    const std::uint64_t link_base = next.link_base;
    const auto make_room = [&]() noexcept {
      const std::size_t stop = stop_after_chunk_.load(std::memory_order_relaxed);
      merged = stop < chunk_count ? stop + 1 : chunk_count;
      for (std::size_t index = 0; index < merged; ++index) {
        const Chunk<Count>& chunk = *chunks_[index];
        offsets[index + 1] = offsets[index] + (chunk.node_last - chunk.node_first);
        if (chunk.worker == 0) {
          // Worker 0's chunks are a prefix of the layer, already where they belong.
          SVCSIM_ASSERT(in_place == index && chunk.node_first == offsets[index]);
          in_place = index + 1;
          continue;
        }
        const Layer& out = workspaces_[chunk.worker]->out;
        for (std::size_t group = chunk.begin_first; group < chunk.begin_last; ++group) {
          next.begins.push_back(
              static_cast<std::uint32_t>(out.begins[group] - chunk.node_first + offsets[index]));
        }
      }
      const std::uint64_t total = offsets[merged];
      SVCSIM_ASSERT(total < UINT32_MAX && next.keys.size() == offsets[in_place] &&
                    links_.size() == link_base + offsets[in_place]);
      next.keys.resize(total);  // left uninitialised (HugePageAllocator): every one is copied
      next.counts.resize(total);
      next.operations.resize(total);
      links_.extend(total - offsets[in_place]);
      copied.store(in_place, std::memory_order_relaxed);
    };
    std::barrier built(threads_, make_room);
    const auto work = [&](std::size_t worker) {
      Workspace<Count>& workspace = *workspaces_[worker];
      for (;;) {
        const std::size_t index = take(worker == 0);
        if (index == SIZE_MAX) break;
        // A chunk after one that stopped is never merged: skip it.
        if (index > stop_after_chunk_.load(std::memory_order_relaxed)) continue;
        Chunk<Count>& chunk = *chunks_[index];
        Layer& out = worker == 0 ? next : workspace.out;
        chunk.sink.out = &out;
        chunk.sink.links = worker == 0 ? &links_ : &workspace.links;
        chunk.sink.link_base = worker == 0 ? link_base : 0;
        chunk.sink.table = &workspace.table;
        chunk.worker = worker;
        chunk.node_first = out.keys.size();
        chunk.begin_first = out.begins.size();
        build_range(chunk.sink, current, layer, next.masks,
                    group_first + group_count * index / chunk_count,
                    group_first + group_count * (index + 1) / chunk_count);
        chunk.node_last = out.keys.size();
        chunk.begin_last = out.begins.size();
        chunk_checkpoint(chunk.sink, layer, chunk.sink.transitions & 0xFFF, chunk.sink.states);
        if (!chunk.sink.ok()) {
          std::size_t stop = stop_after_chunk_.load(std::memory_order_relaxed);
          while (index < stop && !stop_after_chunk_.compare_exchange_weak(stop, index)) {
          }
        }
      }
      built.arrive_and_wait();
      for (;;) {
        const std::size_t index = copied.fetch_add(1, std::memory_order_relaxed);
        if (index >= merged) break;
        const Chunk<Count>& chunk = *chunks_[index];
        const Workspace<Count>& from = *workspaces_[chunk.worker];
        const auto at = static_cast<std::ptrdiff_t>(offsets[index]);
        const auto first = static_cast<std::ptrdiff_t>(chunk.node_first);
        const auto last = static_cast<std::ptrdiff_t>(chunk.node_last);
        std::copy(from.out.keys.begin() + first, from.out.keys.begin() + last,
                  next.keys.begin() + at);
        std::copy(from.out.counts.begin() + first, from.out.counts.begin() + last,
                  next.counts.begin() + at);
        std::copy(from.out.operations.begin() + first, from.out.operations.begin() + last,
                  next.operations.begin() + at);
        links_.copy_in(link_base + offsets[index], from.links, chunk.node_first,
                       chunk.node_last - chunk.node_first);
      }
    };
    {
      std::vector<std::jthread> workers;
      for (int thread = 1; thread < threads_; ++thread) {
        workers.emplace_back(work, static_cast<std::size_t>(thread));
      }
      work(0);
    }
    for (std::size_t index = 0; index < merged; ++index) main_.merge(chunks_[index]->sink);
  }

  /// Past the widest layer the layers shrink: a worker's buffers keep room for as many nodes
  /// as it built in this layer (its chunks are copied into the layer already), not the widest
  /// layer's share, whose pages would otherwise stay resident to the end of the search.
  void trim_workspaces() {
    for (const auto& workspace : workspaces_) {
      const std::size_t built = workspace->out.keys.size();
      workspace->out.clear();
      workspace->out.reserve_nodes(built);
      workspace->links.clear_keeping(built);
    }
  }

  void build_dense(Sink& sink, const Layer& current, std::size_t layer, std::uint64_t first,
                   std::uint64_t last) {
    const auto size = static_cast<unsigned>(layer + 1);
    std::uint64_t mask = colex_unrank(first, size);
    std::array<unsigned, 64> positions{};
    std::array<std::uint64_t, 64> source_ranks{};
    std::uint64_t group = first;
    for (; group < last && sink.ok(); ++group) {
      // Colex rank of mask \ {positions[k]}: the set bits below k keep their index, those
      // above move down one.
      unsigned count = 0;
      for (std::uint64_t rest = mask; rest != 0; rest &= rest - 1) {
        positions[count++] = static_cast<unsigned>(std::countr_zero(rest));
      }
      std::uint64_t below = 0;
      for (unsigned index = 0; index < count; ++index) {
        source_ranks[index] = below;
        below += binomial(positions[index], index + 1);
      }
      std::uint64_t above = 0;
      for (unsigned index = count; index-- > 0;) {
        source_ranks[index] += above;
        above += binomial(positions[index], index);
      }
      Layer& next = *sink.out;
      const auto group_begin = static_cast<std::uint32_t>(next.keys.size());
      next.begins.push_back(group_begin);
      sink.group_order = group;
      for (unsigned index = 0; index < count && sink.ok(); ++index) {
        const std::size_t step = positions[index];
        const std::uint64_t previous = mask & ~bit_of(step);
        if ((predecessors_[step] & ~previous) != 0) continue;
        pull_group(sink, current, layer, static_cast<std::uint32_t>(source_ranks[index]), step,
                   mask, group_begin, 0);
      }
      finish_group(sink, group_begin, group);
      // For --progress only: counted every 256 groups, not on every group (a line both
      // threads of --threads 2 would write a million times at n = 20).
      if (((group + 1 - first) & 0xFF) == 0) {
        groups_done_.fetch_add(0x100, std::memory_order_relaxed);
      }
      mask = next_of_same_size(mask);
    }
    groups_done_.fetch_add((group - first) & 0xFF, std::memory_order_relaxed);
  }

  /// The next subset of as many steps in colex order (Gosper's hack: the next integer with the
  /// same number of set bits).
  static std::uint64_t next_of_same_size(std::uint64_t mask) {
    const std::uint64_t lowest = mask & (~mask + 1);
    const std::uint64_t ripple = mask + lowest;
    return ripple | (((ripple ^ mask) >> 2) / lowest);
  }

  /// The subset of `size` steps with colex rank `rank` (the combinatorial number system).
  static std::uint64_t colex_unrank(std::uint64_t rank, unsigned size) {
    std::uint64_t mask = 0;
    unsigned top = 64;
    for (unsigned chosen = size; chosen > 0; --chosen) {
      // The largest position p with C(p, chosen) <= rank.
      unsigned position = chosen - 1;
      while (position + 1 < top && binomial(position + 1, chosen) <= rank) ++position;
      rank -= binomial(position, chosen);
      mask |= bit_of(position);
      top = position;
    }
    return mask;
  }

  /// Sparse: the masks of the next layer, in the order they are first reached.
  void list_sparse_groups(const Layer& current, Layer& next) {
    next.index.clear(current.masks.size() * 2);
    for (std::size_t group = 0; group < current.masks.size(); ++group) {
      if (current.begins[group] == current.begins[group + 1]) continue;
      const std::uint64_t mask = current.masks[group];
      for (std::size_t step = 0; step < step_count_; ++step) {
        if (!allowed(mask, step)) continue;
        const std::uint64_t successor = mask | bit_of(step);
        const auto number = static_cast<std::uint32_t>(next.masks.size());
        if (next.index.insert(successor, number, next.masks.size() + 1)) {
          next.masks.push_back(successor);
        }
      }
    }
  }

  void build_sparse(Sink& sink, const Layer& current, std::size_t layer,
                    const std::vector<std::uint64_t>& masks, std::uint64_t first,
                    std::uint64_t last) {
    for (std::uint64_t group = first; group < last && sink.ok(); ++group) {
      const std::uint64_t mask = masks[group];
      Layer& next = *sink.out;
      const auto group_begin = static_cast<std::uint32_t>(next.keys.size());
      next.begins.push_back(group_begin);
      sink.group_order = distributed_ ? colex_rank(mask) : group;
      for (std::uint64_t rest = mask; rest != 0 && sink.ok(); rest &= rest - 1) {
        const auto step = static_cast<std::size_t>(std::countr_zero(rest));
        const std::uint64_t previous = mask & ~bit_of(step);
        if ((predecessors_[step] & ~previous) != 0) continue;
        if (const std::uint32_t source = current.index.find(previous); source != UINT32_MAX) {
          pull_group(sink, current, layer, source, step, mask, group_begin, 0);
        } else if (const std::uint32_t received = received_.index.find(previous);
                   received != UINT32_MAX) {
          // A group another rank sent, in this round (build_in_rounds) or the layer's one
          // exchange (share).
          SVCSIM_ASSERT(distributed_ && received < received_.masks.size());
          pull_received_group(sink, layer, received, step, mask, group_begin,
                              static_cast<std::uint32_t>(current.keys.size() + received_nodes_));
        }
      }
      finish_group(sink, group_begin, group);
    }
  }

  /// Advances every node of group `source` by `step` into the group being built. `current`
  /// is the layer before or, on ranks, the groups received from other ranks, whose nodes a
  /// parent link numbers from `parent_base` on.
  void pull_group(Sink& sink, const Layer& current, std::size_t layer, std::uint32_t source,
                  std::size_t step, std::uint64_t mask, std::uint32_t group_begin,
                  std::uint32_t parent_base) {
    // Without fault kinds (the synthetic chains, most scenarios) every fault loop has one pass
    // and every transition entry one variant: an instantiation of its own drops those loops
    // and the multiply by the variant count from the explorer's inner loop.
    if (space_->variant_count() == 1) {
      pull_nodes<true>(sink, current, layer, source, step, mask, group_begin, parent_base);
    } else {
      pull_nodes<false>(sink, current, layer, source, step, mask, group_begin, parent_base);
    }
  }

  /// pull_group for a group another rank sent (received_). Split by split steps, its nodes are
  /// visitors (ModelSpace::admit_visitors); under the hash, node states. Out of pull_group, so
  /// that the serial search's loop is the same code with ranks or without.
  [[gnu::noinline]] void pull_received_group(Sink& sink, std::size_t layer, std::uint32_t source,
                                             std::size_t step, std::uint64_t mask,
                                             std::uint32_t group_begin, std::uint32_t parent_base) {
    if (!stream_) {
      pull_group(sink, received_, layer, source, step, mask, group_begin, parent_base);
    } else if (space_->variant_count() == 1) {
      pull_nodes<true, true>(sink, received_, layer, source, step, mask, group_begin, parent_base);
    } else {
      pull_nodes<false, true>(sink, received_, layer, source, step, mask, group_begin, parent_base);
    }
  }

  /// `visiting`: the nodes' ids are visitors' (ModelSpace::visitor_transition), not nodes'.
  template <bool one_variant, bool visiting = false>
  [[gnu::always_inline]] void pull_nodes(Sink& sink, const Layer& current, std::size_t layer,
                                         std::uint32_t source, std::size_t step,
                                         std::uint64_t mask, std::uint32_t group_begin,
                                         std::uint32_t parent_base) {
    const std::uint32_t first = current.begins[source];
    const std::uint32_t last = current.begins[source + 1];
    // The transition table is far larger than cache: ask for every node's entry before using
    // the first, so the misses overlap instead of queueing.
    for (std::uint32_t node = first; node < last; ++node) {
      if constexpr (visiting) {
        space_->prefetch_visitor(key_id(current.keys[node]), step);
      } else {
        space_->template prefetch<one_variant>(key_id(current.keys[node]), step);
      }
    }
    for (std::uint32_t node = first; node < last && sink.ok(); ++node) {
      expand<one_variant, visiting>(sink, current, layer, node, node + parent_base, node - first,
                                    step, mask, group_begin);
    }
  }

  /// The transition from the node or visitor (`visiting`) `id` by `step` with `variant`.
  template <bool one_variant, bool visiting>
  [[gnu::always_inline]] MicroTransition transition_of(std::uint32_t id, std::size_t step,
                                                       std::size_t variant) {
    if constexpr (visiting) {
      return space_->template visitor_transition<one_variant>(id, step, variant);
    } else {
      return space_->template transition<one_variant>(id, step, variant);
    }
  }

  void finish_group(Sink& sink, std::uint32_t group_begin, std::uint64_t group) {
    sink.table->reset();
    sink.states += sink.out->keys.size() - group_begin;
    if ((group & 0xFFF) == 0xFFF && &sink == &main_) check_limits(*building_.current, *building_.next);
  }

  static std::uint64_t binomial(unsigned total, unsigned chosen) {
    static const auto table = [] {
      std::array<std::array<std::uint64_t, 65>, 65> values{};
      for (unsigned row = 0; row <= 64; ++row) {
        values[row][0] = 1;
        for (unsigned column = 1; column <= row; ++column) {
          values[row][column] = values[row - 1][column - 1] + (column < row ? values[row - 1][column] : 0);
        }
      }
      return values;
    }();
    return chosen > total ? 0 : table[total][chosen];
  }

  /// Advances node `node` of `current` by plan step `step`, with every fault placement the
  /// budget allows at the operation and at the reboot inserted after it.
  // Inlined into pull_group's loop: a call per node cost a fifth of expand's instructions in
  // saving and restoring registers (cachegrind, synthetic chain n = 16). Its rare paths
  // (terminal, report_violation, graph recording, checkpoint's slow part) stay out of line.
  /// `parent` is how the witness ends and the graph name the node (`node` but on ranks);
  /// `position` is its place in its group, which is how a parent link names it.
  /// `one_variant`: the space places no fault kind at a step (variant_count() == 1; a defect
  /// placed at the start may still count as a fault).
  template <bool one_variant, bool visiting = false>
  [[gnu::always_inline]] void expand(Sink& sink, const Layer& current, std::size_t layer,
                                     std::uint32_t node, std::uint32_t parent,
                                     std::uint32_t position, std::size_t step,
                                     std::uint64_t done, std::uint32_t group_begin) {
    const std::uint64_t key = current.keys[node];
    const std::uint32_t id = key_id(key);
    // Even fault-free a key may count a fault: a device defect is placed at the start.
    const unsigned faults = key_faults(key);
    const unsigned first_error = key_error(key);
    const Count count = current.counts[node];
    const std::uint16_t operations = current.operations[node];
    const auto budget = static_cast<unsigned>(result_.fault_count_max);
    const std::size_t variants = one_variant ? 1 : space_->variant_count();
    const MicroTransition plain = transition_of<one_variant, visiting>(id, step, 0);

    for (std::size_t op_variant = 0; op_variant < variants; ++op_variant) {
      if (op_variant > 0 && (faults >= budget || !plain.can_strike(space_->fault_of(op_variant)))) {
        continue;
      }
      const MicroTransition after_op =
          op_variant == 0 ? plain : transition_of<false, visiting>(id, step, op_variant);
      const unsigned faults_op = faults + (op_variant > 0 ? 1u : 0u);
      const unsigned error_op = first_error != 0 ? first_error : error_code(after_op);
      if (after_op.has(micro_flag::violation)) {
        return report_violation(sink, layer, parent, done, make_choice(step, op_variant, 0), 0,
                                visiting ? space_->explain_visitor(id, step, op_variant)
                                         : space_->explain(id, step, op_variant));
      }
      checkpoint(sink, layer);
      if (after_op.has(micro_flag::stops)) {
        terminal(sink, after_op.next, faults_op, error_op, count, done, layer, parent,
                 make_choice(step, op_variant, 0), static_cast<std::uint16_t>(operations + 1),
                 current);
        continue;
      }
      if (!after_op.has(micro_flag::reboot_follows)) {
        add_node(sink, group_begin, node_key(after_op.next, faults_op, error_op), count,
                 parent, position, make_choice(step, op_variant, 0),
                 static_cast<std::uint16_t>(operations + 1), current, step, op_variant, 0);
        continue;
      }
      const std::uint32_t rebooting = after_op.next;
      const MicroTransition plain_reboot = after_op.reboot_part();
      for (std::size_t reboot_variant = 0; reboot_variant < variants; ++reboot_variant) {
        if (reboot_variant > 0 &&
            (faults_op >= budget || !plain_reboot.can_strike(space_->fault_of(reboot_variant)))) {
          continue;
        }
        const MicroTransition after_reboot =
            reboot_variant == 0
                ? plain_reboot
                : space_->pending_reboot(rebooting, reboot_variant);
        if (after_reboot.has(micro_flag::violation)) {
          return report_violation(sink, layer, parent, done,
                                  make_choice(step, op_variant, reboot_variant), 0,
                                  space_->explain_pending_reboot(rebooting, reboot_variant));
        }
        const unsigned faults_reboot = faults_op + (reboot_variant > 0 ? 1u : 0u);
        const unsigned error_reboot = error_op != 0 ? error_op : error_code(after_reboot);
        const auto operations_reboot = static_cast<std::uint16_t>(operations + 2);
        const std::uint16_t choice = make_choice(step, op_variant, reboot_variant);
        if (after_reboot.has(micro_flag::stops)) {
          terminal(sink, after_reboot.next, faults_reboot, error_reboot, count, done, layer, parent,
                   choice, operations_reboot, current);
          continue;
        }
        add_node(sink, group_begin, node_key(after_reboot.next, faults_reboot, error_reboot), count,
                 parent, position, choice, operations_reboot, current, step, op_variant,
                 reboot_variant);
      }
    }
  }

  static unsigned error_code(const MicroTransition& transition) {
    return transition.has(micro_flag::error) ? transition.code + 1u : 0u;
  }

  /// Adds a path of `count` runs, `operations` long, to the node `key` of the group being built:
  /// a new node, or more runs for one met already (which takes this link if the path is
  /// shorter).
  /// `parent` is the parent's index (for the graph), `parent_position` its place in its group.
  /// Inlined into expand: as a call it cost 15% more instructions (cachegrind, n = 16).
  [[gnu::always_inline]] void add_node(Sink& sink, std::uint32_t group_begin, std::uint64_t key,
                                       Count count, std::uint32_t parent,
                                       std::uint32_t parent_position, std::uint16_t choice,
                                       std::uint16_t operations, const Layer& current,
                                       std::size_t step, std::size_t op_variant,
                                       std::size_t reboot_variant) {
    Layer& next = *sink.out;
    if (const std::int64_t position = sink.table->find(key); position >= 0) {
      const auto index = group_begin + static_cast<std::uint32_t>(position);
      Count& total = next.counts[index];
      if (__builtin_add_overflow(total, count, &total)) {
        sink.status = ExploreStatus::count_overflow;
      }
      // Keep the shortest path's link (the arena is touched only when a shorter one appears).
      if (operations < next.operations[index]) {
        next.operations[index] = operations;
        sink.links->set(sink.link_base + index, parent_position, choice);
      }
      if (recording_) add_graph_edge(current, parent, next.graph_ids[index], step, op_variant, reboot_variant);
      return;
    }
    sink.table->claim(key, static_cast<std::uint32_t>(next.keys.size()) - group_begin);
    next.keys.push_back(key);
    next.counts.push_back(count);
    sink.links->push_back(parent_position, choice);
    next.operations.push_back(operations);
    if (recording_ && graph_full()) stop_recording();
    if (recording_) {
      next.graph_ids.push_back(add_graph_node(key, false));
      add_graph_edge(current, parent, next.graph_ids.back(), step, op_variant, reboot_variant);
    }
  }

  /// A run ends in model state `id`: count it once per order that completes its prefix.
  [[gnu::noinline]] void terminal(Sink& sink, std::uint32_t id, unsigned faults, unsigned first_error, Count count,
                std::uint64_t done_mask, std::size_t layer, std::uint32_t node, std::uint16_t choice,
                std::uint16_t operations, const Layer& current, std::uint32_t final_variants = 0) {
    const OutcomeClass outcome_class = space_->classify(id, first_error != 0);
    BigCount runs = BigCount::from_count128(static_cast<Count128>(count));
    if (done_mask != full_mask_) runs = runs * completions(done_mask);
    RunCounts& bucket = sink.runs[faults];
    bucket.total += runs;
    bucket.classes[static_cast<std::size_t>(outcome_class)] += runs;
    WitnessEnd end{true,  outcome_class, first_error, operations, static_cast<std::uint8_t>(faults),
                   layer, node,  choice, final_variants, done_mask, sink.group_order};
    auto& by_class = sink.class_witnesses[static_cast<std::size_t>(outcome_class)];
    if (end.improves_on(by_class)) by_class = end;
    if (first_error != 0) {
      const auto code = static_cast<ResultCode>(first_error - 1);
      bucket.codes[model::hresult(code)] += runs;
      auto& by_code = sink.code_witnesses[first_error - 1];
      if (end.improves_on(by_code)) by_code = end;
    }
    if (recording_ && graph_full() &&
        !terminal_graph_ids_.contains(node_key(id, faults, first_error))) {
      stop_recording();
    }
    if (recording_ && result_.graph) {
      const std::uint32_t graph_node = terminal_graph_node(id, faults, first_error, outcome_class);
      if (choice == no_final_operation) {
        result_.graph->edges.push_back({current.graph_ids[node], graph_node, "end"});
      } else if ((choice >> 8) == final_reboot_step) {
        result_.graph->edges.push_back(
            {current.graph_ids[node], graph_node, final_reboots_label(final_variants)});
      } else {
        add_graph_edge(current, node, graph_node, choice >> 8, choice >> 4 & 0xF, choice & 0xF);
      }
    }
  }

  /// Every step is done: the plan's final reboots (at_end: each online target with pending
  /// work, in target order), then the end.
  void finish_full_layer(const Layer& current, std::size_t layer) {
    for (std::uint32_t node = 0; node < current.keys.size() && ok(); ++node) {
      const std::uint64_t key = current.keys[node];
      const std::uint32_t id = key_id(key);
      final_due_.clear();
      const model::WorldState state = space_->state(id);
      for (std::size_t target = 0; target < world_.target_count(); ++target) {
        const auto index = static_cast<model::TargetIndex>(target);
        if (final_reboot_needed(plan_, world_.context(index), state.targets[target])) {
          final_due_.push_back(index);
        }
      }
      final_reboots(main_, current, layer, node, id, key_faults(key), key_error(key),
                    current.counts[node], current.operations[node], 0, 0);
    }
  }

  /// The final reboots from final_due_[position] on, with every fault placement the budget
  /// allows; `variants` holds the fault variant of each earlier final reboot, 4 bits each.
  void final_reboots(Sink& sink, const Layer& current, std::size_t layer, std::uint32_t node, std::uint32_t id,
                     unsigned faults, unsigned first_error, Count count, std::uint16_t operations,
                     std::size_t position, std::uint32_t variants) {
    static_assert(model::target_count_max * 4 <= 32, "final reboot variants fit 32 bits");
    const std::uint16_t marker = make_choice(final_reboot_step, 0, 0);
    if (position == final_due_.size()) {
      terminal(sink, id, faults, first_error, count, full_mask_, layer, node,
               position == 0 ? no_final_operation : marker, operations, current, variants);
      return;
    }
    const auto budget = static_cast<unsigned>(result_.fault_count_max);
    const std::size_t reboot = space_->reboot_step(final_due_[position]);
    const MicroTransition plain = space_->transition(id, reboot, 0);
    for (std::size_t variant = 0; variant < space_->variant_count() && sink.ok(); ++variant) {
      if (variant > 0 && (faults >= budget || !plain.can_strike(space_->fault_of(variant)))) {
        continue;
      }
      const MicroTransition after = variant == 0 ? plain : space_->transition(id, reboot, variant);
      const std::uint32_t chosen = variants | static_cast<std::uint32_t>(variant) << (4 * position);
      if (after.has(micro_flag::violation)) {
        report_violation(sink, layer, node, full_mask_, marker, chosen,
                         space_->explain(id, reboot, variant));
        return;
      }
      ++sink.transitions;
      const unsigned error = first_error != 0 ? first_error : error_code(after);
      const unsigned faults_after = faults + (variant > 0 ? 1u : 0u);
      const auto operations_after = static_cast<std::uint16_t>(operations + 1);
      if (after.has(micro_flag::stops)) {
        terminal(sink, after.next, faults_after, error, count, full_mask_, layer, node, marker,
                 operations_after, current, chosen);
        continue;
      }
      final_reboots(sink, current, layer, node, after.next, faults_after, error, count, operations_after,
                    position + 1, chosen);
    }
  }

  /// "reboot (at end) [startup_failure]", for each final reboot of a witness or graph edge.
  std::string final_reboots_label(std::uint32_t variants) const {
    std::string label = "reboot (at end)";
    for (std::size_t position = 0; position < model::target_count_max; ++position) {
      const std::size_t variant = variants >> (4 * position) & 0xF;
      if (variant != 0) label += fmt::format(" [{}]", model::fault_name(space_->fault_of(variant)));
    }
    return label;
  }

  BigCount completions(std::uint64_t done_mask) const {
    if (plan_.before.empty()) {
      const auto remaining = static_cast<unsigned>(step_count_) -
                             static_cast<unsigned>(std::popcount(done_mask));
      return factorials_[remaining];  // computed for 0..n before the search: read from threads
    }
    return count_completions(plan_, done_mask);
  }

  [[gnu::noinline, gnu::cold]] void report_violation(Sink& sink, std::size_t layer,
                                                     std::uint32_t node, std::uint64_t done,
                                                     std::uint16_t choice,
                                                     std::uint32_t final_variants,
                                                     std::string text) {
    sink.status = ExploreStatus::invariant_violation;
    sink.violation_text = std::move(text);
    sink.violation_end = WitnessEnd{true, OutcomeClass::success, 0, 0, 0, layer, node, choice,
                                    final_variants, done, sink.group_order};
  }

  /// The serial search's limits (the layers being built are `current` and `next`).
  void check_limits(const Layer& current, const Layer& next) {
    if (options_.state_count_max != 0 && main_.states > options_.state_count_max) {
      main_.status = ExploreStatus::incomplete_states;
    }
    // The limit is on what the process really holds as well as on what the explorer counts:
    // reserved but untouched capacity is counted, pages the allocator keeps are seen.
    const std::uint64_t bytes =
        std::max(note_memory(current.bytes() + next.bytes()), sample_resident());
    if (options_.memory_bytes_max != 0 && bytes > options_.memory_bytes_max) {
      main_.status = ExploreStatus::incomplete_memory;
    }
  }

  /// The process's resident set now (0 when nobody asked to measure it), kept as the peak.
  std::uint64_t sample_resident() {
    if (!options_.resident_bytes) return 0;
    const std::uint64_t bytes = options_.resident_bytes();
    result_.peak_resident_bytes = std::max(result_.peak_resident_bytes, bytes);
    return bytes;
  }

  std::uint64_t note_memory(std::uint64_t layers_bytes) {
    std::uint64_t bytes = layers_bytes + received_.bytes() + (space_ ? space_->bytes() : 0);
    bytes += links_.bytes() + directory_bytes_;
    result_.peak_bytes = std::max(result_.peak_bytes, bytes);
    return bytes;
  }

  /// Every 2^16 transitions: the limits (a wide group can hold millions of nodes, so the
  /// per-group checkpoint alone could overshoot) and the progress report. Sinks call in every
  /// 2^12, so that the small chunks of --threads add up to a report too.
  void checkpoint(Sink& sink, std::size_t layer) {
    if ((++sink.transitions & 0xFFF) != 0) return;
    checkpoint_slow(sink, layer);
  }
  [[gnu::noinline]] void checkpoint_slow(Sink& sink, std::size_t layer) {
    if (&sink != &main_) return chunk_checkpoint(sink, layer, 0x1000);
    if ((sink.transitions & 0xFFFF) != 0) return;
    if (building_.current != nullptr) check_limits(*building_.current, *building_.next);
    report_progress(layer, main_.transitions);
  }

  /// A chunk on a worker thread has made `added` more transitions (chunks are small: they count
  /// in 2^12 steps, and at their end, together): past each 2^16 of them, the memory limit from
  /// the resident set (no layer is whole yet), and a progress line.
  void chunk_checkpoint(Sink& sink, std::size_t layer, std::uint64_t added,
                        std::uint64_t states_done = 0) {
    const std::lock_guard<std::mutex> locked(checkpoint_mutex_);
    chunk_transitions_ += added;
    // A finished chunk's states count against --max-states at once (the layer is not whole).
    chunk_states_ += states_done;
    if (options_.state_count_max != 0 && main_.states + chunk_states_ > options_.state_count_max) {
      sink.status = ExploreStatus::incomplete_states;
    }
    // Counted over every layer built in chunks: a layer may have fewer than 2^16.
    const std::uint64_t before = chunk_ticks_;
    chunk_ticks_ += added;
    if ((before >> 16) == (chunk_ticks_ >> 16)) return;
    const std::uint64_t bytes = std::max(note_memory(chunk_layer_bytes_), sample_resident());
    if (options_.memory_bytes_max != 0 && bytes > options_.memory_bytes_max) {
      sink.status = ExploreStatus::incomplete_memory;
    }
    report_progress(layer, main_.transitions + chunk_transitions_);
  }

  void report_progress(std::size_t layer, std::uint64_t transitions) {
    if (!options_.progress) return;
    ExploreProgress progress;
    // On several ranks: this rank's figures so far, plus the others' as of the last layer
    // they all finished (exchanged in settle_layer).
    progress.states = main_.states + other_ranks_states_;
    progress.transitions = transitions + other_ranks_transitions_;
    progress.bytes = std::max(result_.peak_bytes, result_.peak_resident_bytes);
    progress.ranks = distributed_ ? partition_.size : 1;
    progress.elapsed_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    progress.layer = layer;
    progress.layer_count = step_count_;
    if (dense_) {
      progress.groups_done = groups_done_.load(std::memory_order_relaxed);
      // Every nonempty subset of the steps is a group of some layer.
      progress.group_count = step_count_ == 64 ? ~std::uint64_t{0} : full_mask_;
    }
    options_.progress(progress);
  }

  // --- Ranks (explore under MPI) -----------------------------------------------------------
  //
  // Each rank holds the groups whose mask hashes to it. Before a layer is built, every rank
  // sends each of its groups to the ranks that build one of the group's successors; a node
  // travels as its model state (sent once per destination, then by the sender's id), its
  // faults, first error, count and operations, and its group's start on its owner, so that a
  // witness end met here names its node as the owner does. A link names its parent by its
  // position in its group, the same on every rank, and a witness walks back rank by rank
  // (from_group_owner). Split by split steps, a received state is a visitor here
  // (ModelSpace::admit_visitors): only the split step between the ranks advances it.

  int owner(std::uint64_t mask) const { return group_owner(mask, partition_.size, split_); }

  /// The colex rank of `mask` among the subsets of its size: the dense serial group order.
  static std::uint64_t colex_rank(std::uint64_t mask) {
    std::uint64_t rank = 0;
    unsigned chosen = 0;
    for (std::uint64_t rest = mask; rest != 0; rest &= rest - 1) {
      rank += binomial(static_cast<unsigned>(std::countr_zero(rest)), ++chosen);
    }
    return rank;
  }

  /// This rank's groups of layer L+1, in base order (group_order): every subset of L+1 steps it
  /// owns with a predecessor group here (its own or one received).
  void list_owned_groups(const Layer& current, Layer& next, std::size_t layer) {
    const auto size = static_cast<unsigned>(layer + 1);
    if (size > step_count_) {
      next.index.clear(1);
      return;
    }
    for (std::uint64_t mask = bit_of(size) - 1; mask <= full_mask_;) {
      if (owner(mask) == partition_.rank) {
        bool reached = false;
        for (std::uint64_t rest = mask; rest != 0 && !reached; rest &= rest - 1) {
          const auto step = static_cast<std::size_t>(std::countr_zero(rest));
          const std::uint64_t previous = mask & ~bit_of(step);
          // Streamed (build_in_rounds), another rank's groups arrive after this list is made:
          // a group of its is taken to exist (one that does not leaves this group empty).
          reached = (predecessors_[step] & ~previous) == 0 &&
                    (current.index.find(previous) != UINT32_MAX ||
                     received_.index.find(previous) != UINT32_MAX ||
                     (stream_ && owner(previous) != partition_.rank));
        }
        if (reached) next.masks.push_back(mask);
      }
      mask = next_of_same_size(mask);
    }
    // Colex order is base order when every group here has the same split steps done; a rank
    // of a parity split holds groups with neither and with both of a pair done.
    const auto in_base_order = [&](std::uint64_t left, std::uint64_t right) {
      return group_before(left, right, split_mask_);
    };
    if (!std::is_sorted(next.masks.begin(), next.masks.end(), in_base_order)) {
      std::sort(next.masks.begin(), next.masks.end(), in_base_order);
    }
    next.index.clear(next.masks.size() + 1);
    for (std::size_t group = 0; group < next.masks.size(); ++group) {
      next.index.insert(next.masks[group], static_cast<std::uint32_t>(group), group + 1);
    }
  }

  /// Sends this rank's groups of `layer` to the ranks that build their successors, and reads
  /// the groups received into `received_`. `layer.index` numbers them after the rank's own
  /// groups, and the explorer numbers their nodes after its own nodes; `received_bases_` keeps
  /// where each received group starts on the rank that holds it (owner_of).
  ///
  /// The received groups have a layer of their own, not the end of `layer`, so that a rank's
  /// layer buffers hold its own share, not a whole layer, and nothing is copied to make room:
  /// at n = 20, peak RSS per rank fell from 465 to 408 MB on 2 ranks and from about 490 to
  /// 351 MB on 4. They are freed once the layer built from them is settled (run()).
  ///
  /// A message is a run of groups: mask, the first node's index on its owner, node count, then
  /// per node the sender's id of its model state (with `state_follows` set the first time this
  /// destination gets the state, its bytes following), faults, first error, operations, count.
  void share(Layer& layer) {
    begin_share(layer);
    const std::vector<GroupRange> all(static_cast<std::size_t>(partition_.size),
                                      GroupRange{0, layer.masks.size()});
    share_groups(layer, all);
  }

  /// Own groups [first, last) of a layer, as sent to one rank in one exchange.
  struct GroupRange {
    std::size_t first = 0;
    std::size_t last = 0;
  };

  /// Before a layer's first exchange: no group of it received yet.
  void begin_share(const Layer& layer) {
    const auto ranks = static_cast<std::size_t>(partition_.size);
    sent_.resize(ranks);
    received_ids_.resize(ranks);
    outgoing_.resize(ranks);
    incoming_.resize(ranks);
    own_nodes_ = layer.keys.size();
    received_nodes_ = 0;
    received_bases_.clear();
    received_starts_.assign(1, 0);
  }

  /// Ranks split by split steps: builds the next layer in rounds. A group's *base* is its mask
  /// without the split steps; round r takes the groups whose base is below a bound, on every
  /// rank alike: it exchanges those groups and builds the successors with those bases, and the
  /// groups received are dropped at the next round. A group reaches another rank by a split step
  /// only, which leaves its base as it is, and every rank lists its groups in the order of
  /// their bases (list_owned_groups, group_before), so a
  /// rank sends each destination a stretch of its groups a round, in order, and every group a
  /// round's successors pull from has arrived by its end. The bounds split the bases' range
  /// evenly, so that every rank has its share of each round (bounds on the masks themselves
  /// put all of one rank's work first: n = 20 on 2 ranks took 5.3 s instead of 3.8). Every
  /// rank computes the same rounds from figures all share (the layer's nodes on all ranks).
  void build_in_rounds(Layer& current, std::size_t layer, Layer& next) {
    const auto ranks = static_cast<std::size_t>(partition_.size);
    const auto here = static_cast<std::size_t>(partition_.rank);
    const auto base = [&](std::uint64_t mask) { return mask & ~split_mask_; };
    const std::uint64_t base_max = base(full_mask_);
    const std::uint64_t round_nodes = std::max<std::uint64_t>(1, options_.rank_round_node_max);
    const std::uint64_t rounds = std::clamp<std::uint64_t>(
        (layer_nodes_everywhere_ + round_nodes - 1) / round_nodes, 1, std::max<std::uint64_t>(1, base_max));
    const std::uint64_t per_round = base_max / rounds + 1;
    // The ranks this rank's groups reach by a split step: the rank with one bit flipped (a
    // pair's parity flips both ways), or set (one step a bit: once done, always done).
    std::vector<bool> reaches(ranks, false);
    const std::size_t bits = static_cast<std::size_t>(std::countr_zero(ranks));
    const bool paired = split_.size() == 2 * bits;
    for (std::size_t bit = 0; bit < bits; ++bit) {
      if (paired || (here >> bit & 1u) == 0) reaches[here ^ std::size_t{1} << bit] = true;
    }
    begin_share(current);
    std::vector<GroupRange> ranges(ranks);
    std::vector<std::size_t> cursor(ranks, 0);
    std::uint64_t built = 0;
    const std::uint64_t group_count = next.masks.size();
    for (std::uint64_t round = 0; round < rounds; ++round) {
      const std::uint64_t base_end = round + 1 == rounds ? UINT64_MAX : (round + 1) * per_round;
      for (std::size_t to = 0; to < ranks; ++to) {
        std::size_t& at = cursor[to];
        ranges[to].first = at;
        if (reaches[to]) {
          while (at < current.masks.size() && base(current.masks[at]) < base_end) ++at;
        }
        ranges[to].last = at;
      }
      round_base_first_ = round * per_round;
      round_base_end_ = base_end;
      share_groups(current, ranges);
      std::uint64_t until = built;
      while (until < group_count && base(next.masks[until]) < base_end) ++until;
      // A rank that stopped (a limit) still makes every exchange: the others wait for it.
      if (ok()) build_groups(current, layer, next, built, until);
      built = until;
    }
    SVCSIM_ASSERT(built == group_count || !ok());
    for (std::size_t to = 0; to < ranks; ++to) {
      SVCSIM_ASSERT(!reaches[to] || cursor[to] == current.masks.size());
    }
  }

  /// One exchange: sends rank `to` the own groups in `ranges[to]` that reach it, and reads the
  /// groups received into `received_` (numbered after the rank's own groups and those received
  /// by the layer's earlier exchanges).
  void share_groups(Layer& layer, const std::vector<GroupRange>& ranges) {
    static constexpr std::uint32_t state_follows = 0x80000000u;
    const auto ranks = static_cast<std::size_t>(partition_.size);
    const auto here = static_cast<std::size_t>(partition_.rank);
    const std::size_t own_groups = layer.masks.size();
    for (Bytes& bytes : outgoing_) bytes.clear();
    const std::size_t width = world_.target_count();
    // Calls `visit(to)` once for each other rank that builds a successor of own group `group`.
    // `stamp[to] == group` marks a rank already visited for this group; a pass starts afresh.
    std::vector<std::size_t> stamp;
    const auto for_each_destination = [&](std::size_t group, auto&& visit) {
      const std::uint64_t mask = layer.masks[group];
      for (std::size_t step = 0; step < step_count_; ++step) {
        if (!allowed(mask, step)) continue;
        const auto to = static_cast<std::size_t>(owner(mask | bit_of(step)));
        if (to == here || stamp[to] == group) continue;
        stamp[to] = group;
        visit(to);
      }
    };
    // Room for the most each message can hold (every state's bytes following), reserved at
    // once: a reservation is address space, and only the pages written are ever touched. A
    // message grown by doubling instead wrote each byte about twice more into fresh pages
    // (a big message is a mapping of its own, see HugePageAllocator).
    std::vector<std::size_t> most(ranks, 0);
    const auto in_range = [&](std::size_t to, std::size_t group) {
      return group >= ranges[to].first && group < ranges[to].last;
    };
    // The groups any range holds: a round looks at its own stretch, not the whole layer.
    std::size_t scan_first = own_groups;
    std::size_t scan_last = 0;
    for (std::size_t to = 0; to < ranks; ++to) {
      if (to == here || ranges[to].first == ranges[to].last) continue;
      SVCSIM_ASSERT(ranges[to].last <= own_groups);
      scan_first = std::min(scan_first, ranges[to].first);
      scan_last = std::max(scan_last, ranges[to].last);
    }
    stamp.assign(ranks, SIZE_MAX);
    for (std::size_t group = scan_first; group < scan_last; ++group) {
      const std::size_t nodes = layer.begins[group + 1] - layer.begins[group];
      if (nodes == 0) continue;
      for_each_destination(group, [&](std::size_t to) {
        if (!in_range(to, group)) return;
        most[to] += 16 + nodes * (8 + sizeof(Count) + width * sizeof(model::TargetState));
      });
    }
    for (std::size_t to = 0; to < ranks; ++to) outgoing_[to].reserve(most[to]);
    stamp.assign(ranks, SIZE_MAX);
    for (std::size_t group = scan_first; group < scan_last; ++group) {
      const std::uint32_t first = layer.begins[group];
      const std::uint32_t last = layer.begins[group + 1];
      if (first == last) continue;
      const std::uint64_t mask = layer.masks[group];
      for_each_destination(group, [&](std::size_t to) {
        if (!in_range(to, group)) return;
        ByteWriter out(outgoing_[to]);
        out.put(mask);
        out.put(first);
        out.put(last - first);
        std::vector<std::uint8_t>& sent = sent_[to];
        for (std::uint32_t node = first; node < last; ++node) {
          const std::uint64_t key = layer.keys[node];
          const std::uint32_t id = key_id(key);
          SVCSIM_ASSERT(id < state_follows);
          if (id >= sent.size()) sent.resize(std::max<std::size_t>(id + 1, sent.size() * 2), 0);
          const bool new_here = sent[id] == 0;
          sent[id] = 1;
          out.put(new_here ? id | state_follows : id);
          if (new_here) {
            const model::WorldState state = space_->state(id);
            SVCSIM_ASSERT(state.targets.size() == width);
            out.put_bytes(state.targets.data(), width * sizeof(model::TargetState));
          }
          out.put(static_cast<std::uint8_t>(key_faults(key)));
          out.put(static_cast<std::uint8_t>(key_error(key)));
          out.put(layer.operations[node]);
          out.put(layer.counts[node]);
        }
      });
    }
    for (std::size_t to = 0; to < ranks; ++to) SVCSIM_ASSERT(outgoing_[to].size() <= most[to]);
    partition_.exchange(outgoing_, incoming_);
    SVCSIM_ASSERT(incoming_.size() == ranks);
    // Sent: its memory goes back before the layer grows by what came in (memory per rank
    // first: that is what ranks are for). So in rounds too: keeping the messages' and the
    // received groups' pages from round to round cost 10 MiB more a rank at n = 20, no time.
    for (Bytes& bytes : outgoing_) Bytes().swap(bytes);

    // The last exchange's groups are built from already (build_in_rounds): their nodes go.
    received_nodes_ += received_.keys.size();
    received_.clear();
    // The received groups' own index, for this exchange's groups only: in the layer's index
    // beside its own groups, every round's stayed to the end of the layer, and at n = 20 on 2
    // ranks the widest layer's index doubled to 8 MiB (16 MiB with the next layer's).
    received_.index.clear(received_index_expected_);
    // At most this many nodes arrive (a node is at least its fixed part): room for them at
    // once, not a doubling cascade of fresh pages.
    std::size_t arriving = 0;
    for (const Bytes& bytes : incoming_) arriving += bytes.size() / (8 + sizeof(Count));
    received_.reserve_nodes(arriving);
    model::WorldState state;
    state.targets.resize(width);
    for (std::size_t from = 0; from < ranks; ++from) {
      if (from == here) continue;
      ByteReader in(incoming_[from]);
      std::vector<std::uint32_t>& ids = received_ids_[from];
      while (!in.done()) {
        const auto mask = in.get<std::uint64_t>();
        const auto base = in.get<std::uint32_t>();
        const auto count = in.get<std::uint32_t>();
        // Each round's groups have bases of its own (build_in_rounds), so a group cannot come
        // in two rounds; nor may it be one of this rank's.
        const auto number = static_cast<std::uint32_t>(received_.masks.size());
        SVCSIM_ASSERT_MSG(layer.index.find(mask) == UINT32_MAX &&
                              (!stream_ || (mask & ~split_mask_) >= round_base_first_) &&
                              (!stream_ || (mask & ~split_mask_) < round_base_end_) &&
                              received_.index.insert(mask, number, number + 1),
                          "explore: a group reached this rank twice");
        received_.masks.push_back(mask);
        received_.begins.push_back(static_cast<std::uint32_t>(received_.keys.size()));
        received_bases_.push_back(base);
        received_starts_.back() = static_cast<std::uint32_t>(received_nodes_ + received_.keys.size());
        received_starts_.push_back(0);
        for (std::uint32_t node = 0; node < count; ++node) {
          const auto tagged = in.get<std::uint32_t>();
          const std::uint32_t id = tagged & ~state_follows;
          if (id >= ids.size()) ids.resize(std::max<std::size_t>(id + 1, ids.size() * 2), UINT32_MAX);
          if ((tagged & state_follows) != 0) {
            in.get_bytes(state.targets.data(), width * sizeof(model::TargetState));
            SVCSIM_ASSERT_MSG(ids[id] == UINT32_MAX, "explore: a rank sent a state twice");
            ids[id] = stream_ ? space_->intern_visitor(state) : space_->intern(state);
          }
          SVCSIM_ASSERT_MSG(ids[id] != UINT32_MAX, "explore: a rank sent a node before its state");
          const auto faults = in.get<std::uint8_t>();
          const auto error = in.get<std::uint8_t>();
          received_.keys.push_back(node_key(ids[id], faults, error));
          received_.operations.push_back(in.get<std::uint16_t>());
          received_.counts.push_back(in.get<Count>());
        }
      }
    }
    SVCSIM_ASSERT(own_nodes_ + received_nodes_ + received_.keys.size() < UINT32_MAX &&
                  received_.masks.size() < UINT32_MAX);
    received_index_expected_ = received_.masks.size() + 1;
    received_.begins.push_back(static_cast<std::uint32_t>(received_.keys.size()));
    received_starts_.back() = static_cast<std::uint32_t>(received_nodes_ + received_.keys.size());
    // Read into the layer: the next one is built beside it without the messages.
    for (Bytes& bytes : incoming_) Bytes().swap(bytes);
  }

  /// After layer L+1 is built from layer L as shared: the ends met on the way name
  /// their parents by the index on the rank holding them (a link needs nothing: the position it
  /// names is the same on every rank, which receives a group's nodes in its owner's order); and
  /// the ranks agree whether to go on (one rank's stop stops all, the state limit counts every
  /// rank's states).
  void settle_layer(std::size_t layer) {
    const auto owner_of = [&](std::uint32_t parent) {
      if (parent < own_nodes_) return parent;
      // A received node: its group's start on its owner, and its place in the group. Only the
      // few witness ends met in a layer ask, so a search, not 4 bytes a received node.
      const auto node = static_cast<std::uint32_t>(parent - own_nodes_);
      const auto after = std::upper_bound(received_starts_.begin(), received_starts_.end(), node);
      SVCSIM_ASSERT(after != received_starts_.begin() && after != received_starts_.end());
      const auto group = static_cast<std::size_t>(after - received_starts_.begin() - 1);
      return received_bases_[group] + (node - received_starts_[group]);
    };
    const auto localize = [&](WitnessEnd& end) {
      if (end.found && end.layer == layer) end.node = owner_of(end.node);
    };
    for (WitnessEnd& end : main_.class_witnesses) localize(end);
    for (WitnessEnd& end : main_.code_witnesses) localize(end);
    localize(main_.violation_end);

    Bytes mine;
    {
      ByteWriter out(mine);
      out.put(main_.status);
      out.put(main_.states);
      out.put(main_.transitions);
    }
    ExploreStatus agreed = ExploreStatus::complete;
    std::uint64_t states = 0;
    std::uint64_t transitions = 0;
    for (const Bytes& theirs : partition_.all_gather(mine)) {
      ByteReader in(theirs);
      const auto status = in.get<ExploreStatus>();
      states += in.get<std::uint64_t>();
      transitions += in.get<std::uint64_t>();
      // A violation anywhere is the answer; otherwise the first rank's reason to stop.
      if (status == ExploreStatus::invariant_violation || agreed == ExploreStatus::complete) {
        agreed = status;
      }
    }
    if (agreed == ExploreStatus::complete && options_.state_count_max != 0 &&
        states > options_.state_count_max) {
      agreed = ExploreStatus::incomplete_states;
    }
    main_.status = agreed;
    layer_nodes_everywhere_ = states - states_everywhere_;
    states_everywhere_ = states;
    other_ranks_states_ = states - main_.states;
    other_ranks_transitions_ = transitions - main_.transitions;
  }

  /// Every rank's counts and witness ends, merged in rank order: afterwards every rank holds
  /// the whole search's, the ones the serial search finds.
  void merge_ranks() {
    Bytes mine;
    {
      ByteWriter out(mine);
      out.put<std::uint64_t>(main_.runs.size());
      for (const RunCounts& counts : main_.runs) {
        out.put_string(counts.total.to_string());
        for (const BigCount& count : counts.classes) out.put_string(count.to_string());
        out.put<std::uint64_t>(counts.codes.size());
        for (const auto& [code, count] : counts.codes) {
          out.put(code);
          out.put_string(count.to_string());
        }
      }
      out.put(main_.transitions);
      out.put(main_.states);
      out.put(main_.class_witnesses);
      out.put(main_.code_witnesses);
      out.put(main_.violation_end);
      out.put_string(main_.violation_text);
    }

    const ExploreStatus status = main_.status;  // agreed already, layer by layer
    const std::vector<Bytes> all = partition_.all_gather(mine);
    main_.reset(main_.runs.size());
    main_.status = status;
    const auto big = [](const std::string& text) {
      const std::optional<BigCount> count = BigCount::from_decimal(text);
      SVCSIM_ASSERT_MSG(count.has_value(), "explore: a rank sent a count that is not a number");
      return *count;
    };
    for (const Bytes& theirs : all) {
      ByteReader in(theirs);
      SVCSIM_ASSERT(in.get<std::uint64_t>() == main_.runs.size());
      for (RunCounts& counts : main_.runs) {
        counts.total += big(in.get_string());
        for (BigCount& count : counts.classes) count += big(in.get_string());
        const auto codes = in.get<std::uint64_t>();
        for (std::uint64_t index = 0; index < codes; ++index) {
          const auto code = in.get<std::uint32_t>();
          counts.codes[code] += big(in.get_string());
        }
      }
      main_.transitions += in.get<std::uint64_t>();
      main_.states += in.get<std::uint64_t>();
      const auto classes = in.get<decltype(main_.class_witnesses)>();
      const auto codes = in.get<decltype(main_.code_witnesses)>();
      const auto violation = in.get<WitnessEnd>();
      std::string violation_text = in.get_string();
      SVCSIM_ASSERT_MSG(in.done(), "explore: a rank's counts are longer than they say");
      const auto beats = [](const WitnessEnd& end, const WitnessEnd& kept) { return end.beats(kept); };
      Sink::keep_better(main_.class_witnesses, classes, beats);
      Sink::keep_better(main_.code_witnesses, codes, beats);
      // The violation the serial search stops at: the first met.
      if (violation.found &&
          (!main_.violation_end.found || violation.met_before(main_.violation_end))) {
        main_.violation_end = violation;
        main_.violation_text = std::move(violation_text);
      }
    }
  }

  /// `compute()` as the rank holding group `mask` computes it, on every rank (collective: every
  /// rank calls it with the same mask); one process computes it itself.
  template <typename Value, typename Compute>
  Value from_group_owner(std::uint64_t mask, Compute compute) {
    if (!distributed_) return compute();
    Bytes mine;
    if (owner(mask) == partition_.rank) ByteWriter(mine).put<Value>(compute());
    const std::vector<Bytes> all = partition_.all_gather(mine);
    ByteReader in(all[static_cast<std::size_t>(owner(mask))]);
    const auto value = in.get<Value>();
    SVCSIM_ASSERT(in.done());
    return value;
  }

  /// Where group `mask` of retired layer `layer` starts in it (on ranks: in this rank's share).
  std::uint32_t group_begin(std::size_t layer, std::uint64_t mask) const {
    SVCSIM_ASSERT(layer < directories_.size() &&
                  static_cast<std::size_t>(std::popcount(mask)) == layer);
    return directories_[layer].begin_of(mask, dense_ ? colex_rank(mask) : 0);
  }

  /// The figures only the ranks together know: the distinct model states (a state several
  /// ranks interned counts once: each goes to the rank its bytes hash to, which counts the
  /// distinct ones) and the largest rank's memory.
  void finish_ranks() {
    const auto ranks = static_cast<std::size_t>(partition_.size);
    // A record: the state's hash, its table, its bytes. Sorted by hash first, so bytes are
    // compared only between states whose hashes are equal.
    constexpr std::size_t record = 8 + 1 + sizeof(model::TargetState);
    const auto less = [](const std::uint8_t* left, const std::uint8_t* right) {
      std::uint64_t left_hash = 0;
      std::uint64_t right_hash = 0;
      std::memcpy(&left_hash, left, 8);
      std::memcpy(&right_hash, right, 8);
      if (left_hash != right_hash) return left_hash < right_hash;
      return std::memcmp(left, right, record) < 0;
    };
    const auto same = [](const std::uint8_t* left, const std::uint8_t* right) {
      return std::memcmp(left, right, record) == 0;
    };
    // In rounds, a sixteenth of the states each (by their hash's top bits), so the count costs
    // a few MB beside the search's memory, not a copy of every state at once.
    // Each state's round is worked out once (a byte a state, in visiting order): its hash is
    // computed from its packed words, and hashing every state in every round cost 15% of rank
    // 0's time on 2 ranks (n = 20) when the hash was the whole TargetState's.
    constexpr unsigned rounds = 16;
    const auto hash_of = [](unsigned table, std::uint64_t state_hash) {
      return model::mix_bits(state_hash + table);
    };
    std::vector<std::uint8_t> round_of;
    if (space_) {
      round_of.reserve(space_->size());
      space_->for_each_state([&](unsigned table, auto&& state_hash, auto&&) {
        round_of.push_back(static_cast<std::uint8_t>(hash_of(table, state_hash()) >> 60));
      });
    }
    std::uint64_t distinct = 0;
    for (unsigned round = 0; round < rounds; ++round) {
      outgoing_.assign(ranks, Bytes());
      if (space_) {
        std::size_t visited = 0;
        space_->for_each_state([&](unsigned table, auto&& state_hash, auto&& state) {
          if (round_of[visited++] != round) return;
          const std::uint64_t hash = hash_of(table, state_hash());
          ByteWriter out(outgoing_[hash % ranks]);
          out.put(hash);
          out.put(static_cast<std::uint8_t>(table));
          out.put(state());
        });
      }
      partition_.exchange(outgoing_, incoming_);
      std::vector<Bytes>().swap(outgoing_);
      std::vector<const std::uint8_t*> records;
      for (const Bytes& bytes : incoming_) {
        SVCSIM_ASSERT(bytes.size() % record == 0);
        for (std::size_t at = 0; at < bytes.size(); at += record) records.push_back(bytes.data() + at);
      }
      std::sort(records.begin(), records.end(), less);
      distinct += static_cast<std::uint64_t>(
          std::unique(records.begin(), records.end(), same) - records.begin());
      std::vector<Bytes>().swap(incoming_);
    }
    sample_resident();

    Bytes mine;
    {
      ByteWriter out(mine);
      out.put(distinct);
      out.put(result_.peak_bytes);
      out.put(result_.peak_resident_bytes);
    }
    result_.model_states = 0;
    for (const Bytes& theirs : partition_.all_gather(mine)) {
      ByteReader in(theirs);
      result_.model_states += in.get<std::uint64_t>();
      result_.peak_bytes = std::max(result_.peak_bytes, in.get<std::uint64_t>());
      result_.peak_resident_bytes = std::max(result_.peak_resident_bytes, in.get<std::uint64_t>());
    }
  }

  // --- Witnesses -------------------------------------------------------------------------

  void build_witnesses() {
    for (std::size_t index = 0; index < main_.class_witnesses.size(); ++index) {
      if (!main_.class_witnesses[index].found) continue;
      result_.witnesses.push_back(reconstruct(main_.class_witnesses[index]));
    }
    // Named codes in table order, then unnamed ones by HRESULT: their slots depend on the
    // order the process met them, which no report may show.
    std::vector<std::size_t> code_order;
    for (std::size_t index = 0; index < main_.code_witnesses.size(); ++index) {
      if (main_.code_witnesses[index].found) code_order.push_back(index);
    }
    std::stable_sort(code_order.begin(), code_order.end(), [](std::size_t left, std::size_t right) {
      const auto rank = [](std::size_t index) {
        const auto code = static_cast<ResultCode>(index);
        return model::is_named(code) ? std::uint64_t{index}
                                     : (std::uint64_t{1} << 32) + model::hresult(code);
      };
      return rank(left) < rank(right);
    });
    for (const std::size_t index : code_order) {
      Witness witness = reconstruct(main_.code_witnesses[index]);
      witness.for_code = true;
      result_.witnesses.push_back(std::move(witness));
    }
    if (main_.violation_end.found) {
      const Witness witness = reconstruct(main_.violation_end);
      result_.violation_command = witness.command;
    }
  }

  /// Walks the parent links back from `end` and replays the choices forward through the
  /// transition cache to number the operations as `svcsim run --fault STEP:KIND` counts them.
  Witness reconstruct(const WitnessEnd& end) {
    std::vector<std::uint16_t> choices;
    if (end.choice != no_final_operation) choices.push_back(end.choice);
    std::size_t layer = end.layer;
    std::uint32_t node = end.node;
    // The group `node` is in: the steps done before the final choice.
    std::uint64_t mask = end.done;
    if (end.choice != no_final_operation && (end.choice >> 8) != final_reboot_step) {
      mask &= ~bit_of(end.choice >> 8);
    }
    // On ranks each link comes from the rank holding its node, and each group's start from
    // the rank holding that group.
    struct ReadLink {
      std::uint32_t choice;
      std::uint32_t position;
    };
    while (layer > 0) {
      const ReadLink link = from_group_owner<ReadLink>(mask, [&] {
        const std::uint64_t index = layer_link_bases_[layer] + node;
        return ReadLink{links_.choice(index), links_.position(index)};
      });
      choices.push_back(static_cast<std::uint16_t>(link.choice));
      mask &= ~bit_of(link.choice >> 8);
      --layer;
      node = link.position +
             from_group_owner<std::uint32_t>(mask, [&] { return group_begin(layer, mask); });
    }
    std::reverse(choices.begin(), choices.end());

    Witness witness;
    witness.outcome_class = end.outcome_class;
    if (end.first_error != 0) witness.code = static_cast<ResultCode>(end.first_error - 1);
    // `node` is now the run's start in layer 0: its device.
    const model::DeviceBits subset = start_devices_[node];
    witness.faults = device_placements(subset);
    std::uint32_t id = space_->intern(world_.initial_state(
        static_cast<model::DeviceBits>(model::device_always(scenario_.catalog) | subset)));
    std::uint64_t done = 0;
    std::vector<std::size_t> order;
    int number = 0;
    auto place = [&](std::size_t variant) {
      if (variant != 0) witness.faults.push_back({number, space_->fault_of(variant)});
    };
    for (const std::uint16_t choice : choices) {
      const std::size_t step = choice >> 8;
      const std::size_t op_variant = choice >> 4 & 0xF;
      const std::size_t reboot_variant = choice & 0xF;
      if (step == final_reboot_step) {
        // The final reboots: the targets due are read off the state, as the search did.
        const model::WorldState state = space_->state(id);
        std::size_t position = 0;
        for (std::size_t target = 0; target < world_.target_count(); ++target) {
          const auto index = static_cast<model::TargetIndex>(target);
          if (!final_reboot_needed(plan_, world_.context(index), state.targets[target])) continue;
          const std::size_t variant = end.final_variants >> (4 * position++) & 0xF;
          ++number;
          place(variant);
          const MicroTransition after = space_->transition(id, space_->reboot_step(index), variant);
          id = after.next;
          if (after.has(micro_flag::stops)) break;
        }
        continue;
      }
      ++number;
      place(op_variant);
      order.push_back(step);
      done |= bit_of(step);
      const MicroTransition after_op = space_->transition(id, step, op_variant);
      id = after_op.next;
      if (after_op.has(micro_flag::stops)) break;
      if (after_op.has(micro_flag::reboot_follows)) {
        ++number;
        place(reboot_variant);
        const MicroTransition after_reboot = space_->pending_reboot(id, reboot_variant);
        id = after_reboot.next;
        if (after_reboot.has(micro_flag::stops)) break;
      }
    }
    // A run that stopped early: any completion of its order is the same run; take plan order.
    while (done != full_mask_) {
      for (std::size_t step = 0; step < step_count_; ++step) {
        if (allowed(done, step)) {
          order.push_back(step);
          done |= bit_of(step);
          break;
        }
      }
    }
    for (std::size_t step : order) witness.order.push_back(plan_.steps[step]);
    witness.operation_count = number;
    witness.command = reproduce_command(scenario_, witness.order, witness.faults);
    return witness;
  }

  // --- Graph recording (DOT) ---------------------------------------------------------------

  bool graph_full() const {
    return result_.graph && result_.graph->nodes.size() >= options_.graph_state_max;
  }

  /// The graph has all the nodes it may hold: it keeps them and the edges between them, and
  /// says it is truncated. Recording never resumes, so every node of a layer seen while
  /// recording has its graph id.
  [[gnu::noinline, gnu::cold]] void stop_recording() {
    recording_ = false;
    result_.graph->truncated = true;
  }

  std::uint32_t add_graph_node(std::uint64_t key, bool terminal_node) {
    const model::WorldState state = space_->state(key_id(key));
    std::string label;
    for (std::size_t target = 0; target < state.targets.size(); ++target) {
      const model::TargetState& image = state.targets[target];
      std::string pending;
      for (std::size_t index = 0; index < scenario_.catalog.size(); ++index) {
        const auto package = static_cast<model::PackageIndex>(index);
        const auto cbs = image.packages.get(package);
        if (cbs == model::CbsState::install_pending || cbs == model::CbsState::uninstall_pending) {
          pending += (pending.empty() ? "" : ",") + scenario_.catalog[package].id;
        }
      }
      if (!label.empty()) label += '\n';
      if (state.targets.size() > 1) label += world_.target(static_cast<model::TargetIndex>(target)).name + " ";
      label += fmt::format("UBR {}", image.ubr);
      if (!pending.empty()) label += "\npending " + pending;
    }
    if (key_faults(key) != 0) label += fmt::format("\nfaults {}", key_faults(key));
    result_.graph->nodes.push_back({label, terminal_node});
    return static_cast<std::uint32_t>(result_.graph->nodes.size() - 1);
  }

  std::uint32_t terminal_graph_node(std::uint32_t id, unsigned faults, unsigned first_error,
                                    OutcomeClass outcome_class) {
    const std::uint64_t key = node_key(id, faults, first_error);
    const auto [found, inserted] = terminal_graph_ids_.try_emplace(key, 0);
    if (inserted) {
      const std::uint32_t graph_id = add_graph_node(key, true);
      result_.graph->nodes[graph_id].label =
          fmt::format("{}\n{}", model::outcome_class_name(outcome_class),
                      result_.graph->nodes[graph_id].label);
      found->second = graph_id;
    }
    return found->second;
  }

  [[gnu::noinline]] void add_graph_edge(const Layer& current, std::uint32_t parent, std::uint32_t to,
                      std::size_t step, std::size_t op_variant, std::size_t reboot_variant) {
    if (!recording_ || !result_.graph) return;
    std::string label = plan_.steps[step].text;
    if (op_variant != 0) label += fmt::format(" [{}]", model::fault_name(space_->fault_of(op_variant)));
    if (reboot_variant != 0) {
      label += fmt::format(" + reboot [{}]", model::fault_name(space_->fault_of(reboot_variant)));
    }
    result_.graph->edges.push_back({current.graph_ids[parent], to, label});
  }

  const scenario::Scenario& scenario_;
  const model::Plan& plan_;
  const ExploreOptions& options_;
  const ExplorePartition& partition_;
  std::vector<std::size_t> split_;  // the steps that decide a group's rank (split_steps), or none
  std::uint64_t split_mask_ = 0;    // their bits
  bool distributed_ = false;  // several ranks (share, settle_layer, merge_ranks)
  // Several ranks: per group received (received_), where it starts on the rank holding it;
  // per rank, the model states sent to it already (by id) and its ids of the states it sent
  // here.
  std::vector<std::uint32_t> received_bases_;  // per group received this layer (all exchanges)
  // Per group received this layer, where it starts in the numbering of the layer's received
  // nodes (after the rank's own), and one past the last: settle_layer finds a node's group.
  std::vector<std::uint32_t> received_starts_;
  std::uint64_t received_nodes_ = 0;   // their nodes
  bool stream_ = false;  // ranks split by split steps: build_in_rounds
  // Every rank's nodes of the layer being shared (settle_layer): the rounds it takes.
  std::uint64_t layer_nodes_everywhere_ = 0;
  std::uint64_t states_everywhere_ = 0;  // every rank's states so far (settle_layer)
  std::vector<std::vector<std::uint8_t>> sent_;
  std::vector<std::vector<std::uint32_t>> received_ids_;
  std::vector<Bytes> outgoing_;  // per rank: the message to it, while one is being exchanged
  std::vector<Bytes> incoming_;
  model::World world_;
  std::size_t step_count_;
  std::uint64_t full_mask_ = 0;
  std::vector<std::uint64_t> predecessors_;
  std::vector<Fault> kinds_;
  std::optional<ModelSpace> space_;
  std::vector<model::TargetIndex> final_due_;  // finish_full_layer: the targets to reboot
  Sink main_;          // the serial search's sink; chunks merge into it, layer by layer
  GroupTable main_table_;  // main_'s merge table
  // The layer before last, whose buffers the next layer reuses (ranks free it after each
  // layer instead: run()).
  Layer spare_;
  // Ranks: the groups of the layer before that other ranks sent (share), and how many nodes
  // of that layer are this rank's own (parent links number the received ones after them).
  Layer received_;
  // How many groups the last exchange brought: room for as many in received_.index at once.
  // And the bases of the round being exchanged (build_in_rounds), which every group received
  // must have.
  std::size_t received_index_expected_ = 1;
  std::uint64_t round_base_first_ = 0;
  std::uint64_t round_base_end_ = UINT64_MAX;
  std::uint64_t own_nodes_ = 0;
  double growth_ = 1.0; // how much the last layer grew over the one before
  bool dense_ = false; // groups are all subsets in colex order (plans of up to 26 steps)
  LinkArena links_;                          // every layer's parent links, appended
  std::vector<std::uint64_t> layer_link_bases_;  // per retired layer: where its links start
  std::vector<GroupDirectory> directories_;      // per retired layer: where its groups start
  std::uint64_t directory_bytes_ = 0;
  std::vector<BigCount> factorials_;  // 0! .. n!
  bool recording_ = false;
  /// The two layers being worked on, for the checkpoints inside a layer (null between layers).
  struct Building {
    const Layer* current = nullptr;
    const Layer* next = nullptr;
  } building_;
  // dense: groups finished, over every layer; written by every thread, so on its own line.
  alignas(64) std::atomic<std::uint64_t> groups_done_{0};
  alignas(64) int threads_ = 1;
  // --threads: workers, the chunks of the layer being built, the first chunk that stopped,
  // and what the chunks' checkpoints share (under checkpoint_mutex_).
  std::vector<std::unique_ptr<Chunk<Count>>> chunks_;
  std::vector<std::unique_ptr<Workspace<Count>>> workspaces_;  // one per thread
  // Several ranks: the other ranks' states and transitions after the last layer, for progress.
  std::uint64_t other_ranks_states_ = 0;
  std::uint64_t other_ranks_transitions_ = 0;
  std::atomic<std::size_t> stop_after_chunk_{SIZE_MAX};
  std::mutex checkpoint_mutex_;
  std::uint64_t chunk_transitions_ = 0;  // this layer's, so far
  std::uint64_t chunk_ticks_ = 0;        // every layer's
  std::uint64_t chunk_states_ = 0;       // this layer's finished chunks' states
  std::uint64_t chunk_layer_bytes_ = 0;
  /// What one more node of a layer costs: its key, count, operation count and parent link.
  static constexpr std::uint64_t bytes_per_node = 8 + sizeof(Count) + 2 + sizeof(Link);
  std::unordered_map<std::uint64_t, std::uint32_t> terminal_graph_ids_;  // lookup only
  std::chrono::steady_clock::time_point started_;
  ExploreResult result_;
  std::vector<model::DeviceBits> start_devices_;  // per layer-0 node: its listed properties
};

}  // namespace

std::vector<std::size_t> split_steps(const model::Plan& plan, const model::World& world, int size) {
  SVCSIM_ASSERT(size >= 1);
  if (!std::has_single_bit(static_cast<unsigned>(size)) || size == 1) return {};
  const auto wanted = static_cast<std::size_t>(std::countr_zero(static_cast<unsigned>(size)));
  // The kinds that change least of what other packages see, best first; the servicing stack
  // and the cumulative chain (checkpoint or not) change what every later update sees, and a
  // rank holding the groups with one of them done meets nearly every model state.
  static constexpr std::array preferred = {
      model::PackageKind::dotnet_cu,  model::PackageKind::language_pack, model::PackageKind::fod,
      model::PackageKind::safeos_du,  model::PackageKind::setup_du,      model::PackageKind::enablement};
  std::vector<bool> constrained(plan.steps.size(), false);
  for (const auto& [first, second] : plan.before) constrained[first] = constrained[second] = true;
  const auto choose = [&](std::size_t count) {
    std::vector<std::size_t> split;
    for (const model::PackageKind kind : preferred) {
      for (std::size_t step = plan.steps.size(); step-- > 0 && split.size() < count;) {
        const model::Operation& operation = plan.steps[step].operation;
        if (constrained[step] || operation.kind != model::OperationKind::add) continue;
        if (world.catalog()[operation.package].kind == kind) split.push_back(step);
      }
    }
    if (split.size() < count) return std::vector<std::size_t>{};
    std::sort(split.begin(), split.end());
    return split;
  };
  // Two steps a bit of the rank when the plan has them: their parity splits the middle layers
  // about evenly (docs/cluster.md: the largest of 2 ranks 219 to 208 MiB at n = 20, of 4 ranks
  // 157 to 142); one step a bit otherwise.
  std::vector<std::size_t> paired = choose(2 * wanted);
  return paired.empty() ? choose(wanted) : paired;
}

int group_owner(std::uint64_t mask, int size, const std::vector<std::size_t>& split) {
  SVCSIM_ASSERT(size >= 1);
  if (split.empty()) return static_cast<int>(model::mix_bits(mask) % static_cast<std::uint64_t>(size));
  const auto bits = static_cast<std::size_t>(std::countr_zero(static_cast<unsigned>(size)));
  SVCSIM_ASSERT(std::has_single_bit(static_cast<unsigned>(size)) &&
                (split.size() == bits || split.size() == 2 * bits));
  const std::size_t per_bit = split.size() / bits;
  int owner = 0;
  for (std::size_t bit = 0; bit < bits; ++bit) {
    std::uint64_t done = 0;
    for (std::size_t index = bit * per_bit; index < (bit + 1) * per_bit; ++index) {
      done ^= mask >> split[index];
    }
    owner |= static_cast<int>(done & 1) << bit;
  }
  return owner;
}

/// Whether every path count of this exploration fits in 64 bits: at most n! orders of prefixes
/// times the placements of up to K faults on at most 2n + 1 operations with every kind.
bool counts_fit_64_bits(const scenario::Scenario& scenario, const ExploreOptions& options) {
  // Device properties are sites too (one kind each) at the start of the run: counted as steps.
  const auto steps = static_cast<unsigned>(scenario.plan.steps.size()) +
                     static_cast<unsigned>(std::popcount(unsigned{scenario.faults.devices}));
  const int fault_count_max = options.fault_count_max.value_or(scenario.faults.max);
  BigCount placements;
  BigCount choose{1};  // C(2n + 1, j), built up as j grows
  BigCount kinds_power{1};
  for (int faults = 0; faults <= fault_count_max; ++faults) {
    if (faults > 0) {
      choose.multiply(2 * steps + 1 - static_cast<unsigned>(faults - 1));
      kinds_power.multiply(static_cast<std::uint32_t>(model::fault_count - 1));
    }
    placements += choose * kinds_power;  // an overestimate: C(m, j) <= m^j / j! is not divided
  }
  return BigCount::factorial(steps) * placements < BigCount::from_count128(Count128{1} << 64);
}

ExploreResult explore(const scenario::Scenario& scenario, const ExploreOptions& options) {
  if (counts_fit_64_bits(scenario, options)) {
    Explorer<std::uint64_t> explorer(scenario, options);
    return explorer.run();
  }
  Explorer<Count128> explorer(scenario, options);
  return explorer.run();
}

}  // namespace svcsim::simulator
