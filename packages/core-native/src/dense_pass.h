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
#pragma once

#include <cstddef>

#include "architecture.h"
#include "workspace.h"

namespace backprop {

// Forward pass over n examples Xt (s_0 x n): hidden activations land in ws.activation, the output layer's
// pre-activation Z_L^T (s_L x n) in zOut.
void feedForward(const Architecture& arch, const double* theta, const double* Xt, size_t n, Workspace& ws,
                 double* zOut);

// Regularised cross-entropy J(theta) (the output's: sigmoid one-vs-all or softmax) over n examples (Xt: s_0 x n,
// Yt: s_L x n) and its gradient into grad (same layout as theta: Theta1 row-major, then Theta2, ...). One forward
// pass shared by cost and gradient; no allocation.
double denseCostGradient(const Architecture& arch, const double* theta, double lambda, const double* Xt,
                         const double* Yt, size_t n, Workspace& ws, double* grad);

}  // namespace backprop
