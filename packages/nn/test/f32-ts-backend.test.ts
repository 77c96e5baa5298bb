/**
 * float32 in the TypeScript backend (issue 16). The reference is the same backend in float64 on the same inputs
 * rounded to float32 (θ and X): then the two differ only by float32's rounding of the stored activations, deltas
 * and sums, whose unit roundoff is u = 2⁻²⁴ ≈ 6e-8.
 *
 * - Cost: relative difference ≤ 1e-5 (the issue's bar; each logit carries a few u of error, the cost a sum of
 *   smooth functions of them).
 * - Gradient: ‖g32 − g64‖ / ‖g64‖ ≤ 1e-5. Each entry is a sum over m examples of products of stored float32
 *   values (δ and a, each a few u off), and rounding to float32 as each sub-block's partial sum is stored adds
 *   ≈ √(m/blockRows)·u; individual entries near zero can lose more, so the bar is on the norm. Measured on these
 *   networks (2026-12-07): at most 3.4e-7 (the cost: 7e-10, as it is summed in double), so 1e-5 leaves a factor
 *   of 30 while a wrong float32 path (a gradient off by 1e-3 of itself, a wrong layer) lands above it.
 * - predict: bit for bit what a float32 forward pass written out below computes (sums in double, every stored
 *   value rounded to float32), so a layer computed in float64 is caught.
 * - Finite differences in float32 (every activation combination): GRADCHECK.float32 (ε and the bar are justified
 *   in src/gradcheck.ts), on this backend and, when it loads, the native one.
 * - Logits of ±1e4: finite cost and gradient in float32, as in float64.
 */
import { describe, expect, it } from 'vitest';
import { TsNetwork } from '../src/backend/ts/network.js';
import { tsBackend } from '../src/backend/ts/index.js';
import {
  backendInfo, bindNetwork, debugInitializeWeights, feedForward, GRADCHECK, gradientCheck, HIDDEN_ACTIVATIONS, oneHot, OUTPUT_ACTIVATIONS,
  randomInit, Rng, serialize, type Activations, type HiddenActivation, type Matrix, type OutputActivation,
} from '../src/index.js';

const gradcheckCases: [number, 'ts' | 'native'][] = [[0, 'ts'], [3, 'ts']];
if (backendInfo().nativeAvailable) gradcheckCases.push([0, 'native'], [3, 'native']);

const combos: [HiddenActivation[], OutputActivation][] = [];
for (const h of HIDDEN_ACTIVATIONS) for (const o of OUTPUT_ACTIVATIONS) combos.push([[h], o], [[h, 'relu'], o]);
combos.push([['tanh', 'leaky_relu', 'sigmoid'], 'softmax']);

const f32 = (a: Float64Array): Float64Array => Float64Array.from(Float32Array.from(a));
const norm = (a: Float64Array): number => Math.sqrt(a.reduce((s, v) => s + v * v, 0));
const relNorm = (a: Float64Array, b: Float64Array): number => norm(a.map((v, i) => v - b[i])) / norm(b);

/** A data set with about half its inputs exactly 0 (as digits have), values not representable in float32. */
function data(m: number, n: number, K: number, seed: number): { X: Matrix; Y: Matrix; y: Int32Array } {
  const rng = new Rng(seed);
  const X = new Float64Array(m * n);
  for (let i = 0; i < X.length; i++) X[i] = rng.next() < 0.5 ? 0 : rng.uniform(-1, 1) / 3;
  const y = Int32Array.from({ length: m }, () => 1 + rng.int(K));
  return { X: { rows: m, cols: n, data: X }, Y: oneHot(y, K), y };
}

/**
 * The forward pass as float32 storage defines it, written out: z = b + Σ_k a_k·w_k summed in double in k order and
 * rounded, a = f(z) rounded; a softmax row's e^{z−M} summed in double, each p rounded. (The TS backend skips the
 * zero inputs of the first layer: adding 0·w to a double sum changes nothing.)
 */
function forward32(layers: number[], theta: Float64Array, X: Matrix, a: Activations): number[] {
  const r = Math.fround;
  const f = (name: string, z: number): number =>
    name === 'sigmoid' ? (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z))) : name === 'tanh' ? Math.tanh(z)
      : name === 'relu' ? (z > 0 ? z : 0) : z > 0 ? z : a.leakySlope * z;
  const out: number[] = [];
  for (let i = 0; i < X.rows; i++) {
    let act = Array.from(X.data.subarray(i * X.cols, (i + 1) * X.cols), r);
    let off = 0;
    for (let l = 1; l < layers.length; l++) {
      const s = layers[l - 1];
      const last = l === layers.length - 1;
      const next: number[] = [];
      for (let j = 0; j < layers[l]; j++) {
        const row = off + j * (s + 1);
        let z = r(theta[row]);
        for (let k = 0; k < s; k++) z += act[k] * r(theta[row + 1 + k]);
        z = r(z);
        next.push(last && a.output === 'softmax' ? z : r(f(last ? 'sigmoid' : a.hidden[l - 1], z)));
      }
      off += layers[l] * (s + 1);
      act = next;
    }
    if (a.output === 'softmax') {
      const M = Math.max(...act);
      let sum = 0;
      for (const z of act) sum += Math.exp(z - M);
      act = act.map((z) => r(Math.exp(z - M) / sum));
    }
    out.push(...act);
  }
  return out;
}

describe.each(combos)('float32 vs float64 on float32 inputs: hidden %j, output %s', (hidden, output) => {
  const activations: Activations = { hidden, output, leakySlope: 0.05 };
  const layers = [30, ...hidden.map((_, i) => 24 - 5 * i), 6];
  const { X, Y } = data(300, 30, 6, 7);
  const X32: Matrix = { ...X, data: f32(X.data) };
  const theta = f32(randomInit(layers, { seed: 3, activations }));
  const rows = Uint32Array.from({ length: 64 }, (_, i) => (i * 37) % 300);

  it.each([0, 2])('λ = %d: cost rel ≤ 1e-5, gradient rel-norm ≤ 1e-5, full batch and minibatch', (lambda) => {
    const n32 = tsBackend.createNetwork(layers, X, Y, activations, 'float32');
    const n64 = tsBackend.createNetwork(layers, X32, Y, activations, 'float64');
    expect(n32.dtype).toBe('float32');
    expect(n64.dtype).toBe('float64');
    for (const r of [undefined, rows]) {
      const g32 = new Float64Array(n32.parameterCount);
      const g64 = new Float64Array(n64.parameterCount);
      const J32 = n32.costGradient(theta, lambda, g32, r);
      const J64 = n64.costGradient(theta, lambda, g64, r);
      expect(Math.abs(J32 - J64) / J64).toBeLessThanOrEqual(1e-5);
      expect(relNorm(g32, g64)).toBeLessThanOrEqual(1e-5);
      // the float32 gradient is float32 values, widened
      expect(g32.every((v) => Math.fround(v) === v)).toBe(true);
      // and it is not the float64 computation under another name
      expect(g32).not.toEqual(g64);
    }
    n32.dispose();
    n64.dispose();
  });

  it('predict: float32 outputs within 1e-5 of float64, and bit for bit a float32 forward pass', () => {
    const h32 = tsBackend.predict(layers, theta, X, activations, 'float32');
    const h64 = tsBackend.predict(layers, theta, X32, activations, 'float64');
    let worst = 0;
    h32.data.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - h64.data[i]))));
    expect(worst).toBeLessThanOrEqual(1e-5);
    expect(Array.from(h32.data)).toEqual(forward32(layers, theta, X, activations));
  });

  it.each(gradcheckCases)('finite differences in float32 with λ = %d on %s: relative difference < GRADCHECK.float32.tolerance', (lambda, backend) => {
    const small = [3, ...hidden.map((_, i) => 5 - i), 3];
    const r = gradientCheck({ layers: small, m: 5, lambda, activations: { ...activations, leakySlope: 0.1 }, backend, dtype: 'float32' });
    expect(r.dtype).toBe('float32');
    expect(r.step).toBe(GRADCHECK.float32.step);
    expect(r.relativeDifference).toBeLessThan(GRADCHECK.float32.tolerance);
  });

  it('logits beyond ±1e4: float32 cost and gradient finite', () => {
    const big = [4, ...hidden.map(() => 3), 3];
    const Xb = { rows: 3, cols: 4, data: Float64Array.from({ length: 12 }, (_, i) => (i % 5) - 2) };
    const t = serialize(...big.slice(1).map((n, l) => debugInitializeWeights(n, big[l]))).map((v) => v * 1e6);
    const acts = { hidden, output, leakySlope: 0.01 };
    const net = bindNetwork(Xb, [1, 2, 3], { layers: big, backend: 'ts', activations: acts, dtype: 'float32' });
    const grad = new Float64Array(net.parameterCount);
    const J = net.costGradient(t, 1, grad);
    net.dispose();
    expect(Number.isFinite(J)).toBe(true);
    expect(grad.every(Number.isFinite)).toBe(true);
    expect(Math.max(...Array.from(feedForward(t, Xb, big, acts).z.at(-1)!.data, Math.abs))).toBeGreaterThan(1e4);
  });
});

describe('a float32 network rounds θ and X as it stores them', () => {
  const layers = [30, 12, 6];
  const activations: Activations = { hidden: ['relu'], output: 'softmax', leakySlope: 0.01 };
  const { X, Y } = data(200, 30, 6, 11);
  const theta = randomInit(layers, { seed: 5, activations });

  it('θ and θ rounded to float32 give the same bits; X and X rounded too', () => {
    const a = tsBackend.createNetwork(layers, X, Y, activations, 'float32');
    const b = tsBackend.createNetwork(layers, { ...X, data: f32(X.data) }, Y, activations, 'float32');
    const ga = new Float64Array(a.parameterCount);
    const gb = new Float64Array(b.parameterCount);
    expect(a.costGradient(theta, 1, ga)).toBe(b.costGradient(f32(theta), 1, gb));
    expect(ga).toEqual(gb);
    a.dispose();
    b.dispose();
  });

  it('shards and worker threads carry the dtype: the same bits on 1 thread and on 2, many shards', async () => {
    const options = { activations, dtype: 'float32' as const, plan: { shardWork: 2000, blockRows: 16 }, minParallelWork: 0 };
    const one = new TsNetwork(layers, X, Y, { ...options, threads: 1 });
    const two = new TsNetwork(layers, X, Y, { ...options, threads: 2 });
    const g1 = new Float64Array(one.parameterCount);
    const g2 = new Float64Array(two.parameterCount);
    const J1 = one.costGradient(theta, 1, g1);
    let J2 = 0;
    // the pool starts from the second evaluation; wait for its workers to take shards
    for (let i = 0; i < 50 && two.diagnostics().shardsOnWorkers === 0; i++) {
      J2 = await two.costGradientAsync(theta, 1, g2);
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(one.diagnostics().shards).toBeGreaterThan(4);
    expect(J2).toBe(J1);
    expect(g2).toEqual(g1);
    expect(g1.every((v) => Math.fround(v) === v)).toBe(true);
    two.dispose();
    one.dispose();
    await two.workersExited();
  });

  it('a bad dtype is a one-line InvalidArgumentError', () => {
    expect(() => bindNetwork(X, Y, { layers, backend: 'ts', dtype: 'float16' as never })).toThrow(/^dtype: expected one of float64, float32, got "float16"$/);
    expect(() => new TsNetwork(layers, X, Y, { dtype: 'double' as never })).toThrow(/^dtype: expected one of float64, float32/);
    expect(() => tsBackend.predict(layers, theta, X, activations, 'f32' as never)).toThrow(/^dtype:/);
  });
});
