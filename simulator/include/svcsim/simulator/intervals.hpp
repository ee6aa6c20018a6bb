// Confidence intervals for a binomial proportion, for the rates `svcsim compare` reports: Wilson's
// score interval (what the reports print) and the exact Clopper-Pearson interval.
#pragma once

#include <cstdint>

namespace svcsim::simulator {

struct Interval {
  double low = 0.0;
  double high = 1.0;
};

/// Wilson's score interval for `successes` of `trials` at two-sided confidence `confidence`
/// (e.g. 0.95). With no trial the interval is [0, 1].
///
///   wilson_interval(7, 50, 0.95)  // about [0.0695, 0.2623]
Interval wilson_interval(std::uint64_t successes, std::uint64_t trials, double confidence);

/// The Clopper-Pearson ("exact") interval: the beta quantiles B(a/2; k, n-k+1) and
/// B(1-a/2; k+1, n-k), found by bisection on the regularized incomplete beta function.
Interval clopper_pearson_interval(std::uint64_t successes, std::uint64_t trials, double confidence);

/// The standard normal quantile (Acklam's rational approximation refined by one Halley step;
/// accurate to about 1e-15 on (0, 1)).
double normal_quantile(double probability);

/// The regularized incomplete beta function I_x(a, b) (continued fraction, modified Lentz).
double regularized_incomplete_beta(double x, double a, double b);

}  // namespace svcsim::simulator
