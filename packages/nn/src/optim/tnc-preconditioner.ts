import { dot } from './vector.js';

/**
 * TNC's preconditioner (Nash 1984/1985): the inverse of a limited-memory quasi-Newton approximation M of the
 * Hessian, built by at most two self-scaled BFGS updates of a diagonal D:
 *   - from the latest step:                       (s_k, y_k)
 *   - and, between resets, from the accumulated steps of the current cycle: (s_r, y_r) = Σ (s_i, y_i)
 * D itself is refined during each inner CG solve by a diagonal BFGS update from the Hessian-vector products.
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
  /** Scratch for applyInverse and initialDiagonal, allocated once (they run once per evaluation). */
  work: [Float64Array, Float64Array, Float64Array];
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
    work: [new Float64Array(n), new Float64Array(n), new Float64Array(n)],
  };
}

/**
 * One self-scaled BFGS update of an inverse-Hessian product, with scaling γ = 1:
 *   H⁺v = Hv + δ·s − β'·Hy   where  δ = (yᵀHy/yᵀs + 1)·(vᵀs)/(yᵀs) − (vᵀHy)/(yᵀs),  β' = (vᵀs)/(yᵀs)
 * `Hv` and `Hy` are H applied to v and y; `out` may alias `Hv`.
 */
function bfgsInverseUpdate(
  s: Float64Array,
  Hv: Float64Array,
  Hy: Float64Array,
  ys: number,
  yHy: number,
  vs: number,
  vHy: number,
  out: Float64Array,
): void {
  let delta = 0;
  let beta = 0;
  if (ys !== 0) {
    delta = ((yHy / ys + 1) * vs) / ys - vHy / ys;
    beta = -vs / ys;
  }
  for (let i = 0; i < out.length; i++) out[i] = Hv[i] + delta * s[i] + beta * Hy[i];
}

/** out = M⁻¹·v: the preconditioner applied to v (also used for the fallback direction −M⁻¹g). */
export function applyInverse(mem: QuasiNewtonMemory, v: Float64Array, out: Float64Array): void {
  const n = v.length;
  const { diagb, sk, yk, sr, yr } = mem;
  if (mem.upd1) {
    for (let i = 0; i < n; i++) out[i] = v[i] / diagb[i];
    return;
  }
  const [Hv, Hyk, Hyr] = mem.work;
  for (let i = 0; i < n; i++) {
    const inv = 1 / diagb[i];
    Hv[i] = v[i] * inv;
    Hyk[i] = yk[i] * inv;
  }
  const vsk = dot(v, sk);
  if (!mem.lreset) {
    // First fold in the accumulated pair (s_r, y_r), applied to both v and y_k.
    for (let i = 0; i < n; i++) Hyr[i] = yr[i] * (1 / diagb[i]);
    const yrHyr = dot(yr, Hyr);
    bfgsInverseUpdate(sr, Hv, Hyr, mem.yrsr, yrHyr, dot(v, sr), dot(v, Hyr), Hv);
    bfgsInverseUpdate(sr, Hyk, Hyr, mem.yrsr, yrHyr, dot(yk, sr), dot(yk, Hyr), Hyk);
  }
  bfgsInverseUpdate(sk, Hv, Hyk, mem.yksk, dot(Hyk, yk), vsk, dot(Hyk, v), out);
}

/**
 * The diagonal of M (the BFGS-updated D) that seeds the inner solve's diagonal preconditioner `emat`:
 * D − (D s)(D s)ᵀ/(sᵀ D s) + y yᵀ/(yᵀ s), keeping only the diagonal, for the pair(s) in memory (see the note on
 * the second pair below).
 */
export function initialDiagonal(mem: QuasiNewtonMemory, emat: Float64Array): void {
  const n = emat.length;
  const { diagb, sk, yk, sr, yr } = mem;
  if (mem.upd1) {
    emat.set(diagb);
    return;
  }
  const Bs = mem.work[0];
  let yksk = mem.yksk === 0 ? 1 : mem.yksk;
  if (mem.lreset) {
    for (let i = 0; i < n; i++) Bs[i] = diagb[i] * sk[i];
    let sBs = dot(sk, Bs);
    if (sBs === 0) sBs = 1;
    for (let i = 0; i < n; i++) {
      const d = diagb[i];
      emat[i] = d - (d * d * sk[i] * sk[i]) / sBs + (yk[i] * yk[i]) / yksk;
    }
    return;
  }
  // Update D with (s_r, y_r) to B, then take the diagonal of B updated with (s_k, y_k).
  for (let i = 0; i < n; i++) Bs[i] = diagb[i] * sr[i];
  let srBsr = dot(sr, Bs);
  const skBsr = dot(sk, Bs);
  const yrsk = dot(yr, sk);
  const yrsr = mem.yrsr === 0 ? 1 : mem.yrsr;
  if (srBsr === 0) srBsr = 1;
  for (let i = 0; i < n; i++) {
    const d = diagb[i];
    // Bs becomes B·s_k for the once-updated B.
    Bs[i] = d * sk[i] - (Bs[i] * skBsr) / srBsr + (yr[i] * yrsk) / yrsr;
    emat[i] = d - (d * d * sr[i] * sr[i]) / srBsr + (yr[i] * yr[i]) / yrsr;
  }
  let skBsk = dot(sk, Bs);
  if (skBsk === 0) skBsk = 1;
  if (mem.yksk === 0) yksk = 1;
  // NOTE the sign of the y_k term: the BFGS formula (and Nash's original code) ADDS y_k²/y_kᵀs_k here; scipy's
  // tnc.c as shipped (≥ its C reformatting; checked against scipy 1.17) subtracts it. We follow scipy, so that
  // TNC's iterates agree with scipy's bit for bit (test/optim-tnc.test.ts); the effect is confined to this
  // diagonal seed, which the CG loop then refines (entries ≤ 1e-6 restart at 1).
  for (let i = 0; i < n; i++) emat[i] -= (Bs[i] * Bs[i]) / skBsk + (yk[i] * yk[i]) / yksk;
}

/**
 * Refine the diagonal `e` with one diagonal BFGS update from a CG step: direction v, Hessian product Hv and the
 * current residual r (the "gradient change" of the quadratic model). Entries that fall to ≤ 1e-6 restart at 1.
 */
export function updateDiagonal(e: Float64Array, v: Float64Array, Hv: Float64Array, r: Float64Array): void {
  const invVr = 1 / dot(v, r);
  const invVHv = 1 / dot(v, Hv);
  for (let i = 0; i < e.length; i++) {
    e[i] += -r[i] * r[i] * invVr + Hv[i] * Hv[i] * invVHv;
    if (e[i] <= 1e-6) e[i] = 1;
  }
}
