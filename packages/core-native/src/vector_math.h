// exp and log1p on the ranges the sigmoid and the cross-entropy need, written as straight-line arithmetic
// (no calls, no branches) so that loops over them vectorise. Accurate to a few ulp, IEEE-only operations
// (no -ffast-math), NaN in -> NaN out. The float overloads evaluate the same double series and round once, so a
// float32 network's exponentials are the correctly rounded floats (nearly always) of one algorithm.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

namespace backprop {

inline double fromBits(uint64_t bits) {
  double d;
  std::memcpy(&d, &bits, sizeof d);
  return d;
}

inline uint64_t toBits(double d) {
  uint64_t bits;
  std::memcpy(&bits, &d, sizeof bits);
  return bits;
}

// 2^k for an integer-valued double k in [-1022, 1023]: built in the exponent field. Adding 1.5 * 2^52 puts k
// (two's complement) in the low mantissa bits; + 1023 and << 52 moves k + 1023 into the exponent.
inline double powerOfTwo(double k) {
  const double shifter = 6755399441055744.0;  // 1.5 * 2^52
  return fromBits((toBits(k + shifter) + 1023) << 52);
}

// e^x for x <= 0 (the sigmoid only ever needs exp(-|z|)); underflows gradually to subnormals and then to 0
// exactly like exp(). x = k ln2 + r with |r| <= ln2 / 2, e^r by its Taylor series to r^13 (remainder below
// 1e-17), 2^k applied in two steps so that subnormal results are rounded once, correctly.
inline double expOfNonPositive(double x) {
  const double log2e = 1.4426950408889634;
  const double ln2Hi = 6.93147180369123816490e-01;  // ln 2 with 21 trailing zero bits: k * ln2Hi is exact
  const double ln2Lo = 1.90821492927058770002e-10;
  x = x < -1100.0 ? -1100.0 : x;              // e^-1100 is 0 already; keeps k in range (NaN passes through)
  const double shifter = 6755399441055744.0;  // 1.5 * 2^52: adding then subtracting it rounds to an integer
  const double k = (x * log2e + shifter) - shifter;
  const double r = (x - k * ln2Hi) - k * ln2Lo;
  double p = 1.0 / 6227020800.0;  // 1/13!
  p = p * r + 1.0 / 479001600.0;
  p = p * r + 1.0 / 39916800.0;
  p = p * r + 1.0 / 3628800.0;
  p = p * r + 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  const double k1 = k < -1000.0 ? -1000.0 : k;  // k = k1 + k2, both 2^k1 and 2^k2 normal
  const double k2 = k - k1;
  return p * powerOfTwo(k1) * powerOfTwo(k2);
}

// log(1 + e) for e in [0, 1]: 2 atanh(s) with s = e / (2 + e) in [0, 1/3], by the odd series
// 2 (s + s^3/3 + s^5/5 + ...) to s^33 (remainder below 2e-17 relative). Exact for tiny e (returns e).
inline double log1pOfUnit(double e) {
  const double s = e / (2.0 + e);
  const double s2 = s * s;
  double q = 1.0 / 33.0;
  q = q * s2 + 1.0 / 31.0;
  q = q * s2 + 1.0 / 29.0;
  q = q * s2 + 1.0 / 27.0;
  q = q * s2 + 1.0 / 25.0;
  q = q * s2 + 1.0 / 23.0;
  q = q * s2 + 1.0 / 21.0;
  q = q * s2 + 1.0 / 19.0;
  q = q * s2 + 1.0 / 17.0;
  q = q * s2 + 1.0 / 15.0;
  q = q * s2 + 1.0 / 13.0;
  q = q * s2 + 1.0 / 11.0;
  q = q * s2 + 1.0 / 9.0;
  q = q * s2 + 1.0 / 7.0;
  q = q * s2 + 1.0 / 5.0;
  q = q * s2 + 1.0 / 3.0;
  return 2.0 * s + 2.0 * s * (s2 * q);
}

inline float expOfNonPositive(float x) { return static_cast<float>(expOfNonPositive(static_cast<double>(x))); }
inline float log1pOfUnit(float e) { return static_cast<float>(log1pOfUnit(static_cast<double>(e))); }

// The sigmoid 1/(1+e^-z), as e^z/(1+e^z) for z < 0, both from e = exp(-|z|) <= 1: finite for every finite z.
template <class T>
inline T sigmoidOf(T z) {
  const T e = expOfNonPositive(-std::fabs(z));
  return (z >= 0 ? T(1) : e) / (T(1) + e);
}

}  // namespace backprop
