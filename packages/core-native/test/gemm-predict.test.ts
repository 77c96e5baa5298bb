// gemm against a naive triple loop; predict / predictAsync / feedForward against the seed's feed_forward.
import { describe, expect, test } from 'vitest';
import { NativeNetwork, gemm, predict, predictAsync } from '../lib/index.js';
import { unavailable } from './native-available.js';
import * as ref from './reference.js';

// C = alpha op(A) op(B) + beta C by the definition, with the magnitude of every entry's terms for the tolerance.
function naiveGemm(
  transA: boolean, transB: boolean, M: number, N: number, K: number, alpha: number,
  A: Float64Array, B: Float64Array, beta: number, C: Float64Array,
): { C: Float64Array; scale: Float64Array } {
  const out = new Float64Array(M * N);
  const scale = new Float64Array(M * N);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let sum = 0;
      let magnitude = 0;
      for (let k = 0; k < K; k++) {
        const a = transA ? A[k * M + i] : A[i * K + k];
        const b = transB ? B[j * K + k] : B[k * N + j];
        sum += a * b;
        magnitude += Math.abs(a * b);
      }
      out[i * N + j] = alpha * sum + beta * C[i * N + j];
      scale[i * N + j] = Math.abs(alpha) * magnitude + Math.abs(beta * C[i * N + j]);
    }
  }
  return { C: out, scale };
}

describe.skipIf(unavailable)('gemm', () => {
  const shapes: Array<[number, number, number]> = [[1, 1, 1], [3, 4, 5], [7, 1, 9], [1, 6, 2], [33, 17, 65], [64, 64, 64]];
  let seed = 1;
  for (const [M, N, K] of shapes) {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        for (const [alpha, beta] of [[1, 0], [-0.5, 0.7]]) {
          test(`M=${M} N=${N} K=${K} transA=${transA} transB=${transB} alpha=${alpha} beta=${beta}`, () => {
            const rand = ref.prng(seed++);
            const A = ref.uniform(rand, M * K, -1, 1);
            const B = ref.uniform(rand, K * N, -1, 1);
            const C = ref.uniform(rand, M * N, -1, 1);
            const expected = naiveGemm(transA, transB, M, N, K, alpha, A, B, beta, C);
            gemm(transA, transB, M, N, K, alpha, A, B, beta, C);
            expect(ref.maxScaledError(C, expected.C, expected.scale)).toBeLessThanOrEqual(1e-14);
          });
        }
      }
    }
  }

  test('views at an offset inside a larger buffer', () => {
    const rand = ref.prng(99);
    const buffer = ref.uniform(rand, 100, -1, 1);
    const A = buffer.subarray(3, 3 + 12); // 3 x 4
    const B = buffer.subarray(20, 20 + 8); // 4 x 2
    const C = new Float64Array(6);
    const expected = naiveGemm(false, false, 3, 2, 4, 1, A, B, 0, C);
    gemm(false, false, 3, 2, 4, 1, A, B, 0, C);
    expect(ref.maxScaledError(C, expected.C, expected.scale)).toBeLessThanOrEqual(1e-14);
  });
});

describe.skipIf(unavailable)('predict', () => {
  const cases: Array<[number[], number]> = [[[3, 5, 3], 9], [[400, 25, 10], 15], [[7, 6, 5, 4], 11], [[6, 2], 4], [[3, 4, 2], 2100]];
  for (const [layers, m] of cases) {
    test(`layers ${layers.join('-')}, m = ${m}: the seed's feed_forward, sync and async`, async () => {
      const rand = ref.prng(m);
      const X = ref.uniform(rand, m * layers[0], -1, 1);
      const theta = ref.uniform(rand, ref.parameterCount(layers), -1, 1);
      const K = layers[layers.length - 1];
      const expected = ref.referencePredict(layers, theta, X, m);
      const out = new Float64Array(m * K);
      predict(layers, theta, X, m, out);
      expect(ref.maxRelativeError(out, expected)).toBeLessThanOrEqual(1e-12);
      const outAsync = new Float64Array(m * K).fill(Number.NaN);
      await predictAsync(layers, theta, X, m, outAsync);
      expect(ref.maxRelativeError(outAsync, out)).toBe(0);
    });
  }

  test('saturated units give probabilities in [0, 1], never NaN', () => {
    const layers = [5, 4, 3];
    const rand = ref.prng(3);
    const X = ref.uniform(rand, 6 * 5, -1, 1);
    const theta = ref.uniform(rand, ref.parameterCount(layers), -300, 300);
    const out = new Float64Array(6 * 3);
    predict(layers, theta, X, 6, out);
    expect(out.every((h) => h >= 0 && h <= 1)).toBe(true);
    expect(ref.maxRelativeError(out, ref.referencePredict(layers, theta, X, 6))).toBeLessThanOrEqual(1e-12);
  });

  test('NativeNetwork.feedForward is predict on the resident X', () => {
    const layers = [6, 5, 3];
    const m = 13;
    const rand = ref.prng(4);
    const X = ref.uniform(rand, m * 6, -1, 1);
    const Y = ref.oneHot(rand, m, 3);
    const theta = ref.uniform(rand, ref.parameterCount(layers), -1, 1);
    const net = new NativeNetwork(layers, X, Y, m);
    const out = new Float64Array(m * 3);
    net.feedForward(theta, out);
    expect(ref.maxRelativeError(out, ref.referencePredict(layers, theta, X, m))).toBeLessThanOrEqual(1e-12);
  });

  test('predictAsync copies X and theta when called', async () => {
    const layers = [4, 3, 2];
    const rand = ref.prng(5);
    const X = ref.uniform(rand, 10 * 4, -1, 1);
    const theta = ref.uniform(rand, ref.parameterCount(layers), -1, 1);
    const expected = ref.referencePredict(layers, theta, X, 10);
    const out = new Float64Array(20);
    const pending = predictAsync(layers, theta, X, 10, out);
    X.fill(7);
    theta.fill(-7);
    await pending;
    expect(ref.maxRelativeError(out, expected)).toBeLessThanOrEqual(1e-12);
  });
});
