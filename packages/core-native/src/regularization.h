// The L2 penalty of the seed's cost, the one place both passes add it: bias weights (column 0 of each Theta_l)
// are not regularised.
#pragma once

#include <cstddef>

#include "architecture.h"

namespace backprop {

// D[:, 1:] += (lambda / n) Theta[:, 1:] for every layer's block of grad; returns the cost's term
// lambda / (2n) * (sum of the squared weights). Nothing to do (0) when lambda is 0.
double regularize(const Architecture& arch, const double* theta, double lambda, size_t n, double* grad);

}  // namespace backprop
