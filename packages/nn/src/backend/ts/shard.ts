import {
  accumulateBias, accumulateGradCsc, accumulateGradCsr, accumulateGradDense, backpropDelta, forwardDense, forwardSparse,
  NONE, workspace, type Vec,
} from './kernels.js';
import type { FloatArray } from '../../network/dtype.js';
import { JOB_FULL, JOB_GEN, JOB_KIND, type Resident } from './resident.js';

/**
 * Computes one shard of a job: the forward pass over its examples, the stable cross-entropy, and the
 * back-propagated sums Δ_l = Σ δ_l·a_{l−1}ᵀ (unscaled, unregularised) into the shard's slot of `partial`.
 * The main thread and every worker each own one runner (its own workspaces); the data are shared.
 */
export class ShardRunner {
  private readonly r: Resident;
  /** Wᵀ (s_{l−1} × s_l) and bias column per layer, from the current job's θ. */
  private readonly WT: Vec[] = [];
  private readonly bias: Vec[] = [];
  /** Offset of each layer's sums inside a shard's partial gradient. */
  private readonly sumOffset: number[] = [];
  /** Activations A_l (l = 1..L−2, the hidden layers' outputs) and deltas D_l (l = 1..L−1) for one sub-block. */
  private readonly A: Vec[] = [];
  private readonly D: Vec[] = [];
  private preparedGeneration = -1;

  constructor(resident: Resident) {
    this.r = resident;
    const { layers, blockRows, dtype } = resident;
    let off = 0;
    for (let l = 1; l < layers.length; l++) {
      const s = layers[l - 1];
      const t = layers[l];
      this.WT.push(workspace(s * t, dtype));
      this.bias.push(workspace(t, dtype));
      this.sumOffset.push(off);
      off += t * (s + 1);
      this.D.push(workspace(blockRows * t, dtype));
      if (l < layers.length - 1) this.A.push(workspace(blockRows * t, dtype));
    }
  }

  /** Splits θ (shared) into Wᵀ and bias per layer, once per job generation. */
  private prepare(generation: number): void {
    if (generation === this.preparedGeneration) return;
    splitTheta(this.r.layers, this.r.theta, this.WT, this.bias);
    this.preparedGeneration = generation;
  }

  /** Shard `shard` of the job posted in `job`; writes cost[shard] and partial[shard·P ..]. */
  run(shard: number): void {
    const r = this.r;
    const { layers, K, n0, parameterCount: P, blockRows, partial, job, hidden, alpha } = r;
    const L = layers.length;
    const full = Atomics.load(job, JOB_KIND) === JOB_FULL;
    this.prepare(Atomics.load(job, JOB_GEN));
    const rows = full ? r.allRows : r.rows;
    const start = r.shardStart[shard];
    const end = r.shardStart[shard + 1];
    const g = shard * P;
    partial.fill(0, g, g + P);
    const { WT, bias, A, D, sumOffset } = this;
    let J = 0;
    let block = full ? r.shardBlock[shard] : 0;
    for (let q0 = start; q0 < end; q0 += blockRows, block++) {
      const q1 = Math.min(end, q0 + blockRows);
      const R = q1 - q0;
      // Forward: z_1 = b + x·W1ᵀ over the non-zeros of x, then dense layers; the output layer keeps z in D.
      const out1 = L === 2 ? D[0] : A[0];
      forwardSparse(layers[1], rows, q0, q1, r.rowStart, r.col, r.val, WT[0], bias[0], out1, L === 2 ? NONE : hidden[0], alpha);
      for (let l = 2; l < L; l++) {
        const out = l === L - 1 ? D[l - 1] : A[l - 1];
        forwardDense(layers[l], A[l - 2], layers[l - 1], R, WT[l - 1], bias[l - 1], out, l === L - 1 ? NONE : hidden[l - 1], alpha);
      }
      J += r.softmax ? softmaxDelta(D[L - 2], R, K, rows, q0, r.Y) : outputDelta(D[L - 2], R, K, rows, q0, r.Y);
      // Backward: Δ_l += δ_lᵀ·a_{l−1}, then δ_{l−1} = δ_l·W_l ⊙ f'(a_{l−1}).
      for (let l = L - 1; l >= 1; l--) {
        const s = layers[l - 1];
        const t = layers[l];
        const g0 = g + sumOffset[l - 1];
        accumulateBias(t, D[l - 1], R, partial, g0);
        if (l > 1) {
          accumulateGradDense(t, A[l - 2], s, R, D[l - 1], partial, g0 + t);
          backpropDelta(t, D[l - 1], R, WT[l - 1], s, A[l - 2], D[l - 2], hidden[l - 2], alpha);
        } else if (full) {
          accumulateGradCsc(t, n0, r.cscColStart, block * (n0 + 1), r.cscRow, r.cscVal, D[0], partial, g0 + t);
        } else {
          accumulateGradCsr(t, rows, q0, q1, r.rowStart, r.col, r.val, D[0], partial, g0 + t);
        }
      }
    }
    r.cost[shard] = J;
  }
}

/** Θ_l → Wᵀ (WT[l−1][k·t + j] = Θ_l[j, 1 + k]) and the bias column (bias[l−1][j] = Θ_l[j, 0]). */
export function splitTheta(layers: readonly number[], theta: FloatArray, WT: Vec[], bias: Vec[]): void {
  let off = 0;
  for (let l = 1; l < layers.length; l++) {
    const s = layers[l - 1];
    const t = layers[l];
    const W = WT[l - 1];
    const b = bias[l - 1];
    for (let j = 0; j < t; j++) {
      const row = off + j * (s + 1);
      b[j] = theta[row];
      for (let k = 0; k < s; k++) W[k * t + j] = theta[row + 1 + k];
    }
    off += t * (s + 1);
  }
}

/**
 * Output layer: replaces each pre-activation z in `ZD` by δ = σ(z) − y and returns Σ of the cross-entropy
 * −y·log σ(z) − (1−y)·log(1−σ(z)) in its stable form y·softplus(−z) + (1−y)·softplus(z), with
 * softplus(±z) = max(±z, 0) + log1p(e^{−|z|}).
 */
function outputDelta(ZD: Vec, R: number, K: number, rows: Uint32Array, q0: number, Y: FloatArray): number {
  let J = 0;
  for (let i = 0, o = 0; i < R; i++, o += K) {
    const yo = rows[q0 + i] * K;
    for (let k = 0; k < K; k++) {
      const z = ZD[o + k];
      const y = Y[yo + k];
      const e = Math.exp(-Math.abs(z));
      const l = Math.log1p(e);
      J += y * ((z < 0 ? -z : 0) + l) + (1 - y) * ((z > 0 ? z : 0) + l);
      ZD[o + k] = (z >= 0 ? 1 / (1 + e) : e / (1 + e)) - y;
    }
  }
  return J;
}

/**
 * Softmax output layer: replaces each row of pre-activations z in `ZD` by δ = p − y, p = softmax(z), and returns
 * Σ of the categorical cross-entropy Σ_k y_k·(LSE − z_k), LSE = M + log Σ_k e^{z_k − M}, M = max_k z_k (log-sum-exp:
 * no exponent is positive, so logits of ±1e4 give finite values).
 */
export function softmaxDelta(ZD: Vec, R: number, K: number, rows: Uint32Array, q0: number, Y: FloatArray): number {
  let J = 0;
  for (let i = 0, o = 0; i < R; i++, o += K) {
    const yo = rows[q0 + i] * K;
    let M = ZD[o];
    for (let k = 1; k < K; k++) if (ZD[o + k] > M) M = ZD[o + k];
    let sum = 0;
    for (let k = 0; k < K; k++) sum += Math.exp(ZD[o + k] - M);
    const lse = M + Math.log(sum);
    for (let k = 0; k < K; k++) {
      const z = ZD[o + k];
      const y = Y[yo + k];
      J += y * (lse - z);
      ZD[o + k] = Math.exp(z - M) / sum - y;
    }
  }
  return J;
}
