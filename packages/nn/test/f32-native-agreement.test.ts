/**
 * float32 on the native backend (core-native's cblas_sgemm path) against the TS backend's float32, for every
 * hidden activation × output, full batch and minibatch rows, and predict. Both round X, Y and θ to float32 and store
 * every activation and delta in float32, but they sum differently (sgemm accumulates in float, blocked and with
 * FMA; the TS loops sum in double and round once per stored value), so they agree to float32's rounding, not bit
 * for bit. With u = 2⁻²⁴ ≈ 6e-8 and sums of up to a few hundred terms, measured here (2026-12-07): cost rel 3e-9,
 * gradient ‖Δ‖/‖g‖ 3e-7, outputs 1.2e-7 apart; the bars are cost rel ≤ 1e-5 (the issue's), gradient ≤ 1e-5 and
 * outputs ≤ 1e-6. The float64 run of the same network must differ (float32 is really computed), and the async
 * forms give the same bits as the sync ones.
 */
import { describe, expect, it } from 'vitest';
import { backendInfo, getBackend, HIDDEN_ACTIVATIONS, oneHot, OUTPUT_ACTIVATIONS, randomInit, Rng, type Activations, type Matrix } from '../src/index.js';

const info = backendInfo();
const norm = (a: Float64Array): number => Math.sqrt(a.reduce((s, v) => s + v * v, 0));
const relNorm = (a: Float64Array, b: Float64Array): number => norm(a.map((v, i) => v - b[i])) / norm(b);

function data(m: number, n: number, K: number, seed: number): { X: Matrix; Y: Matrix } {
  const rng = new Rng(seed);
  const X = new Float64Array(m * n);
  for (let i = 0; i < X.length; i++) X[i] = rng.next() < 0.5 ? 0 : rng.uniform(-1, 1) / 3;
  return { X: { rows: m, cols: n, data: X }, Y: oneHot(Int32Array.from({ length: m }, () => 1 + rng.int(K)), K) };
}

const combos: [string[], string][] = [];
for (const h of HIDDEN_ACTIVATIONS) for (const o of OUTPUT_ACTIVATIONS) combos.push([[h], o], [[h, 'tanh'], o]);

describe.skipIf(!info.nativeAvailable)('native float32 = TS float32 to float32 rounding', () => {
  const { X, Y } = data(400, 40, 7, 21);
  const rows = Uint32Array.from({ length: 96 }, (_, i) => (i * 53) % 400);

  it.each(combos)('hidden %j, output %s', async (hidden, output) => {
    const activations = { hidden, output, leakySlope: 0.05 } as Activations;
    const layers = [40, ...hidden.map((_, i) => 32 - 9 * i), 7];
    const theta = randomInit(layers, { seed: 4, activations });
    const native = getBackend('native').createNetwork(layers, X, Y, activations, 'float32');
    const ts = getBackend('ts').createNetwork(layers, X, Y, activations, 'float32');
    const n64 = getBackend('native').createNetwork(layers, X, Y, activations, 'float64');
    expect(native.dtype).toBe('float32');
    for (const r of [undefined, rows]) {
      for (const lambda of [0, 1.5]) {
        const gn = new Float64Array(native.parameterCount);
        const gt = new Float64Array(ts.parameterCount);
        const g64 = new Float64Array(ts.parameterCount);
        const Jn = native.costGradient(theta, lambda, gn, r);
        const Jt = ts.costGradient(theta, lambda, gt, r);
        expect(Math.abs(Jn - Jt) / Jt).toBeLessThanOrEqual(1e-5);
        expect(relNorm(gn, gt)).toBeLessThanOrEqual(1e-5);
        expect(gn.every((v) => Math.fround(v) === v)).toBe(true);
        n64.costGradient(theta, lambda, g64, r);
        expect(gn).not.toEqual(g64);
        const ga = new Float64Array(native.parameterCount);
        expect(await native.costGradientAsync(theta, lambda, ga, r)).toBe(Jn);
        expect(ga).toEqual(gn);
      }
    }
    native.dispose();
    ts.dispose();
    n64.dispose();
    const hn = getBackend('native').predict(layers, theta, X, activations, 'float32');
    const ht = getBackend('ts').predict(layers, theta, X, activations, 'float32');
    const ha = await getBackend('native').predictAsync(layers, theta, X, activations, 'float32');
    let worst = 0;
    hn.data.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - ht.data[i]))));
    expect(worst).toBeLessThanOrEqual(1e-6);
    expect(ha.data).toEqual(hn.data);
  });
});
