// Logits of +-1e4 give a finite cost and gradient for every activation and both outputs, dense and sparse X: the
// softmax by log-sum-exp (every exponent <= 0), the sigmoid output's cross-entropy in softplus form. With moderate
// hidden units the values are the per-example reference's (the same stable forms in plain loops) to 1e-12, not
// just finite, and softmax rows still sum to 1. With hidden pre-activations of +-1e4 as well (saturated sigmoid and
// tanh, relu units of order 1e4) cost, gradient and outputs stay finite and the cost is the reference's; the
// gradient is only required finite there, because a saturated unit's derivative 1 - a^2 or a (1 - a) loses its
// digits to cancellation in any implementation (PyTorch's included).
import { describe, expect, test } from 'vitest';
import { NativeNetwork, predict } from '../lib/index.js';
import { referenceActivations } from './activation-reference.js';
import { unavailable } from './native-available.js';
import * as ref from './reference.js';

const layers = [8, 5, 3];
const m = 12;

// Theta2's bias column 1e4, -1e4, 0: logits of order 1e4 whatever the hidden units give; with saturated, Theta1
// times 1e4 too (hidden z of order 1e4).
function extremeProblem(density: number, saturated: boolean) {
  const p = ref.sparseProblem(layers, m, 17, density);
  const theta = Float64Array.from(p.theta);
  if (saturated) for (let i = 0; i < 5 * 9; i++) theta[i] *= 1e4;
  [1e4, -1e4, 0].forEach((b, j) => (theta[5 * 9 + j * 6] = b));
  return { ...p, theta };
}

describe.skipIf(unavailable)('logits of +-1e4: finite cost and gradient for every activation', () => {
  for (const density of [0.4, 1]) {
    for (const hidden of ['sigmoid', 'tanh', 'relu', 'leaky_relu']) {
      for (const output of ['sigmoid', 'softmax']) {
        const spec = { hidden: [hidden], output, leakySlope: 0.01 };
        const X = density < 1 ? 'sparse' : 'dense';

        test(`${hidden} -> ${output}, ${X} X: the reference's values`, async () => {
          const p = extremeProblem(density, false);
          const net = new NativeNetwork(layers, p.X, p.Y, m, spec);
          const grad = new Float64Array(net.parameterCount);
          const J = net.costGradient(p.theta, 0.5, grad);
          const expected = referenceActivations(layers, p.theta, 0.5, p.X, p.Y, m, spec);
          expect(J).toBeGreaterThan(1e3); // the -1e4 and 1e4 logits are on the wrong side for some examples
          expect(ref.relativeError(J, expected.J)).toBeLessThanOrEqual(1e-12);
          expect(grad.every(Number.isFinite)).toBe(true);
          expect(ref.maxScaledError(grad, expected.grad, expected.scale)).toBeLessThanOrEqual(1e-12);
          const batch = await net.costGradientAsync(p.theta, 0.5, grad, Uint32Array.of(0, 3, 3));
          expect(Number.isFinite(batch)).toBe(true);
          expect(grad.every(Number.isFinite)).toBe(true);
          net.dispose();

          const h = new Float64Array(m * 3);
          predict(layers, p.theta, p.X, m, h, spec);
          expect(ref.maxRelativeError(h, expected.h)).toBeLessThanOrEqual(1e-12);
          if (output === 'softmax') {
            for (let i = 0; i < m; i++) expect(Math.abs(h[3 * i] + h[3 * i + 1] + h[3 * i + 2] - 1)).toBeLessThan(1e-15);
          }
        });

        test(`${hidden} -> ${output}, ${X} X, hidden z of +-1e4 too: finite`, () => {
          const p = extremeProblem(density, true);
          const net = new NativeNetwork(layers, p.X, p.Y, m, spec);
          const grad = new Float64Array(net.parameterCount);
          const J = net.costGradient(p.theta, 0.5, grad);
          net.dispose();
          expect(ref.relativeError(J, referenceActivations(layers, p.theta, 0.5, p.X, p.Y, m, spec).J)).toBeLessThanOrEqual(1e-12);
          expect(grad.every(Number.isFinite)).toBe(true);
          const h = new Float64Array(m * 3);
          predict(layers, p.theta, p.X, m, h, spec);
          expect(h.every(Number.isFinite)).toBe(true);
        });
      }
    }
  }
});
