// The explorer's graph: how a node is keyed and linked to its parent, the tables a layer is
// built with (mask index, merge table, link arena) and the layer itself. Private to explorer.cpp;
// the search that uses them is there.
#pragma once

#include <algorithm>
#include <atomic>
#include <bit>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <utility>
#include <type_traits>
#include <vector>

#include "svcsim/model/assert.hpp"
#include "svcsim/model/classify.hpp"
#include "svcsim/model/operation.hpp"
#include "svcsim/model/result_code.hpp"
#include "svcsim/model/target_state.hpp"
#include "svcsim/simulator/big_count.hpp"
#include "huge_pages.hpp"
#include "node_buffer.hpp"

namespace svcsim::simulator::explorer_detail {

using model::OutcomeClass;

constexpr std::uint64_t bit_of(std::size_t step) { return std::uint64_t{1} << step; }


// A node within its group: model state id, faults used, first error (ResultCode + 1; 0: none).
constexpr std::uint64_t node_key(std::uint32_t id, unsigned faults, unsigned first_error) {
  return std::uint64_t{id} | std::uint64_t{faults} << 32 | std::uint64_t{first_error} << 40;
}
constexpr std::uint32_t key_id(std::uint64_t key) { return static_cast<std::uint32_t>(key); }
constexpr unsigned key_faults(std::uint64_t key) { return static_cast<unsigned>(key >> 32 & 0xFF); }
constexpr unsigned key_error(std::uint64_t key) { return static_cast<unsigned>(key >> 40 & 0xFF); }

// How a node was reached: the parent's index in the previous layer and the choice made.
// choice = step << 8 | operation fault variant << 4 | inserted-reboot fault variant.
constexpr std::uint16_t final_reboot_step = 0xFF;
constexpr std::uint16_t no_final_operation = 0xFFFF;
constexpr std::uint16_t make_choice(std::size_t step, std::size_t op_variant,
                                    std::size_t reboot_variant) {
  return static_cast<std::uint16_t>(step << 8 | op_variant << 4 | reboot_variant);
}

// The packed fields above hold what the model can produce: a fault variant (none or one of the
// fault kinds) in 4 bits, a plan step below the final-reboot marker in 8, a first error
// (ResultCode + 1) in the key's 8 bits, fault counts in 8.
static_assert(model::fault_count <= 16, "a fault variant is 4 bits of a choice");
static_assert(64 < final_reboot_step, "a plan step (at most 64) is 8 bits of a choice");
static_assert(model::result_code_slot_count + 1 <= 0xFF, "a first error is 8 bits of a node key");

/// A node's parent: its position in its own group of the layer before (the group is the node's
/// mask less the choice's step) and the choice that led here. Four bytes: the explorer keeps one
/// for every node of every layer (for witnesses), the largest thing it keeps (133 MiB at n = 20
/// with the parent's index in the whole layer, 6 bytes packed; 178 MiB with 8). A group's
/// start in a retired layer is kept apart (GroupDirectory), a few bytes a group, not a node.
/// A position that does not fit 16 bits is `position_escaped`, and the arena keeps the true one
/// aside (LinkArena::escapes_): groups that large are rare, and the escape keeps them exact.
/// The shortest path's length, which decides which parent is kept, stays in the layer being
/// built (Layer::operations), not here.
struct Link {
  std::uint16_t position = 0;
  std::uint16_t choice = 0;
};
static_assert(sizeof(Link) == 4 && std::is_trivially_copyable_v<Link>);
constexpr std::uint16_t position_escaped = 0xFFFF;

/// mask -> group number, open addressing; deterministic (no iteration over it).
class MaskIndex {
 public:
  void clear(std::size_t expected) {
    std::size_t capacity = 16;
    while (capacity < expected * 2) capacity *= 2;
    slots_.assign(capacity, Slot{});
  }
  /// The group of `mask`, or UINT32_MAX (also before the first clear()).
  std::uint32_t find(std::uint64_t mask) const {
    if (slots_.empty()) return UINT32_MAX;
    const std::size_t wrap = slots_.size() - 1;
    for (std::size_t slot = model::mix_bits(mask) & wrap;; slot = (slot + 1) & wrap) {
      if (slots_[slot].group == UINT32_MAX) return UINT32_MAX;
      if (slots_[slot].mask == mask) return slots_[slot].group;
    }
  }
  /// Inserts `mask` with `group` unless present; returns true if inserted.
  bool insert(std::uint64_t mask, std::uint32_t group, std::size_t count_after) {
    if (count_after * 2 > slots_.size()) grow();
    const std::size_t wrap = slots_.size() - 1;
    for (std::size_t slot = model::mix_bits(mask) & wrap;; slot = (slot + 1) & wrap) {
      if (slots_[slot].group == UINT32_MAX) {
        slots_[slot] = {mask, group};
        return true;
      }
      if (slots_[slot].mask == mask) return false;
    }
  }
  std::uint64_t bytes() const { return slots_.capacity() * sizeof(Slot); }

 private:
  struct Slot {
    std::uint64_t mask = 0;
    std::uint32_t group = UINT32_MAX;
  };
  void grow() {
    std::vector<Slot> old;
    old.swap(slots_);
    slots_.assign(std::max<std::size_t>(16, old.size() * 2), Slot{});
    const std::size_t wrap = slots_.size() - 1;
    for (const Slot& entry : old) {
      if (entry.group == UINT32_MAX) continue;
      std::size_t slot = model::mix_bits(entry.mask) & wrap;
      while (slots_[slot].group != UINT32_MAX) slot = (slot + 1) & wrap;
      slots_[slot] = entry;
    }
  }
  std::vector<Slot> slots_;
};

/// Parent links of every layer, appended in one chunked arena: a link is never moved or copied
/// once written, so a finished layer costs exactly 4 bytes a node and no page is touched twice.
/// Positions from escape_from() on (0xFFFF but in tests) are kept in a side table.
class LinkArena {
 public:
  LinkArena() = default;
  LinkArena(const LinkArena&) = delete;
  LinkArena& operator=(const LinkArena&) = delete;
  ~LinkArena() {
    for (Link* chunk : chunks_) unmap_huge(chunk, chunk_size * sizeof(Link));
  }

  std::uint64_t size() const { return size_; }
  /// Appends the link of a node whose parent is at `position` in its group.
  [[gnu::always_inline]] void push_back(std::uint32_t position, std::uint16_t choice) {
    if ((size_ & chunk_mask) == 0 && (size_ >> chunk_bits) == chunks_.size()) add_chunk();
    slot(size_) = Link{pack(size_, position), choice};
    ++size_;
  }
  /// Replaces link `index` (a shorter path to its node was found).
  [[gnu::always_inline]] void set(std::uint64_t index, std::uint32_t position,
                                  std::uint16_t choice) {
    slot(index) = Link{pack(index, position), choice};
  }
  std::uint16_t choice(std::uint64_t index) const { return slot(index).choice; }
  /// The parent's position in its group, escaped or not.
  std::uint32_t position(std::uint64_t index) const {
    const Link link = slot(index);
    if (link.position != position_escaped) return link.position;
    const auto found = escapes_.find(index);
    SVCSIM_ASSERT_MSG(found != escapes_.end(), "explore: an escaped parent link has no position");
    return found->second;
  }
  /// The stored link itself (position_escaped for an escaped position).
  Link operator[](std::uint64_t index) const { return slot(index); }
  /// Positions from `first` on are escaped: 0xFFFF (what 16 bits cannot hold) but in tests,
  /// which lower it to send every path through the side table.
  void set_escape_from(std::uint32_t first) {
    SVCSIM_ASSERT(first <= position_escaped && size_ == 0);
    escape_from_ = first;
  }
  std::uint32_t escape_from() const { return escape_from_; }
  std::uint64_t escaped() const { return escaped_.load(std::memory_order_relaxed); }

  /// Forgets every link but keeps the chunks, for the next layer's (explore --threads).
  void clear() {
    size_ = 0;
    clear_escapes();
  }
  /// Forgets every link and gives back the chunks beyond those `links` links fill: a worker's
  /// arena past the widest layer (explore --threads), where the layers shrink.
  void clear_keeping(std::uint64_t links) {
    clear();
    const std::uint64_t kept = (links + chunk_size - 1) >> chunk_bits;
    while (chunks_.size() > kept) {
      unmap_huge(chunks_.back(), chunk_size * sizeof(Link));
      chunks_.pop_back();
    }
    mapped_.store(chunks_.size(), std::memory_order_relaxed);
  }
  /// Makes room for `count` more links, to be written by copy_in (from several threads: the
  /// chunks are all there before any is written).
  void extend(std::uint64_t count) {
    size_ += count;
    while ((chunks_.size() << chunk_bits) < size_) add_chunk();
  }
  /// Writes `other`'s `count` links from `first` on at `at` (room made by extend), escaped
  /// positions included. Several threads may copy into one arena at once.
  void copy_in(std::uint64_t at, const LinkArena& other, std::uint64_t first, std::uint64_t count) {
    for (std::uint64_t done = 0; done < count;) {
      const std::uint64_t to = at + done;
      const std::uint64_t from = first + done;
      const std::uint64_t run = std::min({chunk_size - (to & chunk_mask),
                                          chunk_size - (from & chunk_mask), count - done});
      std::copy_n(&other.slot(from), run, &slot(to));
      done += run;
    }
    if (other.escapes_.empty()) [[likely]] return;
    const std::lock_guard lock(escapes_lock_);
    for (const auto& [index, position] : other.escapes_) {
      const bool copied = index >= first && index - first < count;
      if (!copied || other.slot(index).position != position_escaped) continue;
      escapes_[at + (index - first)] = position;
    }
    escaped_.store(escapes_.size(), std::memory_order_relaxed);
  }
  /// Safe to call while another thread appends (a worker thread's memory check while worker 0
  /// of explore --threads writes its chunks straight into the arena).
  std::uint64_t bytes() const {
    // An escape costs a hash node and its bucket: about 40 bytes.
    return mapped_.load(std::memory_order_relaxed) * chunk_size * sizeof(Link) + escaped() * 40;
  }

 private:
  // 4 MiB a chunk: two huge pages exactly (2^20 links of 4 bytes).
  static constexpr unsigned chunk_bits = 20;
  static_assert(((std::uint64_t{1} << chunk_bits) * sizeof(Link)) % huge_page_bytes == 0);
  static constexpr std::uint64_t chunk_size = std::uint64_t{1} << chunk_bits;
  static constexpr std::uint64_t chunk_mask = chunk_size - 1;
  Link& slot(std::uint64_t index) { return chunks_[index >> chunk_bits][index & chunk_mask]; }
  const Link& slot(std::uint64_t index) const {
    return chunks_[index >> chunk_bits][index & chunk_mask];
  }
  /// The 16 bits link `index` stores for `position`: itself, or the escape, recorded aside.
  [[gnu::always_inline]] std::uint16_t pack(std::uint64_t index, std::uint32_t position) {
    if (position < escape_from_) [[likely]] return static_cast<std::uint16_t>(position);
    return escape(index, position);
  }
  // Out of line: the explorer's inner loop inlines pack, and this would make it too big to.
  [[gnu::noinline]] std::uint16_t escape(std::uint64_t index, std::uint32_t position) {
    escapes_[index] = position;
    escaped_.store(escapes_.size(), std::memory_order_relaxed);
    return position_escaped;
  }
  void clear_escapes() {
    escapes_.clear();
    escaped_.store(0, std::memory_order_relaxed);
  }
  void add_chunk() {
    // Raw, zeroed storage; every slot is written by push_back before it is read. The first
    // chunk stays on small pages, so a small space stays small.
    auto* chunk = static_cast<Link*>(map_huge(chunk_size * sizeof(Link), false, chunks_.size() >= 1));
    if (chunk == nullptr) throw std::bad_alloc();
    chunks_.push_back(chunk);
    mapped_.store(chunks_.size(), std::memory_order_relaxed);
  }
  std::vector<Link*> chunks_;
  std::atomic<std::uint64_t> mapped_{0};  // chunks_.size(), for bytes() on any thread
  std::uint64_t size_ = 0;
  std::uint32_t escape_from_ = position_escaped;
  // Arena index -> position, for the links whose position is escaped. A stale entry (its link
  // since replaced by one that fits) is never read: only an escaped link looks here.
  std::unordered_map<std::uint64_t, std::uint32_t> escapes_;
  std::mutex escapes_lock_;  // copy_in from several threads
  std::atomic<std::uint64_t> escaped_{0};  // escapes_.size(), for bytes() on any thread
};

/// Whether group `left` comes before `right` in a rank's list of a layer (explore on ranks): by
/// their bases (the masks without the split steps' bits, `split_mask`), then by mask. With no
/// split steps, numeric order, which is colex order among masks of one size.
inline bool group_before(std::uint64_t left, std::uint64_t right, std::uint64_t split_mask) {
  const std::uint64_t left_base = left & ~split_mask;
  const std::uint64_t right_base = right & ~split_mask;
  return left_base != right_base ? left_base < right_base : left < right;
}

/// Where each group of a retired layer starts, for witnesses: a parent link names its parent by
/// the position in its group, and the group is the child's mask less the step. Dense layers
/// keep one start per subset (found by colex rank): 4 bytes a group. Sparse ones keep their
/// masks beside their starts, as listed: 12 bytes a group. A rank lists its groups in base
/// order (group_before), and a lookup there is a binary search; one process's sparse
/// layers list them in the order first reached, and a lookup is a scan. Sorting them instead
/// cost 280 to 410 ns a group on this project's machine (random masks, 0.2 to 10 million
/// groups, under load), for every layer of every search; keeping them as listed, 43 to 66 ns
/// (mostly the fresh pages of the copy); a scan costs under a nanosecond a group, once for
/// each layer each witness walks through.
class GroupDirectory {
  struct Order {
    std::uint64_t split_mask = 0;
    bool operator()(std::uint64_t left, std::uint64_t right) const {
      return group_before(left, right, split_mask);
    }
  };
  Order order() const { return {split_mask_}; }

 public:
  /// Dense: `begins[r]` is where the group of colex rank r starts.
  static GroupDirectory dense(std::vector<std::uint32_t> begins) {
    GroupDirectory directory;
    directory.begins_ = std::move(begins);
    directory.dense_ = true;
    return directory;
  }
  /// Sparse: group g is `masks[g]` and starts at `begins[g]`; `split_mask`: the split steps'
  /// bits, which group_before orders by last.
  static GroupDirectory sparse(const std::vector<std::uint64_t>& masks,
                               const std::vector<std::uint32_t>& begins,
                               std::uint64_t split_mask = 0) {
    SVCSIM_ASSERT(begins.size() >= masks.size());
    GroupDirectory directory;
    directory.masks_ = masks;
    directory.begins_.assign(begins.begin(),
                             begins.begin() + static_cast<std::ptrdiff_t>(masks.size()));
    directory.split_mask_ = split_mask;
    directory.sorted_ = std::is_sorted(masks.begin(), masks.end(), directory.order());
    return directory;
  }
  /// The start of the group of `mask`; `colex_rank` is that mask's rank (dense only).
  std::uint32_t begin_of(std::uint64_t mask, std::uint64_t colex_rank) const {
    if (dense_) {
      SVCSIM_ASSERT(colex_rank < begins_.size());
      return begins_[colex_rank];
    }
    const auto found = sorted_ ? std::lower_bound(masks_.begin(), masks_.end(), mask, order())
                               : std::find(masks_.begin(), masks_.end(), mask);
    SVCSIM_ASSERT_MSG(found != masks_.end() && *found == mask,
                      "explore: a parent link names a group its layer does not hold");
    return begins_[static_cast<std::size_t>(found - masks_.begin())];
  }
  std::uint64_t bytes() const { return begins_.capacity() * 4 + masks_.capacity() * 8; }

 private:
  bool dense_ = false;
  bool sorted_ = false;               // sparse: masks_ in group_before's order (binary search)
  std::uint64_t split_mask_ = 0;
  std::vector<std::uint64_t> masks_;  // sparse: as listed
  std::vector<std::uint32_t> begins_;
};

/// One layer of the graph. `Count` is the per-node path count: u64 when every count provably
/// fits (no faults, up to 20 steps), else u128; both are overflow-checked.
template <typename Count>
struct Layer {
  std::vector<std::uint64_t> masks;    // per group
  std::vector<std::uint32_t> begins;   // per group, plus one past the end
  MaskIndex index;
  NodeBuffer<std::uint64_t> keys;  // per node
  NodeBuffer<Count> counts;        // per node: paths (prefixes x placements)
  std::uint64_t link_base = 0;         // the arena index of node 0's link
  // per node: length of its shortest path (the link's)
  NodeBuffer<std::uint16_t> operations;
  std::vector<std::uint32_t> graph_ids;  // per node, only while recording the graph

  /// Room for `nodes` nodes in an empty layer. A buffer much larger than that is given back
  /// first: past the widest layer, the layers shrink, but buffers kept at the widest layer's
  /// size hold its pages to the end of the search, beside the memo and the parent links, which
  /// only grow. At n = 20 that set the peak: 457 MiB at the last layer against 350 MiB when
  /// the widest one was built. (A buffer handed back and mapped again in the same process
  /// costs little: the kernel gives it pages the process just freed.)
  void reserve_nodes(std::size_t nodes) {
    SVCSIM_ASSERT(keys.empty() && counts.empty() && operations.empty());
    fit_buffer(keys, nodes);
    fit_buffer(counts, nodes);
    fit_buffer(operations, nodes);
  }

  /// Empties the layer but keeps its buffers, so the next layer reuses the pages.
  void clear() {
    masks.clear();
    begins.clear();
    keys.clear();
    counts.clear();
    operations.clear();
    graph_ids.clear();
  }

  std::uint64_t bytes() const {
    return masks.capacity() * 8 + begins.capacity() * 4 + index.bytes() + keys.capacity() * 8 +
           counts.capacity() * sizeof(Count) + operations.capacity() * 2 +
           graph_ids.capacity() * 4;
  }

 private:
  /// `buffer` (empty) with room for `size` elements, and not much more.
  template <typename Buffer>
  static void fit_buffer(Buffer& buffer, std::size_t size) {
    if (buffer.capacity() > size + size / 4) Buffer().swap(buffer);
    buffer.reserve(size);
  }
};

/// The merge table for one group of the next layer: node key -> index in the layer. Small and
/// reused, so it lives in L1 cache.
class GroupTable {
 public:
  GroupTable() : slots_(256), used_(128) {}

  /// The position in its group of the node with `key`, or -1 (then claim() stores it).
  [[gnu::always_inline]] std::int64_t find(std::uint64_t key) {
    // At most half full, so that probes stay short; and so room in used_ for one more claim.
    if ((used_count_ + 1) * 2 > slots_.size()) grow();
    const std::size_t wrap = slots_.size() - 1;
    for (std::size_t slot = spread(key) & wrap;; slot = (slot + 1) & wrap) {
      const Slot& entry = slots_[slot];
      if (entry.position_plus_one == 0) {
        last_empty_ = slot;
        return -1;
      }
      if (entry.key == key) return entry.position_plus_one - 1;
    }
  }
  /// Stores `key` where the find() before it stopped. used_ has room: find() grew the table
  /// first (an indexed store, not a push_back, which GCC did not always inline in the loop).
  [[gnu::always_inline]] void claim(std::uint64_t key, std::uint32_t position_in_group) {
    slots_[last_empty_] = Slot{key, position_in_group + 1};
    used_[used_count_++] = static_cast<std::uint32_t>(last_empty_);
  }
  void reset() {
    for (std::size_t used = 0; used < used_count_; ++used) slots_[used_[used]].position_plus_one = 0;
    used_count_ = 0;
  }

 private:
  // The key sits in the slot, so a probe reads one small, L1-resident array and nothing else.
  struct Slot {
    std::uint64_t key = 0;
    std::uint32_t position_plus_one = 0;  // 0: empty
  };
  /// Fibonacci hashing: one multiply; the high bits are well mixed, the table takes them by
  /// rotating them down.
  static std::size_t spread(std::uint64_t key) {
    const std::uint64_t product = key * 0x9E3779B97F4A7C15ull;
    return static_cast<std::size_t>(product >> 32 ^ product);
  }
  void grow() {
    std::vector<Slot> entries;
    for (std::size_t used = 0; used < used_count_; ++used) entries.push_back(slots_[used_[used]]);
    slots_.assign(slots_.size() * 2, Slot{});
    used_.assign(slots_.size() / 2, 0);
    used_count_ = 0;
    const std::size_t wrap = slots_.size() - 1;
    for (const Slot& entry : entries) {
      std::size_t slot = spread(entry.key) & wrap;
      while (slots_[slot].position_plus_one != 0) slot = (slot + 1) & wrap;
      slots_[slot] = entry;
      used_[used_count_++] = static_cast<std::uint32_t>(slot);
    }
  }
  std::vector<Slot> slots_;
  std::vector<std::uint32_t> used_;  // the slots claimed since reset(), for reset(): half of slots_
  std::size_t used_count_ = 0;
  std::size_t last_empty_ = 0;
};

/// Where a shortest witness ends: the node it leaves from and the final choice.
struct WitnessEnd {
  bool found = false;
  OutcomeClass outcome_class = OutcomeClass::success;
  unsigned first_error = 0;  // ResultCode + 1; 0: none
  std::uint16_t operations = 0;
  std::uint8_t faults = 0;
  std::size_t layer = 0;
  std::uint32_t node = 0;
  std::uint16_t choice = no_final_operation;
  std::uint32_t final_variants = 0;  // final reboots (at_end): each one's fault variant, 4 bits
  std::uint64_t done = 0;         // the steps done after the final choice (the group built)
  std::uint64_t group_order = 0;  // that group's place in the serial order of its layer's groups

  bool improves_on(const WitnessEnd& other) const {
    if (!other.found) return true;
    if (operations != other.operations) return operations < other.operations;
    return faults < other.faults;
  }
  /// Whether the serial search meets this end before `other` (both found): by layer, then by
  /// the group being built. Ends of one group are always one rank's, which meets them in order.
  bool met_before(const WitnessEnd& other) const {
    if (layer != other.layer) return layer < other.layer;
    return group_order < other.group_order;
  }
  /// Among several ranks' ends, the one the serial search keeps: the shortest, then the first.
  bool beats(const WitnessEnd& other) const {
    if (!found) return false;
    if (!other.found) return true;
    if (improves_on(other)) return true;
    if (other.improves_on(*this)) return false;
    return met_before(other);
  }
};
static_assert(std::is_trivially_copyable_v<WitnessEnd>, "ranks send witness ends as bytes");

}  // namespace svcsim::simulator::explorer_detail
