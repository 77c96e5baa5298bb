#include "backprop.h"

#include <cblas.h>

#include <algorithm>
#include <cstring>

#include "sigmoid.h"

namespace backprop {

namespace {

blasint blas(size_t n) { return static_cast<blasint>(n); }

// out (m x sOut) = bias broadcast per row; bias = column 0 of Theta (sOut x (sIn + 1)).
void broadcastBias(const double* Theta, size_t sIn, size_t sOut, size_t m, double* bias, double* out) {
  for (size_t j = 0; j < sOut; ++j) bias[j] = Theta[j * (sIn + 1)];
  for (size_t i = 0; i < m; ++i) std::memcpy(out + i * sOut, bias, sOut * sizeof(double));
}

void sigmoidInPlace(double* z, size_t count) {
  for (size_t i = 0; i < count; ++i) z[i] = sigmoid(z[i]);
}

// Sum over Theta_l[j, c] squared for c >= 1 (bias weights are not regularised).
double sumOfSquaredWeights(const Architecture& arch, const double* theta) {
  double total = 0.0;
  for (size_t l = 0; l < arch.depth(); ++l) {
    const size_t sIn = arch.layers[l], sOut = arch.layers[l + 1];
    const double* Theta = theta + arch.thetaOffset[l];
    for (size_t j = 0; j < sOut; ++j) {
      const double* w = Theta + j * (sIn + 1) + 1;
      double row = 0.0;
      for (size_t c = 0; c < sIn; ++c) row += w[c] * w[c];
      total += row;
    }
  }
  return total;
}

}  // namespace

Workspace::Workspace(const Architecture& arch, size_t capacity_)
    : capacity(capacity_), activation(arch.depth()), delta(arch.depth() + 1), rowVector(arch.widest()) {
  for (size_t l = 1; l < arch.depth(); ++l) activation[l].assign(capacity * arch.layers[l], 0.0);
  for (size_t l = 1; l <= arch.depth(); ++l) delta[l].assign(capacity * arch.layers[l], 0.0);
}

size_t workspaceBytes(const Architecture& arch, size_t capacity) {
  size_t doubles = arch.widest();
  for (size_t l = 1; l <= arch.depth(); ++l) {
    const size_t copies = l < arch.depth() ? 2 : 1;  // hidden layers: activation and delta
    std::optional<size_t> n = checkedProduct(capacity, arch.layers[l]);
    if (!n) return 0;
    std::optional<size_t> both = checkedProduct(*n, copies);
    if (!both || *both > kMaxElements - doubles) return 0;
    doubles += *both;
  }
  std::optional<size_t> bytes = checkedProduct(doubles, sizeof(double));
  return bytes ? *bytes : 0;
}

void feedForward(const Architecture& arch, const double* theta, const double* A0, size_t m, Workspace& ws,
                 double* zOut) {
  const size_t L = arch.depth();
  for (size_t l = 0; l < L; ++l) {
    const size_t sIn = arch.layers[l], sOut = arch.layers[l + 1];
    const double* A = l == 0 ? A0 : ws.activation[l].data();
    const double* Theta = theta + arch.thetaOffset[l];
    double* Z = l + 1 == L ? zOut : ws.activation[l + 1].data();
    broadcastBias(Theta, sIn, sOut, m, ws.rowVector.data(), Z);
    // Z += A W^T, W = Theta[:, 1:] read in place (leading dimension sIn + 1): X is never copied.
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, blas(m), blas(sOut), blas(sIn), 1.0, A, blas(sIn),
                Theta + 1, blas(sIn + 1), 1.0, Z, blas(sOut));
    if (l + 1 < L) sigmoidInPlace(Z, m * sOut);
  }
}

void predictRows(const Architecture& arch, const double* theta, const double* X, size_t m, Workspace& ws,
                 double* out) {
  feedForward(arch, theta, X, m, ws, out);
  sigmoidInPlace(out, m * arch.outputs());
}

double costGradient(const Architecture& arch, const double* theta, double lambda, const double* X,
                    const double* Y, size_t m, Workspace& ws, double* grad) {
  const size_t L = arch.depth();
  const size_t K = arch.outputs();
  double* output = ws.delta[L].data();
  feedForward(arch, theta, X, m, ws, output);

  // Cost from Z_L in log-sigmoid form, and in the same sweep delta_L = h - y.
  double crossEntropySum = 0.0;
  for (size_t i = 0; i < m * K; ++i) {
    const double z = output[i], y = Y[i];
    crossEntropySum += crossEntropy(z, y);
    output[i] = sigmoid(z) - y;
  }
  const double mD = static_cast<double>(m);
  double J = crossEntropySum / mD;
  if (lambda != 0.0) J += lambda / (2.0 * mD) * sumOfSquaredWeights(arch, theta);

  // Backward: for l = L .. 1, gradient block l-1 from delta_l, then delta_{l-1}.
  for (size_t l = L; l >= 1; --l) {
    const size_t sIn = arch.layers[l - 1], sOut = arch.layers[l];
    const double* delta = ws.delta[l].data();
    const double* A = l == 1 ? X : ws.activation[l - 1].data();
    const double* Theta = theta + arch.thetaOffset[l - 1];
    double* D = grad + arch.thetaOffset[l - 1];

    // D[:, 1:] = delta^T A / m
    cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, blas(sOut), blas(sIn), blas(m), 1.0 / mD, delta,
                blas(sOut), A, blas(sIn), 0.0, D + 1, blas(sIn + 1));
    // D[:, 0] = column sums of delta / m
    double* columnSum = ws.rowVector.data();
    std::fill(columnSum, columnSum + sOut, 0.0);
    for (size_t i = 0; i < m; ++i) {
      const double* row = delta + i * sOut;
      for (size_t j = 0; j < sOut; ++j) columnSum[j] += row[j];
    }
    for (size_t j = 0; j < sOut; ++j) D[j * (sIn + 1)] = columnSum[j] / mD;
    // D[:, 1:] += (lambda / m) Theta[:, 1:]
    if (lambda != 0.0) {
      const double scale = lambda / mD;
      for (size_t j = 0; j < sOut; ++j) {
        const double* w = Theta + j * (sIn + 1) + 1;
        double* d = D + j * (sIn + 1) + 1;
        for (size_t c = 0; c < sIn; ++c) d[c] += scale * w[c];
      }
    }
    if (l == 1) break;

    // delta_{l-1} = (delta_l W) .* a (1 - a), the sigmoid gradient taken from the activation.
    double* previous = ws.delta[l - 1].data();
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, blas(m), blas(sIn), blas(sOut), 1.0, delta,
                blas(sOut), Theta + 1, blas(sIn + 1), 0.0, previous, blas(sIn));
    const double* a = ws.activation[l - 1].data();
    for (size_t i = 0; i < m * sIn; ++i) previous[i] *= a[i] * (1.0 - a[i]);
  }
  return J;
}

void gatherRows(const double* src, size_t columns, const uint32_t* rows, size_t count, double* dst) {
  for (size_t r = 0; r < count; ++r) {
    std::memcpy(dst + r * columns, src + static_cast<size_t>(rows[r]) * columns, columns * sizeof(double));
  }
}

}  // namespace backprop
