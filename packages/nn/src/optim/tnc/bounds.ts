/**
 * TNC's variable scaling and active set. TNC works on scaled variables xs = (x − offset) / scale, and keeps for
 * each variable a pivot: 0 = free, −1 = held at its lower bound, +1 = held at its upper bound, 2 = constant
 * (scale 0 or lower = upper). Held variables do not move: their components of the gradient, of the CG vectors and
 * of the search direction are zeroed ("projected").
 */
export const FREE = 0;
export const AT_LOWER = -1;
export const AT_UPPER = 1;
export const CONSTANT = 2;

/** Whether x is on the lower (side AT_LOWER) or upper (AT_UPPER) bound b, within a tolerance relative to b. */
function onBound(x: number, b: number, side: number): boolean {
  const tolerance = Number.EPSILON * 10 * (Math.abs(b) + 1);
  return side === AT_LOWER ? b !== -Infinity && x - b <= tolerance : b !== Infinity && b - x <= tolerance;
}

export class ScaledBox {
  constructor(
    readonly lower: Float64Array,
    readonly upper: Float64Array,
    readonly xscale: Float64Array,
    readonly xoffset: Float64Array,
  ) {}

  /** x = xs·scale + offset, clamped into the bounds. */
  unscale(xs: Float64Array, out: Float64Array): Float64Array {
    for (let i = 0; i < out.length; i++) {
      const v = xs[i] * this.xscale[i] + this.xoffset[i];
      const lo = this.lower[i];
      const up = this.upper[i];
      out[i] = v < lo ? lo : v > up ? up : v;
    }
    return out;
  }

  /** x = (xs + step·dir)·scale + offset, clamped into the bounds: a trial point along `dir`, unscaled. */
  unscaleStep(xs: Float64Array, step: number, dir: Float64Array, out: Float64Array): void {
    for (let i = 0; i < out.length; i++) {
      const v = (xs[i] + step * dir[i]) * this.xscale[i] + this.xoffset[i];
      const lo = this.lower[i];
      const up = this.upper[i];
      out[i] = v < lo ? lo : v > up ? up : v;
    }
  }

  /** xs = (x − offset) / scale (constant variables keep their raw value; they never move). */
  scale(x: Float64Array, out: Float64Array): Float64Array {
    for (let i = 0; i < out.length; i++) {
      out[i] = this.xscale[i] > 0 ? (x[i] - this.xoffset[i]) / this.xscale[i] : x[i];
    }
    return out;
  }

  /** The gradient with respect to the scaled variables, times the f scale: g·scale·fscale. */
  scaleGradient(g: Float64Array, fscale: number, out: Float64Array): Float64Array {
    for (let i = 0; i < out.length; i++) out[i] = g[i] * (this.xscale[i] * fscale);
    return out;
  }

  /** (g·scale·fscale)ᵀdir: the slope along `dir` in scaled variables, from the raw gradient g. */
  scaledSlope(g: Float64Array, fscale: number, dir: Float64Array): number {
    let s = 0;
    for (let i = 0; i < dir.length; i++) s += g[i] * (this.xscale[i] * fscale) * dir[i];
    return s;
  }

  /** The number of variables that can never move (scale 0, or lower = upper). */
  constants(): number {
    let count = 0;
    for (let i = 0; i < this.xscale.length; i++) if (this.xscale[i] === 0 || this.lower[i] === this.upper[i]) count++;
    return count;
  }

  /** Pivots for a starting point: which variables sit on a bound (or are constant). */
  initialPivots(xs: Float64Array, pivot: Int8Array): void {
    for (let i = 0; i < pivot.length; i++) {
      if (this.xscale[i] === 0) {
        pivot[i] = CONSTANT;
        continue;
      }
      const x = xs[i] * this.xscale[i] + this.xoffset[i];
      if (onBound(x, this.lower[i], AT_LOWER)) pivot[i] = AT_LOWER;
      else if (onBound(x, this.upper[i], AT_UPPER)) pivot[i] = AT_UPPER;
      else pivot[i] = FREE;
    }
  }

  /** The largest step ≤ `step` along `dir` that keeps every free variable inside its bounds. */
  maxStep(step: number, xs: Float64Array, dir: Float64Array, pivot: Int8Array): number {
    for (let i = 0; i < xs.length; i++) {
      if (pivot[i] !== FREE || dir[i] === 0) continue;
      // The room left to the bound that dir moves toward (negative for a lower bound), in scaled units.
      const room = ((dir[i] < 0 ? this.lower[i] : this.upper[i]) - this.xoffset[i]) / this.xscale[i] - xs[i];
      if (dir[i] < 0 ? room > step * dir[i] : room < step * dir[i]) step = room / dir[i];
    }
    return step;
  }

  /** Hold every free variable that the step `dir` has pushed onto a bound; true if any was added. */
  holdReachedBounds(xs: Float64Array, dir: Float64Array, pivot: Int8Array): boolean {
    let added = false;
    for (let i = 0; i < xs.length; i++) {
      if (pivot[i] !== FREE || dir[i] === 0) continue;
      const x = xs[i] * this.xscale[i] + this.xoffset[i];
      const side = dir[i] < 0 ? AT_LOWER : AT_UPPER;
      const bound = side === AT_LOWER ? this.lower[i] : this.upper[i];
      if (onBound(x, bound, side)) {
        pivot[i] = side;
        xs[i] = (bound - this.xoffset[i]) / this.xscale[i];
        added = true;
      }
    }
    return added;
  }
}

/** Zero the held components of v. */
export function project(v: Float64Array, pivot: Int8Array): Float64Array {
  for (let i = 0; i < v.length; i++) v[i] = pivot[i] !== FREE ? 0 : v[i];
  return v;
}

/** Free every held variable whose gradient component points inside its bound (−pivot·g < 0). */
export function freePointingInside(g: Float64Array, pivot: Int8Array): void {
  for (let i = 0; i < pivot.length; i++) if (-pivot[i] * g[i] < 0) pivot[i] = FREE;
}

/** sqrt(Σ g_i²) over the free variables (the gradient norm reported to the driver). */
export function freeGradientNorm(g: Float64Array, pivot: Int8Array): number {
  let s = 0;
  for (let i = 0; i < g.length; i++) if (pivot[i] === FREE) s += g[i] * g[i];
  return Math.sqrt(s);
}

/**
 * Release the held variable whose Lagrange multiplier has the wrong sign by the largest margin (the gradient
 * pushes it back inside), but only once progress on the current face has stalled: when the last step reduced f
 * by less than half of what the directional derivative promised, or the projected gradient is already small.
 */
export function releaseOneBound(
  oldSlope: number,
  gnorm: number,
  gtolScaled: number,
  f: number,
  fAtLastChange: number,
  g: Float64Array,
  pivot: Int8Array,
): boolean {
  if (fAtLastChange - f <= oldSlope * -0.5 && gnorm > gtolScaled) return false;
  let worst = -1;
  let most = 0;
  for (let i = 0; i < g.length; i++) {
    if (pivot[i] === CONSTANT) continue;
    const multiplier = -pivot[i] * g[i];
    if (multiplier < most) {
      most = multiplier;
      worst = i;
    }
  }
  if (worst === -1) return false;
  pivot[worst] = FREE;
  return true;
}
