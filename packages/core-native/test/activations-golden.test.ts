// Issue 16's activations against PyTorch (scripts/ref/activations_golden.py, float64 autograd): every hidden x
// output combination, a two-hidden-layer mix of each output and cases with z = 0 exactly in a relu / leaky_relu unit
// (PyTorch's kink convention), each on a dense X (the dense products) and a 75%-zero X (the sparse first layer),
// over all rows and over a minibatch with a repeated row, sync and async; outputs through feedForward, predict and
// predictAsync. Cost and outputs to 1e-12 relative, each gradient entry to 1e-12 of the magnitudes it is summed
// from (maxScaledError). The per-example reference of activation-reference.ts is held to the same golden here.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { NativeNetwork, predict, predictAsync } from '../lib/index.js';
import { referenceActivations } from './activation-reference.js';
import { unavailable } from './native-available.js';
import * as ref from './reference.js';

interface GoldenInput {
  X: number[][];
  Y: number[][];
  cost: number;
  gradient: number[];
  gradientScale: number[];
  h: number[][];
  rows: number[];
  batch: { cost: number; gradient: number[]; gradientScale: number[] };
}

interface GoldenCase {
  name: string;
  layers: number[];
  hidden: string[];
  output: string;
  leakySlope: number;
  lambda: number;
  theta: number[];
  dense: GoldenInput;
  sparse: GoldenInput;
}

const golden: { cases: GoldenCase[] } = JSON.parse(
  readFileSync(new URL('../../nn/test/fixtures/activations-golden.json', import.meta.url), 'utf8'),
);

const flat = (rows: number[][]) => Float64Array.from(rows.flat());
const TOLERANCE = 1e-12;

function expectGradient(actual: Float64Array, gradient: number[], scale: number[]) {
  expect(ref.maxScaledError(actual, gradient, scale)).toBeLessThanOrEqual(TOLERANCE);
}

describe.skipIf(unavailable)('the addon reproduces PyTorch for every activation', () => {
  for (const c of golden.cases) {
    const activations = { hidden: c.hidden, output: c.output, leakySlope: c.leakySlope };
    const theta = Float64Array.from(c.theta);
    for (const kind of ['dense', 'sparse'] as const) {
      const g = c[kind];
      const X = flat(g.X);
      const Y = flat(g.Y);
      const m = g.X.length;
      const K = c.layers[c.layers.length - 1];
      const rows = Uint32Array.from(g.rows);

      test(`${c.name}, ${kind} X: cost, gradient and outputs (sync)`, () => {
        const net = new NativeNetwork(c.layers, X, Y, m, activations);
        const grad = new Float64Array(net.parameterCount);
        expect(ref.relativeError(net.costGradient(theta, c.lambda, grad), g.cost)).toBeLessThanOrEqual(TOLERANCE);
        expectGradient(grad, g.gradient, g.gradientScale);
        expect(ref.relativeError(net.costGradient(theta, c.lambda, grad, rows), g.batch.cost)).toBeLessThanOrEqual(TOLERANCE);
        expectGradient(grad, g.batch.gradient, g.batch.gradientScale);
        const h = new Float64Array(m * K);
        net.feedForward(theta, h);
        expect(ref.maxRelativeError(h, flat(g.h))).toBeLessThanOrEqual(TOLERANCE);
        h.fill(0);
        predict(c.layers, theta, X, m, h, activations);
        expect(ref.maxRelativeError(h, flat(g.h))).toBeLessThanOrEqual(TOLERANCE);
        net.dispose();
      });

      test(`${c.name}, ${kind} X: cost, gradient and outputs (async)`, async () => {
        const net = new NativeNetwork(c.layers, X, Y, m, activations);
        const grad = new Float64Array(net.parameterCount);
        expect(ref.relativeError(await net.costGradientAsync(theta, c.lambda, grad), g.cost)).toBeLessThanOrEqual(TOLERANCE);
        expectGradient(grad, g.gradient, g.gradientScale);
        const batchCost = await net.costGradientAsync(theta, c.lambda, grad, rows);
        expect(ref.relativeError(batchCost, g.batch.cost)).toBeLessThanOrEqual(TOLERANCE);
        expectGradient(grad, g.batch.gradient, g.batch.gradientScale);
        const h = new Float64Array(m * K);
        await predictAsync(c.layers, theta, X, m, h, activations);
        expect(ref.maxRelativeError(h, flat(g.h))).toBeLessThanOrEqual(TOLERANCE);
        net.dispose();
      });
    }
  }

  test('softmax outputs sum to 1 in every row', () => {
    for (const c of golden.cases.filter((k) => k.output === 'softmax')) {
      const X = flat(c.dense.X);
      const m = c.dense.X.length;
      const K = c.layers[c.layers.length - 1];
      const h = new Float64Array(m * K);
      predict(c.layers, Float64Array.from(c.theta), X, m, h, { hidden: c.hidden, output: 'softmax', leakySlope: c.leakySlope });
      for (let i = 0; i < m; i++) expect(Math.abs(h.subarray(i * K, (i + 1) * K).reduce((s, v) => s + v, 0) - 1)).toBeLessThan(1e-14);
    }
  });
});

describe('the per-example reference (activation-reference.ts) agrees with PyTorch', () => {
  for (const c of golden.cases) {
    for (const kind of ['dense', 'sparse'] as const) {
      test(`${c.name}, ${kind} X`, () => {
        const g = c[kind];
        const spec = { hidden: c.hidden, output: c.output, leakySlope: c.leakySlope };
        const r = referenceActivations(c.layers, Float64Array.from(c.theta), c.lambda, flat(g.X), flat(g.Y), g.X.length, spec);
        expect(ref.relativeError(r.J, g.cost)).toBeLessThanOrEqual(TOLERANCE);
        expectGradient(r.grad, g.gradient, g.gradientScale);
        expect(ref.maxRelativeError(r.h, flat(g.h))).toBeLessThanOrEqual(TOLERANCE);
      });
    }
  }
});
