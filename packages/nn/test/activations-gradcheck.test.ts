/**
 * Central finite differences (the course's checkNNGradients, ε = 1e-4) for every hidden activation × output, and
 * finite cost and gradient for logits of ±1e4. relu and leaky_relu have a kink at z = 0: a step of ε in one
 * parameter moves a hidden z by at most ε·max(1, |a|) ≤ ε here (inputs and activations are below 1 in size, the
 * debug weights below 0.1), and the debug weights keep every hidden z more than 5ε from 0 (checked below, not
 * assumed), so no difference straddles the kink.
 */
import { describe, expect, it } from 'vitest';
import {
  bindNetwork, debugInitializeWeights, feedForward, gradientCheck, HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS, serialize,
  type Activations, type HiddenActivation, type OutputActivation,
} from '../src/index.js';

const combos: [HiddenActivation[], OutputActivation][] = [];
for (const h of HIDDEN_ACTIVATIONS) for (const o of OUTPUT_ACTIVATIONS) combos.push([[h], o], [[h, 'relu'], o]);
combos.push([['tanh', 'leaky_relu', 'sigmoid'], 'softmax']);

describe.each(combos)('finite differences: hidden %j, output %s', (hidden, output) => {
  const activations: Activations = { hidden, output, leakySlope: 0.1 };
  const layers = [3, ...hidden.map((_, i) => 5 - i), 3];
  const m = 5;

  it('no hidden z lies near the kink', () => {
    const thetas = layers.slice(1).map((t, l) => debugInitializeWeights(t, layers[l]));
    const X = debugInitializeWeights(m, layers[0] - 1);
    const pass = feedForward(serialize(...thetas), X, layers, activations);
    const minAbsZ = Math.min(...pass.z.slice(0, -1).flatMap((z) => Array.from(z.data, Math.abs)));
    expect(minAbsZ).toBeGreaterThan(5 * 1e-4);
    expect(Math.max(...pass.a.slice(0, -1).flatMap((a) => Array.from(a.data, Math.abs)))).toBeLessThan(1);
  });

  it.each([0, 3])('relative difference < 1e-9 with λ = %d', (lambda) => {
    const { relativeDifference } = gradientCheck({ layers, m, lambda, activations, backend: 'ts' });
    expect(relativeDifference).toBeLessThan(1e-9);
  });
});

describe('logits of ±1e4', () => {
  // One input x = 1 and two classes whose logits are ±1e4·w: the softmax cost is LSE − z_y exactly.
  const X = { rows: 1, cols: 1, data: Float64Array.of(1) };
  it('softmax without hidden layers: J = 2e4, ∇ = (p − y)·[1 x], nothing NaN', () => {
    const theta = Float64Array.of(0, 1e4, 0, -1e4);
    const net = bindNetwork(X, [2], { layers: [1, 2], backend: 'ts', activations: { hidden: [], output: 'softmax', leakySlope: 0.01 } });
    const grad = new Float64Array(4);
    expect(net.costGradient(theta, 0, grad)).toBe(2e4);
    expect(Array.from(grad)).toEqual([1, 1, -1, -1]);
  });
  it.each(combos)('hidden %j, output %s: some |z| > 1e4, cost and gradient finite', (hidden, output) => {
    const layers = [4, ...hidden.map(() => 3), 3];
    const Xb = { rows: 3, cols: 4, data: Float64Array.from({ length: 12 }, (_, i) => (i % 5) - 2) };
    const thetas = layers.slice(1).map((t, l) => debugInitializeWeights(t, layers[l]));
    const theta = serialize(...thetas).map((v) => v * 1e6);
    const net = bindNetwork(Xb, [1, 2, 3], { layers, backend: 'ts', activations: { hidden, output, leakySlope: 0.01 } });
    const grad = new Float64Array(net.parameterCount);
    const J = net.costGradient(theta, 1, grad);
    expect(Number.isFinite(J)).toBe(true);
    expect(grad.every(Number.isFinite)).toBe(true);
    // Some logit reaches ±1e4: the worst example's wrong class is confident.
    const z = feedForward(theta, Xb, layers, { hidden, output, leakySlope: 0.01 }).z.at(-1)!;
    expect(Math.max(...Array.from(z.data, Math.abs))).toBeGreaterThan(1e4);
  });
});
