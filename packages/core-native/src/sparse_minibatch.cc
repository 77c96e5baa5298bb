// A minibatch through the sparse first layer (SparseInput::select): its rows gathered from the shared copy of X
// into both list orders and both tile layouts again, for the batch's examples in the batch's order (duplicates
// are separate examples); forward and gradient then run over the batch exactly as over the whole set.
#include <new>

#include "sparse_input.h"

namespace backprop {

bool SparseInput::select(const uint32_t* rows, size_t count) {
  batchSelected_ = false;
  if (rows == nullptr) return true;
  const SparseX& x = *x_;
  const size_t m = examples_, d = x.dense, listed = x.listed();
  const size_t inputBlocks = x.inputBlocks(), exampleBlocks = (count + kExampleBlock - 1) / kExampleBlock;
  const size_t groups = x.denseGroups(), exampleTiles = (count + kTile - 1) / kTile;
  const SparseRows& all = x.all;
  SparseRows& batch = batch_;
  try {
    size_t nonZeros = 0;
    for (size_t r = 0; r < count; ++r) {
      for (size_t b = 0; b < inputBlocks; ++b) {
        nonZeros += all.rowStart[b * (m + 1) + rows[r] + 1] - all.rowStart[b * (m + 1) + rows[r]];
      }
    }
    batch.resize(x.narrow, inputBlocks * (count + 1), exampleBlocks * (listed + 1), nonZeros,
                 exampleTiles * d * kTile, groups * count * kTile);
    cursor_.resize(exampleBlocks * (listed + 1));
  } catch (const std::bad_alloc&) {
    return false;
  }
  std::fill(batch.colStart.begin(), batch.colStart.end(), 0);
  auto gather = [&](auto tag) {
    using Value = decltype(tag);
    const Value* allRowValue = values(all.rowValue, all.rowValue32, tag);
    Value* rowValue = values(batch.rowValue, batch.rowValue32, tag);
    Value* colValue = values(batch.colValue, batch.colValue32, tag);
    // Listed inputs by example: each batch row's non-zeros copied block by block; then each input's examples
    // counted per example block (in colStart).
    uint64_t p = 0;
    for (size_t b = 0; b < inputBlocks; ++b) {
      const uint64_t* start = all.rowStart.data() + b * (m + 1);
      for (size_t r = 0; r < count; ++r) {
        const uint64_t from = start[rows[r]], to = start[rows[r] + 1];
        batch.rowStart[b * (count + 1) + r] = p;
        std::copy(all.rowInput.data() + from, all.rowInput.data() + to, batch.rowInput.data() + p);
        std::copy(allRowValue + from, allRowValue + to, rowValue + p);
        p += to - from;
      }
      batch.rowStart[b * (count + 1) + count] = p;
    }
    for (size_t b = 0; b < inputBlocks; ++b) {
      for (size_t r = 0; r < count; ++r) {
        uint64_t* counts = batch.colStart.data() + (r / kExampleBlock) * (listed + 1);
        for (uint64_t q = batch.rowStart[b * (count + 1) + r]; q < batch.rowStart[b * (count + 1) + r + 1]; ++q) {
          ++counts[batch.rowInput[q] - d];
        }
      }
    }
    // By input: starts from the counts, then the examples in batch order (ascending within each input).
    uint64_t at = 0;
    for (size_t k = 0; k < exampleBlocks; ++k) {
      uint64_t* start = batch.colStart.data() + k * (listed + 1);
      for (size_t j = 0; j < listed; ++j) {
        const uint64_t examples = start[j];
        start[j] = at;
        cursor_[k * (listed + 1) + j] = at;
        at += examples;
      }
      start[listed] = at;
    }
    for (size_t b = 0; b < inputBlocks; ++b) {
      for (size_t r = 0; r < count; ++r) {
        uint64_t* cursor = cursor_.data() + (r / kExampleBlock) * (listed + 1);
        for (uint64_t q = batch.rowStart[b * (count + 1) + r]; q < batch.rowStart[b * (count + 1) + r + 1]; ++q) {
          const uint64_t to = cursor[batch.rowInput[q] - d]++;
          batch.colExample[to] = static_cast<uint32_t>(r);
          colValue[to] = rowValue[q];
        }
      }
    }
    // Dense inputs: each batch row's tiles of inputs copied, then transposed into tiles of examples (the last
    // tile's missing examples zero).
    const Value* allGradient = values(all.denseGradient, all.denseGradient32, tag);
    Value* gradient = values(batch.denseGradient, batch.denseGradient32, tag);
    Value* forward = values(batch.denseForward, batch.denseForward32, tag);
    for (size_t r = 0; r < count; ++r) {
      for (size_t j = 0; j < groups * kTile; j += kTile) {
        const Value* from = allGradient + gradientAt(rows[r], j, m, groups);
        std::copy(from, from + kTile, gradient + gradientAt(r, j, count, groups));
      }
    }
    for (size_t r = 0; r < exampleTiles * kTile; ++r) {
      for (size_t j = 0; j < d; ++j) {
        forward[forwardAt(r, j, d, exampleTiles)] = r < count ? gradient[gradientAt(r, j, count, groups)] : Value{0};
      }
    }
  };
  if (x.narrow) {
    gather(float{});
  } else {
    gather(double{});
  }
  batch.examples = count;
  batchSelected_ = true;
  return true;
}

}  // namespace backprop
