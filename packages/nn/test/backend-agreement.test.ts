import { describe, expect, it } from 'vitest';
import { backendInfo, bindNetwork, getBackend, oneHot, randomInit, Rng, type Matrix } from '../src/index.js';
import { gradRelErr, maxRelErr } from './helpers.js';

const info = backendInfo();
if (!info.nativeAvailable) console.warn(`[notice] native/ts agreement skipped: ${info.reason}`);

function data(m: number, n: number, K: number, seed: number, sparsity = 0.75): { X: Matrix; y: Int32Array } {
  const rng = new Rng(seed);
  const X = new Float64Array(m * n);
  for (let i = 0; i < X.length; i++) X[i] = rng.next() < sparsity ? 0 : rng.uniform(-1, 1.5);
  const y = new Int32Array(m);
  for (let i = 0; i < m; i++) y[i] = 1 + rng.int(K);
  return { X: { rows: m, cols: n, data: X }, y };
}

describe.skipIf(!info.nativeAvailable)('native and ts backends agree to 1e-12', () => {
  const shapes: [number[], number, number][] = [
    [[400, 25, 10], 300, 1],
    [[400, 25, 10], 64, 0],
    [[20, 16, 8, 4], 50, 3],
    [[9, 3], 17, 0.5],
    [[30, 40, 30, 20, 5], 33, 10],
  ];
  it.each(shapes)('layers %j, m = %i, λ = %d', (layers, m, lambda) => {
    const { X, y } = data(m, layers[0], layers[layers.length - 1], m * 7 + layers.length, layers[0] > 100 ? 0.75 : 0.2);
    const theta = randomInit(layers, { range: 0.5, seed: 11 });
    const results = (['ts', 'native'] as const).map((backend) => {
      const net = bindNetwork(X, y, { layers, backend });
      const grad = new Float64Array(net.parameterCount);
      const J = net.costGradient(theta, lambda, grad);
      return { J, grad };
    });
    expect(Math.abs(results[0].J - results[1].J) / Math.abs(results[1].J)).toBeLessThan(1e-12);
    expect(gradRelErr(results[0].grad, results[1].grad)).toBeLessThan(1e-12);
  });

  it('minibatch rows agree, and equal a network built from just those rows', () => {
    const layers = [50, 12, 6];
    const { X, y } = data(80, 50, 6, 5, 0.6);
    const theta = randomInit(layers, { seed: 3 });
    const rows = Uint32Array.from([5, 17, 2, 79, 40, 41, 0]);
    const sub: Matrix = { rows: rows.length, cols: 50, data: new Float64Array(rows.length * 50) };
    rows.forEach((r, i) => sub.data.set(X.data.subarray(r * 50, r * 50 + 50), i * 50));
    const ysub = Int32Array.from(rows, (r) => y[r]);
    const ref = bindNetwork(sub, ysub, { layers, backend: 'ts' });
    const gRef = new Float64Array(ref.parameterCount);
    const Jref = ref.costGradient(theta, 2, gRef);
    for (const backend of ['ts', 'native'] as const) {
      const net = bindNetwork(X, y, { layers, backend });
      const g = new Float64Array(net.parameterCount);
      const J = net.costGradient(theta, 2, g, rows);
      expect(Math.abs(J - Jref) / Jref).toBeLessThan(1e-12);
      expect(gradRelErr(g, gRef)).toBeLessThan(1e-12);
    }
  });

  it('async evaluation equals sync', async () => {
    const layers = [40, 10, 3];
    const { X, y } = data(60, 40, 3, 9);
    const theta = randomInit(layers, { seed: 4 });
    for (const backend of ['ts', 'native'] as const) {
      const net = bindNetwork(X, y, { layers, backend });
      const g1 = new Float64Array(net.parameterCount);
      const g2 = new Float64Array(net.parameterCount);
      const J1 = net.costGradient(theta, 1, g1);
      const J2 = await net.costGradientAsync(theta, 1, g2);
      expect(J2).toBe(J1);
      expect(Array.from(g2)).toEqual(Array.from(g1));
    }
  });

  it('predict agrees', () => {
    const layers = [400, 25, 10];
    const { X } = data(100, 400, 10, 21);
    const theta = randomInit(layers, { range: 0.5, seed: 8 });
    const a = getBackend('ts').predict(layers, theta, X);
    const b = getBackend('native').predict(layers, theta, X);
    expect(maxRelErr(a.data, b.data, 1e-300)).toBeLessThan(1e-12);
  });

  it('one-hot targets and label targets give the same cost', () => {
    const layers = [10, 4, 3];
    const { X, y } = data(20, 10, 3, 2, 0);
    const theta = randomInit(layers, { seed: 1 });
    const a = bindNetwork(X, y, { layers, backend: 'native' });
    const b = bindNetwork(X, oneHot(y, 3), { layers, backend: 'native' });
    const g = new Float64Array(a.parameterCount);
    expect(a.costGradient(theta, 0, g)).toBe(b.costGradient(theta, 0, g));
  });
});
