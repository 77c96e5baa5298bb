#include "activation.h"

#include <algorithm>
#include <cmath>

#include "elementwise.h"
#include "vector_math.h"

// The loops are compiled like elementwise.cc's (once per CPU class, FMA contraction on: the x86-64-v3/v4
// classes fuse, the baseline does not).

namespace backprop {

namespace {

void tanhInPlace(double* z, size_t count) {
  for (size_t i = 0; i < count; ++i) z[i] = std::tanh(z[i]);
}

void reluInPlace(double* z, size_t count) {
  for (size_t i = 0; i < count; ++i) z[i] = z[i] < 0.0 ? 0.0 : z[i];
}

void leakyReluInPlace(double* z, size_t count, double slope) {
  for (size_t i = 0; i < count; ++i) z[i] = z[i] < 0.0 ? slope * z[i] : z[i];
}

void multiplyTanhGradient(double* delta, const double* a, size_t count) {
  for (size_t i = 0; i < count; ++i) delta[i] *= 1.0 - a[i] * a[i];
}

void multiplyReluGradient(double* delta, const double* a, size_t count) {
  for (size_t i = 0; i < count; ++i) delta[i] = a[i] > 0.0 ? delta[i] : 0.0;
}

void multiplyLeakyReluGradient(double* delta, const double* a, size_t count, double slope) {
  for (size_t i = 0; i < count; ++i) delta[i] = a[i] > 0.0 ? delta[i] : slope * delta[i];
}

// Each row of K entries <- its softmax.
void softmaxRows(double* z, size_t count, size_t K) {
  for (size_t i = 0; i < count; ++i) {
    double* row = z + i * K;
    double M = row[0];
    for (size_t k = 1; k < K; ++k) M = row[k] > M ? row[k] : M;
    double S = 0.0;
    for (size_t k = 0; k < K; ++k) {
      row[k] = expOfNonPositive(row[k] - M);
      S += row[k];
    }
    for (size_t k = 0; k < K; ++k) row[k] /= S;
  }
}

}  // namespace

void activate(Hidden f, double slope, double* z, size_t count) {
  switch (f) {
    case Hidden::sigmoid: return sigmoidInPlace(z, count);
    case Hidden::tanh: return tanhInPlace(z, count);
    case Hidden::relu: return reluInPlace(z, count);
    case Hidden::leakyRelu: return leakyReluInPlace(z, count, slope);
  }
}

void biasActivateRows(Hidden f, double slope, double* rows, size_t count, size_t ld, const double* bias,
                      size_t width) {
  if (f == Hidden::sigmoid) return biasSigmoidRows(rows, count, ld, bias, width);  // the seed's fused loop
  for (size_t i = 0; i < count; ++i) {
    double* row = rows + i * ld;
    for (size_t h = 0; h < width; ++h) row[h] += bias[h];
    activate(f, slope, row, width);
  }
}

void multiplyActivationGradient(Hidden f, double slope, double* delta, const double* a, size_t count) {
  switch (f) {
    case Hidden::sigmoid: return multiplySigmoidGradient(delta, a, count);
    case Hidden::tanh: return multiplyTanhGradient(delta, a, count);
    case Hidden::relu: return multiplyReluGradient(delta, a, count);
    case Hidden::leakyRelu: return multiplyLeakyReluGradient(delta, a, count, slope);
  }
}

void softmaxOutputLayer(double* z, const double* y, double* loss, size_t K, size_t ld, size_t count) {
  constexpr size_t kBlock = 64;  // examples at a time: their running max and sum stay in registers / L1
  double M[kBlock], S[kBlock], logS[kBlock];
  for (size_t i0 = 0; i0 < count; i0 += kBlock) {
    const size_t w = std::min(kBlock, count - i0);
    for (size_t i = 0; i < w; ++i) M[i] = z[i0 + i];
    for (size_t k = 1; k < K; ++k) {
      const double* zk = z + k * ld + i0;
      for (size_t i = 0; i < w; ++i) M[i] = zk[i] > M[i] ? zk[i] : M[i];
    }
    // t = z - M kept in loss for now, e^t in z.
    for (size_t i = 0; i < w; ++i) S[i] = 0.0;
    for (size_t k = 0; k < K; ++k) {
      double* zk = z + k * ld + i0;
      double* tk = loss + k * ld + i0;
      for (size_t i = 0; i < w; ++i) {
        tk[i] = zk[i] - M[i];
        zk[i] = expOfNonPositive(tk[i]);
        S[i] += zk[i];
      }
    }
    for (size_t i = 0; i < w; ++i) logS[i] = std::log(S[i]);  // LSE - M, S >= 1
    for (size_t k = 0; k < K; ++k) {
      double* zk = z + k * ld + i0;
      double* lk = loss + k * ld + i0;
      const double* yk = y + k * ld + i0;
      for (size_t i = 0; i < w; ++i) {
        lk[i] = yk[i] * (logS[i] - lk[i]);
        zk[i] = zk[i] / S[i] - yk[i];
      }
    }
  }
}

void outputActivationRows(Output output, double* z, size_t count, size_t K) {
  if (output == Output::sigmoid) return sigmoidInPlace(z, count * K);
  softmaxRows(z, count, K);
}

}  // namespace backprop
