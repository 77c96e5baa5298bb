// A sparse copy of the resident X for the first layer, whose two products (forward Z_1 = X W_1^T and gradient
// Delta_1 = delta_1^T X) dominate the cost. X never changes, so it is stored ONCE, split by input column:
//   the other inputs as (value, index) lists in the two orders the products need:
//     by example (CSR): the forward sums, per example, only over its non-zero inputs;
//     by input   (CSC): the gradient sums, per input, only over the examples where it is non-zero;
//   dense inputs (non-zero in at least kDenseColumn of the examples, e.g. the digits' central pixels; only on
//     CPUs with x86-64-v4, see denseTilesPay) as plain values, zeros included, in tiles of kTile (kTile
//     examples of an input for the forward product, kTile inputs of an example for the gradient). Their kernel
//     loads a weight / delta row once for kTile sums instead of once per non-zero and reads no index, so it
//     pays even with the zeros it multiplies.
// The values are kept as float when every one of them is a float exactly (narrow; e.g. the digits' multiples of
// 2^-14): less to stream per product, and the same doubles once widened. Otherwise as double.
//
// Building the copy reads X twice, row by row, the example blocks split over the network's pool threads: a scan
// (scanX: finite? floats? non-zeros per example block and input), from whose counts every list's and tile's
// place follows, then the fill (buildSparseX). The copy is the same for any number of threads.
//
// Skipping zeros is exact for finite values (0 * w adds nothing); callers use this only when theta is finite,
// and the copy is built only when every x is finite.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "thread_pool.h"

namespace backprop {

constexpr size_t kChunk = 32;  // hidden units summed at once by the kernels, in registers
// Inputs per block of the forward product and examples per block of the gradient: their W^T rows / delta rows
// (kChunk doubles, 256 bytes, each) stay in a 32 KiB L1 (Zen 2-4, Intel before Ice Lake) while a thread's
// examples / inputs sweep over them: 96 rows, 24 KiB. (160 input rows, 40 KiB, missed L1: the forward kernel
// alone took 1.82 ms against 1.57 ms with 96, digits5000 on one AVX2 core, 2026-12-07.)
constexpr size_t kInputBlock = 96;
constexpr size_t kExampleBlock = 96;
constexpr size_t kTile = 3;  // examples (forward) or inputs (gradient) per dense tile
// An input is dense when non-zero in at least this fraction of the examples (measured on digits5000).
constexpr double kDenseColumn = 0.7;

// Whether this CPU runs the dense tiles fast enough to use them (x86-64-v4: its 32 vector registers hold the
// kTile x 7 running sums of 25-28 hidden units, the weight row and a broadcast; x86-64-v3's 16 would spill).
// Elsewhere every input is listed.
bool denseTilesPay();

// Values of a set of examples (all of X, or a minibatch's rows) in the layouts above, as double or as float
// (the *32 vectors; see narrow). Inputs are numbered in the packed order: the d dense inputs first, then the
// others (SparseX::packedInputs).
struct SparseRows {
  size_t examples = 0;
  // Listed inputs, forward order: by input block (kInputBlock of them), then example, then input. rowStart[b *
  // (examples + 1) + i] is where example i's inputs of block b start; rowInput holds packed positions (>= d).
  std::vector<uint64_t> rowStart;
  std::vector<uint32_t> rowInput;
  std::vector<double> rowValue;
  std::vector<float> rowValue32;
  // Listed inputs, gradient order: by example block (kExampleBlock), then listed input j (packed position d + j),
  // then example. colStart[b * (listed + 1) + j].
  std::vector<uint64_t> colStart;
  std::vector<uint32_t> colExample;
  std::vector<double> colValue;
  std::vector<float> colValue32;
  // Dense inputs, zero padded to whole tiles, at forwardAt / gradientAt.
  std::vector<double> denseForward, denseGradient;
  std::vector<float> denseForward32, denseGradient32;

  // Sizes the starts and the buffers of one value type (narrow: float) for nonZeros listed values and the
  // given dense values of each layout.
  void resize(bool narrow, size_t rowStarts, size_t colStarts, size_t nonZeros, size_t forwardValues,
              size_t gradientValues);
  size_t bytes() const;
};

// The immutable part: one X's values in those layouts, with what identifies that X. Shared by every network of
// the process built on the same X (see shared_copies.h).
struct SparseX {
  size_t examples = 0, inputs = 0;
  bool narrow = false;
  size_t dense = 0;                    // d: the dense inputs are packedInputs[0 .. d)
  std::vector<uint32_t> packedInputs;  // the input columns in packed order (each part ascending)
  // The non-zeros of each input column: with the shape and narrow, what another X must match before its values
  // are compared (holds).
  std::vector<size_t> columnNonZeros;
  SparseRows all;

  size_t listed() const { return inputs - dense; }
  size_t denseGroups() const { return (dense + kTile - 1) / kTile; }
  size_t inputBlocks() const { return (listed() + kInputBlock - 1) / kInputBlock; }
  size_t bytes() const;
  // Whether X (m x n row-major) has exactly these values (+0 and -0 alike: both are skipped as zeros).
  bool holds(const double* X, size_t m, size_t n) const;
  // Example i's row of X rebuilt from the lists and the tiles into row (inputs values; zeros as +0).
  void row(size_t i, double* out) const;
};

// What the scan of X (m x n) found: whether every value is finite and a float exactly, the non-zeros per example
// block and column (counts[k * n + c]) and per column, and the tasks (ranges of example blocks, at bounds) the
// scan ran as, which the fill reuses.
struct XScan {
  size_t examples = 0, inputs = 0;
  bool finite = true, narrow = true;
  std::vector<uint32_t> counts;
  std::vector<size_t> nonZeros;
  std::vector<size_t> bounds;
  size_t totalNonZeros() const;
};

// One pass over X on `threads` threads of pool (at most pool.reserve()'s answer).
XScan scanX(const double* X, size_t m, size_t n, ThreadPool& pool, size_t threads);
// The copy of a finite X from its scan, on `threads` threads of pool.
std::shared_ptr<SparseX> buildSparseX(const double* X, const XScan& scan, ThreadPool& pool, size_t threads);

// The list or tile data of a SparseRows for the value type in use (tag: a Value).
inline const double* values(const std::vector<double>& wide, const std::vector<float>&, double) { return wide.data(); }
inline const float* values(const std::vector<double>&, const std::vector<float>& floats, float) { return floats.data(); }
inline double* values(std::vector<double>& wide, std::vector<float>&, double) { return wide.data(); }
inline float* values(std::vector<double>&, std::vector<float>& floats, float) { return floats.data(); }

// Where x[example i, dense input j] sits in a SparseRows of m examples with d dense inputs. Both layouts are
// cut in blocks (kInputBlock dense inputs for the forward product, kExampleBlock examples for the gradient)
// stored one after the other, so that each block's tiles, read together, are one contiguous stream:
//   denseForward:  block j / kInputBlock, then tile i / kTile, then input j % kInputBlock, then example i % kTile;
//   denseGradient: block i / kExampleBlock, then group j / kTile, then example i % kExampleBlock, then input
//                  j % kTile.
inline size_t forwardAt(size_t i, size_t j, size_t d, size_t tiles) {
  const size_t block = j / kInputBlock, inputs = std::min(kInputBlock, d - block * kInputBlock);
  return ((block * kInputBlock * tiles + (i / kTile) * inputs + j % kInputBlock) * kTile) + i % kTile;
}
inline size_t gradientAt(size_t i, size_t j, size_t m, size_t groups) {
  const size_t block = i / kExampleBlock, examples = std::min(kExampleBlock, m - block * kExampleBlock);
  return ((block * kExampleBlock * groups + (j / kTile) * examples + i % kExampleBlock) * kTile) + j % kTile;
}

}  // namespace backprop
