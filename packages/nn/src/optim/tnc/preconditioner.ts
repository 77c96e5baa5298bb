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
  const { sk, yk } = mem;
  let yksk = 0;
  for (let i = 0; i < sk.length; i++) {
    const y = g[i] - gOld[i];
    const s = alpha * p[i];
    yk[i] = y;
    sk[i] = s;
    yksk += y * s;
  }
  mem.yksk = yksk;
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
 * The coefficients of one self-scaled BFGS update of an inverse-Hessian product, with scaling γ = 1:
 *   H⁺v = Hv + δ·s + β·Hy   where  δ = (yᵀHy/yᵀs + 1)·(vᵀs)/(yᵀs) − (vᵀHy)/(yᵀs),  β = −(vᵀs)/(yᵀs)
 * (both 0 when yᵀs = 0). The callers apply it element by element, fused with the passes around it.
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
  const n = diagb.length;
  if (mem.lreset) {
    let ykHyk = 0;
    for (let i = 0; i < n; i++) {
      const inv = 1 / diagb[i];
      invDiagb[i] = inv;
      const h = yk[i] * inv;
      Hyk[i] = h;
      ykHyk += h * yk[i];
    }
    mem.ykHyk = ykHyk;
    return;
  }
  // Fold the accumulated pair (s_r, y_r) into D⁻¹y_k.
  let yrHyr = 0;
  let yksr = 0;
  let ykHyr = 0;
  for (let i = 0; i < n; i++) {
    const inv = 1 / diagb[i];
    invDiagb[i] = inv;
    Hyk[i] = yk[i] * inv;
    const h = yr[i] * inv;
    Hyr[i] = h;
    yrHyr += yr[i] * h;
    yksr += yk[i] * sr[i];
    ykHyr += yk[i] * h;
  }
  mem.yrHyr = yrHyr;
  const delta = bfgsDelta(mem.yrsr, yrHyr, yksr, ykHyr);
  const beta = bfgsBeta(mem.yrsr, yksr);
  let ykHyk = 0;
  for (let i = 0; i < n; i++) {
    const h = Hyk[i] + delta * sr[i] + beta * Hyr[i];
    Hyk[i] = h;
    ykHyk += h * yk[i];
  }
  mem.ykHyk = ykHyk;
}

/**
 * out = M⁻¹·v projected onto the free variables (held components, pivot ≠ FREE, set to 0); returns vᵀout.
 * TNC applies it to the CG residual (and to g for the fallback direction −M⁻¹g). The memory must have been
 * prepared (prepareInverse) since it last changed. `out` must not alias v.
 *
 * Two passes: the products of v with the memory's vectors, then D⁻¹v and both BFGS updates element by element
 * (the same operations, in the same order, as one whole-vector pass per update).
 */
export function applyInverse(mem: QuasiNewtonMemory, v: Float64Array, out: Float64Array, pivot: Int8Array): number {
  const { diagb, invDiagb, sk, Hyk, sr, Hyr } = mem;
  const n = out.length;
  let vout = 0;
  if (mem.upd1) {
    for (let i = 0; i < n; i++) {
      const o = pivot[i] !== FREE ? 0 : v[i] / diagb[i];
      out[i] = o;
      vout += v[i] * o;
    }
    return vout;
  }
  const twoPairs = !mem.lreset;
  let vsr = 0;
  let vHyr = 0;
  let vsk = 0;
  let vHyk = 0;
  for (let i = 0; i < n; i++) {
    const vi = v[i];
    if (twoPairs) {
      vsr += vi * sr[i];
      vHyr += vi * Hyr[i];
    }
    vsk += vi * sk[i];
    vHyk += vi * Hyk[i];
  }
  const deltaR = twoPairs ? bfgsDelta(mem.yrsr, mem.yrHyr, vsr, vHyr) : 0;
  const betaR = twoPairs ? bfgsBeta(mem.yrsr, vsr) : 0;
  const deltaK = bfgsDelta(mem.yksk, mem.ykHyk, vsk, vHyk);
  const betaK = bfgsBeta(mem.yksk, vsk);
  for (let i = 0; i < n; i++) {
    const vi = v[i];
    let o = vi * invDiagb[i];
    if (twoPairs) o = o + deltaR * sr[i] + betaR * Hyr[i];
    o = o + deltaK * sk[i] + betaK * Hyk[i];
    o = pivot[i] !== FREE ? 0 : o;
    out[i] = o;
    vout += vi * o;
  }
  return vout;
}

/**
 * The diagonal of M (the BFGS-updated D) that seeds the inner solve's diagonal preconditioner `emat`:
 * D − (D s)(D s)ᵀ/(sᵀ D s) + y yᵀ/(yᵀ s), keeping only the diagonal, for the pair(s) in memory (see the note on
 * the second pair below).
 */
export function initialDiagonal(mem: QuasiNewtonMemory, emat: Float64Array): void {
  const { diagb, sk, yk, sr, yr } = mem;
  if (mem.upd1) {
    emat.set(diagb);
    return;
  }
  const yksk = orOne(mem.yksk);
  const n = emat.length;
  if (mem.lreset) {
    let sBs = 0;
    for (let i = 0; i < n; i++) sBs += sk[i] * (diagb[i] * sk[i]);
    sBs = orOne(sBs);
    for (let i = 0; i < n; i++) {
      const d = diagb[i];
      emat[i] = d - (d * d * sk[i] * sk[i]) / sBs + (yk[i] * yk[i]) / yksk;
    }
    return;
  }
  // Update D with (s_r, y_r) to B (Bs = B·s_k), then take the diagonal of B updated with (s_k, y_k).
  const Bs = mem.Bs;
  let srBsr = 0;
  let skBsr = 0;
  let yrsk = 0;
  for (let i = 0; i < n; i++) {
    const b = diagb[i] * sr[i];
    Bs[i] = b;
    srBsr += sr[i] * b;
    skBsr += sk[i] * b;
    yrsk += yr[i] * sk[i];
  }
  srBsr = orOne(srBsr);
  const yrsr = orOne(mem.yrsr);
  let skBsk = 0;
  for (let i = 0; i < n; i++) {
    const d = diagb[i];
    const b = d * sk[i] - (Bs[i] * skBsr) / srBsr + (yr[i] * yrsk) / yrsr;
    Bs[i] = b;
    skBsk += sk[i] * b;
    emat[i] = d - (d * d * sr[i] * sr[i]) / srBsr + (yr[i] * yr[i]) / yrsr;
  }
  skBsk = orOne(skBsk);
  // NOTE the sign of the y_k term: the BFGS formula (and Nash's original code) ADDS y_k²/y_kᵀs_k here; scipy's
  // tnc.c as shipped (≥ its C reformatting; checked against scipy 1.17) subtracts it. We follow scipy, so that
  // TNC's iterates agree with scipy's bit for bit (test/optim-tnc.test.ts); the effect is confined to this
  // diagonal seed, which the CG loop then refines (entries ≤ 1e-6 restart at 1).
  for (let i = 0; i < n; i++) emat[i] -= (Bs[i] * Bs[i]) / skBsk + (yk[i] * yk[i]) / yksk;
}

/** A zero denominator is taken as 1 (scipy's guard). */
function orOne(x: number): number {
  return x === 0 ? 1 : x;
}
