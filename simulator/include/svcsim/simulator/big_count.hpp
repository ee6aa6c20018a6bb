// BigCount: an exact unsigned integer of any size, for counting orders and runs. 21 steps
// already have more orders than 64 bits hold; JSON reports print these as decimal strings.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>
#include <optional>
#include <vector>

namespace svcsim::simulator {

// GCC and clang both have a native 128-bit integer; __extension__ keeps -Wpedantic quiet.
__extension__ typedef unsigned __int128 Count128;

class BigCount {
 public:
  BigCount() = default;
  BigCount(std::uint64_t value);  // NOLINT: implicit, counts start from small numbers
  static BigCount from_count128(Count128 value);
  /// Parses a decimal string of digits; nullopt for anything else.
  static std::optional<BigCount> from_decimal(std::string_view text);
  static BigCount factorial(unsigned value);

  BigCount& operator+=(const BigCount& other);
  BigCount& add(Count128 value);
  BigCount operator*(const BigCount& other) const;
  BigCount& multiply(std::uint32_t factor);

  bool is_zero() const { return limbs_.empty(); }
  /// The value if it fits in 128 bits.
  std::optional<Count128> to_count128() const;
  std::string to_string() const;  // decimal

  friend bool operator==(const BigCount&, const BigCount&) = default;
  friend std::strong_ordering operator<=>(const BigCount& left, const BigCount& right);

 private:
  void trim();
  std::vector<std::uint32_t> limbs_;  // little-endian base 2^32; empty means zero
};

}  // namespace svcsim::simulator
