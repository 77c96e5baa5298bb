#include "elementwise.h"

#include "target_clones.h"
#include "vector_math.h"

// Each loop is compiled three times (BACKPROP_CLONES); results are identical across clones: every lane does
// the same IEEE operations and -ffp-contract=off (ISO C++ mode) keeps FMA contraction from changing rounding.

namespace backprop {

BACKPROP_CLONES
void sigmoidInPlace(double* z, size_t count) {
  for (size_t i = 0; i < count; ++i) z[i] = sigmoidOf(z[i]);
}

BACKPROP_CLONES
void biasSigmoidRows(double* rows, size_t count, size_t ld, const double* bias, size_t width) {
  for (size_t i = 0; i < count; ++i) {
    double* row = rows + i * ld;
    for (size_t h = 0; h < width; ++h) row[h] = sigmoidOf(bias[h] + row[h]);
  }
}

// Eight doubles (GCC vector extension): one AVX-512 register in the x86-64-v4 clone, two or four narrower ones in
// the others.
typedef double Eight __attribute__((vector_size(64), aligned(8)));

BACKPROP_CLONES
void layerFromRows(const double* A, size_t ldA, size_t count, size_t H, const double* WT, const double* bias,
                   size_t K, double* Zt, size_t ldZ) {
  const size_t KP = (K + 7) / 8 * 8;
  constexpr size_t kRows = 4;  // examples at once: four independent sums keep the FMA pipes busy
  for (size_t k0 = 0; k0 < K; k0 += 8) {
    const Eight b = *reinterpret_cast<const Eight*>(bias + k0);
    const size_t outputs = K - k0 < 8 ? K - k0 : 8;
    size_t i = 0;
    for (; i + kRows <= count; i += kRows) {
      Eight acc[kRows];
      for (size_t r = 0; r < kRows; ++r) acc[r] = b;
      for (size_t h = 0; h < H; ++h) {
        const Eight w = *reinterpret_cast<const Eight*>(WT + h * KP + k0);
        for (size_t r = 0; r < kRows; ++r) acc[r] += A[(i + r) * ldA + h] * w;
      }
      for (size_t j = 0; j < outputs; ++j) {
        for (size_t r = 0; r < kRows; ++r) Zt[(k0 + j) * ldZ + i + r] = acc[r][j];
      }
    }
    for (; i < count; ++i) {
      Eight acc = b;
      for (size_t h = 0; h < H; ++h) acc += A[i * ldA + h] * *reinterpret_cast<const Eight*>(WT + h * KP + k0);
      for (size_t j = 0; j < outputs; ++j) Zt[(k0 + j) * ldZ + i] = acc[j];
    }
  }
}

BACKPROP_CLONES
void outputLayer(double* z, const double* y, double* loss, size_t count) {
  for (size_t i = 0; i < count; ++i) {
    const double zi = z[i];
    const double yi = y[i];
    const double e = expOfNonPositive(-std::fabs(zi));
    const double log1pe = log1pOfUnit(e);                           // softplus(t) = max(t, 0) + log1p(e^-|t|)
    const double softplusPositive = (zi > 0 ? zi : 0.0) + log1pe;   // softplus(z)
    const double softplusNegative = (zi < 0 ? -zi : 0.0) + log1pe;  // softplus(-z)
    loss[i] = yi * softplusNegative + (1.0 - yi) * softplusPositive;
    z[i] = (zi >= 0 ? 1.0 : e) / (1.0 + e) - yi;
  }
}

BACKPROP_CLONES
void multiplySigmoidGradient(double* delta, const double* a, size_t count) {
  for (size_t i = 0; i < count; ++i) delta[i] *= a[i] * (1.0 - a[i]);
}

double sum(const double* values, size_t count) {
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

double sumOfSquares(const double* values, size_t count) {
  double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
  size_t i = 0;
  for (; i + 4 <= count; i += 4) {
    s0 += values[i] * values[i];
    s1 += values[i + 1] * values[i + 1];
    s2 += values[i + 2] * values[i + 2];
    s3 += values[i + 3] * values[i + 3];
  }
  for (; i < count; ++i) s0 += values[i] * values[i];
  return (s0 + s1) + (s2 + s3);
}

BACKPROP_CLONES
bool allFinite(const double* values, size_t count) {
  // A value is inf or NaN exactly when its exponent bits are all ones; an integer OR over the entries
  // vectorises (no rounding involved).
  constexpr uint64_t kExponent = 0x7ff0000000000000ull;
  uint64_t anyNonFinite = 0;
  for (size_t i = 0; i < count; ++i) anyNonFinite |= (toBits(values[i]) & kExponent) == kExponent;
  return anyNonFinite == 0;
}

}  // namespace backprop
