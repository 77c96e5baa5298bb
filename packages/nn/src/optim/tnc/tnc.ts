import { InvalidArgumentError } from '../../errors.js';
import { evaluate, report } from '../driver.js';
import { budgetLeft, type OptionSpec, type OptionsOf, vectorOption } from '../options.js';
import type { MethodEvent, MethodOutcome, OptimizerMethod, Status } from '../types.js';
import { axpy, dot, norm2, scal } from '../vector.js';
import { freeGradientNorm, freePointingInside, project, releaseOneBound, ScaledBox } from './bounds.js';
import { cgStep, hessianProduct, negateProjected, nextDirection } from './cg.js';
import { StepSearch } from './linesearch.js';
import {
  accumulatePair,
  applyInverse,
  forgetMemory,
  initialDiagonal,
  newMemory,
  prepareInverse,
  rememberStep,
  restartPair,
} from './preconditioner.js';

/**
 * Truncated Newton (TNC), after Stephen G. Nash's TNBC as shipped in scipy.optimize (method='TNC').
 *
 * Each outer iteration solves the Newton equations H p = −g approximately by preconditioned conjugate gradients
 * (at most `maxCGit` steps), where every Hessian-vector product H v is a forward difference of gradients
 * (∇f(x + δv) − ∇f(x)) / δ — one objective evaluation each, counted in nfev. The preconditioner is a two-pair
 * self-scaled BFGS update of a diagonal (see preconditioner.ts). The step along p is chosen by Gill & Murray's
 * safeguarded cubic line search (linesearch.ts), bounded by `stepmx`. Variables are scaled as in scipy
 * (1 + |x0| and offset x0 when unbounded; (up − low) and the midpoint when boxed), f is rescaled by 1/‖g‖ when
 * |log10 ‖g‖| > `rescale`, and optional bounds are handled by an active set.
 *
 * Options and their defaults are scipy's (a negative value means "choose automatically"; see `options` below).
 *
 * Departures from scipy's C code, all in edge cases: a variable that starts on its upper bound is held there from
 * the start (as one on its lower bound is); a direction component is checked only against the bound it moves
 * toward; the first trial step uses fmin·fscale (scipy divides). Resuming: call again with x0 = result.x — the
 * quasi-Newton memory and the f scaling start afresh, and `spent` (minimize's) makes maxfun the total of both runs.
 */
type Bound = number | ArrayLike<number> | null;
const vector = (what: string): OptionSpec['accepts'] => `null or n numbers${what}`;
const options = {
  maxfun: {
    default: null as number | null,
    accepts: { integer: true, atLeast: 1, nullable: true },
    help: 'budget of evaluations (line searches and Hessian-vector products), nfev ≤ maxfun; null: max(100, 10·n)',
  },
  maxCGit: {
    default: -1,
    accepts: { integer: true },
    help: 'CG steps (Hessian-vector products) per iteration; −1: max(1, min(50, ⌊n/2⌋)); 0: p = −g',
  },
  eta: { default: -1, accepts: {}, help: "line-search curvature parameter (|φ'(α)| ≤ η|φ'(0)|); −1: 0.25" },
  stepmx: { default: 0, accepts: {}, help: 'largest step in scaled variables (grows ×100 when reached); 0: 10' },
  accuracy: { default: 0, accepts: {}, help: 'relative precision of the finite differences; 0: √ε' },
  fmin: { default: 0, accepts: {}, help: 'an estimate of min f, used for the first trial step' },
  ftol: { default: -1, accepts: {}, help: 'stop when |f_k − f_{k−1}| ≤ ftol (scaled f); −1: accuracy' },
  xtol: { default: -1, accepts: {}, help: 'stop when ‖x_k − x_{k−1}‖ ≤ xtol (scaled x); −1: √ε' },
  gtol: {
    default: -1,
    accepts: {},
    help: "stop when the projected scaled gradient norm ≤ gtol (scipy's pgtol); −1: 0.01·√accuracy",
  },
  rescale: { default: -1, accepts: {}, help: 'rescale f by 1/‖g‖ when |log10 ‖g‖| > rescale; −1: 1.3' },
  lower: { default: null as Bound, accepts: vector(', or one number (±Infinity allowed)'), help: 'lower bounds' },
  upper: { default: null as Bound, accepts: vector(', or one number (±Infinity allowed)'), help: 'upper bounds' },
  scale: { default: null as ArrayLike<number> | null, accepts: vector(''), help: 'override the variable scaling' },
  offset: { default: null as ArrayLike<number> | null, accepts: vector(''), help: 'override the variable offsets' },
} satisfies Record<string, OptionSpec>;
export type TncOptions = OptionsOf<typeof options>;

const EPS = Number.EPSILON;
const RTEPS = Math.sqrt(EPS);

const MESSAGES = {
  localMinimum: 'Local minimum reached (|pg| ~= 0)',
  fConverged: 'Converged (|f_n-f_(n-1)| ~= 0)',
  xConverged: 'Converged (|x_n-x_(n-1)| ~= 0)',
  maxfun: 'Max. number of function evaluations reached',
  lineSearch: 'Linear search failed',
  constant: 'All lower bounds are equal to the upper bounds',
  noProgress: 'Unable to progress',
} as const;

/** The bounds and scaling vectors (null when not given), checked: infeasible bounds throw. */
function validate(o: TncOptions, n: number) {
  const lower = vectorOption('tnc', 'lower', o.lower, n, { allowInfinite: true });
  const upper = vectorOption('tnc', 'upper', o.upper, n, { allowInfinite: true });
  const i = lower && upper ? lower.findIndex((lo, k) => lo > upper[k]) : -1;
  if (lower && upper && i >= 0) {
    throw new InvalidArgumentError(
      `tnc options 'lower'/'upper' are infeasible: lower[${i}] = ${lower[i]} > upper[${i}] = ${upper[i]}`,
    );
  }
  const scale = vectorOption('tnc', 'scale', o.scale, n);
  return { lower, upper, scale, offset: vectorOption('tnc', 'offset', o.offset, n) };
}

/** scipy's rules for the automatic values. */
function resolve(o: TncOptions, n: number) {
  let maxCGit = o.maxCGit;
  if (maxCGit < 0) maxCGit = Math.max(1, Math.min(50, Math.floor(n / 2)));
  if (maxCGit > n) maxCGit = n;
  const accuracy = o.accuracy <= EPS ? RTEPS : o.accuracy;
  return {
    maxfun: o.maxfun ?? Math.max(100, 10 * n),
    maxCGit,
    eta: o.eta < 0 || o.eta >= 1 ? 0.25 : o.eta,
    stepmx: o.stepmx < RTEPS * 10 ? 10 : o.stepmx,
    accuracy,
    fmin: o.fmin,
    ftol: o.ftol < 0 ? accuracy : o.ftol,
    xtol: o.xtol < 0 ? RTEPS : o.xtol,
    gtol: o.gtol < 0 ? 1e-2 * Math.sqrt(accuracy) : o.gtol,
    rescale: o.rescale < 0 ? 1.3 : o.rescale,
  };
}

/** Bounds and the scaled coordinates (scipy's choice unless `scale`/`offset` are given). Clamps x0 into the bounds. */
function scaledBox(o: TncOptions, x0: Float64Array): ScaledBox {
  const n = x0.length;
  const { scale, offset, ...bounds } = validate(o, n);
  const lower = bounds.lower ?? new Float64Array(n).fill(-Infinity);
  const upper = bounds.upper ?? new Float64Array(n).fill(Infinity);
  const xscale = new Float64Array(n);
  const xoffset = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (x0[i] < lower[i]) x0[i] = lower[i];
    else if (x0[i] > upper[i]) x0[i] = upper[i];
    if (scale !== null) {
      xscale[i] = Math.abs(scale[i]);
      if (xscale[i] === 0) xoffset[i] = lower[i] = upper[i] = x0[i];
      else xoffset[i] = x0[i];
    } else if (lower[i] !== -Infinity && upper[i] !== Infinity) {
      xscale[i] = upper[i] - lower[i];
      xoffset[i] = (upper[i] + lower[i]) * 0.5;
    } else {
      xscale[i] = 1 + Math.abs(x0[i]);
      xoffset[i] = x0[i];
    }
    if (offset !== null) xoffset[i] = offset[i];
  }
  return new ScaledBox(lower, upper, xscale, xoffset);
}

function* run(x0: Float64Array, options: TncOptions): Generator<MethodEvent, MethodOutcome, number> {
  const n = x0.length;
  const box = scaledBox(options, x0); // also clamps x0 into the bounds
  const o = resolve(options, n);

  let nfev = 0;
  const x = Float64Array.from(x0); // the current point, unscaled
  const gfull = new Float64Array(n); // ∇f(x), unscaled
  let fRaw = yield* evaluate(x, gfull);
  nfev++;

  const pivot = new Int8Array(n); // FREE, or held (bounds.ts)
  const mem = newMemory(n);
  const outcome = (status: Status, message: string, nit: number): MethodOutcome => ({
    x: Float64Array.from(x),
    fun: fRaw,
    jac: Float64Array.from(gfull),
    nit,
    status,
    message,
  });
  yield* report({ iteration: 0, x, fun: fRaw, jac: gfull, gradNorm: norm2(gfull), comparable: true, notify: true });
  if (box.constants() === n) return outcome('no_progress', MESSAGES.constant, 0);

  // ------------------------------------------------------------ state in scaled variables
  let fscale = 1;
  const xs = box.scale(x, new Float64Array(n));
  let f = fRaw * fscale;
  const g = box.scaleGradient(gfull, fscale, new Float64Array(n)); // scaled, projected
  const gOld = new Float64Array(n);
  box.initialPivots(xs, pivot);
  freePointingInside(g, pivot);
  project(g, pivot);
  let gnorm = norm2(g); // = norm2(g, pivot): g is projected, and norm2 skips zeros as it skips held variables
  let fAtLastConstraintChange = f;
  let fAtLastReset = f;

  let stepmx = o.stepmx;
  let difnew = 0;
  let epsred = 0.05;
  let icycle = n - 1;
  let newcon = true;
  let alpha = 0;
  let niter = 0;

  const pk = new Float64Array(n); // the search direction
  const xTrial = new Float64Array(n); // a trial point (unscaled) and the raw gradient there
  const gTrial = new Float64Array(n);
  const bestGrad = new Float64Array(n);
  // The inner solve's vectors: the residual r = −g − H·p, the conjugate direction v, the preconditioned residual
  // zk = M⁻¹r, the diagonal preconditioner emat refined during the solve (the next D), and H·v.
  const [r, v, zk, emat, Hv] = Array.from({ length: 5 }, () => new Float64Array(n));

  for (;;) {
    if (gnorm <= o.gtol * fscale) return outcome('converged', MESSAGES.localMinimum, niter);
    if (nfev >= o.maxfun) return outcome('max_evaluations', MESSAGES.maxfun, niter);

    // Keep f on a scale where ‖g‖ ≈ 1, forgetting the preconditioner when it changes.
    if (gnorm > EPS && Math.abs(Math.log10(gnorm)) > o.rescale) {
      const factor = 1 / gnorm;
      f *= factor;
      fscale *= factor;
      gnorm *= factor;
      fAtLastConstraintChange *= factor;
      fAtLastReset *= factor;
      difnew *= factor;
      scal(factor, g);
      forgetMemory(mem);
      icycle = n - 1;
      newcon = true;
    }

    const xnorm = norm2(xs, pivot);
    const nfevBefore = nfev;

    // ---------------------------------------------------------- search direction by truncated PCG
    yield* newtonDirection(gnorm, xnorm);

    if (!newcon) {
      if (!mem.lreset) {
        accumulatePair(mem);
        icycle++;
      } else {
        restartPair(mem);
        fAtLastReset = f;
        icycle = 1;
      }
    }

    gOld.set(g);
    const oldSlope = dot(g, pk);
    const oldf = f;
    const pnorm = norm2(pk); // pk stays as it is until the next direction
    const unconstrainedMax = stepmx / (pnorm + EPS);
    const spe = box.maxStep(unconstrainedMax, xs, pk, pivot);

    // ---------------------------------------------------------- line search
    if (spe > 0) {
      alpha = initialStep(f, o.fmin * fscale, oldSlope, spe);
      const ls = yield* lineSearch(spe, xnorm, pnorm);
      if (ls === 'fail') return outcome('line_search_failed', MESSAGES.lineSearch, niter);
      if (alpha >= 0.9 * unconstrainedMax) stepmx *= 1e2;
      if (alpha - spe >= -EPS * 10) newcon = true;
      else {
        if (ls === 'maxfun') return outcome('max_evaluations', MESSAGES.maxfun, niter);
        newcon = false;
      }
    } else {
      newcon = true;
    }

    if (newcon) {
      if (!box.holdReachedBounds(xs, pk, pivot) && nfev === nfevBefore) {
        return outcome('no_progress', MESSAGES.noProgress, niter);
      }
      fAtLastConstraintChange = f;
    }

    niter++;
    box.unscale(xs, x);
    yield* report({
      iteration: niter,
      x,
      fun: fRaw,
      jac: gfull,
      gradNorm: freeGradientNorm(gfull, pivot),
      comparable: true,
      notify: true,
    });

    const difold = difnew;
    difnew = oldf - f;
    if (icycle === 1) {
      // First step of a new cycle: adapt the reduction factor of the resetting test.
      if (difnew > difold * 2) epsred += epsred;
      if (difnew < difold * 0.5) epsred *= 0.5;
    }

    box.scaleGradient(gfull, fscale, g);
    gnorm = norm2(g, pivot);
    const released = releaseOneBound(oldSlope, gnorm, o.gtol * fscale, f, fAtLastConstraintChange, g, pivot);
    if (released) {
      gnorm = norm2(g, pivot);
      fAtLastConstraintChange = f;
    }

    if (!released && !newcon) {
      if (Math.abs(difnew) <= o.ftol * fscale) return outcome('converged', MESSAGES.fConverged, niter);
      if (alpha * pnorm <= o.xtol) return outcome('converged', MESSAGES.xConverged, niter);
    }

    project(g, pivot);

    if (!newcon) {
      // Remember the step and the gradient change for the preconditioner.
      rememberStep(mem, alpha, pk, g, gOld);
      if (icycle === n - 1 || difnew < epsred * (fAtLastReset - f)) mem.lreset = true;
      else {
        mem.yrsr = dot(mem.yr, mem.sr);
        mem.lreset = mem.yrsr <= 0;
      }
      mem.upd1 = false;
    }
  }

  /**
   * Approximately solve H·p = −g by preconditioned CG, stopping on negative curvature, when the quadratic
   * model stops improving (Nash's test), after maxCGit steps, or when one evaluation is all that is left.
   * Writes p into pk, from g.
   */
  function* newtonDirection(rhsnrm: number, xnorm: number): Generator<MethodEvent, void, number> {
    if (o.maxCGit === 0) {
      negateProjected(g, pivot, pk);
      return;
    }
    const tol = 1e-12;
    let qold = 0;
    let rzold = 0;
    initialDiagonal(mem, emat);
    prepareInverse(mem);
    // p = 0, r = −g projected (cgStep keeps it so), v = 0 (the first step's v = zk + 0·v must see zeros).
    pk.fill(0);
    negateProjected(g, pivot, r);
    v.fill(0);
    const delta = o.accuracy * (xnorm + 1);

    for (let k = 0; k < o.maxCGit; k++) {
      const rz = applyInverse(mem, r, zk, pivot); // zk = M⁻¹r, projected
      if (rz / rhsnrm < tol || nfev >= o.maxfun - 1) {
        if (k === 0) negateProjected(g, pivot, pk);
        break;
      }
      const vr = nextDirection(zk, k === 0 ? 0 : rz / rzold, v, r, pivot); // v = zk + β·v

      // H·v by a forward difference of gradients.
      box.unscaleStep(xs, delta, v, xTrial);
      yield* evaluate(xTrial, Hv);
      nfev++;
      const vHv = hessianProduct(Hv, g, delta, fscale, box.xscale, v, pivot);
      if (vHv / rhsnrm < tol) {
        // Negative or vanishing curvature: on the first step fall back to −M⁻¹g.
        if (k === 0) {
          applyInverse(mem, g, pk, pivot);
          negateProjected(pk, pivot, pk);
        }
        break;
      }
      const step = rz / vHv;
      const { gp: gtp, rp } = cgStep(step, v, Hv, pk, r, g, pivot, emat, vr, vHv); // p += step·v, r −= step·Hv, emat
      const qnew = (gtp + rp) * 0.5;
      if ((k + 1) * (1 - qold / qnew) <= 0.5) break; // the quadratic model has stopped improving
      if (gtp > 0) {
        // Not a descent direction any more: undo the last step.
        axpy(-step, v, pk);
        break;
      }
      qold = qnew;
      rzold = rz;
    }
    mem.diagb.set(emat);
  }

  /**
   * Search along pk from xs for at most `xbnd` (scaled step length). On success moves xs, x, f, fRaw, gfull and
   * sets alpha; on 'maxfun'/'fail' only alpha (the best step seen) changes. `xnorm` = ‖xs‖ over the free variables
   * and `pnorm` = ‖pk‖, as the iteration computed them (neither has changed since).
   */
  function* lineSearch(
    xbnd: number,
    xnorm: number,
    pnorm: number,
  ): Generator<MethodEvent, 'ok' | 'maxfun' | 'fail', number> {
    const g0 = box.scaledSlope(gfull, fscale, pk);
    const pe = pnorm + EPS;
    const search = new StepSearch({
      reltol: (RTEPS * (xnorm + 1)) / pe,
      abstol: (-EPS * (1 + Math.abs(f))) / (g0 - EPS),
      tnytol: (EPS * (xnorm + 1)) / pe,
      fpresn: o.ftol,
      eta: o.eta,
      xbnd,
      u: alpha,
      f0: f,
      g0,
    });
    let verdict = search.start();
    let bestRaw = fRaw;
    let trials = 0;
    while (verdict === 'evaluate') {
      if (++trials > 64 || nfev >= o.maxfun) break;
      const ualpha = search.xmin + search.u;
      box.unscaleStep(xs, ualpha, pk, xTrial);
      const fuRaw = yield* evaluate(xTrial, gTrial);
      nfev++;
      verdict = search.next(fuRaw * fscale, box.scaledSlope(gTrial, fscale, pk));
      if (search.xmin === ualpha) {
        bestRaw = fuRaw;
        bestGrad.set(gTrial);
      }
    }
    alpha = search.xmin;
    if (verdict === 'ok') {
      f = search.fmin;
      fRaw = bestRaw;
      axpy(alpha, pk, xs);
      gfull.set(bestGrad);
      return 'ok';
    }
    if (trials > 64 || verdict !== 'evaluate') return 'fail';
    return 'maxfun';
  }
}

/** The first trial step: 1, or the step at which a quadratic would reach the estimate fmin; at most smax. */
function initialStep(f: number, fmin: number, slope: number, smax: number): number {
  const d = Math.abs(f - fmin);
  let alpha = 1;
  if (d * 2 <= -slope && d >= EPS) alpha = (d * -2) / slope;
  return alpha >= smax ? smax : alpha;
}

export const tnc: OptimizerMethod<TncOptions, 'tnc'> = {
  name: 'tnc',
  summary: 'truncated Newton (scipy TNC)',
  options,
  validate,
  run,
  resumed: (o, spent, n) => ({
    ...o,
    maxfun: budgetLeft('tnc', 'evaluations (maxfun)', 'maxfun', resolve(o, n).maxfun, spent.nfev),
  }),
};
