// Binomial confidence intervals (intervals.hpp). Written here rather than taken from a library
// because the reports must be byte-identical everywhere: only std::log, std::exp, std::sqrt,
// std::lgamma and std::erfc are used, with fixed iteration counts.
#include "svcsim/simulator/intervals.hpp"

#include <cmath>

#include "svcsim/model/assert.hpp"

namespace svcsim::simulator {
namespace {

constexpr int continued_fraction_terms_max = 300;
constexpr int bisection_steps = 100;  // halves [0, 1] far below double precision

/// The continued fraction of I_x(a, b) (Numerical Recipes' betacf, modified Lentz's method).
double beta_continued_fraction(double x, double a, double b) {
  constexpr double tiny = 1e-300;
  constexpr double epsilon = 1e-16;
  const double sum = a + b;
  const double plus = a + 1.0;
  const double minus = a - 1.0;
  double c = 1.0;
  double d = 1.0 - sum * x / plus;
  if (std::fabs(d) < tiny) d = tiny;
  d = 1.0 / d;
  double h = d;
  for (int m = 1; m <= continued_fraction_terms_max; ++m) {
    const double m2 = 2.0 * m;
    double aa = m * (b - m) * x / ((minus + m2) * (a + m2));
    d = 1.0 + aa * d;
    if (std::fabs(d) < tiny) d = tiny;
    c = 1.0 + aa / c;
    if (std::fabs(c) < tiny) c = tiny;
    d = 1.0 / d;
    h *= d * c;
    aa = -(a + m) * (sum + m) * x / ((a + m2) * (plus + m2));
    d = 1.0 + aa * d;
    if (std::fabs(d) < tiny) d = tiny;
    c = 1.0 + aa / c;
    if (std::fabs(c) < tiny) c = tiny;
    d = 1.0 / d;
    const double delta = d * c;
    h *= delta;
    if (std::fabs(delta - 1.0) < epsilon) break;
  }
  return h;
}

/// The x with I_x(a, b) = target, by bisection (I_x is increasing in x).
double beta_quantile(double target, double a, double b) {
  double low = 0.0;
  double high = 1.0;
  for (int step = 0; step < bisection_steps; ++step) {
    const double middle = 0.5 * (low + high);
    if (regularized_incomplete_beta(middle, a, b) < target) {
      low = middle;
    } else {
      high = middle;
    }
  }
  SVCSIM_ASSERT(low <= high);
  return 0.5 * (low + high);
}

}  // namespace

double regularized_incomplete_beta(double x, double a, double b) {
  SVCSIM_ASSERT(a > 0 && b > 0);
  SVCSIM_ASSERT(x >= 0 && x <= 1);
  if (x == 0.0 || x == 1.0) return x;
  const double log_front = std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) +
                           b * std::log1p(-x);
  const double front = std::exp(log_front);
  // The fraction converges fast for x below the mean; use the symmetry I_x(a,b) = 1 - I_1-x(b,a).
  if (x < (a + 1.0) / (a + b + 2.0)) return front * beta_continued_fraction(x, a, b) / a;
  return 1.0 - front * beta_continued_fraction(1.0 - x, b, a) / b;
}

double normal_quantile(double probability) {
  SVCSIM_ASSERT(probability > 0.0 && probability < 1.0);
  // Acklam's coefficients.
  constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                          1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
  constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                          6.680131188771972e+01,  -1.328068155288572e+01};
  constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                          -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
  constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                          3.754408661907416e+00};
  constexpr double low_tail = 0.02425;
  double x = 0;
  if (probability < low_tail) {
    const double q = std::sqrt(-2 * std::log(probability));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (probability <= 1 - low_tail) {
    const double q = probability - 0.5;
    const double r = q * q;
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  } else {
    const double q = std::sqrt(-2 * std::log(1 - probability));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  // One Halley step on the exact normal CDF.
  const double error = 0.5 * std::erfc(-x / std::sqrt(2.0)) - probability;
  const double u = error * std::sqrt(2 * M_PI) * std::exp(x * x / 2);
  return x - u / (1 + x * u / 2);
}

Interval wilson_interval(std::uint64_t successes, std::uint64_t trials, double confidence) {
  SVCSIM_ASSERT(successes <= trials);
  SVCSIM_ASSERT(confidence > 0.0 && confidence < 1.0);
  if (trials == 0) return {};
  const double z = normal_quantile(1.0 - (1.0 - confidence) / 2.0);
  const double n = static_cast<double>(trials);
  const double p = static_cast<double>(successes) / n;
  const double z2 = z * z;
  const double center = (p + z2 / (2 * n)) / (1 + z2 / n);
  const double half = z / (1 + z2 / n) * std::sqrt(p * (1 - p) / n + z2 / (4 * n * n));
  Interval interval{std::max(0.0, center - half), std::min(1.0, center + half)};
  SVCSIM_ASSERT(interval.low <= p + 1e-12 && p <= interval.high + 1e-12);
  return interval;
}

Interval clopper_pearson_interval(std::uint64_t successes, std::uint64_t trials, double confidence) {
  SVCSIM_ASSERT(successes <= trials);
  SVCSIM_ASSERT(confidence > 0.0 && confidence < 1.0);
  if (trials == 0) return {};
  const double alpha = 1.0 - confidence;
  const double k = static_cast<double>(successes);
  const double n = static_cast<double>(trials);
  Interval interval;
  interval.low = successes == 0 ? 0.0 : beta_quantile(alpha / 2, k, n - k + 1);
  interval.high = successes == trials ? 1.0 : beta_quantile(1 - alpha / 2, k + 1, n - k);
  SVCSIM_ASSERT(interval.low <= interval.high);
  return interval;
}

}  // namespace svcsim::simulator
