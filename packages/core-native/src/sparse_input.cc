#include "sparse_input.h"

#include <algorithm>
#include <cmath>

#include "elementwise.h"

// The two loops are compiled for x86-64-v4, x86-64-v3 and the baseline and chosen when the addon loads (GCC
// target_clones). ISO C++ mode keeps FMA contraction off, so every clone gives the same bits.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define BACKPROP_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define BACKPROP_CLONES
#endif

namespace backprop {

namespace {

constexpr size_t kChunk = SparseInput::kChunk;
// Denser than this, the dense BLAS product is as fast (measured on digits5000-like data).
constexpr double kMaxDensity = 0.6;

// 32 hidden units as eight 4-wide vectors (GCC vector extensions: AVX registers in the x86-64-v3/v4 clones,
// SSE pairs in the baseline one). Written out so the accumulators stay in registers; mul then add (no FMA
// contraction) so that every clone rounds alike.
typedef double Lanes __attribute__((vector_size(32), aligned(8)));

// V 4-wide running sums: the first 4V of a row's kChunk (32) hidden units. V < 8 when the layer (or its last
// chunk) is narrower, e.g. 7 for 25 units: rows keep their 32-double stride (and alignment), the tail is skipped.
template <size_t V>
struct Accumulator {
  Lanes v[V];
  Accumulator() {
    for (size_t k = 0; k < V; ++k) v[k] = Lanes{};
  }
  inline void addScaled(double x, const double* w) {
    const Lanes* p = reinterpret_cast<const Lanes*>(w);
    const Lanes s = {x, x, x, x};
    for (size_t k = 0; k < V; ++k) v[k] += s * p[k];
  }
  inline void add(const Accumulator& o) {
    for (size_t k = 0; k < V; ++k) v[k] += o.v[k];
  }
  inline void load(const double* in) {
    const Lanes* p = reinterpret_cast<const Lanes*>(in);
    for (size_t k = 0; k < V; ++k) v[k] = p[k];
  }
  inline void store(double* out) const {
    Lanes* p = reinterpret_cast<Lanes*>(out);
    for (size_t k = 0; k < V; ++k) p[k] = v[k];
  }
};

// rows[i] (stride kChunk) += sum over the non-zeros of i of x * source[index] (stride sourceLd), i in
// [begin, end); first: start from zero. Two running sums (even and odd non-zeros) so that consecutive adds do
// not wait on each other.
template <size_t V>
inline __attribute__((always_inline)) void accumulate(const uint64_t* start, const uint32_t* index,
                                                      const double* value, const double* source, size_t sourceLd,
                                                      bool first, size_t begin, size_t end, double* rows) {
  for (size_t i = begin; i < end; ++i) {
    double* row = rows + i * kChunk;
    Accumulator<V> acc, odd;
    if (!first) acc.load(row);
    uint64_t p = start[i];
    for (; p + 2 <= start[i + 1]; p += 2) {
      acc.addScaled(value[p], source + size_t{index[p]} * sourceLd);
      odd.addScaled(value[p + 1], source + size_t{index[p + 1]} * sourceLd);
    }
    if (p < start[i + 1]) acc.addScaled(value[p], source + size_t{index[p]} * sourceLd);
    acc.add(odd);
    acc.store(row);
  }
}

// One block of either product (forward: by example over W^T rows; gradient: by input over delta rows), for
// `width` hidden units. The source rows of a block stay in L1.
BACKPROP_CLONES
void accumulateBlock(const uint64_t* start, const uint32_t* index, const double* value, const double* source,
                     size_t sourceLd, size_t width, bool first, size_t begin, size_t end, double* rows) {
  switch ((width + 3) / 4) {
    case 1: return accumulate<1>(start, index, value, source, sourceLd, first, begin, end, rows);
    case 2: return accumulate<2>(start, index, value, source, sourceLd, first, begin, end, rows);
    case 3: return accumulate<3>(start, index, value, source, sourceLd, first, begin, end, rows);
    case 4: return accumulate<4>(start, index, value, source, sourceLd, first, begin, end, rows);
    case 5: return accumulate<5>(start, index, value, source, sourceLd, first, begin, end, rows);
    case 6: return accumulate<6>(start, index, value, source, sourceLd, first, begin, end, rows);
    case 7: return accumulate<7>(start, index, value, source, sourceLd, first, begin, end, rows);
    default: return accumulate<8>(start, index, value, source, sourceLd, first, begin, end, rows);
  }
}

// Splits [0, count) into `threads` ranges of about equal weight(begin, end).
template <class Weight>
std::vector<size_t> balancedRanges(size_t count, size_t threads, const Weight& weight) {
  threads = std::max<size_t>(1, std::min(threads, count));
  std::vector<size_t> bounds(threads + 1, count);
  bounds[0] = 0;
  const double total = weight(0, count);
  size_t at = 0;
  for (size_t t = 1; t < threads; ++t) {
    const double target = total * static_cast<double>(t) / static_cast<double>(threads);
    while (at < count && weight(0, at + 1) <= target) ++at;
    bounds[t] = at;
  }
  return bounds;
}

// body(begin, end) over each range, the first on the calling thread and the others on the pool's.
template <class Body>
void runRanges(ThreadPool& pool, const std::vector<size_t>& bounds, const Body& body) {
  pool.run(bounds.size() - 1, [&](size_t t) { body(bounds[t], bounds[t + 1]); });
}

}  // namespace

bool SparseInput::build(const double* X, size_t m, size_t n, size_t H) {
  size_t nonZeros = 0;
  for (size_t k = 0; k < m * n; ++k) {
    if (!std::isfinite(X[k])) return false;
    nonZeros += X[k] != 0.0;
  }
  if (static_cast<double>(nonZeros) > kMaxDensity * static_cast<double>(m) * static_cast<double>(n)) return false;
  if (m > UINT32_MAX || n > UINT32_MAX) return false;
  const size_t inputBlocks = (n + kBlock - 1) / kBlock, exampleBlocks = (m + kBlock - 1) / kBlock;
  rowStart_.assign(inputBlocks * (m + 1), 0);
  rowInput_.resize(nonZeros);
  rowValue_.resize(nonZeros);
  size_t p = 0;
  for (size_t b = 0; b < inputBlocks; ++b) {
    const size_t c1 = std::min(n, (b + 1) * kBlock);
    for (size_t i = 0; i < m; ++i) {
      rowStart_[b * (m + 1) + i] = p;
      for (size_t c = b * kBlock; c < c1; ++c) {
        const double x = X[i * n + c];
        if (x == 0.0) continue;
        rowInput_[p] = static_cast<uint32_t>(c);
        rowValue_[p++] = x;
      }
    }
    rowStart_[b * (m + 1) + m] = p;
  }
  colStart_.assign(exampleBlocks * (n + 1), 0);
  colExample_.resize(nonZeros);
  colValue_.resize(nonZeros);
  p = 0;
  for (size_t b = 0; b < exampleBlocks; ++b) {
    const size_t i1 = std::min(m, (b + 1) * kBlock);
    for (size_t c = 0; c < n; ++c) {
      colStart_[b * (n + 1) + c] = p;
      for (size_t i = b * kBlock; i < i1; ++i) {  // examples ascending: the gradient's summation order
        const double x = X[i * n + c];
        if (x == 0.0) continue;
        colExample_[p] = static_cast<uint32_t>(i);
        colValue_[p++] = x;
      }
    }
    colStart_[b * (n + 1) + n] = p;
  }
  scratch_.assign((2 * n + m) * kChunk + 7, 0.0);
  packed_ = aligned(scratch_);
  zPartial_ = packed_ + n * kChunk;
  dPartial_ = zPartial_ + m * kChunk;
  examples_ = m;
  inputs_ = n;
  hidden_ = H;
  return true;
}

double* SparseInput::aligned(std::vector<double>& buffer) {
  const uintptr_t address = reinterpret_cast<uintptr_t>(buffer.data());
  return buffer.data() + ((64 - address % 64) % 64) / sizeof(double);
}

size_t SparseInput::bytes() const {
  return (rowStart_.size() + colStart_.size()) * sizeof(uint64_t) +
         (rowInput_.size() + colExample_.size()) * sizeof(uint32_t) +
         (rowValue_.size() + colValue_.size() + scratch_.size()) * sizeof(double);
}

void SparseInput::forward(const double* Theta, double* Zt, bool activate, ThreadPool& pool, size_t threads) {
  const size_t m = examples_, n = inputs_, ld = n + 1, blocks = (n + kBlock - 1) / kBlock;
  // Examples split by their non-zero count (all blocks).
  const std::vector<size_t> bounds = balancedRanges(m, threads, [&](size_t a, size_t b) {
    double total = 0.0;
    for (size_t k = 0; k < blocks; ++k) total += static_cast<double>(rowStart_[k * (m + 1) + b] - rowStart_[k * (m + 1) + a]);
    return total;
  });
  for (size_t h0 = 0; h0 < hidden_; h0 += kChunk) {
    const size_t width = std::min(kChunk, hidden_ - h0);
    for (size_t c = 0; c < n; ++c) {  // W^T for this chunk, n x kChunk, zero padded
      double* row = packed_ + c * kChunk;
      for (size_t h = 0; h < kChunk; ++h) row[h] = h < width ? Theta[(h0 + h) * ld + 1 + c] : 0.0;
    }
    runRanges(pool, bounds, [&](size_t begin, size_t end) {
      for (size_t k = 0; k < blocks; ++k) {
        accumulateBlock(rowStart_.data() + k * (m + 1), rowInput_.data(), rowValue_.data(), packed_, kChunk, width,
                        k == 0, begin, end, zPartial_);
      }
      // Into Zt eight examples (one cache line of each output row) at a time.
      for (size_t i0 = begin; i0 < end; i0 += 8) {
        const size_t i1 = std::min(end, i0 + 8);
        for (size_t h = 0; h < width; ++h) {
          const double bias = Theta[(h0 + h) * ld];
          double* out = Zt + (h0 + h) * m;
          for (size_t i = i0; i < i1; ++i) out[i] = bias + zPartial_[i * kChunk + h];
        }
      }
      if (activate) {
        for (size_t h = 0; h < width; ++h) sigmoidInPlace(Zt + (h0 + h) * m + begin, end - begin);
      }
    });
  }
}

void SparseInput::gradient(const double* deltaRows, double scale, double* D, ThreadPool& pool, size_t threads) {
  const size_t m = examples_, n = inputs_, ld = n + 1, deltaLd = paddedWidth(hidden_);
  const size_t blocks = (m + kBlock - 1) / kBlock;
  const std::vector<size_t> bounds = balancedRanges(n, threads, [&](size_t a, size_t b) {
    double total = 0.0;
    for (size_t k = 0; k < blocks; ++k) total += static_cast<double>(colStart_[k * (n + 1) + b] - colStart_[k * (n + 1) + a]);
    return total;
  });
  runRanges(pool, bounds, [&](size_t begin, size_t end) {
    for (size_t h0 = 0; h0 < hidden_; h0 += kChunk) {
      const size_t width = std::min(kChunk, hidden_ - h0);
      for (size_t k = 0; k < blocks; ++k) {
        accumulateBlock(colStart_.data() + k * (n + 1), colExample_.data(), colValue_.data(), deltaRows + h0,
                        deltaLd, width, k == 0, begin, end, dPartial_);
      }
      for (size_t c = begin; c < end; ++c) {
        for (size_t h = 0; h < width; ++h) D[(h0 + h) * ld + 1 + c] = scale * dPartial_[c * kChunk + h];
      }
    }
  });
}

}  // namespace backprop
