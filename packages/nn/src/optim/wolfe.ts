import { evaluate } from './driver.js';
import type { MethodEvent } from './types.js';
import { addScaled, dot } from './vector.js';

/**
 * A line search for the strong Wolfe conditions (Nocedal & Wright, Numerical Optimization, 2nd ed.,
 * Algorithms 3.5 and 3.6): with φ(α) = f(x + α d),
 *     φ(α) ≤ φ(0) + c1·α·φ'(0)        (sufficient decrease)
 *     |φ'(α)| ≤ c2·|φ'(0)|            (curvature)
 * Trial steps grow (×2) until the minimum is bracketed, then `zoom` shrinks the bracket with a safeguarded cubic
 * (falling back to a quadratic, then to bisection).
 *
 * Near a minimiser the decrease c1·α·φ'(0) falls below the rounding of f, and f(α) then differs from f(0) only
 * by noise. As in Hager & Zhang's "approximate Wolfe" conditions, a step that meets the curvature condition and
 * whose f is within 10 ulps of f(0) is accepted then, instead of shrinking the bracket until it collapses.
 */
export interface WolfeSetup {
  x: Float64Array;
  d: Float64Array;
  f0: number;
  /** φ'(0) = ∇f(x)·d, must be < 0. */
  slope0: number;
  alpha0: number;
  c1: number;
  c2: number;
  /** Evaluations this search may use (it never uses more). */
  maxEvaluations: number;
  /** Scratch for the trial point and its gradient; on return `grad` holds ∇f at the returned step. */
  xTrial: Float64Array;
  grad: Float64Array;
}

export interface WolfeOutcome {
  /**
   * 'ok': both conditions hold at `alpha`. 'budget' or 'stuck': they could not be met within the evaluations
   * or the bracket collapsed; `alpha` is then the best step with sufficient decrease found, or 0 if none.
   */
  status: 'ok' | 'budget' | 'stuck';
  alpha: number;
  f: number;
  evaluations: number;
}

interface Point {
  alpha: number;
  f: number;
  slope: number;
}

export function* strongWolfe(s: WolfeSetup): Generator<MethodEvent, WolfeOutcome, number> {
  const n = s.x.length;
  const gTrial = new Float64Array(n);
  const gBest = new Float64Array(n); // gradient at `lo` (the best acceptable step so far)
  let evaluations = 0;
  const origin: Point = { alpha: 0, f: s.f0, slope: s.slope0 };
  const sufficient = (p: Point): boolean => p.f <= s.f0 + s.c1 * p.alpha * s.slope0;
  const curvature = (p: Point): boolean => Math.abs(p.slope) <= -s.c2 * s.slope0;
  const noise = 10 * Number.EPSILON * Math.abs(s.f0);
  const flatButCurved = (p: Point): boolean => p.f <= s.f0 + noise && curvature(p);

  function* phi(alpha: number): Generator<MethodEvent, Point, number> {
    addScaled(s.x, alpha, s.d, s.xTrial);
    const f = yield* evaluate(s.xTrial, gTrial);
    evaluations++;
    return { alpha, f, slope: dot(gTrial, s.d) };
  }
  const finish = (status: WolfeOutcome['status'], p: Point, gradAtP: Float64Array): WolfeOutcome => {
    s.grad.set(gradAtP);
    return { status, alpha: p.alpha, f: p.f, evaluations };
  };
  let best: Point = origin; // lowest point with sufficient decrease (alpha 0 = none yet)
  const remember = (p: Point): void => {
    if (p.alpha > 0 && sufficient(p) && p.f < best.f) {
      best = p;
      gBest.set(gTrial);
    }
  };
  const giveUp = (status: 'budget' | 'stuck'): WolfeOutcome =>
    best.alpha > 0 ? finish(status, best, gBest) : { status, alpha: 0, f: s.f0, evaluations };

  // ---------------------------------------------------------------- bracketing phase
  let prev = origin;
  let alpha = s.alpha0;
  let lo: Point;
  let hi: Point;
  for (let i = 0; ; i++) {
    if (evaluations >= s.maxEvaluations) return giveUp('budget');
    const p = yield* phi(alpha);
    remember(p);
    if (flatButCurved(p)) return finish('ok', p, gTrial);
    if (!sufficient(p) || (i > 0 && p.f >= prev.f)) {
      lo = prev;
      hi = p;
      break;
    }
    if (curvature(p)) return finish('ok', p, gTrial);
    if (p.slope >= 0) {
      lo = p;
      hi = prev;
      break;
    }
    prev = p;
    alpha *= 2;
  }

  // ---------------------------------------------------------------- zoom phase
  for (;;) {
    const width = Math.abs(hi.alpha - lo.alpha);
    if (width <= 1e-14 * Math.max(1, lo.alpha, hi.alpha)) return giveUp('stuck');
    if (evaluations >= s.maxEvaluations) return giveUp('budget');
    const p = yield* phi(interpolate(lo, hi));
    remember(p);
    if (flatButCurved(p)) return finish('ok', p, gTrial);
    if (!sufficient(p) || p.f >= lo.f) {
      hi = p;
    } else {
      if (curvature(p)) return finish('ok', p, gTrial);
      if (p.slope * (hi.alpha - lo.alpha) >= 0) hi = lo;
      lo = p;
    }
  }
}

/**
 * A trial step strictly inside (lo, hi): the minimiser of the cubic through both points (values and slopes),
 * else of the quadratic through lo's value and slope and hi's value, else the midpoint — each accepted only if
 * it keeps 10% (cubic) / 20% (quadratic) of the bracket width away from both ends.
 */
function interpolate(lo: Point, hi: Point): number {
  const a = Math.min(lo.alpha, hi.alpha);
  const b = Math.max(lo.alpha, hi.alpha);
  const width = b - a;
  const inside = (t: number, margin: number): boolean =>
    Number.isFinite(t) && t >= a + margin * width && t <= b - margin * width;

  const d = hi.alpha - lo.alpha;
  // Cubic: with the two slopes, the minimiser is lo + d·(1 − (slope_hi + w − z)/(slope_hi − slope_lo + 2w)).
  const z = (3 * (lo.f - hi.f)) / d + lo.slope + hi.slope;
  const disc = z * z - lo.slope * hi.slope;
  if (disc >= 0) {
    const w = Math.sign(d) * Math.sqrt(disc);
    const t = hi.alpha - d * ((hi.slope + w - z) / (hi.slope - lo.slope + 2 * w));
    if (inside(t, 0.1)) return t;
  }
  // Quadratic through (lo.f, lo.slope) and hi.f.
  const curv = (hi.f - lo.f - lo.slope * d) / (d * d);
  if (curv > 0) {
    const t = lo.alpha - lo.slope / (2 * curv);
    if (inside(t, 0.2)) return t;
  }
  return a + width / 2;
}
