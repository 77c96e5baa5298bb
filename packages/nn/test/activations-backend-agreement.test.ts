/**
 * Native and TS backends agree per evaluation to 1e-12 (relative, float64) for every hidden activation × output,
 * mixed two-hidden-layer networks and units whose z is exactly 0, on dense and sparse X (the addon's two first-layer
 * paths), full batches and minibatch rows (one repeated), and in predict.
 */
import { describe, expect, it } from 'vitest';
import {
  backendInfo, bindNetwork, HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS, randomInit, Rng, scores,
  type Activations, type HiddenActivation, type Matrix, type OutputActivation,
} from '../src/index.js';
import { gradRelErr, maxRelErr } from './helpers.js';

const info = backendInfo();
if (!info.nativeAvailable) console.warn(`[notice] native/ts activation agreement skipped: ${info.reason}`);

function data(m: number, n: number, K: number, seed: number, zeros: number): { X: Matrix; y: Int32Array } {
  const rng = new Rng(seed);
  const X = Float64Array.from({ length: m * n }, () => (rng.next() < zeros ? 0 : rng.uniform(-1, 1.5)));
  return { X: { rows: m, cols: n, data: X }, y: Int32Array.from({ length: m }, () => 1 + rng.int(K)) };
}

const combos: [HiddenActivation[], OutputActivation][] = [];
for (const h of HIDDEN_ACTIVATIONS) for (const o of OUTPUT_ACTIVATIONS) combos.push([[h], o], [[h, 'tanh'], o]);
combos.push([['relu', 'leaky_relu', 'sigmoid'], 'softmax']);

describe.skipIf(!info.nativeAvailable)('native = TS ≤ 1e-12 with activations', () => {
  it.each(combos)('hidden %j, output %s: dense and sparse X, full batch, rows, predict', (hidden, output) => {
    const activations: Activations = { hidden, output, leakySlope: 0.05 };
    const layers = [60, ...hidden.map((_, i) => 17 - 4 * i), 7];
    const theta = randomInit(layers, { seed: 4, activations });
    // One hidden unit with all-zero weights: z = 0 exactly for every example (the kink convention).
    theta.fill(0, 3 * 61, 4 * 61);
    const rows = Uint32Array.from([3, 50, 7, 7, 0, 81, 22]);
    for (const zeros of [0, 0.75]) {
      const { X, y } = data(90, 60, 7, 11, zeros);
      const results = (['ts', 'native'] as const).map((backend) => {
        const net = bindNetwork(X, y, { layers, backend, activations });
        const grad = new Float64Array(net.parameterCount);
        const J = net.costGradient(theta, 0.7, grad);
        const bgrad = new Float64Array(net.parameterCount);
        const bJ = net.costGradient(theta, 0.7, bgrad, rows);
        net.dispose();
        return { J, grad, bJ, bgrad, h: scores(theta, X, { layers, backend, activations }).data };
      });
      const [ts, native] = results;
      expect(Math.abs(ts.J - native.J) / Math.abs(native.J)).toBeLessThan(1e-12);
      expect(gradRelErr(ts.grad, native.grad)).toBeLessThan(1e-12);
      expect(Math.abs(ts.bJ - native.bJ) / Math.abs(native.bJ)).toBeLessThan(1e-12);
      expect(gradRelErr(ts.bgrad, native.bgrad)).toBeLessThan(1e-12);
      expect(maxRelErr(ts.h, native.h)).toBeLessThan(1e-12);
    }
  });
});
