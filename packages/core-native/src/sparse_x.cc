#include "sparse_x.h"

#include <cfloat>

#include "vector_math.h"

// The scan is compiled once per CPU class (one addon each); it has no products, so every class gives the same
// answer.

namespace backprop {

namespace {

// Tasks per thread when the copy is built (each a range of example blocks): a thread that is late (on a shared
// machine, descheduled by a neighbour) holds up only its task, the others take the rest.
constexpr size_t kTasksPerThread = 4;

// What a scan found besides the counts.
constexpr unsigned kNotFinite = 1, kNotFloat = 2;

// The scan of X (m x n row-major), rows [begin, end): counts[(i / kExampleBlock) * n + c] gains one for each
// non-zero x[i, c], and the answer has kNotFinite / kNotFloat when some value is not finite / not a float
// exactly. On the values' bits and with masks instead of branches or selects, so that GCC vectorises it (it
// would not with comparisons of doubles, the file keeping FP traps, nor with a ?: select here). For a finite x,
// bits(x) == bits(double(float(x))) is x == double(float(x)) (+0 and -0 both keep their sign); x is first
// limited to float's range, beyond which the conversion is undefined.
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
  std::vector<uint64_t> listAt;    // [k * inputBlocks + b]: where example block k's lists of input block b start
  std::vector<uint32_t> position;  // per column: its packed position when it is listed, else kDenseInput
};
constexpr uint32_t kDenseInput = UINT32_MAX;

// Writes example blocks [k0, k1) of x's lists and tiles (sized; colStart set) from X, each row of X read once, in
// order:
//   its listed non-zeros, column by column (so ascending packed positions), appended to their input block's
//   by-example list (rowCursor) and to their input's by-input list (colCursor: examples ascending);
//   its dense inputs (+0 for -0: x + 0 is x for every other x) into denseRow, then into both tile layouts.
// cursor: inputBlocks + listed places; denseRow: denseGroups * kTile values, zero past d. Every place is fixed by
// the counts, so the copy does not depend on how the blocks are split.
template <class Value>
void fillBlocks(const double* X, SparseX& x, const FillPlan& plan, size_t k0, size_t k1, uint64_t* cursor,
                Value* denseRow) {
  if (k0 >= k1) return;
  const size_t m = x.examples, n = x.inputs, d = x.dense, listed = x.listed();
  const size_t blocks = x.inputBlocks(), groups = x.denseGroups(), tiles = (m + kTile - 1) / kTile;
  SparseRows& all = x.all;
  Value* rowValue = values(all.rowValue, all.rowValue32, Value{});
  Value* colValue = values(all.colValue, all.colValue32, Value{});
  Value* forward = values(all.denseForward, all.denseForward32, Value{});
  Value* gradient = values(all.denseGradient, all.denseGradient32, Value{});
  uint64_t *rowCursor = cursor, *colCursor = cursor + blocks;  // this task's next place in each list
  for (size_t b = 0; b < blocks; ++b) rowCursor[b] = plan.listAt[k0 * blocks + b];
  for (size_t k = k0; k < k1; ++k) {
    const uint64_t* colStart = all.colStart.data() + k * (listed + 1);
    std::copy(colStart, colStart + listed, colCursor);
    const size_t i0 = k * kExampleBlock, i1 = std::min(m, i0 + kExampleBlock), examples = i1 - i0;
    for (size_t i = i0; i < i1; ++i) {
      const double* row = X + i * n;
      for (size_t b = 0; b < blocks; ++b) all.rowStart[b * (m + 1) + i] = rowCursor[b];
      for (size_t c = 0; c < n; ++c) {
        const uint32_t at = plan.position[c];
        if (at == kDenseInput || row[c] == 0.0) continue;
        const uint64_t p = rowCursor[(at - d) / kInputBlock]++, to = colCursor[at - d]++;
        all.rowInput[p] = at;
        rowValue[p] = static_cast<Value>(row[c]);
        all.colExample[to] = static_cast<uint32_t>(i);
        colValue[to] = rowValue[p];
      }
      if (d == 0) continue;
      for (size_t j = 0; j < d; ++j) denseRow[j] = static_cast<Value>(row[x.packedInputs[j]]) + Value{0};
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

// The places of every list from the scan's counts: the by-input lists' starts (example block, then listed input)
// into all.colStart, and where each example block's by-example lists start (input block, then example block)
// into plan.listAt; all.rowStart's ends of the input blocks.
void placeLists(const SparseX& x, const XScan& scan, SparseRows& all, FillPlan& plan) {
  const size_t m = x.examples, n = x.inputs, listed = x.listed(), blocks = x.inputBlocks();
  const size_t exampleBlocks = (m + kExampleBlock - 1) / kExampleBlock;
  const uint32_t* listedColumn = x.packedInputs.data() + x.dense;
  plan.listAt.assign(exampleBlocks * blocks, 0);
  uint64_t at = 0;
  for (size_t k = 0; k < exampleBlocks; ++k) {
    const uint32_t* count = scan.counts.data() + k * n;
    uint64_t* start = all.colStart.data() + k * (listed + 1);
    for (size_t j = 0; j < listed; ++j) {
      start[j] = at;
      at += count[listedColumn[j]];
      plan.listAt[k * blocks + j / kInputBlock] += count[listedColumn[j]];
    }
    start[listed] = at;
  }
  at = 0;
  for (size_t b = 0; b < blocks; ++b) {
    for (size_t k = 0; k < exampleBlocks; ++k) {
      const uint64_t inBlock = plan.listAt[k * blocks + b];
      plan.listAt[k * blocks + b] = at;
      at += inBlock;
    }
    all.rowStart[b * (m + 1) + m] = at;
  }
}

}  // namespace

bool denseTilesPay() {
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
  __builtin_cpu_init();
  return __builtin_cpu_supports("x86-64-v4") != 0;
#else
  return false;
#endif
}

size_t XScan::totalNonZeros() const {
  size_t total = 0;
  for (const size_t c : nonZeros) total += c;
  return total;
}

XScan scanX(const double* X, size_t m, size_t n, ThreadPool& pool, size_t threads) {
  XScan scan;
  scan.examples = m;
  scan.inputs = n;
  const size_t exampleBlocks = (m + kExampleBlock - 1) / kExampleBlock;
  const size_t tasks = std::max<size_t>(1, std::min(exampleBlocks, threads * kTasksPerThread));
  scan.bounds.resize(tasks + 1);
  for (size_t t = 0; t <= tasks; ++t) scan.bounds[t] = exampleBlocks * t / tasks;
  scan.counts.assign(exampleBlocks * n, 0);
  std::vector<unsigned> found(tasks, 0);
  pool.run(threads, tasks, [&](size_t t) {
    const size_t begin = scan.bounds[t] * kExampleBlock, end = std::min(m, scan.bounds[t + 1] * kExampleBlock);
    found[t] = scanRows(X, n, begin, end, scan.counts.data());
  });
  unsigned flags = 0;
  for (const unsigned f : found) flags |= f;
  scan.finite = (flags & kNotFinite) == 0;
  scan.narrow = (flags & kNotFloat) == 0;
  scan.nonZeros.assign(n, 0);
  for (size_t k = 0; k < exampleBlocks; ++k) {
    for (size_t c = 0; c < n; ++c) scan.nonZeros[c] += scan.counts[k * n + c];
  }
  return scan;
}

std::shared_ptr<SparseX> buildSparseX(const double* X, const XScan& scan, ThreadPool& pool, size_t threads) {
  const size_t m = scan.examples, n = scan.inputs;
  auto x = std::make_shared<SparseX>();
  x->examples = m;
  x->inputs = n;
  x->narrow = scan.narrow;
  x->columnNonZeros = scan.nonZeros;
  const bool tiles = denseTilesPay();
  auto isDense = [&](size_t c) {
    return tiles && static_cast<double>(scan.nonZeros[c]) >= kDenseColumn * static_cast<double>(m);
  };
  for (size_t c = 0; c < n; ++c) {
    if (isDense(c)) x->packedInputs.push_back(static_cast<uint32_t>(c));
  }
  x->dense = x->packedInputs.size();
  size_t listedNonZeros = 0;
  for (size_t c = 0; c < n; ++c) {
    if (isDense(c)) continue;
    x->packedInputs.push_back(static_cast<uint32_t>(c));
    listedNonZeros += scan.nonZeros[c];
  }
  const size_t d = x->dense, listed = x->listed(), groups = x->denseGroups(), blocks = x->inputBlocks();
  const size_t exampleTiles = (m + kTile - 1) / kTile, exampleBlocks = (m + kExampleBlock - 1) / kExampleBlock;
  SparseRows& all = x->all;
  all.examples = m;
  all.resize(scan.narrow, blocks * (m + 1), exampleBlocks * (listed + 1), listedNonZeros, exampleTiles * d * kTile,
             groups * m * kTile);
  FillPlan plan;
  plan.position.assign(n, kDenseInput);
  for (size_t j = 0; j < listed; ++j) plan.position[x->packedInputs[d + j]] = static_cast<uint32_t>(d + j);
  placeLists(*x, scan, all, plan);
  auto fillAll = [&](auto tag) {
    using Value = decltype(tag);
    // Each task's cursors and dense row on their own cache lines.
    const size_t tasks = scan.bounds.size() - 1, stride = (blocks + listed + 7) / 8 * 8;
    const size_t denseStride = (groups * kTile + 15) / 16 * 16;
    std::vector<uint64_t> cursors(tasks * stride);
    std::vector<Value> denseRows(tasks * denseStride, Value{0});
    pool.run(threads, tasks, [&](size_t t) {
      fillBlocks<Value>(X, *x, plan, scan.bounds[t], scan.bounds[t + 1], cursors.data() + t * stride,
                        denseRows.data() + t * denseStride);
    });
  };
  if (scan.narrow) {
    fillAll(float{});
  } else {
    fillAll(double{});
  }
  return x;
}

void SparseRows::resize(bool narrow, size_t rowStarts, size_t colStarts, size_t nonZeros, size_t forwardValues,
                        size_t gradientValues) {
  rowStart.resize(rowStarts);
  colStart.resize(colStarts);
  rowInput.resize(nonZeros);
  colExample.resize(nonZeros);
  if (narrow) {
    rowValue32.resize(nonZeros);
    colValue32.resize(nonZeros);
    denseForward32.resize(forwardValues);
    denseGradient32.resize(gradientValues);
  } else {
    rowValue.resize(nonZeros);
    colValue.resize(nonZeros);
    denseForward.resize(forwardValues);
    denseGradient.resize(gradientValues);
  }
}

size_t SparseRows::bytes() const {
  return (rowStart.capacity() + colStart.capacity()) * sizeof(uint64_t) +
         (rowInput.capacity() + colExample.capacity()) * sizeof(uint32_t) +
         (rowValue.capacity() + colValue.capacity() + denseForward.capacity() + denseGradient.capacity()) *
             sizeof(double) +
         (rowValue32.capacity() + colValue32.capacity() + denseForward32.capacity() + denseGradient32.capacity()) *
             sizeof(float);
}

size_t SparseX::bytes() const {
  return all.bytes() + columnNonZeros.capacity() * sizeof(size_t) + packedInputs.capacity() * sizeof(uint32_t);
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

}  // namespace backprop
