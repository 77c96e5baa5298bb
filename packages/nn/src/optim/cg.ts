import { InvalidArgumentError } from '../errors.js';
import { evaluate, report } from './driver.js';
import { budgetLeft, type OptionSpec, type OptionsOf } from './options.js';
import type { MethodEvent, MethodOutcome, OptimizerMethod, Status } from './types.js';
import { axpy, dot, maxAbs, norm2 } from './vector.js';

/**
 * Nonlinear conjugate gradients as in Carl Edward Rasmussen's minimize.m / the course's fmincg.m:
 * Polak–Ribière directions, and a line search that extrapolates with cubics (at most EXT times the current step)
 * until the slope is small or positive, then interpolates (cubic, or quadratic when f went up) inside the bracket,
 * until the strong Wolfe–Powell conditions hold:
 *     f(x + z s) ≤ f(x) + RHO·z·f'(x)·s      and      |f'(x + z s)·s| ≤ −SIG·f'(x)·s
 * At most MAX evaluations per line search; the next initial step is the last one times the ratio of slopes
 * (at most RATIO). A failed line search restarts along −∇f; two failures in a row end the run.
 * Options: see `options` below. cg's gtol is not in fmincg.m: its default 0 only catches an exactly zero gradient,
 * where fmincg.m would fail its line searches.
 *
 * One departure from fmincg.m: after a failed line search it restarts from the saved point with the gradient
 * AT that point (fmincg.m swaps in the gradient of the last trial point). Resuming: call again with x0 = result.x
 * (the direction restarts along −∇f) and `spent` (minimize's) makes maxIter the total of both runs.
 */
const options = {
  maxIter: {
    default: 100,
    accepts: { integer: true },
    help: "> 0: line searches (the course's MaxIter; nit counts them); < 0: −maxIter is the budget of evaluations",
  },
  red: { default: 1, accepts: { above: 0 }, help: 'expected reduction of f in the first line search (first step red/(1 + |g|²))' },
  gtol: { default: 0, accepts: { atLeast: 0 }, help: "stop with 'converged' when max|∇f| ≤ gtol before a line search" },
} satisfies Record<string, OptionSpec>;
export type CgOptions = OptionsOf<typeof options>;

const RHO = 0.01;
const SIG = 0.5;
const INT = 0.1;
const EXT = 3.0;
const MAX = 20;
const RATIO = 100;
const REALMIN = 2.2250738585072014e-308;

function validate(o: CgOptions): void {
  if (o.maxIter === 0) {
    throw new InvalidArgumentError(
      "cg option 'maxIter' must be a non-zero integer (> 0: line searches, < 0: minus the evaluations); received 0",
    );
  }
}

function* run(x0: Float64Array, o: CgOptions): Generator<MethodEvent, MethodOutcome, number> {
  const n = x0.length;
  const countsEvaluations = o.maxIter < 0;
  const length = Math.abs(o.maxIter);
  const X = Float64Array.from(x0);
  const X0 = new Float64Array(n);
  let df1 = new Float64Array(n);
  let df2 = new Float64Array(n);
  const df0 = new Float64Array(n);
  const s = new Float64Array(n);

  let i = 0; // line searches, or evaluations when maxIter < 0
  let searches = 0;
  let f1 = yield* evaluate(X, df1);
  if (countsEvaluations) i++;
  yield* report({ iteration: 0, x: X, fun: f1, jac: df1, gradNorm: norm2(df1), comparable: true, notify: true });

  for (let k = 0; k < n; k++) s[k] = -df1[k];
  let d1 = -dot(s, s); // slope along s
  let z1 = o.red / (1 - d1); // initial step
  let failedBefore = false;
  let status: Status = countsEvaluations ? 'max_evaluations' : 'max_iterations';

  while (i < length) {
    if (maxAbs(df1) <= o.gtol) {
      status = 'converged';
      break;
    }
    if (!countsEvaluations) i++;
    searches++;
    X0.set(X);
    const f0 = f1;
    df0.set(df1);

    axpy(z1, s, X);
    let f2 = yield* evaluate(X, df2);
    if (countsEvaluations) i++;
    let d2 = dot(df2, s);
    let f3 = f1;
    let d3 = d1;
    let z3 = -z1;
    let M = countsEvaluations ? Math.min(MAX, length - i) : MAX;
    let success = false;
    let limit = -1;

    for (;;) {
      // Interpolate while the point is too high or the slope too steep.
      while ((f2 > f1 + z1 * RHO * d1 || d2 > -SIG * d1) && M > 0) {
        limit = z1; // tighten the bracket
        let z2: number;
        if (f2 > f1) {
          z2 = z3 - (0.5 * d3 * z3 * z3) / (d3 * z3 + f2 - f3); // quadratic fit
        } else {
          const A = (6 * (f2 - f3)) / z3 + 3 * (d2 + d3); // cubic fit
          const B = 3 * (f3 - f2) - z3 * (d3 + 2 * d2);
          z2 = (Math.sqrt(B * B - A * d2 * z3 * z3) - B) / A;
        }
        if (!Number.isFinite(z2)) z2 = z3 / 2; // bisect when the fit breaks down
        z2 = Math.max(Math.min(z2, INT * z3), (1 - INT) * z3); // not too close to either end
        z1 += z2;
        axpy(z2, s, X);
        f2 = yield* evaluate(X, df2);
        M--;
        if (countsEvaluations) i++;
        d2 = dot(df2, s);
        z3 -= z2; // z3 is now relative to the new point
      }
      if (f2 > f1 + z1 * RHO * d1 || d2 > -SIG * d1) break; // failure
      if (d2 > SIG * d1) {
        success = true;
        break;
      }
      if (M === 0) break;
      // Extrapolate with a cubic.
      const A = (6 * (f2 - f3)) / z3 + 3 * (d2 + d3);
      const B = 3 * (f3 - f2) - z3 * (d3 + 2 * d2);
      let z2 = (-d2 * z3 * z3) / (B + Math.sqrt(B * B - A * d2 * z3 * z3));
      if (!Number.isFinite(z2) || z2 < 0) {
        // No real or useful extrapolation: go as far as allowed, or bisect toward the known limit.
        z2 = limit < -0.5 ? z1 * (EXT - 1) : (limit - z1) / 2;
      } else if (limit > -0.5 && z2 + z1 > limit) {
        z2 = (limit - z1) / 2; // beyond the bracket: bisect
      } else if (limit < -0.5 && z2 + z1 > z1 * EXT) {
        z2 = z1 * (EXT - 1); // at most EXT times the current step
      } else if (z2 < -z3 * INT) {
        z2 = -z3 * INT;
      } else if (limit > -0.5 && z2 < (limit - z1) * (1 - INT)) {
        z2 = (limit - z1) * (1 - INT); // too close to the limit
      }
      f3 = f2;
      d3 = d2;
      z3 = -z2;
      z1 += z2;
      axpy(z2, s, X);
      f2 = yield* evaluate(X, df2);
      M--;
      if (countsEvaluations) i++;
      d2 = dot(df2, s);
    }

    if (success) {
      f1 = f2;
      // Polak–Ribière: s = ((df2·df2 − df1·df2) / (df1·df1))·s − df2
      const beta = (dot(df2, df2) - dot(df1, df2)) / dot(df1, df1);
      for (let k = 0; k < n; k++) s[k] = beta * s[k] - df2[k];
      const swap = df1;
      df1 = df2;
      df2 = swap;
      d2 = dot(df1, s);
      if (d2 > 0) {
        // Not a descent direction: use steepest descent.
        for (let k = 0; k < n; k++) s[k] = -df1[k];
        d2 = -dot(s, s);
      }
      z1 *= Math.min(RATIO, d1 / (d2 - REALMIN));
      d1 = d2;
      failedBefore = false;
      yield* report({
        iteration: searches,
        x: X,
        fun: f1,
        jac: df1,
        gradNorm: norm2(df1),
        comparable: true,
        notify: true,
      });
    } else {
      X.set(X0);
      f1 = f0;
      df1.set(df0);
      if (failedBefore || i > length) {
        if (failedBefore) status = 'line_search_failed';
        break;
      }
      for (let k = 0; k < n; k++) s[k] = -df1[k];
      d1 = -dot(s, s);
      z1 = 1 / (1 - d1);
      failedBefore = true;
    }
  }

  const message =
    status === 'converged'
      ? `Converged: max |grad| <= gtol (${o.gtol})`
      : status === 'line_search_failed'
      ? 'Line search failed twice in a row (no acceptable step along -grad either)'
      : countsEvaluations
        ? `Maximum number of function evaluations (${length}) reached`
        : `Maximum number of iterations (line searches: ${length}) reached`;
  return { x: X, fun: f1, jac: df1, nit: searches, status, message };
}

export const cg: OptimizerMethod<CgOptions, 'cg'> = {
  name: 'cg',
  summary: "nonlinear conjugate gradients (the course's fmincg)",
  options,
  validate,
  run,
  // maxIter > 0 counts line searches (the iterations a checkpoint records), < 0 evaluations.
  resumed: (o, spent) => ({
    ...o,
    maxIter: o.maxIter > 0
      ? budgetLeft('cg', 'line searches (maxIter)', 'maxIter', o.maxIter, spent.nit)
      : -budgetLeft('cg', 'evaluations (−maxIter)', '−maxIter', -o.maxIter, spent.nfev),
  }),
};
