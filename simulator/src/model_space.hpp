// ModelSpace: the explorer's memo of the servicing model. Each distinct TargetState gets a dense
// id (interned once); each distinct (state, operation, fault) transition is computed by
// model::apply once, checked with model::check_step once, and cached in a dense table. The
// explorer's graph nodes then carry a 32-bit state id instead of a 96-byte state, and its inner
// loop is an array lookup instead of a call into the model.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "svcsim/model/apply.hpp"
#include "svcsim/model/classify.hpp"
#include "svcsim/model/invariants.hpp"
#include "svcsim/model/scenario.hpp"

namespace svcsim::simulator {

/// One cached transition: where the operation leads and how the plan's policies read it. When a
/// reboot follows (after_3010), the entry also carries the fault-free reboot's result, so the
/// explorer's common path costs one cache line instead of two dependent ones. 12 bytes: the
/// table is the explorer's largest structure after the graph itself.
struct MicroTransition {
  std::uint32_t next = 0;
  std::uint32_t next_after_reboot = 0;   // reboot_follows: the state after the plain reboot
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
inline constexpr std::uint8_t violation = 1u << 4;       // check_step found a broken invariant
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

class ModelSpace {
 public:
  /// `operations` are the plan's steps followed by one `reboot` (the inserted one); `kinds` the
  /// fault kinds that may be placed (variant v >= 1 is kinds[v - 1]).
  ModelSpace(const model::Scenario& scenario, const model::ServicingContext& context,
             std::vector<model::Operation> operations, std::vector<model::Fault> kinds,
             model::TargetState expected);

  /// The id of `state`, interning it if new.
  std::uint32_t intern(const model::TargetState& state);

  /// The transition from state `id` by operation `operation` with fault variant `variant`.
  /// The cached case is inline: it is the explorer's inner loop.
  MicroTransition transition(std::uint32_t id, std::size_t operation, std::size_t variant) {
    const MicroTransition cached = transitions_[id * stride_ + operation * variant_count_ + variant];
    if (cached.has(micro_flag::computed)) return cached;
    return compute(id, operation, variant);
  }

  /// Starts loading the fault-free entry of (id, operation) into cache.
  void prefetch(std::uint32_t id, std::size_t operation) const {
    __builtin_prefetch(&transitions_[id * stride_ + operation * variant_count_]);
  }

  /// The state with id `id` (rebuilt from its stored halves).
  model::TargetState state(std::uint32_t id) const {
    model::TargetState state;
    static_cast<model::ServicedImage&>(state) = images_[id];
    if (!committed_images_.empty()) state.committed = committed_images_[id];
    return state;
  }
  /// The class of a run ending in state `id` (cached).
  model::OutcomeClass classify(std::uint32_t id, bool any_error);

  std::size_t reboot_operation() const { return operations_.size() - 1; }
  std::size_t variant_count() const { return variant_count_; }
  model::Fault fault_of(std::size_t variant) const {
    return variant == 0 ? model::Fault::none : kinds_[variant - 1];
  }
  std::size_t size() const { return images_.size(); }
  std::uint64_t bytes() const;

  /// The first invariant violation met, as text ("" if none).
  const std::string& violation_text() const { return violation_text_; }

 private:
  void grow_index();
  MicroTransition compute(std::uint32_t id, std::size_t operation, std::size_t variant);
  /// Interns `state`; a state seen for the first time is checked with model::check_state.
  std::uint32_t intern_checked(const model::TargetState& state, bool& broken);

  const model::Scenario& scenario_;
  const model::ServicingContext& context_;
  std::vector<model::Operation> operations_;
  std::vector<model::Fault> kinds_;
  model::TargetState expected_;
  std::size_t variant_count_ = 1;  // fault variants: none, then each kind
  std::size_t stride_ = 0;         // transitions per state: operations x variants

  // States are stored as their live image, plus the committed image for offline targets only
  // (an online target's is always empty): half the bytes for the common case.
  bool offline_ = false;
  std::vector<model::ServicedImage> images_;
  std::vector<model::ServicedImage> committed_images_;
  std::vector<std::uint64_t> hashes_;
  std::vector<std::uint32_t> index_;  // open addressing: id + 1, 0 = empty
  std::vector<MicroTransition> transitions_;
  std::vector<std::uint8_t> classes_;  // per id: class + 1 without error (low 4 bits), with (high)
  std::string violation_text_;
};

}  // namespace svcsim::simulator
