// The Adam update loop on both backends: the textbook formula as the reference, bit-for-bit agreement between
// the ts loop and the native (C++) one, the same trained weights whichever runs the update, and bad input.
import * as core from '@backprop/core-native';
import { describe, expect, it } from 'vitest';
import { backendInfo, minimize, optimizerMethod, Rng, train, type Matrix } from '../src/index.js';
import { adamStepFor, adamStepTs, type AdamCoefficients } from '../src/optim/adam-step.js';

const info = backendInfo();
if (!info.nativeAvailable) console.warn(`[notice] native Adam step skipped: ${info.reason}`);

function vectors(n: number, seed: number): Float64Array[] {
  const rng = new Rng(seed);
  const spread = () => Float64Array.from({ length: n }, () => rng.normal() * Math.exp(rng.uniform(-12, 4)));
  const x = spread(), g = spread(), m1 = spread(), sum = spread();
  const m2 = spread().map((v) => v * v);
  g[0] = 0; // a zero gradient and a zero second moment: the update must not divide 0 by 0
  m2[0] = 0;
  m1[0] = 0;
  return [x, g, m1, m2, sum];
}

// Kingma & Ba's Algorithm 1 as printed (bias-corrected moments, then the step), the independent reference.
function textbook(x: number, g: number, m: number, v: number, t: number, lr: number, b1: number, b2: number, eps: number) {
  const m1 = b1 * m + (1 - b1) * g;
  const m2 = b2 * v + (1 - b2) * g * g;
  const mHat = m1 / (1 - b1 ** t);
  const vHat = m2 / (1 - b2 ** t);
  return { x: x - (lr * mHat) / (Math.sqrt(vHat) + eps), m1, m2 };
}

function folded(t: number, lr: number, b1: number, b2: number, eps: number, weight: number): AdamCoefficients {
  const root = Math.sqrt(1 - b2 ** t);
  return { step: (lr * root) / (1 - b1 ** t), epsilon: eps * root, beta1: b1, beta2: b2, weight };
}

describe('adamStepTs', () => {
  it('matches the textbook Adam step (bias-corrected moments) to rounding, and sums weight·g', () => {
    for (const [t, b1, b2] of [[1, 0.9, 0.999], [7, 0.9, 0.999], [300, 0.5, 0.9], [2, 0, 0]] as const) {
      const [x, g, m1, m2, sum] = vectors(257, t);
      const before = [x, g, m1, m2, sum].map((v) => Float64Array.from(v));
      adamStepTs(x, g, m1, m2, sum, folded(t, 1e-3, b1, b2, 1e-8, 3));
      for (let i = 0; i < x.length; i++) {
        const r = textbook(before[0][i], g[i], before[2][i], before[3][i], t, 1e-3, b1, b2, 1e-8);
        expect(m1[i]).toBe(r.m1);
        expect(m2[i]).toBe(r.m2);
        // folding moves where ε enters by a factor √(1 − β2ᵗ) ≤ 1 and reassociates: equal to ~1e-12 of the step
        expect(Math.abs(x[i] - r.x)).toBeLessThanOrEqual(1e-12 * Math.abs(before[0][i] - r.x) + 1e-300);
        expect(sum[i]).toBe(before[4][i] + g[i] * 3);
      }
    }
  });
});

describe.skipIf(!info.nativeAvailable)('native adamUpdate', () => {
  it('gives the same bits as the ts loop, step after step, on lengths around the vector widths', () => {
    for (const n of [1, 2, 3, 7, 8, 9, 31, 1000, 4099]) {
      const a = vectors(n, n);
      const b = a.map((v) => Float64Array.from(v));
      for (let t = 1; t <= 5; t++) {
        const c = folded(t, 0.01, 0.9, 0.999, 1e-8, t);
        adamStepTs(a[0], a[1], a[2], a[3], a[4], c);
        core.adamUpdate(b[0], b[1], b[2], b[3], b[4], c);
      }
      for (let k = 0; k < 5; k++) expect(Buffer.from(b[k].buffer).equals(Buffer.from(a[k].buffer))).toBe(true);
    }
  });

  it('trains to the same weights whether the ts or the native backend runs the update', async () => {
    const rng = new Rng(3);
    const m = 300, n = 20;
    const X: Matrix = { rows: m, cols: n, data: Float64Array.from({ length: m * n }, () => (rng.next() < 0.5 ? 0 : rng.next())) };
    const y = Int32Array.from({ length: m }, (_, i) => 1 + (i % 3));
    const run = (adamBackend: string) =>
      train([n, 8, 3], { X, y }, {
        method: 'adam', backend: 'native', lambda: 0.5, seed: 1, trackAccuracy: false,
        optimizer: { epochs: 3, batchSize: 32, learningRate: 0.01, backend: adamBackend },
      });
    const [viaNative, viaTs] = [await run('native'), await run('ts')];
    expect(viaNative.model.training?.options.backend).toBe('native');
    expect(Buffer.from(viaNative.model.theta.buffer).equals(Buffer.from(viaTs.model.theta.buffer))).toBe(true);
  });

  it('refuses bad vectors and coefficients with typed errors, in TypeScript and again in C++', () => {
    const [x, g, m1, m2, sum] = vectors(16, 9);
    const c = folded(1, 1e-3, 0.9, 0.999, 1e-8, 1);
    const native = core.loadNative();
    const ok = [x, g, m1, m2, sum] as const;
    const cases: [unknown[], RegExp, unknown[]][] = [
      [[x, g.subarray(1), m1, m2, sum, c], /g: expected Float64Array of length 16, got length 15/, [x, g.subarray(1), m1, m2, sum, c.step, c.epsilon, c.beta1, c.beta2, c.weight]],
      [[x, new Float32Array(16), m1, m2, sum, c], /g: expected Float64Array/, [x, new Float32Array(16), m1, m2, sum, 1, 0, 0.9, 0.9, 1]],
      [[x, g, m1, m1, sum, c], /m1: expected memory disjoint from m2/, [x, g, m1, m1, sum, 1, 0, 0.9, 0.9, 1]],
      [[x, g, m1, m2, sum, { ...c, step: NaN }], /step: expected a finite number, got NaN/, [...ok, NaN, 0, 0.9, 0.9, 1]],
      [[x, g, m1, m2, sum, { ...c, beta1: 1 }], /beta1: expected a number in \[0, 1\)/, [...ok, 1, 0, 1, 0.9, 1]],
      [[x, g, m1, m2, sum, { ...c, epsilon: -1 }], /epsilon: expected a finite number >= 0/, [...ok, 1, -1, 0.9, 0.9, 1]],
      [[x, g, m1, m2, sum, null], /c: expected \{ step, epsilon, beta1, beta2, weight \}/, [...ok, 'a', 0, 0.9, 0.9, 1]],
    ];
    const before = [x, g, m1, m2, sum].map((v) => Float64Array.from(v));
    for (const [args, message, raw] of cases) {
      expect(() => (core.adamUpdate as (...a: unknown[]) => void)(...args)).toThrow(message);
      // the C++ boundary on its own (the TS checks bypassed): a typed error, never a crash or a write
      expect(() => (native.adamUpdate as (...a: unknown[]) => void)(...raw)).toThrow(/expected/);
    }
    [x, g, m1, m2, sum].forEach((v, k) => expect(v).toEqual(before[k]));
  });
});

describe('adam option backend', () => {
  it('is validated like every other option', () => {
    const fun = (_x: Float64Array, grad: Float64Array) => (grad.fill(0), 0);
    expect(() => minimize(fun, new Float64Array(3), { method: 'adam', options: { m: 4, backend: 'gpu' } })).toThrow(
      /adam option 'backend' must be one of 'auto', 'native', 'ts'; received "gpu"/,
    );
  });

  it("is the optimiser's own: 'ts' by default for minimize, the addon's loop for 'auto' when it loads", () => {
    expect(optimizerMethod('adam')?.options.find((o) => o.name === 'backend')?.default).toBe('ts');
    expect(adamStepFor('ts')).toBe(adamStepTs);
    expect(adamStepFor('auto')).toBe(info.nativeAvailable ? core.adamUpdate : adamStepTs);
    if (info.nativeAvailable) expect(adamStepFor('native')).toBe(core.adamUpdate);
    else expect(() => adamStepFor('native')).toThrow(/adam option 'backend' is 'native' but the native addon is unavailable/);
  });
});
