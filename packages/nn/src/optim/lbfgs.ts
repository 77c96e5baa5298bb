import { evaluate, report } from './driver.js';
import { budgetLeft, checkNumber, type OptionSpec, type OptionsOf } from './options.js';
import type { MethodEvent, MethodOutcome, OptimizerMethod, Status } from './types.js';
import { dot, maxAbs, norm2 } from './vector.js';
import { strongWolfe } from './wolfe.js';

/**
 * Limited-memory BFGS (Nocedal 1980; Liu & Nocedal 1989): the direction is −H∇f, where H is the inverse-Hessian
 * approximation built from the last `m` pairs (s, y) = (x⁺ − x, ∇f⁺ − ∇f) by the two-loop recursion, starting
 * from H₀ = (sᵀy / yᵀy)·I. Steps satisfy the strong Wolfe conditions (wolfe.ts). A pair with sᵀy ≤ ε·yᵀy is
 * skipped (it would break positive definiteness); a failed line search or a non-descent direction clears the
 * memory and retries along −∇f once.
 *
 * Options: scipy's L-BFGS-B defaults where it has them (ftol = factr·ε with factr = 1e7); see `options` below.
 * Resuming: call again with x0 = result.x; the (s, y) memory starts empty, and `spent` (minimize's) makes maxIter
 * and maxfun the totals of both runs.
 */
const options = {
  m: { default: 10, accepts: { integer: true, atLeast: 1 }, help: '(s, y) pairs kept' },
  gtol: { default: 1e-5, accepts: { atLeast: 0 }, help: 'stop when max|∇f| ≤ gtol' },
  ftol: { default: 1e7 * Number.EPSILON, accepts: { atLeast: 0 }, help: 'stop when (f_k − f_{k+1}) / max(|f_k|, |f_{k+1}|, 1) ≤ ftol' },
  maxIter: { default: 15000, accepts: { integer: true, atLeast: 0 }, help: 'budget of iterations (accepted steps)' },
  maxfun: { default: 15000, accepts: { integer: true, atLeast: 1 }, help: 'budget of evaluations, never exceeded' },
  maxls: { default: 20, accepts: { integer: true, atLeast: 1 }, help: 'evaluations per line search' },
  c1: { default: 1e-4, accepts: { above: 0, below: 1 }, help: 'Wolfe sufficient-decrease constant' },
  c2: { default: 0.9, accepts: 'a finite number > c1 < 1', help: 'Wolfe curvature constant' },
} satisfies Record<string, OptionSpec>;
export type LbfgsOptions = OptionsOf<typeof options>;

function validate(o: LbfgsOptions): void {
  checkNumber('lbfgs', 'c2', o.c2, { above: o.c1, below: 1 });
}

/** The last m (s, y) pairs, oldest first, with ρ = 1/sᵀy. */
class PairMemory {
  private readonly pairs: { s: Float64Array; y: Float64Array; rho: number }[] = [];

  constructor(private readonly m: number) {}

  get count(): number {
    return this.pairs.length;
  }

  clear(): void {
    this.pairs.length = 0;
  }

  push(s: Float64Array, y: Float64Array, sy: number): void {
    if (this.pairs.length === this.m) this.pairs.shift();
    this.pairs.push({ s: Float64Array.from(s), y: Float64Array.from(y), rho: 1 / sy });
  }

  /** d = −H·g by the two-loop recursion. */
  direction(g: Float64Array, d: Float64Array): void {
    const n = g.length;
    const pairs = this.pairs;
    const alpha = new Float64Array(pairs.length);
    for (let i = 0; i < n; i++) d[i] = -g[i];
    for (let k = pairs.length - 1; k >= 0; k--) {
      const { s, y, rho } = pairs[k];
      alpha[k] = rho * dot(s, d);
      for (let i = 0; i < n; i++) d[i] -= alpha[k] * y[i];
    }
    if (pairs.length > 0) {
      const { y, rho } = pairs[pairs.length - 1];
      const gamma = 1 / (rho * dot(y, y)); // sᵀy / yᵀy
      for (let i = 0; i < n; i++) d[i] *= gamma;
    }
    for (let k = 0; k < pairs.length; k++) {
      const { s, y, rho } = pairs[k];
      const beta = rho * dot(y, d);
      for (let i = 0; i < n; i++) d[i] += (alpha[k] - beta) * s[i];
    }
  }
}

function* run(x0: Float64Array, o: LbfgsOptions): Generator<MethodEvent, MethodOutcome, number> {
  const n = x0.length;
  const x = Float64Array.from(x0);
  const g = new Float64Array(n);
  let f = yield* evaluate(x, g);
  let nfev = 1;
  let nit = 0;
  yield* report({ iteration: 0, x, fun: f, jac: g, gradNorm: norm2(g), comparable: true, notify: true });

  const memory = new PairMemory(o.m);
  const d = new Float64Array(n);
  const xTrial = new Float64Array(n);
  const gNew = new Float64Array(n);
  const s = new Float64Array(n);
  const y = new Float64Array(n);
  const done = (status: Status, message: string): MethodOutcome => ({
    x: Float64Array.from(x),
    fun: f,
    jac: Float64Array.from(g),
    nit,
    status,
    message,
  });

  if (maxAbs(g) <= o.gtol) return done('converged', `Converged: max |grad| <= gtol (${o.gtol})`);
  for (;;) {
    if (nit >= o.maxIter) return done('max_iterations', `Maximum number of iterations (${o.maxIter}) reached`);
    if (nfev >= o.maxfun) return done('max_evaluations', `Maximum number of function evaluations (${o.maxfun}) reached`);

    memory.direction(g, d);
    let slope = dot(g, d);
    if (!(slope < 0)) {
      memory.clear(); // H lost positive definiteness numerically: restart along −∇f
      memory.direction(g, d);
      slope = dot(g, d);
    }
    // Without curvature information the first trial step has length 1 (in x), as in L-BFGS-B.
    const alpha0 = memory.count === 0 ? Math.min(1, 1 / norm2(d)) : 1;
    const ls = yield* strongWolfe({
      x,
      d,
      f0: f,
      slope0: slope,
      alpha0,
      c1: o.c1,
      c2: o.c2,
      maxEvaluations: Math.min(o.maxls, o.maxfun - nfev),
      xTrial,
      grad: gNew,
    });
    nfev += ls.evaluations;

    if (ls.alpha === 0) {
      if (ls.status === 'budget' && nfev >= o.maxfun) {
        return done('max_evaluations', `Maximum number of function evaluations (${o.maxfun}) reached`);
      }
      if (memory.count > 0) {
        memory.clear();
        continue;
      }
      return done('line_search_failed', 'Line search failed: no step along -grad decreases f sufficiently');
    }

    const fOld = f;
    for (let i = 0; i < n; i++) {
      s[i] = ls.alpha * d[i];
      x[i] += s[i];
      y[i] = gNew[i] - g[i];
    }
    g.set(gNew);
    f = ls.f;
    nit++;
    yield* report({ iteration: nit, x, fun: f, jac: g, gradNorm: norm2(g), comparable: true, notify: true });

    if (maxAbs(g) <= o.gtol) return done('converged', `Converged: max |grad| <= gtol (${o.gtol})`);
    if ((fOld - f) / Math.max(Math.abs(fOld), Math.abs(f), 1) <= o.ftol) {
      return done('converged', `Converged: relative reduction of f <= ftol (${o.ftol})`);
    }
    const sy = dot(s, y);
    if (sy > Number.EPSILON * dot(y, y)) memory.push(s, y, sy);
  }
}

export const lbfgs: OptimizerMethod<LbfgsOptions, 'lbfgs'> = {
  name: 'lbfgs',
  summary: 'limited-memory BFGS',
  options,
  validate,
  run,
  resumed: (o, spent) => ({
    ...o,
    maxIter: budgetLeft('lbfgs', 'iterations (maxIter)', 'maxIter', o.maxIter, spent.nit),
    maxfun: budgetLeft('lbfgs', 'evaluations (maxfun)', 'maxfun', o.maxfun, spent.nfev),
  }),
};
