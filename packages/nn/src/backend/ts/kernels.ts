import { sigmoid } from '../../sigmoid.js';
import type { HiddenActivation } from '../../network/activations.js';
import type { Dtype, FloatArray } from '../../network/dtype.js';

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
 * A thread's own vectors (Wᵀ, bias, activations, deltas): in float64, plain arrays of doubles, which the hot loops
 * read faster than typed arrays (PERFORMANCE.md); in float32, Float32Arrays, whose every store rounds to float32.
 * Shared data (X, Y, θ, gradient sums) are typed arrays of the dtype over shared memory. The kernels below take
 * either: sums run in JS numbers and each value is rounded to the dtype where it is stored.
 */
export type Vec = number[] | Float32Array;

/** An array of n doubles, filled with a double so that it never holds anything else. */
export function doubles(n: number): number[] {
  const a: number[] = [];
  for (let i = 0; i < n; i++) a.push(0.5);
  return a;
}

/** A thread's vector of n numbers for a network of the dtype: doubles, or a Float32Array. */
export function workspace(n: number, dtype: Dtype): Vec {
  return dtype === 'float32' ? new Float32Array(n) : doubles(n);
}

/**
 * What a layer applies to its sums, as a number the loops branch on (names do not cross to worker threads and a
 * switch on a small integer costs the sigmoid path nothing): NONE leaves z (the output layer, whose activation is
 * the cost's), the others are the hidden activations.
 */
export const NONE = 0;
export const SIGMOID = 1;
export const TANH = 2;
export const RELU = 3;
export const LEAKY_RELU = 4;
export type ActivationCode = typeof NONE | typeof SIGMOID | typeof TANH | typeof RELU | typeof LEAKY_RELU;

const CODES: Readonly<Record<HiddenActivation, ActivationCode>> = { sigmoid: SIGMOID, tanh: TANH, relu: RELU, leaky_relu: LEAKY_RELU };

/** The code of a hidden activation. */
export function activationCode(name: HiddenActivation): ActivationCode {
  return CODES[name];
}

/** out[o .. o + t) = f(out[o .. o + t)) for a code other than SIGMOID and NONE; α is leaky_relu's slope. */
function activateRow(out: Vec, o: number, t: number, code: number, alpha: number): void {
  if (code === TANH) for (let j = o; j < o + t; j++) out[j] = Math.tanh(out[j]);
  else if (code === RELU) for (let j = o; j < o + t; j++) out[j] = out[j] > 0 ? out[j] : 0;
  else if (code === LEAKY_RELU) for (let j = o; j < o + t; j++) out[j] = out[j] > 0 ? out[j] : alpha * out[j];
}

/**
 * Running sums the products keep in locals at a time: in memory, each term would cost a load and a store per
 * output; in locals, the operand list is read ⌈t / SUMS⌉ times and nothing is stored per term. The loops are
 * written out for eight (changing SUMS means changing them), the remainder of t one at a time; each sum still adds
 * its terms in order. backpropDelta sums one output at a time; the bias and the minibatch's scatter accumulate in
 * memory.
 */
const SUMS = 8;

/** out[q−q0, :] = f(b + X[rows[q], :]·W), f given by `activate` (α: leaky_relu's slope), X in compressed rows. */
export function forwardSparse(
  t: number, rows: Uint32Array, q0: number, q1: number, rowStart: Int32Array, col: IndexArray, val: FloatArray,
  WT: Vec, b: Vec, out: Vec, activate: number, alpha = 0,
): void {
  for (let q = q0, o = 0; q < q1; q++, o += t) {
    const i = rows[q];
    const p0 = rowStart[i];
    const p1 = rowStart[i + 1];
    let j = 0;
    for (; j + SUMS <= t; j += SUMS) {
      let z0 = b[j], z1 = b[j + 1], z2 = b[j + 2], z3 = b[j + 3];
      let z4 = b[j + 4], z5 = b[j + 5], z6 = b[j + 6], z7 = b[j + 7];
      for (let p = p0; p < p1; p++) {
        const v = val[p];
        const w = col[p] * t + j;
        z0 += v * WT[w]; z1 += v * WT[w + 1]; z2 += v * WT[w + 2]; z3 += v * WT[w + 3];
        z4 += v * WT[w + 4]; z5 += v * WT[w + 5]; z6 += v * WT[w + 6]; z7 += v * WT[w + 7];
      }
      out[o + j] = z0; out[o + j + 1] = z1; out[o + j + 2] = z2; out[o + j + 3] = z3;
      out[o + j + 4] = z4; out[o + j + 5] = z5; out[o + j + 6] = z6; out[o + j + 7] = z7;
    }
    for (; j < t; j++) {
      let z = b[j];
      for (let p = p0; p < p1; p++) z += val[p] * WT[col[p] * t + j];
      out[o + j] = z;
    }
    if (activate === SIGMOID) for (let jj = 0; jj < t; jj++) out[o + jj] = sigmoid(out[o + jj]);
    else if (activate !== NONE) activateRow(out, o, t, activate, alpha);
  }
}

/** out[i, :] = f(b + A[i, :]·W) for i < R, f given by `activate` (α: leaky_relu's slope). */
export function forwardDense(
  t: number, A: Vec, s: number, R: number, WT: Vec, b: Vec, out: Vec, activate: number, alpha = 0,
): void {
  for (let i = 0, a0 = 0, o = 0; i < R; i++, a0 += s, o += t) {
    let j = 0;
    for (; j + SUMS <= t; j += SUMS) {
      let z0 = b[j], z1 = b[j + 1], z2 = b[j + 2], z3 = b[j + 3];
      let z4 = b[j + 4], z5 = b[j + 5], z6 = b[j + 6], z7 = b[j + 7];
      for (let k = 0, w = j; k < s; k++, w += t) {
        const a = A[a0 + k];
        z0 += a * WT[w]; z1 += a * WT[w + 1]; z2 += a * WT[w + 2]; z3 += a * WT[w + 3];
        z4 += a * WT[w + 4]; z5 += a * WT[w + 5]; z6 += a * WT[w + 6]; z7 += a * WT[w + 7];
      }
      out[o + j] = z0; out[o + j + 1] = z1; out[o + j + 2] = z2; out[o + j + 3] = z3;
      out[o + j + 4] = z4; out[o + j + 5] = z5; out[o + j + 6] = z6; out[o + j + 7] = z7;
    }
    for (; j < t; j++) {
      let z = b[j];
      for (let k = 0, w = j; k < s; k++, w += t) z += A[a0 + k] * WT[w];
      out[o + j] = z;
    }
    if (activate === SIGMOID) for (let jj = 0; jj < t; jj++) out[o + jj] = sigmoid(out[o + jj]);
    else if (activate !== NONE) activateRow(out, o, t, activate, alpha);
  }
}

/**
 * Dprev[i, k] = (Σ_j D[i, j]·W[j, k]) · f'(a), a = A[i, k]: the seed's δ2 = δ3·Θ2 ⊙ g'(z2), with f' from the
 * activation value — sigmoid a(1 − a), tanh 1 − a², relu 1 if a > 0 else 0, leaky_relu 1 if a > 0 else α (a > 0 ⇔
 * z > 0, so at the kink z = 0 relu' = 0 and leaky_relu' = α, PyTorch's convention).
 */
export function backpropDelta(
  t: number, D: Vec, R: number, WT: Vec, s: number, A: Vec, Dprev: Vec, activate = SIGMOID, alpha = 0,
): void {
  for (let i = 0, o = 0, po = 0; i < R; i++, o += t, po += s) {
    for (let k = 0, w = 0; k < s; k++, w += t) {
      let acc = 0;
      for (let j = 0; j < t; j++) acc += D[o + j] * WT[w + j];
      const a = A[po + k];
      if (activate === SIGMOID) Dprev[po + k] = acc * a * (1 - a);
      else if (activate === TANH) Dprev[po + k] = acc * (1 - a * a);
      else if (activate === RELU) Dprev[po + k] = a > 0 ? acc : 0;
      else Dprev[po + k] = a > 0 ? acc : acc * alpha;
    }
  }
}

/** G[g0 + j] += Σ_i D[i, j]: the bias column of Δ. */
export function accumulateBias(t: number, D: Vec, R: number, G: FloatArray, g0: number): void {
  for (let i = 0, o = 0; i < R; i++, o += t) for (let j = 0; j < t; j++) G[g0 + j] += D[o + j];
}

/** G[g0 + k·t + j] += Σ_i A[i, k]·D[i, j]: Δ_l += δᵀ·a for dense activations. */
export function accumulateGradDense(t: number, A: Vec, s: number, R: number, D: Vec, G: FloatArray, g0: number): void {
  for (let k = 0, g = g0; k < s; k++, g += t) {
    let j = 0;
    for (; j + SUMS <= t; j += SUMS) {
      let z0 = G[g + j], z1 = G[g + j + 1], z2 = G[g + j + 2], z3 = G[g + j + 3];
      let z4 = G[g + j + 4], z5 = G[g + j + 5], z6 = G[g + j + 6], z7 = G[g + j + 7];
      for (let i = 0, a = k, o = j; i < R; i++, a += s, o += t) {
        const ak = A[a];
        z0 += ak * D[o]; z1 += ak * D[o + 1]; z2 += ak * D[o + 2]; z3 += ak * D[o + 3];
        z4 += ak * D[o + 4]; z5 += ak * D[o + 5]; z6 += ak * D[o + 6]; z7 += ak * D[o + 7];
      }
      G[g + j] = z0; G[g + j + 1] = z1; G[g + j + 2] = z2; G[g + j + 3] = z3;
      G[g + j + 4] = z4; G[g + j + 5] = z5; G[g + j + 6] = z6; G[g + j + 7] = z7;
    }
    for (; j < t; j++) {
      let z = G[g + j];
      for (let i = 0, a = k, o = j; i < R; i++, a += s, o += t) z += A[a] * D[o];
      G[g + j] = z;
    }
  }
}

/**
 * G[g0 + k·t + j] += Σ_p val[p]·D[row[p], j] over column k of one sub-block of X in compressed columns
 * (colStart[c0 + k] .. colStart[c0 + k + 1]; row = row within the sub-block, ascending).
 */
export function accumulateGradCsc(
  t: number, n: number, colStart: Int32Array, c0: number, row: Uint16Array, val: FloatArray, D: Vec,
  G: FloatArray, g0: number,
): void {
  for (let k = 0, g = g0; k < n; k++, g += t) {
    const p0 = colStart[c0 + k];
    const p1 = colStart[c0 + k + 1];
    let j = 0;
    for (; j + SUMS <= t; j += SUMS) {
      let z0 = G[g + j], z1 = G[g + j + 1], z2 = G[g + j + 2], z3 = G[g + j + 3];
      let z4 = G[g + j + 4], z5 = G[g + j + 5], z6 = G[g + j + 6], z7 = G[g + j + 7];
      for (let p = p0; p < p1; p++) {
        const v = val[p];
        const o = row[p] * t + j;
        z0 += v * D[o]; z1 += v * D[o + 1]; z2 += v * D[o + 2]; z3 += v * D[o + 3];
        z4 += v * D[o + 4]; z5 += v * D[o + 5]; z6 += v * D[o + 6]; z7 += v * D[o + 7];
      }
      G[g + j] = z0; G[g + j + 1] = z1; G[g + j + 2] = z2; G[g + j + 3] = z3;
      G[g + j + 4] = z4; G[g + j + 5] = z5; G[g + j + 6] = z6; G[g + j + 7] = z7;
    }
    for (; j < t; j++) {
      let z = G[g + j];
      for (let p = p0; p < p1; p++) z += val[p] * D[row[p] * t + j];
      G[g + j] = z;
    }
  }
}

/** The same product from compressed rows, for minibatches: row by row, δ in locals, Δ in memory. */
export function accumulateGradCsr(
  t: number, rows: Uint32Array, q0: number, q1: number, rowStart: Int32Array, col: IndexArray, val: FloatArray,
  D: Vec, G: FloatArray, g0: number,
): void {
  for (let q = q0, o = 0; q < q1; q++, o += t) {
    const i = rows[q];
    for (let p = rowStart[i], p1 = rowStart[i + 1]; p < p1; p++) {
      const v = val[p];
      const g = g0 + col[p] * t;
      for (let j = 0; j < t; j++) G[g + j] += v * D[o + j];
    }
  }
}
