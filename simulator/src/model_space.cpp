// ModelSpace: interning of target states and the cache of checked transitions.
#include "model_space.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstring>

#include "packed_image.hpp"
#include "svcsim/model/assert.hpp"
#include "svcsim/simulator/policy.hpp"

namespace svcsim::simulator {

namespace {

/// Elements to reserve for a table of `per_id` elements per 32-bit id: every id, capped at
/// twice the machine's memory (a table past that could not be resident anyway; the search's
/// memory limits stop long before).
std::size_t reservation(std::size_t per_id, std::size_t element_bytes) {
  static const std::uint64_t memory = [] {
    const long pages = ::sysconf(_SC_PHYS_PAGES);
    const long page = ::sysconf(_SC_PAGESIZE);
    return pages > 0 && page > 0 ? std::uint64_t(pages) * std::uint64_t(page)
                                 : std::uint64_t{16} << 30;
  }();
  const std::uint64_t every_id = (std::uint64_t{1} << 32) * per_id;
  return static_cast<std::size_t>(std::min(every_id, 2 * memory / element_bytes));
}

/// Takes a lock only when the table is shared between threads.
class MaybeLocked {
 public:
  MaybeLocked(ShardLock& lock, bool shared) : lock_(shared ? &lock : nullptr) {
    if (lock_ != nullptr) lock_->lock();
  }
  ~MaybeLocked() {
    if (lock_ != nullptr) lock_->unlock();
  }
  MaybeLocked(const MaybeLocked&) = delete;
  MaybeLocked& operator=(const MaybeLocked&) = delete;

 private:
  ShardLock* lock_;
};

}  // namespace

// --- StateTable -------------------------------------------------------------------------------

StateTable::StateTable(bool offline, bool compact, bool shared)
    : offline_(offline),
      shared_(shared),
      words_(compact ? PackedImage::compact_words : PackedImage::full_words),
      state_words_(offline ? 2 * words_ : words_),
      images_(reservation(state_words_, sizeof(std::uint32_t))),
      broken_(reservation(1, 1)) {
  for (Shard& shard : shards_) {
    shard.tables.push_back(std::make_unique<Index>(64, 0));
    shard.published.store(shard.tables.back().get(), std::memory_order_release);
  }
  index_bytes_ = shards_.size() * 64 * sizeof(std::uint64_t);
}

void StateTable::pack(const model::TargetState& state, std::uint32_t* out) const {
  PackedImage::pack(state, words_, out);
  if (offline_) PackedImage::pack(state.committed, words_, out + words_);
}

std::uint32_t StateTable::find(const Index& table, const std::uint32_t* packed,
                               std::uint64_t hash, std::size_t& slot) const {
  const std::size_t mask = table.size() - 1;
  const std::uint64_t hash_high = hash & 0xFFFFFFFF00000000ull;
  for (slot = home_slot(hash) & mask;; slot = (slot + 1) & mask) {
    // Acquire: a slot is published after its state is written.
    const std::uint64_t entry = __atomic_load_n(&table[slot], __ATOMIC_ACQUIRE);
    if (entry == 0) return 0;
    if ((entry & 0xFFFFFFFF00000000ull) != hash_high) continue;
    const auto id = static_cast<std::uint32_t>(entry) - 1;
    // The slot's 32 bits of hash told most others apart; the words decide (a compact state's
    // are half a cache line, a line the slot's hash bits would otherwise have needed first).
    if (std::memcmp(&images_[std::size_t{id} * state_words_], packed,
                    state_words_ * sizeof(std::uint32_t)) == 0) {
      return id + 1;
    }
  }
}

template <typename Check>
StateTable::Interned StateTable::intern(const model::TargetState& state, Check&& check) {
  SVCSIM_ASSERT(offline_ || state.committed == model::ServicedImage{});
  std::array<std::uint32_t, 2 * PackedImage::full_words> packed;
  pack(state, packed.data());
  const std::uint64_t hash = PackedImage::hash(packed.data(), state_words_);
  // The shard from the top bits, the slot from the high half's low ones (home_slot).
  Shard& shard = shards_[hash >> (64 - shard_bits)];
  std::size_t slot = 0;
  if (const std::uint32_t found =
          find(*shard.published.load(std::memory_order_acquire), packed.data(), hash, slot)) {
    return {found - 1, false, broken_[found - 1] != 0};
  }
  MaybeLocked locked(shard.lock, shared_);
  Index& table = *shard.tables.back();
  // Again under the lock: another thread may have added it, or grown the table, meanwhile.
  if (const std::uint32_t found = find(table, packed.data(), hash, slot)) {
    return {found - 1, false, broken_[found - 1] != 0};
  }
  const bool broken = check(state);
  const std::uint32_t id = size_.fetch_add(1, std::memory_order_relaxed);
  SVCSIM_ASSERT(id != UINT32_MAX);
  images_.ensure((std::size_t{id} + 1) * state_words_);
  std::memcpy(&images_[std::size_t{id} * state_words_], packed.data(),
              state_words_ * sizeof(std::uint32_t));
  broken_.ensure(std::size_t{id} + 1);
  broken_[id] = broken ? 1 : 0;
  __atomic_store_n(&table[slot], make_slot(id, hash), __ATOMIC_RELEASE);
  if (++shard.count * 2 > table.size()) grow_index(shard);
  return {id, true, broken};
}

model::TargetState StateTable::state(std::uint32_t id) const {
  model::TargetState state;
  const std::uint32_t* packed = &images_[std::size_t{id} * state_words_];
  static_cast<model::ServicedImage&>(state) = PackedImage::unpack(packed, words_);
  if (offline_) state.committed = PackedImage::unpack(packed + words_, words_);
  return state;
}

void StateTable::grow_index(Shard& shard) {
  const Index& old = *shard.tables.back();
  auto grown = std::make_unique<Index>(old.size() * 2, 0);
  const std::size_t mask = grown->size() - 1;
  for (const std::uint64_t entry : old) {
    if (entry == 0) continue;
    std::size_t slot = home_slot(entry) & mask;  // the entry keeps the bits it needs
    while ((*grown)[slot] != 0) slot = (slot + 1) & mask;
    (*grown)[slot] = entry;
  }
  index_bytes_.fetch_add(grown->size() * sizeof(std::uint64_t), std::memory_order_relaxed);
  shard.published.store(grown.get(), std::memory_order_release);
  shard.tables.push_back(std::move(grown));
  // No other thread can be probing the old table of a table that is not shared.
  if (!shared_) release_retired(shard);
}

void StateTable::release_retired(Shard& shard) {
  for (std::size_t index = 0; index + 1 < shard.tables.size(); ++index) {
    index_bytes_.fetch_sub(shard.tables[index]->size() * sizeof(std::uint64_t),
                           std::memory_order_relaxed);
  }
  shard.tables.erase(shard.tables.begin(), shard.tables.end() - 1);
}

void StateTable::release_retired() {
  for (Shard& shard : shards_) release_retired(shard);
}

std::uint64_t StateTable::bytes() const {
  return images_.bytes() + broken_.bytes() +
         index_bytes_.load(std::memory_order_relaxed);
}

// --- TupleTable -------------------------------------------------------------------------------

TupleTable::TupleTable(std::size_t width, bool shared)
    : width_(width), shared_(shared), ids_(reservation(width, sizeof(std::uint32_t))),
      index_(1024), index_bytes_(1024 * sizeof(std::uint32_t)) {
  SVCSIM_ASSERT(width >= 1);
}

std::uint64_t TupleTable::hash(std::span<const std::uint32_t> tuple) const {
  std::uint64_t hash = 0x9E3779B97F4A7C15ull;
  for (const std::uint32_t id : tuple) hash = model::mix_bits(hash ^ id);
  return hash;
}

std::uint32_t TupleTable::intern(std::span<const std::uint32_t> tuple, bool& is_new) {
  SVCSIM_ASSERT(tuple.size() == width_);
  MaybeLocked locked(lock_, shared_);
  const std::size_t mask = index_.size() - 1;
  for (std::size_t slot = hash(tuple) & mask;; slot = (slot + 1) & mask) {
    const std::uint32_t entry = index_[slot];
    if (entry == 0) {
      const std::uint32_t id = size_.load(std::memory_order_relaxed);
      SVCSIM_ASSERT(id != UINT32_MAX);
      ids_.ensure((std::size_t{id} + 1) * width_);
      std::copy(tuple.begin(), tuple.end(), ids_.data() + std::size_t{id} * width_);
      size_.store(id + 1, std::memory_order_release);
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
  index_bytes_.store(grown.size() * sizeof(std::uint32_t), std::memory_order_relaxed);
  index_.swap(grown);
}

std::uint64_t TupleTable::bytes() const {
  return ids_.bytes() + index_bytes_.load(std::memory_order_relaxed);
}

// --- ModelSpace -------------------------------------------------------------------------------

ModelSpace::ModelSpace(const model::Plan& plan, const model::World& world,
                       std::vector<model::Step> steps, std::vector<model::Fault> kinds,
                       model::WorldState expected, bool shared)
    : plan_(plan),
      world_(world),
      steps_(std::move(steps)),
      kinds_(std::move(kinds)),
      expected_(std::move(expected)),
      variant_count_(kinds_.size() + 1),
      column_count_(steps_.size() * variant_count_),
      several_targets_(world.target_count() > 1),
      shared_(shared),
      nodes_(model::is_offline(world.context(0).target_kind),
             PackedImage::fits(world.catalog().size(), world.context(0).target_kind), shared),
      pending_(model::is_offline(world.context(0).target_kind),
               PackedImage::fits(world.catalog().size(), world.context(0).target_kind), shared),
      world_nodes_(world.target_count(), shared),
      world_pending_(world.target_count() + 1, shared),
      node_transitions_(reservation(column_count_, sizeof(MicroTransition))),
      pending_transitions_(reservation(variant_count_, sizeof(MicroTransition))),
      classes_(reservation(1, 1)) {
  SVCSIM_ASSERT(steps_.size() > world_.target_count());
  for (std::size_t target = 0; target < world_.target_count(); ++target) {
    SVCSIM_ASSERT(steps_[reboot_step(static_cast<model::TargetIndex>(target))].operation.kind ==
                  model::OperationKind::reboot);
    if (several_targets_) {
      const model::TargetKind kind = world.context(static_cast<model::TargetIndex>(target)).target_kind;
      target_states_.push_back(std::make_unique<StateTable>(
          model::is_offline(kind), PackedImage::fits(world.catalog().size(), kind), shared));
    }
  }
  // Each step's column starts on a huge page: a column's first page is then its own, not the
  // tail of the one before.
  step_stride_ = node_transitions_.capacity() / steps_.size();
  if (step_stride_ >= entries_per_huge_stretch) {
    step_stride_ = step_stride_ / entries_per_huge_stretch * entries_per_huge_stretch;
  }
  // Huge pages once every column has half a huge page's worth (and 8 MiB in all): before
  // that, they would cost each column 2 MiB of memory for a few kilobytes of transitions.
  node_transitions_.advise_huge_from(
      std::max(std::size_t{8} << 20, huge_page_bytes / 2 * steps_.size()));
  // A variant fits in the explorer's 4-bit choice field.
  SVCSIM_ASSERT(kinds_.size() < 15);
  SVCSIM_ASSERT(expected_.targets.size() == world_.target_count());
}

void ModelSpace::grow_nodes(std::size_t size) {
  SVCSIM_ASSERT(size * variant_count_ <= step_stride_);
  node_transitions_.ensure(size * column_count_);
  classes_.ensure(size);
}

void ModelSpace::grow_pending(std::size_t size) { pending_transitions_.ensure(size * variant_count_); }

std::uint32_t ModelSpace::intern_target(StateTable& table, model::TargetIndex target,
                                        const model::TargetState& state, bool& broken) {
  // Every distinct target state is checked once, when first met; the verdict is kept with it,
  // so every transition that reaches a broken state says so, not only the first.
  const StateTable::Interned interned = table.intern(state, [&](const model::TargetState& fresh) {
    return static_cast<bool>(model::check_target_state(world_, target, fresh));
  });
  if (interned.broken) broken = true;
  return interned.id;
}

std::size_t ModelSpace::intern_targets(const model::TargetState* targets, std::uint32_t* ids,
                                       bool& broken) {
  const std::size_t count = world_.target_count();
  for (std::size_t target = 0; target < count; ++target) {
    ids[target] = intern_target(*target_states_[target], static_cast<model::TargetIndex>(target),
                                targets[target], broken);
  }
  return count;
}

std::uint32_t ModelSpace::intern_node(const Targets& targets, bool& broken) {
  if (!several_targets_) {
    const std::uint32_t id = intern_target(nodes_, 0, targets[0], broken);
    grow_nodes(std::size_t{id} + 1);
    return id;
  }
  std::array<std::uint32_t, model::target_count_max> ids{};
  const std::size_t count = intern_targets(targets.data(), ids.data(), broken);
  bool is_new = false;
  const std::uint32_t id = world_nodes_.intern({ids.data(), count}, is_new);
  grow_nodes(std::size_t{id} + 1);
  return id;
}

std::uint32_t ModelSpace::intern_pending(const Targets& targets, model::TargetIndex reboot_target,
                                         bool& broken) {
  if (!several_targets_) {
    const std::uint32_t id = intern_target(pending_, 0, targets[0], broken);
    grow_pending(std::size_t{id} + 1);
    return id;
  }
  std::array<std::uint32_t, model::target_count_max + 1> ids{};
  const std::size_t count = intern_targets(targets.data(), ids.data(), broken);
  ids[count] = reboot_target;
  bool is_new = false;
  const std::uint32_t id = world_pending_.intern({ids.data(), count + 1}, is_new);
  grow_pending(std::size_t{id} + 1);
  return id;
}

void ModelSpace::load_node(std::uint32_t id, Targets& targets) const {
  if (!several_targets_) {
    targets[0] = nodes_.state(id);
    return;
  }
  const std::span<const std::uint32_t> ids = world_nodes_.tuple(id);
  for (std::size_t target = 0; target < ids.size(); ++target) {
    targets[target] = target_states_[target]->state(ids[target]);
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
    targets[target] = target_states_[target]->state(ids[target]);
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

bool ModelSpace::check_transition(std::span<const model::TargetState> before,
                                  const model::Step& step, const model::WorldOutcome& done) const {
  // Every distinct transition is checked once, here (its new states were checked when interned).
  const model::ServicingContext& context = world_.context(step.target);
  return static_cast<bool>(
      model::check_transition(context, before[step.target], step.operation, done.outcome));
}

std::string ModelSpace::describe_violation(std::span<const model::TargetState> before,
                                           const model::Step& step,
                                           const model::WorldOutcome& done) const {
  const model::TargetIndex target = step.target;
  const model::ServicingContext& context = world_.context(target);
  std::string text;
  if (const auto violation =
          model::check_transition(context, before[target], step.operation, done.outcome)) {
    text = model::describe(context, done.outcome.state, violation);
  } else if (const auto broken = model::check_target_state(world_, target, done.outcome.state)) {
    text = model::describe(context, done.outcome.state, broken);
  } else {
    return "";
  }
  if (several_targets_) text += " (target " + world_.target(target).name + ")";
  return text;
}

std::string ModelSpace::explain(std::uint32_t id, std::size_t step_index,
                                std::size_t variant) const {
  Targets targets;
  load_node(id, targets);
  return explain_from(targets, step_index, variant);
}

std::string ModelSpace::explain_from(const Targets& targets, std::size_t step_index,
                                     std::size_t variant) const {
  const std::span<const model::TargetState> before(targets.data(), world_.target_count());
  const model::WorldOutcome done = model::step(world_, before, steps_[step_index], fault_of(variant));
  return describe_violation(before, steps_[step_index], done);
}

std::string ModelSpace::explain_pending_reboot(std::uint32_t id, std::size_t variant) const {
  const std::size_t count = world_.target_count();
  Targets targets;
  const model::TargetIndex target = load_pending(id, targets);
  const std::span<const model::TargetState> before(targets.data(), count);
  const model::Step& reboot = steps_[reboot_step(target)];
  return describe_violation(before, reboot, model::step(world_, before, reboot, fault_of(variant)));
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

// Inlined into compute and compute_visitor, so that compute stays what it was before visitors
// (the same instructions at n = 16, cachegrind).
[[gnu::always_inline]] inline MicroTransition ModelSpace::compute_from(Targets& targets,
                                                                      std::size_t step_index,
                                                                      std::size_t variant,
                                                                      std::uint32_t node) {
  const model::Step& step = steps_[step_index];
  const model::Fault fault = fault_of(variant);
  const std::size_t count = world_.target_count();
  const std::span<const model::TargetState> before(targets.data(), count);
  const model::WorldOutcome done = model::step(world_, before, step, fault);
  SVCSIM_ASSERT_MSG(fault == model::Fault::none || done.outcome.fault == fault,
                    "the explorer asks only for faults listed in fault_sites");
  MicroTransition result = entry_for(done.outcome);
  bool broken = check_transition(before, step, done);
  // Compared for nodes only: a visitor's result is interned whether or not it changed.
  const bool unchanged = node != no_node && done.outcome.state == targets[step.target];
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
  } else if (unchanged) {
    // The step left the world as it was (a refused add, mostly: 44% of the transitions computed
    // at n = 20): the result is the node state it started from, interned already. Interning it
    // again was a hash and an index probe that missed cache, about 7% of the search's time.
    result.next = node;
    if (broken || node_broken(node)) result.flags |= micro_flag::violation;
  } else {
    result.next = intern_node(targets, broken);
    if (broken) result.flags |= micro_flag::violation;
  }
  return result;
}

bool ModelSpace::node_broken(std::uint32_t id) const {
  if (!several_targets_) return nodes_.broken(id);
  const std::span<const std::uint32_t> ids = world_nodes_.tuple(id);
  for (std::size_t target = 0; target < ids.size(); ++target) {
    if (target_states_[target]->broken(ids[target])) return true;
  }
  return false;
}

MicroTransition ModelSpace::compute(std::uint32_t id, std::size_t step_index, std::size_t variant) {
  Targets targets;
  load_node(id, targets);
  const MicroTransition result = compute_from(targets, step_index, variant, id);
  MicroTransition::publish(node_transitions_[entry_index(id, step_index, variant)], result);
  return result;
}

MicroTransition ModelSpace::compute_visitor(std::uint32_t id, std::size_t step_index,
                                            std::size_t variant) {
  Targets targets;
  load_visitor(id, targets);
  // A visitor's unchanged world is still a node state to intern: visitors have ids apart.
  const MicroTransition result = compute_from(targets, step_index, variant, no_node);
  MicroTransition::publish((*visitor_transitions_)[visitor_index(id, step_index, variant)], result);
  return result;
}

// --- Visitors ---------------------------------------------------------------------------------

void ModelSpace::admit_visitors(const std::vector<std::size_t>& steps) {
  SVCSIM_ASSERT(visitor_transitions_ == nullptr && !steps.empty());
  visitor_columns_.assign(steps_.size(), SIZE_MAX);
  for (const std::size_t step : steps) {
    SVCSIM_ASSERT(step < steps_.size() && visitor_columns_[step] == SIZE_MAX);
    visitor_columns_[step] = visitor_column_count_++;
  }
  const model::TargetKind kind = world_.context(0).target_kind;
  if (several_targets_) {
    world_visitors_ = std::make_unique<TupleTable>(world_.target_count(), shared_);
  } else {
    visitors_ = std::make_unique<StateTable>(
        model::is_offline(kind), PackedImage::fits(world_.catalog().size(), kind), shared_);
  }
  visitor_transitions_ = std::make_unique<ReservedArray<MicroTransition>>(
      reservation(visitor_column_count_ * variant_count_, sizeof(MicroTransition)));
}

std::uint32_t ModelSpace::intern_visitor(const model::WorldState& state) {
  SVCSIM_ASSERT(visitor_transitions_ != nullptr && state.targets.size() == world_.target_count());
  std::uint32_t id = 0;
  if (!several_targets_) {
    // A visitor's own verdict is never read here (its owner checked it, and its transitions'
    // results are interned as nodes, with theirs): its table of one target checks nothing.
    id = visitors_->intern(state.targets[0], [](const model::TargetState&) { return false; }).id;
  } else {
    // Its targets' states share the targets' tables with the nodes, verdicts and all: a node
    // met later in one of them must read the verdict it would have had.
    std::array<std::uint32_t, model::target_count_max> ids{};
    bool broken = false;
    const std::size_t count = intern_targets(state.targets.data(), ids.data(), broken);
    bool is_new = false;
    id = world_visitors_->intern({ids.data(), count}, is_new);
  }
  visitor_transitions_->ensure((std::size_t{id} + 1) * visitor_column_count_ * variant_count_);
  return id;
}

void ModelSpace::load_visitor(std::uint32_t id, Targets& targets) const {
  if (!several_targets_) {
    targets[0] = visitors_->state(id);
    return;
  }
  const std::span<const std::uint32_t> ids = world_visitors_->tuple(id);
  for (std::size_t target = 0; target < ids.size(); ++target) {
    targets[target] = target_states_[target]->state(ids[target]);
  }
}

std::string ModelSpace::explain_visitor(std::uint32_t id, std::size_t step_index,
                                        std::size_t variant) const {
  Targets targets;
  load_visitor(id, targets);
  return explain_from(targets, step_index, variant);
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
  MicroTransition::publish(pending_transitions_[std::size_t{id} * variant_count_ + variant], result);
  return result;
}

model::OutcomeClass ModelSpace::classify(std::uint32_t id, bool any_error) {
  const unsigned shift = any_error ? 4u : 0u;
  std::uint8_t& slot = classes_[id];
  const unsigned cached = (unsigned{__atomic_load_n(&slot, __ATOMIC_RELAXED)} >> shift) & 0x0Fu;
  if (cached != 0) return static_cast<model::OutcomeClass>(cached - 1);
  Targets targets;
  load_node(id, targets);
  const std::size_t count = world_.target_count();
  const model::OutcomeClass outcome_class =
      model::classify_world(world_, std::span<const model::TargetState>(targets.data(), count),
                            expected_.targets, any_error);
  // Each half is written once, from 0, with the same value by whoever classes it: an atomic OR
  // keeps a concurrent write of the other half.
  __atomic_fetch_or(&slot, static_cast<std::uint8_t>((static_cast<unsigned>(outcome_class) + 1u) << shift),
                    __ATOMIC_RELAXED);
  return outcome_class;
}

std::size_t ModelSpace::size() const {
  if (!several_targets_) return nodes_.size() + pending_.size();
  std::size_t total = 0;
  for (const auto& table : target_states_) total += table->size();
  return total;
}

void ModelSpace::release_retired() {
  nodes_.release_retired();
  pending_.release_retired();
  if (visitors_ != nullptr) visitors_->release_retired();
  for (const auto& table : target_states_) table->release_retired();
}

std::uint64_t ModelSpace::bytes() const {
  std::uint64_t total = nodes_.bytes() + pending_.bytes() + world_nodes_.bytes() +
                        world_pending_.bytes() + classes_.bytes() + node_transitions_.bytes() +
                        pending_transitions_.bytes();
  for (const auto& table : target_states_) total += table->bytes();
  if (visitors_ != nullptr) total += visitors_->bytes();
  if (world_visitors_ != nullptr) total += world_visitors_->bytes();
  if (visitor_transitions_ != nullptr) total += visitor_transitions_->bytes();
  return total;
}

}  // namespace svcsim::simulator
