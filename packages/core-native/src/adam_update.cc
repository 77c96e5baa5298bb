#include "adam_update.h"

#include <cmath>
#include <string>

#include "checks.h"

// Compiled once per CPU class (x86-64-v4, x86-64-v3, baseline: one addon each): 8-, 4- or 2-wide square roots
// and divisions. The file is built with -ffp-contract=off (no FMA) and -fno-math-errno (sqrt may vectorise), so
// every class rounds exactly as the scalar TypeScript loop does.

namespace backprop {

void adamUpdate(double* __restrict x, const double* __restrict g, double* __restrict m1, double* __restrict m2,
                double* __restrict sum, size_t n, const AdamCoefficients& c) {
  const double step = c.step, epsilon = c.epsilon, beta1 = c.beta1, beta2 = c.beta2, weight = c.weight;
  const double oneMinusBeta1 = 1.0 - beta1, oneMinusBeta2 = 1.0 - beta2;
  for (size_t i = 0; i < n; ++i) {
    const double gi = g[i];
    sum[i] += gi * weight;
    const double mi = beta1 * m1[i] + oneMinusBeta1 * gi;
    const double vi = beta2 * m2[i] + oneMinusBeta2 * gi * gi;
    m1[i] = mi;
    m2[i] = vi;
    x[i] -= (step * mi) / (std::sqrt(vi) + epsilon);
  }
}

Napi::Value AdamUpdate(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  size_t n = 0;
  double* x = checks::float64ArrayAnyLength(info[0], "x", &n);
  const double* g = checks::float64Array(info[1], "g", n);
  double* m1 = checks::float64Array(info[2], "m1", n);
  double* m2 = checks::float64Array(info[3], "m2", n);
  double* sum = checks::float64Array(info[4], "sum", n);
  const double* vectors[] = {x, g, m1, m2, sum};
  const char* names[] = {"x", "g", "m1", "m2", "sum"};
  for (size_t a = 0; a < 5; ++a) {
    for (size_t b = a + 1; b < 5; ++b) checks::disjoint(env, vectors[a], n, names[a], vectors[b], n, names[b]);
  }
  AdamCoefficients c{};
  c.step = checks::finiteNumber(info[5], "step", false);
  c.epsilon = checks::finiteNumber(info[6], "epsilon", true);
  c.beta1 = checks::finiteNumber(info[7], "beta1", true);
  c.beta2 = checks::finiteNumber(info[8], "beta2", true);
  c.weight = checks::finiteNumber(info[9], "weight", false);
  if (c.beta1 >= 1.0) checks::throwRangeError(env, "beta1: expected a number in [0, 1), got " + std::to_string(c.beta1));
  if (c.beta2 >= 1.0) checks::throwRangeError(env, "beta2: expected a number in [0, 1), got " + std::to_string(c.beta2));
  adamUpdate(x, g, m1, m2, sum, n, c);
  return env.Undefined();
}

}  // namespace backprop
