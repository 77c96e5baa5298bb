// The per-layer buffers of a cost and gradient pass (dense or sparse), allocated once for the most examples a
// pass takes and reused by every pass: the passes allocate nothing.
#pragma once

#include <cstddef>
#include <vector>

#include "architecture.h"

namespace backprop {

// Each matrix of per-example values has one row per unit and `capacity` columns (see dense_pass.h), of the
// pass's element type T (double; float for dtype float32):
//   activation[l], l = 1 .. L-1: hidden activations A_l^T (s_l x n)
//   delta[l],      l = 1 .. L:   delta_l^T (s_l x n); delta[L] first holds Z_L^T, then h - y
//   loss:                        the per-entry cross-entropy of the output layer (s_L x n)
template <class T>
struct BasicWorkspace {
  BasicWorkspace(const Architecture& arch, size_t capacity);
  size_t capacity;
  std::vector<std::vector<T>> activation;
  std::vector<std::vector<T>> delta;
  std::vector<T> loss;
  size_t bytes() const;
};
using Workspace = BasicWorkspace<double>;

// Bytes a workspace of elements of `elementSize` bytes for `capacity` examples takes, or 0 when that overflows
// (used to refuse absurd sizes).
size_t workspaceBytes(const Architecture& arch, size_t capacity, size_t elementSize);

}  // namespace backprop
