import { dot } from '../vector.js';
import { FREE } from './bounds.js';

/**
 * The phases of a CG step of TNC's inner solve (preconditioned CG on H·p = −g, see newtonDirection in tnc.ts).
 * Every sum adds its terms in index order and every element is produced by the same operations as scipy's tnc.c
 * (project, update, then dot), so the iterates stay bit-identical to scipy's. Where tnc.c makes several passes
 * over the same index range (an update, a projection, then a dot product of the result), a function here makes
 * one. Each loop is a function of its own that returns at most one sum (as in preconditioner.ts).
 */

/** v = z + β·v, projected onto the free variables; returns vᵀr. One pass. */
export function nextDirection(z: Float64Array, beta: number, v: Float64Array, r: Float64Array, pivot: Int8Array): number {
  let vr = 0;
  for (let i = 0; i < v.length; i++) {
    const vi = pivot[i] !== FREE ? 0 : z[i] + beta * v[i];
    v[i] = vi;
    vr += vi * r[i];
  }
  return vr;
}

/**
 * Turn the raw gradient at x + δ·v (in Hv) into the Hessian product in scaled variables,
 * H·v = (∇f(x + δv)·scale·fscale − g)/δ, 0 where a variable is constant (scale 0) or held. Returns vᵀHv.
 */
export function hessianProduct(
  Hv: Float64Array,
  g: Float64Array,
  delta: number,
  fscale: number,
  xscale: Float64Array,
  v: Float64Array,
  pivot: Int8Array,
): number {
  const invDelta = 1 / delta;
  let vHv = 0;
  for (let i = 0; i < Hv.length; i++) {
    const hi = xscale[i] === 0 || pivot[i] !== FREE ? 0 : (Hv[i] * (xscale[i] * fscale) - g[i]) * invDelta;
    Hv[i] = hi;
    vHv += v[i] * hi;
  }
  return vHv;
}

/**
 * One CG step, p += α·v and r −= α·Hv (r then projected), after the diagonal BFGS update of the inner
 * preconditioner from the same step: e += −r²/(vᵀr) + (Hv)²/(vᵀHv) with the residual before the step, entries
 * that fall to ≤ 1e-6 restarting at 1. Returns gᵀp and rᵀp (r before its projection): the quadratic model's
 * value is their half-sum.
 */
export function cgStep(
  alpha: number,
  v: Float64Array,
  Hv: Float64Array,
  p: Float64Array,
  r: Float64Array,
  g: Float64Array,
  pivot: Int8Array,
  e: Float64Array,
  vr: number,
  vHv: number,
): { gp: number; rp: number } {
  const rp = stepAndUpdate(alpha, v, Hv, p, r, pivot, e, 1 / vr, 1 / vHv);
  return { gp: dot(p, g), rp };
}

/** The loop of cgStep (e, p and r updated in one pass); returns rᵀp with r before its projection. */
function stepAndUpdate(
  alpha: number,
  v: Float64Array,
  Hv: Float64Array,
  p: Float64Array,
  r: Float64Array,
  pivot: Int8Array,
  e: Float64Array,
  invVr: number,
  invVHv: number,
): number {
  const minusAlpha = -alpha;
  let rp = 0;
  for (let i = 0; i < e.length; i++) {
    const ri = r[i];
    const hi = Hv[i];
    const ei = e[i] + (-ri * ri * invVr + hi * hi * invVHv);
    e[i] = ei <= 1e-6 ? 1 : ei;
    const pi = p[i] + alpha * v[i];
    p[i] = pi;
    const rNext = ri + minusAlpha * hi;
    rp += rNext * pi;
    r[i] = pivot[i] !== FREE ? 0 : rNext;
  }
  return rp;
}

/** out = −v projected onto the free variables (out may be v): −g is the steepest descent, −(M⁻¹g) its fallback. */
export function negateProjected(v: Float64Array, pivot: Int8Array, out: Float64Array): void {
  for (let i = 0; i < out.length; i++) out[i] = pivot[i] !== FREE ? 0 : -v[i];
}
