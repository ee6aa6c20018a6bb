// Vectors whose resize() does not zero what it adds: buffers that are always written whole
// before they are read (the explorer's layers, the messages between explore's ranks), where
// zeroing first would be one more pass over fresh memory.
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <utility>

namespace svcsim::simulator {

/// The construct() of such an allocator: default-initialised, which for trivial types is
/// nothing at all. Allocators inherit it (huge_pages.hpp's HugePageAllocator too).
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

/// An allocator with DefaultInitialising's construct, for explore's layer messages. A block of
/// 1 MiB or more is a mapping of its own (on huge pages when the kernel grants them), given back
/// to the system when freed: a rank's messages are large and live for one layer, and from the
/// heap they stayed in the rank's resident memory after they were freed.
template <typename Value>
struct UninitializedAllocator : DefaultInitialising {
  using value_type = Value;
  static constexpr std::size_t mapped_from = std::size_t{1} << 20;

  UninitializedAllocator() = default;
  template <typename Other>
  UninitializedAllocator(const UninitializedAllocator<Other>&) noexcept {}  // NOLINT: rebinding

  Value* allocate(std::size_t count) {
    if (count > SIZE_MAX / sizeof(Value)) throw std::bad_alloc();
    const std::size_t bytes = count * sizeof(Value);
    if (bytes < mapped_from) return static_cast<Value*>(::operator new(bytes));
    void* block = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (block == MAP_FAILED) throw std::bad_alloc();
    ::madvise(block, bytes, MADV_HUGEPAGE);  // advice: a kernel without THP ignores it
    return static_cast<Value*>(block);
  }
  void deallocate(Value* block, std::size_t count) noexcept {
    const std::size_t bytes = count * sizeof(Value);
    if (bytes < mapped_from) {
      ::operator delete(block);
      return;
    }
    ::munmap(block, bytes);
  }
  template <typename Other>
  bool operator==(const UninitializedAllocator<Other>&) const noexcept { return true; }
};

}  // namespace svcsim::simulator
