// ModelSpace: interning of target states and the cache of checked transitions.
#include "model_space.hpp"

#include "svcsim/model/assert.hpp"
#include "svcsim/simulator/policy.hpp"

namespace svcsim::simulator {

// --- StateTable -------------------------------------------------------------------------------

StateTable::StateTable(bool offline, std::size_t column_count)
    : offline_(offline), column_count_(column_count), index_(1024) {}

std::uint32_t StateTable::intern(const model::TargetState& state, bool& is_new) {
  const std::uint64_t hash = model::hash_state(state);
  const std::size_t mask = index_.size() - 1;
  const auto hash_high = static_cast<std::uint32_t>(hash >> 32);
  for (std::size_t slot = hash & mask;; slot = (slot + 1) & mask) {
    const IndexSlot entry = index_[slot];
    if (entry.id_plus_one == 0) {
      const auto id = static_cast<std::uint32_t>(images_.size());
      SVCSIM_ASSERT(id != UINT32_MAX);
      SVCSIM_ASSERT(offline_ || state.committed == model::ServicedImage{});
      images_.push_back(state);
      if (offline_) committed_images_.push_back(state.committed);
      hashes_.push_back(hash);
      transitions_.resize(transitions_.size() + column_count_);
      index_[slot] = IndexSlot{id + 1, hash_high};
      if (images_.size() * 2 > index_.size()) grow_index();
      is_new = true;
      return id;
    }
    if (entry.hash_high != hash_high) continue;
    const std::uint32_t id = entry.id_plus_one - 1;
    if (hashes_[id] == hash && images_[id] == static_cast<const model::ServicedImage&>(state) &&
        (!offline_ || committed_images_[id] == state.committed)) {
      is_new = false;
      return id;
    }
  }
}

model::TargetState StateTable::state(std::uint32_t id) const {
  model::TargetState state;
  static_cast<model::ServicedImage&>(state) = images_[id];
  if (offline_) state.committed = committed_images_[id];
  return state;
}

void StateTable::grow_index() {
  std::vector<IndexSlot> grown(index_.size() * 2);
  const std::size_t mask = grown.size() - 1;
  for (std::uint32_t id = 0; id < images_.size(); ++id) {
    std::size_t slot = hashes_[id] & mask;
    while (grown[slot].id_plus_one != 0) slot = (slot + 1) & mask;
    grown[slot] = IndexSlot{id + 1, static_cast<std::uint32_t>(hashes_[id] >> 32)};
  }
  index_.swap(grown);
}

std::uint64_t StateTable::bytes() const {
  return (images_.capacity() + committed_images_.capacity()) * sizeof(model::ServicedImage) +
         hashes_.capacity() * sizeof(std::uint64_t) + index_.capacity() * sizeof(IndexSlot) +
         transitions_.capacity() * sizeof(MicroTransition);
}

// --- ModelSpace -------------------------------------------------------------------------------

ModelSpace::ModelSpace(const model::Scenario& scenario, const model::ServicingContext& context,
                       std::vector<model::Operation> operations, std::vector<model::Fault> kinds,
                       model::TargetState expected)
    : scenario_(scenario),
      context_(context),
      operations_(std::move(operations)),
      kinds_(std::move(kinds)),
      expected_(expected),
      variant_count_(kinds_.size() + 1),
      nodes_(model::is_offline(context.target_kind), operations_.size() * variant_count_),
      pending_(model::is_offline(context.target_kind), variant_count_) {
  SVCSIM_ASSERT(!operations_.empty());
  SVCSIM_ASSERT(operations_.back().kind == model::OperationKind::reboot);
  SVCSIM_ASSERT(kinds_.size() < 15);  // a variant fits in the explorer's 4-bit choice field
}

std::uint32_t ModelSpace::intern(const model::TargetState& state) {
  bool is_new = false;
  const std::uint32_t id = nodes_.intern(state, is_new);
  if (is_new) {
    if (const auto broken = model::check_state(context_, state)) note_violation(state, broken);
    classes_.resize(nodes_.size(), 0);
  }
  return id;
}

void ModelSpace::note_violation(const model::TargetState& state,
                                const model::InvariantViolation& broken) {
  if (violation_text_.empty()) violation_text_ = model::describe(context_, state, broken);
}

bool ModelSpace::check(const model::TargetState& before, const model::Operation& operation,
                       const model::Outcome& outcome, bool state_is_new) {
  bool broken = false;
  // Every distinct state is checked once, when first met; every distinct transition once, here.
  if (state_is_new) {
    if (const auto violation = model::check_state(context_, outcome.state)) {
      note_violation(outcome.state, violation);
      broken = true;
    }
  }
  if (const auto violation = model::check_transition(context_, before, operation, outcome)) {
    note_violation(outcome.state, violation);
    broken = true;
  }
  return broken;
}

MicroTransition ModelSpace::entry_for(const model::Outcome& outcome) const {
  MicroTransition result;
  result.fault_sites = static_cast<std::uint8_t>(outcome.fault_sites >> 1);
  result.code = static_cast<std::uint8_t>(outcome.code);
  result.flags = micro_flag::computed;
  if (!model::is_success(outcome.code)) result.flags |= micro_flag::error;
  if (stops_sequence(scenario_.plan, outcome)) result.flags |= micro_flag::stops;
  return result;
}

MicroTransition ModelSpace::compute(std::uint32_t id, std::size_t operation, std::size_t variant) {
  const model::Operation& op = operations_[operation];
  const model::Fault fault = fault_of(variant);
  const model::TargetState before = nodes_.state(id);
  const model::Outcome outcome = model::apply(context_, before, op, fault);
  SVCSIM_ASSERT_MSG(fault == model::Fault::none || outcome.fault == fault,
                    "the explorer asks only for faults listed in fault_sites");
  MicroTransition result = entry_for(outcome);

  bool is_new = false;
  if (reboot_follows(scenario_.plan, context_, outcome)) {
    // The target waits for the reboot the plan inserts: a pending state.
    result.flags |= micro_flag::reboot_follows;
    result.next = pending_.intern(outcome.state, is_new);
    if (check(before, op, outcome, is_new)) result.flags |= micro_flag::violation;
    const MicroTransition reboot = pending_reboot(result.next, 0);
    // A fault-free reboot commits or finds nothing to do; it never fails, never stops a plan and
    // never asks for another reboot. The 12-byte entry relies on that.
    SVCSIM_ASSERT(static_cast<model::ResultCode>(reboot.code) == model::ResultCode::s_ok);
    SVCSIM_ASSERT(!reboot.has(micro_flag::stops) && !reboot.has(micro_flag::reboot_follows));
    result.next_after_reboot = reboot.next;
    result.reboot_fault_sites = reboot.fault_sites;
    if (reboot.has(micro_flag::violation)) result.flags |= micro_flag::reboot_violation;
  } else {
    result.next = nodes_.intern(outcome.state, is_new);
    if (is_new) classes_.resize(nodes_.size(), 0);
    if (check(before, op, outcome, is_new)) result.flags |= micro_flag::violation;
  }
  nodes_.entry(id, operation * variant_count_ + variant) = result;
  return result;
}

MicroTransition ModelSpace::compute_pending_reboot(std::uint32_t id, std::size_t variant) {
  const model::Operation& reboot = operations_[reboot_operation()];
  const model::Fault fault = fault_of(variant);
  const model::TargetState before = pending_.state(id);
  const model::Outcome outcome = model::apply(context_, before, reboot, fault);
  SVCSIM_ASSERT_MSG(fault == model::Fault::none || outcome.fault == fault,
                    "the explorer asks only for faults listed in fault_sites");
  SVCSIM_ASSERT(!reboot_follows(scenario_.plan, context_, outcome));  // a reboot never says 3010
  MicroTransition result = entry_for(outcome);
  bool is_new = false;
  result.next = nodes_.intern(outcome.state, is_new);
  if (is_new) classes_.resize(nodes_.size(), 0);
  if (check(before, reboot, outcome, is_new)) result.flags |= micro_flag::violation;
  pending_.entry(id, variant) = result;
  return result;
}

model::OutcomeClass ModelSpace::classify(std::uint32_t id, bool any_error) {
  const unsigned shift = any_error ? 4u : 0u;
  const unsigned cached = (static_cast<unsigned>(classes_[id]) >> shift) & 0x0Fu;
  if (cached != 0) return static_cast<model::OutcomeClass>(cached - 1);
  const model::OutcomeClass outcome_class =
      model::classify(context_, nodes_.state(id), expected_, any_error);
  classes_[id] = static_cast<std::uint8_t>(
      static_cast<unsigned>(classes_[id]) | ((static_cast<unsigned>(outcome_class) + 1u) << shift));
  return outcome_class;
}

std::uint64_t ModelSpace::bytes() const {
  return nodes_.bytes() + pending_.bytes() + classes_.capacity();
}

}  // namespace svcsim::simulator
