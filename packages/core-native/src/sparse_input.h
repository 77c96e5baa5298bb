// A network's first layer over the sparse copy of its resident X (sparse_x.h): the copy, shared with other
// networks on the same X (shared_copies.h), the examples selected (all, or a minibatch gathered from the copy:
// sparse_minibatch.cc), and this network's scratch for the two products (sparse_products.cc). Both products
// split their outer index (examples, inputs) across the network's pool threads; every output entry is one sum
// in a fixed order, so the result does not depend on the number of threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "activation.h"
#include "sparse_x.h"
#include "thread_pool.h"

namespace backprop {

class SparseInput {
 public:
  // X row-major (m x n). Returns false (and builds nothing) when X is too dense to pay or not all finite.
  // Reuses the copy of another live network of the process with the same X when there is one; otherwise
  // builds it on up to `threads` threads of pool (started here when X has more than one example block for them,
  // dense or not: the scan that finds out runs on them; the copy is the same for any number).
  // Allocates this network's scratch for a first layer of H units too. Throws std::bad_alloc.
  bool build(const double* X, size_t m, size_t n, size_t H, ThreadPool& pool, size_t threads);
  bool empty() const { return examples_ == 0; }
  // Bytes held: this network's scratch and batch plus the shared copy (counted by every network holding it).
  size_t bytes() const;
  // X^T (n x m, one row per input) rebuilt from the copy into Xt, for the dense products (-0 comes back as +0).
  void transposedX(double* Xt) const;

  // Which examples forward and gradient run over: rows[0 .. count) of the resident set (each < m, repeats
  // allowed, count <= m; gathered into both orders, in the batch's order), or all m when rows is null. Returns
  // false (and selects all m) when the batch's buffers cannot be allocated.
  bool select(const uint32_t* rows, size_t count);

  // The first layer's forward product for Theta = [b | W] (H x (n+1) row-major) over the m selected examples,
  // each thread on its own examples; threads: at most pool.reserve()'s answer.
  //   with an activation f: rows() (m x paddedWidth(H), one row per example) = f(b + W x), the layout the
  //             rest of the pass reads (no copy, no separate activation pass); Zt is not used.
  //   null:      Zt (H x m, one row per unit, leading dimension m) = b + W X^T (a network without hidden
  //             layers, whose output layer wants that layout).
  // Columns H .. paddedWidth(H) of rows() hold finite values of no meaning.
  void forward(const double* Theta, const Hidden* activation, double slope, double* Zt, ThreadPool& pool,
               size_t threads);
  // The rows by example forward() left with an activation (64-byte aligned, leading dimension paddedWidth(H)).
  const double* rows() const { return zRows_; }
  // D[:, 1:] = scale * delta^T X for delta given row-major by example, padded to paddedWidth(H) columns
  // (deltaRows: m x paddedWidth(H), 64-byte aligned); D = H x (n+1) row-major (column 0 untouched).
  void gradient(const double* deltaRows, double scale, double* D, ThreadPool& pool, size_t threads);

  // The first 64-byte aligned address in buffer (which must have 7 doubles to spare).
  static double* aligned(std::vector<double>& buffer);
  static size_t paddedWidth(size_t H) { return (H + kChunk - 1) / kChunk * kChunk; }

 private:
  const SparseRows& current() const { return batchSelected_ ? batch_ : x_->all; }

  size_t examples_ = 0, inputs_ = 0, hidden_ = 0;
  std::shared_ptr<const SparseX> x_;
  SparseRows batch_;
  bool batchSelected_ = false;
  std::vector<uint64_t> cursor_;  // select's fill positions
  // Scratch, 64-byte aligned (a row of kChunk doubles is then whole cache lines): W^T packed kChunk wide in
  // the packed input order, one n x kChunk panel per chunk of hidden units; the forward sums by example (m
  // rows, rounded up to whole tiles, x paddedWidth(H)); the gradient's partial sums by listed input and by
  // dense input (rounded up to whole tiles), kChunk wide.
  std::vector<double> scratch_;
  double *packed_ = nullptr, *zRows_ = nullptr, *dPartial_ = nullptr, *dDense_ = nullptr;
  std::vector<double> bias_;  // b = Theta[:, 0], contiguous for the row-wise bias and activation
};

}  // namespace backprop
