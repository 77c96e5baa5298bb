// NativeNetwork.costGradient against the seed's formulas (per-example loops in reference.ts), against central
// differences of its own cost, and against itself across minibatch / async / copy semantics.
import { describe, expect, test } from 'vitest';
import { NativeNetwork } from '../lib/index.js';
import { unavailable } from './native-available.js';
import * as ref from './reference.js';

interface Problem {
  layers: number[];
  m: number;
  X: Float64Array;
  Y: Float64Array;
  theta: Float64Array;
}

function problem(layers: number[], m: number, seed: number, weight = 0.8): Problem {
  const rand = ref.prng(seed);
  const X = ref.uniform(rand, m * layers[0], -1, 1);
  const Y = ref.oneHot(rand, m, layers[layers.length - 1]);
  const theta = ref.uniform(rand, ref.parameterCount(layers), -weight, weight);
  return { layers, m, X, Y, theta };
}

function nativeCostGradient(p: Problem, lambda: number, theta = p.theta): { J: number; grad: Float64Array } {
  const net = new NativeNetwork(p.layers, p.X, p.Y, p.m);
  const grad = new Float64Array(net.parameterCount);
  const J = net.costGradient(theta, lambda, grad);
  net.dispose();
  return { J, grad };
}

describe.skipIf(unavailable)('costGradient agrees with the seed to 1e-12', () => {
  const shapes: Array<[number[], number]> = [
    [[3, 5, 3], 7],
    [[400, 25, 10], 20],
    [[7, 6, 5, 4], 11],
    [[6, 2], 9], // no hidden layer
    [[4, 3, 1], 8], // a single output unit
  ];
  for (const [layers, m] of shapes) {
    for (const lambda of [0, 1.5]) {
      test(`layers ${layers.join('-')}, m = ${m}, lambda = ${lambda}`, () => {
        const p = problem(layers, m, layers.length * 1000 + m);
        const native = nativeCostGradient(p, lambda);
        const expected = ref.referenceCostGradient(p.layers, p.theta, lambda, p.X, p.Y, p.m);
        expect(ref.relativeError(native.J, expected.J)).toBeLessThanOrEqual(1e-12);
        expect(ref.maxScaledError(native.grad, expected.grad, expected.scale)).toBeLessThanOrEqual(1e-12);
      });
    }
  }

  test('parameterCount is the sum of layers[l+1] * (layers[l] + 1)', () => {
    const p = problem([400, 25, 10], 2, 1);
    const net = new NativeNetwork(p.layers, p.X, p.Y, p.m);
    expect(net.parameterCount).toBe(25 * 401 + 10 * 26);
    expect(net.layers).toEqual([400, 25, 10]);
    expect(net.m).toBe(2);
  });
});

describe.skipIf(unavailable)('the gradient is the derivative of the cost (central differences)', () => {
  for (const layers of [[3, 4, 2], [4, 3, 3, 2]]) {
    test(`layers ${layers.join('-')}, lambda = 0.7`, () => {
      const p = problem(layers, 6, 77);
      const lambda = 0.7;
      const net = new NativeNetwork(p.layers, p.X, p.Y, p.m);
      const grad = new Float64Array(net.parameterCount);
      const scratch = new Float64Array(net.parameterCount);
      net.costGradient(p.theta, lambda, grad);
      const numeric = new Float64Array(net.parameterCount);
      const e = 1e-5;
      const theta = Float64Array.from(p.theta);
      for (let i = 0; i < theta.length; i++) {
        theta[i] = p.theta[i] + e;
        const plus = net.costGradient(theta, lambda, scratch);
        theta[i] = p.theta[i] - e;
        const minus = net.costGradient(theta, lambda, scratch);
        theta[i] = p.theta[i];
        numeric[i] = (plus - minus) / (2 * e);
      }
      let diff = 0;
      let sum = 0;
      for (let i = 0; i < grad.length; i++) {
        diff += (numeric[i] - grad[i]) ** 2;
        sum += (numeric[i] + grad[i]) ** 2;
      }
      expect(Math.sqrt(diff) / Math.sqrt(sum)).toBeLessThan(1e-9);
    });
  }
});

describe.skipIf(unavailable)('minibatch rows', () => {
  const p = problem([5, 4, 3], 30, 5);
  const rows = new Uint32Array([29, 0, 5, 5, 17, 3]);

  test('equal a network built from just those rows, and the seed on them (m_batch = rows.length)', () => {
    const lambda = 2;
    const net = new NativeNetwork(p.layers, p.X, p.Y, p.m);
    const grad = new Float64Array(net.parameterCount);
    const J = net.costGradient(p.theta, lambda, grad, rows);

    const Xb = ref.gather(p.X, 5, rows);
    const Yb = ref.gather(p.Y, 3, rows);
    const small = nativeCostGradient({ ...p, X: Xb, Y: Yb, m: rows.length }, lambda);
    expect(ref.relativeError(J, small.J)).toBeLessThanOrEqual(1e-13);
    expect(ref.maxRelativeError(grad, small.grad)).toBeLessThanOrEqual(1e-13);

    const expected = ref.referenceCostGradient(p.layers, p.theta, lambda, Xb, Yb, rows.length);
    expect(ref.relativeError(J, expected.J)).toBeLessThanOrEqual(1e-12);
    expect(ref.maxScaledError(grad, expected.grad, expected.scale)).toBeLessThanOrEqual(1e-12);
  });

  test('a full-batch call after a minibatch call is the full-batch result again', () => {
    const net = new NativeNetwork(p.layers, p.X, p.Y, p.m);
    const grad = new Float64Array(net.parameterCount);
    net.costGradient(p.theta, 1, grad, rows);
    const J = net.costGradient(p.theta, 1, grad);
    const expected = ref.referenceCostGradient(p.layers, p.theta, 1, p.X, p.Y, p.m);
    expect(ref.relativeError(J, expected.J)).toBeLessThanOrEqual(1e-12);
    expect(ref.maxScaledError(grad, expected.grad, expected.scale)).toBeLessThanOrEqual(1e-12);
  });
});

describe.skipIf(unavailable)('resident data', () => {
  test('X and Y are copied: changing the caller arrays afterwards changes nothing', () => {
    const p = problem([4, 3, 2], 10, 9);
    const X = Float64Array.from(p.X);
    const Y = Float64Array.from(p.Y);
    const net = new NativeNetwork(p.layers, X, Y, p.m);
    X.fill(123);
    Y.fill(0);
    const grad = new Float64Array(net.parameterCount);
    const J = net.costGradient(p.theta, 0.5, grad);
    const expected = ref.referenceCostGradient(p.layers, p.theta, 0.5, p.X, p.Y, p.m);
    expect(ref.relativeError(J, expected.J)).toBeLessThanOrEqual(1e-12);
    expect(ref.maxScaledError(grad, expected.grad, expected.scale)).toBeLessThanOrEqual(1e-12);
  });

  test('grad is overwritten whatever it held before (NaN included)', () => {
    const p = problem([4, 3, 2], 10, 10);
    const net = new NativeNetwork(p.layers, p.X, p.Y, p.m);
    const grad = new Float64Array(net.parameterCount).fill(Number.NaN);
    net.costGradient(p.theta, 0.5, grad);
    const expected = ref.referenceCostGradient(p.layers, p.theta, 0.5, p.X, p.Y, p.m);
    expect(ref.maxScaledError(grad, expected.grad, expected.scale)).toBeLessThanOrEqual(1e-12);
  });
});

describe.skipIf(unavailable)('no NaN or Infinity', () => {
  test('saturated units (weights x 100) give a finite cost equal to the stable form, and the seed gradient', () => {
    const p = problem([8, 6, 4], 12, 11, 100 * 0.8);
    for (const lambda of [0, 3]) {
      const native = nativeCostGradient(p, lambda);
      expect(Number.isFinite(native.J)).toBe(true);
      expect(native.grad.every(Number.isFinite)).toBe(true);
      const J = ref.referenceStableCost(p.layers, p.theta, lambda, p.X, p.Y, p.m);
      expect(ref.relativeError(native.J, J)).toBeLessThanOrEqual(1e-12);
      // The seed's gradient has no logarithms, so it stays exact for saturated units.
      const expected = ref.referenceCostGradient(p.layers, p.theta, lambda, p.X, p.Y, p.m);
      expect(ref.maxScaledError(native.grad, expected.grad, expected.scale)).toBeLessThanOrEqual(1e-12);
    }
  });

  test('huge lambda', () => {
    const p = problem([5, 4, 3], 10, 12);
    const lambda = 1e12;
    const native = nativeCostGradient(p, lambda);
    expect(Number.isFinite(native.J)).toBe(true);
    expect(native.grad.every(Number.isFinite)).toBe(true);
    const expected = ref.referenceCostGradient(p.layers, p.theta, lambda, p.X, p.Y, p.m);
    expect(ref.relativeError(native.J, expected.J)).toBeLessThanOrEqual(1e-12);
    expect(ref.maxScaledError(native.grad, expected.grad, expected.scale)).toBeLessThanOrEqual(1e-12);
  });
});

describe.skipIf(unavailable)('costGradientAsync', () => {
  const p = problem([20, 8, 5], 40, 13);
  const rows = new Uint32Array([3, 39, 0, 12, 12]);

  test('equals the synchronous result, full batch and minibatch', async () => {
    const net = new NativeNetwork(p.layers, p.X, p.Y, p.m);
    for (const r of [undefined, rows]) {
      const gradSync = new Float64Array(net.parameterCount);
      const gradAsync = new Float64Array(net.parameterCount);
      const J = net.costGradient(p.theta, 0.9, gradSync, r);
      const Jasync = await net.costGradientAsync(p.theta, 0.9, gradAsync, r);
      expect(ref.relativeError(Jasync, J)).toBeLessThanOrEqual(1e-13);
      expect(ref.maxRelativeError(gradAsync, gradSync)).toBeLessThanOrEqual(1e-13);
    }
  });

  test('theta is copied when called: changing it before the promise settles changes nothing', async () => {
    const net = new NativeNetwork(p.layers, p.X, p.Y, p.m);
    const theta = Float64Array.from(p.theta);
    const grad = new Float64Array(net.parameterCount);
    const pending = net.costGradientAsync(theta, 0.9, grad);
    theta.fill(5);
    const J = await pending;
    const expected = ref.referenceCostGradient(p.layers, p.theta, 0.9, p.X, p.Y, p.m);
    expect(ref.relativeError(J, expected.J)).toBeLessThanOrEqual(1e-12);
    expect(ref.maxScaledError(grad, expected.grad, expected.scale)).toBeLessThanOrEqual(1e-12);
  });

  test('two networks run at once', async () => {
    const q = problem([6, 5, 2], 25, 14);
    const a = new NativeNetwork(p.layers, p.X, p.Y, p.m);
    const b = new NativeNetwork(q.layers, q.X, q.Y, q.m);
    const ga = new Float64Array(a.parameterCount);
    const gb = new Float64Array(b.parameterCount);
    const [Ja, Jb] = await Promise.all([a.costGradientAsync(p.theta, 0, ga), b.costGradientAsync(q.theta, 2, gb)]);
    const ea = ref.referenceCostGradient(p.layers, p.theta, 0, p.X, p.Y, p.m);
    const eb = ref.referenceCostGradient(q.layers, q.theta, 2, q.X, q.Y, q.m);
    expect(ref.relativeError(Ja, ea.J)).toBeLessThanOrEqual(1e-12);
    expect(ref.relativeError(Jb, eb.J)).toBeLessThanOrEqual(1e-12);
    expect(ref.maxScaledError(ga, ea.grad, ea.scale)).toBeLessThanOrEqual(1e-12);
    expect(ref.maxScaledError(gb, eb.grad, eb.scale)).toBeLessThanOrEqual(1e-12);
  });

  test('a second call while one is in flight fails with ERR_BUSY; afterwards the network works', async () => {
    const net = new NativeNetwork(p.layers, p.X, p.Y, p.m);
    const grad = new Float64Array(net.parameterCount);
    const first = net.costGradientAsync(p.theta, 0, grad);
    await expect(net.costGradientAsync(p.theta, 0, new Float64Array(net.parameterCount))).rejects.toMatchObject({
      code: 'ERR_BUSY',
    });
    expect(() => net.costGradient(p.theta, 0, new Float64Array(net.parameterCount))).toThrow(
      expect.objectContaining({ code: 'ERR_BUSY' }),
    );
    expect(() => net.feedForward(p.theta, new Float64Array(p.m * 5))).toThrow(
      expect.objectContaining({ code: 'ERR_BUSY' }),
    );
    const J = await first;
    expect(net.costGradient(p.theta, 0, new Float64Array(net.parameterCount))).toBe(J);
  });

  test('dispose while in flight: the call still resolves correctly, later calls throw ERR_DISPOSED', async () => {
    const net = new NativeNetwork(p.layers, p.X, p.Y, p.m);
    const grad = new Float64Array(net.parameterCount);
    const pending = net.costGradientAsync(p.theta, 1, grad);
    net.dispose();
    const J = await pending;
    const expected = ref.referenceCostGradient(p.layers, p.theta, 1, p.X, p.Y, p.m);
    expect(ref.relativeError(J, expected.J)).toBeLessThanOrEqual(1e-12);
    expect(ref.maxScaledError(grad, expected.grad, expected.scale)).toBeLessThanOrEqual(1e-12);
    expect(net.disposed).toBe(true);
    expect(() => net.costGradient(p.theta, 1, grad)).toThrow(expect.objectContaining({ code: 'ERR_DISPOSED' }));
  });

  test('grad detached while in flight: the promise rejects with a TypeError, the network stays usable', async () => {
    const net = new NativeNetwork(p.layers, p.X, p.Y, p.m);
    const grad = new Float64Array(net.parameterCount);
    const pending = net.costGradientAsync(p.theta, 1, grad);
    structuredClone(grad, { transfer: [grad.buffer] });
    await expect(pending).rejects.toThrow(TypeError);
    await expect(pending).rejects.toThrow(/grad: expected Float64Array over an attached ArrayBuffer/);
    const fresh = new Float64Array(net.parameterCount);
    expect(Number.isFinite(await net.costGradientAsync(p.theta, 1, fresh))).toBe(true);
  });
});
