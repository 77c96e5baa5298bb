#include "regularization.h"

#include "elementwise.h"

namespace backprop {

double regularize(const Architecture& arch, const double* theta, double lambda, size_t n, double* grad) {
  if (lambda == 0.0) return 0.0;
  const double nD = static_cast<double>(n), scale = lambda / nD;
  double squares = 0.0;
  for (size_t l = 0; l < arch.depth(); ++l) {
    const size_t sIn = arch.layers[l], sOut = arch.layers[l + 1];
    const double* Theta = theta + arch.thetaOffset[l];
    double* D = grad + arch.thetaOffset[l];
    for (size_t j = 0; j < sOut; ++j) {
      const double* w = Theta + j * (sIn + 1) + 1;
      double* d = D + j * (sIn + 1) + 1;
      squares += sumOfSquares(w, sIn);
      for (size_t c = 0; c < sIn; ++c) d[c] += scale * w[c];
    }
  }
  return lambda / (2.0 * nD) * squares;
}

}  // namespace backprop
