import type { Matrix } from '../../matrix.js';
import type { LayerSizes } from '../../network/layers.js';
import { doubles, forwardDense, forwardSparse, type Vec } from './kernels.js';
import { splitTheta } from './shard.js';
import { toCsr } from './sparse.js';

/**
 * Forward pass only: output activations h (m×K) for the rows of X (no bias column), with the same kernels as
 * training — the first layer over the non-zeros of X, then dense layers, σ on every layer.
 */
export function tsPredict(layers: LayerSizes, theta: Float64Array, X: Matrix): Matrix {
  const m = X.rows;
  const L = layers.length;
  const WT: Vec[] = [];
  const bias: Vec[] = [];
  for (let l = 1; l < L; l++) {
    WT.push(doubles(layers[l - 1] * layers[l]));
    bias.push(doubles(layers[l]));
  }
  splitTheta(layers, theta, WT, bias);
  const csr = toCsr(X);
  const rows = new Uint32Array(m);
  for (let i = 0; i < m; i++) rows[i] = i;
  let A = doubles(m * layers[1]);
  forwardSparse(layers[1], rows, 0, m, csr.rowStart, csr.col, csr.val, WT[0], bias[0], A, 1);
  for (let l = 2; l < L; l++) {
    const out = doubles(m * layers[l]);
    forwardDense(layers[l], A, layers[l - 1], m, WT[l - 1], bias[l - 1], out, 1);
    A = out;
  }
  return { rows: m, cols: layers[L - 1], data: Float64Array.from(A) };
}
