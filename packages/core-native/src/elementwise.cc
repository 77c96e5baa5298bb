#include "elementwise.h"

#include "vector_math.h"

// Each loop is compiled once per CPU class (one addon each), with FMA contraction on for this file
// (CMakeLists.txt): the x86-64-v3/v4 classes fuse exp's polynomial into FMAs and the baseline, which has no FMA,
// does not, so the classes differ in the last bits. With one class the bits are the same for any thread count
// (every lane does the same operations).

namespace backprop {

template <class T>
void sigmoidInPlace(T* z, size_t count) {
  for (size_t i = 0; i < count; ++i) z[i] = sigmoidOf(z[i]);
}

void biasSigmoidRows(double* rows, size_t count, size_t ld, const double* bias, size_t width) {
  for (size_t i = 0; i < count; ++i) {
    double* row = rows + i * ld;
    for (size_t h = 0; h < width; ++h) row[h] = sigmoidOf(bias[h] + row[h]);
  }
}

template <class T>
void outputLayer(T* z, const T* y, T* loss, size_t count) {
  for (size_t i = 0; i < count; ++i) {
    const T zi = z[i];
    const T yi = y[i];
    const T e = expOfNonPositive(-std::fabs(zi));
    const T log1pe = log1pOfUnit(e);                            // softplus(t) = max(t, 0) + log1p(e^-|t|)
    const T softplusPositive = (zi > 0 ? zi : T(0)) + log1pe;   // softplus(z)
    const T softplusNegative = (zi < 0 ? -zi : T(0)) + log1pe;  // softplus(-z)
    loss[i] = yi * softplusNegative + (T(1) - yi) * softplusPositive;
    z[i] = (zi >= 0 ? T(1) : e) / (T(1) + e) - yi;
  }
}

template <class T>
void multiplySigmoidGradient(T* delta, const T* a, size_t count) {
  for (size_t i = 0; i < count; ++i) delta[i] *= a[i] * (T(1) - a[i]);
}

template <class T>
double sum(const T* values, size_t count) {
  double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
  size_t i = 0;
  for (; i + 4 <= count; i += 4) {
    s0 += values[i];
    s1 += values[i + 1];
    s2 += values[i + 2];
    s3 += values[i + 3];
  }
  for (; i < count; ++i) s0 += values[i];
  return (s0 + s1) + (s2 + s3);
}

template <class T>
double sumOfSquares(const T* values, size_t count) {
  double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
  size_t i = 0;
  for (; i + 4 <= count; i += 4) {
    s0 += double(values[i]) * values[i];
    s1 += double(values[i + 1]) * values[i + 1];
    s2 += double(values[i + 2]) * values[i + 2];
    s3 += double(values[i + 3]) * values[i + 3];
  }
  for (; i < count; ++i) s0 += double(values[i]) * values[i];
  return (s0 + s1) + (s2 + s3);
}

bool allFinite(const double* values, size_t count) {
  // A value is inf or NaN exactly when its exponent bits are all ones; an integer OR over the entries
  // vectorises (no rounding involved).
  constexpr uint64_t kExponent = 0x7ff0000000000000ull;
  uint64_t anyNonFinite = 0;
  for (size_t i = 0; i < count; ++i) anyNonFinite |= (toBits(values[i]) & kExponent) == kExponent;
  return anyNonFinite == 0;
}

template void sigmoidInPlace<double>(double*, size_t);
template void sigmoidInPlace<float>(float*, size_t);
template void outputLayer<double>(double*, const double*, double*, size_t);
template void outputLayer<float>(float*, const float*, float*, size_t);
template void multiplySigmoidGradient<double>(double*, const double*, size_t);
template void multiplySigmoidGradient<float>(float*, const float*, size_t);
template double sum<double>(const double*, size_t);
template double sum<float>(const float*, size_t);
template double sumOfSquares<double>(const double*, size_t);
template double sumOfSquares<float>(const float*, size_t);

}  // namespace backprop
