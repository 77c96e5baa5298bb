// Results do not depend on the thread count, and a network's threads end with it. The sparse pass after the
// first layer (src/sparse_pass.cc) runs per fixed chunk of 128 examples on a persistent thread pool per network
// (src/thread_pool.cc). Checked against the seed's formulas (reference.ts): one network reused while its thread
// count goes up and down (the pool grows, then runs regions on fewer of its threads), bit-identical results for
// 1 to 4 threads on shapes whose last chunk is partial, async = sync through the pool from a libuv thread, and a
// process that never disposes a threaded network still exits.
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, test } from 'vitest';
import { NativeNetwork, getThreads, setThreads } from '../lib/index.js';
import { status, unavailable } from './native-available.js';
import * as ref from './reference.js';

const { sparseProblem } = ref;

describe.skipIf(unavailable)('results do not depend on the thread count, and a network\'s threads end with it', () => {
  const threadsBefore = unavailable ? 1 : getThreads();
  afterEach(() => setThreads(threadsBefore));

  const shapes: Array<[number[], number]> = [
    [[400, 25, 10], 389], // the digits' shape, chunks 128 + 128 + 128 + 5
    [[60, 9, 7, 4], 300], // two hidden layers after the sparse one
    [[33, 40, 6], 257], // two hidden chunks of the sparse loops, a one-example last chunk
    [[12, 5], 129], // no hidden layer
  ];
  for (const [layers, m] of shapes) {
    test(`layers ${layers.join('-')}, m = ${m}: one network, threads 1 -> 4 -> 1, same bits, seed to 1e-12`, () => {
      const p = sparseProblem(layers, m, m + layers.length, 0.4);
      const lambda = 0.7;
      const expected = ref.referenceCostGradient(p.layers, p.theta, lambda, p.X, p.Y, p.m);
      const net = new NativeNetwork(p.layers, p.X, p.Y, p.m);
      const results: Array<{ J: number; grad: Float64Array }> = [];
      for (const threads of [1, 2, 4, 3, 1, 2]) {
        setThreads(threads);
        const grad = new Float64Array(net.parameterCount);
        results.push({ J: net.costGradient(p.theta, lambda, grad), grad });
      }
      net.dispose();
      expect(ref.relativeError(results[0].J, expected.J)).toBeLessThanOrEqual(1e-12);
      expect(ref.maxScaledError(results[0].grad, expected.grad, expected.scale)).toBeLessThanOrEqual(1e-12);
      for (const r of results.slice(1)) {
        expect(r.J).toBe(results[0].J);
        expect(Array.from(r.grad)).toEqual(Array.from(results[0].grad));
      }
    });
  }

  test('tasks are claimed, not assigned: threads that wake late or never get a core leave the bits unchanged', () => {
    // Gaps between calls longer than the pool's spin put its threads to sleep, so each call starts while they are
    // still waking and the caller takes their tasks; 4 threads on this 2-core machine are descheduled often.
    // Two thetas in turn, so a task skipped (stale rows of the previous call) or run twice (sums added twice)
    // shows in the bits.
    const p = sparseProblem([400, 25, 10], 1000, 29, 0.46);
    const thetas = [p.theta, p.theta.map((w, k) => w * (1 + 0.01 * Math.cos(k)))];
    const net = new NativeNetwork(p.layers, p.X, p.Y, p.m);
    setThreads(1);
    const expected = thetas.map((theta) => {
      const grad = new Float64Array(net.parameterCount);
      return { J: net.costGradient(theta, 1, grad), grad };
    });
    expect(expected[1].J).not.toBe(expected[0].J);
    const spin = (us: number) => {
      const until = performance.now() + us / 1000;
      while (performance.now() < until);
    };
    for (const threads of [2, 4]) {
      setThreads(threads);
      for (let call = 0; call < 120; call++) {
        spin([0, 20, 80, 300][call % 4]);
        const grad = new Float64Array(net.parameterCount);
        const want = expected[call % 2];
        expect(net.costGradient(thetas[call % 2], 1, grad)).toBe(want.J);
        expect(Buffer.compare(Buffer.from(grad.buffer), Buffer.from(want.grad.buffer))).toBe(0);
      }
    }
    net.dispose();
  });

  test('costGradientAsync runs the pool from a libuv thread: the same bits as sync, call after call', async () => {
    const p = sparseProblem([400, 25, 10], 300, 17, 0.46);
    setThreads(2);
    const net = new NativeNetwork(p.layers, p.X, p.Y, p.m);
    const sync = new Float64Array(net.parameterCount);
    const J = net.costGradient(p.theta, 1, sync);
    for (let call = 0; call < 5; call++) {
      const grad = new Float64Array(net.parameterCount);
      expect(await net.costGradientAsync(p.theta, 1, grad)).toBe(J);
      expect(Array.from(grad)).toEqual(Array.from(sync));
      const again = new Float64Array(net.parameterCount);
      expect(net.costGradient(p.theta, 1, again)).toBe(J);
    }
    net.dispose();
  });

  test('dispose while an async call is in flight: the job finishes, then the pool is joined', async () => {
    const p = sparseProblem([40, 8, 3], 500, 23, 0.3);
    setThreads(2);
    const expected = ref.referenceCostGradient(p.layers, p.theta, 0, p.X, p.Y, p.m);
    for (let round = 0; round < 20; round++) {
      const net = new NativeNetwork(p.layers, p.X, p.Y, p.m);
      const grad = new Float64Array(net.parameterCount);
      const pending = net.costGradientAsync(p.theta, 0, grad);
      net.dispose();
      expect(ref.relativeError(await pending, expected.J)).toBeLessThanOrEqual(1e-12);
      expect(ref.maxScaledError(grad, expected.grad, expected.scale)).toBeLessThanOrEqual(1e-12);
    }
  });

  test('a process that never disposes a network with pool threads still exits by itself', () => {
    const script = `
      const native = require(${JSON.stringify(status.path)});
      native.setThreads(2);
      const m = 300, n = 50, layers = [n, 6, 3];
      const X = new Float64Array(m * n).map((_, k) => (k % 3 === 0 ? (k % 7) / 7 : 0));
      const Y = new Float64Array(m * 3).map((_, k) => (k % 3 === Math.floor(k / 3) % 3 ? 1 : 0));
      const net = new native.NativeNetwork(layers, X, Y, m);
      const theta = new Float64Array(net.parameterCount).map((_, k) => Math.sin(k));
      const J = net.costGradient(theta, 1, new Float64Array(net.parameterCount));
      console.log(Number.isFinite(J) ? 'finite' : 'not finite');
    `;
    const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 20_000 });
    expect(child.error).toBeUndefined();
    expect(child.status).toBe(0);
    expect(child.stdout.trim()).toBe('finite');
  });
});
