// The cost and gradient over SparseInput's selected examples (all m, or a minibatch's rows) when the first
// layer's products go through SparseInput. Everything else
// (the other layers' small products, the sigmoids, the output layer's softplus cost and h - y, the deltas, with
// layer 1 kept by example as SparseInput's rows) runs per fixed chunk of examples on the network's pool threads. Each
// chunk leaves its partial sums (cost, gradient blocks of layers 2 .. L, bias sums of layer 1) in its own slot,
// and the slots are added in chunk order afterwards: the chunks depend only on m and the layers, so the result is
// the same bit for bit for any number of threads.
#pragma once

#include <cstddef>

#include "architecture.h"
#include "backprop.h"

namespace backprop {

// Examples per chunk for n examples: at most 128 and few enough that a chunk's products stay on OpenBLAS's
// calling thread (as even as multiples of 8 allow), more when the slots would pass 4 Mi doubles. Depends only on
// the layers and n, so the result does not depend on the number of threads.
size_t chunkWidth(const Architecture& arch, size_t n);
// Doubles of partial sums for n examples (all chunks).
size_t partialDoubles(const Architecture& arch, size_t n);

// J(theta) and its gradient over the n examples sparse->input has selected (Yt: s_L x n, theirs).
// theta must be finite (skipping zero inputs is exact only then).
double sparseCostGradient(const Architecture& arch, const double* theta, double lambda, const double* Yt, size_t n,
                          Workspace& ws, double* grad, const SparseFirstLayer& sparse);

}  // namespace backprop
