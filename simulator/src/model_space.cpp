// ModelSpace: interning of target states and the cache of checked transitions.
#include "model_space.hpp"

#include <algorithm>

#include "svcsim/model/assert.hpp"
#include "svcsim/simulator/policy.hpp"

namespace svcsim::simulator {

// --- StateTable -------------------------------------------------------------------------------

StateTable::StateTable(bool offline) : offline_(offline), index_(1024) {}

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
         hashes_.capacity() * sizeof(std::uint64_t) + index_.capacity() * sizeof(IndexSlot);
}

// --- TupleTable -------------------------------------------------------------------------------

TupleTable::TupleTable(std::size_t width) : width_(width), index_(1024) {
  SVCSIM_ASSERT(width >= 1);
}

std::uint64_t TupleTable::hash(std::span<const std::uint32_t> tuple) const {
  std::uint64_t hash = 0x9E3779B97F4A7C15ull;
  for (const std::uint32_t id : tuple) hash = model::mix_bits(hash ^ id);
  return hash;
}

std::uint32_t TupleTable::intern(std::span<const std::uint32_t> tuple, bool& is_new) {
  SVCSIM_ASSERT(tuple.size() == width_);
  const std::size_t mask = index_.size() - 1;
  for (std::size_t slot = hash(tuple) & mask;; slot = (slot + 1) & mask) {
    const std::uint32_t entry = index_[slot];
    if (entry == 0) {
      const auto id = static_cast<std::uint32_t>(size());
      SVCSIM_ASSERT(id != UINT32_MAX);
      ids_.insert(ids_.end(), tuple.begin(), tuple.end());
      index_[slot] = id + 1;
      if (size() * 2 > index_.size()) grow_index();
      is_new = true;
      return id;
    }
    const std::span<const std::uint32_t> stored = this->tuple(entry - 1);
    if (std::equal(stored.begin(), stored.end(), tuple.begin())) {
      is_new = false;
      return entry - 1;
    }
  }
}

void TupleTable::grow_index() {
  std::vector<std::uint32_t> grown(index_.size() * 2, 0);
  const std::size_t mask = grown.size() - 1;
  for (std::uint32_t id = 0; id < size(); ++id) {
    std::size_t slot = hash(tuple(id)) & mask;
    while (grown[slot] != 0) slot = (slot + 1) & mask;
    grown[slot] = id + 1;
  }
  index_.swap(grown);
}

std::uint64_t TupleTable::bytes() const {
  return ids_.capacity() * sizeof(std::uint32_t) + index_.capacity() * sizeof(std::uint32_t);
}

// --- ModelSpace -------------------------------------------------------------------------------

ModelSpace::ModelSpace(const model::Plan& plan, const model::World& world,
                       std::vector<model::Step> steps, std::vector<model::Fault> kinds,
                       model::WorldState expected)
    : plan_(plan),
      world_(world),
      steps_(std::move(steps)),
      kinds_(std::move(kinds)),
      expected_(std::move(expected)),
      variant_count_(kinds_.size() + 1),
      column_count_(steps_.size() * variant_count_),
      several_targets_(world.target_count() > 1),
      nodes_(model::is_offline(world.context(0).target_kind)),
      pending_(model::is_offline(world.context(0).target_kind)),
      world_nodes_(world.target_count()),
      world_pending_(world.target_count() + 1) {
  SVCSIM_ASSERT(steps_.size() > world_.target_count());
  for (std::size_t target = 0; target < world_.target_count(); ++target) {
    SVCSIM_ASSERT(steps_[reboot_step(static_cast<model::TargetIndex>(target))].operation.kind ==
                  model::OperationKind::reboot);
    if (several_targets_) {
      target_states_.emplace_back(
          model::is_offline(world.context(static_cast<model::TargetIndex>(target)).target_kind));
    }
  }
  // A variant fits in the explorer's 4-bit choice field.
  SVCSIM_ASSERT(kinds_.size() < 15);
  SVCSIM_ASSERT(expected_.targets.size() == world_.target_count());
}

void ModelSpace::grow_nodes(std::size_t size) {
  node_transitions_.resize(size * column_count_);
  classes_.resize(size, 0);
}

std::uint32_t ModelSpace::intern_target(StateTable& table, model::TargetIndex target,
                                        const model::TargetState& state, bool& broken) {
  bool is_new = false;
  const std::uint32_t id = table.intern(state, is_new);
  // Every distinct target state is checked once, when first met.
  if (is_new) {
    if (const auto violation = model::check_target_state(world_, target, state)) {
      note_violation(target, state, violation);
      broken = true;
    }
  }
  return id;
}

std::uint32_t ModelSpace::intern_node(const Targets& targets, bool& broken) {
  if (!several_targets_) {
    const std::uint32_t id = intern_target(nodes_, 0, targets[0], broken);
    if (id >= classes_.size()) grow_nodes(nodes_.size());
    return id;
  }
  std::array<std::uint32_t, model::target_count_max> ids{};
  const std::size_t count = world_.target_count();
  for (std::size_t target = 0; target < count; ++target) {
    ids[target] = intern_target(target_states_[target], static_cast<model::TargetIndex>(target),
                                targets[target], broken);
  }
  bool is_new = false;
  const std::uint32_t id = world_nodes_.intern({ids.data(), count}, is_new);
  if (is_new) grow_nodes(world_nodes_.size());
  return id;
}

std::uint32_t ModelSpace::intern_pending(const Targets& targets, model::TargetIndex reboot_target,
                                         bool& broken) {
  std::uint32_t id = 0;
  if (!several_targets_) {
    id = intern_target(pending_, 0, targets[0], broken);
    pending_transitions_.resize(pending_.size() * variant_count_);
    return id;
  }
  std::array<std::uint32_t, model::target_count_max + 1> ids{};
  const std::size_t count = world_.target_count();
  for (std::size_t target = 0; target < count; ++target) {
    ids[target] = intern_target(target_states_[target], static_cast<model::TargetIndex>(target),
                                targets[target], broken);
  }
  ids[count] = reboot_target;
  bool is_new = false;
  id = world_pending_.intern({ids.data(), count + 1}, is_new);
  if (is_new) pending_transitions_.resize(world_pending_.size() * variant_count_);
  return id;
}

void ModelSpace::load_node(std::uint32_t id, Targets& targets) const {
  if (!several_targets_) {
    targets[0] = nodes_.state(id);
    return;
  }
  const std::span<const std::uint32_t> ids = world_nodes_.tuple(id);
  for (std::size_t target = 0; target < ids.size(); ++target) {
    targets[target] = target_states_[target].state(ids[target]);
  }
}

model::TargetIndex ModelSpace::load_pending(std::uint32_t id, Targets& targets) const {
  if (!several_targets_) {
    targets[0] = pending_.state(id);
    return 0;
  }
  const std::span<const std::uint32_t> ids = world_pending_.tuple(id);
  const std::size_t count = world_.target_count();
  for (std::size_t target = 0; target < count; ++target) {
    targets[target] = target_states_[target].state(ids[target]);
  }
  return static_cast<model::TargetIndex>(ids[count]);
}

std::uint32_t ModelSpace::intern(const model::WorldState& state) {
  SVCSIM_ASSERT(state.targets.size() == world_.target_count());
  Targets targets;
  std::copy(state.targets.begin(), state.targets.end(), targets.data());
  bool broken = false;
  return intern_node(targets, broken);
}

model::WorldState ModelSpace::state(std::uint32_t id) const {
  Targets targets;
  load_node(id, targets);
  model::WorldState state;
  state.targets.assign(targets.data(), targets.data() + world_.target_count());
  return state;
}

void ModelSpace::note_violation(model::TargetIndex target, const model::TargetState& state,
                                const model::InvariantViolation& broken) {
  if (violation_text_.empty()) {
    violation_text_ = model::describe(world_.context(target), state, broken);
    if (several_targets_) violation_text_ += " (target " + world_.target(target).name + ")";
  }
}

bool ModelSpace::check_transition(std::span<const model::TargetState> before,
                                  const model::Step& step, const model::WorldOutcome& done) {
  // Every distinct transition is checked once, here (its new states were checked when interned).
  const model::ServicingContext& context = world_.context(step.target);
  if (const auto violation =
          model::check_transition(context, before[step.target], step.operation, done.outcome)) {
    note_violation(step.target, done.outcome.state, violation);
    return true;
  }
  return false;
}

MicroTransition ModelSpace::entry_for(const model::Outcome& outcome) const {
  MicroTransition result;
  result.fault_sites = static_cast<std::uint8_t>(outcome.fault_sites >> 1);
  SVCSIM_ASSERT(static_cast<model::FaultSet>(result.fault_sites << 1) == outcome.fault_sites);
  result.code = static_cast<std::uint8_t>(outcome.code);
  result.flags = micro_flag::computed;
  if (model::is_plan_error(plan_, outcome.code)) result.flags |= micro_flag::error;
  if (stops_sequence(plan_, outcome)) result.flags |= micro_flag::stops;
  return result;
}

MicroTransition ModelSpace::compute(std::uint32_t id, std::size_t step_index, std::size_t variant) {
  const model::Step& step = steps_[step_index];
  const model::Fault fault = fault_of(variant);
  const std::size_t count = world_.target_count();
  Targets targets;
  load_node(id, targets);
  const std::span<const model::TargetState> before(targets.data(), count);
  const model::WorldOutcome done = model::step(world_, before, step, fault);
  SVCSIM_ASSERT_MSG(fault == model::Fault::none || done.outcome.fault == fault,
                    "the explorer asks only for faults listed in fault_sites");
  MicroTransition result = entry_for(done.outcome);
  bool broken = check_transition(before, step, done);
  targets[step.target] = done.outcome.state;

  if (reboot_follows(plan_, world_.context(step.target), done.outcome)) {
    // The target waits for the reboot the plan inserts: a pending state.
    result.flags |= micro_flag::reboot_follows;
    result.next = intern_pending(targets, step.target, broken);
    if (broken) result.flags |= micro_flag::violation;
    const MicroTransition reboot = pending_reboot(result.next, 0);
    // A fault-free reboot commits, rolls back (a defect) or finds nothing to do: it never fails
    // and never asks for another reboot; it stops the plan only when it was due past
    // reboot_count_max (v2), and then reports S_OK too. The 12-byte entry relies on that.
    SVCSIM_ASSERT(static_cast<model::ResultCode>(reboot.code) == model::ResultCode::s_ok);
    SVCSIM_ASSERT(!reboot.has(micro_flag::error) && !reboot.has(micro_flag::reboot_follows));
    result.next_after_reboot = reboot.next;
    result.reboot_fault_sites = reboot.fault_sites;
    if (reboot.has(micro_flag::violation)) result.flags |= micro_flag::reboot_violation;
    if (reboot.has(micro_flag::stops)) result.flags |= micro_flag::reboot_stops;
  } else {
    result.next = intern_node(targets, broken);
    if (broken) result.flags |= micro_flag::violation;
  }
  node_transitions_[entry_index(id, step_index, variant)] = result;
  return result;
}

MicroTransition ModelSpace::compute_pending_reboot(std::uint32_t id, std::size_t variant) {
  const model::Fault fault = fault_of(variant);
  const std::size_t count = world_.target_count();
  Targets targets;
  const model::TargetIndex target = load_pending(id, targets);
  const model::Step& reboot = steps_[reboot_step(target)];
  const std::span<const model::TargetState> before(targets.data(), count);
  const model::WorldOutcome done = model::step(world_, before, reboot, fault);
  SVCSIM_ASSERT_MSG(fault == model::Fault::none || done.outcome.fault == fault,
                    "the explorer asks only for faults listed in fault_sites");
  SVCSIM_ASSERT(!reboot_follows(plan_, world_.context(target), done.outcome));  // never 3010
  MicroTransition result = entry_for(done.outcome);
  bool broken = check_transition(before, reboot, done);
  targets[target] = done.outcome.state;
  result.next = intern_node(targets, broken);
  if (broken) result.flags |= micro_flag::violation;
  pending_transitions_[std::size_t{id} * variant_count_ + variant] = result;
  return result;
}

model::OutcomeClass ModelSpace::classify(std::uint32_t id, bool any_error) {
  const unsigned shift = any_error ? 4u : 0u;
  const unsigned cached = (static_cast<unsigned>(classes_[id]) >> shift) & 0x0Fu;
  if (cached != 0) return static_cast<model::OutcomeClass>(cached - 1);
  Targets targets;
  load_node(id, targets);
  const std::size_t count = world_.target_count();
  const model::OutcomeClass outcome_class =
      model::classify_world(world_, std::span<const model::TargetState>(targets.data(), count),
                            expected_.targets, any_error);
  classes_[id] = static_cast<std::uint8_t>(
      static_cast<unsigned>(classes_[id]) | ((static_cast<unsigned>(outcome_class) + 1u) << shift));
  return outcome_class;
}

std::size_t ModelSpace::size() const {
  if (!several_targets_) return nodes_.size() + pending_.size();
  std::size_t total = 0;
  for (const StateTable& table : target_states_) total += table.size();
  return total;
}

std::uint64_t ModelSpace::bytes() const {
  std::uint64_t total = nodes_.bytes() + pending_.bytes() + world_nodes_.bytes() +
                        world_pending_.bytes() + classes_.capacity() +
                        (node_transitions_.capacity() + pending_transitions_.capacity()) *
                            sizeof(MicroTransition);
  for (const StateTable& table : target_states_) total += table.bytes();
  return total;
}

}  // namespace svcsim::simulator
