#include "regularization.h"

#include "elementwise.h"

namespace backprop {

template <class T>
double regularize(const Architecture& arch, const T* theta, double lambda, size_t n, T* grad) {
  if (lambda == 0.0) return 0.0;
  const double nD = static_cast<double>(n);
  const T scale = static_cast<T>(lambda / nD);
  double squares = 0.0;
  for (size_t l = 0; l < arch.depth(); ++l) {
    const size_t sIn = arch.layers[l], sOut = arch.layers[l + 1];
    const T* Theta = theta + arch.thetaOffset[l];
    T* D = grad + arch.thetaOffset[l];
    for (size_t j = 0; j < sOut; ++j) {
      const T* w = Theta + j * (sIn + 1) + 1;
      T* d = D + j * (sIn + 1) + 1;
      squares += sumOfSquares(w, sIn);
      for (size_t c = 0; c < sIn; ++c) d[c] += scale * w[c];
    }
  }
  return lambda / (2.0 * nD) * squares;
}

template double regularize<double>(const Architecture&, const double*, double, size_t, double*);
template double regularize<float>(const Architecture&, const float*, double, size_t, float*);

}  // namespace backprop
