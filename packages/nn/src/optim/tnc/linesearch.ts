/**
 * The safeguarded step-length search TNC uses (Gill & Murray's "getptc"): it keeps an interval of uncertainty
 * [a, b] around the best step so far (all positions are relative to that best step, `xmin`), proposes the next
 * trial by a safeguarded cubic fit through the two best points (or by extrapolation / bisection when the cubic
 * is not trustworthy), never steps past the bound `xbnd`, and stops when
 *   - the interval has shrunk to the tolerance, or
 *   - |φ'(step)| ≤ η·|φ'(0)| with a sufficient decrease φ(step) ≤ φ(0) + μ·step·φ'(0) (μ = 1e-4),
 * where φ(α) = f(x + α p). A trial without sufficient decrease is replaced by a fictitious value on the chord,
 * which forces the next trial toward the origin.
 *
 * This object is only the step arithmetic; evaluating φ is the caller's business: `start()` and `next()` answer
 * 'evaluate' (then evaluate at xmin + u), 'ok' (xmin is the accepted step) or 'fail'.
 */
export type StepVerdict = 'evaluate' | 'ok' | 'fail';

export interface StepSearchSetup {
  /** Relative and absolute tolerances on the step. */
  reltol: number;
  abstol: number;
  /** The smallest spacing allowed between trial steps. */
  tnytol: number;
  /** The estimated precision of f (TNC passes its ftol). */
  fpresn: number;
  /** The curvature parameter η of the stopping test. */
  eta: number;
  /** The largest step allowed. */
  xbnd: number;
  /** The first trial step, φ(0) and φ'(0). */
  u: number;
  f0: number;
  g0: number;
}

/** Every variable of the search, named as in scipy's tnc.c getptc (`oldf` is φ(0), `gtest1`/`gtest2` the slopes). */
export interface StepState {
  u: number;
  xmin: number;
  fmin: number;
  gmin: number;
  xw: number;
  fw: number;
  gw: number;
  a: number;
  b: number;
  oldf: number;
  b1: number;
  scxbnd: number;
  e: number;
  step: number;
  factor: number;
  braktd: boolean;
  gtest1: number;
  gtest2: number;
  tol: number;
  reltol: number;
  abstol: number;
}

const SUFFICIENT_DECREASE = 1e-4;

export class StepSearch {
  /** Best step so far (relative to the start), its φ and φ'. */
  xmin = 0;
  fmin: number;
  gmin: number;
  /** The trial offset from xmin to evaluate next. */
  u: number;

  private reltol: number;
  private abstol: number;
  private readonly tnytol: number;
  private readonly fpresn: number;
  private readonly xbnd: number;
  private readonly eps: number;
  private readonly rtsmll: number;
  private readonly big: number;
  /** φ(0) and the slopes of the two tests. */
  private readonly f0: number;
  private readonly decreaseSlope: number;
  private readonly curvatureBound: number;
  /** Second-best point, relative to xmin. */
  private xw = 0;
  private fw: number;
  private gw: number;
  /** Interval of uncertainty, relative to xmin. */
  private a = 0;
  private b: number;
  private b1: number;
  /** Step taken before the last one (controls when the cubic is trusted), the current step, and the tolerance. */
  private e: number;
  private step: number;
  private tol: number;
  /** The bound, relative to xmin and pulled in by its tolerance. */
  private scxbnd: number;
  private factor = 5;
  private bracketed = false;

  constructor(setup: StepSearchSetup) {
    this.eps = Number.EPSILON;
    this.rtsmll = this.eps;
    this.big = 1 / (this.eps * this.eps);
    this.reltol = setup.reltol;
    this.abstol = setup.abstol;
    this.tnytol = setup.tnytol;
    this.fpresn = setup.fpresn;
    this.xbnd = setup.xbnd;
    this.u = setup.u;
    this.f0 = setup.f0;
    this.fmin = setup.f0;
    this.fw = setup.f0;
    this.gmin = setup.g0;
    this.gw = setup.g0;
    this.decreaseSlope = -SUFFICIENT_DECREASE * setup.g0;
    this.curvatureBound = -setup.eta * setup.g0;
    this.step = setup.u;
    this.tol = 0;
    this.scxbnd = setup.xbnd;
    this.b = 0;
    this.b1 = 0;
    this.e = 0;
  }

  /** A read-only copy of the whole state (the step-level tests compare it with scipy's after every call). */
  get state(): Readonly<StepState> {
    return {
      u: this.u,
      xmin: this.xmin,
      fmin: this.fmin,
      gmin: this.gmin,
      xw: this.xw,
      fw: this.fw,
      gw: this.gw,
      a: this.a,
      b: this.b,
      oldf: this.f0,
      b1: this.b1,
      scxbnd: this.scxbnd,
      e: this.e,
      step: this.step,
      factor: this.factor,
      braktd: this.bracketed,
      gtest1: this.decreaseSlope,
      gtest2: this.curvatureBound,
      tol: this.tol,
      reltol: this.reltol,
      abstol: this.abstol,
    };
  }

  /** Validate the setup and propose the first trial. */
  start(): StepVerdict {
    if (this.u <= 0 || this.xbnd <= this.tnytol || this.gmin > 0) return 'fail';
    if (this.xbnd < this.abstol) this.abstol = this.xbnd;
    this.tol = this.abstol;
    this.b = this.scxbnd + this.reltol * Math.abs(this.scxbnd) + this.abstol;
    this.e = this.b + this.b;
    this.b1 = this.b;
    this.placeTrial();
    return 'evaluate';
  }

  /** Take φ and φ' at xmin + u, then accept, give up, or propose the next trial. */
  next(fu: number, gu: number): StepVerdict {
    const u = this.u;
    let lower = fu <= this.fmin;
    if (lower) {
      const chordAtU = this.f0 - (this.xmin + u) * this.decreaseSlope;
      if (fu > chordAtU) {
        // Lower but not sufficiently lower: pretend φ(u) sits where a quadratic through xmin would meet the
        // chord, so the point is treated as an increase and the interval closes on the origin side.
        const chordAtMin = this.f0 - this.xmin * this.decreaseSlope;
        let denom = chordAtMin - this.fmin;
        if (Math.abs(denom) < 1e-15) denom = denom < 0 ? -1e-15 : 1e-15;
        gu = this.xmin !== 0 ? (this.gmin * (chordAtU - fu)) / denom : -this.gmin;
        fu = 0.5 * u * (this.gmin + gu) + this.fmin;
        if (fu < this.fmin) fu = this.fmin;
        lower = false;
      }
    }
    if (lower) {
      // The trial is the new best: shift everything so it becomes the origin of the relative coordinates.
      this.fw = this.fmin;
      this.fmin = fu;
      this.gw = this.gmin;
      this.gmin = gu;
      this.xmin += u;
      this.a -= u;
      this.b -= u;
      this.xw = -u;
      this.scxbnd -= u;
      if (gu <= 0) this.a = 0;
      else {
        this.b = 0;
        this.bracketed = true;
      }
      this.tol = Math.abs(this.xmin) * this.reltol + this.abstol;
    } else {
      if (u < 0) this.a = u;
      else {
        this.b = u;
        this.bracketed = true;
      }
      this.xw = u;
      this.fw = fu;
      this.gw = gu;
    }
    return this.decide();
  }

  private decide(): StepVerdict {
    let twotol = this.tol + this.tol;
    const xmidpt = 0.5 * (this.a + this.b);
    const converged =
      Math.abs(xmidpt) <= twotol - 0.5 * (this.b - this.a) ||
      (Math.abs(this.gmin) <= this.curvatureBound &&
        this.fmin < this.f0 &&
        (Math.abs(this.xmin - this.xbnd) > this.tol || !this.bracketed));
    if (converged) {
      if (this.xmin !== 0) return 'ok';
      // No decrease yet although the interval is tiny: unless f is known to be that flat, tighten and go on.
      if (Math.abs(this.f0 - this.fw) <= this.fpresn) return 'fail';
      this.tol *= 0.1;
      if (this.tol < this.tnytol) return 'fail';
      this.reltol *= 0.1;
      this.abstol *= 0.1;
      twotol *= 0.1;
    }

    // Minimum of the cubic through (0, fmin, gmin) and (xw, fw, gw), as the ratio s/q, unless untrusted.
    let r = 0;
    let q = 0;
    let s = 0;
    if (Math.abs(this.e) > this.tol) {
      const cubic = this.cubicStep();
      r = cubic.r;
      q = cubic.q;
      s = cubic.s;
    }

    // A fallback step, and the interval (a1, b1) any interpolated step must lie in.
    let a1 = this.a;
    this.b1 = this.b;
    this.step = xmidpt;
    if (!this.bracketed || (this.a === 0 && this.xw < 0) || (this.b === 0 && this.xw > 0)) {
      if (this.bracketed) {
        // The minimum is bracketed but not between 0 and xw: step into the far side of the interval.
        const d1 = this.xw;
        const d2 = this.a === 0 ? this.b : this.a;
        const ratio = -d1 / d2;
        this.step = ratio < 1 ? 0.5 * d2 * Math.sqrt(ratio) : (5 * d2 * (0.1 + 1 / ratio)) / 11;
      } else {
        // Not bracketed: extrapolate, by a factor that grows 5× every time, up to the bound.
        this.step = -this.factor * this.xw;
        if (this.step > this.scxbnd) this.step = this.scxbnd;
        if (this.step !== this.scxbnd) this.factor *= 5;
      }
      if (this.step <= 0) a1 = this.step;
      if (this.step > 0) this.b1 = this.step;
    }

    // Keep the cubic step only if it is inside (a1, b1) and shorter than half the step before last.
    if (Math.abs(s) <= Math.abs(0.5 * q * r) || s <= q * a1 || s >= q * this.b1) {
      this.e = this.b - this.a;
    } else {
      this.step = s / q;
      if (this.step - this.a < twotol || this.b - this.step < twotol) {
        this.step = xmidpt <= 0 ? -this.tol : this.tol; // never evaluate too close to an end of the interval
      }
    }
    this.placeTrial();
    return 'evaluate';
  }

  /**
   * The cubic fit. Returns the step as s/q (q ≥ 0) and r = the previous `e`, for the "shorter than half the
   * step before last" test; a fit with no real minimum returns s ≠ 0, q = r = 0, which the caller rejects.
   */
  private cubicStep(): { r: number; q: number; s: number } {
    const { fmin, gmin, xw, fw, gw } = this;
    let r = (3 * (fmin - fw)) / xw + gmin + gw;
    const absr = Math.abs(r);
    let q = absr;
    if (gw !== 0 && gmin !== 0) {
      const abgw = Math.abs(gw);
      const abgmin = Math.abs(gmin);
      const s = Math.sqrt(abgmin) * Math.sqrt(abgw);
      if ((gw / abgw) * gmin > 0) {
        // Same signs: the discriminant is r² − s², which must be ≥ 0 for a real minimum.
        if (r >= s || r <= -s) q = Math.sqrt(Math.abs(r + s)) * Math.sqrt(Math.abs(r - s));
        else return { r: 0, q: 0, s };
      } else {
        q = this.hypotenuse(absr, s); // r² + s², computed without overflow or underflow
      }
    }
    if (xw < 0) q = -q;
    let s = xw * (gmin - r - q);
    q = gw - gmin + q + q;
    if (q > 0) s = -s;
    if (q <= 0) q = -q;
    r = this.e;
    if (this.b1 !== this.step || this.bracketed) this.e = this.step;
    return { r, q, s };
  }

  private hypotenuse(absr: number, s: number): number {
    let sumsq = 1;
    let scale: number;
    if (absr >= s) {
      const tiny = absr > this.rtsmll ? absr * this.rtsmll : 0;
      if (s >= tiny) sumsq = 1 + (s / absr) * (s / absr);
      scale = absr;
    } else {
      const tiny = s > this.rtsmll ? s * this.rtsmll : 0;
      if (absr >= tiny) sumsq = 1 + (absr / s) * (absr / s);
      scale = s;
    }
    sumsq = Math.sqrt(sumsq);
    return scale < this.big / sumsq ? scale * sumsq : this.big;
  }

  /** Clip the step to the bound (pulling the bound in by its tolerance once reached) and set the trial u. */
  private placeTrial(): void {
    if (this.step >= this.scxbnd) {
      this.step = this.scxbnd;
      this.scxbnd -= (this.reltol * Math.abs(this.xbnd) + this.abstol) / (1 + this.reltol);
    }
    this.u = this.step;
    if (Math.abs(this.step) < this.tol) this.u = this.step < 0 ? -this.tol : this.tol;
  }
}
