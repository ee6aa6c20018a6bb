// Big buffers on transparent huge pages, each a mapping of its own: the explorer's layers and
// link arena (huge_pages.hpp says why huge pages), and the messages between explore's ranks,
// which are large and live for one layer, so a mapping gives them back to the system when freed
// (from the heap they stayed in the rank's resident memory). Debian's THP mode is `madvise`:
// the program has to ask, and this file asks.
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <cstdint>
#include <new>
#include <utility>

namespace svcsim::simulator {

inline constexpr std::size_t huge_page_bytes = std::size_t{2} << 20;

/// `bytes` of zeroed memory aligned to a huge page and advised onto huge pages, or null.
/// `reserve_only`: address space that the kernel backs only when touched (MAP_NORESERVE).
inline void* map_huge(std::size_t bytes, bool reserve_only, bool advise = true) {
  const std::size_t padded = bytes + huge_page_bytes;
  const int flags = MAP_PRIVATE | MAP_ANONYMOUS | (reserve_only ? MAP_NORESERVE : 0);
  void* raw = ::mmap(nullptr, padded, PROT_READ | PROT_WRITE, flags, -1, 0);
  if (raw == MAP_FAILED) return nullptr;
  // Trim to a 2 MiB boundary on both sides, so every page of the table can be a huge one.
  const auto start = reinterpret_cast<std::uintptr_t>(raw);
  const std::uintptr_t aligned = (start + huge_page_bytes - 1) & ~(huge_page_bytes - 1);
  if (aligned > start) ::munmap(raw, aligned - start);
  const std::uintptr_t end = start + padded;
  if (end > aligned + bytes) ::munmap(reinterpret_cast<void*>(aligned + bytes), end - aligned - bytes);
  void* table = reinterpret_cast<void*>(aligned);
  if (advise) ::madvise(table, bytes, MADV_HUGEPAGE);  // advice: a kernel without THP ignores it
  return table;
}

inline void unmap_huge(void* table, std::size_t bytes) {
  if (table != nullptr) ::munmap(table, bytes);
}

/// The construct() of HugePageAllocator: default-initialised, which for trivial types is nothing
/// at all, so resize() does not zero what it adds (one more pass over fresh memory otherwise).
struct DefaultInitialising {
  template <typename Value>
  void construct(Value* place) noexcept {
    ::new (static_cast<void*>(place)) Value;
  }
  template <typename Value, typename... Arguments>
  void construct(Value* place, Arguments&&... arguments) {
    ::new (static_cast<void*>(place)) Value(std::forward<Arguments>(arguments)...);
  }
};

/// A std::vector allocator that puts buffers of 4 MiB and more on huge pages, each a mapping
/// unmapped when freed (smaller ones on the heap, where a 2 MiB page would be mostly waste).
/// resize() leaves new elements uninitialised (DefaultInitialising): the explorer's layers and
/// the ranks' messages are written whole before read.
template <typename T>
struct HugePageAllocator : DefaultInitialising {
  using value_type = T;
  static constexpr std::size_t threshold = std::size_t{4} << 20;

  HugePageAllocator() = default;
  template <typename U>
  HugePageAllocator(const HugePageAllocator<U>&) {}  // NOLINT: allocators convert implicitly

  static std::size_t mapped_bytes(std::size_t count) {
    return (count * sizeof(T) + huge_page_bytes - 1) & ~(huge_page_bytes - 1);
  }
  T* allocate(std::size_t count) {
    if (count * sizeof(T) < threshold) return static_cast<T*>(::operator new(count * sizeof(T)));
    void* table = map_huge(mapped_bytes(count), false);
    if (table == nullptr) throw std::bad_alloc();
    return static_cast<T*>(table);
  }
  void deallocate(T* pointer, std::size_t count) {
    if (count * sizeof(T) < threshold) {
      ::operator delete(pointer);
      return;
    }
    unmap_huge(pointer, mapped_bytes(count));
  }
  template <typename U>
  bool operator==(const HugePageAllocator<U>&) const { return true; }
};

}  // namespace svcsim::simulator
