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
// get a row of transitions, one per plan step and one per target's reboot. *Pending* states are
// where an add leaves the world just before the reboot the plan inserts after its 3010: they
// only ever need that reboot (of the target that asked for it), so they get one column.
// Measured on the synthetic chains, four states in five are pending ones; giving them no rows
// shrinks the table about fivefold.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "svcsim/model/apply.hpp"
#include "svcsim/model/classify.hpp"
#include "svcsim/model/invariants.hpp"
#include "svcsim/scenario/scenario.hpp"
#include "svcsim/model/world.hpp"

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

inline MicroTransition MicroTransition::reboot_part() const {
  MicroTransition reboot;
  reboot.next = next_after_reboot;
  reboot.fault_sites = reboot_fault_sites;
  reboot.code = 0;  // S_OK
  reboot.flags = static_cast<std::uint8_t>(
      micro_flag::computed | ((flags >> 1) & (micro_flag::violation | micro_flag::stops)));
  return reboot;
}

/// Interned target states (no transitions: ModelSpace keeps those by world id).
class StateTable {
 public:
  explicit StateTable(bool offline);

  /// The id of `state`, interning it if new; `is_new` tells which.
  std::uint32_t intern(const model::TargetState& state, bool& is_new);
  model::TargetState state(std::uint32_t id) const;
  std::size_t size() const { return images_.size(); }
  std::uint64_t bytes() const;

 private:
  void grow_index();

  bool offline_;
  // States are stored as their live image, plus the committed image for offline targets only
  // (an online target's is always empty): half the bytes for the common case.
  std::vector<model::ServicedImage> images_;
  std::vector<model::ServicedImage> committed_images_;
  std::vector<std::uint64_t> hashes_;
  // Open addressing: id + 1 (0 = empty) beside 32 bits of the state's hash, so a probe that
  // meets another state is told apart without loading that state.
  struct IndexSlot {
    std::uint32_t id_plus_one = 0;
    std::uint32_t hash_high = 0;
  };
  std::vector<IndexSlot> index_;
};

/// Interned tuples of `width` ids (a world state of several targets, plus the target to reboot
/// for a pending state).
class TupleTable {
 public:
  explicit TupleTable(std::size_t width);

  std::uint32_t intern(std::span<const std::uint32_t> tuple, bool& is_new);
  std::span<const std::uint32_t> tuple(std::uint32_t id) const {
    return {ids_.data() + std::size_t{id} * width_, width_};
  }
  std::size_t size() const { return ids_.size() / width_; }
  std::uint64_t bytes() const;

 private:
  void grow_index();
  std::uint64_t hash(std::span<const std::uint32_t> tuple) const;

  std::size_t width_;
  std::vector<std::uint32_t> ids_;
  std::vector<std::uint32_t> index_;  // id + 1, 0 = empty
};

// classes_ packs a class + 1 (0: not yet classed) in 4 bits, once without an error and once with.
static_assert(model::outcome_class_count + 1 <= 16, "a cached class is 4 bits of classes_");

class ModelSpace {
 public:
  /// `steps` are the plan's steps followed by one reboot per target (the inserted ones); `kinds`
  /// the fault kinds that may be placed (variant v >= 1 is kinds[v - 1]).
  ModelSpace(const model::Plan& plan, const model::World& world, std::vector<model::Step> steps,
             std::vector<model::Fault> kinds, model::WorldState expected);

  /// The node id of `state`, interning it if new (and checking it then).
  std::uint32_t intern(const model::WorldState& state);

  /// The transition from node state `id` by step `step` (a plan step, or reboot_step(target))
  /// with fault variant `variant`. The cached case is inline: it is the explorer's inner loop.
  [[gnu::always_inline]] MicroTransition transition(std::uint32_t id, std::size_t step,
                                                    std::size_t variant) {
    const MicroTransition cached = node_transitions_[entry_index(id, step, variant)];
    if (cached.has(micro_flag::computed)) return cached;
    return compute(id, step, variant);
  }

  /// The inserted reboot from pending state `id` (a `next` of a reboot_follows transition).
  MicroTransition pending_reboot(std::uint32_t id, std::size_t variant) {
    const MicroTransition cached = pending_transitions_[std::size_t{id} * variant_count_ + variant];
    if (cached.has(micro_flag::computed)) return cached;
    return compute_pending_reboot(id, variant);
  }

  /// Starts loading the fault-free entry of (node id, step) into cache.
  void prefetch(std::uint32_t id, std::size_t step) const {
    __builtin_prefetch(&node_transitions_[entry_index(id, step, 0)]);
  }

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
  std::uint64_t bytes() const;

  /// The first invariant violation met, as text ("" if none).
  const std::string& violation_text() const { return violation_text_; }

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

  std::size_t entry_index(std::uint32_t id, std::size_t step, std::size_t variant) const {
    return std::size_t{id} * column_count_ + step * variant_count_ + variant;
  }
  MicroTransition compute(std::uint32_t id, std::size_t step, std::size_t variant);
  MicroTransition compute_pending_reboot(std::uint32_t id, std::size_t variant);
  /// The cache entry's code, fault sites and policy flags for an outcome (not its target).
  MicroTransition entry_for(const model::Outcome& outcome) const;

  /// Loads node `id`'s targets into `targets` (the first target_count() entries).
  void load_node(std::uint32_t id, Targets& targets) const;
  /// Loads pending state `id`'s targets; returns the target whose reboot it waits for.
  model::TargetIndex load_pending(std::uint32_t id, Targets& targets) const;
  /// Interns the world `targets` after `changed` took `state` as a node (or pending) state.
  /// `from` is the tuple it came from (multi-target only); `broken` is set if a new target
  /// state breaks an invariant.
  std::uint32_t intern_node(const Targets& targets, bool& broken);
  std::uint32_t intern_pending(const Targets& targets, model::TargetIndex reboot_target,
                               bool& broken);
  /// Interns one target's state; checks it when new.
  std::uint32_t intern_target(StateTable& table, model::TargetIndex target,
                              const model::TargetState& state, bool& broken);
  bool check_transition(std::span<const model::TargetState> before, const model::Step& step,
                        const model::WorldOutcome& done);
  void note_violation(model::TargetIndex target, const model::TargetState& state,
                      const model::InvariantViolation& broken);
  void grow_nodes(std::size_t size);

  const model::Plan& plan_;
  const model::World& world_;
  std::vector<model::Step> steps_;
  std::vector<model::Fault> kinds_;
  model::WorldState expected_;
  std::size_t variant_count_ = 1;  // fault variants: none, then each kind
  std::size_t column_count_ = 0;   // per node: steps x variants
  bool several_targets_ = false;
  // One target: node and pending target states, each its own table (ids = world ids).
  StateTable nodes_;
  StateTable pending_;
  // Several targets: each target's states, and the tuples over them.
  std::vector<StateTable> target_states_;
  TupleTable world_nodes_;
  TupleTable world_pending_;  // the targets' ids, then the target to reboot
  std::vector<MicroTransition> node_transitions_;
  std::vector<MicroTransition> pending_transitions_;
  std::vector<std::uint8_t> classes_;  // per node id: class + 1 without error (low 4 bits), with
  std::string violation_text_;
};

}  // namespace svcsim::simulator
