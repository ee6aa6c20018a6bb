// BigCount: exact arithmetic past 64 and 128 bits, checked against known factorials and
// hand-computed products.
#include <gtest/gtest.h>

#include "svcsim/simulator/big_count.hpp"

namespace svcsim::simulator {
namespace {

TEST(BigCount, ZeroAndSmallValuesPrintInDecimal) {
  EXPECT_EQ(BigCount{}.to_string(), "0");
  EXPECT_EQ(BigCount{7}.to_string(), "7");
  EXPECT_EQ(BigCount{4294967296ull}.to_string(), "4294967296");
}

TEST(BigCount, FactorialsPastSixtyFourBits) {
  EXPECT_EQ(BigCount::factorial(20).to_string(), "2432902008176640000");
  EXPECT_EQ(BigCount::factorial(21).to_string(), "51090942171709440000");  // > 2^64
  EXPECT_EQ(BigCount::factorial(35).to_string(),
            "10333147966386144929666651337523200000000");  // > 2^128
}

TEST(BigCount, AdditionCarriesAcrossLimbs) {
  BigCount count{0xFFFFFFFFFFFFFFFFull};
  count += BigCount{1};
  EXPECT_EQ(count.to_string(), "18446744073709551616");
  count.add(Count128{1} << 100);  // 2^64 + 2^100, computed independently
  EXPECT_EQ(count.to_string(), "1267650600246676145570412756992");
}

TEST(BigCount, MultiplicationMatchesFactorialIdentity) {
  // 30! = 20! * (21 * 22 * ... * 30)
  BigCount tail{1};
  for (std::uint32_t factor = 21; factor <= 30; ++factor) tail.multiply(factor);
  EXPECT_EQ(BigCount::factorial(20) * tail, BigCount::factorial(30));
  EXPECT_EQ((BigCount{0} * BigCount::factorial(30)).to_string(), "0");
}

TEST(BigCount, DecimalRoundTripAndOrdering) {
  const auto parsed = BigCount::from_decimal("265252859812191058636308480000000");  // 30!
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(*parsed, BigCount::factorial(30));
  EXPECT_FALSE(BigCount::from_decimal("12a").has_value());
  EXPECT_FALSE(BigCount::from_decimal("").has_value());
  EXPECT_LT(BigCount::factorial(20), BigCount::factorial(21));
  const auto fits = BigCount::factorial(25).to_count128();  // 25! < 2^128
  ASSERT_TRUE(fits.has_value());
  EXPECT_EQ(BigCount::from_count128(*fits).to_string(), "15511210043330985984000000");
  EXPECT_FALSE(BigCount::factorial(35).to_count128().has_value());
}

}  // namespace
}  // namespace svcsim::simulator
