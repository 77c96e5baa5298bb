// Elementwise functions of the seed, written so that saturated units never overflow.
#pragma once

#include <cmath>

namespace backprop {

// g(z) = 1 / (1 + e^-z). With e = exp(-|z|) <= 1 both branches stay finite for any finite z:
// z >= 0: 1 / (1 + e);  z < 0: e / (1 + e) (= exp(z) / (1 + exp(z))).
inline double sigmoid(double z) {
  const double e = std::exp(-std::fabs(z));
  return (z >= 0 ? 1.0 : e) / (1.0 + e);
}

// softplus(t) = log(1 + e^t) = max(t, 0) + log1p(exp(-|t|)), finite for any finite t.
inline double softplus(double t) { return std::fmax(t, 0.0) + std::log1p(std::exp(-std::fabs(t))); }

// The per-entry cross-entropy of the seed, -(y log h + (1 - y) log(1 - h)) with h = g(z), taken from the
// pre-activation z in log-sigmoid form: y softplus(-z) + (1 - y) softplus(z).
inline double crossEntropy(double z, double y) { return y * softplus(-z) + (1.0 - y) * softplus(z); }

}  // namespace backprop
