// Copies between the caller's float64 buffers and a pass's element type T: transposes, the gather of a
// minibatch's columns, and the rounding of a vector to T (std::copy's conversion: round to nearest, as
// Math.fround) or its widening back.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace backprop {

// dst (cols x rows) = src^T for a row-major src (rows x cols), each value converted to Dst.
template <class Src, class Dst>
void transpose(const Src* src, size_t rows, size_t cols, Dst* dst) {
  constexpr size_t kTile = 32;  // 32 x 32 doubles: both tiles stay in L1
  for (size_t r0 = 0; r0 < rows; r0 += kTile) {
    const size_t r1 = std::min(rows, r0 + kTile);
    for (size_t c0 = 0; c0 < cols; c0 += kTile) {
      const size_t c1 = std::min(cols, c0 + kTile);
      for (size_t r = r0; r < r1; ++r) {
        for (size_t c = c0; c < c1; ++c) dst[c * rows + r] = static_cast<Dst>(src[r * cols + c]);
      }
    }
  }
}

// For a matrix with one row per unit (units x ld), copies columns picks[0 .. count) into dst (units x count).
template <class T>
void gatherColumns(const T* src, size_t units, size_t ld, const uint32_t* picks, size_t count, T* dst) {
  for (size_t u = 0; u < units; ++u) {
    for (size_t r = 0; r < count; ++r) dst[u * count + r] = src[u * ld + picks[r]];
  }
}

// For a matrix with one row per example (examples x width), copies rows picks[0 .. count) into dst (count x width).
template <class T>
void gatherRows(const T* src, size_t width, const uint32_t* picks, size_t count, T* dst) {
  for (size_t r = 0; r < count; ++r) std::copy(src + picks[r] * width, src + (picks[r] + 1) * width, dst + r * width);
}

// dst[i] = src[i] converted (rounded to float, or widened to double).
template <class Src, class Dst>
void convert(const Src* src, size_t count, Dst* dst) {
  std::copy(src, src + count, dst);
}

}  // namespace backprop
