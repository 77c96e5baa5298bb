/**
 * The strong-Wolfe line search (optim/wolfe.ts) run on its own, step by step, against Nocedal & Wright's
 * Algorithms 3.5/3.6 written out plainly in scripts/ref/wolfe_golden.py (fixture: fixtures/optim/wolfe-golden.json).
 * Every evaluated step, its f and φ', the status, the returned step and the gradient left in `grad` must match:
 * accepted at α0, after doubling, after zoom (cubic, quadratic and midpoint trial steps, brackets in both
 * orders), f flat to rounding (8 and 15 ulps above f(0) accepted, 16 and 20 not), exact ties on each test's
 * boundary, the evaluation budget (with and without a step of sufficient decrease) and a collapsing bracket. Issue 21: the L-BFGS goldens that use this search are
 * trainings, so Stryker's run saw only 22% of its mutants killed.
 *
 * The reference's interpolants come from numpy's solvers, so trial steps agree to rounding: steps and f to 1e-9
 * relative, statuses and evaluation counts exactly.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { strongWolfe } from '../src/optim/wolfe.js';

interface Spec {
  kind: 'quadratic' | 'quartic' | 'huber' | 'plateau' | 'wrong-slope' | 'poly' | 'step' | 'cusp';
  p: number[];
}
interface Trial {
  alpha: number;
  f: number;
  slope: number;
  rule: string;
}
interface Run {
  name: string;
  objective: Spec;
  x: number[];
  d: number[];
  alpha0: number;
  c1: number;
  c2: number;
  maxEvaluations: number;
  f0: number;
  slope0: number;
  status: 'ok' | 'budget' | 'stuck';
  alpha: number;
  f: number;
  grad: number[] | null;
  evaluations: number;
  trials: Trial[];
}

const here = dirname(fileURLToPath(import.meta.url));
const golden = JSON.parse(readFileSync(join(here, 'fixtures', 'optim', 'wolfe-golden.json'), 'utf8')) as {
  runs: Run[];
};

/** The reference's objectives, the same scalar loops (bit-identical f and gradient at the same point). */
function objective({ kind, p }: Spec): (x: Float64Array, g: Float64Array) => number {
  return (x, g) => {
    let f = kind === 'plateau' ? p[0] : 0;
    for (let i = 0; i < x.length; i++) {
      if (kind === 'quadratic') {
        const u = x[i] - p[1];
        f += p[0] * u * u;
        g[i] = 2 * p[0] * u;
      } else if (kind === 'quartic') {
        const u = x[i] - p[0];
        f += u * u * u * u - p[1] * u * u + p[2] * x[i];
        g[i] = 4 * u * u * u - 2 * p[1] * u + p[2];
      } else if (kind === 'huber') {
        const t = p[0] * (x[i] - p[1]);
        const s = Math.sqrt(1 + t * t);
        f += s / p[0];
        g[i] = t / s;
      } else if (kind === 'plateau') {
        const u = x[i] - 1;
        f += p[1] * u * u + p[2] * x[i];
        g[i] = 2 * p[1] * u;
      } else if (kind === 'wrong-slope') {
        const u = x[i] - p[1];
        f += p[0] * u * u;
        g[i] = p[2];
      } else if (kind === 'poly') {
        let v = 0;
        let dv = 0;
        for (let k = 0; k < p.length; k++) {
          v = v * x[i] + p[k];
          if (k < p.length - 1) dv = dv * x[i] + (p.length - 1 - k) * p[k];
        }
        f += v;
        g[i] = dv;
      } else if (kind === 'step') {
        f += x[i] >= p[0] ? p[1] : 0;
        g[i] = p[2];
      } else {
        const u = x[i] - p[0];
        const r = Math.sqrt(Math.abs(u));
        f += r + p[1] * x[i];
        g[i] = (u > 0 ? 0.5 / r : -0.5 / r) + p[1];
      }
    }
    return f;
  };
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Relative agreement to 1e-9 (absolute near 0). */
function close(actual: number, expected: number, what: string): void {
  const tol = 1e-9 * Math.max(1, Math.abs(expected));
  expect(Math.abs(actual - expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(tol);
}

function run(ref: Run) {
  const fun = objective(ref.objective);
  const x = Float64Array.from(ref.x);
  const d = Float64Array.from(ref.d);
  const g0 = new Float64Array(x.length);
  const f0 = fun(x, g0);
  const grad = new Float64Array(x.length).fill(-12345);
  const xTrial = new Float64Array(x.length);
  const gen = strongWolfe({
    x,
    d,
    f0,
    slope0: dot(g0, d),
    alpha0: ref.alpha0,
    c1: ref.c1,
    c2: ref.c2,
    maxEvaluations: ref.maxEvaluations,
    xTrial,
    grad,
  });
  const points: Float64Array[] = [];
  const values: number[] = [];
  const slopes: number[] = [];
  let answer = NaN;
  for (;;) {
    const next = gen.next(answer);
    if (next.done) return { outcome: next.value, points, values, slopes, grad, f0, slope0: dot(g0, d) };
    const request = next.value;
    if (request.kind !== 'evaluate') throw new Error('a line search reports no iterates');
    expect(request.x).toBe(xTrial); // evaluates in the scratch it was given
    points.push(Float64Array.from(request.x));
    answer = fun(request.x, request.grad);
    values.push(answer);
    slopes.push(dot(request.grad, d));
    if (points.length > 1000) throw new Error('runaway line search');
  }
}

describe('strong Wolfe line search: the path of N&W Algorithms 3.5/3.6 (wolfe-golden.json)', () => {
  it.each(golden.runs.map((r) => [r.name, r] as const))('%s', (_name, ref) => {
    const got = run(ref);
    expect(got.f0).toBe(ref.f0);
    expect(got.slope0).toBe(ref.slope0);
    // every evaluation: the step (x = x0 + α d, compared per coordinate), f and φ'
    expect(got.points.length, 'evaluations made').toBe(ref.trials.length);
    ref.trials.forEach((t, k) => {
      for (let i = 0; i < ref.x.length; i++) close(got.points[k][i], ref.x[i] + t.alpha * ref.d[i], `step ${k} x[${i}]`);
      close(got.values[k], t.f, `step ${k} f`);
      close(got.slopes[k], t.slope, `step ${k} slope`);
    });
    expect(got.outcome.status).toBe(ref.status);
    expect(got.outcome.evaluations).toBe(ref.evaluations);
    close(got.outcome.alpha, ref.alpha, 'returned alpha');
    close(got.outcome.f, ref.f, 'returned f');
    if (ref.alpha === 0) {
      expect(got.outcome.alpha).toBe(0);
      expect(got.outcome.f).toBe(ref.f0);
    } else {
      // the gradient at the returned step, left in `grad`
      ref.grad!.forEach((v, i) => close(got.grad[i], v, `grad[${i}]`));
    }
  });
});
