import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../src/errors.js';
import { minimize } from '../src/optim/index.js';
import type { Objective } from '../src/optim/index.js';
import {
  golden,
  logistic,
  maxDiff,
  quadratic,
  rosen,
  rosenStart,
  type ScipyRun,
} from './fixtures/optim/problems.js';

// scipy's TNC return codes (scipy/optimize/_tnc.py) → our status and message.
const SCIPY_RC: Record<number, { status: string; message: string }> = {
  0: { status: 'converged', message: 'Local minimum reached (|pg| ~= 0)' },
  1: { status: 'converged', message: 'Converged (|f_n-f_(n-1)| ~= 0)' },
  2: { status: 'converged', message: 'Converged (|x_n-x_(n-1)| ~= 0)' },
  3: { status: 'max_evaluations', message: 'Max. number of function evaluations reached' },
  4: { status: 'line_search_failed', message: 'Linear search failed' },
};

const P = golden.problems;

/** Run our TNC with scipy's settings for `ref`, recording f at every iterate (scipy's callback did the same). */
function runLike(fun: Objective, x0: Float64Array, ref: ScipyRun, extra: Record<string, unknown> = {}) {
  const trajectory: number[] = [];
  const result = minimize(fun, x0, {
    method: 'tnc',
    options: { maxfun: ref.maxfun, ...extra },
    callback: (info) => {
      trajectory.push(info.fun);
    },
  });
  return { result, trajectory };
}

describe('tnc agrees with scipy.optimize TNC (golden.json from scripts/ref/optim_golden.py)', () => {
  // The fixture objectives evaluate bit-identically to the Python ones (same operation order), so a faithful
  // TNC takes exactly scipy's steps: same iterates, same evaluation count, same stopping reason.
  const exact: [string, () => { fun: Objective; x0: Float64Array }, ScipyRun, Record<string, unknown>][] = [];
  for (const n of [2, 5, 10]) {
    const p = P[`rosen${n}`];
    const make = () => ({ fun: rosen, x0: rosenStart(n) });
    exact.push([`rosen${n}, maxfun 2000`, make, p.tnc, {}]);
    exact.push([`rosen${n}, default maxfun`, make, p.tncDefault, {}]);
    exact.push([`rosen${n}, maxfun 25`, make, p.tncShort, {}]);
    exact.push([`rosen${n}, ftol 1e-14 gtol 1e-10`, make, p.tncTight, { ftol: 1e-14, gtol: 1e-10 }]);
  }
  exact.push(['rosen100, maxfun 300 (maxCGit 50)', () => ({ fun: rosen, x0: rosenStart(100) }), P.rosen100.tnc, {}]);
  exact.push(['quadratic', () => ({ fun: quadratic().fun, x0: new Float64Array(8) }), P.quadratic.tnc, {}]);
  exact.push([
    'quadratic in a box',
    () => ({ fun: quadratic().fun, x0: new Float64Array(8) }),
    P.quadratic.bounds.tnc,
    { lower: P.quadratic.bounds.lower, upper: P.quadratic.bounds.upper },
  ]);

  it.each(exact)('%s: identical iterates, nfev, nit and stopping reason', (_name, make, ref, extra) => {
    const { fun, x0 } = make();
    const { result, trajectory } = runLike(fun, x0, ref, extra);
    expect(trajectory).toEqual(ref.trajectory);
    expect(Array.from(result.x)).toEqual(ref.x);
    expect(result.nfev).toBe(ref.nfev);
    expect(result.nit).toBe(ref.nit);
    expect(result.status).toBe(SCIPY_RC[ref.rc as number].status);
    expect(result.message).toBe(SCIPY_RC[ref.rc as number].message);
    expect(result.success).toBe(result.status === 'converged');
  });

  it('logistic regression: same path to 1e-9 (exp/log may differ in the last bit between V8 and libm)', () => {
    for (const ref of [P.logistic.tnc, P.logistic.tncShort] as ScipyRun[]) {
      const { result, trajectory } = runLike(logistic().fun, new Float64Array(4), ref);
      expect(trajectory.length).toBe(ref.trajectory!.length);
      trajectory.forEach((f, i) => expect(Math.abs(f - ref.trajectory![i])).toBeLessThan(1e-9 * Math.abs(f)));
      expect(maxDiff(result.x, ref.x)).toBeLessThan(1e-7);
      expect(result.nfev).toBe(ref.nfev);
      expect(result.status).toBe(SCIPY_RC[ref.rc as number].status);
    }
  });
});

describe('tnc converges to the known minimisers', () => {
  it.each([2, 5, 10])('rosenbrock %i-D reaches x* = 1 to 1e-4 with tight tolerances', (n) => {
    const r = minimize(rosen, rosenStart(n), { method: 'tnc', options: { maxfun: 5000, ftol: 1e-14, gtol: 1e-10 } });
    expect(r.success).toBe(true);
    expect(maxDiff(r.x, new Float64Array(n).fill(1))).toBeLessThan(1e-4);
    expect(r.fun).toBeLessThan(1e-9);
  });

  it('logistic regression reaches the Newton-method minimiser', () => {
    const r = minimize(logistic().fun, new Float64Array(4), { method: 'tnc', options: { ftol: 1e-14, gtol: 1e-10 } });
    expect(r.status).toBe('converged');
    expect(maxDiff(r.x, P.logistic.xStar)).toBeLessThan(1e-6);
    expect(Math.abs(r.fun - P.logistic.fStar)).toBeLessThan(1e-12);
  });

  it('box-constrained quadratic matches the tight L-BFGS-B answer and stays in the box', () => {
    const b = P.quadratic.bounds;
    const r = minimize(quadratic().fun, new Float64Array(8), {
      method: 'tnc',
      options: { lower: b.lower, upper: b.upper, maxfun: 1000, ftol: 1e-14, gtol: 1e-10 },
    });
    for (let i = 0; i < 8; i++) {
      expect(r.x[i]).toBeGreaterThanOrEqual(b.lower[i]);
      expect(r.x[i]).toBeLessThanOrEqual(b.upper[i]);
    }
    expect(maxDiff(r.x, b.xStar)).toBeLessThan(1e-6);
    expect(Math.abs(r.fun - b.fStar)).toBeLessThan(1e-10);
  });
});

describe('tnc evaluation budget', () => {
  it('never exceeds maxfun, counting line-search AND Hessian-vector evaluations', () => {
    for (let maxfun = 1; maxfun <= 40; maxfun++) {
      let calls = 0;
      const counted: Objective = (x, g) => {
        calls++;
        return rosen(x, g);
      };
      const r = minimize(counted, rosenStart(10), { method: 'tnc', options: { maxfun } });
      expect(r.nfev).toBe(calls);
      expect(r.nfev).toBeLessThanOrEqual(maxfun);
      expect(r.status).toBe('max_evaluations');
      expect(r.success).toBe(false);
    }
  });

  it('maxCGit 0 takes steepest-descent steps (no Hessian-vector products)', () => {
    let calls = 0;
    const r = minimize(
      (x, g) => {
        calls++;
        return rosen(x, g);
      },
      rosenStart(2),
      { method: 'tnc', options: { maxCGit: 0, maxfun: 50 } },
    );
    expect(r.nfev).toBe(calls);
    expect(r.fun).toBeLessThan(24.2); // f(x0) = 24.2: it made progress
  });
});

describe('tnc options', () => {
  it('rejects infeasible bounds, naming the variable', () => {
    expect(() =>
      minimize(rosen, rosenStart(2), { method: 'tnc', options: { lower: [0, 2], upper: [1, 1] } }),
    ).toThrow(/lower\[1\] = 2 > upper\[1\] = 1/);
  });

  it('rejects a wrongly sized bound vector and a non-integer maxfun', () => {
    expect(() => minimize(rosen, rosenStart(2), { method: 'tnc', options: { lower: [0, 0, 0] } })).toThrow(
      InvalidArgumentError,
    );
    expect(() => minimize(rosen, rosenStart(2), { method: 'tnc', options: { maxfun: 2.5 } })).toThrow(
      /'maxfun' must be an integer ≥ 1; received 2.5/,
    );
  });

  it('explicit scale = 1 + |x0| and offset = x0 reproduce the default scaling exactly; another scale does not', () => {
    const x0 = rosenStart(5);
    const scale = Array.from(x0, (v) => 1 + Math.abs(v));
    const base = minimize(rosen, x0, { method: 'tnc', options: { maxfun: 60 } });
    const same = minimize(rosen, x0, { method: 'tnc', options: { maxfun: 60, scale, offset: Array.from(x0) } });
    const other = minimize(rosen, x0, { method: 'tnc', options: { maxfun: 60, scale: [1, 1, 1, 1, 1] } });
    expect(Array.from(same.x)).toEqual(Array.from(base.x));
    expect(Array.from(other.x)).not.toEqual(Array.from(base.x));
  });

  it('clamps x0 into the bounds and keeps every evaluated point inside them', () => {
    const lower = [-0.5, -0.5];
    const upper = [0.8, 0.9];
    const r = minimize(
      (x, g) => {
        for (let i = 0; i < 2; i++) {
          expect(x[i]).toBeGreaterThanOrEqual(lower[i]);
          expect(x[i]).toBeLessThanOrEqual(upper[i]);
        }
        return rosen(x, g);
      },
      rosenStart(2),
      { method: 'tnc', options: { lower, upper, maxfun: 200 } },
    );
    // The constrained minimiser of Rosenbrock here has x1 = upper 0.8 (interior optimum (1,1) is outside).
    expect(r.x[0]).toBeCloseTo(0.8, 6);
    expect(r.x[1]).toBeCloseTo(0.64, 4);
  });
});
