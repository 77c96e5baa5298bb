#include "dense_pass.h"

#include <algorithm>

#include "activation.h"
#include "elementwise.h"
#include "gemm.h"
#include "regularization.h"

namespace backprop {

namespace {

// C (M x n) = alpha op(A) B + beta C with op(A) M x K and B K x n (ld n, ldc n).
template <class T>
void productByColumns(CBLAS_TRANSPOSE transA, size_t M, size_t n, size_t K, T alpha, const T* A, size_t lda,
                      const T* B, T beta, T* C) {
  gemm(transA, CblasNoTrans, M, n, K, alpha, A, lda, B, n, beta, C, n);
}

}  // namespace

template <class T>
void feedForward(const Architecture& arch, const T* theta, Inputs<T> X, size_t n, BasicWorkspace<T>& ws, T* zOut) {
  const size_t L = arch.depth();
  for (size_t l = 0; l < L; ++l) {
    const size_t sIn = arch.layers[l], sOut = arch.layers[l + 1];
    const T* At = l == 0 ? X.values : ws.activation[l].data();
    const T* Theta = theta + arch.thetaOffset[l];
    T* Zt = l + 1 == L ? zOut : ws.activation[l + 1].data();
    // Z^T = b broadcast along each row, then Z^T += W A^T, W = Theta[:, 1:] read in place (leading dimension sIn + 1).
    for (size_t j = 0; j < sOut; ++j) std::fill(Zt + j * n, Zt + (j + 1) * n, Theta[j * (sIn + 1)]);
    if (l == 0 && X.byExample) {
      gemm(CblasNoTrans, CblasTrans, sOut, n, sIn, T(1), Theta + 1, sIn + 1, At, sIn, T(1), Zt, n);
    } else {
      productByColumns(CblasNoTrans, sOut, n, sIn, T(1), Theta + 1, sIn + 1, At, T(1), Zt);
    }
    if (l + 1 < L) activate(arch.hidden[l], arch.leakySlope, Zt, sOut * n);
  }
}

template <class T>
double denseCostGradient(const Architecture& arch, const T* theta, double lambda, Inputs<T> X, const T* Yt, size_t n,
                         BasicWorkspace<T>& ws, T* grad) {
  const size_t L = arch.depth();
  const size_t K = arch.outputs();
  T* output = ws.delta[L].data();
  feedForward(arch, theta, X, n, ws, output);

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
    const T* deltaT = ws.delta[l].data();
    const T* At = l == 1 ? X.values : ws.activation[l - 1].data();
    const T* Theta = theta + arch.thetaOffset[l - 1];
    T* D = grad + arch.thetaOffset[l - 1];

    // D[:, 1:] = delta^T A / n
    const bool byExample = l == 1 && X.byExample;
    gemm(CblasNoTrans, byExample ? CblasNoTrans : CblasTrans, sOut, sIn, n, static_cast<T>(1.0 / nD), deltaT, n, At,
         byExample ? sIn : n, T(0), D + 1, sIn + 1);
    // D[:, 0] = sums over the examples of delta / n
    for (size_t j = 0; j < sOut; ++j) D[j * (sIn + 1)] = static_cast<T>(sum(deltaT + j * n, n) / nD);
    if (l == 1) break;

    // delta_{l-1}^T = (W^T delta_l^T) .* f'(z), the gradient taken from the activation (a (1 - a) for sigmoid).
    T* previous = ws.delta[l - 1].data();
    productByColumns(CblasTrans, sIn, n, sOut, T(1), Theta + 1, sIn + 1, deltaT, T(0), previous);
    multiplyActivationGradient(arch.hidden[l - 2], arch.leakySlope, previous, ws.activation[l - 1].data(), sIn * n);
  }
  return cost + regularize(arch, theta, lambda, n, grad);
}

template void feedForward<double>(const Architecture&, const double*, Inputs<double>, size_t, Workspace&, double*);
template void feedForward<float>(const Architecture&, const float*, Inputs<float>, size_t, BasicWorkspace<float>&,
                                 float*);
template double denseCostGradient<double>(const Architecture&, const double*, double, Inputs<double>, const double*,
                                          size_t, Workspace&, double*);
template double denseCostGradient<float>(const Architecture&, const float*, double, Inputs<float>, const float*, size_t,
                                         BasicWorkspace<float>&, float*);

}  // namespace backprop
