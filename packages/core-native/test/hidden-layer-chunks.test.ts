// First hidden layers at the edges of the sparse pass's 32-unit chunks give the seed's cost and gradient. The
// sparse pass keeps the first hidden layer by example (src/sparse_pass.cc): A_1 = g(b + W x) in the rows the
// sparse forward product leaves, layer 2's products reading those rows and writing delta_1 straight into the
// gradient's rows (padded to a multiple of 32 units). Checked against the seed's formulas (reference.ts) where
// that layout has edges: first hidden layers of exactly 32 and 33 units (one chunk full, one unit into a second)
// in networks with more layers after them, several 128-example chunks plus a short last one, every thread count
// giving the same bits, and a minibatch with repeated rows.

import { afterEach, describe, expect, test } from 'vitest';
import { NativeNetwork, getThreads, setThreads } from '../lib/index.js';
import { unavailable } from './native-available.js';
import * as ref from './reference.js';

function run(p: ReturnType<typeof ref.sparseProblem>, lambda: number, rows?: Uint32Array) {
  const net = new NativeNetwork(p.layers, p.X, p.Y, p.m);
  const grad = new Float64Array(net.parameterCount);
  const J = rows === undefined ? net.costGradient(p.theta, lambda, grad) : net.costGradient(p.theta, lambda, grad, rows);
  net.dispose();
  return { J, grad };
}

describe.skipIf(unavailable)('first hidden layers at the edges of the 32-unit chunks give the seed\'s cost and gradient', () => {
  const threadsBefore = unavailable ? 1 : getThreads();
  afterEach(() => setThreads(threadsBefore));

  const shapes: Array<[number[], number]> = [
    [[40, 32, 6, 3], 300], // a full 32-unit chunk, two layers after it; 3 chunks, the last one short
    [[40, 33, 5], 261], // one unit into a second chunk (rows 64 wide)
    [[24, 33, 7, 4, 2], 130], // a second chunk and three layers after it
    [[30, 100, 90, 3], 60], // W_2 too big for the addon's own layer-2 loop (100 x 96 > 8192): OpenBLAS's product
  ];
  for (const [layers, m] of shapes) {
    test(`layers ${layers.join('-')}, m = ${m}: within 1e-12 of the seed, the same bits on 1, 2 and 3 threads`, () => {
      const p = ref.sparseProblem(layers, m, 31 * m + layers.length, 0.35);
      const expected = ref.referenceCostGradient(p.layers, p.theta, 1, p.X, p.Y, p.m);
      const results = [1, 2, 3].map((threads) => {
        setThreads(threads);
        return run(p, 1);
      });
      for (const r of results) {
        expect(ref.relativeError(r.J, expected.J)).toBeLessThanOrEqual(1e-12);
        expect(ref.maxScaledError(r.grad, expected.grad, expected.scale)).toBeLessThanOrEqual(1e-12);
      }
      for (const r of results.slice(1)) {
        expect(r.J).toBe(results[0]!.J);
        expect(Array.from(r.grad)).toEqual(Array.from(results[0]!.grad));
      }
    });
  }

  test('a minibatch with repeated rows on a 33-unit first layer matches the seed on those rows', () => {
    const p = ref.sparseProblem([40, 33, 6, 3], 200, 17, 0.35);
    const rows = Uint32Array.from({ length: 150 }, (_, k) => (k * 37) % 200);
    rows[149] = rows[0]!;
    setThreads(2);
    const native = run(p, 0.5, rows);
    const expected = ref.referenceCostGradient(
      p.layers, p.theta, 0.5, ref.gather(p.X, 40, rows), ref.gather(p.Y, 3, rows), rows.length,
    );
    expect(ref.relativeError(native.J, expected.J)).toBeLessThanOrEqual(1e-12);
    expect(ref.maxScaledError(native.grad, expected.grad, expected.scale)).toBeLessThanOrEqual(1e-12);
  });
});
