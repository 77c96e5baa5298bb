#include "sparse_input.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <memory>
#include <mutex>
#include <new>
#include <type_traits>

#if defined(__GNUC__) && defined(__x86_64__)
#include <immintrin.h>
#endif

#include "elementwise.h"
#include "vector_math.h"

// The kernels (the lists' accumulateBlock, the dense tiles' accumulateTiles) are compiled for x86-64-v4,
// x86-64-v3 and the baseline and chosen when the addon loads (GCC target_clones). The file is compiled with
// -ffp-contract=off; the kernels turn contraction back on for themselves (optimize attribute), so the
// x86-64-v3/v4 clones fuse each multiply and add into one FMA (the list loop ~12% faster per product on Zen 4:
// fewer operations per non-zero) and the baseline clone, which has no FMA, keeps them separate. The clones therefore differ in the last bits between CPUs with and without FMA; on one CPU the
// result is the same for any thread count (each output entry is one sum in a fixed order).
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define BACKPROP_CLONES \
  __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default"), optimize("fp-contract=fast")))
// The binding's scan (scanRows) is cloned the same way, without contraction (it has no products).
#define BACKPROP_LOOP_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define BACKPROP_CLONES
#define BACKPROP_LOOP_CLONES
#endif

namespace backprop {

namespace {

constexpr size_t kChunk = SparseInput::kChunk;
constexpr size_t kInputBlock = SparseInput::kInputBlock;
constexpr size_t kExampleBlock = SparseInput::kExampleBlock;
constexpr size_t kTile = SparseInput::kTile;
// Denser than this, the dense BLAS product is as fast (measured on digits5000-like data).
constexpr double kMaxDensity = 0.6;
// Tasks per thread when the copy is built (each a range of example blocks).
constexpr size_t kTasksPerThread = 4;

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

// rows[i] (stride rowsLd) += sum over the non-zeros of i of x * source[index] (stride sourceLd), i in
// [begin, end); first: start from zero. Two running sums (even and odd non-zeros) so that consecutive adds do
// not wait on each other.
template <size_t V, class Value>
inline __attribute__((always_inline)) void accumulate(const uint64_t* start, const uint32_t* index,
                                                      const Value* value, const double* source, size_t sourceLd,
                                                      bool first, size_t begin, size_t end, double* rows,
                                                      size_t rowsLd) {
  for (size_t i = begin; i < end; ++i) {
    double* row = rows + i * rowsLd;
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
                                                           size_t end, double* rows, size_t rowsLd) {
  switch ((width + 3) / 4) {
    case 1: return accumulate<1>(start, index, value, source, sourceLd, first, begin, end, rows, rowsLd);
    case 2: return accumulate<2>(start, index, value, source, sourceLd, first, begin, end, rows, rowsLd);
    case 3: return accumulate<3>(start, index, value, source, sourceLd, first, begin, end, rows, rowsLd);
    case 4: return accumulate<4>(start, index, value, source, sourceLd, first, begin, end, rows, rowsLd);
    case 5: return accumulate<5>(start, index, value, source, sourceLd, first, begin, end, rows, rowsLd);
    case 6: return accumulate<6>(start, index, value, source, sourceLd, first, begin, end, rows, rowsLd);
    case 7: return accumulate<7>(start, index, value, source, sourceLd, first, begin, end, rows, rowsLd);
    default: return accumulate<8>(start, index, value, source, sourceLd, first, begin, end, rows, rowsLd);
  }
}

// The block for double and for float values (widened exactly to double as read).
BACKPROP_CLONES
void accumulateBlock(const uint64_t* start, const uint32_t* index, const double* value, const double* source,
                     size_t sourceLd, size_t width, bool first, size_t begin, size_t end, double* rows,
                     size_t rowsLd) {
  accumulateWidth(start, index, value, source, sourceLd, width, first, begin, end, rows, rowsLd);
}

BACKPROP_CLONES
void accumulateBlock(const uint64_t* start, const uint32_t* index, const float* value, const double* source,
                     size_t sourceLd, size_t width, bool first, size_t begin, size_t end, double* rows,
                     size_t rowsLd) {
  accumulateWidth(start, index, value, source, sourceLd, width, first, begin, end, rows, rowsLd);
}

// The dense tiles' kernel: rows[e] (stride rowsLd) += sum over k in [0, count) of x[k * kTile + e] *
// source[k] (stride sourceLd), e < kTile, k ascending; first: start from zero. Each source row (V vectors) is
// loaded once for the kTile rows it adds to, and the values need no index: kTile x V running sums (21 for 25
// hidden units, which with the row and a broadcast fit AVX-512's 32 registers; measured in L1 on Zen 4: ~28
// multiply-adds per ns against ~23 for the list loop, close to the FMA peak of ~29).
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
    for (size_t e = 0; e < kTile; ++e) {
      const double s = x[k * kTile + e];
      const Lanes b = {s, s, s, s};
      for (size_t v = 0; v < V; ++v) acc[e].v[v] += b * w[v];
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
    switch ((width + 3) / 4) {
      case 1: accumulateTile<1>(xt, source, sourceLd, count, first, r, rowsLd); break;
      case 2: accumulateTile<2>(xt, source, sourceLd, count, first, r, rowsLd); break;
      case 3: accumulateTile<3>(xt, source, sourceLd, count, first, r, rowsLd); break;
      case 4: accumulateTile<4>(xt, source, sourceLd, count, first, r, rowsLd); break;
      case 5: accumulateTile<5>(xt, source, sourceLd, count, first, r, rowsLd); break;
      case 6: accumulateTile<6>(xt, source, sourceLd, count, first, r, rowsLd); break;
      case 7: accumulateTile<7>(xt, source, sourceLd, count, first, r, rowsLd); break;
      default: accumulateTile<8>(xt, source, sourceLd, count, first, r, rowsLd); break;
    }
  }
}

BACKPROP_CLONES
void accumulateTiles(const double* x, size_t xStride, size_t tiles, const double* source, size_t sourceLd,
                     size_t width, size_t count, bool first, double* rows, size_t rowsLd) {
  accumulateTilesWidth(x, xStride, tiles, source, sourceLd, width, count, first, rows, rowsLd);
}

BACKPROP_CLONES
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

// body(begin, end) over each range, the first on the calling thread and the others on the pool's.
template <class Body>
void runRanges(ThreadPool& pool, const std::vector<size_t>& bounds, const Body& body) {
  pool.run(bounds.size() - 1, [&](size_t t) { body(bounds[t], bounds[t + 1]); });
}

// The list or tile data of a SparseRows for the value type in use (tag: a Value).
inline const double* values(const Buffer<double>& wide, const Buffer<float>&, double) { return wide.data(); }
inline const float* values(const Buffer<double>&, const Buffer<float>& narrow, float) { return narrow.data(); }
inline double* values(Buffer<double>& wide, Buffer<float>&, double) { return wide.data(); }
inline float* values(Buffer<double>&, Buffer<float>& narrow, float) { return narrow.data(); }

// Where x[example i, dense input j] sits in a SparseRows of m examples with d dense inputs. Both layouts are
// cut in blocks (kInputBlock dense inputs for the forward product, kExampleBlock examples for the gradient)
// stored one after the other, so that each block's tiles, read together, are one contiguous stream:
//   denseForward:  block j / kInputBlock, then tile i / kTile, then input j % kInputBlock, then example i % kTile;
//   denseGradient: block i / kExampleBlock, then group j / kTile, then example i % kExampleBlock, then input
//                  j % kTile.
size_t forwardAt(size_t i, size_t j, size_t d, size_t tiles) {
  const size_t block = j / kInputBlock, inputs = std::min(kInputBlock, d - block * kInputBlock);
  return ((block * kInputBlock * tiles + (i / kTile) * inputs + j % kInputBlock) * kTile) + i % kTile;
}
size_t gradientAt(size_t i, size_t j, size_t m, size_t groups) {
  const size_t block = i / kExampleBlock, examples = std::min(kExampleBlock, m - block * kExampleBlock);
  return ((block * kExampleBlock * groups + (j / kTile) * examples + i % kExampleBlock) * kTile) + j % kTile;
}

// The process's live copies of X, for networks built on the same X (a sweep's workers train on one training
// set). Weak references only: a copy is freed with the last network using it. Never destroyed (a network may
// be destroyed during the process's exit, after function-local statics).
struct SharedCopies {
  std::mutex mutex;
  std::vector<std::weak_ptr<const SparseX>> copies;
};

SharedCopies& sharedCopies() {
  static SharedCopies* copies = new SharedCopies();
  return *copies;
}

// A live copy of X (m x n; narrow and nonZeros per column as the scan found them) from the cache, or null;
// drops the expired entries. Only a copy of the same shape, value type and non-zeros per column is compared
// value by value (holds), so binding an X no live network shares costs nothing here. Called with the cache's
// lock.
std::shared_ptr<const SparseX> findCopy(SharedCopies& cache, const double* X, size_t m, size_t n, bool narrow,
                                        const std::vector<size_t>& nonZeros) {
  std::shared_ptr<const SparseX> found;
  auto& copies = cache.copies;
  for (size_t k = 0; k < copies.size();) {
    std::shared_ptr<const SparseX> copy = copies[k].lock();
    if (!copy) {
      copies[k] = copies.back();
      copies.pop_back();
      continue;
    }
    if (!found && copy->examples == m && copy->inputs == n && copy->narrow == narrow &&
        copy->columnNonZeros == nonZeros && copy->holds(X, m, n)) {
      found = std::move(copy);
    }
    ++k;
  }
  return found;
}

// What a scan found besides the counts.
constexpr unsigned kNotFinite = 1, kNotFloat = 2;

// Binding's one pass over X (m x n row-major), rows [begin, end): counts[(i / kExampleBlock) * n + c] gains one
// for each non-zero x[i, c] (per example block and input column: the by-input lists' starts come from them,
// the dense inputs and the by-example lists' from their sums), and the answer has kNotFinite / kNotFloat when
// some value is not finite / not a float exactly. On the values' bits and with masks instead of branches or
// selects, so that GCC vectorises it (it would not with comparisons of doubles, the file keeping FP traps, nor with
// a ?: select here). For a finite x, bits(x) == bits(double(float(x))) is x == double(float(x)) (+0 and -0 both
// keep their sign); x is first limited to float's range, beyond which the conversion is undefined.
BACKPROP_LOOP_CLONES
unsigned scanRows(const double* X, size_t n, size_t begin, size_t end, uint32_t* counts) {
  constexpr uint64_t kMagnitude = ~(uint64_t{1} << 63), kExponent = uint64_t{0x7ff} << 52;
  const uint64_t floatMax = toBits(static_cast<double>(FLT_MAX));
  uint64_t notFinite = 0, notFloat = 0;
  for (size_t i = begin; i < end; ++i) {
    const double* row = X + i * n;
    uint32_t* count = counts + (i / kExampleBlock) * n;
    for (size_t c = 0; c < n; ++c) {
      const uint64_t bits = toBits(row[c]), magnitude = bits & kMagnitude;
      count[c] += magnitude != 0;
      notFinite |= (bits & kExponent) == kExponent;
      const uint64_t inRange = bits & (uint64_t{0} - static_cast<uint64_t>(magnitude <= floatMax));  // or +0
      notFloat |= toBits(static_cast<double>(static_cast<float>(fromBits(inRange)))) != bits;
    }
  }
  return (notFinite != 0 ? kNotFinite : 0u) | (notFloat != 0 ? kNotFloat : 0u);
}

// What every task of the fill reads besides the copy itself.
struct FillPlan {
  std::vector<uint64_t> listAt;  // [k * inputBlocks + b]: where example block k's lists of input block b start
  // Input block b's listed inputs lie in columns [columnBegin[b], columnEnd[b]) of a row of X (dense ones between).
  std::vector<size_t> columnBegin, columnEnd;
  std::vector<uint32_t> position;   // per column (n rounded up to 8): its packed position
  std::vector<uint8_t> listed;      // per column: 1 when it is listed
  std::vector<uint8_t> listedBits;  // per 8 columns: bit e for column 8 g + e listed
};

// A row's listed non-zeros in columns [begin, end) (in order: ascending packed positions) into input / value;
// returns how many. ahead: every listed column's place may be written (a zero's is written again by the next
// non-zero; q only counts the non-zeros: no branch), else only the non-zeros' places.
template <class Value>
size_t compactRow(const double* row, const FillPlan& plan, size_t begin, size_t end, bool ahead, uint32_t* input,
                  Value* value) {
  size_t q = 0;
  if (ahead) {
    for (size_t c = begin; c < end; ++c) {
      const double v = row[c];
      input[q] = plan.position[c];
      value[q] = static_cast<Value>(v);
      q += plan.listed[c] & static_cast<uint8_t>((toBits(v) << 1) != 0);  // listed and not +-0
    }
  } else {
    for (size_t c = begin; c < end; ++c) {
      const double v = row[c];
      if (plan.listed[c] == 0 || v == 0.0) continue;
      input[q] = plan.position[c];
      value[q++] = static_cast<Value>(v);
    }
  }
  return q;
}

#if defined(__GNUC__) && defined(__x86_64__)
#define BACKPROP_COMPACT512 1
// The same with AVX-512, 8 columns at a time: a masked load (only the block's listed columns), a compare with 0,
// the kept positions and values compressed into the low lanes and stored whole, so up to 8 places past the
// last non-zero are written: the caller makes sure they are this task's. (MNIST's rows, 778 listed inputs:
// binding ~12% faster than with the scalar loop.)
__attribute__((target("avx512f,avx512vl,avx512dq,avx512bw"))) size_t compactRow512(
    const double* row, const FillPlan& plan, size_t begin, size_t end, uint32_t* input, double* value, float* value32) {
  size_t q = 0;
  const __m512d zero = _mm512_setzero_pd();
  for (size_t g = begin / 8; g * 8 < end; ++g) {
    unsigned keep = plan.listedBits[g];
    if (g * 8 < begin) keep &= 0xffu << (begin - g * 8);
    if (g * 8 + 8 > end) keep &= 0xffu >> (g * 8 + 8 - end);
    const __m512d v = _mm512_maskz_loadu_pd(static_cast<__mmask8>(keep), row + g * 8);
    const __mmask8 nonZero = _mm512_mask_cmp_pd_mask(static_cast<__mmask8>(keep), v, zero, _CMP_NEQ_UQ);
    const __m256i at = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(plan.position.data() + g * 8));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(input + q), _mm256_maskz_compress_epi32(nonZero, at));
    if (value32 != nullptr) {
      _mm256_storeu_ps(value32 + q, _mm256_maskz_compress_ps(nonZero, _mm512_maskz_cvtpd_ps(nonZero, v)));
    } else {
      _mm512_storeu_pd(value + q, _mm512_maskz_compress_pd(nonZero, v));
    }
    q += static_cast<size_t>(__builtin_popcount(nonZero));
  }
  return q;
}
#endif

// Whether compactRow512 can run here.
bool compact512() {
#ifdef BACKPROP_COMPACT512
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
         __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512bw");
#else
  return false;
#endif
}

// Writes example blocks [k0, k1) of x's lists and tiles (sized; colStart and the lists' ends set) from X, each row
// of X read once, in order:
//   its listed inputs, input block by input block, compacted into the by-example lists (compactRow), then
//   copied from there to the by-input lists (colCursor: the next free place of each listed input's list);
//   its dense inputs (+0 for -0: x + 0 is x for every other x) into denseRow, then into both tile layouts.
// cursor: 2 * inputBlocks + listed places; denseRow: denseGroups * kTile values, zero past d. Every place is
// fixed by the counts, so the copy does not depend on how the blocks are split; compactRow writes ahead only
// within this task's part of each list.
template <class Value>
void fillBlocks(const double* X, SparseX& x, const FillPlan& plan, bool wide, size_t k0, size_t k1,
                uint64_t* cursor, Value* denseRow) {
  if (k0 >= k1) return;
  const size_t m = x.examples, n = x.inputs, d = x.dense, listed = x.listed();
  const size_t blocks = x.inputBlocks(), groups = x.denseGroups(), tiles = (m + kTile - 1) / kTile;
  SparseRows& all = x.all;
  const uint32_t* packed = x.packedInputs.data();
  const uint64_t* colStart = all.colStart.data();
  uint64_t* rowStart = all.rowStart.data();
  uint32_t* rowInput = all.rowInput.data();
  uint32_t* colExample = all.colExample.data();
  Value* rowValue = values(all.rowValue, all.rowValue32, Value{});
  Value* colValue = values(all.colValue, all.colValue32, Value{});
  Value* forward = values(all.denseForward, all.denseForward32, Value{});
  Value* gradient = values(all.denseGradient, all.denseGradient32, Value{});
  // This task's part of input block b's by-example lists: [rowCursor[b], rowEnd[b]).
  uint64_t *rowCursor = cursor, *rowEnd = cursor + blocks, *colCursor = cursor + 2 * blocks;
  for (size_t b = 0; b < blocks; ++b) {
    rowCursor[b] = plan.listAt[k0 * blocks + b];
    rowEnd[b] = k1 * kExampleBlock < m ? plan.listAt[k1 * blocks + b] : rowStart[b * (m + 1) + m];
  }
  for (size_t k = k0; k < k1; ++k) {
    std::copy(colStart + k * (listed + 1), colStart + k * (listed + 1) + listed, colCursor);
    const size_t i0 = k * kExampleBlock, i1 = std::min(m, i0 + kExampleBlock), examples = i1 - i0;
    for (size_t i = i0; i < i1; ++i) {
      const double* row = X + i * n;
      for (size_t b = 0; b < blocks; ++b) {
        const uint64_t p = rowCursor[b], inputs = std::min(listed, (b + 1) * kInputBlock) - b * kInputBlock;
        uint32_t* input = rowInput + p;
        Value* value = rowValue + p;
        size_t q;
#ifdef BACKPROP_COMPACT512
        if (wide && p + inputs + 8 <= rowEnd[b]) {
          q = std::is_same<Value, float>::value
                  ? compactRow512(row, plan, plan.columnBegin[b], plan.columnEnd[b], input, nullptr,
                                  reinterpret_cast<float*>(value))
                  : compactRow512(row, plan, plan.columnBegin[b], plan.columnEnd[b], input,
                                  reinterpret_cast<double*>(value), nullptr);
        } else
#endif
        {
          q = compactRow(row, plan, plan.columnBegin[b], plan.columnEnd[b], p + inputs <= rowEnd[b], input, value);
        }
        rowStart[b * (m + 1) + i] = p;
        rowCursor[b] = p + q;
        for (size_t e = 0; e < q; ++e) {  // examples ascending within each input: the gradient's order
          const uint64_t to = colCursor[input[e] - d]++;
          colExample[to] = static_cast<uint32_t>(i);
          colValue[to] = value[e];
        }
      }
      if (d == 0) continue;
      for (size_t j = 0; j < d; ++j) denseRow[j] = static_cast<Value>(row[packed[j]]) + Value{0};
      // forwardAt(i, j) for the inputs j0 .. j0 + inputs of a forward block: kTile apart.
      for (size_t j0 = 0; j0 < d; j0 += kInputBlock) {
        const size_t inputs = std::min(kInputBlock, d - j0);
        Value* out = forward + (j0 * tiles + (i / kTile) * inputs) * kTile + i % kTile;
        for (size_t j = 0; j < inputs; ++j) out[j * kTile] = denseRow[j0 + j];
      }
      // gradientAt(i, j): a group's kTile inputs together, groups examples * kTile apart.
      Value* out = gradient + (k * kExampleBlock * groups + (i - i0)) * kTile;
      for (size_t g = 0; g < groups; ++g) {
        for (size_t e = 0; e < kTile; ++e) out[g * examples * kTile + e] = denseRow[g * kTile + e];
      }
    }
  }
}

// X (m x n) in SparseX's layouts (see sparse_input.h), from the scan's counts (per example block and input
// column) and nonZeros (per column); the example blocks split into tasks at bounds, run on `threads` threads of
// pool.
std::shared_ptr<SparseX> buildCopy(const double* X, size_t m, size_t n, bool narrow,
                                   const std::vector<uint32_t>& counts, const std::vector<size_t>& nonZeros,
                                   ThreadPool& pool, size_t threads, const std::vector<size_t>& bounds) {
  auto x = std::make_shared<SparseX>();
  x->examples = m;
  x->inputs = n;
  x->narrow = narrow;
  x->columnNonZeros = nonZeros;
  const bool tiles = SparseInput::denseTilesPay();
  auto isDense = [&](size_t c) {
    return tiles && m > 0 &&
           static_cast<double>(nonZeros[c]) >= SparseInput::kDenseColumn * static_cast<double>(m);
  };
  for (size_t c = 0; c < n; ++c) {
    if (isDense(c)) x->packedInputs.push_back(static_cast<uint32_t>(c));
  }
  x->dense = x->packedInputs.size();
  for (size_t c = 0; c < n; ++c) {
    if (!isDense(c)) x->packedInputs.push_back(static_cast<uint32_t>(c));
  }
  SparseRows& all = x->all;
  const size_t d = x->dense, listed = x->listed(), groups = x->denseGroups(), exampleTiles = (m + kTile - 1) / kTile;
  const size_t blocks = x->inputBlocks(), exampleBlocks = (m + kExampleBlock - 1) / kExampleBlock;
  const uint32_t* listedColumn = x->packedInputs.data() + d;
  FillPlan plan;
  plan.columnBegin.resize(blocks);
  plan.columnEnd.resize(blocks);
  for (size_t b = 0; b < blocks; ++b) {
    plan.columnBegin[b] = listedColumn[b * kInputBlock];
    plan.columnEnd[b] = listedColumn[std::min(listed, (b + 1) * kInputBlock) - 1] + size_t{1};
  }
  const size_t columns = (n + 7) / 8 * 8;
  plan.position.assign(columns, 0);
  plan.listed.assign(columns, 0);
  plan.listedBits.assign(columns / 8, 0);
  for (size_t j = 0; j < listed; ++j) {
    const size_t c = listedColumn[j];
    plan.position[c] = static_cast<uint32_t>(d + j);
    plan.listed[c] = 1;
    plan.listedBits[c / 8] = static_cast<uint8_t>(plan.listedBits[c / 8] | (1u << (c % 8)));
  }
  // The by-input lists' starts: example block, then listed input. Meanwhile each example block's non-zeros per
  // input block, made into where its by-example lists start: input block, then example block.
  std::vector<uint64_t>& listAt = plan.listAt;
  listAt.assign(exampleBlocks * blocks, 0);
  all.colStart.resize(exampleBlocks * (listed + 1));
  uint64_t at = 0;
  for (size_t k = 0; k < exampleBlocks; ++k) {
    const uint32_t* count = counts.data() + k * n;
    uint64_t* start = all.colStart.data() + k * (listed + 1);
    for (size_t j = 0; j < listed; ++j) {
      start[j] = at;
      at += count[listedColumn[j]];
      listAt[k * blocks + j / kInputBlock] += count[listedColumn[j]];
    }
    start[listed] = at;
  }
  const uint64_t listedNonZeros = at;
  all.rowStart.resize(blocks * (m + 1));
  at = 0;
  for (size_t b = 0; b < blocks; ++b) {
    for (size_t k = 0; k < exampleBlocks; ++k) {
      const uint64_t inBlock = listAt[k * blocks + b];
      listAt[k * blocks + b] = at;
      at += inBlock;
    }
    all.rowStart[b * (m + 1) + m] = at;
  }
  all.rowInput.resize(listedNonZeros);
  all.colExample.resize(listedNonZeros);
  if (narrow) {
    all.rowValue32.resize(listedNonZeros);
    all.colValue32.resize(listedNonZeros);
    all.denseForward32.resize(exampleTiles * d * kTile);
    all.denseGradient32.resize(groups * m * kTile);
  } else {
    all.rowValue.resize(listedNonZeros);
    all.colValue.resize(listedNonZeros);
    all.denseForward.resize(exampleTiles * d * kTile);
    all.denseGradient.resize(groups * m * kTile);
  }
  auto fillAll = [&](auto tag) {
    using Value = decltype(tag);
    // The last tile's missing examples (forward layout) are zero.
    Value* forward = values(all.denseForward, all.denseForward32, tag);
    for (size_t i = m; i < exampleTiles * kTile; ++i) {
      for (size_t j = 0; j < d; ++j) forward[forwardAt(i, j, d, exampleTiles)] = Value{0};
    }
    // Each task's cursors and dense row on their own cache lines.
    const size_t tasks = bounds.size() - 1, stride = (2 * blocks + listed + 7) / 8 * 8;
    const size_t denseStride = (groups * kTile + 15) / 16 * 16;
    std::vector<uint64_t> cursors(tasks * stride);
    std::vector<Value> denseRows(tasks * denseStride, Value{0});
    const bool wide = compact512();
    SparseX& copy = *x;
    pool.run(threads, tasks, [&](size_t t) {
      fillBlocks<Value>(X, copy, plan, wide, bounds[t], bounds[t + 1], cursors.data() + t * stride,
                        denseRows.data() + t * denseStride);
    });
  };
  if (narrow) {
    fillAll(float{});
  } else {
    fillAll(double{});
  }
  all.examples = m;
  return x;
}

}  // namespace

bool SparseInput::denseTilesPay() {
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
  __builtin_cpu_init();
  return __builtin_cpu_supports("x86-64-v4") != 0;
#else
  return false;
#endif
}

size_t SparseX::denseGroups() const { return (dense + kTile - 1) / kTile; }
size_t SparseX::inputBlocks() const { return (listed() + kInputBlock - 1) / kInputBlock; }

size_t SparseX::bytes() const {
  const SparseRows& s = all;
  return (s.rowStart.capacity() + s.colStart.capacity()) * sizeof(uint64_t) +
         columnNonZeros.capacity() * sizeof(size_t) +
         (s.rowInput.capacity() + s.colExample.capacity() + packedInputs.capacity()) * sizeof(uint32_t) +
         (s.rowValue.capacity() + s.colValue.capacity() + s.denseForward.capacity() + s.denseGradient.capacity()) *
             sizeof(double) +
         (s.rowValue32.capacity() + s.colValue32.capacity() + s.denseForward32.capacity() +
          s.denseGradient32.capacity()) *
             sizeof(float);
}

void SparseX::row(size_t i, double* out) const {
  const size_t m = examples;
  std::fill(out, out + inputs, 0.0);
  for (size_t b = 0; b < inputBlocks(); ++b) {
    for (uint64_t p = all.rowStart[b * (m + 1) + i]; p < all.rowStart[b * (m + 1) + i + 1]; ++p) {
      out[packedInputs[all.rowInput[p]]] = narrow ? all.rowValue32[p] : all.rowValue[p];
    }
  }
  for (size_t j = 0; j < dense; ++j) {
    const size_t at = gradientAt(i, j, m, denseGroups());
    out[packedInputs[j]] = narrow ? all.denseGradient32[at] : all.denseGradient[at];
  }
}

bool SparseX::holds(const double* X, size_t m, size_t n) const {
  if (m != examples || n != inputs) return false;
  std::vector<double> values(n);
  for (size_t i = 0; i < m; ++i) {
    row(i, values.data());
    for (size_t c = 0; c < n; ++c) {
      if (values[c] != X[i * n + c]) return false;
    }
  }
  return true;
}

void SparseInput::transposedX(double* Xt) const {
  const SparseX& x = *x_;
  const size_t m = x.examples, n = x.inputs;
  constexpr size_t kRows = 64;  // rows rebuilt at a time, then written out as runs of kRows per input
  std::vector<double> rows(kRows * n);
  for (size_t i0 = 0; i0 < m; i0 += kRows) {
    const size_t count = std::min(kRows, m - i0);
    for (size_t r = 0; r < count; ++r) x.row(i0 + r, rows.data() + r * n);
    for (size_t c = 0; c < n; ++c) {
      for (size_t r = 0; r < count; ++r) Xt[c * m + i0 + r] = rows[r * n + c];
    }
  }
}

bool SparseInput::build(const double* X, size_t m, size_t n, size_t H, ThreadPool& pool, size_t threads) {
  if (m > UINT32_MAX || n > UINT32_MAX) return false;
  // One pass over X, its example blocks split over the threads: finite? floats exactly? non-zeros per example
  // block and column (each task writes its own blocks' counts).
  const size_t exampleBlocks = (m + kExampleBlock - 1) / kExampleBlock;
  threads = std::max<size_t>(1, std::min(threads, exampleBlocks));
  if (threads > 1) threads = pool.reserve(threads);
  // Finer tasks than threads: a thread that is late (on a shared machine, descheduled by a neighbour) holds up
  // only its task, the others take the rest.
  const size_t tasks = std::max<size_t>(1, std::min(exampleBlocks, threads * kTasksPerThread));
  std::vector<size_t> bounds(tasks + 1);
  for (size_t t = 0; t <= tasks; ++t) bounds[t] = exampleBlocks * t / tasks;
  std::vector<uint32_t> counts(exampleBlocks * n, 0);
  std::vector<unsigned> found(tasks, 0);
  pool.run(threads, tasks, [&](size_t t) {
    found[t] = scanRows(X, n, bounds[t] * kExampleBlock, std::min(m, bounds[t + 1] * kExampleBlock), counts.data());
  });
  unsigned flags = 0;
  for (const unsigned f : found) flags |= f;
  if ((flags & kNotFinite) != 0) return false;
  const bool narrow = (flags & kNotFloat) == 0;
  std::vector<size_t> nonZeros(n, 0);
  for (size_t k = 0; k < exampleBlocks; ++k) {
    for (size_t c = 0; c < n; ++c) nonZeros[c] += counts[k * n + c];
  }
  size_t total = 0;
  for (size_t c = 0; c < n; ++c) total += nonZeros[c];
  if (static_cast<double>(total) > kMaxDensity * static_cast<double>(m) * static_cast<double>(n)) return false;

  // Another live network's copy of the same X, or a new one (built outside the lock; if another thread
  // published the same X meanwhile, theirs is used and this one dropped).
  SharedCopies& cache = sharedCopies();
  std::shared_ptr<const SparseX> x;
  {
    std::lock_guard<std::mutex> lock(cache.mutex);
    x = findCopy(cache, X, m, n, narrow, nonZeros);
  }
  if (!x) {
    std::shared_ptr<const SparseX> built = buildCopy(X, m, n, narrow, counts, nonZeros, pool, threads, bounds);
    std::lock_guard<std::mutex> lock(cache.mutex);
    x = findCopy(cache, X, m, n, narrow, nonZeros);
    if (!x) {
      cache.copies.push_back(built);
      x = std::move(built);
    }
  }

  const size_t chunks = (H + kChunk - 1) / kChunk, exampleRows = (m + kTile - 1) / kTile * kTile;
  const size_t denseRows = x->denseGroups() * kTile;
  scratch_.assign((chunks * n + exampleRows * chunks + x->listed() + denseRows) * kChunk + 7, 0.0);
  packed_ = aligned(scratch_);
  zRows_ = packed_ + chunks * n * kChunk;
  dPartial_ = zRows_ + exampleRows * chunks * kChunk;
  dDense_ = dPartial_ + x->listed() * kChunk;
  bias_.assign(H, 0.0);
  x_ = std::move(x);
  examples_ = m;
  inputs_ = n;
  hidden_ = H;
  return true;
}

bool SparseInput::select(const uint32_t* rows, size_t count) {
  batchSelected_ = false;
  if (rows == nullptr) return true;
  const SparseX& x = *x_;
  const size_t m = examples_, d = x.dense, listed = x.listed();
  const size_t inputBlocks = x.inputBlocks(), exampleBlocks = (count + kExampleBlock - 1) / kExampleBlock;
  const size_t groups = x.denseGroups(), exampleTiles = (count + kTile - 1) / kTile;
  const SparseRows& all = x.all;
  SparseRows& batch = batch_;
  const bool narrow = x.narrow;
  try {
    size_t nonZeros = 0;
    for (size_t r = 0; r < count; ++r) {
      for (size_t b = 0; b < inputBlocks; ++b) {
        nonZeros += all.rowStart[b * (m + 1) + rows[r] + 1] - all.rowStart[b * (m + 1) + rows[r]];
      }
    }
    batch.rowStart.resize(inputBlocks * (count + 1));
    batch.rowInput.resize(nonZeros);
    batch.colStart.assign(exampleBlocks * (listed + 1), 0);
    batch.colExample.resize(nonZeros);
    if (narrow) {
      batch.rowValue32.resize(nonZeros);
      batch.colValue32.resize(nonZeros);
      batch.denseForward32.resize(exampleTiles * d * kTile);
      batch.denseGradient32.resize(groups * count * kTile);
    } else {
      batch.rowValue.resize(nonZeros);
      batch.colValue.resize(nonZeros);
      batch.denseForward.resize(exampleTiles * d * kTile);
      batch.denseGradient.resize(groups * count * kTile);
    }
    cursor_.resize(exampleBlocks * (listed + 1));
  } catch (const std::bad_alloc&) {
    return false;
  }
  auto gather = [&](auto tag) {
    using Value = decltype(tag);
    const Value* allRowValue = values(all.rowValue, all.rowValue32, tag);
    Value* rowValue = values(batch.rowValue, batch.rowValue32, tag);
    Value* colValue = values(batch.colValue, batch.colValue32, tag);
    // Listed inputs by example: each batch row's non-zeros copied block by block (the rows a few ahead
    // prefetched: they are scattered over the resident copy); then each input's examples counted per example
    // block (in colStart).
    constexpr size_t kAhead = 4;
    uint64_t p = 0;
    for (size_t b = 0; b < inputBlocks; ++b) {
      const uint64_t* start = all.rowStart.data() + b * (m + 1);
      for (size_t r = 0; r < count; ++r) {
        if (r + kAhead < count) {
          const uint64_t ahead = start[rows[r + kAhead]];
          __builtin_prefetch(allRowValue + ahead);
          __builtin_prefetch(all.rowInput.data() + ahead);
        }
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
  if (narrow) {
    gather(float{});
  } else {
    gather(double{});
  }
  batch.examples = count;
  batchSelected_ = true;
  return true;
}

double* SparseInput::aligned(std::vector<double>& buffer) {
  const uintptr_t address = reinterpret_cast<uintptr_t>(buffer.data());
  return buffer.data() + ((64 - address % 64) % 64) / sizeof(double);
}

size_t SparseInput::bytes() const {
  const SparseRows& s = batch_;
  return scratch_.size() * sizeof(double) + cursor_.capacity() * sizeof(uint64_t) +
         (s.rowStart.capacity() + s.colStart.capacity()) * sizeof(uint64_t) +
         (s.rowInput.capacity() + s.colExample.capacity()) * sizeof(uint32_t) +
         (s.rowValue.capacity() + s.colValue.capacity() + s.denseForward.capacity() + s.denseGradient.capacity()) *
             sizeof(double) +
         (s.rowValue32.capacity() + s.colValue32.capacity() + s.denseForward32.capacity() +
          s.denseGradient32.capacity()) *
             sizeof(float) +
         (x_ ? x_->bytes() : 0);
}

void SparseInput::forward(const double* Theta, bool activate, double* Zt, ThreadPool& pool, size_t threads) {
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
    runRanges(pool, bounds, [&](size_t t0, size_t t1) {
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
      if (activate) {  // a = g(b + z) in place, row by row: the layout the rest of the pass reads
        biasSigmoidRows(zRows_ + begin * P, end - begin, P, bias_.data(), hidden_);
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
