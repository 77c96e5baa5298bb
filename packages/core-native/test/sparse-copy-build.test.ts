// The sparse copy of X is the same for any number of threads that build it, and networks share one only when
// their X holds the same values. Binding a network builds the copy (src/sparse_x.cc: one scan of X, then one fill
// of its lists and tiles, both split over the network's threads by example blocks) or takes the copy of a live
// network whose X holds the same values (src/shared_copies.cc: found by shape, value type and non-zeros per
// column, then compared value by value). Checked through everything that reads the copy: costGradient over all
// examples and over a minibatch with repeats (both list orders, both tile layouts, the batch gathered from the
// copy) and feedForward (X^T rebuilt from the copy), against the seed's formulas (reference.ts) to 1e-12 and bit
// for bit between copies.
import { afterEach, describe, expect, test } from 'vitest';
import { NativeNetwork, getThreads, setThreads } from '../lib/index.js';
import { unavailable } from './native-available.js';
import * as ref from './reference.js';

/**
 * X (m x n) whose column c is non-zero with probability lo + (hi - lo) c / (n - 1): both dense inputs (>= 70%
 * non-zero, tiles) and listed ones. floats: every value a float exactly (the copy keeps floats), else doubles.
 */
function graded(layers: number[], m: number, seed: number, floats: boolean, lo = 0, hi = 1) {
  const n = layers[0];
  const rand = ref.prng(seed);
  const X = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let c = 0; c < n; c++) {
      if (rand() >= lo + ((hi - lo) * c) / (n - 1)) continue;
      const v = rand() * 2 - 0.5;
      X[i * n + c] = floats ? Math.round(v * 1024) / 1024 || 1 / 1024 : v;
    }
  }
  const Y = ref.oneHot(rand, m, layers[layers.length - 1]);
  const theta = ref.uniform(rand, ref.parameterCount(layers), -0.6, 0.6);
  const rows = Uint32Array.from({ length: Math.min(m, 129) }, () => Math.floor(rand() * m));
  return { layers, m, X, Y, theta, rows };
}

type Problem = ReturnType<typeof graded>;

/** Everything a network computes from its copy of X, on 2 threads. */
function readCopy(net: NativeNetwork, p: Problem) {
  setThreads(2);
  const grad = new Float64Array(net.parameterCount);
  const J = net.costGradient(p.theta, 0.7, grad);
  const batchGrad = new Float64Array(net.parameterCount);
  const batchJ = net.costGradient(p.theta, 0.7, batchGrad, p.rows);
  const h = new Float64Array(p.m * p.layers[p.layers.length - 1]);
  net.feedForward(p.theta, h);
  return { J, grad, batchJ, batchGrad, h };
}

/** A network bound on `threads` threads, read, disposed (so the next one builds its own copy). */
function bindOn(threads: number, p: Problem) {
  setThreads(threads);
  const net = new NativeNetwork(p.layers, p.X, p.Y, p.m);
  try {
    return readCopy(net, p);
  } finally {
    net.dispose();
  }
}

function expectSeed(r: ReturnType<typeof readCopy>, p: Problem) {
  const s0 = p.layers[0], K = p.layers[p.layers.length - 1];
  const all = ref.referenceCostGradient(p.layers, p.theta, 0.7, p.X, p.Y, p.m);
  expect(ref.relativeError(r.J, all.J)).toBeLessThanOrEqual(1e-12);
  expect(ref.maxScaledError(r.grad, all.grad, all.scale)).toBeLessThanOrEqual(1e-12);
  const batch = ref.referenceCostGradient(
    p.layers, p.theta, 0.7, ref.gather(p.X, s0, p.rows), ref.gather(p.Y, K, p.rows), p.rows.length,
  );
  expect(ref.relativeError(r.batchJ, batch.J)).toBeLessThanOrEqual(1e-12);
  expect(ref.maxScaledError(r.batchGrad, batch.grad, batch.scale)).toBeLessThanOrEqual(1e-12);
  expect(ref.maxRelativeError(r.h, ref.referencePredict(p.layers, p.theta, p.X, p.m))).toBeLessThanOrEqual(1e-12);
}

function expectSameBits(a: ReturnType<typeof readCopy>, b: ReturnType<typeof readCopy>) {
  expect(b.J).toBe(a.J);
  expect(b.batchJ).toBe(a.batchJ);
  expect(Array.from(b.grad)).toEqual(Array.from(a.grad));
  expect(Array.from(b.batchGrad)).toEqual(Array.from(a.batchGrad));
  expect(Array.from(b.h)).toEqual(Array.from(a.h));
}

describe.skipIf(unavailable)('the sparse copy of X: the same for any number of building threads, shared only by equal X', () => {
  const threadsBefore = unavailable ? 1 : getThreads();
  afterEach(() => setThreads(threadsBefore));

  const problems: Array<[string, () => Problem]> = [
    // ~180 dense inputs (two forward blocks), ~420 listed (three input blocks), 4 example blocks, a partial tile
    ['600-25-10, m = 301, floats', () => graded([600, 25, 10], 301, 11, true)],
    ['600-25-10, m = 301, doubles', () => graded([600, 25, 10], 301, 12, false)],
    // MNIST-like: wide and sparse (few or no dense inputs), five input blocks, doubles
    ['784-25-10, m = 200, 0-40% non-zero, doubles', () => graded([784, 25, 10], 200, 13, false, 0, 0.4)],
    // more example blocks than the threads split evenly (7 blocks of 96 over 2 and 3 threads), a short last one
    ['60-40-6, m = 650, floats', () => graded([60, 40, 6], 650, 14, true)],
    // a partial last dense group, two hidden layers
    ['30-7-5-3, m = 97, floats', () => graded([30, 7, 5, 3], 97, 15, true)],
    // fewer examples than a tile
    ['12-5-3, m = 2, doubles', () => graded([12, 5, 3], 2, 16, false)],
  ];
  for (const [name, make] of problems) {
    test(`${name}: built on 1, 2 or 3 threads, the same bits, the seed's values`, () => {
      const p = make();
      const [one, two, three] = [1, 2, 3].map((threads) => bindOn(threads, p));
      expectSeed(one, p);
      expectSameBits(one, two);
      expectSameBits(one, three);
    });
  }

  test('networks alive together share a copy only when their X holds the same values', () => {
    const p = graded([400, 25, 10], 300, 21, true);
    const n = p.layers[0];
    // Same shape, zeros and non-zeros per column as p (what the search compares first), other values:
    const nonZeroIn = (c: number, fromRow: number) => {
      for (let i = fromRow; i < p.m; i++) if (p.X[i * n + c] !== 0) return i * n + c;
      throw new Error(`column ${c} has no non-zero from row ${fromRow}`);
    };
    const variant = (at: number[]) => {
      const X = p.X.slice();
      for (const k of at) X[k] = X[k] === 0.5 ? 0.25 : 0.5;
      return { ...p, X };
    };
    const listedValue = variant([nonZeroIn(40, 0)]); // a listed input (column 40: ~10% non-zero), first rows
    const denseValue = variant([nonZeroIn(n - 1, p.m - 5)]); // a dense input, last rows: found late in the comparison
    const scaled = { ...p, X: p.X.map((v) => v * 2) }; // every value, exactly (floats stay floats)
    const negativeZeros = { ...p, X: p.X.map((v) => (v === 0 ? -0 : v)) }; // the same values: -0 is a zero

    setThreads(1);
    const a = new NativeNetwork(p.layers, p.X, p.Y, p.m);
    setThreads(3);
    const b = new NativeNetwork(p.layers, p.X.slice(), p.Y, p.m); // another buffer, the same values: a's copy
    const others = [listedValue, denseValue, scaled, negativeZeros].map((q) => ({
      q,
      net: new NativeNetwork(q.layers, q.X, q.Y, q.m),
    }));
    const ra = readCopy(a, p);
    expectSeed(ra, p);
    a.dispose(); // b keeps the copy alive
    const rb = readCopy(b, p);
    expectSameBits(ra, rb);
    for (const { q, net } of others) {
      expectSeed(readCopy(net, q), q);
      net.dispose();
    }
    b.dispose();
    // Every holder gone: the next network builds the copy again (here on 2 threads).
    expectSameBits(ra, bindOn(2, p));
  });
});
