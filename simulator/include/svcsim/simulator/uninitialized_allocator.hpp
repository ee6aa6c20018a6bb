// Vectors whose resize() does not zero what it adds: buffers that are always written whole
// before they are read (the explorer's layers, the messages between explore's ranks), where
// zeroing first would be one more pass over fresh memory.
#pragma once

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

/// std::allocator with DefaultInitialising's construct.
template <typename Value>
struct UninitializedAllocator : std::allocator<Value>, DefaultInitialising {
  template <typename Other>
  struct rebind {
    using other = UninitializedAllocator<Other>;
  };
  UninitializedAllocator() = default;
  template <typename Other>
  UninitializedAllocator(const UninitializedAllocator<Other>&) noexcept {}  // NOLINT: rebinding
};

}  // namespace svcsim::simulator
