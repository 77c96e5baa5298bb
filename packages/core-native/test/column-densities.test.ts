// Inputs of every column density in one network give the seed's cost and gradient: inputs non-zero in at least
// 70% of the examples go through the register-blocked tiles instead of the lists (on CPUs with x86-64-v4;
// elsewhere everything is listed and these tests check the lists on the same data; src/sparse_x.cc,
// src/sparse_products.cc). The data has a spread of column densities (0 .. 100%), with more dense inputs than
// one forward block (160), a partial last tile of 3 examples and layers of 25 and 40 hidden units (two 32-unit
// chunks). Checked against the seed's formulas (reference.ts) to 1e-12, bit for bit across thread counts, for
// minibatches with repeats, for values that are floats exactly (kept as float) and values that are not, and for
// several networks on the same or nearly the same X (src/shared_copies.cc), in this thread and in worker threads.
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, test } from 'vitest';
import { NativeNetwork, getThreads, setThreads } from '../lib/index.js';
import { status, unavailable } from './native-available.js';
import * as ref from './reference.js';

/** X (m x n) whose column c is non-zero with probability c / (n - 1); values exact floats or arbitrary doubles. */
function graded(layers: number[], m: number, seed: number, floats: boolean) {
  const n = layers[0];
  const rand = ref.prng(seed);
  const X = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let c = 0; c < n; c++) {
      if (rand() >= c / (n - 1)) continue;
      const v = rand() * 2 - 0.5;
      X[i * n + c] = floats ? Math.round(v * 1024) / 1024 || 1 / 1024 : v;
    }
  }
  const Y = ref.oneHot(rand, m, layers[layers.length - 1]);
  const theta = ref.uniform(rand, ref.parameterCount(layers), -0.6, 0.6);
  return { layers, m, X, Y, theta };
}

type Problem = ReturnType<typeof graded>;

function run(net: NativeNetwork, p: Problem, lambda: number, rows?: Uint32Array) {
  const grad = new Float64Array(net.parameterCount);
  return { J: net.costGradient(p.theta, lambda, grad, rows), grad };
}

function expectSeed(result: { J: number; grad: Float64Array }, p: Problem, lambda: number, rows?: Uint32Array) {
  const s0 = p.layers[0], K = p.layers[p.layers.length - 1];
  const expected = rows
    ? ref.referenceCostGradient(p.layers, p.theta, lambda, ref.gather(p.X, s0, rows), ref.gather(p.Y, K, rows), rows.length)
    : ref.referenceCostGradient(p.layers, p.theta, lambda, p.X, p.Y, p.m);
  expect(ref.relativeError(result.J, expected.J)).toBeLessThanOrEqual(1e-12);
  expect(ref.maxScaledError(result.grad, expected.grad, expected.scale)).toBeLessThanOrEqual(1e-12);
}

describe.skipIf(unavailable)('inputs of every column density (dense tiles and lists) give the seed\'s cost and gradient', () => {
  const threadsBefore = unavailable ? 1 : getThreads();
  afterEach(() => setThreads(threadsBefore));

  const shapes: Array<[number[], number]> = [
    [[600, 25, 10], 301], // ~180 dense inputs (two forward blocks of 160), 100 tiles + 1 example, 4 example blocks
    [[60, 40, 6], 200], // two 32-unit chunks, 200 = 66 tiles + 2
    [[30, 7, 5, 3], 97], // a narrow first layer, two hidden layers
  ];
  for (const floats of [true, false]) {
    for (const [layers, m] of shapes) {
      test(`layers ${layers.join('-')}, m = ${m}, ${floats ? 'float' : 'double'} values: seed to 1e-12, same bits for 1-3 threads`, () => {
        const p = graded(layers, m, m * 31 + layers[1], floats);
        const net = new NativeNetwork(p.layers, p.X, p.Y, p.m);
        const results = [1, 2, 3, 2].map((threads) => {
          setThreads(threads);
          return run(net, p, 0.9);
        });
        net.dispose();
        expectSeed(results[0], p, 0.9);
        for (const r of results.slice(1)) {
          expect(r.J).toBe(results[0].J);
          expect(Array.from(r.grad)).toEqual(Array.from(results[0].grad));
        }
      });
    }
  }

  test('minibatches with repeats (partial tiles) between full-batch calls', () => {
    const p = graded([200, 25, 10], 260, 5, true);
    const net = new NativeNetwork(p.layers, p.X, p.Y, p.m);
    const rand = ref.prng(77);
    for (const count of [128, 7, 1, 260]) {
      const rows = Uint32Array.from({ length: count }, () => Math.floor(rand() * p.m));
      expectSeed(run(net, p, 1, rows), p, 1, rows);
      expectSeed(run(net, p, 1), p, 1);
    }
    net.dispose();
  });

  test('networks on the same X share one copy; a network on an X one value apart gets its own', () => {
    const p = graded([120, 25, 10], 150, 8, true);
    const a = new NativeNetwork(p.layers, p.X, p.Y, p.m);
    const b = new NativeNetwork(p.layers, p.X.slice(), p.Y, p.m); // same values, another buffer
    const changed = { ...p, X: p.X.slice() };
    const at = 37 * 120 + 119; // a dense input (column 119 is non-zero almost everywhere)
    changed.X[at] = changed.X[at] === 0.5 ? 0.25 : 0.5;
    const c = new NativeNetwork(changed.layers, changed.X, changed.Y, changed.m);
    const negativeZero = { ...p, X: p.X.map((v) => (v === 0 ? -0 : v)) }; // -0 and +0 are the same zeros
    const d = new NativeNetwork(negativeZero.layers, negativeZero.X, negativeZero.Y, negativeZero.m);
    const ra = run(a, p, 0.5);
    expectSeed(ra, p, 0.5);
    a.dispose(); // b still holds the shared copy
    const rb = run(b, p, 0.5);
    expect(rb.J).toBe(ra.J);
    expect(Array.from(rb.grad)).toEqual(Array.from(ra.grad));
    expectSeed(run(c, changed, 0.5), changed, 0.5);
    expectSeed(run(d, negativeZero, 0.5), negativeZero, 0.5);
    b.dispose();
    c.dispose();
    d.dispose();
    // After every holder is gone, a new network on the same X builds the copy again.
    const e = new NativeNetwork(p.layers, p.X, p.Y, p.m);
    const re = run(e, p, 0.5);
    expect(re.J).toBe(ra.J);
    e.dispose();
  });

  test('worker threads building networks on the same X at once all get the seed', async () => {
    const p = graded([200, 25, 10], 180, 12, true);
    const source = `
      const { parentPort, workerData } = require('node:worker_threads');
      const { createRequire } = require('node:module');
      const native = createRequire(workerData.path)(workerData.path);
      const { layers, X, Y, m, theta } = workerData;
      const out = [];
      for (let k = 0; k < 3; k++) {
        const net = new native.NativeNetwork(layers, X, Y, m);
        const grad = new Float64Array(net.parameterCount);
        out.push({ J: net.costGradient(theta, 1, grad), grad });
        if (k !== 1) net.dispose(); // one left to the worker's exit
      }
      parentPort.postMessage(out);
    `;
    const runWorker = () =>
      new Promise<Array<{ J: number; grad: Float64Array }>>((resolve, reject) => {
        const worker = new Worker(source, { eval: true, workerData: { path: status.path, ...p } });
        worker.once('message', resolve);
        worker.once('error', reject);
        worker.once('exit', (code) => {
          if (code !== 0) reject(new Error(`worker exited with code ${code}`));
        });
      });
    const main = new NativeNetwork(p.layers, p.X, p.Y, p.m);
    const results = await Promise.all([runWorker(), runWorker(), runWorker()]);
    const own = run(main, p, 1);
    main.dispose();
    expectSeed(own, p, 1);
    for (const r of results.flat()) {
      expect(r.J).toBe(own.J);
      expect(Array.from(r.grad)).toEqual(Array.from(own.grad));
    }
  });
});
