#include "sparse_pass.h"

#include <cblas.h>

#include <algorithm>

#include "activation.h"
#include "elementwise.h"
#include "regularization.h"

namespace backprop {

namespace {

blasint blas(size_t n) { return static_cast<blasint>(n); }

constexpr size_t kChunkWidth = 128;        // examples: the chunk's slices of every layer stay in L1 / L2
constexpr size_t kMaxPartials = 1u << 22;  // doubles of partial sums over all chunks (32 MiB)
// OpenBLAS runs a dgemm on the calling thread when M*N*K <= 65536 * 4; bigger chunk products would start its
// own threads from inside ours (and leave them spinning between the small products), so chunks are cut narrow
// enough to stay below it, and when even 8 examples do not the chunks run on one thread (same chunks, same
// results).
constexpr size_t kSingleThreadedWork = 65536 * 4;

// One chunk's slot: [cost, bias sums of layer 1 (s_1), gradient blocks of layers 2 .. L (Theta_l's shape)].
// Where Theta_2 starts (the end of theta for a network without hidden layers).
size_t secondBlock(const Architecture& arch) { return arch.depth() > 1 ? arch.thetaOffset[1] : arch.parameterCount; }
size_t slotSize(const Architecture& arch) { return 1 + arch.layers[1] + arch.parameterCount - secondBlock(arch); }
size_t chunkCount(size_t n, size_t width) { return (n + width - 1) / width; }

// The chunk [i0, i0 + w) of the n examples, after the first layer's forward product: the rest of the forward
// pass, the output layer, the deltas and the chunk's partial sums into slot; delta_1 into deltaRows.
// With hidden layers, layer 1 is kept by example, as SparseInput leaves it and its gradient wants it: A_1 is
// sparse.input->rows() and delta_1 is written straight into deltaRows (both w x P, P = paddedWidth(s_1)), so the
// products that touch layer 1 read and write rows by example (Z_2^T = b + W_2 A_1^T: NT; Delta_2 = delta_2^T
// A_1: NN; delta_1 = delta_2 W_2: TN) and nothing is transposed. The other layers keep one row per unit.
void passChunk(const Architecture& arch, const double* theta, const double* Yt, size_t n, Workspace& ws,
               const SparseFirstLayer& sparse, size_t i0, size_t w, double* slot) {
  const size_t L = arch.depth(), K = arch.outputs(), H = arch.layers[1], P = SparseInput::paddedWidth(H);
  const double* A1 = sparse.input->rows() + i0 * P;
  double* delta1 = sparse.deltaRows + i0 * P;
  double* output = ws.delta[L].data();
  for (size_t l = 1; l < L; ++l) {  // Z_{l+1}^T = b_l + W_l A_l^T on the chunk's columns
    const size_t sIn = arch.layers[l], sOut = arch.layers[l + 1];
    const double* Theta = theta + arch.thetaOffset[l];
    double* Zt = (l + 1 == L ? output : ws.activation[l + 1].data()) + i0;
    for (size_t j = 0; j < sOut; ++j) std::fill(Zt + j * n, Zt + j * n + w, Theta[j * (sIn + 1)]);
    if (l == 1) {  // A_1 by example: NT
      cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, blas(sOut), blas(w), blas(sIn), 1.0, Theta + 1,
                  blas(sIn + 1), A1, blas(P), 1.0, Zt, blas(n));
    } else {
      cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, blas(sOut), blas(w), blas(sIn), 1.0, Theta + 1,
                  blas(sIn + 1), ws.activation[l].data() + i0, blas(n), 1.0, Zt, blas(n));
    }
    if (l + 1 < L) {
      for (size_t j = 0; j < sOut; ++j) activate(arch.hidden[l], arch.leakySlope, Zt + j * n, w);
    }
  }
  // The cross-entropy (log-sigmoid form, or log-sum-exp for softmax), and delta_L = h - y in place.
  if (arch.output == Output::softmax) softmaxOutputLayer(output + i0, Yt + i0, ws.loss.data() + i0, K, n, w);
  double cost = 0.0;
  for (size_t k = 0; k < K; ++k) {
    double* loss = ws.loss.data() + k * n + i0;
    if (arch.output == Output::sigmoid) outputLayer(output + k * n + i0, Yt + k * n + i0, loss, w);
    cost += sum(loss, w);
  }
  slot[0] = cost;
  double* block = slot + 1 + H;
  for (size_t l = L; l >= 2; --l) {  // gradient block l-1 (unscaled) from delta_l, then delta_{l-1}
    const size_t sIn = arch.layers[l - 1], sOut = arch.layers[l];
    const double* Theta = theta + arch.thetaOffset[l - 1];
    const double* deltaT = ws.delta[l].data() + i0;
    double* D = block + (arch.thetaOffset[l - 1] - secondBlock(arch));
    for (size_t j = 0; j < sOut; ++j) D[j * (sIn + 1)] = sum(deltaT + j * n, w);
    if (l == 2) {  // layer 1 by example: Delta_1's block from A_1's rows, delta_1 = (delta_2 W_2) .* f'(z_1)
      cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, blas(sOut), blas(sIn), blas(w), 1.0, deltaT, blas(n),
                  A1, blas(P), 0.0, D + 1, blas(sIn + 1));
      cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, blas(w), blas(sIn), blas(sOut), 1.0, deltaT, blas(n),
                  Theta + 1, blas(sIn + 1), 0.0, delta1, blas(P));
      // Whole rows: the padding columns of delta_1 stay zero (0 times a finite padding value of A_1).
      multiplyActivationGradient(arch.hidden[0], arch.leakySlope, delta1, A1, w * P);
      break;
    }
    const double* At = ws.activation[l - 1].data() + i0;
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, blas(sOut), blas(sIn), blas(w), 1.0, deltaT, blas(n), At,
                blas(n), 0.0, D + 1, blas(sIn + 1));
    double* previous = ws.delta[l - 1].data() + i0;
    cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, blas(sIn), blas(w), blas(sOut), 1.0, Theta + 1,
                blas(sIn + 1), deltaT, blas(n), 0.0, previous, blas(n));
    for (size_t j = 0; j < sIn; ++j) {
      multiplyActivationGradient(arch.hidden[l - 2], arch.leakySlope, previous + j * n, At + j * n, w);
    }
  }
  if (L == 1) {  // no hidden layer: delta_1 = h - y is the output's, one row per unit; copied into rows
    const double* deltaT = ws.delta[1].data();
    for (size_t a = i0; a < i0 + w; a += 8) {  // eight examples (a cache line of each unit's row) at a time
      const size_t b = std::min(i0 + w, a + 8);
      for (size_t j = 0; j < H; ++j) {
        for (size_t i = a; i < b; ++i) sparse.deltaRows[i * P + j] = deltaT[j * n + i];
      }
    }
  }
  // Layer 1's bias column: the sums of delta_1 over the chunk's examples, in example order.
  double* bias = slot + 1;
  std::copy(delta1, delta1 + H, bias);
  for (size_t i = 1; i < w; ++i) {
    for (size_t j = 0; j < H; ++j) bias[j] += delta1[i * P + j];
  }
}

// The largest M*N*K of a chunk's products.
size_t largestChunkProduct(const Architecture& arch, size_t w) {
  size_t largest = 0;
  for (size_t l = 1; l < arch.depth(); ++l) largest = std::max(largest, arch.layers[l] * arch.layers[l + 1] * w);
  return largest;
}

// Examples per chunk for n examples: at most kChunkWidth and few enough that every chunk product stays on
// OpenBLAS's calling thread (so the chunks can run on the pool's threads), as even as multiples of 8 allow, more
// when the slots would pass kMaxPartials. Depends only on the layers and n, so the result does not depend on
// the number of threads.
size_t chunkWidth(const Architecture& arch, size_t n) {
  const size_t perExample = std::max<size_t>(1, largestChunkProduct(arch, 1));
  const size_t widest = std::max<size_t>(8, std::min(kChunkWidth, kSingleThreadedWork / perExample / 8 * 8));
  const size_t evenChunks = chunkCount(n, widest);
  size_t width = (chunkCount(n, evenChunks) + 7) / 8 * 8;
  const size_t slot = slotSize(arch);
  if (chunkCount(n, width) * slot > kMaxPartials) {
    const size_t chunks = std::max<size_t>(1, kMaxPartials / slot);
    width = (n + chunks - 1) / chunks;
    width = (width + 7) / 8 * 8;
  }
  return std::max<size_t>(1, width);
}

}  // namespace

size_t partialDoubles(const Architecture& arch, size_t n) {
  return chunkCount(n, chunkWidth(arch, n)) * slotSize(arch);
}

double sparseCostGradient(const Architecture& arch, const double* theta, double lambda, const double* Yt, size_t n,
                          Workspace& ws, double* grad, const SparseFirstLayer& sparse) {
  const size_t L = arch.depth(), H = arch.layers[1], s0 = arch.inputs();
  // With hidden layers, A_1 by example in sparse.input->rows(); without, Z_1^T (the output layer's) in delta[1].
  sparse.input->forward(theta, L > 1 ? &arch.hidden[0] : nullptr, arch.leakySlope, ws.delta[1].data(),
                        *sparse.pool, sparse.threads);

  const size_t width = chunkWidth(arch, n), chunks = chunkCount(n, width), slot = slotSize(arch);
  const size_t threads =
      largestChunkProduct(arch, width) > kSingleThreadedWork ? 1 : std::min(sparse.threads, chunks);
  sparse.pool->run(threads, chunks, [&](size_t c) {  // one chunk a task: whichever thread is free takes the next
    const size_t i0 = c * width;
    passChunk(arch, theta, Yt, n, ws, sparse, i0, std::min(width, n - i0), sparse.partials + c * slot);
  });

  // The slots added in chunk order: the cost, layer 1's bias column, then blocks 2 .. L straight into grad.
  const double nD = static_cast<double>(n);
  const size_t rest = slot - 1 - H;
  double* D1 = grad + arch.thetaOffset[0];
  double* blocks = grad + secondBlock(arch);
  double cost = 0.0;
  for (size_t c = 0; c < chunks; ++c) {
    const double* p = sparse.partials + c * slot;
    cost = c == 0 ? p[0] : cost + p[0];
    for (size_t j = 0; j < H; ++j) D1[j * (s0 + 1)] = c == 0 ? p[1 + j] : D1[j * (s0 + 1)] + p[1 + j];
    if (c == 0) {
      std::copy(p + 1 + H, p + slot, blocks);
    } else {
      for (size_t e = 0; e < rest; ++e) blocks[e] += p[1 + H + e];
    }
  }
  for (size_t j = 0; j < H; ++j) D1[j * (s0 + 1)] /= nD;
  for (size_t e = 0; e < rest; ++e) blocks[e] /= nD;

  // D_1[:, 1:] = delta_1^T X / n by the sparse loops.
  sparse.input->gradient(sparse.deltaRows, 1.0 / nD, D1, *sparse.pool, sparse.threads);

  return cost / nD + regularize(arch, theta, lambda, n, grad);
}

}  // namespace backprop
