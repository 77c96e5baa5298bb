// The cost and gradient over SparseInput's selected examples (all m, or a minibatch's rows) when the first
// layer's products go through SparseInput. Everything else (the other layers' small products, the activations,
// the output layer's cost and h - y, the deltas, with layer 1 kept by example as SparseInput's rows) runs
// per fixed chunk of examples on the network's pool threads. Each chunk leaves its partial sums (cost, gradient
// blocks of layers 2 .. L, bias sums of layer 1) in its own slot, and the slots are added in chunk order
// afterwards: the chunks depend only on m and the layers, so the result is the same bit for bit for any number
// of threads.
#pragma once

#include <cstddef>

#include "architecture.h"
#include "sparse_input.h"
#include "thread_pool.h"
#include "workspace.h"

namespace backprop {

// The first layer's products through a sparse copy of the resident X, over the examples it has selected (see
// sparse_input.h), with its scratch deltaRows (n x SparseInput::paddedWidth(s_1), zeroed) and partials
// (partialDoubles(arch, n)); the rest of the pass runs on `threads` threads of pool (at most pool.reserve()'s
// answer).
struct SparseFirstLayer {
  SparseInput* input;
  double* deltaRows;
  double* partials;
  ThreadPool* pool;
  size_t threads;
};

// Doubles of partial sums for n examples (all chunks).
size_t partialDoubles(const Architecture& arch, size_t n);

// J(theta) and its gradient over the n examples sparse->input has selected (Yt: s_L x n, theirs).
// theta must be finite (skipping zero inputs is exact only then).
double sparseCostGradient(const Architecture& arch, const double* theta, double lambda, const double* Yt, size_t n,
                          Workspace& ws, double* grad, const SparseFirstLayer& sparse);

}  // namespace backprop
