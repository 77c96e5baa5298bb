// One Adam step over a parameter vector, in place: the update of @backprop/nn's `adam` method (optim/adam.ts),
// moved off the JavaScript thread's scalar loop. Per parameter, in this order:
//   sum += g * weight
//   m1 = beta1 * m1 + (1 - beta1) * g
//   m2 = beta2 * m2 + (1 - beta2) * g * g
//   x -= (step * m1) / (sqrt(m2) + epsilon)
// with the bias corrections already folded into step and epsilon by the caller. Every operation is one IEEE
// double operation in the order the TypeScript loop performs it (no FMA contraction; sqrt and division
// correctly rounded), so both give the same bits.
#pragma once

#include <napi.h>

#include <cstddef>

namespace backprop {

struct AdamCoefficients {
  double step, epsilon, beta1, beta2, weight;
};

void adamUpdate(double* x, const double* g, double* m1, double* m2, double* sum, size_t n,
                const AdamCoefficients& c);

// adamUpdate(x, g, m1, m2, sum, step, epsilon, beta1, beta2, weight): five Float64Arrays of one length, disjoint.
Napi::Value AdamUpdate(const Napi::CallbackInfo& info);

}  // namespace backprop
