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
 * H·y_k and their inner products) stays fixed for a whole inner solve: {@link prepareInverse} computes those once,
 * and {@link applyInverse} is then one pass for v's inner products (independent sums in one loop) and one for
 * the result, which also zeroes the held variables and returns vᵀM⁻¹v. prepareInverse and
 * {@link initialDiagonal} likewise take each inner product in the pass that produces its vector, or in one that
 * reads its operands anyway. Every value is produced by the same floating-point operations in the same order as
 * the textbook sequence of updates (each sum still adds its terms in index order), so the iterates stay
 * bit-identical to scipy's. A pass that takes several inner products returns them together.
 */
export interface QuasiNewtonMemory {
  /** The diagonal D (approximate Hessian diagonal) — scaled variables. */
  diagb: Float64Array;
  sk: Float64Array;
  yk: Float64Array;
  sr: Float64Array;
  yr: Float64Array;
  yksk: number;
  yrsr: number;
  /** No (s, y) pair yet (first iteration, after a rescale or a new constraint): M = D. */
  upd1: boolean;
  /** The cycle was just reset: only (s_k, y_k) is used. */
  lreset: boolean;
  /** D⁻¹, elementwise (1/D_i). Set by prepareInverse. */
  invDiagb: Float64Array;
  /** D⁻¹y_r. Set by prepareInverse (two-pair memory only). */
  Hyr: Float64Array;
  /** H·y_k, where H is D⁻¹ updated with (s_r, y_r) unless the cycle was reset. Set by prepareInverse. */
  Hyk: Float64Array;
  /** y_rᵀD⁻¹y_r and y_kᵀH·y_k. Set by prepareInverse. */
  yrHyr: number;
  ykHyk: number;
  /** Scratch for initialDiagonal (D·s, then B·s_k). */
  Bs: Float64Array;
}

export function newMemory(n: number): QuasiNewtonMemory {
  return {
    diagb: new Float64Array(n).fill(1),
    sk: new Float64Array(n),
    yk: new Float64Array(n),
    sr: new Float64Array(n),
    yr: new Float64Array(n),
    yksk: 0,
    yrsr: 0,
    upd1: true,
    lreset: false,
    invDiagb: new Float64Array(n),
    Hyr: new Float64Array(n),
    Hyk: new Float64Array(n),
    yrHyr: 0,
    ykHyk: 0,
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
  mem.yksk = stepAndChange(alpha, p, g, gOld, mem.sk, mem.yk);
}

/** s = α·p, y = g − g_old; returns yᵀs. */
function stepAndChange(
  alpha: number,
  p: Float64Array,
  g: Float64Array,
  gOld: Float64Array,
  s: Float64Array,
  y: Float64Array,
): number {
  let ys = 0;
  for (let i = 0; i < s.length; i++) {
    y[i] = g[i] - gOld[i];
    s[i] = alpha * p[i];
    ys += y[i] * s[i];
  }
  return ys;
}

/** Fold the latest pair into the accumulated one: s_r += s_k, y_r += y_k. */
export function accumulatePair(mem: QuasiNewtonMemory): void {
  const { sk, yk, sr, yr } = mem;
  for (let i = 0; i < sr.length; i++) {
    sr[i] += sk[i];
    yr[i] += yk[i];
  }
}

/** Start a new cycle: (s_r, y_r) = (s_k, y_k). */
export function restartPair(mem: QuasiNewtonMemory): void {
  mem.sr.set(mem.sk);
  mem.yr.set(mem.yk);
}

/**
 * One self-scaled BFGS update of an inverse-Hessian product, with scaling γ = 1:
 *   H⁺v = Hv + δ·s + β·Hy   where  δ = (yᵀHy/yᵀs + 1)·(vᵀs)/(yᵀs) − (vᵀHy)/(yᵀs),  β = −(vᵀs)/(yᵀs)
 * (both 0 when yᵀs = 0). These two give δ and β from the inner products.
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
  const { diagb, invDiagb, yk, Hyk, sr, yr, Hyr } = mem;
  if (mem.lreset) {
    mem.ykHyk = reciprocalTimes(diagb, yk, invDiagb, Hyk);
    return;
  }
  // D⁻¹y_k, then fold the accumulated pair (s_r, y_r) into it.
  const { yrHyr, yksr, ykHyr } = reciprocalTimesTwice(diagb, yk, yr, sr, invDiagb, Hyk, Hyr);
  mem.yrHyr = yrHyr;
  mem.ykHyk = bfgsUpdate(Hyk, bfgsDelta(mem.yrsr, yrHyr, yksr, ykHyr), sr, bfgsBeta(mem.yrsr, yksr), Hyr, yk);
}

/** inv = 1/d and Hy = y·inv, elementwise; returns yᵀHy. */
function reciprocalTimes(d: Float64Array, y: Float64Array, inv: Float64Array, Hy: Float64Array): number {
  let yHy = 0;
  for (let i = 0; i < d.length; i++) {
    const r = 1 / d[i];
    const h = y[i] * r;
    inv[i] = r;
    Hy[i] = h;
    yHy += h * y[i];
  }
  return yHy;
}

/** inv = 1/d, Hyk = y_k·inv and Hyr = y_r·inv, elementwise; returns y_rᵀHyr, y_kᵀs_r and y_kᵀHyr. */
function reciprocalTimesTwice(
  d: Float64Array,
  yk: Float64Array,
  yr: Float64Array,
  sr: Float64Array,
  inv: Float64Array,
  Hyk: Float64Array,
  Hyr: Float64Array,
): { yrHyr: number; yksr: number; ykHyr: number } {
  let yrHyr = 0;
  let yksr = 0;
  let ykHyr = 0;
  for (let i = 0; i < d.length; i++) {
    const r = 1 / d[i];
    const hr = yr[i] * r;
    inv[i] = r;
    Hyk[i] = yk[i] * r;
    Hyr[i] = hr;
    yrHyr += yr[i] * hr;
    yksr += yk[i] * sr[i];
    ykHyr += yk[i] * hr;
  }
  return { yrHyr, yksr, ykHyr };
}

/** Hy += δ·s + β·Hy_r (as Hy + δ·s + β·Hy_r); returns the new Hyᵀy. */
function bfgsUpdate(
  Hy: Float64Array,
  delta: number,
  s: Float64Array,
  beta: number,
  Hyr: Float64Array,
  y: Float64Array,
): number {
  let yHy = 0;
  for (let i = 0; i < Hy.length; i++) {
    const h = Hy[i] + delta * s[i] + beta * Hyr[i];
    Hy[i] = h;
    yHy += h * y[i];
  }
  return yHy;
}

/**
 * out = M⁻¹·v projected onto the free variables (held components, pivot ≠ FREE, set to 0); returns vᵀout.
 * TNC applies it to the CG residual (and to g for the fallback direction −M⁻¹g). The memory must have been
 * prepared (prepareInverse) since it last changed. `out` must not alias v.
 */
export function applyInverse(mem: QuasiNewtonMemory, v: Float64Array, out: Float64Array, pivot: Int8Array): number {
  const { diagb, invDiagb, sk, Hyk, sr, Hyr, yksk, ykHyk } = mem;
  if (mem.upd1) return divideByDiagonal(v, diagb, out, pivot);
  if (mem.lreset) {
    const { vs, vHy } = productsWithPair(v, sk, Hyk);
    return bfgsUpdateScaled(v, invDiagb, bfgsDelta(yksk, ykHyk, vs, vHy), sk, bfgsBeta(yksk, vs), Hyk, out, pivot);
  }
  const { yrsr, yrHyr } = mem;
  const { vsk, vHyk, vsr, vHyr } = productsWithPairs(v, sk, Hyk, sr, Hyr);
  const deltaR = bfgsDelta(yrsr, yrHyr, vsr, vHyr);
  const betaR = bfgsBeta(yrsr, vsr);
  const deltaK = bfgsDelta(yksk, ykHyk, vsk, vHyk);
  const betaK = bfgsBeta(yksk, vsk);
  return bfgsUpdateTwice(v, invDiagb, deltaR, sr, betaR, Hyr, deltaK, sk, betaK, Hyk, out, pivot);
}

/** out = v / D (no pair in memory), projected; returns vᵀout. */
function divideByDiagonal(v: Float64Array, diagb: Float64Array, out: Float64Array, pivot: Int8Array): number {
  let vo = 0;
  for (let i = 0; i < out.length; i++) {
    const o = pivot[i] !== FREE ? 0 : v[i] / diagb[i];
    out[i] = o;
    vo += v[i] * o;
  }
  return vo;
}

/** vᵀs and (H y)ᵀv. */
function productsWithPair(v: Float64Array, s: Float64Array, Hy: Float64Array): { vs: number; vHy: number } {
  let vs = 0;
  let vHy = 0;
  for (let i = 0; i < v.length; i++) {
    vs += v[i] * s[i];
    vHy += Hy[i] * v[i];
  }
  return { vs, vHy };
}

/** vᵀs_k, (H y_k)ᵀv, vᵀs_r and vᵀ(D⁻¹y_r). */
function productsWithPairs(
  v: Float64Array,
  sk: Float64Array,
  Hyk: Float64Array,
  sr: Float64Array,
  Hyr: Float64Array,
): { vsk: number; vHyk: number; vsr: number; vHyr: number } {
  let vsk = 0;
  let vHyk = 0;
  let vsr = 0;
  let vHyr = 0;
  for (let i = 0; i < v.length; i++) {
    const vi = v[i];
    vsk += vi * sk[i];
    vHyk += Hyk[i] * vi;
    vsr += vi * sr[i];
    vHyr += vi * Hyr[i];
  }
  return { vsk, vHyk, vsr, vHyr };
}

/** out = v·D⁻¹ + δ·s + β·Hy, projected; returns vᵀout. */
function bfgsUpdateScaled(
  v: Float64Array,
  invDiagb: Float64Array,
  delta: number,
  s: Float64Array,
  beta: number,
  Hy: Float64Array,
  out: Float64Array,
  pivot: Int8Array,
): number {
  let vo = 0;
  for (let i = 0; i < out.length; i++) {
    const o = pivot[i] !== FREE ? 0 : v[i] * invDiagb[i] + delta * s[i] + beta * Hy[i];
    out[i] = o;
    vo += v[i] * o;
  }
  return vo;
}

/**
 * out = (v·D⁻¹ + δ_r·s_r + β_r·Hy_r) + δ_k·s_k + β_k·Hy_k — both updates, element by element — projected;
 * returns vᵀout.
 */
function bfgsUpdateTwice(
  v: Float64Array,
  invDiagb: Float64Array,
  deltaR: number,
  sr: Float64Array,
  betaR: number,
  Hyr: Float64Array,
  deltaK: number,
  sk: Float64Array,
  betaK: number,
  Hyk: Float64Array,
  out: Float64Array,
  pivot: Int8Array,
): number {
  let vo = 0;
  for (let i = 0; i < out.length; i++) {
    const vi = v[i];
    let o = 0;
    if (pivot[i] === FREE) {
      const Hv = vi * invDiagb[i] + deltaR * sr[i] + betaR * Hyr[i];
      o = Hv + deltaK * sk[i] + betaK * Hyk[i];
    }
    out[i] = o;
    vo += vi * o;
  }
  return vo;
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
  const yksk = mem.yksk === 0 ? 1 : mem.yksk;
  if (mem.lreset) {
    let sBs = diagonalTimes(diagb, sk, Bs);
    if (sBs === 0) sBs = 1;
    diagonalUpdate(diagb, sk, sBs, yk, yksk, emat);
    return;
  }
  // Update D with (s_r, y_r) to B, then take the diagonal of B updated with (s_k, y_k).
  const products = diagonalTimesWithProducts(diagb, sr, sk, yr, Bs);
  const srBsr = products.srDsr === 0 ? 1 : products.srDsr;
  const yrsr = mem.yrsr === 0 ? 1 : mem.yrsr;
  let skBsk = updatedProductAndDiagonal(diagb, sk, sr, yr, products.skDsr, srBsr, products.yrsk, yrsr, Bs, emat);
  if (skBsk === 0) skBsk = 1;
  // NOTE the sign of the y_k term: the BFGS formula (and Nash's original code) ADDS y_k²/y_kᵀs_k here; scipy's
  // tnc.c as shipped (≥ its C reformatting; checked against scipy 1.17) subtracts it. We follow scipy, so that
  // TNC's iterates agree with scipy's bit for bit (test/optim-tnc.test.ts); the effect is confined to this
  // diagonal seed, which the CG loop then refines (entries ≤ 1e-6 restart at 1).
  subtractRankOnes(Bs, skBsk, yk, yksk, emat);
}

/** Ds = D·s, elementwise; returns sᵀDs. */
function diagonalTimes(diagb: Float64Array, s: Float64Array, Ds: Float64Array): number {
  let sDs = 0;
  for (let i = 0; i < Ds.length; i++) {
    const b = diagb[i] * s[i];
    Ds[i] = b;
    sDs += s[i] * b;
  }
  return sDs;
}

/** Ds = D·s_r, elementwise; returns s_rᵀDs_r, s_kᵀDs_r and y_rᵀs_k. */
function diagonalTimesWithProducts(
  diagb: Float64Array,
  sr: Float64Array,
  sk: Float64Array,
  yr: Float64Array,
  Ds: Float64Array,
): { srDsr: number; skDsr: number; yrsk: number } {
  let srDsr = 0;
  let skDsr = 0;
  let yrsk = 0;
  for (let i = 0; i < Ds.length; i++) {
    const b = diagb[i] * sr[i];
    Ds[i] = b;
    srDsr += sr[i] * b;
    skDsr += sk[i] * b;
    yrsk += yr[i] * sk[i];
  }
  return { srDsr, skDsr, yrsk };
}

/** emat = D − D²s²/(sᵀDs) + y²/(yᵀs), elementwise. */
function diagonalUpdate(
  diagb: Float64Array,
  s: Float64Array,
  sBs: number,
  y: Float64Array,
  ys: number,
  emat: Float64Array,
): void {
  for (let i = 0; i < emat.length; i++) {
    const d = diagb[i];
    emat[i] = d - (d * d * s[i] * s[i]) / sBs + (y[i] * y[i]) / ys;
  }
}

/**
 * Bs = B·s_k for B = D updated with (s_r, y_r) (Bs holds D·s_r on entry), and emat = diag(B); returns s_kᵀBs_k.
 */
function updatedProductAndDiagonal(
  diagb: Float64Array,
  sk: Float64Array,
  sr: Float64Array,
  yr: Float64Array,
  skBsr: number,
  srBsr: number,
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
    emat[i] = d - (d * d * sr[i] * sr[i]) / srBsr + (yr[i] * yr[i]) / yrsr;
    skBsk += sk[i] * b;
  }
  return skBsk;
}

/** emat −= (Bs)²/(s_kᵀBs_k) + y_k²/(y_kᵀs_k), elementwise. */
function subtractRankOnes(Bs: Float64Array, skBsk: number, yk: Float64Array, yksk: number, emat: Float64Array): void {
  for (let i = 0; i < emat.length; i++) emat[i] -= (Bs[i] * Bs[i]) / skBsk + (yk[i] * yk[i]) / yksk;
}
