// The addon's own vectorised exp / log1p (src/vector_math.h) seen through the public API on a one-unit
// network (layers [1, 1], bias 0, weight 1, so z = x): the sigmoid, the cross-entropy and h - y over the whole
// range of z, against Math.exp / Math.log1p, saturated and subnormal regions included.
import { describe, expect, test } from 'vitest';
import { NativeNetwork, predict } from '../lib/index.js';
import { unavailable } from './native-available.js';

const zs: number[] = [0, 1e-300, 1e-10, 0.125, 0.5, 1, 2.5, 10, 36, 37, 40, 100, 700, 708, 709, 744.4, 745, 746, 1000];
for (let z = -50; z <= 50; z += 0.37) zs.push(z);
const values = [...new Set(zs.flatMap((z) => [z, -z]))].sort((a, b) => a - b);

// 1/(1+e^-z), or e^z/(1+e^z) for z < 0: the brief's overflow-free sigmoid, evaluated with Math.exp.
const sigmoid = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));
const softplus = (t: number): number => Math.max(t, 0) + Math.log1p(Math.exp(-Math.abs(t)));

// One unit in the last place of x (subnormal spacing below 2^-1022).
function ulp(x: number): number {
  const a = Math.abs(x);
  if (a < 2 ** -1022) return 2 ** -1074;
  return 2 ** (Math.floor(Math.log2(a)) - 52);
}

describe.skipIf(unavailable)('sigmoid, cross-entropy and h - y over the whole range of z', () => {
  const theta = new Float64Array([0, 1]); // Theta1 = [b | w] = [0 | 1]

  test('predict gives the sigmoid within 4 ulp everywhere (subnormal outputs included)', () => {
    const X = Float64Array.from(values);
    const out = new Float64Array(values.length);
    predict([1, 1], theta, X, values.length, out);
    const worst = values.reduce((w, z, i) => Math.max(w, Math.abs(out[i] - sigmoid(z)) / ulp(sigmoid(z))), 0);
    expect(worst).toBeLessThanOrEqual(4);
    expect(out.every((h) => h >= 0 && h <= 1)).toBe(true);
    expect(out[values.indexOf(-1000)]).toBe(0);
    expect(out[values.indexOf(1000)]).toBe(1);
    expect(out[values.indexOf(0)]).toBe(0.5);
  });

  test('costGradient of one example: J = y softplus(-z) + (1-y) softplus(z) to 1e-14, grad = (h - y) [1, z]', () => {
    const grad = new Float64Array(2);
    for (const z of values) {
      for (const y of [0, 1]) {
        const net = new NativeNetwork([1, 1], new Float64Array([z]), new Float64Array([y]), 1);
        const J = net.costGradient(theta, 0, grad);
        net.dispose();
        const expected = y * softplus(-z) + (1 - y) * softplus(z);
        expect(Math.abs(J - expected)).toBeLessThanOrEqual(1e-14 * expected + 4 * ulp(expected));
        const residual = sigmoid(z) - y;
        expect(Math.abs(grad[0] - residual)).toBeLessThanOrEqual(4 * ulp(residual) + 1e-300);
        expect(Math.abs(grad[1] - residual * z)).toBeLessThanOrEqual(4 * ulp(residual * z) + 1e-300);
      }
    }
  });

  test('NaN weights give NaN, not a number that looks fine', () => {
    const net = new NativeNetwork([1, 1], new Float64Array([0.5]), new Float64Array([1]), 1);
    const grad = new Float64Array(2);
    expect(net.costGradient(new Float64Array([Number.NaN, 1]), 0, grad)).toBeNaN();
    expect(grad.every(Number.isNaN)).toBe(true);
  });
});
