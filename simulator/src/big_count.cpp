// Arbitrary-precision unsigned integers: base 2^32 limbs, schoolbook arithmetic. Counts are
// added millions of times but multiplied rarely, so nothing cleverer is needed.
#include "svcsim/simulator/big_count.hpp"

#include <algorithm>

#include "svcsim/model/assert.hpp"

namespace svcsim::simulator {

BigCount::BigCount(std::uint64_t value) {
  while (value != 0) {
    limbs_.push_back(static_cast<std::uint32_t>(value));
    value >>= 32;
  }
}

BigCount BigCount::from_count128(Count128 value) {
  BigCount count;
  while (value != 0) {
    count.limbs_.push_back(static_cast<std::uint32_t>(value));
    value >>= 32;
  }
  return count;
}

std::optional<BigCount> BigCount::from_decimal(std::string_view text) {
  if (text.empty()) return std::nullopt;
  BigCount count;
  for (char digit : text) {
    if (digit < '0' || digit > '9') return std::nullopt;
    count.multiply(10);
    count.add(static_cast<Count128>(digit - '0'));
  }
  return count;
}

BigCount BigCount::factorial(unsigned value) {
  BigCount count{1};
  for (unsigned factor = 2; factor <= value; ++factor) count.multiply(factor);
  return count;
}

void BigCount::trim() {
  while (!limbs_.empty() && limbs_.back() == 0) limbs_.pop_back();
}

BigCount& BigCount::operator+=(const BigCount& other) {
  if (limbs_.size() < other.limbs_.size()) limbs_.resize(other.limbs_.size(), 0);
  std::uint64_t carry = 0;
  for (std::size_t index = 0; index < limbs_.size(); ++index) {
    const std::uint64_t sum = std::uint64_t{limbs_[index]} +
                              (index < other.limbs_.size() ? other.limbs_[index] : 0u) + carry;
    limbs_[index] = static_cast<std::uint32_t>(sum);
    carry = sum >> 32;
  }
  if (carry != 0) limbs_.push_back(static_cast<std::uint32_t>(carry));
  return *this;
}

BigCount& BigCount::add(Count128 value) {
  std::size_t index = 0;
  Count128 carry = value;
  while (carry != 0) {
    if (index == limbs_.size()) limbs_.push_back(0);
    const Count128 sum = Count128{limbs_[index]} + (carry & 0xFFFFFFFFu);
    limbs_[index] = static_cast<std::uint32_t>(sum);
    carry = (carry >> 32) + (sum >> 32);
    ++index;
  }
  return *this;
}

BigCount& BigCount::multiply(std::uint32_t factor) {
  std::uint64_t carry = 0;
  for (std::uint32_t& limb : limbs_) {
    const std::uint64_t product = std::uint64_t{limb} * factor + carry;
    limb = static_cast<std::uint32_t>(product);
    carry = product >> 32;
  }
  if (carry != 0) limbs_.push_back(static_cast<std::uint32_t>(carry));
  trim();
  return *this;
}

BigCount BigCount::operator*(const BigCount& other) const {
  BigCount product;
  if (is_zero() || other.is_zero()) return product;
  product.limbs_.assign(limbs_.size() + other.limbs_.size(), 0);
  for (std::size_t left = 0; left < limbs_.size(); ++left) {
    std::uint64_t carry = 0;
    for (std::size_t right = 0; right < other.limbs_.size(); ++right) {
      const std::uint64_t cell = std::uint64_t{limbs_[left]} * other.limbs_[right] +
                                 product.limbs_[left + right] + carry;
      product.limbs_[left + right] = static_cast<std::uint32_t>(cell);
      carry = cell >> 32;
    }
    std::size_t index = left + other.limbs_.size();
    while (carry != 0) {
      const std::uint64_t cell = std::uint64_t{product.limbs_[index]} + carry;
      product.limbs_[index] = static_cast<std::uint32_t>(cell);
      carry = cell >> 32;
      ++index;
    }
  }
  product.trim();
  return product;
}

std::optional<Count128> BigCount::to_count128() const {
  if (limbs_.size() > 4) return std::nullopt;
  Count128 value = 0;
  for (std::size_t index = limbs_.size(); index-- > 0;) value = (value << 32) | limbs_[index];
  return value;
}

std::string BigCount::to_string() const {
  if (is_zero()) return "0";
  std::vector<std::uint32_t> digits = limbs_;  // divided by 10^9 repeatedly
  std::vector<std::uint32_t> chunks;
  while (!digits.empty()) {
    std::uint64_t remainder = 0;
    for (std::size_t index = digits.size(); index-- > 0;) {
      const std::uint64_t current = (remainder << 32) | digits[index];
      digits[index] = static_cast<std::uint32_t>(current / 1000000000u);
      remainder = current % 1000000000u;
    }
    chunks.push_back(static_cast<std::uint32_t>(remainder));
    while (!digits.empty() && digits.back() == 0) digits.pop_back();
  }
  SVCSIM_ASSERT(!chunks.empty());  // a non-zero value has at least one base-10^9 digit
  std::string text = std::to_string(chunks.back());
  for (std::size_t index = chunks.size() - 1; index-- > 0;) {
    const std::string chunk = std::to_string(chunks[index]);
    text += std::string(9 - chunk.size(), '0') + chunk;
  }
  return text;
}

std::strong_ordering operator<=>(const BigCount& left, const BigCount& right) {
  if (left.limbs_.size() != right.limbs_.size()) {
    return left.limbs_.size() <=> right.limbs_.size();
  }
  for (std::size_t index = left.limbs_.size(); index-- > 0;) {
    if (left.limbs_[index] != right.limbs_[index]) return left.limbs_[index] <=> right.limbs_[index];
  }
  return std::strong_ordering::equal;
}

}  // namespace svcsim::simulator
