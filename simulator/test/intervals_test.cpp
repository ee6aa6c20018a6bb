// Checks the binomial intervals against values computed independently: Clopper-Pearson by
// bisection on exact binomial tail sums with rational arithmetic (Python's fractions), Wilson from
// its closed form with Python's NormalDist, both to 1e-6 as issue 9 asks.
#include "svcsim/simulator/intervals.hpp"

#include <gtest/gtest.h>

namespace svcsim::simulator {
namespace {

TEST(Intervals, WilsonSevenOfFifty) {
  const Interval interval = wilson_interval(7, 50, 0.95);
  EXPECT_NEAR(interval.low, 0.06950833427016294, 1e-6);
  EXPECT_NEAR(interval.high, 0.26186193710585537, 1e-6);
}

TEST(Intervals, ClopperPearsonSevenOfFifty) {
  const Interval interval = clopper_pearson_interval(7, 50, 0.95);
  EXPECT_NEAR(interval.low, 0.058191700340372084, 1e-6);
  EXPECT_NEAR(interval.high, 0.26739600249700846, 1e-6);
}

TEST(Intervals, ClopperPearsonEdges) {
  // 0 of 20: [0, 1 - 0.025^(1/20)]; n of n mirrors it.
  const Interval none = clopper_pearson_interval(0, 20, 0.95);
  EXPECT_EQ(none.low, 0.0);
  EXPECT_NEAR(none.high, 0.16843347098308534, 1e-6);
  const Interval all = clopper_pearson_interval(20, 20, 0.95);
  EXPECT_NEAR(all.low, 1 - 0.16843347098308534, 1e-6);
  EXPECT_EQ(all.high, 1.0);
}

TEST(Intervals, NormalQuantile) {
  EXPECT_NEAR(normal_quantile(0.975), 1.9599639845400536, 1e-9);
  EXPECT_NEAR(normal_quantile(0.5), 0.0, 1e-12);
  EXPECT_NEAR(normal_quantile(0.001), -3.090232306167813, 1e-9);
}

TEST(Intervals, ExactIsWiderThanWilsonAndBothHoldTheRate) {
  for (std::uint64_t successes : {1u, 7u, 25u, 49u}) {
    const Interval wilson = wilson_interval(successes, 50, 0.95);
    const Interval exact = clopper_pearson_interval(successes, 50, 0.95);
    const double rate = static_cast<double>(successes) / 50.0;
    EXPECT_LT(wilson.low, rate);
    EXPECT_GT(wilson.high, rate);
    EXPECT_LE(exact.low, wilson.low);
    EXPECT_GE(exact.high, wilson.high);
  }
  const Interval empty = wilson_interval(0, 0, 0.95);
  EXPECT_EQ(empty.low, 0.0);
  EXPECT_EQ(empty.high, 1.0);
}

}  // namespace
}  // namespace svcsim::simulator
