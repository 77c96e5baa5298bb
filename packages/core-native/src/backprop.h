// The math of the seed (Ng ex4) for any depth, every product through cblas_dgemm.
// No N-API here: these functions run on the main thread or on a libuv worker alike.
//
// Layout: inside the addon every matrix of per-example values is stored with one ROW PER UNIT and one column
// per example (s_l x n, row-major, leading dimension n): X^T, Y^T, A_l^T, Z_l^T, delta_l^T. The seed's products
// then read
//   Z_{l+1}^T = b_l + W_l A_l^T              (dgemm NN: W_l read in place from Theta_l = [b_l | W_l])
//   delta_l^T = (W_l^T delta_{l+1}^T) .* a_l (1 - a_l)       (dgemm TN)
//   Delta_l   = delta_{l+1}^T A_l = delta_{l+1}^T (A_l^T)^T  (dgemm NT)
// which is the same arithmetic as the row-major form, but lets OpenBLAS stream the long example dimension
// (measured: about 1.4x faster on one thread and 3x on two for 5000 x 400 inputs and 25 hidden units).
// The caller's row-major X, Y and outputs are transposed once at the boundary.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "architecture.h"
#include "sparse_input.h"
#include "thread_pool.h"

namespace backprop {

// Scratch buffers for passes of up to `capacity` examples, allocated once and reused by every pass.
//   activation[l], l = 1 .. L-1: hidden activations A_l^T (s_l x n)
//   delta[l],      l = 1 .. L:   delta_l^T (s_l x n); delta[L] first holds Z_L^T, then h - y
//   loss:                        the per-entry cross-entropy of the output layer (s_L x n)
//   packedW2T, packedB2:         W_2^T (s_1 x K2, K2 = s_2 rounded up to a multiple of 8) and b_2 (K2), zero
//                                padded, for the sparse pass's layer 2 (see layerFromRows); empty when W_2^T
//                                has more than kSmallLayer doubles (that product then goes to OpenBLAS)
struct Workspace {
  Workspace(const Architecture& arch, size_t capacity);
  size_t capacity;
  std::vector<std::vector<double>> activation;
  std::vector<std::vector<double>> delta;
  std::vector<double> loss;
  std::vector<double> packedW2T, packedB2;
  static constexpr size_t kSmallLayer = 8192;  // doubles (64 KiB): W_2^T stays in L1 / L2 across a chunk
};

// Bytes a Workspace for `capacity` examples takes, or 0 when that overflows (used to refuse absurd sizes):
// the per-example buffers (the packed W_2 does not grow with the examples and is left out).
size_t workspaceBytes(const Architecture& arch, size_t capacity);

// Forward pass over n examples Xt (s_0 x n): hidden activations land in ws.activation, the output layer's
// pre-activation Z_L^T (s_L x n) in zOut.
void feedForward(const Architecture& arch, const double* theta, const double* Xt, size_t n, Workspace& ws,
                 double* zOut);

// Forward pass then h^T = g(Z_L^T) into hOut (s_L x n).
void predictColumns(const Architecture& arch, const double* theta, const double* Xt, size_t n, Workspace& ws,
                    double* hOut);

// The first layer's products through a sparse copy of the resident X, over the examples it has selected (see
// sparse_input.h), with its scratch deltaRows (n x SparseInput::paddedWidth(s_1), zeroed) and partials
// (partialDoubles(arch, n), see sparse_pass.h); the rest of the pass runs on `threads` threads of pool (at most
// pool.reserve()'s answer).
struct SparseFirstLayer {
  SparseInput* input;
  double* deltaRows;
  double* partials;
  ThreadPool* pool;
  size_t threads;
};

// Sum over Theta_l[j, c] squared for c >= 1 (bias weights are not regularised).
double sumOfSquaredWeights(const Architecture& arch, const double* theta);

// Regularised cross-entropy J(theta) over n examples (Xt: s_0 x n, Yt: s_L x n) and its gradient into grad
// (same layout as theta: Theta1 row-major, then Theta2, ...). One forward pass shared by cost and gradient;
// no allocation.
double costGradient(const Architecture& arch, const double* theta, double lambda, const double* Xt,
                    const double* Yt, size_t n, Workspace& ws, double* grad,
                    const SparseFirstLayer* sparse = nullptr);

// dst (cols x rows) = src^T for a row-major src (rows x cols).
void transpose(const double* src, size_t rows, size_t cols, double* dst);

// For a matrix with one row per unit (units x ld), copies columns picks[0 .. count) into dst (units x count).
void gatherColumns(const double* src, size_t units, size_t ld, const uint32_t* picks, size_t count, double* dst);

}  // namespace backprop
