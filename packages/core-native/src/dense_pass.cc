#include "dense_pass.h"

#include <cblas.h>

#include <algorithm>

#include "activation.h"
#include "elementwise.h"
#include "regularization.h"

namespace backprop {

namespace {

blasint blas(size_t n) { return static_cast<blasint>(n); }

// C (M x n) = alpha op(A) B + beta C with op(A) M x K and B K x n (ld n, ldc n).
void productByColumns(CBLAS_TRANSPOSE transA, size_t M, size_t n, size_t K, double alpha, const double* A,
                      size_t lda, const double* B, double beta, double* C) {
  cblas_dgemm(CblasRowMajor, transA, CblasNoTrans, blas(M), blas(n), blas(K), alpha, A, blas(lda), B, blas(n), beta,
              C, blas(n));
}

}  // namespace

void feedForward(const Architecture& arch, const double* theta, const double* Xt, size_t n, Workspace& ws,
                 double* zOut) {
  const size_t L = arch.depth();
  for (size_t l = 0; l < L; ++l) {
    const size_t sIn = arch.layers[l], sOut = arch.layers[l + 1];
    const double* At = l == 0 ? Xt : ws.activation[l].data();
    const double* Theta = theta + arch.thetaOffset[l];
    double* Zt = l + 1 == L ? zOut : ws.activation[l + 1].data();
    // Z^T = b broadcast along each row, then Z^T += W A^T, W = Theta[:, 1:] read in place (leading dimension sIn + 1).
    for (size_t j = 0; j < sOut; ++j) std::fill(Zt + j * n, Zt + (j + 1) * n, Theta[j * (sIn + 1)]);
    productByColumns(CblasNoTrans, sOut, n, sIn, 1.0, Theta + 1, sIn + 1, At, 1.0, Zt);
    if (l + 1 < L) activate(arch.hidden[l], arch.leakySlope, Zt, sOut * n);
  }
}

double denseCostGradient(const Architecture& arch, const double* theta, double lambda, const double* Xt,
                         const double* Yt, size_t n, Workspace& ws, double* grad) {
  const size_t L = arch.depth();
  const size_t K = arch.outputs();
  double* output = ws.delta[L].data();
  feedForward(arch, theta, Xt, n, ws, output);

  // Cost from Z_L (log-sigmoid form, or log-sum-exp for softmax), and in the same sweep delta_L = h - y.
  if (arch.output == Output::sigmoid) {
    outputLayer(output, Yt, ws.loss.data(), K * n);
  } else {
    softmaxOutputLayer(output, Yt, ws.loss.data(), K, n, n);
  }
  const double nD = static_cast<double>(n);
  const double cost = sum(ws.loss.data(), K * n) / nD;

  // Backward: for l = L .. 1, gradient block l-1 from delta_l, then delta_{l-1}.
  for (size_t l = L; l >= 1; --l) {
    const size_t sIn = arch.layers[l - 1], sOut = arch.layers[l];
    const double* deltaT = ws.delta[l].data();
    const double* At = l == 1 ? Xt : ws.activation[l - 1].data();
    const double* Theta = theta + arch.thetaOffset[l - 1];
    double* D = grad + arch.thetaOffset[l - 1];

    // D[:, 1:] = delta^T A / n
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, blas(sOut), blas(sIn), blas(n), 1.0 / nD, deltaT, blas(n),
                At, blas(n), 0.0, D + 1, blas(sIn + 1));
    // D[:, 0] = sums over the examples of delta / n
    for (size_t j = 0; j < sOut; ++j) D[j * (sIn + 1)] = sum(deltaT + j * n, n) / nD;
    if (l == 1) break;

    // delta_{l-1}^T = (W^T delta_l^T) .* f'(z), the gradient taken from the activation (a (1 - a) for sigmoid).
    double* previous = ws.delta[l - 1].data();
    productByColumns(CblasTrans, sIn, n, sOut, 1.0, Theta + 1, sIn + 1, deltaT, 0.0, previous);
    multiplyActivationGradient(arch.hidden[l - 2], arch.leakySlope, previous, ws.activation[l - 1].data(), sIn * n);
  }
  return cost + regularize(arch, theta, lambda, n, grad);
}

}  // namespace backprop
