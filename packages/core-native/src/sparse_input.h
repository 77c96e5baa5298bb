// A sparse copy of the resident X for the first layer, whose two products (forward Z_1 = X W_1^T and gradient
// Delta_1 = delta_1^T X) dominate the cost. X never changes, so it is stored ONCE, split by input column:
//   the other inputs as (value, index) lists in the two orders the products need:
//     by example (CSR): the forward sums, per example, only over its non-zero inputs;
//     by input   (CSC): the gradient sums, per input, only over the examples where it is non-zero;
//   dense inputs (non-zero in at least kDenseColumn of the examples, e.g. the digits' central pixels; only on
//     CPUs with AVX-512's 32 vector registers, see denseTilesPay) as plain values, zeros included, in tiles of
//     kTile (kTile examples of an input for the forward product, kTile inputs of an example for the gradient).
//     Their kernel loads a weight / delta row once for kTile sums instead of once per non-zero and reads no
//     index, so it pays even with the zeros it multiplies (digits5000, kDenseColumn 0.6 .. 0.8 alike: ~15%
//     less time in the two products on 2 threads; the 138 inputs >= 70% non-zero hold 67% of the non-zeros).
// Both run over the hidden units 32 at a time in registers, into the same partial-sum rows (per example in the
// forward product, dense inputs first, then the lists; per input in the gradient). Both products split their
// outer index (examples, inputs) across the network's pool threads; every output entry is one sum in a fixed
// order, so the result does not depend on the number of threads.
//
// The copy of X is immutable and shared (SparseX, by shared_ptr) by every network of the process built on the
// same X (same shape, same values): a sweep's worker threads training on one training set then stream one copy
// through the shared caches instead of one each. Each network keeps its own scratch.
//
// Building the copy reads X twice, row by row, the example blocks split over the network's pool threads: a scan
// (finite? floats? non-zeros per example block and input), from whose counts every list's and tile's place
// follows, then the fill, each row's listed non-zeros compacted (AVX-512 where the CPU has it) into the
// by-example lists and from there into the by-input ones, its dense inputs into both tile layouts. The copy is
// the same for any number of threads; its buffers are not zeroed first (every place is written once).
//
// A minibatch (select(rows)) gathers its rows from the shared copy into both orders again, for the batch's
// examples in the batch's order (duplicates are separate examples); forward and gradient then run over the batch
// exactly as over the whole set.
//
// Skipping zeros is exact for finite values (0 * w adds nothing); callers use this only when theta is finite,
// and the set is built only when every x is finite.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <utility>
#include <vector>

#include "thread_pool.h"

namespace backprop {

// An allocator whose resize() leaves the new elements unset (default-initialised) instead of zeroing them: for
// the buffers below, which are written in full right after they are sized. (Zeroing them first cost binding
// digits5000 ~4 ms: every page written twice.)
template <class T>
struct Unset : std::allocator<T> {
  template <class U>
  struct rebind {
    using other = Unset<U>;
  };
  Unset() = default;
  template <class U>
  Unset(const Unset<U>&) noexcept {}
  template <class U>
  void construct(U* p) noexcept {
    ::new (static_cast<void*>(p)) U;
  }
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};
template <class T>
using Buffer = std::vector<T, Unset<T>>;

// Values of a set of examples (all of X, or a minibatch's rows) in the layouts above. The values are kept as
// float (the *32 vectors) when every one of them is a float exactly (narrow; e.g. digits5000's multiples of
// 2^-14): less to stream per product, and the same doubles once widened. Otherwise as double.
// Inputs are numbered in the packed order: the d dense inputs first, then the others (SparseX::packedInputs).
struct SparseRows {
  size_t examples = 0;
  // Listed inputs, forward order: by input block (kInputBlock of them), then example, then input. rowStart[b *
  // (examples + 1) + i] is where example i's inputs of block b start; rowInput holds packed positions (>= d).
  Buffer<uint64_t> rowStart;
  Buffer<uint32_t> rowInput;
  Buffer<double> rowValue;
  Buffer<float> rowValue32;
  // Listed inputs, gradient order: by example block (kExampleBlock), then listed input j (packed position d + j), then
  // example. colStart[b * (listed + 1) + j].
  Buffer<uint64_t> colStart;
  Buffer<uint32_t> colExample;
  Buffer<double> colValue;
  Buffer<float> colValue32;
  // Dense inputs, zero padded to whole tiles (T = kTile):
  //   denseForward[(t * d + j) * T + e]  = x[example T t + e, dense input j]
  //   denseGradient[(g * examples + i) * T + e] = x[example i, dense input T g + e]
  Buffer<double> denseForward, denseGradient;
  Buffer<float> denseForward32, denseGradient32;
};

// The immutable part: one X's values in those layouts, with what identifies that X. Shared (see above).
struct SparseX {
  size_t examples = 0, inputs = 0;
  bool narrow = false;
  size_t dense = 0;                    // d: the dense inputs are packedInputs[0 .. d)
  std::vector<uint32_t> packedInputs;  // the input columns in packed order (each part ascending)
  // The non-zeros of each input column: with the shape and narrow, what another X must match before its values
  // are compared (holds). Binding counts them anyway; a hash of every value cost digits5000 ~3 ms per bind.
  std::vector<size_t> columnNonZeros;
  SparseRows all;

  size_t listed() const { return inputs - dense; }
  size_t denseGroups() const;
  size_t inputBlocks() const;
  size_t bytes() const;
  // Whether X (m x n row-major) has exactly these values (+0 and -0 alike: both are skipped as zeros).
  bool holds(const double* X, size_t m, size_t n) const;
  // Example i's row of X rebuilt from the lists and the tiles into row (inputs values; zeros as +0).
  void row(size_t i, double* out) const;
};

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
  // allowed, count <= m), or all m when rows is null. Returns false (and selects all m) when the batch's
  // buffers cannot be allocated.
  bool select(const uint32_t* rows, size_t count);
  // The number of selected examples.
  size_t selected() const { return batchSelected_ ? batch_.examples : examples_; }

  // The first layer's forward product for Theta = [b | W] (H x (n+1) row-major) over the m selected examples,
  // each thread on its own examples; threads: at most pool.reserve()'s answer.
  //   activate: rows() (m x paddedWidth(H), one row per example) = g(b + W x), the layout the rest of the
  //             pass reads (no copy, no separate sigmoid pass); Zt is not used.
  //   otherwise: Zt (H x m, one row per unit, leading dimension m) = b + W X^T (a network without hidden
  //             layers, whose output layer wants that layout).
  // Columns H .. paddedWidth(H) of rows() hold finite values of no meaning.
  void forward(const double* Theta, bool activate, double* Zt, ThreadPool& pool, size_t threads);
  // The rows by example forward(activate) left (64-byte aligned, leading dimension paddedWidth(H)).
  const double* rows() const { return zRows_; }
  // D[:, 1:] = scale * delta^T X for delta given row-major by example, padded to paddedWidth(H) columns
  // (deltaRows: m x paddedWidth(H), 64-byte aligned); D = H x (n+1) row-major (column 0 untouched).
  void gradient(const double* deltaRows, double scale, double* D, ThreadPool& pool, size_t threads);

  // The first 64-byte aligned address in buffer (which must have 7 doubles to spare).
  static double* aligned(std::vector<double>& buffer);

  static size_t paddedWidth(size_t H) { return (H + kChunk - 1) / kChunk * kChunk; }
  static constexpr size_t kChunk = 32;  // hidden units summed at once by the list loops, in registers
  // Inputs per block of the forward product (their W^T rows, 32 units wide, stay close in cache while a
  // thread's examples sweep over them; digits5000 on Zen 4: 160 ~4% faster than 96 or 288) and examples per block
  // of the gradient (their delta rows stay in L1).
  static constexpr size_t kInputBlock = 160;
  static constexpr size_t kExampleBlock = 96;
  static constexpr size_t kTile = 3;  // examples (forward) or inputs (gradient) per dense tile
  // An input is dense when non-zero in at least this fraction of the examples (measured on digits5000).
  static constexpr double kDenseColumn = 0.7;
  // Whether this CPU runs the dense tiles fast enough to use them (x86-64-v4: its 32 vector registers hold the
  // kTile x 7 running sums of 25-28 hidden units, the weight row and a broadcast; AVX2's 16 would spill).
  // Elsewhere every input is listed.
  static bool denseTilesPay();

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
  std::vector<double> bias_;  // b = Theta[:, 0], contiguous for the row-wise bias and sigmoid
};

}  // namespace backprop
