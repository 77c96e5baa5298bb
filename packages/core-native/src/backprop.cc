#include "backprop.h"

#include <cblas.h>

#include <algorithm>

#include "elementwise.h"
#include "sparse_pass.h"

namespace backprop {

namespace {

blasint blas(size_t n) { return static_cast<blasint>(n); }

// Z^T (sOut x n): row j filled with the bias b_j = Theta[j, 0].
void broadcastBias(const double* Theta, size_t sIn, size_t sOut, size_t n, double* Zt) {
  for (size_t j = 0; j < sOut; ++j) std::fill(Zt + j * n, Zt + (j + 1) * n, Theta[j * (sIn + 1)]);
}

// C (M x n) = alpha op(A) B + beta C with op(A) M x K and B K x n (ld n, ldc n).
void productByColumns(CBLAS_TRANSPOSE transA, size_t M, size_t n, size_t K, double alpha, const double* A,
                      size_t lda, const double* B, double beta, double* C) {
  cblas_dgemm(CblasRowMajor, transA, CblasNoTrans, blas(M), blas(n), blas(K), alpha, A, blas(lda), B, blas(n), beta,
              C, blas(n));
}

}  // namespace

double sumOfSquaredWeights(const Architecture& arch, const double* theta) {
  double total = 0.0;
  for (size_t l = 0; l < arch.depth(); ++l) {
    const size_t sIn = arch.layers[l], sOut = arch.layers[l + 1];
    const double* Theta = theta + arch.thetaOffset[l];
    for (size_t j = 0; j < sOut; ++j) total += sumOfSquares(Theta + j * (sIn + 1) + 1, sIn);
  }
  return total;
}

Workspace::Workspace(const Architecture& arch, size_t examples)
    : capacity(examples), activation(arch.depth()), delta(arch.depth() + 1), loss(examples * arch.outputs()) {
  for (size_t l = 1; l < arch.depth(); ++l) activation[l].assign(capacity * arch.layers[l], 0.0);
  for (size_t l = 1; l <= arch.depth(); ++l) delta[l].assign(capacity * arch.layers[l], 0.0);
  const size_t K2 = arch.depth() > 1 ? (arch.layers[2] + 7) / 8 * 8 : 0;
  if (arch.depth() > 1 && arch.layers[1] * K2 <= kSmallLayer) {
    packedW2T.assign(arch.layers[1] * K2, 0.0);
    packedB2.assign(K2, 0.0);
  }
}

size_t workspaceBytes(const Architecture& arch, size_t capacity) {
  size_t doubles = 0;
  for (size_t l = 1; l <= arch.depth(); ++l) {
    // hidden layers: activation and delta; output layer: delta and loss
    std::optional<size_t> n = checkedProduct(capacity, arch.layers[l]);
    if (!n) return 0;
    std::optional<size_t> both = checkedProduct(*n, 2);
    if (!both || *both > kMaxElements - doubles) return 0;
    doubles += *both;
  }
  std::optional<size_t> bytes = checkedProduct(doubles, sizeof(double));
  return bytes ? *bytes : 0;
}

namespace {

void forwardLayers(const Architecture& arch, const double* theta, const double* Xt, size_t n, Workspace& ws,
                   double* zOut) {
  const size_t L = arch.depth();
  for (size_t l = 0; l < L; ++l) {
    const size_t sIn = arch.layers[l], sOut = arch.layers[l + 1];
    const double* At = l == 0 ? Xt : ws.activation[l].data();
    const double* Theta = theta + arch.thetaOffset[l];
    double* Zt = l + 1 == L ? zOut : ws.activation[l + 1].data();
    broadcastBias(Theta, sIn, sOut, n, Zt);
    // Z^T += W A^T, W = Theta[:, 1:] read in place (leading dimension sIn + 1).
    productByColumns(CblasNoTrans, sOut, n, sIn, 1.0, Theta + 1, sIn + 1, At, 1.0, Zt);
    if (l + 1 < L) sigmoidInPlace(Zt, sOut * n);
  }
}

}  // namespace

void feedForward(const Architecture& arch, const double* theta, const double* Xt, size_t n, Workspace& ws,
                 double* zOut) {
  forwardLayers(arch, theta, Xt, n, ws, zOut);
}

void predictColumns(const Architecture& arch, const double* theta, const double* Xt, size_t n, Workspace& ws,
                    double* hOut) {
  feedForward(arch, theta, Xt, n, ws, hOut);
  sigmoidInPlace(hOut, arch.outputs() * n);
}

double costGradient(const Architecture& arch, const double* theta, double lambda, const double* Xt,
                    const double* Yt, size_t n, Workspace& ws, double* grad, const SparseFirstLayer* sparse) {
  const size_t L = arch.depth();
  const size_t K = arch.outputs();
  // Skipping zero inputs equals the dense products only for finite weights (0 * inf is NaN).
  if (sparse != nullptr && allFinite(theta, arch.parameterCount)) {
    return sparseCostGradient(arch, theta, lambda, Yt, n, ws, grad, *sparse);
  }
  double* output = ws.delta[L].data();
  forwardLayers(arch, theta, Xt, n, ws, output);

  // Cost from Z_L in log-sigmoid form, and in the same sweep delta_L = h - y.
  outputLayer(output, Yt, ws.loss.data(), K * n);
  const double nD = static_cast<double>(n);
  double J = sum(ws.loss.data(), K * n) / nD;
  if (lambda != 0.0) J += lambda / (2.0 * nD) * sumOfSquaredWeights(arch, theta);

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
    // D[:, 1:] += (lambda / n) Theta[:, 1:]
    if (lambda != 0.0) {
      const double scale = lambda / nD;
      for (size_t j = 0; j < sOut; ++j) {
        const double* w = Theta + j * (sIn + 1) + 1;
        double* d = D + j * (sIn + 1) + 1;
        for (size_t c = 0; c < sIn; ++c) d[c] += scale * w[c];
      }
    }
    if (l == 1) break;

    // delta_{l-1}^T = (W^T delta_l^T) .* a (1 - a), the sigmoid gradient taken from the activation.
    double* previous = ws.delta[l - 1].data();
    productByColumns(CblasTrans, sIn, n, sOut, 1.0, Theta + 1, sIn + 1, deltaT, 0.0, previous);
    multiplySigmoidGradient(previous, ws.activation[l - 1].data(), sIn * n);
  }
  return J;
}

void transpose(const double* src, size_t rows, size_t cols, double* dst) {
  constexpr size_t kTile = 32;  // 32 x 32 doubles: both tiles stay in L1
  for (size_t r0 = 0; r0 < rows; r0 += kTile) {
    const size_t r1 = std::min(rows, r0 + kTile);
    for (size_t c0 = 0; c0 < cols; c0 += kTile) {
      const size_t c1 = std::min(cols, c0 + kTile);
      for (size_t r = r0; r < r1; ++r) {
        for (size_t c = c0; c < c1; ++c) dst[c * rows + r] = src[r * cols + c];
      }
    }
  }
}

void gatherColumns(const double* src, size_t units, size_t ld, const uint32_t* picks, size_t count, double* dst) {
  for (size_t u = 0; u < units; ++u) {
    const double* row = src + u * ld;
    double* out = dst + u * count;
    for (size_t r = 0; r < count; ++r) out[r] = row[picks[r]];
  }
}

}  // namespace backprop
