import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../src/errors.js';
import { minimize } from '../src/optim/index.js';
import type { Objective } from '../src/optim/index.js';
import { golden, logistic, maxDiff, quadratic, rosen, rosenStart } from './fixtures/optim/problems.js';

const P = golden.problems;

function counting(fun: Objective): { fun: Objective; calls: () => number } {
  let calls = 0;
  return {
    fun: (x, g, rows) => {
      calls++;
      return fun(x, g, rows);
    },
    calls: () => calls,
  };
}

describe('cg (fmincg): converges to the known minimisers', () => {
  it.each([2, 5, 10])('rosenbrock %i-D: x* = 1 to 1e-6', (n) => {
    const r = minimize(rosen, rosenStart(n), { method: 'cg', options: { maxIter: 3000 } });
    expect(maxDiff(r.x, new Float64Array(n).fill(1))).toBeLessThan(1e-6);
    expect(r.fun).toBeLessThan(1e-12);
  });

  it('logistic regression: the Newton minimiser and scipy CG agree with it', () => {
    const r = minimize(logistic().fun, new Float64Array(4), { method: 'cg', options: { maxIter: 200, gtol: 1e-9 } });
    expect(r.status).toBe('converged');
    expect(r.success).toBe(true);
    expect(maxDiff(r.x, P.logistic.xStar)).toBeLessThan(1e-6);
    expect(maxDiff(r.x, P.logistic.cg.x)).toBeLessThan(1e-6);
  });

  it('convex quadratic: x* = A⁻¹b', () => {
    const r = minimize(quadratic().fun, new Float64Array(8), { method: 'cg', options: { maxIter: 500, gtol: 1e-9 } });
    expect(maxDiff(r.x, P.quadratic.xStar)).toBeLessThan(1e-7);
  });

  it('never increases f from one line search to the next', () => {
    const r = minimize(rosen, rosenStart(5), { method: 'cg', options: { maxIter: 100 } });
    for (let i = 1; i < r.history.length; i++) expect(r.history[i].fun).toBeLessThanOrEqual(r.history[i - 1].fun);
  });
});

describe('cg maxIter semantics (as the course: positive = line searches, negative = evaluations)', () => {
  it.each([1, 5, 30])('maxIter %i performs exactly that many line searches', (maxIter) => {
    const seen: number[] = [];
    const r = minimize(rosen, rosenStart(10), {
      method: 'cg',
      options: { maxIter },
      callback: (info) => {
        seen.push(info.iteration);
      },
    });
    expect(r.nit).toBe(maxIter);
    expect(r.status).toBe('max_iterations');
    expect(r.success).toBe(false);
    // Every line search on this run succeeds, so the callback saw iterations 1..maxIter.
    expect(seen).toEqual(Array.from({ length: maxIter }, (_, i) => i + 1));
  });

  it.each([3, 10, 25, 77])('a negative maxIter caps the evaluations (budget %i)', (budget) => {
    const c = counting(rosen);
    const r = minimize(c.fun, rosenStart(10), { method: 'cg', options: { maxIter: -budget } });
    expect(r.nfev).toBe(c.calls());
    expect(r.nfev).toBeLessThanOrEqual(budget);
    expect(r.nfev).toBeGreaterThanOrEqual(budget - 1); // the budget is used, not left idle
    expect(r.status).toBe('max_evaluations');
  });

  it('rejects maxIter 0 with a clear message', () => {
    expect(() => minimize(rosen, rosenStart(2), { method: 'cg', options: { maxIter: 0 } })).toThrow(
      /'maxIter' must be a non-zero integer/,
    );
  });
});

describe('lbfgs: converges to the known minimisers and matches scipy L-BFGS-B', () => {
  it.each([2, 5, 10])('rosenbrock %i-D: x* = 1 to 1e-4 (default tolerances), 1e-7 (tight)', (n) => {
    const r = minimize(rosen, rosenStart(n), { method: 'lbfgs' });
    expect(r.status).toBe('converged');
    expect(maxDiff(r.x, new Float64Array(n).fill(1))).toBeLessThan(1e-4);
    const tight = minimize(rosen, rosenStart(n), { method: 'lbfgs', options: { gtol: 1e-10, ftol: 0 } });
    expect(maxDiff(tight.x, new Float64Array(n).fill(1))).toBeLessThan(1e-7);
    // scipy's L-BFGS-B needs a similar effort on the same problem.
    expect(r.nfev).toBeLessThan(3 * P[`rosen${n}`].lbfgsb.nfev);
  });

  it('logistic regression: x within 1e-6 of the Newton minimiser and of scipy', () => {
    const r = minimize(logistic().fun, new Float64Array(4), { method: 'lbfgs', options: { gtol: 1e-10, ftol: 0 } });
    expect(r.status).toBe('converged');
    expect(r.message).toMatch(/gtol/);
    expect(maxDiff(r.x, P.logistic.xStar)).toBeLessThan(1e-8);
    expect(maxDiff(r.x, P.logistic.lbfgsb.x)).toBeLessThan(1e-6);
    expect(Math.abs(r.fun - P.logistic.fStar)).toBeLessThan(1e-14);
  });

  it('convex quadratic: x* = A⁻¹b', () => {
    const r = minimize(quadratic().fun, new Float64Array(8), { method: 'lbfgs', options: { gtol: 1e-10, ftol: 0 } });
    expect(maxDiff(r.x, P.quadratic.xStar)).toBeLessThan(1e-8);
  });

  it('honours maxfun exactly and maxIter', () => {
    for (const maxfun of [1, 2, 7, 20, 33]) {
      const c = counting(rosen);
      const r = minimize(c.fun, rosenStart(5), { method: 'lbfgs', options: { maxfun } });
      expect(r.nfev).toBe(c.calls());
      expect(r.nfev).toBeLessThanOrEqual(maxfun);
      expect(r.status).toBe('max_evaluations');
    }
    const r = minimize(rosen, rosenStart(5), { method: 'lbfgs', options: { maxIter: 4 } });
    expect(r.nit).toBe(4);
    expect(r.status).toBe('max_iterations');
  });

  it('reports f(x) and ∇f(x) of the returned point', () => {
    const r = minimize(rosen, rosenStart(5), { method: 'lbfgs', options: { maxIter: 7 } });
    const g = new Float64Array(5);
    expect(r.fun).toBe(rosen(r.x, g));
    expect(Array.from(r.jac)).toEqual(Array.from(g));
  });

  it('validates its options', () => {
    expect(() => minimize(rosen, rosenStart(2), { method: 'lbfgs', options: { m: 0 } })).toThrow(InvalidArgumentError);
    expect(() => minimize(rosen, rosenStart(2), { method: 'lbfgs', options: { c1: 0.5, c2: 0.4 } })).toThrow(
      /'c2' must be a finite number > 0.5 < 1; received 0.4/,
    );
  });
});
