// Skipping zero inputs gives the seed's cost and gradient: the sparse first layer (src/sparse_x.cc,
// src/sparse_products.cc) runs when X has at most 60% non-zeros, like the digits. Checked against the seed's
// formulas (reference.ts) on shapes that cross its blocks (96 inputs / 96 examples) and hidden chunks (32 units,
// summed 4 at a time), for thread-count independence, and for NaN weights (where skipping zeros would differ
// from the dense products if it were not switched off).

import { afterEach, describe, expect, test } from 'vitest';
import { NativeNetwork, getThreads, setThreads } from '../lib/index.js';
import { unavailable } from './native-available.js';
import * as ref from './reference.js';

const { sparseProblem } = ref;

function run(p: ReturnType<typeof sparseProblem>, lambda: number, theta = p.theta) {
  const net = new NativeNetwork(p.layers, p.X, p.Y, p.m);
  const grad = new Float64Array(net.parameterCount);
  const J = net.costGradient(theta, lambda, grad);
  net.dispose();
  return { J, grad };
}

describe.skipIf(unavailable)('skipping zero inputs gives the seed\'s cost and gradient to 1e-12, and is off for non-finite weights', () => {
  const threadsBefore = unavailable ? 1 : getThreads();
  afterEach(() => setThreads(threadsBefore));

  const shapes: Array<[number[], number, number]> = [
    [[400, 25, 10], 150, 0.46], // the digits' shape, two example blocks, five input blocks
    [[7, 40, 3], 200, 0.3], // two hidden chunks (40 > 32)
    [[50, 9, 3], 130, 0.35], // a hidden width that is not a multiple of 4
    [[30, 6, 5, 4], 97, 0.5], // deeper
    [[5, 3], 20, 0.4], // no hidden layer: delta_1 is the output layer's
    [[20, 4, 2], 10, 0.0], // an all-zero X
  ];
  for (const [layers, m, density] of shapes) {
    for (const lambda of [0, 1.5]) {
      test(`layers ${layers.join('-')}, m = ${m}, density ${density}, lambda = ${lambda}`, () => {
        const p = sparseProblem(layers, m, layers.length * 7919 + m, density);
        const expected = ref.referenceCostGradient(p.layers, p.theta, lambda, p.X, p.Y, p.m);
        for (const threads of [1, 2, 3]) {
          setThreads(threads);
          const native = run(p, lambda);
          expect(ref.relativeError(native.J, expected.J)).toBeLessThanOrEqual(1e-12);
          expect(ref.maxScaledError(native.grad, expected.grad, expected.scale)).toBeLessThanOrEqual(1e-12);
        }
      });
    }
  }

  test('the result does not depend on the number of threads (bit for bit)', () => {
    const p = sparseProblem([400, 25, 10], 300, 5, 0.46);
    setThreads(1);
    const one = run(p, 1);
    setThreads(2);
    const two = run(p, 1);
    expect(two.J).toBe(one.J);
    expect(Array.from(two.grad)).toEqual(Array.from(one.grad));
  });

  test('a NaN or infinite weight gives the NaNs of the dense products (zero inputs are not skipped then)', () => {
    // The minibatch path (rows = every example, in order) always runs the dense products: the same arithmetic.
    const p = sparseProblem([12, 5, 3], 40, 9, 0.3);
    for (let i = 0; i < p.m; i++) p.X[i * 12 + 5] = 0; // input 5 is zero everywhere: skipping it changes NaNs
    const all = Uint32Array.from({ length: p.m }, (_, i) => i);
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY]) {
      for (const index of [1 + 5, 13 + 1 + 5, ref.parameterCount([12, 5]) + 2]) { // W1 on input 5 (units 0, 1), W2
        const theta = p.theta.slice();
        theta[index] = bad;
        const net = new NativeNetwork(p.layers, p.X, p.Y, p.m);
        const sparse = new Float64Array(net.parameterCount);
        const dense = new Float64Array(net.parameterCount);
        const J = net.costGradient(theta, 0, sparse);
        const denseJ = net.costGradient(theta, 0, dense, all);
        net.dispose();
        expect(Number.isNaN(J)).toBe(Number.isNaN(denseJ));
        expect(Array.from(sparse, Number.isNaN)).toEqual(Array.from(dense, Number.isNaN));
        expect(Array.from(sparse, Number.isNaN).some(Boolean)).toBe(true);
      }
    }
  });

  test('feedForward on a sparse network: X^T rebuilt from the sparse copy on first need gives the seed\'s h', () => {
    // A sparse network keeps no dense X^T until a pass needs one (TrainingSet::denseX); feedForward is such a
    // pass. Shapes across tiles, lists and input blocks, float-exact and double values.
    for (const [layers, m, density, narrow] of [[[400, 25, 10], 150, 0.46, true], [[200, 7, 3], 101, 0.3, false]] as const) {
      const p = sparseProblem([...layers], m, 77 + m, density);
      if (narrow) for (let k = 0; k < p.X.length; k++) p.X[k] = Math.fround(p.X[k]);
      const net = new NativeNetwork(p.layers, p.X, p.Y, p.m);
      const K = layers[layers.length - 1];
      const out = new Float64Array(m * K);
      net.feedForward(p.theta, out);
      const again = new Float64Array(m * K);
      net.feedForward(p.theta, again); // the second call reuses the copy
      net.dispose();
      const expected = ref.referencePredict(p.layers, p.theta, p.X, p.m);
      expect(ref.maxRelativeError(out, expected)).toBeLessThanOrEqual(1e-12);
      expect(Array.from(again)).toEqual(Array.from(out));
    }
  });

  test('minibatch rows and async on a sparse network match the seed on those rows', async () => {
    const p = sparseProblem([400, 25, 10], 120, 11, 0.46);
    const rows = Uint32Array.from([5, 0, 119, 5, 64, 33]);
    const net = new NativeNetwork(p.layers, p.X, p.Y, p.m);
    const grad = new Float64Array(net.parameterCount);
    const J = net.costGradient(p.theta, 1, grad, rows);
    const expected = ref.referenceCostGradient(p.layers, p.theta, 1, ref.gather(p.X, 400, rows), ref.gather(p.Y, 10, rows), rows.length);
    expect(ref.relativeError(J, expected.J)).toBeLessThanOrEqual(1e-12);
    expect(ref.maxScaledError(grad, expected.grad, expected.scale)).toBeLessThanOrEqual(1e-12);
    const full = ref.referenceCostGradient(p.layers, p.theta, 1, p.X, p.Y, p.m);
    const asyncGrad = new Float64Array(net.parameterCount);
    const asyncJ = await net.costGradientAsync(p.theta, 1, asyncGrad);
    expect(ref.relativeError(asyncJ, full.J)).toBeLessThanOrEqual(1e-12);
    expect(ref.maxScaledError(asyncGrad, full.grad, full.scale)).toBeLessThanOrEqual(1e-12);
    net.dispose();
  });
});
