#include "sparse_input.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <new>

#include "elementwise.h"

// The two loops are compiled for x86-64-v4, x86-64-v3 and the baseline and chosen when the addon loads (GCC
// target_clones). The file is compiled with -ffp-contract=off; the loops turn contraction back on for
// themselves (optimize attribute), so the x86-64-v3/v4 clones fuse each multiply and add into one FMA (about 12%
// faster per product on Zen 4: fewer operations per non-zero) and the baseline clone, which has no FMA, keeps
// them separate. The clones therefore differ in the last bits between CPUs with and without FMA; on one CPU the
// result is the same for any thread count (each output entry is one sum in a fixed order).
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define BACKPROP_CLONES \
  __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default"), optimize("fp-contract=fast")))
#else
#define BACKPROP_CLONES
#endif

namespace backprop {

namespace {

constexpr size_t kChunk = SparseInput::kChunk;
// Denser than this, the dense BLAS product is as fast (measured on digits5000-like data).
constexpr double kMaxDensity = 0.6;

// 32 hidden units as eight 4-wide vectors (GCC vector extensions: AVX registers in the x86-64-v3/v4 clones,
// SSE pairs in the baseline one). Written out so the accumulators stay in registers; a multiply and add that the
// FMA clones fuse (see BACKPROP_CLONES).
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
template <size_t V, class Value>
inline __attribute__((always_inline)) void accumulate(const uint64_t* start, const uint32_t* index,
                                                      const Value* value, const double* source, size_t sourceLd,
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
template <class Value>
inline __attribute__((always_inline)) void accumulateWidth(const uint64_t* start, const uint32_t* index,
                                                           const Value* value, const double* source,
                                                           size_t sourceLd, size_t width, bool first, size_t begin,
                                                           size_t end, double* rows) {
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

// The block for double and for float values (widened exactly to double as read).
BACKPROP_CLONES
void accumulateBlock(const uint64_t* start, const uint32_t* index, const double* value, const double* source,
                     size_t sourceLd, size_t width, bool first, size_t begin, size_t end, double* rows) {
  accumulateWidth(start, index, value, source, sourceLd, width, first, begin, end, rows);
}

BACKPROP_CLONES
void accumulateBlock(const uint64_t* start, const uint32_t* index, const float* value, const double* source,
                     size_t sourceLd, size_t width, bool first, size_t begin, size_t end, double* rows) {
  accumulateWidth(start, index, value, source, sourceLd, width, first, begin, end, rows);
}

// Whether x is a float exactly (the range checked first: converting a double beyond it is undefined).
bool fitsFloat(double x) {
  return std::fabs(x) <= FLT_MAX && static_cast<double>(static_cast<float>(x)) == x;
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
  bool narrow = true;
  for (size_t k = 0; k < m * n; ++k) {
    if (!std::isfinite(X[k])) return false;
    nonZeros += X[k] != 0.0;
    narrow = narrow && fitsFloat(X[k]);
  }
  if (static_cast<double>(nonZeros) > kMaxDensity * static_cast<double>(m) * static_cast<double>(n)) return false;
  if (m > UINT32_MAX || n > UINT32_MAX) return false;
  const size_t inputBlocks = (n + kBlock - 1) / kBlock, exampleBlocks = (m + kBlock - 1) / kBlock;
  SparseRows& all = all_;
  all.narrow = narrow;
  all.rowStart.assign(inputBlocks * (m + 1), 0);
  all.rowInput.resize(nonZeros);
  if (narrow) {
    all.rowValue32.resize(nonZeros);
  } else {
    all.rowValue.resize(nonZeros);
  }
  size_t p = 0;
  for (size_t b = 0; b < inputBlocks; ++b) {
    const size_t c1 = std::min(n, (b + 1) * kBlock);
    for (size_t i = 0; i < m; ++i) {
      all.rowStart[b * (m + 1) + i] = p;
      for (size_t c = b * kBlock; c < c1; ++c) {
        const double x = X[i * n + c];
        if (x == 0.0) continue;
        all.rowInput[p] = static_cast<uint32_t>(c);
        if (narrow) {
          all.rowValue32[p++] = static_cast<float>(x);
        } else {
          all.rowValue[p++] = x;
        }
      }
    }
    all.rowStart[b * (m + 1) + m] = p;
  }
  all.colStart.assign(exampleBlocks * (n + 1), 0);
  all.colExample.resize(nonZeros);
  if (narrow) {
    all.colValue32.resize(nonZeros);
  } else {
    all.colValue.resize(nonZeros);
  }
  p = 0;
  for (size_t b = 0; b < exampleBlocks; ++b) {
    const size_t i1 = std::min(m, (b + 1) * kBlock);
    for (size_t c = 0; c < n; ++c) {
      all.colStart[b * (n + 1) + c] = p;
      for (size_t i = b * kBlock; i < i1; ++i) {  // examples ascending: the gradient's summation order
        const double x = X[i * n + c];
        if (x == 0.0) continue;
        all.colExample[p] = static_cast<uint32_t>(i);
        if (narrow) {
          all.colValue32[p++] = static_cast<float>(x);
        } else {
          all.colValue[p++] = x;
        }
      }
    }
    all.colStart[b * (n + 1) + n] = p;
  }
  all.examples = m;
  const size_t chunks = (H + kChunk - 1) / kChunk;
  scratch_.assign((chunks * n + m + n) * kChunk + 7, 0.0);
  packed_ = aligned(scratch_);
  zPartial_ = packed_ + chunks * n * kChunk;
  dPartial_ = zPartial_ + m * kChunk;
  examples_ = m;
  inputs_ = n;
  hidden_ = H;
  return true;
}

bool SparseInput::select(const uint32_t* rows, size_t count) {
  batchSelected_ = false;
  if (rows == nullptr) return true;
  const size_t m = examples_, n = inputs_;
  const size_t inputBlocks = (n + kBlock - 1) / kBlock, exampleBlocks = (count + kBlock - 1) / kBlock;
  const SparseRows& all = all_;
  SparseRows& batch = batch_;
  const bool narrow = all.narrow;
  try {
    size_t nonZeros = 0;
    for (size_t r = 0; r < count; ++r) {
      for (size_t b = 0; b < inputBlocks; ++b) {
        nonZeros += all.rowStart[b * (m + 1) + rows[r] + 1] - all.rowStart[b * (m + 1) + rows[r]];
      }
    }
    batch.rowStart.resize(inputBlocks * (count + 1));
    batch.rowInput.resize(nonZeros);
    batch.colStart.assign(exampleBlocks * (n + 1), 0);
    batch.colExample.resize(nonZeros);
    if (narrow) {
      batch.rowValue32.resize(nonZeros);
      batch.colValue32.resize(nonZeros);
    } else {
      batch.rowValue.resize(nonZeros);
      batch.colValue.resize(nonZeros);
    }
    cursor_.resize(exampleBlocks * (n + 1));
  } catch (const std::bad_alloc&) {
    return false;
  }
  // By example: each batch row's non-zeros copied block by block (the rows a few ahead prefetched: they are
  // scattered over the resident copy); then each input's examples counted per example block (in colStart).
  constexpr size_t kAhead = 4;
  uint64_t p = 0;
  for (size_t b = 0; b < inputBlocks; ++b) {
    const uint64_t* start = all.rowStart.data() + b * (m + 1);
    for (size_t r = 0; r < count; ++r) {
      if (r + kAhead < count) {
        const uint64_t ahead = start[rows[r + kAhead]];
        if (narrow) {
          __builtin_prefetch(all.rowValue32.data() + ahead);
        } else {
          __builtin_prefetch(all.rowValue.data() + ahead);
          __builtin_prefetch(all.rowValue.data() + ahead + 8);
        }
        __builtin_prefetch(all.rowInput.data() + ahead);
      }
      const uint64_t from = start[rows[r]], to = start[rows[r] + 1];
      batch.rowStart[b * (count + 1) + r] = p;
      std::copy(all.rowInput.data() + from, all.rowInput.data() + to, batch.rowInput.data() + p);
      if (narrow) {
        std::copy(all.rowValue32.data() + from, all.rowValue32.data() + to, batch.rowValue32.data() + p);
      } else {
        std::copy(all.rowValue.data() + from, all.rowValue.data() + to, batch.rowValue.data() + p);
      }
      p += to - from;
    }
    batch.rowStart[b * (count + 1) + count] = p;
  }
  for (size_t b = 0; b < inputBlocks; ++b) {
    for (size_t r = 0; r < count; ++r) {
      uint64_t* counts = batch.colStart.data() + (r / kBlock) * (n + 1);
      for (uint64_t q = batch.rowStart[b * (count + 1) + r]; q < batch.rowStart[b * (count + 1) + r + 1]; ++q) {
        ++counts[batch.rowInput[q]];
      }
    }
  }
  // By input: starts from the counts, then the examples in batch order (ascending within each input).
  uint64_t at = 0;
  for (size_t k = 0; k < exampleBlocks; ++k) {
    uint64_t* start = batch.colStart.data() + k * (n + 1);
    for (size_t c = 0; c < n; ++c) {
      const uint64_t examples = start[c];
      start[c] = at;
      cursor_[k * (n + 1) + c] = at;
      at += examples;
    }
    start[n] = at;
  }
  for (size_t b = 0; b < inputBlocks; ++b) {
    for (size_t r = 0; r < count; ++r) {
      uint64_t* cursor = cursor_.data() + (r / kBlock) * (n + 1);
      for (uint64_t q = batch.rowStart[b * (count + 1) + r]; q < batch.rowStart[b * (count + 1) + r + 1]; ++q) {
        const uint64_t to = cursor[batch.rowInput[q]]++;
        batch.colExample[to] = static_cast<uint32_t>(r);
        if (narrow) {
          batch.colValue32[to] = batch.rowValue32[q];
        } else {
          batch.colValue[to] = batch.rowValue[q];
        }
      }
    }
  }
  batch.examples = count;
  batch.narrow = narrow;
  batchSelected_ = true;
  return true;
}

double* SparseInput::aligned(std::vector<double>& buffer) {
  const uintptr_t address = reinterpret_cast<uintptr_t>(buffer.data());
  return buffer.data() + ((64 - address % 64) % 64) / sizeof(double);
}

size_t SparseInput::bytes() const {
  size_t total = scratch_.size() * sizeof(double) + cursor_.capacity() * sizeof(uint64_t);
  for (const SparseRows* s : {&all_, &batch_}) {
    total += (s->rowStart.capacity() + s->colStart.capacity()) * sizeof(uint64_t) +
             (s->rowInput.capacity() + s->colExample.capacity()) * sizeof(uint32_t) +
             (s->rowValue.capacity() + s->colValue.capacity()) * sizeof(double) +
             (s->rowValue32.capacity() + s->colValue32.capacity()) * sizeof(float);
  }
  return total;
}

void SparseInput::forward(const double* Theta, double* Zt, bool activate, ThreadPool& pool, size_t threads) {
  const SparseRows& s = current();
  const size_t m = s.examples, n = inputs_, ld = n + 1, blocks = (n + kBlock - 1) / kBlock;
  const size_t chunks = (hidden_ + kChunk - 1) / kChunk;
  // W^T, one n x kChunk panel per chunk of hidden units (zero padded), the inputs split across the threads.
  const size_t packers = std::max<size_t>(1, std::min(threads, n));
  pool.run(packers, [&](size_t t) {
    const size_t c0 = n * t / packers, c1 = n * (t + 1) / packers;
    for (size_t q = 0; q < chunks; ++q) {
      const size_t h0 = q * kChunk, width = std::min(kChunk, hidden_ - h0);
      double* panel = packed_ + q * n * kChunk;
      for (size_t a = c0; a < c1; a += 8) {  // eight inputs at a time: one cache line of each Theta row read
        const size_t b = std::min(c1, a + 8);
        for (size_t h = 0; h < kChunk; ++h) {
          const double* w = Theta + (h0 + h) * ld + 1;
          for (size_t c = a; c < b; ++c) panel[c * kChunk + h] = h < width ? w[c] : 0.0;
        }
      }
    }
  });
  if (m == 0) return;
  // Examples split by their non-zero count (all blocks).
  const std::vector<size_t> bounds = balancedRanges(m, threads, [&](size_t a, size_t b) {
    double total = 0.0;
    for (size_t k = 0; k < blocks; ++k) total += static_cast<double>(s.rowStart[k * (m + 1) + b] - s.rowStart[k * (m + 1) + a]);
    return total;
  });
  runRanges(pool, bounds, [&](size_t begin, size_t end) {
    for (size_t q = 0; q < chunks; ++q) {
      const size_t h0 = q * kChunk, width = std::min(kChunk, hidden_ - h0);
      for (size_t k = 0; k < blocks; ++k) {
        const uint64_t* start = s.rowStart.data() + k * (m + 1);
        const double* panel = packed_ + q * n * kChunk;
        if (s.narrow) {
          accumulateBlock(start, s.rowInput.data(), s.rowValue32.data(), panel, kChunk, width, k == 0, begin, end,
                          zPartial_);
        } else {
          accumulateBlock(start, s.rowInput.data(), s.rowValue.data(), panel, kChunk, width, k == 0, begin, end,
                          zPartial_);
        }
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
    }
  });
}

void SparseInput::gradient(const double* deltaRows, double scale, double* D, ThreadPool& pool, size_t threads) {
  const SparseRows& s = current();
  const size_t m = s.examples, n = inputs_, ld = n + 1, deltaLd = paddedWidth(hidden_);
  const size_t blocks = (m + kBlock - 1) / kBlock;
  const std::vector<size_t> bounds = balancedRanges(n, threads, [&](size_t a, size_t b) {
    double total = 0.0;
    for (size_t k = 0; k < blocks; ++k) total += static_cast<double>(s.colStart[k * (n + 1) + b] - s.colStart[k * (n + 1) + a]);
    return total;
  });
  runRanges(pool, bounds, [&](size_t begin, size_t end) {
    for (size_t h0 = 0; h0 < hidden_; h0 += kChunk) {
      const size_t width = std::min(kChunk, hidden_ - h0);
      for (size_t k = 0; k < blocks; ++k) {
        const uint64_t* start = s.colStart.data() + k * (n + 1);
        if (s.narrow) {
          accumulateBlock(start, s.colExample.data(), s.colValue32.data(), deltaRows + h0, deltaLd, width, k == 0,
                          begin, end, dPartial_);
        } else {
          accumulateBlock(start, s.colExample.data(), s.colValue.data(), deltaRows + h0, deltaLd, width, k == 0,
                          begin, end, dPartial_);
        }
      }
      for (size_t c = begin; c < end; ++c) {
        for (size_t h = 0; h < width; ++h) D[(h0 + h) * ld + 1 + c] = scale * dPartial_[c * kChunk + h];
      }
    }
  });
}

}  // namespace backprop
