#include "sparse_input.h"

#include "shared_copies.h"

namespace backprop {

namespace {

// Denser than this, the dense BLAS product is as fast (measured on digits5000-like data).
constexpr double kMaxDensity = 0.6;

}  // namespace

bool SparseInput::build(const double* X, size_t m, size_t n, size_t H, ThreadPool& pool, size_t threads) {
  if (m > UINT32_MAX || n > UINT32_MAX) return false;
  const size_t exampleBlocks = (m + kExampleBlock - 1) / kExampleBlock;
  threads = std::max<size_t>(1, std::min(threads, exampleBlocks));
  if (threads > 1) threads = pool.reserve(threads);
  const XScan scan = scanX(X, m, n, pool, threads);
  if (!scan.finite) return false;
  if (static_cast<double>(scan.totalNonZeros()) > kMaxDensity * static_cast<double>(m) * static_cast<double>(n)) {
    return false;
  }
  std::shared_ptr<const SparseX> x = sharedSparseX(X, scan, [&] { return buildSparseX(X, scan, pool, threads); });

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

double* SparseInput::aligned(std::vector<double>& buffer) {
  const uintptr_t address = reinterpret_cast<uintptr_t>(buffer.data());
  return buffer.data() + ((64 - address % 64) % 64) / sizeof(double);
}

size_t SparseInput::bytes() const {
  return scratch_.size() * sizeof(double) + cursor_.capacity() * sizeof(uint64_t) + batch_.bytes() +
         (x_ ? x_->bytes() : 0);
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

}  // namespace backprop
