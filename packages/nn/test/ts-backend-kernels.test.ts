import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { TsNetwork, type TsNetworkOptions } from '../src/backend/ts/network.js';
import { ShardPool } from '../src/backend/ts/pool.js';
import { getTsThreads, resetTsThreads, setTsThreads } from '../src/backend/ts/threads.js';
import { tsBackend } from '../src/backend/ts/index.js';
import { backendInfo, bindNetwork, oneHot, randomInit, Rng, type Matrix } from '../src/index.js';
import { fixture, gradRelErr, loadGolden, maxRelErr, rowsToMatrix } from './helpers.js';

interface GoldenCase {
  name: string;
  layers: number[];
  lambda: number;
  X: number[][];
  Y: number[][];
  theta: number[];
  cost: number;
  gradient: number[];
  h?: number[][];
}

/** scripts/ref/ts_backend_golden.py: numpy cost and gradient for widths 1 and 64 (25 is ex4 in golden-cost.json). */
const golden = JSON.parse(readFileSync(fixture('ts-backend-golden.json'), 'utf8')) as { cases: GoldenCase[] };

function ex4Case(lambda: 0 | 1): GoldenCase {
  const g = loadGolden().ex4;
  const Y = Array.from(oneHot(Int32Array.from(g.y), 10).data);
  const rows: number[][] = [];
  for (let i = 0; i < g.y.length; i++) rows.push(Y.slice(i * 10, i * 10 + 10));
  return {
    name: `t = 25: ex4 weights, λ = ${lambda}`,
    layers: g.layers,
    lambda,
    X: g.X,
    Y: rows,
    theta: g.theta,
    cost: lambda === 0 ? g.cost : g.regCost1,
    gradient: lambda === 0 ? g.gradient : g.regGradient1,
  };
}

const cases: GoldenCase[] = [ex4Case(0), ex4Case(1), ...golden.cases];

function evaluate(c: GoldenCase, options: TsNetworkOptions, rows?: Uint32Array): { J: number; grad: Float64Array } {
  const net = new TsNetwork(c.layers, rowsToMatrix(c.X), rowsToMatrix(c.Y), options);
  try {
    const grad = new Float64Array(net.parameterCount);
    const J = net.costGradient(Float64Array.from(c.theta), c.lambda, grad, rows);
    return { J, grad };
  } finally {
    net.dispose();
  }
}

/** Many shards and sub-blocks on tiny data: every cut and carry between them is exercised. */
const finePlan = { shardWork: 2000, blockRows: 5 };

describe('kernels = numpy', () => {
  it('the fixtures cover hidden and output widths 1, 25 and 64', () => {
    const widths = new Set(cases.flatMap((c) => c.layers.slice(1)));
    for (const t of [1, 25, 64]) expect(widths.has(t)).toBe(true);
  });

  describe.each(cases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    for (const plan of [{}, finePlan]) {
      const label = plan === finePlan ? 'many shards and sub-blocks' : 'default plan';
      it(`${label}: = numpy`, () => {
        const gen = evaluate(c, { plan });
        expect(Math.abs(gen.J - c.cost) / c.cost).toBeLessThan(1e-13);
        expect(maxRelErr(gen.grad, c.gradient, 1e-12)).toBeLessThan(1e-9);
        expect(gradRelErr(gen.grad, c.gradient)).toBeLessThan(1e-12);
      });
    }

    it('a minibatch of rows = numpy on those rows', () => {
      const m = c.X.length;
      const pick = Uint32Array.from({ length: Math.ceil(m / 2) }, (_, i) => (i * 7 + 3) % m);
      const sub: GoldenCase = { ...c, X: Array.from(pick, (r) => c.X[r]), Y: Array.from(pick, (r) => c.Y[r]) };
      const whole = evaluate(sub, {});
      const part = evaluate(c, { plan: finePlan }, pick);
      expect(Math.abs(part.J - whole.J) / whole.J).toBeLessThan(1e-13);
      expect(gradRelErr(part.grad, whole.grad)).toBeLessThan(1e-12);
    });

    it('rows = every row in order gives the full-batch result bit for bit', () => {
      const all = Uint32Array.from({ length: c.X.length }, (_, i) => i);
      for (const plan of [{}, finePlan]) {
        const full = evaluate(c, { plan });
        const rows = evaluate(c, { plan }, all);
        expect(rows.J).toBe(full.J);
        expect(Array.from(rows.grad)).toEqual(Array.from(full.grad));
      }
    });
  });

  it.each(golden.cases.map((c) => [c.name, c] as const))('predict (%s) = numpy feed-forward', (_, c) => {
    const h = tsBackend.predict(c.layers, Float64Array.from(c.theta), rowsToMatrix(c.X));
    const ref = rowsToMatrix(c.h as number[][]);
    expect([h.rows, h.cols]).toEqual([ref.rows, ref.cols]);
    expect(maxRelErr(h.data, ref.data, 1e-300)).toBeLessThan(1e-13);
  });

  it('compressed columns beyond 65 536 inputs (32-bit indices) agree with finite differences', () => {
    const n = 70_000;
    const layers = [n, 1, 2];
    const rng = new Rng(5);
    const X: Matrix = { rows: 3, cols: n, data: new Float64Array(3 * n) };
    for (let i = 0; i < X.data.length; i++) if (rng.next() < 0.001) X.data[i] = rng.uniform(-1, 1);
    X.data[n - 1] = 0.75; // the last column, whose index needs the 32 bits
    const Y = oneHot(Int32Array.of(1, 2, 2), 2);
    const theta = randomInit(layers, { range: 0.5, seed: 2 });
    const grad = new Float64Array(theta.length);
    const J = new TsNetwork(layers, X, Y).costGradient(theta, 0.5, grad);
    const net = new TsNetwork(layers, X, Y);
    const scratch = new Float64Array(theta.length);
    const firstNonZero = 1 + X.data.findIndex((v) => v !== 0);
    // Θ1 is 1 × (n+1) (bias at 0, the last column's weight at n), Θ2 is 2 × 2 at n+1..n+4.
    for (const at of [0, firstNonZero, n, n + 1, n + 2, n + 3, n + 4]) {
      const h = 1e-6;
      const tp = Float64Array.from(theta);
      const tm = Float64Array.from(theta);
      tp[at] += h;
      tm[at] -= h;
      const fd = (net.costGradient(tp, 0.5, scratch) - net.costGradient(tm, 0.5, scratch)) / (2 * h);
      expect(Math.abs(fd - grad[at])).toBeLessThan(1e-8 * Math.max(1, Math.abs(J)));
      expect(grad[at]).not.toBe(0);
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Worker threads.

function digitsLike(m: number, n: number, K: number, seed: number): { X: Matrix; Y: Matrix } {
  const rng = new Rng(seed);
  const X = new Float64Array(m * n);
  for (let i = 0; i < X.length; i++) X[i] = rng.next() < 0.54 ? 0 : rng.uniform(-0.1, 1.1);
  const y = new Int32Array(m);
  for (let i = 0; i < m; i++) y[i] = 1 + rng.int(K);
  return { X: { rows: m, cols: n, data: X }, Y: oneHot(y, K) };
}

const layers = [400, 25, 10];
const { X, Y } = digitsLike(1500, 400, 10, 17);
const theta = randomInit(layers, { range: 0.5, seed: 9 });
const sharded: TsNetworkOptions = { threads: 2, minParallelWork: 0 };
const opened: TsNetwork[] = [];
afterAll(() => opened.forEach((n) => n.dispose()));

/** Evaluates until worker threads have taken part (they start in the background after the first evaluation). */
async function withWorkers(
  net: TsNetwork, f: (grad: Float64Array) => number,
): Promise<{ J: number; grad: Float64Array }> {
  const grad = new Float64Array(net.parameterCount);
  f(grad);
  for (let attempt = 0; attempt < 1000; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    const J = f(grad);
    if (net.diagnostics().shardsOnWorkers > 0) return { J, grad };
  }
  throw new Error(`worker threads never took a shard: ${JSON.stringify(net.diagnostics())}`);
}

describe('worker-sharded evaluation', () => {
  it('needs the compiled worker script (npx tsc -b packages/nn)', () => {
    expect(ShardPool.available()).toBe(true);
  });

  it('equals the single-thread evaluation bit for bit', async () => {
    const one = new TsNetwork(layers, X, Y, { threads: 1 });
    const two = new TsNetwork(layers, X, Y, sharded);
    opened.push(one, two);
    const g1 = new Float64Array(one.parameterCount);
    const J1 = one.costGradient(theta, 1, g1);
    const { J: J2, grad: g2 } = await withWorkers(two, (g) => two.costGradient(theta, 1, g));
    expect(one.diagnostics()).toMatchObject({ shardsOnWorkers: 0, workers: 0 });
    expect(two.diagnostics().shards).toBeGreaterThan(1);
    expect(two.diagnostics().workers).toBe(1);
    expect(J2).toBe(J1);
    expect(Array.from(g2)).toEqual(Array.from(g1));
  });

  it('minibatch rows on the sharded network: = single thread, = a network of just those rows', async () => {
    const rng = new Rng(4);
    const rows = Uint32Array.from({ length: 1200 }, () => rng.int(1500)); // with repeats
    const two = new TsNetwork(layers, X, Y, sharded);
    const one = new TsNetwork(layers, X, Y, { threads: 1 });
    opened.push(one, two);
    const { J, grad } = await withWorkers(two, (g) => two.costGradient(theta, 2, g, rows));
    const g1 = new Float64Array(one.parameterCount);
    expect(one.costGradient(theta, 2, g1, rows)).toBe(J);
    expect(Array.from(grad)).toEqual(Array.from(g1));

    const sub: Matrix = { rows: rows.length, cols: 400, data: new Float64Array(rows.length * 400) };
    const Ysub: Matrix = { rows: rows.length, cols: 10, data: new Float64Array(rows.length * 10) };
    rows.forEach((r, i) => {
      sub.data.set(X.data.subarray(r * 400, r * 400 + 400), i * 400);
      Ysub.data.set(Y.data.subarray(r * 10, r * 10 + 10), i * 10);
    });
    const ref = new TsNetwork(layers, sub, Ysub, { threads: 1 });
    const gRef = new Float64Array(ref.parameterCount);
    const Jref = ref.costGradient(theta, 2, gRef);
    ref.dispose();
    expect(Math.abs(J - Jref) / Jref).toBeLessThan(1e-13);
    expect(gradRelErr(grad, gRef)).toBeLessThan(1e-12);
  });

  it('async evaluation runs on the workers and equals sync; a second call meanwhile is ERR_BUSY', async () => {
    const net = new TsNetwork(layers, X, Y, sharded);
    opened.push(net);
    const { J, grad } = await withWorkers(net, (g) => net.costGradient(theta, 1, g));
    const ga = new Float64Array(net.parameterCount);
    const pending = net.costGradientAsync(theta, 1, ga);
    expect(() => net.costGradient(theta, 1, new Float64Array(net.parameterCount))).toThrow(
      expect.objectContaining({ code: 'ERR_BUSY' }),
    );
    await expect(net.costGradientAsync(theta, 1, new Float64Array(net.parameterCount))).rejects.toMatchObject({
      code: 'ERR_BUSY',
    });
    expect(await pending).toBe(J);
    expect(net.diagnostics().shardsOnWorkers).toBe(net.diagnostics().shards);
    expect(Array.from(ga)).toEqual(Array.from(grad));
  });

  it('dispose terminates the workers; later calls fail with ERR_DISPOSED', async () => {
    const net = new TsNetwork(layers, X, Y, sharded);
    await withWorkers(net, (g) => net.costGradient(theta, 1, g));
    expect(net.diagnostics().workers).toBe(1);
    net.dispose();
    let timer: NodeJS.Timeout | undefined;
    const exited = await Promise.race([
      net.workersExited().then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), 10_000))),
    ]);
    clearTimeout(timer);
    expect(exited).toBe(true);
    expect(net.diagnostics().workers).toBe(0);
    expect(() => net.costGradient(theta, 1, new Float64Array(net.parameterCount))).toThrow(
      expect.objectContaining({ code: 'ERR_DISPOSED' }),
    );
  });

  it('dispose during an async call waits for it, then terminates the workers', async () => {
    const net = new TsNetwork(layers, X, Y, sharded);
    const { J } = await withWorkers(net, (g) => net.costGradient(theta, 1, g));
    const pending = net.costGradientAsync(theta, 1, new Float64Array(net.parameterCount));
    net.dispose();
    expect(await pending).toBe(J);
    await net.workersExited();
    expect(net.diagnostics().workers).toBe(0);
  });

  it('a worker that dies is survived: one warning, the main thread carries on, same result', async () => {
    const net = new TsNetwork(layers, X, Y, sharded);
    opened.push(net);
    const { J, grad } = await withWorkers(net, (g) => net.costGradient(theta, 1, g));
    const pool = (net as unknown as { pool: { workers: { terminate(): Promise<number> }[] } }).pool;
    const warned = new Promise<Error>((resolve) => process.once('warning', resolve));
    await pool.workers[0].terminate();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const g = new Float64Array(net.parameterCount);
    expect(net.costGradient(theta, 1, g)).toBe(J);
    expect(Array.from(g)).toEqual(Array.from(grad));
    expect(net.diagnostics()).toMatchObject({ workers: 0, shardsOnWorkers: 0 });
    expect(net.diagnostics().reason).toMatch(/shard worker 0 exited unexpectedly/);
    expect(await warned).toMatchObject({ code: 'BACKPROP_TS_WORKERS' });
  });

  it('setThreads between evaluations parks and wakes the workers; results never change', async () => {
    setTsThreads(2);
    const net = new TsNetwork(layers, X, Y, { minParallelWork: 0 });
    opened.push(net);
    const { J, grad } = await withWorkers(net, (g) => net.costGradient(theta, 1, g));
    setTsThreads(1);
    const g1 = new Float64Array(net.parameterCount);
    expect(net.costGradient(theta, 1, g1)).toBe(J);
    // Parking is asynchronous (a worker finishes what it claimed, then sleeps): from the next evaluation on, the
    // calling thread computes every shard.
    const g1b = new Float64Array(net.parameterCount);
    expect(net.costGradient(theta, 1, g1b)).toBe(J);
    expect(net.diagnostics()).toMatchObject({ workers: 0, shardsOnWorkers: 0 });
    expect(Array.from(g1b)).toEqual(Array.from(grad));
    setTsThreads(2);
    const again = await withWorkers(net, (g) => net.costGradient(theta, 1, g));
    expect(net.diagnostics().workers).toBe(1);
    expect(again.J).toBe(J);
    expect(Array.from(again.grad)).toEqual(Array.from(grad));
    expect(Array.from(g1)).toEqual(Array.from(grad));
    resetTsThreads();
  });

  it('a one-shot evaluation and small jobs never start a worker', () => {
    const net = new TsNetwork(layers, X, Y, { threads: 2 });
    opened.push(net);
    const g = new Float64Array(net.parameterCount);
    net.costGradient(theta, 1, g);
    expect(net.diagnostics().workers).toBe(0);
    const small = new TsNetwork([400, 25, 10], digitsLike(40, 400, 10, 3).X, digitsLike(40, 400, 10, 3).Y, { threads: 4 });
    opened.push(small);
    small.costGradient(theta, 1, g);
    small.costGradient(theta, 1, g);
    expect(small.diagnostics()).toMatchObject({ shards: 1, workers: 0 });
  });
});

describe('threads setting and argument checks', () => {
  it('setThreads / getThreads validate and round-trip; BACKPROP_TS_THREADS sets the default', () => {
    const saved = process.env.BACKPROP_TS_THREADS;
    resetTsThreads();
    try {
      process.env.BACKPROP_TS_THREADS = '3';
      expect(getTsThreads()).toBe(3);
      process.env.BACKPROP_TS_THREADS = 'two';
      expect(() => getTsThreads()).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
      expect(() => getTsThreads()).toThrow(/BACKPROP_TS_THREADS.*"two"/);
      process.env.BACKPROP_TS_THREADS = '0';
      expect(() => getTsThreads()).toThrow(/BACKPROP_TS_THREADS: expected an integer from 1 to 1024, got "0"/);
      for (const bad of [0, 1.5, -1, 1025, Number.NaN]) {
        expect(() => tsBackend.setThreads(bad)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
      }
      tsBackend.setThreads(64);
      expect(tsBackend.getThreads()).toBe(64);
      tsBackend.setThreads(2);
      expect(tsBackend.getThreads()).toBe(2);
      setTsThreads(1);
      expect(getTsThreads()).toBe(1);
      resetTsThreads();
      delete process.env.BACKPROP_TS_THREADS;
      expect(getTsThreads()).toBe(Math.min(16, availableParallelism()));
    } finally {
      if (saved === undefined) delete process.env.BACKPROP_TS_THREADS;
      else process.env.BACKPROP_TS_THREADS = saved;
    }
  });

  it('bad arguments are typed errors naming the argument, expected and received', () => {
    const net = new TsNetwork(layers, X, Y, { threads: 1 });
    opened.push(net);
    const P = net.parameterCount;
    const g = new Float64Array(P);
    expect(() => net.costGradient(new Float64Array(3), 1, g)).toThrow(
      `theta: expected Float64Array of length ${P}, got Float64Array of length 3`,
    );
    expect(() => net.costGradient(theta, 1, new Float32Array(P) as unknown as Float64Array)).toThrow(
      expect.objectContaining({ code: 'ERR_SHAPE', message: expect.stringMatching(/^grad: .*Float32Array/) }),
    );
    expect(() => net.costGradient(theta, -1, g)).toThrow(/lambda: expected a finite number ≥ 0, got -1/);
    expect(() => net.costGradient(theta, 1, theta)).toThrow(/grad: expected memory disjoint from theta/);
    expect(() => net.costGradient(theta, 1, g, Uint32Array.of(0, 1500))).toThrow(
      /rows: expected row indices < 1500, got 1500 at index 1/,
    );
    expect(() => net.costGradient(theta, 1, g, new Uint32Array(0))).toThrow(/rows: expected Uint32Array of length 1\.\.1500/);
    expect(() => new TsNetwork(layers, X, Y, { threads: 0 })).toThrow(/threads: expected an integer from 1 to 1024/);
    expect(() => new TsNetwork(layers, X, Y, { plan: { blockRows: 0 } })).toThrow(/plan\.blockRows/);
  });
});

describe.skipIf(!backendInfo().nativeAvailable)('sharded ts network agrees with native', () => {
  it('full batch and minibatch to 1e-12', async () => {
    const rows = Uint32Array.from({ length: 900 }, (_, i) => (i * 13) % 1500);
    const nat = bindNetwork(X, Y, { layers, backend: 'native' });
    const net = new TsNetwork(layers, X, Y, sharded);
    opened.push(net);
    for (const r of [undefined, rows]) {
      const gn = new Float64Array(nat.parameterCount);
      const Jn = nat.costGradient(theta, 1, gn, r);
      const { J, grad } = await withWorkers(net, (g) => net.costGradient(theta, 1, g, r));
      expect(Math.abs(J - Jn) / Jn).toBeLessThan(1e-12);
      expect(gradRelErr(grad, gn)).toBeLessThan(1e-12);
    }
    nat.dispose();
  });
});

describe('where code generation from strings is disallowed', () => {
  it('the ts backend evaluates and predicts (it compiles nothing)', () => {
    // Widths no other test here uses (7 hidden, 3 outputs), so nothing compiled earlier can serve.
    const layers = [6, 7, 3];
    const rng = new Rng(21);
    const X: Matrix = { rows: 30, cols: 6, data: Float64Array.from({ length: 180 }, () => (rng.next() < 0.4 ? 0 : rng.normal())) };
    const Y = oneHot(Int32Array.from({ length: 30 }, () => 1 + rng.int(3)), 3);
    const theta = randomInit(layers, { range: 0.5, seed: 4 });
    const run = () => {
      const net = new TsNetwork(layers, X, Y, { threads: 1 });
      const grad = new Float64Array(net.parameterCount);
      const J = net.costGradient(theta, 0.5, grad);
      net.dispose();
      return { J, grad, h: tsBackend.predict(layers, theta, X).data };
    };
    // What node --disallow-code-generation-from-strings does to `new Function`.
    vi.stubGlobal('Function', function () {
      throw new EvalError('Code generation from strings disallowed for this context');
    });
    let disallowed;
    try {
      disallowed = run();
    } finally {
      vi.unstubAllGlobals();
    }
    const allowed = run();
    expect(disallowed.J).toBe(allowed.J);
    expect(Array.from(disallowed.grad)).toEqual(Array.from(allowed.grad));
    expect(Array.from(disallowed.h)).toEqual(Array.from(allowed.h));
    expect(Number.isFinite(allowed.J) && allowed.J > 0).toBe(true);
  });
});
