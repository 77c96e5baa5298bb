// nn's native backend passes a network's activations through to the addon: createNetwork, predict and
// predictAsync of getBackend('native') reproduce PyTorch (scripts/ref/activations_golden.py) to 1e-12 for every
// hidden x output combination; without activations they are the seed's network. (The addon's own tests,
// packages/core-native/test/activations-*.test.ts, go through every path in depth.)
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { backendInfo, getBackend, type Matrix } from '../src/index.js';
import type { Activations } from '../src/network/activations.js';

interface GoldenCase {
  name: string;
  layers: number[];
  hidden: Activations['hidden'];
  output: Activations['output'];
  leakySlope: number;
  lambda: number;
  theta: number[];
  dense: { X: number[][]; Y: number[][]; cost: number; gradient: number[]; gradientScale: number[]; h: number[][] };
}

const golden: { cases: GoldenCase[] } = JSON.parse(readFileSync(new URL('./fixtures/activations-golden.json', import.meta.url), 'utf8'));
const matrix = (rows: number[][]): Matrix => ({ rows: rows.length, cols: rows[0].length, data: Float64Array.from(rows.flat()) });
const relative = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
const info = backendInfo();

describe.skipIf(!info.nativeAvailable)('the native backend computes every activation as PyTorch does', () => {
  it.each(golden.cases.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const backend = getBackend('native');
    const activations: Activations = { hidden: c.hidden, output: c.output, leakySlope: c.leakySlope };
    const theta = Float64Array.from(c.theta);
    const X = matrix(c.dense.X);
    const net = backend.createNetwork(c.layers, X, matrix(c.dense.Y), activations);
    const grad = new Float64Array(net.parameterCount);
    expect(relative(net.costGradient(theta, c.lambda, grad), c.dense.cost)).toBeLessThanOrEqual(1e-12);
    grad.forEach((g, i) => expect(Math.abs(g - c.dense.gradient[i])).toBeLessThanOrEqual(1e-12 * c.dense.gradientScale[i]));
    net.dispose();
    const h = Float64Array.from(c.dense.h.flat());
    for (const predicted of [backend.predict(c.layers, theta, X, activations), await backend.predictAsync(c.layers, theta, X, activations)]) {
      predicted.data.forEach((p, i) => expect(relative(p, h[i])).toBeLessThanOrEqual(1e-12));
    }
  });

  it('without activations the network is the seed\'s (sigmoid throughout), not the last one used', () => {
    const c = golden.cases.find((k) => k.hidden.length === 1 && k.hidden[0] === 'sigmoid' && k.output === 'sigmoid')!;
    const relu = golden.cases.find((k) => k.hidden.length === 1 && k.hidden[0] === 'relu' && k.output === 'softmax')!;
    const backend = getBackend('native');
    const X = matrix(c.dense.X);
    backend.predict(c.layers, Float64Array.from(c.theta), X, { hidden: relu.hidden, output: relu.output, leakySlope: 0.01 });
    const h = Float64Array.from(c.dense.h.flat());
    backend.predict(c.layers, Float64Array.from(c.theta), X).data.forEach((p, i) => expect(relative(p, h[i])).toBeLessThanOrEqual(1e-12));
    const net = backend.createNetwork(c.layers, X, matrix(c.dense.Y));
    expect(relative(net.costGradient(Float64Array.from(c.theta), c.lambda, new Float64Array(net.parameterCount)), c.dense.cost)).toBeLessThanOrEqual(1e-12);
    net.dispose();
  });
});
