#include "activation.h"

#include <algorithm>
#include <cmath>

#include "elementwise.h"
#include "vector_math.h"

// The loops are compiled like elementwise.cc's (once per CPU class, FMA contraction on: the x86-64-v3/v4
// classes fuse, the baseline does not).

namespace backprop {

namespace {

template <class T>
void tanhInPlace(T* z, size_t count) {
  for (size_t i = 0; i < count; ++i) z[i] = std::tanh(z[i]);
}

template <class T>
void reluInPlace(T* z, size_t count) {
  for (size_t i = 0; i < count; ++i) z[i] = z[i] < T(0) ? T(0) : z[i];
}

template <class T>
void leakyReluInPlace(T* z, size_t count, T slope) {
  for (size_t i = 0; i < count; ++i) z[i] = z[i] < T(0) ? slope * z[i] : z[i];
}

template <class T>
void multiplyTanhGradient(T* delta, const T* a, size_t count) {
  for (size_t i = 0; i < count; ++i) delta[i] *= T(1) - a[i] * a[i];
}

template <class T>
void multiplyReluGradient(T* delta, const T* a, size_t count) {
  for (size_t i = 0; i < count; ++i) delta[i] = a[i] > T(0) ? delta[i] : T(0);
}

template <class T>
void multiplyLeakyReluGradient(T* delta, const T* a, size_t count, T slope) {
  for (size_t i = 0; i < count; ++i) delta[i] = a[i] > T(0) ? delta[i] : slope * delta[i];
}

// Each row of K entries <- its softmax.
template <class T>
void softmaxRows(T* z, size_t count, size_t K) {
  for (size_t i = 0; i < count; ++i) {
    T* row = z + i * K;
    T M = row[0];
    for (size_t k = 1; k < K; ++k) M = row[k] > M ? row[k] : M;
    double S = 0.0;
    for (size_t k = 0; k < K; ++k) {
      row[k] = expOfNonPositive(row[k] - M);
      S += row[k];
    }
    for (size_t k = 0; k < K; ++k) row[k] = static_cast<T>(row[k] / S);
  }
}

}  // namespace

template <class T>
void activate(Hidden f, double slope, T* z, size_t count) {
  switch (f) {
    case Hidden::sigmoid: return sigmoidInPlace(z, count);
    case Hidden::tanh: return tanhInPlace(z, count);
    case Hidden::relu: return reluInPlace(z, count);
    case Hidden::leakyRelu: return leakyReluInPlace(z, count, static_cast<T>(slope));
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

template <class T>
void multiplyActivationGradient(Hidden f, double slope, T* delta, const T* a, size_t count) {
  switch (f) {
    case Hidden::sigmoid: return multiplySigmoidGradient(delta, a, count);
    case Hidden::tanh: return multiplyTanhGradient(delta, a, count);
    case Hidden::relu: return multiplyReluGradient(delta, a, count);
    case Hidden::leakyRelu: return multiplyLeakyReluGradient(delta, a, count, static_cast<T>(slope));
  }
}

template <class T>
void softmaxOutputLayer(T* z, const T* y, T* loss, size_t K, size_t ld, size_t count) {
  constexpr size_t kBlock = 64;  // examples at a time: their running max and sum stay in registers / L1
  T M[kBlock];
  double S[kBlock], logS[kBlock];
  for (size_t i0 = 0; i0 < count; i0 += kBlock) {
    const size_t w = std::min(kBlock, count - i0);
    for (size_t i = 0; i < w; ++i) M[i] = z[i0 + i];
    for (size_t k = 1; k < K; ++k) {
      const T* zk = z + k * ld + i0;
      for (size_t i = 0; i < w; ++i) M[i] = zk[i] > M[i] ? zk[i] : M[i];
    }
    // t = z - M kept in loss for now, e^t in z.
    for (size_t i = 0; i < w; ++i) S[i] = 0.0;
    for (size_t k = 0; k < K; ++k) {
      T* zk = z + k * ld + i0;
      T* tk = loss + k * ld + i0;
      for (size_t i = 0; i < w; ++i) {
        tk[i] = zk[i] - M[i];
        zk[i] = expOfNonPositive(tk[i]);
        S[i] += zk[i];
      }
    }
    for (size_t i = 0; i < w; ++i) logS[i] = std::log(S[i]);  // LSE - M, S >= 1
    for (size_t k = 0; k < K; ++k) {
      T* zk = z + k * ld + i0;
      T* lk = loss + k * ld + i0;
      const T* yk = y + k * ld + i0;
      for (size_t i = 0; i < w; ++i) {
        lk[i] = static_cast<T>(yk[i] * (logS[i] - lk[i]));
        zk[i] = static_cast<T>(zk[i] / S[i] - yk[i]);
      }
    }
  }
}

template <class T>
void outputActivationRows(Output output, T* z, size_t count, size_t K) {
  if (output == Output::sigmoid) return sigmoidInPlace(z, count * K);
  softmaxRows(z, count, K);
}

template void activate<double>(Hidden, double, double*, size_t);
template void activate<float>(Hidden, double, float*, size_t);
template void multiplyActivationGradient<double>(Hidden, double, double*, const double*, size_t);
template void multiplyActivationGradient<float>(Hidden, double, float*, const float*, size_t);
template void softmaxOutputLayer<double>(double*, const double*, double*, size_t, size_t, size_t);
template void softmaxOutputLayer<float>(float*, const float*, float*, size_t, size_t, size_t);
template void outputActivationRows<double>(Output, double*, size_t, size_t);
template void outputActivationRows<float>(Output, float*, size_t, size_t);

}  // namespace backprop
