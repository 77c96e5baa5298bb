/**
 * The inner loops of one layer of width t. Each sum adds its terms in a fixed order (so a result does not depend on
 * how the rows are cut into shards).
 *
 * Shapes and names follow the seed: per layer l, Wᵀ is `WT` (s × t, WT[k·t + j] = Θ_l[j, 1 + k]), `b` the bias
 * column Θ_l[:, 0], activations `A` (rows × s), deltas `D` (rows × t). Gradient accumulators `G` are a shard's
 * partial gradient: for each layer the bias sums (t) then the weight sums in the transposed layout (s × t), at
 * offset `g0`.
 */

/** Column indices of the compressed rows of X: 16-bit while X has at most 65 536 columns. */
export type IndexArray = Uint16Array | Uint32Array;

/**
 * A thread's own vectors (Wᵀ, bias, activations, deltas) are plain arrays of doubles: V8 reads a packed double
 * array with one instruction fewer than a typed array (no base-pointer add per access), which is ~13% of the
 * hot loops. Shared data (X, Y, θ, gradient sums) stay typed arrays over shared memory.
 */
export type Vec = number[];

/** A packed array of n doubles (V8 keeps PACKED_DOUBLE_ELEMENTS: no hole checks, unboxed storage). */
export function doubles(n: number): Vec {
  const a: Vec = [];
  for (let i = 0; i < n; i++) a.push(0.5);
  return a;
}

export interface LayerKernels {
  readonly t: number;
  /** out[q−q0, :] = b + X[rows[q], :]·W (σ applied when activate = 1), X in compressed rows. */
  forwardSparse(
    rows: Uint32Array, q0: number, q1: number, rowStart: Int32Array, col: IndexArray, val: Float64Array,
    WT: Vec, b: Vec, out: Vec, activate: number,
  ): void;
  /** out[i, :] = b + A[i, :]·W for i < R (σ applied when activate = 1). */
  forwardDense(A: Vec, s: number, R: number, WT: Vec, b: Vec, out: Vec, activate: number): void;
  /** Dprev[i, k] = (Σ_j D[i, j]·W[j, k]) · a(1 − a), a = A[i, k]: the seed's δ2 = δ3·Θ2 ⊙ g'(z2). */
  backpropDelta(D: Vec, R: number, WT: Vec, s: number, A: Vec, Dprev: Vec): void;
  /** G[g0 + j] += Σ_i D[i, j]: the bias column of Δ. */
  accumulateBias(D: Vec, R: number, G: Float64Array, g0: number): void;
  /** G[g0 + k·t + j] += Σ_i A[i, k]·D[i, j]: Δ_l += δᵀ·a for dense activations. */
  accumulateGradDense(A: Vec, s: number, R: number, D: Vec, G: Float64Array, g0: number): void;
  /**
   * G[g0 + k·t + j] += Σ_p val[p]·D[row[p], j] over column k of one sub-block of X in compressed columns
   * (colStart[c0 + k] .. colStart[c0 + k + 1]; row = row within the sub-block, ascending).
   */
  accumulateGradCsc(
    n: number, colStart: Int32Array, c0: number, row: Uint16Array, val: Float64Array, D: Vec, G: Float64Array,
    g0: number,
  ): void;
  /** The same product from compressed rows, for minibatches: row by row, δ in locals, Δ in memory. */
  accumulateGradCsr(
    rows: Uint32Array, q0: number, q1: number, rowStart: Int32Array, col: IndexArray, val: Float64Array,
    D: Vec, G: Float64Array, g0: number,
  ): void;
}

/** The logistic function, written so exp never overflows. */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** The kernels of a layer of width t: loops over j that accumulate in memory. */
export function kernelsFor(t: number): LayerKernels {
  const T = t;
  return {
    t,
    forwardSparse(rows, q0, q1, rowStart, col, val, WT, b, out, activate) {
      for (let q = q0, o = 0; q < q1; q++, o += T) {
        const i = rows[q];
        for (let j = 0; j < T; j++) out[o + j] = b[j];
        for (let p = rowStart[i], p1 = rowStart[i + 1]; p < p1; p++) {
          const v = val[p];
          const w = col[p] * T;
          for (let j = 0; j < T; j++) out[o + j] += v * WT[w + j];
        }
        if (activate === 1) for (let j = 0; j < T; j++) out[o + j] = sigmoid(out[o + j]);
      }
    },
    forwardDense(A, s, R, WT, b, out, activate) {
      for (let i = 0, a0 = 0, o = 0; i < R; i++, a0 += s, o += T) {
        for (let j = 0; j < T; j++) out[o + j] = b[j];
        for (let k = 0, w = 0; k < s; k++, w += T) {
          const a = A[a0 + k];
          for (let j = 0; j < T; j++) out[o + j] += a * WT[w + j];
        }
        if (activate === 1) for (let j = 0; j < T; j++) out[o + j] = sigmoid(out[o + j]);
      }
    },
    backpropDelta(D, R, WT, s, A, Dprev) {
      for (let i = 0, o = 0, po = 0; i < R; i++, o += T, po += s) {
        for (let k = 0, w = 0; k < s; k++, w += T) {
          let acc = 0;
          for (let j = 0; j < T; j++) acc += D[o + j] * WT[w + j];
          const a = A[po + k];
          Dprev[po + k] = acc * a * (1 - a);
        }
      }
    },
    accumulateBias(D, R, G, g0) {
      for (let i = 0, o = 0; i < R; i++, o += T) for (let j = 0; j < T; j++) G[g0 + j] += D[o + j];
    },
    accumulateGradDense(A, s, R, D, G, g0) {
      for (let k = 0, g = g0; k < s; k++, g += T) {
        for (let i = 0, a = k, o = 0; i < R; i++, a += s, o += T) {
          const ak = A[a];
          for (let j = 0; j < T; j++) G[g + j] += ak * D[o + j];
        }
      }
    },
    accumulateGradCsc(n, colStart, c0, row, val, D, G, g0) {
      for (let k = 0, g = g0; k < n; k++, g += T) {
        for (let p = colStart[c0 + k], p1 = colStart[c0 + k + 1]; p < p1; p++) {
          const v = val[p];
          const o = row[p] * T;
          for (let j = 0; j < T; j++) G[g + j] += v * D[o + j];
        }
      }
    },
    accumulateGradCsr(rows, q0, q1, rowStart, col, val, D, G, g0) {
      for (let q = q0, o = 0; q < q1; q++, o += T) {
        const i = rows[q];
        for (let p = rowStart[i], p1 = rowStart[i + 1]; p < p1; p++) {
          const v = val[p];
          const g = g0 + col[p] * T;
          for (let j = 0; j < T; j++) G[g + j] += v * D[o + j];
        }
      }
    },
  };
}
