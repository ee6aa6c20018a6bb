// ModelSpace: the explorer's memo of the servicing model. Each distinct TargetState gets a dense
// id (interned once, checked with model::check_state once); each distinct (state, operation,
// fault) transition is computed by model::apply once, checked with model::check_transition once,
// and cached in a dense table. The explorer's graph nodes carry a 32-bit id instead of a 96-byte
// state, and its inner loop is an array lookup instead of a call into the model.
//
// States live in two tables. *Node* states are where a plan step leaves the target: they get a
// row of transitions, one per plan step and one for a reboot. *Pending* states are where an add
// leaves the target just before the reboot the plan inserts after its 3010: they only ever need
// that reboot, so they get one column. Measured on the synthetic chains, four states in five are
// pending ones; giving them no rows shrinks the table about fivefold.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "svcsim/model/apply.hpp"
#include "svcsim/model/classify.hpp"
#include "svcsim/model/invariants.hpp"
#include "svcsim/model/scenario.hpp"

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
  /// reports S_OK (ModelSpace asserts it), so only its violation flag needs keeping.
  MicroTransition reboot_part() const;
};
static_assert(sizeof(MicroTransition) == 12);

namespace micro_flag {
inline constexpr std::uint8_t computed = 1u << 0;
inline constexpr std::uint8_t reboot_follows = 1u << 1;  // after_3010: a reboot is inserted
inline constexpr std::uint8_t stops = 1u << 2;           // on_error: stop ends the sequence
inline constexpr std::uint8_t error = 1u << 3;           // the code is not a success
inline constexpr std::uint8_t violation = 1u << 4;       // an invariant broke
inline constexpr std::uint8_t reboot_violation = 1u << 5;  // ... in the plain reboot that follows
}  // namespace micro_flag

inline MicroTransition MicroTransition::reboot_part() const {
  MicroTransition reboot;
  reboot.next = next_after_reboot;
  reboot.fault_sites = reboot_fault_sites;
  reboot.code = 0;  // S_OK
  reboot.flags = static_cast<std::uint8_t>(
      micro_flag::computed | (has(micro_flag::reboot_violation) ? micro_flag::violation : 0));
  return reboot;
}

/// Interned states with a fixed number of cached transition columns each.
class StateTable {
 public:
  StateTable(bool offline, std::size_t column_count);

  /// The id of `state`, interning it if new; `is_new` tells which.
  std::uint32_t intern(const model::TargetState& state, bool& is_new);
  model::TargetState state(std::uint32_t id) const;
  std::size_t size() const { return images_.size(); }

  MicroTransition& entry(std::uint32_t id, std::size_t column) {
    return transitions_[id * column_count_ + column];
  }
  const MicroTransition* entry_address(std::uint32_t id, std::size_t column) const {
    return &transitions_[id * column_count_ + column];
  }
  std::uint64_t bytes() const;

 private:
  void grow_index();

  bool offline_;
  std::size_t column_count_;
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
  std::vector<MicroTransition> transitions_;
};

class ModelSpace {
 public:
  /// `operations` are the plan's steps followed by one `reboot` (the inserted one); `kinds` the
  /// fault kinds that may be placed (variant v >= 1 is kinds[v - 1]).
  ModelSpace(const model::Scenario& scenario, const model::ServicingContext& context,
             std::vector<model::Operation> operations, std::vector<model::Fault> kinds,
             model::TargetState expected);

  /// The node id of `state`, interning it if new (and checking it with check_state then).
  std::uint32_t intern(const model::TargetState& state);

  /// The transition from node state `id` by operation `operation` (a plan step, or
  /// reboot_operation()) with fault variant `variant`. The cached case is inline: it is the
  /// explorer's inner loop.
  [[gnu::always_inline]] MicroTransition transition(std::uint32_t id, std::size_t operation,
                                                    std::size_t variant) {
    const MicroTransition cached = nodes_.entry(id, operation * variant_count_ + variant);
    if (cached.has(micro_flag::computed)) return cached;
    return compute(id, operation, variant);
  }

  /// The inserted reboot from pending state `id` (a `next` of a reboot_follows transition).
  MicroTransition pending_reboot(std::uint32_t id, std::size_t variant) {
    const MicroTransition cached = pending_.entry(id, variant);
    if (cached.has(micro_flag::computed)) return cached;
    return compute_pending_reboot(id, variant);
  }

  /// Starts loading the fault-free entry of (node id, operation) into cache.
  void prefetch(std::uint32_t id, std::size_t operation) const {
    __builtin_prefetch(nodes_.entry_address(id, operation * variant_count_));
  }

  /// The node state with id `id`.
  model::TargetState state(std::uint32_t id) const { return nodes_.state(id); }
  /// The class of a run ending in node state `id` (cached).
  model::OutcomeClass classify(std::uint32_t id, bool any_error);

  std::size_t reboot_operation() const { return operations_.size() - 1; }
  std::size_t variant_count() const { return variant_count_; }
  model::Fault fault_of(std::size_t variant) const {
    return variant == 0 ? model::Fault::none : kinds_[variant - 1];
  }
  /// Distinct model states, node and pending.
  std::size_t size() const { return nodes_.size() + pending_.size(); }
  std::uint64_t bytes() const;

  /// The first invariant violation met, as text ("" if none).
  const std::string& violation_text() const { return violation_text_; }

 private:
  MicroTransition compute(std::uint32_t id, std::size_t operation, std::size_t variant);
  MicroTransition compute_pending_reboot(std::uint32_t id, std::size_t variant);
  /// The cache entry's code, fault sites and policy flags for an outcome (not its target).
  MicroTransition entry_for(const model::Outcome& outcome) const;
  /// Checks a computed outcome: the transition always, the new state if it is new.
  bool check(const model::TargetState& before, const model::Operation& operation,
             const model::Outcome& outcome, bool state_is_new);
  void note_violation(const model::TargetState& state, const model::InvariantViolation& broken);

  const model::Scenario& scenario_;
  const model::ServicingContext& context_;
  std::vector<model::Operation> operations_;
  std::vector<model::Fault> kinds_;
  model::TargetState expected_;
  std::size_t variant_count_ = 1;  // fault variants: none, then each kind
  StateTable nodes_;
  StateTable pending_;
  std::vector<std::uint8_t> classes_;  // per node id: class + 1 without error (low 4 bits), with
  std::string violation_text_;
};

}  // namespace svcsim::simulator
