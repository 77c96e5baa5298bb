import type { Matrix } from '../../matrix.js';
import { seedActivations, type Activations } from '../../network/activations.js';
import { checkDtype, type Dtype } from '../../network/dtype.js';
import type { LayerSizes } from '../../network/layers.js';
import { softmaxRows } from '../../softmax.js';
import { activationCode, forwardDense, forwardSparse, NONE, SIGMOID, workspace, type Vec } from './kernels.js';
import { splitTheta } from './shard.js';
import { toCsr } from './sparse.js';

/**
 * Forward pass only: output activations h (m×K) for the rows of X (no bias column), with the same kernels as
 * training — the first layer over the non-zeros of X, then dense layers, each hidden layer's activation, and the
 * output's: sigmoids, or softmax rows (log-sum-exp) that sum to 1. With `dtype` float32, θ and X are rounded to
 * float32 and every layer is computed and stored in float32; h is widened to float64.
 */
export function tsPredict(
  layers: LayerSizes, theta: Float64Array, X: Matrix, activations: Activations = seedActivations(layers), dtype: Dtype = 'float64',
): Matrix {
  checkDtype(dtype);
  const m = X.rows;
  const L = layers.length;
  const K = layers[L - 1];
  const alpha = activations.leakySlope;
  const softmax = activations.output === 'softmax';
  const code = (l: number): number => (l < L - 1 ? activationCode(activations.hidden[l - 1]) : softmax ? NONE : SIGMOID);
  const WT: Vec[] = [];
  const bias: Vec[] = [];
  for (let l = 1; l < L; l++) {
    WT.push(workspace(layers[l - 1] * layers[l], dtype));
    bias.push(workspace(layers[l], dtype));
  }
  splitTheta(layers, theta, WT, bias);
  const csr = toCsr(X, dtype);
  const rows = new Uint32Array(m);
  for (let i = 0; i < m; i++) rows[i] = i;
  let A = workspace(m * layers[1], dtype);
  forwardSparse(layers[1], rows, 0, m, csr.rowStart, csr.col, csr.val, WT[0], bias[0], A, code(1), alpha);
  for (let l = 2; l < L; l++) {
    const out = workspace(m * layers[l], dtype);
    forwardDense(layers[l], A, layers[l - 1], m, WT[l - 1], bias[l - 1], out, code(l), alpha);
    A = out;
  }
  const h = A instanceof Float32Array ? A : Float64Array.from(A);
  if (softmax) softmaxRows(h, m, K);
  return { rows: m, cols: K, data: h instanceof Float64Array ? h : Float64Array.from(h) };
}
