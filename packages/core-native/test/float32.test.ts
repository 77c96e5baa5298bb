// dtype 'float32' on the native backend (issue 16): the dense pass in float through cblas_sgemm, full batch and
// minibatch, and predict. The reference is the per-example float64 loop (activation-reference.ts, itself checked
// against PyTorch) run on the float32-rounded theta and X, so the only difference left is float32 arithmetic
// (u = 2^-24 = 6e-8 per rounding):
//
// - cost: relative error <= 1e-6 (~17u). Each per-entry loss is a few roundings of a logit that is a float dot
//   product of at most 31 terms, and the losses are summed in double. Measured: at most 2e-8.
// - gradient: |g - g_ref| <= 1e-5 x (the sum of the magnitudes of the terms g_ref is made of: maxScaledError). The
//   longest float sums run over the examples, at most 200 here: worst case 200u = 1.2e-5 of that scale, plus a few
//   u per layer from the forward values; random rounding makes it ~sqrt(n) u. Measured: at most 1.5e-6. The brief's
//   form, max |dg| <= 1e-4 max |g| + 1e-6, is checked too.
// - and float32 must really be float32: every gradient entry is a float32 value (widened), and it differs from the
//   float64 reference by more than float64 rounding could (> 1e-10 of the scale somewhere; measured >= 2e-7).
// Central differences of the float32 cost at h = 1e-2 (float32's cost noise, ~1e-7 J, over 2h is ~1e-5 of an entry;
// the h^2 truncation about as much): relative difference |numeric - analytic| / |numeric + analytic| < 1e-4
// (measured 4e-6 .. 2e-5). Predictions: probabilities within 1e-5 of the reference's (the issue's float32 ONNX
// bound), softmax rows summing to 1 within 1e-6.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { DTYPES, NativeNetwork, loadNative, predict, predictAsync } from '../lib/index.js';
import * as checks from '../lib/checks.js';
import { referenceActivations, type ActivationSpec } from './activation-reference.js';
import { unavailable } from './native-available.js';
import * as ref from './reference.js';

const HIDDEN = ['sigmoid', 'tanh', 'relu', 'leaky_relu'];
const OUTPUTS = ['sigmoid', 'softmax'];
const COST_TOLERANCE = 1e-6;
const GRADIENT_TOLERANCE = 1e-5;
const PROBABILITY_TOLERANCE = 1e-5;

/** Each entry rounded to the nearest float32 (Math.fround), kept in a Float64Array. */
const fround = (values: Float64Array): Float64Array => Float64Array.from(Float32Array.from(values));

type Problem = ReturnType<typeof ref.sparseProblem>;

function float32Run(p: Problem, spec: ActivationSpec, lambda: number, rows?: Uint32Array) {
  const net = new NativeNetwork(p.layers, p.X, p.Y, p.m, spec, 'float32');
  const grad = new Float64Array(net.parameterCount);
  const J = net.costGradient(p.theta, lambda, grad, rows);
  net.dispose();
  return { J, grad };
}

function reference(p: Problem, spec: ActivationSpec, lambda: number, rows?: Uint32Array) {
  const X = rows ? ref.gather(p.X, p.layers[0], rows) : p.X;
  const Y = rows ? ref.gather(p.Y, p.layers[p.layers.length - 1], rows) : p.Y;
  return referenceActivations(p.layers, fround(p.theta), lambda, fround(X), Y, rows ? rows.length : p.m, spec);
}

/** float32 cost and gradient against the float64 reference on the rounded inputs, and not float64's. */
function check(p: Problem, spec: ActivationSpec, lambda: number, rows?: Uint32Array) {
  const { J, grad } = float32Run(p, spec, lambda, rows);
  const expected = reference(p, spec, lambda, rows);
  expect(ref.relativeError(J, expected.J)).toBeLessThanOrEqual(COST_TOLERANCE);
  const scaled = ref.maxScaledError(grad, expected.grad, expected.scale);
  expect(scaled).toBeLessThanOrEqual(GRADIENT_TOLERANCE);
  expect(scaled).toBeGreaterThan(1e-10); // float32 arithmetic, not float64's
  expect(grad.every((g) => Math.fround(g) === g)).toBe(true); // a widened float32 gradient
  let largest = 0;
  let worst = 0;
  for (let i = 0; i < grad.length; i++) {
    largest = Math.max(largest, Math.abs(expected.grad[i]));
    worst = Math.max(worst, Math.abs(grad[i] - expected.grad[i]));
  }
  expect(worst).toBeLessThanOrEqual(1e-4 * largest + 1e-6);
  return { J, grad };
}

describe.skipIf(unavailable)('float32 cost and gradient: the float64 reference on float32-rounded inputs', () => {
  const rows = Uint32Array.from([119, 0, 5, 5, 17, 3, 64, 65, 66, 100]);
  for (const hidden of HIDDEN) {
    for (const output of OUTPUTS) {
      const spec = { hidden: [hidden], output, leakySlope: 0.05 };
      test(`30-16-5, m = 120: ${hidden} -> ${output}, all rows and a minibatch`, () => {
        for (const density of [1, 0.3]) {
          const p = ref.sparseProblem([30, 16, 5], 120, 41, density);
          check(p, spec, 1.2);
          check(p, spec, 1.2, rows);
        }
      });
    }
  }

  for (const hidden of [['relu', 'tanh'], ['leaky_relu', 'sigmoid'], ['tanh', 'relu'], ['sigmoid', 'leaky_relu']]) {
    for (const output of OUTPUTS) {
      test(`30-6-5-4, m = 197: ${hidden.join(', ')} -> ${output}, all rows and a minibatch`, () => {
        const p = ref.sparseProblem([30, 6, 5, 4], 197, 31, 1);
        check(p, { hidden, output, leakySlope: 0.2 }, 0.4);
        check(p, { hidden, output, leakySlope: 0.2 }, 0.4, Uint32Array.from([196, 3, 3, 150, 0]));
      });
    }
  }

  test('no hidden layer: softmax and sigmoid regression', () => {
    for (const output of OUTPUTS) check(ref.sparseProblem([12, 5], 90, 3, 1), { hidden: [], output, leakySlope: 0.01 }, 0.5);
  });

  test('the seed network (no activations given: sigmoid throughout), 400-25-10', () => {
    const p = ref.sparseProblem([400, 25, 10], 200, 7, 0.4);
    check(p, { hidden: ['sigmoid'], output: 'sigmoid', leakySlope: 0.01 }, 1);
    const net = new NativeNetwork(p.layers, p.X, p.Y, p.m, undefined, 'float32');
    const grad = new Float64Array(net.parameterCount);
    const same = float32Run(p, { hidden: ['sigmoid'], output: 'sigmoid', leakySlope: 0.01 }, 1);
    expect(net.costGradient(p.theta, 1, grad)).toBe(same.J);
    expect(grad).toEqual(same.grad);
    expect(net.dtype).toBe('float32');
    net.dispose();
  });

  test('a minibatch is the same bits as a network holding only its rows; async is the same bits as sync', async () => {
    const p = ref.sparseProblem([30, 16, 5], 120, 5, 1);
    const spec = { hidden: ['relu'], output: 'softmax', leakySlope: 0.01 };
    const picks = Uint32Array.from([7, 119, 7, 0, 33, 64, 2]);
    const net = new NativeNetwork(p.layers, p.X, p.Y, p.m, spec, 'float32');
    const grad = new Float64Array(net.parameterCount);
    const J = net.costGradient(p.theta, 0.7, grad, picks);
    const small = new NativeNetwork(p.layers, ref.gather(p.X, 30, picks), ref.gather(p.Y, 5, picks), picks.length, spec, 'float32');
    const smallGrad = new Float64Array(net.parameterCount);
    expect(small.costGradient(p.theta, 0.7, smallGrad)).toBe(J);
    expect(smallGrad).toEqual(grad);
    small.dispose();

    const asyncGrad = new Float64Array(net.parameterCount);
    expect(await net.costGradientAsync(p.theta, 0.7, asyncGrad, picks)).toBe(J);
    expect(asyncGrad).toEqual(grad);
    const full = new Float64Array(net.parameterCount);
    const fullAsync = new Float64Array(net.parameterCount);
    expect(await net.costGradientAsync(p.theta, 0.7, fullAsync)).toBe(net.costGradient(p.theta, 0.7, full));
    expect(fullAsync).toEqual(full);
    net.dispose();
  });

  test('dtype defaults to float64, whose results are unchanged', () => {
    const p = ref.sparseProblem([30, 16, 5], 50, 9, 1);
    const spec = { hidden: ['tanh'], output: 'softmax', leakySlope: 0.01 };
    const results = [undefined, 'float64' as const].map((dtype) => {
      const net = new NativeNetwork(p.layers, p.X, p.Y, p.m, spec, dtype);
      const grad = new Float64Array(net.parameterCount);
      const J = net.costGradient(p.theta, 1, grad);
      expect(net.dtype).toBe('float64');
      net.dispose();
      return { J, grad };
    });
    expect(results[1].J).toBe(results[0].J);
    expect(results[1].grad).toEqual(results[0].grad);
    const expected = referenceActivations(p.layers, p.theta, 1, p.X, p.Y, p.m, spec);
    expect(ref.relativeError(results[0].J, expected.J)).toBeLessThanOrEqual(1e-12);
  });
});

interface GoldenCase {
  name: string;
  layers: number[];
  hidden: string[];
  output: string;
  leakySlope: number;
  lambda: number;
  kink: boolean;
  theta: number[];
  dense: { X: number[][]; Y: number[][] };
}

const golden: { cases: GoldenCase[] } = JSON.parse(
  readFileSync(new URL('../../nn/test/fixtures/activations-golden.json', import.meta.url), 'utf8'),
);
const STEP = 1e-2;

describe.skipIf(unavailable)('float32 gradient: central differences of the float32 cost at h = 1e-2', () => {
  // Coordinates whose step moves a hidden z of relu or leaky_relu across 0 are left out (the difference would
  // measure the kink, not the derivative); at most a few are, and the test says how many it kept.
  for (const c of golden.cases.filter((k) => !k.kink)) {
    test(c.name, () => {
      const spec = { hidden: c.hidden, output: c.output, leakySlope: c.leakySlope };
      const X = Float64Array.from(c.dense.X.flat());
      const Y = Float64Array.from(c.dense.Y.flat());
      const m = c.dense.X.length;
      const theta = fround(Float64Array.from(c.theta));
      const net = new NativeNetwork(c.layers, X, Y, m, spec, 'float32');
      const grad = new Float64Array(net.parameterCount);
      const scratch = new Float64Array(net.parameterCount);
      net.costGradient(theta, c.lambda, grad);
      const kinked = c.hidden.some((h) => h === 'relu' || h === 'leaky_relu');
      const signs = (t: Float64Array) => referenceActivations(c.layers, t, 0, fround(X), Y, m, spec).hiddenZ.map(Math.sign);
      const base = signs(theta);
      const flips = (t: Float64Array) => kinked && signs(t).some((s, k) => s !== base[k]);
      let diff = 0;
      let sum = 0;
      let kept = 0;
      for (let i = 0; i < theta.length; i++) {
        const original = theta[i];
        theta[i] = original + STEP;
        const plus = net.costGradient(theta, c.lambda, scratch);
        const flipsUp = flips(theta);
        theta[i] = original - STEP;
        const minus = net.costGradient(theta, c.lambda, scratch);
        const flipsDown = flips(theta);
        theta[i] = original;
        if (flipsUp || flipsDown) continue;
        const numeric = (plus - minus) / (2 * STEP);
        diff += (numeric - grad[i]) ** 2;
        sum += (numeric + grad[i]) ** 2;
        kept++;
      }
      net.dispose();
      expect(kept).toBeGreaterThanOrEqual(0.6 * theta.length);
      expect(Math.sqrt(diff) / Math.sqrt(sum)).toBeLessThan(1e-4);
    });
  }
});

describe.skipIf(unavailable)('float32 at logits of +-1e4: finite, and the reference where it is well conditioned', () => {
  const layers = [8, 5, 3];
  const m = 12;
  // Theta2's bias column 1e4, -1e4, 0: logits of order 1e4 whatever the hidden units give; with saturated, Theta1
  // times 1e4 too (hidden z of order 1e4). As activations-extremes.test.ts, in float32.
  function extremeProblem(saturated: boolean) {
    const p = ref.sparseProblem(layers, m, 17, 1);
    const theta = Float64Array.from(p.theta);
    if (saturated) for (let i = 0; i < 5 * 9; i++) theta[i] *= 1e4;
    [1e4, -1e4, 0].forEach((b, j) => (theta[5 * 9 + j * 6] = b));
    return { ...p, theta };
  }
  for (const hidden of HIDDEN) {
    for (const output of OUTPUTS) {
      const spec = { hidden: [hidden], output, leakySlope: 0.01 };
      test(`${hidden} -> ${output}`, async () => {
        for (const saturated of [false, true]) {
          const p = extremeProblem(saturated);
          const net = new NativeNetwork(layers, p.X, p.Y, m, spec, 'float32');
          const grad = new Float64Array(net.parameterCount);
          const J = net.costGradient(p.theta, 0.5, grad);
          const expected = reference(p, spec, 0.5);
          expect(J).toBeGreaterThan(1e3);
          expect(ref.relativeError(J, expected.J)).toBeLessThanOrEqual(COST_TOLERANCE);
          expect(grad.every(Number.isFinite)).toBe(true);
          const batch = await net.costGradientAsync(p.theta, 0.5, grad, Uint32Array.of(0, 3, 3));
          expect(Number.isFinite(batch)).toBe(true);
          expect(grad.every(Number.isFinite)).toBe(true);
          const fed = new Float64Array(m * 3);
          net.feedForward(p.theta, fed);
          net.dispose();

          const h = new Float64Array(m * 3);
          predict(layers, p.theta, p.X, m, h, spec, 'float32');
          for (const out of [h, fed]) {
            expect(out.every(Number.isFinite)).toBe(true);
            if (!saturated) {
              for (let i = 0; i < out.length; i++) expect(Math.abs(out[i] - expected.h[i])).toBeLessThanOrEqual(PROBABILITY_TOLERANCE);
            }
            if (output === 'softmax') {
              for (let i = 0; i < m; i++) expect(Math.abs(out[3 * i] + out[3 * i + 1] + out[3 * i + 2] - 1)).toBeLessThan(1e-6);
            }
          }
        }
      });
    }
  }
});

describe.skipIf(unavailable)('float32 predict and feedForward: the reference on rounded inputs', () => {
  for (const output of OUTPUTS) {
    test(`more than one 1024-row chunk, tanh, relu -> ${output}; predictAsync the same bits`, async () => {
      const layers = [20, 12, 9, 7];
      const m = 1500;
      const p = ref.sparseProblem(layers, m, 23, 1);
      const spec = { hidden: ['tanh', 'relu'], output, leakySlope: 0.01 };
      const expected = referenceActivations(layers, fround(p.theta), 0, fround(p.X), p.Y, m, spec);
      const h = new Float64Array(m * 7);
      predict(layers, p.theta, p.X, m, h, spec, 'float32');
      const again = new Float64Array(m * 7);
      await predictAsync(layers, p.theta, p.X, m, again, spec, 'float32');
      expect(again).toEqual(h);
      const net = new NativeNetwork(layers, p.X, p.Y, m, spec, 'float32');
      const fed = new Float64Array(m * 7);
      net.feedForward(p.theta, fed);
      net.dispose();
      for (const out of [h, fed]) {
        let worst = 0;
        for (let i = 0; i < out.length; i++) worst = Math.max(worst, Math.abs(out[i] - expected.h[i]));
        expect(worst).toBeLessThanOrEqual(PROBABILITY_TOLERANCE);
        expect(worst).toBeGreaterThan(0); // float32, not float64
        // widened float32 values: each is exactly a float
        expect(out.every((v) => Math.fround(v) === v)).toBe(true);
        if (output === 'softmax') {
          for (let i = 0; i < m; i++) {
            let s = 0;
            for (let k = 0; k < 7; k++) s += out[i * 7 + k];
            expect(Math.abs(s - 1)).toBeLessThan(1e-6);
          }
        }
      }
    });
  }
});

// Bad dtype: a typed one-line error from the TypeScript surface and, past it, from the C++ checks.
async function errorOf(run: () => unknown): Promise<Error & { code?: string }> {
  try {
    await run();
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected an error');
}

describe('dtype is checked in TypeScript', () => {
  test('DTYPES and the check', () => {
    expect(DTYPES).toEqual(['float64', 'float32']);
    expect(checks.dtype(undefined, 'dtype')).toBe('float64');
    expect(checks.dtype('float32', 'dtype')).toBe('float32');
    expect(() => checks.dtype('float16', 'dtype')).toThrow(RangeError);
    expect(() => checks.dtype('float16', 'dtype')).toThrow(/^dtype: expected one of float64, float32, got "float16"$/);
    expect(() => checks.dtype(32, 'dtype')).toThrow(TypeError);
    expect(() => checks.dtype(null, 'dtype')).toThrow(/^dtype: expected one of float64, float32, got null$/);
  });
});

describe.skipIf(unavailable)('bad dtype', () => {
  const layers = [3, 4, 2];
  const m = 5;
  const X = new Float64Array(m * 3);
  const Y = new Float64Array(m * 2);
  const theta = new Float64Array(4 * 4 + 2 * 5);
  const out = new Float64Array(m * 2);
  const surface: any = { NativeNetwork, predict, predictAsync };
  for (const [side, api] of [['TypeScript surface', surface], ['raw C++ binding', undefined]] as const) {
    const calls: Array<[string, (api: typeof surface, dtype: unknown) => unknown]> = [
      ['new NativeNetwork', (a, dtype) => new a.NativeNetwork(layers, X, Y, m, undefined, dtype)],
      ['predict', (a, dtype) => a.predict(layers, theta, X, m, out, undefined, dtype)],
      ['predictAsync', (a, dtype) => a.predictAsync(layers, theta, X, m, out, undefined, dtype)],
    ];
    for (const [what, call] of calls) {
      test(`${side}, ${what}: an unknown name is a RangeError, a non-string a TypeError`, async () => {
        const target = api ?? loadNative();
        const named = await errorOf(() => call(target, 'float16'));
        expect(named).toBeInstanceOf(RangeError);
        expect(named.code).toBe('ERR_OUT_OF_RANGE');
        expect(named.message).toBe('dtype: expected one of float64, float32, got "float16"');
        const typed = await errorOf(() => call(target, 32));
        expect(typed).toBeInstanceOf(TypeError);
        expect(typed.code).toBe('ERR_INVALID_ARG_TYPE');
        expect(typed.message).toBe('dtype: expected one of float64, float32, got number 32');
      });
    }
    test(`${side}: float32's memory bound counts 4-byte elements`, () => {
      const target = api ?? loadNative();
      const big = 2 ** 20;
      const Xbig = new Float64Array(big);
      // 2^20 examples x 2^28 hidden units x 2 buffers x 4 bytes = 2 PiB (float64's is 4 PiB).
      expect(() => new target.NativeNetwork([1, 2 ** 28, 1], Xbig, Xbig, big, undefined, 'float32')).toThrow(
        /^m: expected a size that fits in this machine's [\d.]+ GiB of memory, got 1048576 rows needing 2097152\.\d GiB/,
      );
    });
  }
});
