// The cost and gradient of the seed (Ng ex4) and of the other activations (activation.h) for any depth with every
// product through cblas_dgemm: the pass for dense inputs, for non-finite weights, and the sparse pass's fallback.
// No N-API here: these functions run on the main thread or on a libuv worker alike.
//
// Layout: inside the addon every matrix of per-example values is stored with one ROW PER UNIT and one column
// per example (s_l x n, row-major, leading dimension n): X^T, Y^T, A_l^T, Z_l^T, delta_l^T. The seed's products
// then read
//   Z_{l+1}^T = b_l + W_l A_l^T              (dgemm NN: W_l read in place from Theta_l = [b_l | W_l])
//   delta_l^T = (W_l^T delta_{l+1}^T) .* f'(z_l)             (dgemm TN; a_l (1 - a_l) for the sigmoid)
//   Delta_l   = delta_{l+1}^T A_l = delta_{l+1}^T (A_l^T)^T  (dgemm NT)
// which is the same arithmetic as the row-major form, but lets OpenBLAS stream the long example dimension.
// The caller's row-major X, Y and outputs are transposed once at the boundary.
//
// T is the element type of theta, the data, the workspace and grad: double (the seed's, cblas_dgemm) or float
// (dtype float32, cblas_sgemm; see gemm.h). Sums (the cost, the bias gradients) are taken in double either way.
#pragma once

#include <cstddef>

#include "architecture.h"
#include "workspace.h"

namespace backprop {

// The n examples' inputs: X^T (s_0 x n, one row per unit like every other layer), or X itself (n x s_0, by
// example: the float32 set keeps X so, and a minibatch's rows are then contiguous copies) which the first
// layer's two products read transposed (gemm NT forward, NN for Delta_1).
template <class T>
struct Inputs {
  const T* values;
  bool byExample;
};

// Forward pass over n examples X: hidden activations land in ws.activation, the output layer's pre-activation
// Z_L^T (s_L x n) in zOut.
template <class T>
void feedForward(const Architecture& arch, const T* theta, Inputs<T> X, size_t n, BasicWorkspace<T>& ws, T* zOut);

// Regularised cross-entropy J(theta) (the output's: sigmoid one-vs-all or softmax) over n examples (X, Yt: s_L x n)
// and its gradient into grad (same layout as theta: Theta1 row-major, then Theta2, ...). One forward pass shared by
// cost and gradient; no allocation.
template <class T>
double denseCostGradient(const Architecture& arch, const T* theta, double lambda, Inputs<T> X, const T* Yt, size_t n,
                         BasicWorkspace<T>& ws, T* grad);

}  // namespace backprop
