// A sparse copy of the resident X for the first layer, whose two products (forward Z_1 = X W_1^T and gradient
// Delta_1 = delta_1^T X) dominate the cost. X never changes, so it is stored ONCE, in both orders:
//   by example (CSR): the forward sums, per example, only over its non-zero inputs;
//   by input   (CSC): the gradient sums, per input, only over the examples where it is non-zero.
// Each sum runs over the hidden units 32 at a time in registers. Both loops split their outer index across
// the network's pool threads (contiguous ranges balanced by non-zero count); every output entry is one sum in a fixed order, so
// the result does not depend on the number of threads.
//
// A minibatch (select(rows)) gathers its rows' non-zeros from the by-example copy into both orders again, for
// the batch's examples in the batch's order (duplicates are separate examples); forward and gradient then run
// over the batch exactly as over the whole set.
//
// Skipping zeros is exact for finite values (0 * w adds nothing); callers use this only when theta is finite,
// and the set is built only when every x is finite.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "thread_pool.h"

namespace backprop {

// Non-zeros of a set of examples in both orders (see the layouts in SparseInput). The values are kept as float
// (rowValue32, colValue32) when every one of them is a float exactly (narrow; e.g. digits5000's multiples of
// 2^-14): a third less to stream per product, and the same doubles once widened. Otherwise as double.
struct SparseRows {
  size_t examples = 0;
  bool narrow = false;
  std::vector<uint64_t> rowStart;
  std::vector<uint32_t> rowInput;
  std::vector<double> rowValue;
  std::vector<float> rowValue32;
  std::vector<uint64_t> colStart;
  std::vector<uint32_t> colExample;
  std::vector<double> colValue;
  std::vector<float> colValue32;
};

class SparseInput {
 public:
  // X row-major (m x n). Returns false (and builds nothing) when X is too dense to pay or not all finite.
  // Allocates the scratch for a first layer of H units too.
  bool build(const double* X, size_t m, size_t n, size_t H);
  bool empty() const { return examples_ == 0; }
  size_t bytes() const;

  // Which examples forward and gradient run over: rows[0 .. count) of the resident set (each < m, repeats
  // allowed, count <= m), or all m when rows is null. Returns false (and selects all m) when the batch's
  // buffers cannot be allocated.
  bool select(const uint32_t* rows, size_t count);
  // The number of selected examples.
  size_t selected() const { return batchSelected_ ? batch_.examples : examples_; }

  // Zt (H x m, leading dimension m; m = the selected examples) = b + W X^T for Theta = [b | W] (H x (n+1) row-major), then the sigmoid
  // in place when activate (each thread on its own examples). threads: at most pool.reserve()'s answer.
  void forward(const double* Theta, double* Zt, bool activate, ThreadPool& pool, size_t threads);
  // D[:, 1:] = scale * delta^T X for delta given row-major by example, padded to paddedWidth(H) columns
  // (deltaRows: m x paddedWidth(H), 64-byte aligned); D = H x (n+1) row-major (column 0 untouched).
  void gradient(const double* deltaRows, double scale, double* D, ThreadPool& pool, size_t threads);

  // The first 64-byte aligned address in buffer (which must have 7 doubles to spare).
  static double* aligned(std::vector<double>& buffer);

  static size_t paddedWidth(size_t H) { return (H + kChunk - 1) / kChunk * kChunk; }
  static constexpr size_t kChunk = 32;  // hidden units summed at once, in registers
  static constexpr size_t kBlock = 96;  // inputs (forward) or examples (gradient) whose 32-unit rows fit in L1

 private:
  const SparseRows& current() const { return batchSelected_ ? batch_ : all_; }

  size_t examples_ = 0, inputs_ = 0, hidden_ = 0;
  // Forward order: by input block, then example, then input. rowStart[b * (m + 1) + i] is where example i's
  // inputs of block b start.
  // Gradient order: by example block, then input, then example. colStart[b * (n + 1) + c].
  SparseRows all_, batch_;
  bool batchSelected_ = false;
  std::vector<uint64_t> cursor_;  // select's fill positions
  // Scratch, 64-byte aligned (a row of kChunk doubles is then whole cache lines): W^T packed kChunk wide, one
  // n x kChunk panel per chunk of hidden units, partial sums by example (m x kChunk) and by input (n x kChunk).
  std::vector<double> scratch_;
  double *packed_ = nullptr, *zPartial_ = nullptr, *dPartial_ = nullptr;
};

}  // namespace backprop
