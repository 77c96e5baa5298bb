// The L2 penalty of the seed's cost, the one place both passes add it: bias weights (column 0 of each Theta_l)
// are not regularised.
#pragma once

#include <cstddef>

#include "architecture.h"

namespace backprop {

// D[:, 1:] += (lambda / n) Theta[:, 1:] for every layer's block of grad (in T, double or float); returns the
// cost's term lambda / (2n) * (sum of the squared weights, taken in double). Nothing to do (0) when lambda is 0.
template <class T>
double regularize(const Architecture& arch, const T* theta, double lambda, size_t n, T* grad);

}  // namespace backprop
