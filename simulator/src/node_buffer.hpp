// NodeBuffer: a layer's per-node array (keys, path counts, path lengths). Private to the
// explorer (explorer_graph.hpp's Layer).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <type_traits>
#include <utility>

#include "svcsim/model/assert.hpp"
#include "svcsim/simulator/huge_page_allocator.hpp"

namespace svcsim::simulator::explorer_detail {

/// A growable array of a trivially copyable type on HugePageAllocator: std::vector's
/// interface as far as the explorer uses it, and an append that is always inlined. The search
/// appends to three of these per new node, from the inner loop; std::vector's push_back is
/// inlined or not as GCC's unit-growth budget decides, and in the loop's generic (several fault
/// variants) instantiation it was not: a call per append, 4% of that loop's instructions
/// (cachegrind, synthetic chain of 12 steps with one fault). Growing stays out of line.
/// resize() leaves new elements uninitialised, as HugePageAllocator's vectors did.
template <typename T>
class NodeBuffer {
  static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>);

 public:
  using value_type = T;
  using iterator = T*;
  using const_iterator = const T*;

  NodeBuffer() = default;
  NodeBuffer(const NodeBuffer&) = delete;
  NodeBuffer& operator=(const NodeBuffer&) = delete;
  NodeBuffer(NodeBuffer&& other) noexcept { swap(other); }
  NodeBuffer& operator=(NodeBuffer&& other) noexcept {
    NodeBuffer(std::move(other)).swap(*this);
    return *this;
  }
  ~NodeBuffer() { release(); }

  void swap(NodeBuffer& other) noexcept {
    std::swap(data_, other.data_);
    std::swap(size_, other.size_);
    std::swap(capacity_, other.capacity_);
  }

  [[gnu::always_inline]] void push_back(T value) {
    if (size_ == capacity_) [[unlikely]] grow(size_ + 1);
    data_[size_++] = value;
  }

  std::size_t size() const { return size_; }
  std::size_t capacity() const { return capacity_; }
  bool empty() const { return size_ == 0; }
  T* data() { return data_; }
  const T* data() const { return data_; }
  T* begin() { return data_; }
  T* end() { return data_ + size_; }
  const T* begin() const { return data_; }
  const T* end() const { return data_ + size_; }
  T& back() { return data_[size_ - 1]; }
  const T& back() const { return data_[size_ - 1]; }
  T& operator[](std::size_t index) { return data_[index]; }
  const T& operator[](std::size_t index) const { return data_[index]; }

  void clear() { size_ = 0; }
  void reserve(std::size_t capacity) {
    if (capacity > capacity_) reallocate(capacity);
  }
  /// Leaves the elements past the old size uninitialised: every one is written before read.
  void resize(std::size_t size) {
    if (size > capacity_) reallocate(size);
    size_ = size;
  }

 private:
  /// Doubles, as std::vector does, so appends stay amortised O(1).
  [[gnu::noinline]] void grow(std::size_t needed) {
    reallocate(std::max(needed, capacity_ == 0 ? std::size_t{16} : 2 * capacity_));
  }
  void reallocate(std::size_t capacity) {
    SVCSIM_ASSERT(capacity >= size_);
    T* fresh = HugePageAllocator<T>().allocate(capacity);
    if (size_ != 0) std::memcpy(static_cast<void*>(fresh), data_, size_ * sizeof(T));
    release();
    data_ = fresh;
    capacity_ = capacity;
  }
  void release() {
    if (data_ != nullptr) HugePageAllocator<T>().deallocate(data_, capacity_);
    data_ = nullptr;
  }

  T* data_ = nullptr;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

}  // namespace svcsim::simulator::explorer_detail
