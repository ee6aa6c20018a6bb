// ModelSpace: the explorer's memo of the servicing model over a World. Each distinct world state
// gets a dense id; each distinct (state, step, fault) transition is computed by model::step once,
// checked once, and cached in a dense table. The explorer's graph nodes carry a 32-bit id
// instead of the targets' states, and its inner loop is an array lookup instead of a call into
// the model.
//
// With one target (every v1 scenario, the synthetic chains) a world state is that target's
// state, interned directly: the single-target explorer pays nothing for worlds. With several, a
// target's state is interned once in its own table and a world state is the tuple of the
// targets' ids, interned again: a step changes one target, so most of a world is shared.
//
// States live in two kinds of table. *Node* states are where a plan step leaves the world: they
// get transitions, one per plan step and one per target's reboot (a column per step, below).
// *Pending* states are where an add leaves the world just before the reboot the plan inserts
// after its 3010: they only ever need that reboot (of the target that asked for it), so they
// get one entry per fault variant. Measured on the synthetic chains, four states in five are
// pending ones; giving them no place in the step columns shrinks the table about fivefold.
//
// Threads (`explore --threads`): the explorer's workers share one ModelSpace. Reads are the hot
// path and take no lock: every table sits at a fixed address (huge_pages.hpp), and a transition
// entry is published by storing its flags word last, with release order, so a reader that sees
// `computed` sees the whole entry. A miss computes the transition outside any lock (model::step
// is a pure function); only interning its result takes a lock, one of 64 picked by the state's
// hash. Two workers may compute the same entry at once: both store the same bytes. Which worker
// interns a state first decides its id, so ids differ between runs with threads; nothing the
// explorer reports depends on an id.
#pragma once

#include <array>
#include <cstddef>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <span>
#include <string>
#include <vector>

#include "svcsim/model/apply.hpp"
#include "svcsim/model/classify.hpp"
#include "svcsim/model/invariants.hpp"
#include "svcsim/scenario/scenario.hpp"
#include "svcsim/model/world.hpp"
#include "huge_pages.hpp"
#include "packed_image.hpp"

namespace svcsim::simulator {

/// One cached transition: where the operation leads and how the plan's policies read it. With
/// reboot_follows (after_3010), `next` is a pending state and the entry also carries the
/// fault-free reboot's result, so the explorer's common path costs one cache line instead of
/// two dependent ones; otherwise `next` is a node state. 12 bytes.
struct MicroTransition {
  std::uint32_t next = 0;
  std::uint32_t next_after_reboot = 0;   // reboot_follows: the node state after the plain reboot
  std::uint8_t code = 0;                 // model::ResultCode
  std::uint8_t flags = 0;                // micro_flag bits
  std::uint8_t fault_sites = 0;          // model::FaultSet >> 1 (bit 0 of a FaultSet is `none`)
  std::uint8_t reboot_fault_sites = 0;   // the plain reboot's, likewise

  bool has(std::uint8_t flag) const { return (flags & flag) != 0; }
  bool can_strike(model::Fault fault) const {
    return (fault_sites << 1 & model::fault_bit(fault)) != 0;
  }
  /// The plain inserted reboot's part, as a transition of its own. A fault-free reboot always
  /// reports S_OK (ModelSpace asserts it), so only its violation and stop flags need keeping.
  MicroTransition reboot_part() const;

  /// Reads an entry another thread may be publishing: the tail word (code, flags, fault sites)
  /// first, with acquire order; `next` and `next_after_reboot` only once it says `computed`.
  static MicroTransition load(const MicroTransition& entry);
  /// Publishes an entry: the targets first, the tail word (with `computed`) last.
  static void publish(MicroTransition& entry, const MicroTransition& value);
};
static_assert(sizeof(MicroTransition) == 12);
// Every fault kind must have its bit in `fault_sites`: a kind without one would never be placed,
// and explore would count zero runs for it without a word.
static_assert(model::fault_count - 1 <= 8 * static_cast<int>(sizeof(MicroTransition::fault_sites)),
              "widen MicroTransition::fault_sites before adding a fault kind");
static_assert(model::result_code_slot_count <= 256, "MicroTransition::code holds a ResultCode");

namespace micro_flag {
inline constexpr std::uint8_t computed = 1u << 0;
inline constexpr std::uint8_t reboot_follows = 1u << 1;  // after_3010: a reboot is inserted
inline constexpr std::uint8_t stops = 1u << 2;           // on_error: stop ends the sequence
// v2: the plain reboot that follows ends the run (it was due past reboot_count_max).
inline constexpr std::uint8_t reboot_stops = 1u << 3;
inline constexpr std::uint8_t violation = 1u << 4;       // an invariant broke
inline constexpr std::uint8_t reboot_violation = 1u << 5;  // ... in the plain reboot that follows
inline constexpr std::uint8_t error = 1u << 6;           // an error the plan does not tolerate
// The plain reboot's own flags sit one bit above the entry's, so reboot_part() takes both with
// one shift: it runs on nearly every edge of the explorer's inner loop.
static_assert(reboot_stops == stops << 1 && reboot_violation == violation << 1);
}  // namespace micro_flag

// The last four bytes as one word, for the atomic load and store (may_alias: it reads the four
// uint8_t fields).
using TailWord [[gnu::may_alias]] = std::uint32_t;
static_assert(offsetof(MicroTransition, code) == 8 && alignof(MicroTransition) == 4);

[[gnu::always_inline]] inline MicroTransition MicroTransition::load(const MicroTransition& entry) {
  MicroTransition value;
  const auto tail = __atomic_load_n(reinterpret_cast<const TailWord*>(&entry.code), __ATOMIC_ACQUIRE);
  *reinterpret_cast<TailWord*>(&value.code) = tail;
  if (value.has(micro_flag::computed)) {
    value.next = __atomic_load_n(&entry.next, __ATOMIC_RELAXED);
    value.next_after_reboot = __atomic_load_n(&entry.next_after_reboot, __ATOMIC_RELAXED);
  }
  return value;
}

inline void MicroTransition::publish(MicroTransition& entry, const MicroTransition& value) {
  __atomic_store_n(&entry.next, value.next, __ATOMIC_RELAXED);
  __atomic_store_n(&entry.next_after_reboot, value.next_after_reboot, __ATOMIC_RELAXED);
  __atomic_store_n(reinterpret_cast<TailWord*>(&entry.code),
                   *reinterpret_cast<const TailWord*>(&value.code), __ATOMIC_RELEASE);
}

inline MicroTransition MicroTransition::reboot_part() const {
  MicroTransition reboot;
  reboot.next = next_after_reboot;
  reboot.fault_sites = reboot_fault_sites;
  reboot.code = 0;  // S_OK
  reboot.flags = static_cast<std::uint8_t>(
      micro_flag::computed | ((flags >> 1) & (micro_flag::violation | micro_flag::stops)));
  return reboot;
}

/// A lock that costs nothing when the space is not shared (`explore --threads 1`): the serial
/// explorer interns millions of times and would pay for an uncontended atomic each time.
class ShardLock {
 public:
  void lock() {
    while (held_.exchange(true, std::memory_order_acquire)) {
      while (held_.load(std::memory_order_relaxed)) std::this_thread::yield();
    }
  }
  void unlock() { held_.store(false, std::memory_order_release); }

 private:
  std::atomic<bool> held_{false};
};

/// Interned target states (no transitions: ModelSpace keeps those by world id). Interning is
/// safe from several threads when `shared`; reading a state by an id that reached the reader
/// through a published transition needs no lock.
class StateTable {
 public:
  /// `compact`: every state fits PackedImage's 32 bytes (PackedImage::fits).
  StateTable(bool offline, bool compact, bool shared);

  struct Interned {
    std::uint32_t id = 0;
    bool is_new = false;
    bool broken = false;  // the state breaks an invariant (checked once, when first interned)
  };
  /// The id of `state`, interning it if new. `check(state)` says whether a new state breaks an
  /// invariant; it runs before the state is visible to any other thread, so every thread that
  /// meets the state sees its verdict.
  template <typename Check>
  Interned intern(const model::TargetState& state, Check&& check);
  model::TargetState state(std::uint32_t id) const;
  /// PackedImage::hash of the state's packed words (computed again: 4 mixes for a compact
  /// state, cheaper than the 8 bytes a state and the cache miss that keeping it cost).
  /// The verdict `check` gave state `id` when it was interned.
  bool broken(std::uint32_t id) const { return broken_[id] != 0; }
  std::uint64_t hash(std::uint32_t id) const {
    return PackedImage::hash(&images_[std::size_t{id} * state_words_], state_words_);
  }
  std::size_t size() const { return size_.load(std::memory_order_acquire); }
  std::uint64_t bytes() const;
  /// Frees the index tables that growing replaced. A shared table keeps them until this call,
  /// which the caller makes only while no other thread uses the table (a reader may still be
  /// probing an old one); a table that is not shared frees them as it grows.
  void release_retired();

 private:
  // Open addressing: a slot is id + 1 (0 = empty) in its low half and 32 bits of the state's
  // hash in its high half, so a probe that meets another state is told apart without loading
  // that state. One 64-bit word, read and published atomically.
  static std::uint64_t make_slot(std::uint32_t id, std::uint64_t hash) {
    return (hash & 0xFFFFFFFF00000000ull) | (std::uint64_t{id} + 1);
  }
  // Where a probe starts: from the same high half of the hash that the slot keeps, so a grown
  // table places every entry from the entry alone, without hashing its state again (the shard
  // is picked by the top 6 bits, the slot by the lowest of these 32: independent below 2^26
  // slots a shard).
  static std::size_t home_slot(std::uint64_t hash_or_slot) {
    return static_cast<std::size_t>(hash_or_slot >> 32);
  }
  using Index = std::vector<std::uint64_t>;
  // The index is split by the hash's top bits into shards, each with its own lock and table.
  // A lookup that finds its state reads the table without the lock (most lookups do: the
  // explorer asks again and again for states it has met); only an insert locks. Grown tables
  // are kept, not freed, until release_retired(), so a reader still on an old one stays safe
  // (it may miss a state added since, and then looks again under the lock). They are about as
  // large as the current one: 20 MiB at n = 20.
  // `published` has a line of its own: every lookup reads it, and an insert's writes to the
  // lock and count on a shared line made the other thread's next lookup in the shard a miss.
  struct alignas(64) Shard {
    std::atomic<const Index*> published{nullptr};
    alignas(64) ShardLock lock;
    std::size_t count = 0;
    std::vector<std::unique_ptr<Index>> tables;  // the current one last
  };
  static constexpr unsigned shard_bits = 6;
  void grow_index(Shard& shard);
  void release_retired(Shard& shard);
  /// Probes `table` for the state packed as `packed`; the id + 1, or 0 when an empty slot
  /// ends the probe.
  std::uint32_t find(const Index& table, const std::uint32_t* packed, std::uint64_t hash,
                     std::size_t& slot) const;
  /// Writes `state` packed: its image, then (offline) its committed image, words_ each.
  void pack(const model::TargetState& state, std::uint32_t* out) const;

  bool offline_;
  bool shared_;
  alignas(64) std::atomic<std::uint32_t> size_{0};  // written per new state: its own line
  std::atomic<std::uint64_t> index_bytes_{0};  // the shards' indexes, for bytes() on any thread
  std::array<Shard, std::size_t{1} << shard_bits> shards_;
  // States are stored as their live image, plus the committed image for offline targets only
  // (an online target's is always empty): half the bytes for the common case. Each image is
  // words_ 32-bit words (packed_image.hpp: 8 for most targets, 16 for the rest), the committed
  // one after the live one.
  std::size_t words_;        // a packed image's words
  std::size_t state_words_;  // a stored state's: words_, twice for offline targets
  ReservedArray<std::uint32_t> images_;
  ReservedArray<std::uint8_t> broken_;
};

/// Interned tuples of `width` ids (a world state of several targets, plus the target to reboot
/// for a pending state). One lock: only scenarios of several targets use it, and they are small.
class TupleTable {
 public:
  TupleTable(std::size_t width, bool shared);

  std::uint32_t intern(std::span<const std::uint32_t> tuple, bool& is_new);
  std::span<const std::uint32_t> tuple(std::uint32_t id) const {
    return {ids_.data() + std::size_t{id} * width_, width_};
  }
  std::size_t size() const { return size_.load(std::memory_order_acquire); }
  std::uint64_t bytes() const;

 private:
  void grow_index();
  std::uint64_t hash(std::span<const std::uint32_t> tuple) const;

  std::size_t width_;
  bool shared_;
  ShardLock lock_;
  std::atomic<std::uint32_t> size_{0};
  ReservedArray<std::uint32_t> ids_;
  std::vector<std::uint32_t> index_;  // id + 1, 0 = empty
  std::atomic<std::uint64_t> index_bytes_{0};  // for bytes() on any thread
};

// classes_ packs a class + 1 (0: not yet classed) in 4 bits, once without an error and once with.
static_assert(model::outcome_class_count + 1 <= 16, "a cached class is 4 bits of classes_");

class ModelSpace {
 public:
  /// `steps` are the plan's steps followed by one reboot per target (the inserted ones); `kinds`
  /// the fault kinds that may be placed (variant v >= 1 is kinds[v - 1]).
  /// `shared`: several threads will use it at once (interning then locks).
  ModelSpace(const model::Plan& plan, const model::World& world, std::vector<model::Step> steps,
             std::vector<model::Fault> kinds, model::WorldState expected, bool shared = false);

  /// The node id of `state`, interning it if new (and checking it then).
  std::uint32_t intern(const model::WorldState& state);

  /// The transition from node state `id` by step `step` (a plan step, or reboot_step(target))
  /// with fault variant `variant`. The cached case is inline: it is the explorer's inner loop.
  /// `one_variant`: the caller knows variant_count() is 1 (no fault kind placed at a step),
  /// which saves the index a multiply.
  template <bool one_variant = false>
  [[gnu::always_inline]] MicroTransition transition(std::uint32_t id, std::size_t step,
                                                    std::size_t variant) {
    const MicroTransition cached =
        MicroTransition::load(node_transitions_[entry_index<one_variant>(id, step, variant)]);
    if (cached.has(micro_flag::computed)) [[likely]] return cached;
    return compute(id, step, variant);
  }

  /// The inserted reboot from pending state `id` (a `next` of a reboot_follows transition).
  MicroTransition pending_reboot(std::uint32_t id, std::size_t variant) {
    const MicroTransition cached =
        MicroTransition::load(pending_transitions_[std::size_t{id} * variant_count_ + variant]);
    if (cached.has(micro_flag::computed)) return cached;
    return compute_pending_reboot(id, variant);
  }

  /// Starts loading the fault-free entry of (node id, step) into cache.
  template <bool one_variant = false>
  void prefetch(std::uint32_t id, std::size_t step) const {
    __builtin_prefetch(&node_transitions_[entry_index<one_variant>(id, step, 0)]);
  }

  // Visitors (explore on ranks split by split steps): node states that another rank owns, sent
  // here because a group of theirs reaches this rank by a split step. This rank advances them by
  // that step only, so they get ids of their own and an entry per split step (times variants),
  // not a row in every step's column. What a visitor leads to is an ordinary node or pending
  // state here. At n = 20, half of the node states of the rank with the split step done are
  // visitors on 2 ranks (96,000 of 192,000), two thirds on 4: as node states their rows took
  // 24 MiB of the transition table by the explorer's count (the figure its memory limit reads),
  // about 8 of them resident (their ids arrive in runs, so most of those rows' pages were never
  // touched).

  /// Makes room for visitors advanced by `steps` (plan steps); once, before the first visitor.
  void admit_visitors(const std::vector<std::size_t>& steps);
  /// The visitor id of `state`, interning it if new.
  std::uint32_t intern_visitor(const model::WorldState& state);
  /// As transition(), from visitor `id` by one of the steps admit_visitors named.
  template <bool one_variant = false>
  [[gnu::always_inline]] MicroTransition visitor_transition(std::uint32_t id, std::size_t step,
                                                            std::size_t variant) {
    const MicroTransition cached =
        MicroTransition::load((*visitor_transitions_)[visitor_index(id, step, variant)]);
    if (cached.has(micro_flag::computed)) [[likely]] return cached;
    return compute_visitor(id, step, variant);
  }
  void prefetch_visitor(std::uint32_t id, std::size_t step) const {
    __builtin_prefetch(&(*visitor_transitions_)[visitor_index(id, step, 0)]);
  }
  std::string explain_visitor(std::uint32_t id, std::size_t step, std::size_t variant) const;

  /// The world state of node `id`.
  model::WorldState state(std::uint32_t id) const;
  /// The class of a run ending in node state `id` (cached).
  model::OutcomeClass classify(std::uint32_t id, bool any_error);

  /// The column of target `target`'s reboot.
  std::size_t reboot_step(model::TargetIndex target) const {
    return steps_.size() - world_.target_count() + target;
  }
  std::size_t variant_count() const { return variant_count_; }
  model::Fault fault_of(std::size_t variant) const {
    return variant == 0 ? model::Fault::none : kinds_[variant - 1];
  }
  /// Distinct states: target states (node and pending) with one target, world states with more.
  std::size_t size() const;
  /// Calls `visit(table, hash, state)` for every state size() counts, always in the same order:
  /// `table` says which table holds it (one target: 0 node, 1 pending; several: the target's
  /// index), `hash()` is its table's hash of it (of its packed words: the same on every rank),
  /// and `state()` copies it out. Ranks of one exploration count the states they hold between
  /// them with this (explore under MPI), in rounds picked by the hash; both are computed only
  /// when asked for.
  template <typename Visit>
  void for_each_state(Visit&& visit) const {
    const auto visit_table = [&](unsigned number, const StateTable& table) {
      for (std::uint32_t id = 0; id < table.size(); ++id) {
        visit(number, [&] { return table.hash(id); }, [&] { return table.state(id); });
      }
    };
    if (!several_targets_) {
      visit_table(0u, nodes_);
      visit_table(1u, pending_);
      return;
    }
    for (std::size_t target = 0; target < target_states_.size(); ++target) {
      visit_table(static_cast<unsigned>(target), *target_states_[target]);
    }
  }
  std::uint64_t bytes() const;
  /// Frees what growing its tables left for readers that may still be on the old ones. Only
  /// while no other thread uses the space (explore: between layers, its workers joined).
  void release_retired();

  /// What broke in the transition from node `id` by `step` with `variant` (flagged
  /// `violation`), or in the reboot from pending state `id` (explain_pending_reboot), as text.
  /// Recomputed from the pure model, so it names the transition asked about, whichever thread
  /// met a broken state first.
  std::string explain(std::uint32_t id, std::size_t step, std::size_t variant) const;
  std::string explain_pending_reboot(std::uint32_t id, std::size_t variant) const;

 private:
  /// Room for every target's state, left uninitialised: zeroing 1 KiB for every computed
  /// transition would cost more than the transition; a load fills target_count() entries.
  struct Targets {
    Targets() {}  // NOLINT: deliberately leaves `states` uninitialised
    model::TargetState& operator[](std::size_t index) { return states[index]; }
    const model::TargetState& operator[](std::size_t index) const { return states[index]; }
    model::TargetState* data() { return states; }
    const model::TargetState* data() const { return states; }
    union {
      model::TargetState states[model::target_count_max];
    };
  };

  // Step-major: the entries of one step (and its fault variants, side by side) for every node
  // state, then the next step's. The explorer advances a whole group of nodes by one step at a
  // time, so it reads one step's column at a time: 2.5 MB at n = 20, which the last-level cache
  // holds, where a row per state spread its reads over the whole 53 MB table. Measured side by
  // side (n = 20, 4 alternating runs): 4.27 against 4.44 s mean on 1 thread, 2.74 against
  // 2.79 s on 2.
  template <bool one_variant = false>
  std::size_t entry_index(std::uint32_t id, std::size_t step, std::size_t variant) const {
    // one_variant: only asked for by the explorer's instantiation for a space with one variant.
    if constexpr (one_variant) return step * step_stride_ + id;
    return step * step_stride_ + std::size_t{id} * variant_count_ + variant;
  }
  // Entries in 3 huge pages: a whole number of 12-byte entries (2 MiB is not).
  static constexpr std::size_t entries_per_huge_stretch =
      3 * huge_page_bytes / sizeof(MicroTransition);
  MicroTransition compute(std::uint32_t id, std::size_t step, std::size_t variant);
  MicroTransition compute_visitor(std::uint32_t id, std::size_t step, std::size_t variant);
  /// The transition from `targets` (loaded from node state `node`, or from a visitor when
  /// `node` is no_node; `targets` is left as the world after the step) by `step` with
  /// `variant`, its results interned, not yet published.
  MicroTransition compute_from(Targets& targets, std::size_t step, std::size_t variant,
                               std::uint32_t node);
  static constexpr std::uint32_t no_node = UINT32_MAX;
  /// Whether node state `id` breaks an invariant (its targets' verdicts, kept since interning).
  bool node_broken(std::uint32_t id) const;
  std::string explain_from(const Targets& targets, std::size_t step, std::size_t variant) const;
  std::size_t visitor_index(std::uint32_t id, std::size_t step, std::size_t variant) const {
    const std::size_t column = visitor_columns_[step];
    SVCSIM_ASSERT(column != SIZE_MAX);
    return (std::size_t{id} * visitor_column_count_ + column) * variant_count_ + variant;
  }
  MicroTransition compute_pending_reboot(std::uint32_t id, std::size_t variant);
  /// The cache entry's code, fault sites and policy flags for an outcome (not its target).
  MicroTransition entry_for(const model::Outcome& outcome) const;

  /// Loads node `id`'s targets into `targets` (the first target_count() entries).
  void load_node(std::uint32_t id, Targets& targets) const;
  /// Loads visitor `id`'s targets.
  void load_visitor(std::uint32_t id, Targets& targets) const;
  /// Loads pending state `id`'s targets; returns the target whose reboot it waits for.
  model::TargetIndex load_pending(std::uint32_t id, Targets& targets) const;
  /// Interns the world `targets` as a node (or pending) state. `broken` is set if a new target
  /// state breaks an invariant.
  std::uint32_t intern_node(const Targets& targets, bool& broken);
  std::uint32_t intern_pending(const Targets& targets, model::TargetIndex reboot_target,
                               bool& broken);
  /// Interns each target's state in its table (several targets only) into `ids`; returns how
  /// many targets there are. `broken` is set if a new one breaks an invariant.
  std::size_t intern_targets(const model::TargetState* targets, std::uint32_t* ids, bool& broken);
  /// Interns one target's state; checks it when new. `broken` is set if it breaks an invariant.
  std::uint32_t intern_target(StateTable& table, model::TargetIndex target,
                              const model::TargetState& state, bool& broken);
  bool check_transition(std::span<const model::TargetState> before, const model::Step& step,
                        const model::WorldOutcome& done) const;
  /// The text of the first violation in `done` (from `before` by `step`), "" if none.
  std::string describe_violation(std::span<const model::TargetState> before,
                                 const model::Step& step, const model::WorldOutcome& done) const;
  void grow_nodes(std::size_t size);
  void grow_pending(std::size_t size);

  const model::Plan& plan_;
  const model::World& world_;
  std::vector<model::Step> steps_;
  std::vector<model::Fault> kinds_;
  model::WorldState expected_;
  std::size_t variant_count_ = 1;  // fault variants: none, then each kind
  std::size_t column_count_ = 0;   // per node: steps x variants
  std::size_t step_stride_ = 0;    // entries from one step's column to the next's
  bool several_targets_ = false;
  bool shared_ = false;  // several threads use the space (interning locks)
  // One target: node and pending target states, each its own table (ids = world ids).
  StateTable nodes_;
  StateTable pending_;
  // Several targets: each target's states, and the tuples over them.
  std::vector<std::unique_ptr<StateTable>> target_states_;
  TupleTable world_nodes_;
  TupleTable world_pending_;  // the targets' ids, then the target to reboot
  ReservedArray<MicroTransition> node_transitions_;
  ReservedArray<MicroTransition> pending_transitions_;
  ReservedArray<std::uint8_t> classes_;  // per node id: class + 1 without error (low 4 bits), with
  // Visitors (admit_visitors): per plan step its column among the visitors' (SIZE_MAX: none);
  // one target's states in a table of their own, several targets' as tuples over the targets'
  // tables (the tuple is its own, so a visitor never takes a node id).
  std::vector<std::size_t> visitor_columns_;
  std::size_t visitor_column_count_ = 0;
  std::unique_ptr<StateTable> visitors_;
  std::unique_ptr<TupleTable> world_visitors_;
  std::unique_ptr<ReservedArray<MicroTransition>> visitor_transitions_;
};

}  // namespace svcsim::simulator
