// ModelSpace: interning of target states and the cache of checked transitions.
#include "model_space.hpp"

#include "svcsim/model/assert.hpp"
#include "svcsim/simulator/policy.hpp"

namespace svcsim::simulator {

ModelSpace::ModelSpace(const model::Scenario& scenario, const model::ServicingContext& context,
                       std::vector<model::Operation> operations, std::vector<model::Fault> kinds,
                       model::TargetState expected)
    : scenario_(scenario),
      context_(context),
      operations_(std::move(operations)),
      kinds_(std::move(kinds)),
      expected_(expected),
      variant_count_(kinds_.size() + 1),
      stride_(operations_.size() * variant_count_),
      offline_(model::is_offline(context.target_kind)),
      index_(1024, 0) {
  SVCSIM_ASSERT(!operations_.empty());
  SVCSIM_ASSERT(operations_.back().kind == model::OperationKind::reboot);
  SVCSIM_ASSERT(kinds_.size() < 15);  // a variant fits in the explorer's 4-bit choice field
}

std::uint32_t ModelSpace::intern(const model::TargetState& state) {
  const std::uint64_t hash = model::hash_state(state);
  const std::size_t mask = index_.size() - 1;
  for (std::size_t slot = hash & mask;; slot = (slot + 1) & mask) {
    const std::uint32_t entry = index_[slot];
    if (entry == 0) {
      const auto id = static_cast<std::uint32_t>(images_.size());
      SVCSIM_ASSERT(id != UINT32_MAX);
      SVCSIM_ASSERT(offline_ || state.committed == model::ServicedImage{});
      images_.push_back(state);
      if (offline_) committed_images_.push_back(state.committed);
      hashes_.push_back(hash);
      transitions_.resize(transitions_.size() + stride_);
      classes_.push_back(0);
      index_[slot] = id + 1;
      if (images_.size() * 2 > index_.size()) grow_index();
      return id;
    }
    const std::uint32_t id = entry - 1;
    if (hashes_[id] == hash && images_[id] == static_cast<const model::ServicedImage&>(state) &&
        (!offline_ || committed_images_[id] == state.committed)) {
      return id;
    }
  }
}

void ModelSpace::grow_index() {
  std::vector<std::uint32_t> grown(index_.size() * 2, 0);
  const std::size_t mask = grown.size() - 1;
  for (std::uint32_t id = 0; id < images_.size(); ++id) {
    std::size_t slot = hashes_[id] & mask;
    while (grown[slot] != 0) slot = (slot + 1) & mask;
    grown[slot] = id + 1;
  }
  index_.swap(grown);
}

std::uint32_t ModelSpace::intern_checked(const model::TargetState& state, bool& broken) {
  const std::size_t known = images_.size();
  const std::uint32_t id = intern(state);
  if (id == known) {  // new: every distinct state is checked once, here
    if (const auto violation = model::check_state(context_, state)) {
      broken = true;
      if (violation_text_.empty()) violation_text_ = model::describe(context_, state, violation);
    }
  }
  return id;
}

MicroTransition ModelSpace::compute(std::uint32_t id, std::size_t operation, std::size_t variant) {
  const model::Operation& op = operations_[operation];
  const model::Fault fault = fault_of(variant);
  const model::TargetState before = state(id);  // a copy: intern() below may reallocate
  const model::Outcome outcome = model::apply(context_, before, op, fault);
  SVCSIM_ASSERT_MSG(fault == model::Fault::none || outcome.fault == fault,
                    "the explorer asks only for faults listed in fault_sites");
  MicroTransition result;
  result.fault_sites = static_cast<std::uint8_t>(outcome.fault_sites >> 1);
  result.code = static_cast<std::uint8_t>(outcome.code);
  result.flags = micro_flag::computed;
  bool broken = false;
  result.next = intern_checked(outcome.state, broken);
  if (const auto violation = model::check_transition(context_, before, op, outcome)) {
    broken = true;
    if (violation_text_.empty()) violation_text_ = model::describe(context_, outcome.state, violation);
  }
  if (broken) result.flags |= micro_flag::violation;
  if (!model::is_success(outcome.code)) result.flags |= micro_flag::error;
  if (stops_sequence(scenario_.plan, outcome)) result.flags |= micro_flag::stops;
  if (reboot_follows(scenario_.plan, context_, outcome)) {
    result.flags |= micro_flag::reboot_follows;
    const MicroTransition reboot = transition(result.next, reboot_operation(), 0);
    // A fault-free reboot commits or finds nothing to do; it never fails, never stops a plan and
    // never asks for another reboot. The 12-byte entry relies on that.
    SVCSIM_ASSERT(static_cast<model::ResultCode>(reboot.code) == model::ResultCode::s_ok);
    SVCSIM_ASSERT(!reboot.has(micro_flag::stops) && !reboot.has(micro_flag::reboot_follows));
    result.next_after_reboot = reboot.next;
    result.reboot_fault_sites = reboot.fault_sites;
    if (reboot.has(micro_flag::violation)) result.flags |= micro_flag::reboot_violation;
  }
  transitions_[id * stride_ + operation * variant_count_ + variant] = result;
  return result;
}

model::OutcomeClass ModelSpace::classify(std::uint32_t id, bool any_error) {
  const unsigned shift = any_error ? 4u : 0u;
  const unsigned cached = (classes_[id] >> shift) & 0x0Fu;
  if (cached != 0) return static_cast<model::OutcomeClass>(cached - 1);
  const model::OutcomeClass outcome_class =
      model::classify(context_, state(id), expected_, any_error);
  classes_[id] = static_cast<std::uint8_t>(
      classes_[id] | ((static_cast<unsigned>(outcome_class) + 1u) << shift));
  return outcome_class;
}

std::uint64_t ModelSpace::bytes() const {
  return (images_.capacity() + committed_images_.capacity()) * sizeof(model::ServicedImage) +
         hashes_.capacity() * sizeof(std::uint64_t) + index_.capacity() * sizeof(std::uint32_t) +
         transitions_.capacity() * sizeof(MicroTransition) + classes_.capacity();
}

}  // namespace svcsim::simulator
