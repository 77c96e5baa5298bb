// The math of the seed (Ng ex4) for any depth, on row-major buffers, every product through cblas_dgemm.
// No N-API here: these functions run on the main thread or on a libuv worker alike.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "architecture.h"

namespace backprop {

// Scratch buffers for up to `capacity` rows, allocated once and reused by every pass.
//   activation[l], l = 1 .. L-1: hidden activations A_l (rows x s_l)
//   delta[l],      l = 1 .. L:   delta_l (rows x s_l); delta[L] first holds Z_L, then h - y
//   rowVector:                   one row of the widest layer (bias broadcast, column sums)
struct Workspace {
  Workspace(const Architecture& arch, size_t capacity);
  size_t capacity;
  std::vector<std::vector<double>> activation;
  std::vector<std::vector<double>> delta;
  std::vector<double> rowVector;
};

// Bytes a Workspace for `capacity` rows takes, or 0 when that overflows (used to refuse absurd sizes).
size_t workspaceBytes(const Architecture& arch, size_t capacity);

// Forward pass over m rows of A0 (m x s_0): hidden activations land in ws.activation, the output layer's
// pre-activation Z_L (m x s_L) in zOut. Z_{l+1} = A_l W_l^T + b_l with Theta_l = [b_l | W_l].
void feedForward(const Architecture& arch, const double* theta, const double* A0, size_t m, Workspace& ws,
                 double* zOut);

// Forward pass then h = g(Z_L) into out (m x s_L).
void predictRows(const Architecture& arch, const double* theta, const double* X, size_t m, Workspace& ws,
                 double* out);

// Regularised cross-entropy J(theta) over m rows (X: m x s_0, Y: m x s_L one-hot) and its gradient into
// grad (same layout as theta). One forward pass shared by cost and gradient; no allocation.
double costGradient(const Architecture& arch, const double* theta, double lambda, const double* X,
                    const double* Y, size_t m, Workspace& ws, double* grad);

// Copies rows[r] of src (stride columns) into row r of dst, r = 0 .. count-1.
void gatherRows(const double* src, size_t columns, const uint32_t* rows, size_t count, double* dst);

}  // namespace backprop
