// The bytes explore's ranks send each other (explore under MPI): fixed-width values appended in
// this process's own layout. Every rank runs the same binary, so nothing is converted; a reader
// that runs past its buffer is a bug in svcsim, and asserts.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>
#include <vector>

#include "svcsim/model/assert.hpp"
#include "svcsim/simulator/explorer.hpp"

namespace svcsim::simulator::explorer_detail {

using Bytes = ExplorePartition::Bytes;

/// Appends to `out` (which grows by doubling, as a vector does).
class ByteWriter {
 public:
  explicit ByteWriter(Bytes& out) : out_(out) {}

  template <typename Value>
  void put(const Value& value) {
    static_assert(std::is_trivially_copyable_v<Value>);
    put_bytes(&value, sizeof(Value));
  }
  void put_bytes(const void* data, std::size_t size) {
    const auto* bytes = static_cast<const std::uint8_t*>(data);
    out_.insert(out_.end(), bytes, bytes + size);
  }
  void put_string(const std::string& text) {
    put<std::uint64_t>(text.size());
    put_bytes(text.data(), text.size());
  }

 private:
  Bytes& out_;
};

class ByteReader {
 public:
  explicit ByteReader(const Bytes& in) : in_(in) {}
  template <typename Value>
  Value get() {
    static_assert(std::is_trivially_copyable_v<Value>);
    Value value;
    get_bytes(&value, sizeof(Value));
    return value;
  }
  void get_bytes(void* data, std::size_t size) {
    SVCSIM_ASSERT_MSG(size <= in_.size() - at_, "explore: a rank's message ends early");
    if (size != 0) std::memcpy(data, in_.data() + at_, size);
    at_ += size;
  }
  std::string get_string() {
    const auto size = get<std::uint64_t>();
    SVCSIM_ASSERT_MSG(size <= in_.size() - at_, "explore: a rank's message ends early");
    std::string text(reinterpret_cast<const char*>(in_.data() + at_), size);
    at_ += size;
    return text;
  }
  bool done() const { return at_ == in_.size(); }

 private:
  const Bytes& in_;
  std::size_t at_ = 0;
};

}  // namespace svcsim::simulator::explorer_detail
