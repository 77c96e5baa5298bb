import type { BackendChoice } from './backend/types.js';
import { costGradient } from './cost.js';
import type { Matrix } from './matrix.js';
import type { Activations } from './network/activations.js';
import { checkDtype, type Dtype } from './network/dtype.js';
import { checkLayers, type LayerSizes } from './network/layers.js';
import { InvalidArgumentError } from './errors.js';
import { checkGradientCheckSize } from './size.js';
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
  /** ‖numeric − analytic‖ / ‖numeric + analytic‖ — the course expects < 1e-9 (float64; see GRADCHECK for float32). */
  relativeDifference: number;
  /** The difference step ε used. */
  step: number;
  /** The precision the network computed in. */
  dtype: Dtype;
}

/**
 * The difference step ε and the bar for the relative difference, per dtype. float64: the course's ε = 1e-4 and
 * 1e-9. float32: the cost carries rounding noise, which a central difference divides by 2ε, so ε must be larger than
 * float64's; but a step must not carry a relu/leaky_relu sum across its kink at 0: a step of ε moves a hidden z by
 * at most ε here (inputs and activations below 1, debug weights below 0.1), and the debug networks' hidden sums are
 * all at least 9.2e-4 from 0. ε = 5e-4 does both. Measured on the debug networks of every activation combination
 * (1–2 hidden layers, λ 0 and 3; 2026-12-07): the TS backend, which sums in double and rounds what it stores,
 * at most 1.8e-5; the native backend, whose sgemm sums in float, at most 5.9e-4 (the float64 check: 4e-10). The bar
 * 3e-3 leaves a factor of 5 over native, while a gradient 1% off gives ≈ 5e-3 and a wrong derivative ≈ 1e-1.
 */
export const GRADCHECK: Readonly<Record<Dtype, { step: number; tolerance: number }>> = {
  float64: { step: 1e-4, tolerance: 1e-9 },
  float32: { step: 5e-4, tolerance: 3e-3 },
};

/**
 * The course's `checkNNGradients`: a small debug network (default 3-5-3, m = 5), analytic backprop gradient vs
 * central differences with ε = 1e-4, for the seed's network or the given `activations`, in float64 or `dtype`
 * float32 (ε = GRADCHECK.float32.step; the debug θ is rounded to float32 first, and each difference divides by the
 * step the float32 parameters actually took). With relu or leaky_relu,
 * a sum z within ε of 0 would put the kink inside a difference: the debug weights keep every z of the default
 * network well away from 0 (test/activations-gradcheck.test.ts checks the margin).
 */
export function gradientCheck(
  options: { lambda?: number; layers?: LayerSizes; m?: number; backend?: BackendChoice; activations?: Activations; dtype?: Dtype } = {},
): GradientCheckResult {
  const { lambda = 0, layers = [3, 5, 3], m = 5, backend, activations } = options;
  checkLayers(layers);
  if (!Number.isSafeInteger(m) || m < 1) throw new InvalidArgumentError(`m: expected a positive integer, got ${String(m)}`);
  checkGradientCheckSize(layers, m);
  const dtype = checkDtype(options.dtype ?? 'float64');
  const f32 = dtype === 'float32';
  const round = f32 ? Math.fround : (v: number) => v;
  const thetas: Matrix[] = [];
  for (let l = 1; l < layers.length; l++) thetas.push(debugInitializeWeights(layers[l], layers[l - 1]));
  const theta = serialize(...thetas).map(round);
  // X re-uses debugInitializeWeights (m × (input−1) + bias column = m × input), as the course does.
  const X = debugInitializeWeights(m, layers[0] - 1);
  const K = layers[layers.length - 1];
  const y = Array.from({ length: m }, (_, i) => 1 + ((i + 1) % K));
  const opts = { layers, lambda, backend, activations, dtype };
  const analytic = costGradient(theta, X, y, opts).grad;
  const numeric = new Float64Array(theta.length);
  const e = GRADCHECK[dtype].step;
  for (let p = 0; p < theta.length; p++) {
    const keep = theta[p];
    const lo = round(keep - e);
    const hi = round(keep + e);
    theta[p] = lo;
    const loss1 = costGradient(theta, X, y, opts).cost;
    theta[p] = hi;
    const loss2 = costGradient(theta, X, y, opts).cost;
    theta[p] = keep;
    numeric[p] = (loss2 - loss1) / (f32 ? hi - lo : 2 * e);
  }
  let diff = 0;
  let sum = 0;
  for (let p = 0; p < theta.length; p++) {
    diff += (numeric[p] - analytic[p]) ** 2;
    sum += (numeric[p] + analytic[p]) ** 2;
  }
  return { numeric, analytic, relativeDifference: Math.sqrt(diff) / Math.sqrt(sum), step: e, dtype };
}
