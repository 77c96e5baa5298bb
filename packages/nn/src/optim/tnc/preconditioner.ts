import { dot } from '../vector.js';
import { FREE } from './bounds.js';

/**
 * TNC's preconditioner (Nash 1984/1985): the inverse of a limited-memory quasi-Newton approximation M of the
 * Hessian, built by at most two self-scaled BFGS updates of a diagonal D:
 *   - from the latest step:                       (s_k, y_k)
 *   - and, between resets, from the accumulated steps of the current cycle: (s_r, y_r) = Σ (s_i, y_i)
 * D itself is refined during each inner CG solve by a diagonal BFGS update from the Hessian-vector products
 * (cgStep in cg.ts, fused with the CG step).
 *
 * M⁻¹v is applied once per CG step, while everything in it that does not involve v (D⁻¹, D⁻¹y_r, the updated
 * H·y_k and their inner products) stays fixed for a whole inner solve: {@link prepareInverse} computes those once.
 * Every value is produced by the same floating-point operations in the same order as scipy's tnc.c (each sum
 * adds its terms in index order), so the iterates stay bit-identical to scipy's.
 *
 * The element-wise work is done by the passes at the end of this file and by vector.ts's dot: each is one loop
 * that takes its vectors and scalars as arguments and returns at most one sum, and does in one pass what tnc.c
 * does in several (an update, a projection, the dot product of the result). The functions above them read the
 * memory's fields, choose the passes and store the results; none of them loops itself (PERFORMANCE.md, "TNC's
 * own work", says why the passes are shaped so).
 */
export type QuasiNewtonMemory = ReturnType<typeof newMemory>;

export function newMemory(n: number) {
  return {
    /** The diagonal D (approximate Hessian diagonal) — scaled variables. */
    diagb: new Float64Array(n).fill(1),
    sk: new Float64Array(n),
    yk: new Float64Array(n),
    sr: new Float64Array(n),
    yr: new Float64Array(n),
    yksk: 0,
    yrsr: 0,
    /** No (s, y) pair yet (first iteration, after a rescale or a new constraint): M = D. */
    upd1: true,
    /** The cycle was just reset: only (s_k, y_k) is used. */
    lreset: false,
    /** D⁻¹, elementwise (1/D_i). Set by prepareInverse. */
    invDiagb: new Float64Array(n),
    /** D⁻¹y_r. Set by prepareInverse (two-pair memory only). */
    Hyr: new Float64Array(n),
    /** H·y_k, where H is D⁻¹ updated with (s_r, y_r) unless the cycle was reset. Set by prepareInverse. */
    Hyk: new Float64Array(n),
    /** y_rᵀD⁻¹y_r and y_kᵀH·y_k. Set by prepareInverse. */
    yrHyr: 0,
    ykHyk: 0,
    /** Work space of initialDiagonal (B·s). */
    Bs: new Float64Array(n),
  };
}

/** Forget every pair and reset D to the identity (after the f scale changes). */
export function forgetMemory(mem: QuasiNewtonMemory): void {
  mem.diagb.fill(1);
  mem.upd1 = true;
}

/** Remember the latest step: s_k = α·p, y_k = g − g_old, and y_kᵀs_k. */
export function rememberStep(
  mem: QuasiNewtonMemory,
  alpha: number,
  p: Float64Array,
  g: Float64Array,
  gOld: Float64Array,
): void {
  mem.yksk = stepPair(alpha, p, g, gOld, mem.sk, mem.yk);
}

/** Fold the latest pair into the accumulated one: s_r += s_k, y_r += y_k. */
export function accumulatePair(mem: QuasiNewtonMemory): void {
  addPair(mem.sk, mem.yk, mem.sr, mem.yr);
}

/** Start a new cycle: (s_r, y_r) = (s_k, y_k). */
export function restartPair(mem: QuasiNewtonMemory): void {
  mem.sr.set(mem.sk);
  mem.yr.set(mem.yk);
}

/**
 * The coefficients of one self-scaled BFGS update of an inverse-Hessian product, with scaling γ = 1:
 *   H⁺v = Hv + δ·s + β·Hy   where  δ = (yᵀHy/yᵀs + 1)·(vᵀs)/(yᵀs) − (vᵀHy)/(yᵀs),  β = −(vᵀs)/(yᵀs)
 * (both 0 when yᵀs = 0). The passes apply it element by element, fused with the work around it.
 */
function bfgsDelta(ys: number, yHy: number, vs: number, vHy: number): number {
  return ys === 0 ? 0 : ((yHy / ys + 1) * vs) / ys - vHy / ys;
}
function bfgsBeta(ys: number, vs: number): number {
  return ys === 0 ? 0 : -vs / ys;
}

/**
 * Compute what M⁻¹ needs that does not depend on the vector it is applied to. Call whenever the memory has
 * changed (TNC: at the start of each inner solve), before applyInverse.
 */
export function prepareInverse(mem: QuasiNewtonMemory): void {
  if (mem.upd1) return;
  const { diagb, invDiagb, yk, Hyk, sr, yr, Hyr, yrsr } = mem;
  if (mem.lreset) {
    mem.ykHyk = invertDiagonal(diagb, yk, invDiagb, Hyk);
    return;
  }
  // D⁻¹, D⁻¹y_k and D⁻¹y_r, then fold the accumulated pair (s_r, y_r) into D⁻¹y_k.
  const yrHyr = invertDiagonalTwice(diagb, yk, yr, invDiagb, Hyk, Hyr);
  const yksr = dot(yk, sr);
  const ykHyr = dot(yk, Hyr);
  mem.yrHyr = yrHyr;
  mem.ykHyk = updateDot(Hyk, sr, Hyr, bfgsDelta(yrsr, yrHyr, yksr, ykHyr), bfgsBeta(yrsr, yksr), yk);
}

/**
 * out = M⁻¹·v projected onto the free variables (held components, pivot ≠ FREE, set to 0); returns vᵀout.
 * TNC applies it to the CG residual (and to g for the fallback direction −M⁻¹g). The memory must have been
 * prepared (prepareInverse) since it last changed. `out` must not alias v.
 */
export function applyInverse(mem: QuasiNewtonMemory, v: Float64Array, out: Float64Array, pivot: Int8Array): number {
  const { diagb, invDiagb, sk, Hyk, sr, Hyr, yksk, ykHyk, yrsr, yrHyr } = mem;
  if (mem.upd1) return divideProjected(v, diagb, out, pivot);
  const vsk = dot(v, sk);
  const deltaK = bfgsDelta(yksk, ykHyk, vsk, dot(v, Hyk));
  const betaK = bfgsBeta(yksk, vsk);
  if (mem.lreset) return inverseOnePair(v, invDiagb, sk, Hyk, deltaK, betaK, out, pivot);
  const vsr = dot(v, sr);
  const deltaR = bfgsDelta(yrsr, yrHyr, vsr, dot(v, Hyr));
  const betaR = bfgsBeta(yrsr, vsr);
  return inverseTwoPairs(v, invDiagb, sr, Hyr, deltaR, betaR, sk, Hyk, deltaK, betaK, out, pivot);
}

/**
 * The diagonal of M (the BFGS-updated D) that seeds the inner solve's diagonal preconditioner `emat`:
 * D − (D s)(D s)ᵀ/(sᵀ D s) + y yᵀ/(yᵀ s), keeping only the diagonal, for the pair(s) in memory (see the note on
 * the second pair below).
 */
export function initialDiagonal(mem: QuasiNewtonMemory, emat: Float64Array): void {
  const { diagb, sk, yk, sr, yr, Bs } = mem;
  if (mem.upd1) {
    emat.set(diagb);
    return;
  }
  const yksk = orOne(mem.yksk);
  if (mem.lreset) {
    diagonalOnePair(diagb, sk, yk, orOne(weightedSquare(sk, diagb)), yksk, emat);
    return;
  }
  // Update D with (s_r, y_r) to B (Bs = B·s_k), then take the diagonal of B updated with (s_k, y_k).
  const srBsr = orOne(scaledProduct(diagb, sr, Bs));
  const skBsr = dot(sk, Bs);
  const yrsk = dot(yr, sk);
  const skBsk = orOne(diagonalFirstPair(diagb, sr, sk, yr, srBsr, skBsr, yrsk, orOne(mem.yrsr), Bs, emat));
  // NOTE the sign of the y_k term: the BFGS formula (and Nash's original code) ADDS y_k²/y_kᵀs_k here; scipy's
  // tnc.c as shipped (≥ its C reformatting; checked against scipy 1.17) subtracts it. We follow scipy, so that
  // TNC's iterates agree with scipy's bit for bit (test/optim-tnc.test.ts); the effect is confined to this
  // diagonal seed, which the CG loop then refines (entries ≤ 1e-6 restart at 1).
  diagonalSecondPair(Bs, skBsk, yk, yksk, emat);
}

/** A zero denominator is taken as 1 (scipy's guard). */
function orOne(x: number): number {
  return x === 0 ? 1 : x;
}

// ---------------------------------------------------------------- the passes (one loop each)

/** s = α·p, y = g − g_old; returns yᵀs. */
function stepPair(
  alpha: number,
  p: Float64Array,
  g: Float64Array,
  gOld: Float64Array,
  s: Float64Array,
  y: Float64Array,
): number {
  let ys = 0;
  for (let i = 0; i < s.length; i++) {
    const yi = g[i] - gOld[i];
    const si = alpha * p[i];
    y[i] = yi;
    s[i] = si;
    ys += yi * si;
  }
  return ys;
}

/** sr += sk, yr += yk. */
function addPair(sk: Float64Array, yk: Float64Array, sr: Float64Array, yr: Float64Array): void {
  for (let i = 0; i < sr.length; i++) {
    sr[i] += sk[i];
    yr[i] += yk[i];
  }
}

/** invD = 1/D and Hy = y·invD; returns yᵀHy. */
function invertDiagonal(diagb: Float64Array, y: Float64Array, invDiagb: Float64Array, Hy: Float64Array): number {
  let yHy = 0;
  for (let i = 0; i < diagb.length; i++) {
    const inv = 1 / diagb[i];
    invDiagb[i] = inv;
    const h = y[i] * inv;
    Hy[i] = h;
    yHy += h * y[i];
  }
  return yHy;
}

/** invD = 1/D, Hyk = yk·invD, Hyr = yr·invD; returns y_rᵀHyr. */
function invertDiagonalTwice(
  diagb: Float64Array,
  yk: Float64Array,
  yr: Float64Array,
  invDiagb: Float64Array,
  Hyk: Float64Array,
  Hyr: Float64Array,
): number {
  let yrHyr = 0;
  for (let i = 0; i < diagb.length; i++) {
    const inv = 1 / diagb[i];
    invDiagb[i] = inv;
    Hyk[i] = yk[i] * inv;
    const h = yr[i] * inv;
    Hyr[i] = h;
    yrHyr += yr[i] * h;
  }
  return yrHyr;
}

/** h = h + δ·s + β·Hy (one BFGS update, in place); returns yᵀh. */
function updateDot(
  h: Float64Array,
  s: Float64Array,
  Hy: Float64Array,
  delta: number,
  beta: number,
  y: Float64Array,
): number {
  let yh = 0;
  for (let i = 0; i < h.length; i++) {
    const hi = h[i] + delta * s[i] + beta * Hy[i];
    h[i] = hi;
    yh += hi * y[i];
  }
  return yh;
}

/** out = v / D, projected; returns vᵀout. */
function divideProjected(v: Float64Array, diagb: Float64Array, out: Float64Array, pivot: Int8Array): number {
  let vout = 0;
  for (let i = 0; i < out.length; i++) {
    const o = pivot[i] !== FREE ? 0 : v[i] / diagb[i];
    out[i] = o;
    vout += v[i] * o;
  }
  return vout;
}

/** out = v·invD + δ·s + β·Hy, projected; returns vᵀout. */
function inverseOnePair(
  v: Float64Array,
  invDiagb: Float64Array,
  s: Float64Array,
  Hy: Float64Array,
  delta: number,
  beta: number,
  out: Float64Array,
  pivot: Int8Array,
): number {
  let vout = 0;
  for (let i = 0; i < out.length; i++) {
    const vi = v[i];
    const o = pivot[i] !== FREE ? 0 : vi * invDiagb[i] + delta * s[i] + beta * Hy[i];
    out[i] = o;
    vout += vi * o;
  }
  return vout;
}

/** out = (v·invD + δ₁·s₁ + β₁·Hy₁) + δ₂·s₂ + β₂·Hy₂, projected; returns vᵀout. */
function inverseTwoPairs(
  v: Float64Array,
  invDiagb: Float64Array,
  s1: Float64Array,
  Hy1: Float64Array,
  delta1: number,
  beta1: number,
  s2: Float64Array,
  Hy2: Float64Array,
  delta2: number,
  beta2: number,
  out: Float64Array,
  pivot: Int8Array,
): number {
  let vout = 0;
  for (let i = 0; i < out.length; i++) {
    const vi = v[i];
    const o =
      pivot[i] !== FREE ? 0 : vi * invDiagb[i] + delta1 * s1[i] + beta1 * Hy1[i] + delta2 * s2[i] + beta2 * Hy2[i];
    out[i] = o;
    vout += vi * o;
  }
  return vout;
}

/** sᵀ(D·s). */
function weightedSquare(s: Float64Array, diagb: Float64Array): number {
  let sDs = 0;
  for (let i = 0; i < s.length; i++) sDs += s[i] * (diagb[i] * s[i]);
  return sDs;
}

/** emat = D − (D·s)²/(sᵀDs) + y²/(yᵀs), element by element (one pair). */
function diagonalOnePair(
  diagb: Float64Array,
  s: Float64Array,
  y: Float64Array,
  sBs: number,
  ys: number,
  emat: Float64Array,
): void {
  for (let i = 0; i < emat.length; i++) {
    const d = diagb[i];
    emat[i] = d - (d * d * s[i] * s[i]) / sBs + (y[i] * y[i]) / ys;
  }
}

/** Bs = D·s; returns sᵀBs. */
function scaledProduct(diagb: Float64Array, s: Float64Array, Bs: Float64Array): number {
  let sBs = 0;
  for (let i = 0; i < Bs.length; i++) {
    const b = diagb[i] * s[i];
    Bs[i] = b;
    sBs += s[i] * b;
  }
  return sBs;
}

/**
 * Bs = B·s_k with B = D updated by (s_r, y_r) (Bs holds D·s_r on entry), and emat = diag(B); returns s_kᵀBs.
 */
function diagonalFirstPair(
  diagb: Float64Array,
  sr: Float64Array,
  sk: Float64Array,
  yr: Float64Array,
  srBsr: number,
  skBsr: number,
  yrsk: number,
  yrsr: number,
  Bs: Float64Array,
  emat: Float64Array,
): number {
  let skBsk = 0;
  for (let i = 0; i < emat.length; i++) {
    const d = diagb[i];
    const b = d * sk[i] - (Bs[i] * skBsr) / srBsr + (yr[i] * yrsk) / yrsr;
    Bs[i] = b;
    skBsk += sk[i] * b;
    emat[i] = d - (d * d * sr[i] * sr[i]) / srBsr + (yr[i] * yr[i]) / yrsr;
  }
  return skBsk;
}

/** emat −= (Bs)²/(s_kᵀBs) + y_k²/(y_kᵀs_k), element by element (scipy's sign, see initialDiagonal). */
function diagonalSecondPair(Bs: Float64Array, skBsk: number, yk: Float64Array, yksk: number, emat: Float64Array): void {
  for (let i = 0; i < emat.length; i++) emat[i] -= (Bs[i] * Bs[i]) / skBsk + (yk[i] * yk[i]) / yksk;
}
