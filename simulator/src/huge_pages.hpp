// Memory for the explorer's big tables: anonymous mappings advised onto transparent huge pages.
//
// The explorer's transition table and interned states are read at random, and its layers are
// written once into fresh memory. On 4 KiB pages both cost a page fault per 4 KiB and a TLB miss
// on nearly every random read: measured at n = 20, a seventh of the time was the kernel filling
// pages, and running under glibc's huge-page tunable cut the wall time by about a quarter.
// Debian's default THP mode is `madvise`, so the program must ask: this file asks.
//
// ReservedArray<T> also never moves: it reserves address space for its largest size up front
// (the kernel hands out zeroed pages as they are first touched), so a reader on another thread
// may keep reading entries while the table grows. That is what lets `explore --threads` share
// one memo of model states without copying or locking it on the read path.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <new>
#include <type_traits>
#include <utility>

#include "svcsim/model/assert.hpp"
#include "svcsim/simulator/huge_page_allocator.hpp"

namespace svcsim::simulator {

/// A zero-initialised array of trivially copyable T at a fixed address, up to `capacity()`
/// elements. Pages are committed as they are touched; `ensure` records how far the table is in
/// use, for the memory figures. Safe to read from several threads while another grows it.
// The atomics a growing table writes sit on their own cache line: the explorer's threads read
// `data_` on every lookup, and a line written by one core is a miss on the other.
template <typename T>
class alignas(64) ReservedArray {
  static_assert(std::is_trivially_copyable_v<T>);

 public:
  /// Reserves room for `count_max` elements, or as much as the system grants (halving from it
  /// down to 64 MiB: a strict overcommit policy or a `ulimit -v` may refuse the first ask).
  explicit ReservedArray(std::size_t count_max) {
    std::size_t bytes = std::max(count_max * sizeof(T), huge_page_bytes);
    bytes = (bytes + huge_page_bytes - 1) & ~(huge_page_bytes - 1);
    for (;;) {
      data_ = static_cast<T*>(map_huge(bytes, true, false));
      if (data_ != nullptr || bytes <= (std::size_t{64} << 20)) break;
      bytes /= 2;
    }
    if (data_ == nullptr) throw std::bad_alloc();
    bytes_ = bytes;
    capacity_ = bytes / sizeof(T);
  }
  ~ReservedArray() { unmap_huge(data_, bytes_); }
  ReservedArray(const ReservedArray&) = delete;
  ReservedArray& operator=(const ReservedArray&) = delete;
  ReservedArray(ReservedArray&& other) noexcept
      : data_(other.data_), bytes_(other.bytes_), capacity_(other.capacity_),
        huge_from_bytes_(other.huge_from_bytes_), used_(other.used_.load()),
        advised_(other.advised_.load()) {
    other.data_ = nullptr;
    other.bytes_ = 0;
  }

  T& operator[](std::size_t index) { return data_[index]; }
  const T& operator[](std::size_t index) const { return data_[index]; }
  T* data() { return data_; }
  const T* data() const { return data_; }
  std::size_t capacity() const { return capacity_; }

  /// Elements [0, count) are in use. Fails loudly past the reservation: the search's memory
  /// limits stop it long before on any machine that granted the reservation.
  void ensure(std::size_t count) {
    std::size_t used = used_.load(std::memory_order_relaxed);
    if (count <= used) return;
    SVCSIM_ASSERT_MSG(count <= capacity_, "explore: a model table outgrew its address-space reservation");
    // Recorded a page of entries at a time: the kernel backs whole pages anyway, and a record
    // per entry was a compare-and-swap on a line both of explore's threads write, once per new
    // model state and table (about a tenth of the CPU explore --threads 2 spent interning).
    const std::size_t in_pages =
        std::min(capacity_, (count + per_page - 1) / per_page * per_page);
    while (count > used &&
           !used_.compare_exchange_weak(used, in_pages, std::memory_order_relaxed)) {
    }
    count = in_pages;
    // Small tables stay on small pages (a scenario of a few states must not cost 2 MiB a
    // table); past 8 MiB (or advise_huge_from) the rest of the reservation is advised onto huge
    // pages, once.
    if (count * sizeof(T) >= huge_from_bytes_ && !advised_.load(std::memory_order_relaxed) &&
        !advised_.exchange(true)) {
      ::madvise(data_, bytes_, MADV_HUGEPAGE);
    }
  }
  /// Advise huge pages once `bytes` are in use instead of 8 MiB (a table whose use is spread
  /// over several stretches of its reservation).
  void advise_huge_from(std::size_t bytes) { huge_from_bytes_ = bytes; }
  std::size_t used() const { return used_.load(std::memory_order_relaxed); }
  std::uint64_t bytes() const { return std::uint64_t{used()} * sizeof(T); }

 private:
  static constexpr std::size_t per_page = std::max<std::size_t>(1, 4096 / sizeof(T));
  T* data_ = nullptr;
  std::size_t bytes_ = 0;
  std::size_t capacity_ = 0;
  std::size_t huge_from_bytes_ = std::size_t{8} << 20;
  alignas(64) std::atomic<std::size_t> used_{0};
  std::atomic<bool> advised_{false};
};

}  // namespace svcsim::simulator
