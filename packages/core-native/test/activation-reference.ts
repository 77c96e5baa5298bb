// An independent reference for issue 16's activations, in the style of reference.ts: per-example loops, no BLAS,
// derivatives taken from z (the addon takes them from a = f(z)), softmax by log-sum-exp, the sigmoid output's
// cross-entropy as softplus(z) - y z. Checked against PyTorch in activations-golden.test.ts, then used where the
// golden's small fixed networks do not reach (many examples, many hidden units, extreme logits).
import { deserialize } from './reference.js';

export interface ActivationSpec {
  hidden: readonly string[];
  output: string;
  leakySlope: number;
}

/** 1 / (1 + e^-z), as e^z / (1 + e^z) for z < 0 so that it never forms e^|z| (no overflow, no lost subnormals). */
const sigmoid = (z: number): number => (z < 0 ? Math.exp(z) / (1 + Math.exp(z)) : 1 / (1 + Math.exp(-z)));

function f(name: string, slope: number, z: number): number {
  switch (name) {
    case 'sigmoid':
      return sigmoid(z);
    case 'tanh':
      return Math.tanh(z);
    case 'relu':
      return Math.max(0, z);
    case 'leaky_relu':
      return z > 0 ? z : slope * z;
    default:
      throw new Error(`unknown activation ${name}`);
  }
}

/** f'(z), with PyTorch's convention at the kink: relu'(0) = 0, leaky_relu'(0) = slope. */
function fPrime(name: string, slope: number, z: number): number {
  switch (name) {
    case 'sigmoid':
      return sigmoid(z) * (1 - sigmoid(z));
    case 'tanh':
      return 1 - Math.tanh(z) ** 2;
    case 'relu':
      return z > 0 ? 1 : 0;
    case 'leaky_relu':
      return z > 0 ? 1 : slope;
    default:
      throw new Error(`unknown activation ${name}`);
  }
}

function dot(w: number[], a: number[]): number {
  let sum = 0;
  for (let c = 0; c < w.length; c++) sum += w[c] * a[c];
  return sum;
}

const softplus = (z: number): number => (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z)));

export interface ReferenceResult {
  J: number;
  grad: Float64Array;
  /** Per gradient entry, the sum of the magnitudes of its terms (see reference.ts maxScaledError). */
  scale: Float64Array;
  /** Output activations, m x K. */
  h: Float64Array;
  /** Every hidden pre-activation z, example by example. */
  hiddenZ: Float64Array;
}

/** Regularised cost, gradient and outputs of the network `spec` describes, one example at a time. */
export function referenceActivations(
  layers: readonly number[], theta: Float64Array, lambda: number, X: Float64Array, Y: Float64Array, m: number,
  spec: ActivationSpec,
): ReferenceResult {
  const Thetas = deserialize(layers, theta);
  const L = Thetas.length;
  const K = layers[L];
  const n = layers[0];
  const Deltas = Thetas.map((T) => T.map((row) => row.map(() => 0)));
  const Magnitudes = Thetas.map((T) => T.map((row) => row.map(() => 0)));
  const h = new Float64Array(m * K);
  const hiddenZ: number[] = [];
  let J = 0;
  for (let t = 0; t < m; t++) {
    const a: number[][] = [[1, ...X.subarray(t * n, (t + 1) * n)]];
    const z: number[][] = [[]];
    for (let l = 0; l < L; l++) {
      const zl = Thetas[l].map((row) => dot(row, a[l]));
      z.push(zl);
      if (l + 1 < L) {
        for (const v of zl) hiddenZ.push(v);
        a.push([1, ...zl.map((v) => f(spec.hidden[l], spec.leakySlope, v))]);
      }
    }
    const zL = z[L];
    const y = Array.from(Y.subarray(t * K, (t + 1) * K));
    let out: number[];
    if (spec.output === 'softmax') {
      const M = Math.max(...zL);
      const lse = M + Math.log(zL.reduce((s, v) => s + Math.exp(v - M), 0));
      for (let k = 0; k < K; k++) J += y[k] * (lse - zL[k]);
      out = zL.map((v) => Math.exp(v - lse));
    } else {
      for (let k = 0; k < K; k++) J += softplus(zL[k]) - y[k] * zL[k];
      out = zL.map(sigmoid);
    }
    h.set(out, t * K);
    let d = out.map((p, k) => p - y[k]);
    for (let l = L - 1; l >= 0; l--) {
      for (let j = 0; j < d.length; j++) {
        const D = Deltas[l][j];
        const Mg = Magnitudes[l][j];
        const al = a[l];
        for (let c = 0; c < al.length; c++) {
          D[c] += d[j] * al[c];
          Mg[c] += Math.abs(d[j] * al[c]);
        }
      }
      if (l === 0) break;
      const previous: number[] = [];
      for (let c = 1; c < a[l].length; c++) {
        let s = 0;
        for (let j = 0; j < d.length; j++) s += Thetas[l][j][c] * d[j];
        previous.push(s * fPrime(spec.hidden[l - 1], spec.leakySlope, z[l][c - 1]));
      }
      d = previous;
    }
  }
  J /= m;
  let squares = 0;
  for (const T of Thetas) for (const row of T) for (let c = 1; c < row.length; c++) squares += row[c] * row[c];
  J += (lambda / (2 * m)) * squares;
  const grad = new Float64Array(theta.length);
  const scale = new Float64Array(theta.length);
  let i = 0;
  for (let l = 0; l < L; l++) {
    for (let j = 0; j < Thetas[l].length; j++) {
      for (let c = 0; c < Thetas[l][j].length; c++) {
        const regularisation = c === 0 ? 0 : (lambda / m) * Thetas[l][j][c];
        grad[i] = Deltas[l][j][c] / m + regularisation;
        scale[i] = Magnitudes[l][j][c] / m + Math.abs(regularisation);
        i++;
      }
    }
  }
  return { J, grad, scale, h, hiddenZ: Float64Array.from(hiddenZ) };
}
