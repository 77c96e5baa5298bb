// Minibatches give the seed's cost and gradient on their rows: through the sparse first layer
// (src/sparse_minibatch.cc) a batch's rows are gathered from the resident sparse copy, repeats included, and the
// pass runs over them in the batch's order. Checked against the seed's formulas (reference.ts) on the batch's
// rows, across thread counts (bit for bit), interleaved with full-batch calls and async calls on the same
// network, and with a NaN weight (where the dense products must run instead).

import { afterEach, describe, expect, test } from 'vitest';
import { NativeNetwork, getThreads, setThreads } from '../lib/index.js';
import { unavailable } from './native-available.js';
import * as ref from './reference.js';

const { sparseProblem } = ref;

type Problem = ReturnType<typeof sparseProblem>;

function expectedOn(p: Problem, rows: Uint32Array, lambda: number, theta = p.theta) {
  const s0 = p.layers[0], K = p.layers[p.layers.length - 1];
  return ref.referenceCostGradient(p.layers, theta, lambda, ref.gather(p.X, s0, rows), ref.gather(p.Y, K, rows), rows.length);
}

/** `count` rows drawn with replacement (so with repeats) from [0, m). */
function drawRows(m: number, count: number, seed: number): Uint32Array {
  const rand = ref.prng(seed);
  return Uint32Array.from({ length: count }, () => Math.floor(rand() * m));
}

describe.skipIf(unavailable)('minibatches, repeats included, give the seed\'s cost and gradient on their rows to 1e-12', () => {
  const threadsBefore = unavailable ? 1 : getThreads();
  afterEach(() => setThreads(threadsBefore));

  const cases: Array<{ layers: number[]; m: number; density: number; rows: Uint32Array; what: string }> = [
    { layers: [400, 25, 10], m: 300, density: 0.46, rows: drawRows(300, 128, 1), what: 'batch of 128 with repeats' },
    { layers: [7, 40, 3], m: 200, density: 0.3, rows: Uint32Array.of(137), what: 'batch of 1' },
    { layers: [50, 9, 3], m: 130, density: 0.35, rows: drawRows(130, 97, 2), what: '97 rows: two example blocks' },
    { layers: [30, 6, 5, 4], m: 97, density: 0.5, rows: drawRows(97, 40, 3), what: 'deeper' },
    { layers: [5, 3], m: 20, density: 0.4, rows: drawRows(20, 9, 4), what: 'no hidden layer' },
    { layers: [20, 300, 40], m: 90, density: 0.2, rows: drawRows(90, 50, 5), what: 'wide layers: several chunks' },
    { layers: [12, 5, 3], m: 30, density: 0.3, rows: new Uint32Array(30).fill(7), what: 'one row 30 times' },
    {
      layers: [100, 33, 4], m: 150, density: 0.25,
      rows: Uint32Array.from({ length: 150 }, (_, i) => (i * 67) % 150), what: 'every row, permuted',
    },
  ];
  for (const { layers, m, density, rows, what } of cases) {
    test(`layers ${layers.join('-')}, m = ${m}, ${what}`, () => {
      const p = sparseProblem(layers, m, layers.length * 7919 + m, density);
      const net = new NativeNetwork(p.layers, p.X, p.Y, p.m);
      const grad = new Float64Array(net.parameterCount);
      for (const lambda of [0, 1.5]) {
        const expected = expectedOn(p, rows, lambda);
        let first: { J: number; grad: number[] } | undefined;
        for (const threads of [1, 2, 3]) {
          setThreads(threads);
          const J = net.costGradient(p.theta, lambda, grad, rows);
          expect(ref.relativeError(J, expected.J)).toBeLessThanOrEqual(1e-12);
          expect(ref.maxScaledError(grad, expected.grad, expected.scale)).toBeLessThanOrEqual(1e-12);
          first ??= { J, grad: Array.from(grad) };
          expect(J).toBe(first.J); // the same bits on any number of threads
          expect(Array.from(grad)).toEqual(first.grad);
        }
      }
      net.dispose();
    });
  }

  test('minibatch, full batch and async calls interleaved on one network each see their own rows', async () => {
    const p = sparseProblem([60, 20, 5], 180, 21, 0.3);
    const net = new NativeNetwork(p.layers, p.X, p.Y, p.m);
    const grad = new Float64Array(net.parameterCount);
    const all = Uint32Array.from({ length: p.m }, (_, i) => i);
    const big = drawRows(p.m, 150, 8), small = Uint32Array.of(3, 3, 170);
    for (const rows of [big, all, small, big]) {
      const expected = rows === all ? ref.referenceCostGradient(p.layers, p.theta, 1, p.X, p.Y, p.m) : expectedOn(p, rows, 1);
      const J = rows === all ? net.costGradient(p.theta, 1, grad) : net.costGradient(p.theta, 1, grad, rows);
      expect(ref.relativeError(J, expected.J)).toBeLessThanOrEqual(1e-12);
      expect(ref.maxScaledError(grad, expected.grad, expected.scale)).toBeLessThanOrEqual(1e-12);
      const asyncJ = await net.costGradientAsync(p.theta, 1, grad, small);
      const onSmall = expectedOn(p, small, 1);
      expect(ref.relativeError(asyncJ, onSmall.J)).toBeLessThanOrEqual(1e-12);
      expect(ref.maxScaledError(grad, onSmall.grad, onSmall.scale)).toBeLessThanOrEqual(1e-12);
    }
    net.dispose();
  });

  test('a NaN weight in a minibatch gives the NaNs of the dense products (zero inputs are not skipped)', () => {
    const p = sparseProblem([12, 5, 3], 40, 9, 0.3);
    for (let i = 0; i < p.m; i++) p.X[i * 12 + 5] = 0; // input 5 is zero everywhere
    const rows = Uint32Array.of(4, 4, 30, 0);
    const theta = p.theta.slice();
    theta[1 + 5] = Number.NaN; // W1[0, input 5]: the dense product spreads it to every unit-0 activation
    const net = new NativeNetwork(p.layers, p.X, p.Y, p.m);
    const grad = new Float64Array(net.parameterCount);
    const J = net.costGradient(theta, 0, grad, rows);
    net.dispose();
    const expected = expectedOn(p, rows, 0, theta);
    expect(Number.isNaN(J)).toBe(Number.isNaN(expected.J));
    expect(Number.isNaN(J)).toBe(true);
    expect(Array.from(grad, Number.isNaN)).toEqual(Array.from(expected.grad, Number.isNaN));
  });
});
