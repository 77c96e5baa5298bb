import { describe, expect, it } from 'vitest';
import { backendInfo, bindNetwork, gradientCheck, randomInit, Rng, type BackendName } from '../src/index.js';

const backends: BackendName[] = backendInfo().nativeAvailable ? ['ts', 'native'] : ['ts'];

describe.each(backends)("the course's checkNNGradients (%s)", (backend) => {
  it('relative difference < 1e-9 without regularisation', () => {
    expect(gradientCheck({ backend }).relativeDifference).toBeLessThan(1e-9);
  });
  it('relative difference < 1e-9 with λ = 3', () => {
    expect(gradientCheck({ backend, lambda: 3 }).relativeDifference).toBeLessThan(1e-9);
  });
  it('a deeper stack [4, 6, 5, 3] also checks out', () => {
    expect(gradientCheck({ backend, lambda: 1, layers: [4, 6, 5, 3], m: 7 }).relativeDifference).toBeLessThan(1e-9);
  });
});

describe.each(backends)('saturated networks stay finite (%s)', (backend) => {
  it('weights ×100, huge λ, all-zero inputs, one class, m = 1', () => {
    const layers = [30, 8, 4];
    const rng = new Rng(1);
    const theta = randomInit(layers, { range: 0.5, seed: 2 }).map((v) => v * 100);
    const X = { rows: 12, cols: 30, data: Float64Array.from({ length: 360 }, () => rng.uniform(-3, 3)) };
    const y = Int32Array.from({ length: 12 }, (_, i) => 1 + (i % 4));
    const zeros = { rows: 12, cols: 30, data: new Float64Array(360) };
    const one = { rows: 1, cols: 30, data: X.data.slice(0, 30) };
    for (const [x, yy, lambda] of [
      [X, y, 0],
      [X, y, 1e12],
      [zeros, y, 1],
      [X, new Int32Array(12).fill(2), 1],
      [one, Int32Array.of(3), 1],
    ] as const) {
      const net = bindNetwork(x, yy, { layers, backend });
      const g = new Float64Array(net.parameterCount);
      const J = net.costGradient(theta, lambda, g);
      expect(Number.isFinite(J)).toBe(true);
      expect(g.every(Number.isFinite)).toBe(true);
    }
  });
});
