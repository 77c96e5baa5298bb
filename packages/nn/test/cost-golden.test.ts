import { describe, expect, it } from 'vitest';
import { backendInfo, cost, costGradient, gradient, sigmoidGradient, type BackendName } from '../src/index.js';
import { loadGolden, maxRelErr, rowsToMatrix } from './helpers.js';

const backends: BackendName[] = backendInfo().nativeAvailable ? ['ts', 'native'] : ['ts'];
if (!backendInfo().nativeAvailable) console.warn(`[notice] native backend unavailable: ${backendInfo().reason}`);

describe('sigmoidGradient (course figures)', () => {
  it('matches 0.196612 0.235004 0.25 0.235004 0.196612 and numpy', () => {
    const g = loadGolden().ex4.sigmoidGradient;
    const z = [-1, -0.5, 0, 0.5, 1];
    const ours = z.map(sigmoidGradient);
    expect(ours.map((v) => Number(v.toFixed(6)))).toEqual([0.196612, 0.235004, 0.25, 0.235004, 0.196612]);
    expect(maxRelErr(ours, g)).toBeLessThan(1e-15);
  });
});

describe.each(backends)('ex4 cost and gradient with the genuine ex4weights vs the seed in numpy (%s)', (backend) => {
  const g = loadGolden().ex4;
  const X = rowsToMatrix(g.X);
  const theta = Float64Array.from(g.theta);
  const layers = g.layers;

  it('cost (λ = 0) and regularised cost (λ = 1, 3)', () => {
    expect(cost(theta, X, g.y, { layers, backend })).toBeCloseTo(g.cost, 12);
    expect(Math.abs(cost(theta, X, g.y, { layers, lambda: 1, backend }) - g.regCost1) / g.regCost1).toBeLessThan(1e-13);
    expect(Math.abs(cost(theta, X, g.y, { layers, lambda: 3, backend }) - g.regCost3) / g.regCost3).toBeLessThan(1e-13);
  });

  it('gradient (λ = 0) and regularised gradient (λ = 1), every entry', () => {
    const g0 = gradient(theta, X, g.y, { layers, backend });
    const g1 = costGradient(theta, X, g.y, { layers, lambda: 1, backend }).grad;
    expect(g0.length).toBe(10285);
    expect(maxRelErr(g0, g.gradient, 1e-12)).toBeLessThan(1e-9);
    expect(maxRelErr(g1, g.regGradient1, 1e-12)).toBeLessThan(1e-9);
  });
});

describe.each(backends)('deep layer stacks vs numpy (%s)', (backend) => {
  for (const c of loadGolden().deep) {
    it(`[${c.layers.join(', ')}] λ = ${c.lambda}`, () => {
      const r = costGradient(Float64Array.from(c.theta), rowsToMatrix(c.X), c.y, {
        layers: c.layers,
        lambda: c.lambda,
        backend,
      });
      expect(Math.abs(r.cost - c.cost) / c.cost).toBeLessThan(1e-13);
      expect(maxRelErr(r.grad, c.gradient, 1e-12)).toBeLessThan(1e-10);
    });
  }
});
