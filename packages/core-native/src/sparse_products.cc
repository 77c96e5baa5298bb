// The first layer's two products over the sparse copy of X (SparseInput::forward and ::gradient): the list
// kernel (accumulateBlock) and the dense tiles' kernel (accumulateTiles), and how the work is split over the
// pool's threads.
#include <algorithm>
#include <type_traits>

#include "activation.h"
#include "sparse_input.h"

// The file, like the whole addon, is compiled with -ffp-contract=off, once per CPU class (x86-64-v4, x86-64-v3,
// baseline x86-64: one addon each, CMakeLists.txt); the kernels (accumulateBlock, accumulateTiles) turn contraction
// back on for themselves (BACKPROP_FUSED), so the x86-64-v3/v4 addons fuse each multiply and add into one FMA and
// the baseline addon, whose class has no FMA, keeps them separate. The classes therefore differ in the last bits;
// with one class the result is the same for any thread count (each output entry is one sum in a fixed order).
#if defined(__GNUC__) && !defined(__clang__)
#define BACKPROP_FUSED __attribute__((optimize("fp-contract=fast")))
#else
#define BACKPROP_FUSED
#endif

namespace backprop {

namespace {

// kChunk (32) hidden units as vectors of kLanes doubles (GCC vector extensions), written out so that the running
// sums stay in registers; a multiply and add that the FMA classes fuse (see BACKPROP_FUSED). With AVX-512 (the
// x86-64-v4 addon) 8-wide: 4 vectors for 25 units, half the loads and FMAs of 4-wide (an MNIST epoch, 256 hidden
// units, 1.40 -> 1.25 s; digits5000 2-3% on one core: Ice Lake Xeon, 2026-12-07; Zen 4 not measured). With AVX2
// (x86-64-v3) 4-wide: 7 vectors for 25 units, twice (even and odd non-zeros, so that consecutive FMAs do not wait
// on each other) in 16 registers. Without (the baseline addon: SSE2's 16 two-wide registers) 2-wide and
// one set of sums: 13 vectors for 25 units, a broadcast and a product fit; 4-wide vectors there became register
// pairs that did not (two sets of 7 pairs: the sums lived on the stack, 5x slower than AVX2).
#if defined(__AVX512F__)
typedef double Lanes __attribute__((vector_size(64), aligned(8)));
constexpr bool kTwoSums = true;
#elif defined(__AVX__)
typedef double Lanes __attribute__((vector_size(32), aligned(8)));
constexpr bool kTwoSums = true;
#else
typedef double Lanes __attribute__((vector_size(16), aligned(8)));
constexpr bool kTwoSums = false;
#endif
constexpr size_t kLanes = sizeof(Lanes) / sizeof(double);
constexpr size_t kVectors = kChunk / kLanes;  // vectors in a chunk of hidden units

// V running sums of kLanes: the first kLanes * V of a row's kChunk hidden units. V < kVectors when the layer (or
// its last chunk) is narrower, e.g. 7 four-wide for 25 units: rows keep their kChunk-double stride (and
// alignment), the tail is skipped.
template <size_t V>
struct Accumulator {
  Lanes v[V];
  Accumulator() {
    for (size_t k = 0; k < V; ++k) v[k] = Lanes{};
  }
  inline void addScaled(double x, const double* w) {
    const Lanes* p = reinterpret_cast<const Lanes*>(w);
    for (size_t k = 0; k < V; ++k) v[k] += x * p[k];
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

// Calls f(std::integral_constant<size_t, V>{}) with V = vectors, at least 1 and at most N: the kernels' vector
// count as a compile-time constant, so that their running sums are registers.
template <size_t N, size_t V = 1, class F>
inline __attribute__((always_inline)) void dispatchWidth(size_t vectors, const F& f) {
  if constexpr (V < N) {
    if (vectors <= V) return f(std::integral_constant<size_t, V>{});
    return dispatchWidth<N, V + 1>(vectors, f);
  } else {
    f(std::integral_constant<size_t, N>{});
  }
}

// rows[i] (stride rowsLd) += sum over the non-zeros of i of x * source[index] (stride sourceLd), i in
// [begin, end); first: start from zero. With kTwoSums, even and odd non-zeros in two running sums.
template <size_t V, class Value>
inline __attribute__((always_inline)) void accumulate(const uint64_t* start, const uint32_t* index,
                                                      const Value* value, const double* source, size_t sourceLd,
                                                      bool first, size_t begin, size_t end, double* rows,
                                                      size_t rowsLd) {
  for (size_t i = begin; i < end; ++i) {
    double* row = rows + i * rowsLd;
    Accumulator<V> acc;
    if (!first) acc.load(row);
    uint64_t p = start[i];
    if constexpr (kTwoSums) {
      Accumulator<V> odd;
      for (; p + 2 <= start[i + 1]; p += 2) {
        acc.addScaled(value[p], source + size_t{index[p]} * sourceLd);
        odd.addScaled(value[p + 1], source + size_t{index[p + 1]} * sourceLd);
      }
      acc.add(odd);
    }
    for (; p < start[i + 1]; ++p) acc.addScaled(value[p], source + size_t{index[p]} * sourceLd);
    acc.store(row);
  }
}

// One block of either product (forward: by example over W^T rows; gradient: by input over delta rows), for
// `width` hidden units. The source rows of a block stay in L1.
template <class Value>
inline __attribute__((always_inline)) void accumulateWidth(const uint64_t* start, const uint32_t* index,
                                                           const Value* value, const double* source,
                                                           size_t sourceLd, size_t width, bool first, size_t begin,
                                                           size_t end, double* rows, size_t rowsLd) {
  return dispatchWidth<kVectors>((width + kLanes - 1) / kLanes, [&](auto vectors) {
    accumulate<decltype(vectors)::value>(start, index, value, source, sourceLd, first, begin, end, rows, rowsLd);
  });
}

// The block for double and for float values (widened exactly to double as read).
BACKPROP_FUSED
void accumulateBlock(const uint64_t* start, const uint32_t* index, const double* value, const double* source,
                     size_t sourceLd, size_t width, bool first, size_t begin, size_t end, double* rows,
                     size_t rowsLd) {
  accumulateWidth(start, index, value, source, sourceLd, width, first, begin, end, rows, rowsLd);
}

BACKPROP_FUSED
void accumulateBlock(const uint64_t* start, const uint32_t* index, const float* value, const double* source,
                     size_t sourceLd, size_t width, bool first, size_t begin, size_t end, double* rows,
                     size_t rowsLd) {
  accumulateWidth(start, index, value, source, sourceLd, width, first, begin, end, rows, rowsLd);
}

// Makes the compiler hold x in a register at this point. The tiles' kernel loads each weight row once for kTile
// FMAs; without this GCC folds a load of the row into each FMA instead (15 loads a step instead of 7 on x86-64-v4:
// one evaluation 2.47 -> 2.26 ms, Ice Lake, 2 threads, 2026-12-07).
inline __attribute__((always_inline)) void inRegister(Lanes& x) {
  asm(""
      : "+v"(x));
}

// The dense tiles' kernel: rows[e] (stride rowsLd) += sum over k in [0, count) of x[k * kTile + e] *
// source[k] (stride sourceLd), e < kTile, k ascending; first: start from zero. Each source row (V vectors) is
// loaded once for the kTile rows it adds to, and the values need no index: kTile x V running sums (21 for 25
// hidden units, which with the row and a broadcast fit x86-64-v4's 32 vector registers).
template <size_t V, class Value>
inline __attribute__((always_inline)) void accumulateTile(const Value* x, const double* source, size_t sourceLd,
                                                          size_t count, bool first, double* rows, size_t rowsLd) {
  Accumulator<V> acc[kTile];
  if (!first) {
    for (size_t e = 0; e < kTile; ++e) acc[e].load(rows + e * rowsLd);
  }
  for (size_t k = 0; k < count; ++k) {
    const Lanes* p = reinterpret_cast<const Lanes*>(source + k * sourceLd);
    Lanes w[V];
    for (size_t v = 0; v < V; ++v) w[v] = p[v];
    for (size_t v = 0; v < V; ++v) inRegister(w[v]);
    for (size_t e = 0; e < kTile; ++e) {
      const double s = x[k * kTile + e];
      for (size_t v = 0; v < V; ++v) acc[e].v[v] += s * w[v];
    }
  }
  for (size_t e = 0; e < kTile; ++e) acc[e].store(rows + e * rowsLd);
}

// `tiles` consecutive tiles (x advancing by xStride values, rows by kTile rows), for `width` hidden units.
template <class Value>
inline __attribute__((always_inline)) void accumulateTilesWidth(const Value* x, size_t xStride, size_t tiles,
                                                                const double* source, size_t sourceLd, size_t width,
                                                                size_t count, bool first, double* rows,
                                                                size_t rowsLd) {
  for (size_t t = 0; t < tiles; ++t) {
    const Value* xt = x + t * xStride;
    double* r = rows + t * kTile * rowsLd;
    dispatchWidth<kVectors>((width + kLanes - 1) / kLanes, [&](auto vectors) {
      accumulateTile<decltype(vectors)::value>(xt, source, sourceLd, count, first, r, rowsLd);
    });
  }
}

BACKPROP_FUSED
void accumulateTiles(const double* x, size_t xStride, size_t tiles, const double* source, size_t sourceLd,
                     size_t width, size_t count, bool first, double* rows, size_t rowsLd) {
  accumulateTilesWidth(x, xStride, tiles, source, sourceLd, width, count, first, rows, rowsLd);
}

BACKPROP_FUSED
void accumulateTiles(const float* x, size_t xStride, size_t tiles, const double* source, size_t sourceLd,
                     size_t width, size_t count, bool first, double* rows, size_t rowsLd) {
  accumulateTilesWidth(x, xStride, tiles, source, sourceLd, width, count, first, rows, rowsLd);
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

}  // namespace

void SparseInput::forward(const double* Theta, const Hidden* activation, double slope, double* Zt, ThreadPool& pool,
                          size_t threads) {
  const SparseRows& s = current();
  const SparseX& x = *x_;
  const size_t m = s.examples, n = inputs_, ld = n + 1, blocks = x.inputBlocks(), d = x.dense;
  const size_t chunks = (hidden_ + kChunk - 1) / kChunk, tiles = (m + kTile - 1) / kTile, P = chunks * kChunk;
  // W^T in the packed input order, one n x kChunk panel per chunk of hidden units (zero padded), the inputs
  // split across the threads.
  const size_t packers = std::max<size_t>(1, std::min(threads, n));
  for (size_t h = 0; h < hidden_; ++h) bias_[h] = Theta[h * ld];
  pool.run(packers, [&](size_t t) {
    const size_t p0 = n * t / packers, p1 = n * (t + 1) / packers;
    for (size_t q = 0; q < chunks; ++q) {
      const size_t h0 = q * kChunk, width = std::min(kChunk, hidden_ - h0);
      double* panel = packed_ + q * n * kChunk;
      for (size_t a = p0; a < p1; a += 8) {  // eight inputs at a time: mostly one cache line of each Theta row
        const size_t b = std::min(p1, a + 8);
        for (size_t h = 0; h < kChunk; ++h) {
          const double* w = Theta + (h0 + h) * ld + 1;
          for (size_t p = a; p < b; ++p) panel[p * kChunk + h] = h < width ? w[x.packedInputs[p]] : 0.0;
        }
      }
    }
  });
  if (m == 0) return;
  // Tiles of kTile examples split by their work: list entries, plus the dense values at kTileCost each
  // (measured: a dense value costs about 0.7 of a list entry).
  constexpr double kTileCost = 0.7;
  const std::vector<size_t> bounds = balancedRanges(tiles, threads, [&](size_t a, size_t b) {
    double total = kTileCost * static_cast<double>((b - a) * kTile * d);
    const size_t i0 = std::min(m, kTile * a), i1 = std::min(m, kTile * b);
    for (size_t k = 0; k < blocks; ++k) total += static_cast<double>(s.rowStart[k * (m + 1) + i1] - s.rowStart[k * (m + 1) + i0]);
    return total;
  });
  auto run = [&](auto tag) {
    using Value = decltype(tag);
    const Value* rowValue = values(s.rowValue, s.rowValue32, tag);
    const Value* dense = values(s.denseForward, s.denseForward32, tag);
    pool.run(bounds.size() - 1, [&](size_t t) {
      const size_t t0 = bounds[t], t1 = bounds[t + 1];
      if (t1 <= t0) return;  // no examples for this thread
      const size_t begin = std::min(m, kTile * t0), end = std::min(m, kTile * t1);
      for (size_t q = 0; q < chunks; ++q) {
        const size_t h0 = q * kChunk, width = std::min(kChunk, hidden_ - h0);
        const double* panel = packed_ + q * n * kChunk;
        double* rows = zRows_ + h0;  // columns h0 .. h0 + kChunk of the rows by example
        // Sums by example: the dense inputs kInputBlock at a time (their W^T rows stay in L1), then the lists
        // block by block.
        for (size_t j0 = 0; j0 < d; j0 += kInputBlock) {
          const size_t inputs = std::min(d, j0 + kInputBlock) - j0;
          accumulateTiles(dense + forwardAt(kTile * t0, j0, d, tiles), inputs * kTile, t1 - t0, panel + j0 * kChunk,
                          kChunk, width, inputs, j0 == 0, rows + t0 * kTile * P, P);
        }
        for (size_t k = 0; k < blocks; ++k) {
          accumulateBlock(s.rowStart.data() + k * (m + 1), s.rowInput.data(), rowValue, panel, kChunk, width,
                          d == 0 && k == 0, begin, end, rows, P);
        }
      }
      if (activation != nullptr) {  // a = f(b + z) in place, row by row: the layout the rest of the pass reads
        biasActivateRows(*activation, slope, zRows_ + begin * P, end - begin, P, bias_.data(), hidden_);
      } else {  // b + z into Zt (one row per unit) eight examples (one cache line of each output row) at a time
        for (size_t i0 = begin; i0 < end; i0 += 8) {
          const size_t i1 = std::min(end, i0 + 8);
          for (size_t h = 0; h < hidden_; ++h) {
            double* out = Zt + h * m;
            for (size_t i = i0; i < i1; ++i) out[i] = bias_[h] + zRows_[i * P + h];
          }
        }
      }
    });
  };
  if (x.narrow) {
    run(float{});
  } else {
    run(double{});
  }
}

void SparseInput::gradient(const double* deltaRows, double scale, double* D, ThreadPool& pool, size_t threads) {
  const SparseRows& s = current();
  const SparseX& x = *x_;
  const size_t m = s.examples, ld = inputs_ + 1, deltaLd = paddedWidth(hidden_), d = x.dense, listed = x.listed();
  const size_t blocks = (m + kExampleBlock - 1) / kExampleBlock, groups = x.denseGroups();
  // The listed inputs split by their non-zero count, the dense groups evenly: each thread gets its share of
  // both.
  const std::vector<size_t> bounds = balancedRanges(listed, threads, [&](size_t a, size_t b) {
    double total = 0.0;
    for (size_t k = 0; k < blocks; ++k) total += static_cast<double>(s.colStart[k * (listed + 1) + b] - s.colStart[k * (listed + 1) + a]);
    return total;
  });
  const size_t tasks = std::max(bounds.size() - 1, std::min(threads, groups));
  auto run = [&](auto tag) {
    using Value = decltype(tag);
    const Value* colValue = values(s.colValue, s.colValue32, tag);
    const Value* dense = values(s.denseGradient, s.denseGradient32, tag);
    pool.run(tasks, [&](size_t t) {
      const size_t g0 = groups * t / tasks, g1 = groups * (t + 1) / tasks;
      const size_t begin = t + 1 < bounds.size() ? bounds[t] : listed, end = t + 1 < bounds.size() ? bounds[t + 1] : listed;
      for (size_t h0 = 0; h0 < hidden_; h0 += kChunk) {
        const size_t width = std::min(kChunk, hidden_ - h0);
        // Dense groups of kTile inputs, summed over the examples kExampleBlock at a time (their delta rows stay in L1).
        std::fill(dDense_ + g0 * kTile * kChunk, dDense_ + g1 * kTile * kChunk, 0.0);
        for (size_t e0 = 0; e0 < m && g0 < g1; e0 += kExampleBlock) {
          const size_t examples = std::min(m, e0 + kExampleBlock) - e0;
          accumulateTiles(dense + gradientAt(e0, kTile * g0, m, groups), examples * kTile, g1 - g0,
                          deltaRows + e0 * deltaLd + h0, deltaLd, width, examples, false, dDense_ + g0 * kTile * kChunk,
                          kChunk);
        }
        for (size_t j = g0 * kTile; j < std::min(d, g1 * kTile); ++j) {
          const size_t c = x.packedInputs[j];
          for (size_t h = 0; h < width; ++h) D[(h0 + h) * ld + 1 + c] = scale * dDense_[j * kChunk + h];
        }
        // Listed inputs.
        for (size_t k = 0; k < blocks; ++k) {
          accumulateBlock(s.colStart.data() + k * (listed + 1), s.colExample.data(), colValue, deltaRows + h0, deltaLd,
                          width, k == 0, begin, end, dPartial_, kChunk);
        }
        for (size_t j = begin; j < end; ++j) {
          const size_t c = x.packedInputs[d + j];
          for (size_t h = 0; h < width; ++h) D[(h0 + h) * ld + 1 + c] = scale * dPartial_[j * kChunk + h];
        }
      }
    });
  };
  if (x.narrow) {
    run(float{});
  } else {
    run(double{});
  }
}

}  // namespace backprop
