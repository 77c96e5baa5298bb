import type { BackendChoice } from './backend/types.js';
import { costGradient } from './cost.js';
import type { Matrix } from './matrix.js';
import type { Activations } from './network/activations.js';
import type { LayerSizes } from './network/layers.js';
import { serialize } from './network/serialize.js';

/**
 * The course's `debugInitializeWeights`: a fanOut × (1 + fanIn) matrix whose entries, in MATLAB's column-major
 * order, are sin(1), sin(2), … divided by 10 — fixed values, so the check is repeatable.
 */
export function debugInitializeWeights(fanOut: number, fanIn: number): Matrix {
  const rows = fanOut;
  const cols = 1 + fanIn;
  const data = new Float64Array(rows * cols);
  for (let j = 0; j < cols; j++) for (let i = 0; i < rows; i++) data[i * cols + j] = Math.sin(j * rows + i + 1) / 10;
  return { rows, cols, data };
}

export interface GradientCheckResult {
  numeric: Float64Array;
  analytic: Float64Array;
  /** ‖numeric − analytic‖ / ‖numeric + analytic‖ — the course expects < 1e-9. */
  relativeDifference: number;
}

/**
 * The course's `checkNNGradients`: a small debug network (default 3-5-3, m = 5), analytic backprop gradient vs
 * central differences with ε = 1e-4, for the seed's network or the given `activations`. With relu or leaky_relu,
 * a sum z within ε of 0 would put the kink inside a difference: the debug weights keep every z of the default
 * network well away from 0 (test/activations-gradcheck.test.ts checks the margin).
 */
export function gradientCheck(
  options: { lambda?: number; layers?: LayerSizes; m?: number; backend?: BackendChoice; activations?: Activations } = {},
): GradientCheckResult {
  const { lambda = 0, layers = [3, 5, 3], m = 5, backend, activations } = options;
  const thetas: Matrix[] = [];
  for (let l = 1; l < layers.length; l++) thetas.push(debugInitializeWeights(layers[l], layers[l - 1]));
  const theta = serialize(...thetas);
  // X re-uses debugInitializeWeights (m × (input−1) + bias column = m × input), as the course does.
  const X = debugInitializeWeights(m, layers[0] - 1);
  const K = layers[layers.length - 1];
  const y = Array.from({ length: m }, (_, i) => 1 + ((i + 1) % K));
  const opts = { layers, lambda, backend, activations };
  const analytic = costGradient(theta, X, y, opts).grad;
  const numeric = new Float64Array(theta.length);
  const e = 1e-4;
  for (let p = 0; p < theta.length; p++) {
    const keep = theta[p];
    theta[p] = keep - e;
    const loss1 = costGradient(theta, X, y, opts).cost;
    theta[p] = keep + e;
    const loss2 = costGradient(theta, X, y, opts).cost;
    theta[p] = keep;
    numeric[p] = (loss2 - loss1) / (2 * e);
  }
  let diff = 0;
  let sum = 0;
  for (let p = 0; p < theta.length; p++) {
    diff += (numeric[p] - analytic[p]) ** 2;
    sum += (numeric[p] + analytic[p]) ** 2;
  }
  return { numeric, analytic, relativeDifference: Math.sqrt(diff) / Math.sqrt(sum) };
}
