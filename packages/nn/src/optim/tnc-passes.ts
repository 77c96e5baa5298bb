import { InvalidArgumentError } from '../errors.js';
import { FREE, type ScaledBox } from './tnc-bounds.js';
import { cgStep, hessianProduct, type InnerSolve, lastResidualTimesStep, nextDirection, startSolve } from './tnc-cg.js';
import {
  accumulatePair,
  applyInverse,
  applyInverseBy,
  type DiagonalLoops,
  initialDiagonal,
  initialDiagonalBy,
  type InverseLoops,
  prepareInverse,
  prepareInverseBy,
  type PrepareLoops,
  type QuasiNewtonMemory,
  rememberStep,
} from './tnc-preconditioner.js';
import { copyAndDot } from './vector.js';

/**
 * The passes over n variables that TNC runs once per CG step or line-search trial (most of its own time) and once
 * per iteration, bound to one workspace's vectors (tnc-workspace.ts), in two interchangeable forms that do the
 * same IEEE operations in the same order for every element (so the iterates are bit-identical, and both stay
 * bit-identical to scipy's):
 *
 * - {@link plainPasses}: the functions of tnc-cg.ts, tnc-preconditioner.ts and tnc-bounds.ts, which take the vectors
 *   as arguments. The reference, and what small problems use.
 * - {@link generatedPasses}: the same loops as source text compiled with `new Function` once per workspace, as
 *   closures over its vectors held in `const`s. Why: V8 (11.3, Node 20) cannot keep what it knows about a typed
 *   array that arrives as an argument across a loop's back edge (the loop's stack check may run anything), so a
 *   plain loop re-checks each array's map and reloads its base pointer and length on every element, for every
 *   array — measured 2-3× the cost of the arithmetic on these passes. A function compiled for one closure (each
 *   `new Function` makes new function infos, and its source carries a fresh serial number so that V8's eval cache
 *   does not hand back shared ones) is specialised by TurboFan on its context: the `const` arrays become
 *   constants, the loop bound is a literal, and nothing is checked in the loop. Compiling and warming up those
 *   closures costs ~30 ms on digits5000 — most of what they save in one run — which is why workspaces outlive
 *   their run.
 *
 * Each generated pass keeps the shape the plain ones have (see the note at the top of tnc-cg.ts): one loop and
 * nothing after it but stores to closure variables and `return`.
 */
export interface HotPasses {
  // ---- once per iteration
  /** gOld = g; returns pᵀg (the slope along the new direction). */
  saveGradient(): number;
  /** s_k = α·p, y_k = g − gOld and y_kᵀs_k in the memory (rememberStep). */
  rememberStep(alpha: number): void;
  /** s_r += s_k, y_r += y_k (accumulatePair). */
  accumulatePair(): void;
  /** emat = the diagonal of M that seeds the inner solve (initialDiagonal). */
  initialDiagonal(): void;
  /** What M⁻¹ needs that does not depend on the vector (prepareInverse). */
  prepareInverse(): void;
  /** p = 0, r = −g projected, v = 0 (startSolve). */
  startSolve(): void;
  // ---- once per CG step or line-search trial
  /** zk = M⁻¹r projected onto the free variables; returns rᵀzk (applyInverse on the CG residual). */
  applyInverse(): number;
  /** v = zk + β·v, projected; returns vᵀr (nextDirection). */
  nextDirection(beta: number): number;
  /** xTrial = (xs + step·v)·scale + offset, clamped (the point of a Hessian-vector product). */
  trialAlongV(step: number): void;
  /** xTrial = (xs + step·p)·scale + offset, clamped (a line-search trial point). */
  trialAlongP(step: number): void;
  /** Hv = (Hv·scale·fscale − g)/δ, 0 where held or constant; returns vᵀHv (hessianProduct). */
  hessianProduct(delta: number, fscale: number): number;
  /** p += α·v, r −= α·Hv (projected) and the diagonal update of emat; returns gᵀp (cgStep). */
  cgStep(alpha: number, vr: number, vHv: number): number;
  /** rᵀp after the latest cgStep. */
  residualTimesStep(): number;
  /** (gTrial·scale·fscale)ᵀp: the slope at a line-search trial point (ScaledBox.scaledSlope). */
  trialSlope(fscale: number): number;
}

/**
 * The vectors the passes work on (all of length n; a TncWorkspace). The passes bind to the vectors once; `box` is
 * read at each trial point (whether any bound is finite), its four vectors only once.
 */
export interface RunVectors {
  /** The current point, scaled. */
  xs: Float64Array;
  /** The scaled, projected gradient at xs (the right-hand side −g of the Newton equations), and the previous one. */
  g: Float64Array;
  gOld: Float64Array;
  /** The search direction (the CG solution). */
  p: Float64Array;
  /** Trial point (unscaled) and the raw gradient there (line search). */
  xTrial: Float64Array;
  gTrial: Float64Array;
  pivot: Int8Array;
  box: ScaledBox;
  cg: InnerSolve;
  mem: QuasiNewtonMemory;
}

/** The passes as calls to the plain functions. */
export function plainPasses(w: RunVectors): HotPasses {
  const { xs, g, gOld, p, xTrial, gTrial, pivot, cg, mem } = w;
  const { r, v, zk, emat, Hv } = cg;
  const xscale = w.box.xscale;
  return {
    saveGradient: () => copyAndDot(g, gOld, p),
    rememberStep: (alpha) => rememberStep(mem, alpha, p, g, gOld),
    accumulatePair: () => accumulatePair(mem),
    initialDiagonal: () => initialDiagonal(mem, emat),
    prepareInverse: () => prepareInverse(mem),
    startSolve: () => startSolve(g, p, r, v, pivot),
    applyInverse: () => applyInverse(mem, r, zk, pivot),
    nextDirection: (beta) => nextDirection(zk, beta, v, r, pivot),
    trialAlongV: (step) => w.box.unscaleStep(xs, step, v, xTrial),
    trialAlongP: (step) => w.box.unscaleStep(xs, step, p, xTrial),
    hessianProduct: (delta, fscale) => hessianProduct(Hv, g, delta, fscale, xscale, v, pivot),
    cgStep: (alpha, vr, vHv) => cgStep(alpha, v, Hv, p, r, g, pivot, emat, vr, vHv),
    residualTimesStep: lastResidualTimesStep,
    trialSlope: (fscale) => w.box.scaledSlope(gTrial, fscale, p),
  };
}

/** What the generated source returns: the loops, with M⁻¹'s orchestration still to be wrapped around them. */
interface GeneratedLoops
  extends Omit<HotPasses, 'applyInverse' | 'initialDiagonal' | 'prepareInverse' | 'rememberStep'>,
    InverseLoops,
    PrepareLoops,
    DiagonalLoops {
  /** s_k = α·p, y_k = g − gOld; returns y_kᵀs_k. */
  rememberStep(alpha: number): number;
  /** The trial points clamped into the bounds (trialAlong* leave that out: no bound is finite). */
  trialAlongVClamped(step: number): void;
  trialAlongPClamped(step: number): void;
}

/** Sources compiled so far in this process: numbers them so that each compiles afresh. */
let sourcesCompiled = 0;

/** The passes compiled for these vectors. */
export function generatedPasses(w: RunVectors): HotPasses {
  const source = passesSource(w.xs.length, ++sourcesCompiled);
  const loops = new Function('w', source)(w) as GeneratedLoops;
  const mem = w.mem;
  const emat = w.cg.emat;
  return {
    saveGradient: loops.saveGradient,
    rememberStep: (alpha) => {
      mem.yksk = loops.rememberStep(alpha);
    },
    accumulatePair: loops.accumulatePair,
    initialDiagonal: () => initialDiagonalBy(mem, emat, loops),
    prepareInverse: () => prepareInverseBy(mem, loops),
    startSolve: loops.startSolve,
    applyInverse: () => applyInverseBy(mem, loops),
    nextDirection: loops.nextDirection,
    trialAlongV: (step) => (w.box.bounded ? loops.trialAlongVClamped(step) : loops.trialAlongV(step)),
    trialAlongP: (step) => (w.box.bounded ? loops.trialAlongPClamped(step) : loops.trialAlongP(step)),
    hessianProduct: loops.hessianProduct,
    cgStep: loops.cgStep,
    residualTimesStep: loops.residualTimesStep,
    trialSlope: loops.trialSlope,
  };
}

/**
 * The source of the generated passes for n variables; `serial` numbers it (so V8 compiles it afresh, see above).
 * Every expression is the plain function's, with its arguments renamed to the workspace's vectors: v → r and
 * out → zk in M⁻¹'s loops, tnc-cg.ts's p, r, g, e → p, r, g, emat, ScaledBox.unscaleStep's out, dir → xTrial,
 * v or p, and the preconditioner's D, Ds, s, y → diagb, Bs, s_k or s_r, y_k or y_r.
 */
export function passesSource(n: number, serial: number): string {
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new InvalidArgumentError(`passesSource: n must be a positive integer; received ${n}`);
  }
  const free = FREE;
  const trialPoint = (dir: string) =>
    `for (let i = 0; i < n; i++) xTrial[i] = (xs[i] + step * ${dir}[i]) * xscale[i] + xoffset[i];`;
  const trialPointClamped = (dir: string) => `for (let i = 0; i < n; i++) {
      const x = (xs[i] + step * ${dir}[i]) * xscale[i] + xoffset[i];
      const lo = lower[i];
      const up = upper[i];
      xTrial[i] = x < lo ? lo : x > up ? up : x;
    }`;
  return `'use strict';
// TNC's hot passes, compiled for workspace ${serial} (n = ${n}).
// (An argument used in a loop is first copied as \`arg * 1\` — the same number, bit for bit — so that TurboFan
// unboxes it once, before the loop, rather than at every use inside it.)
const n = ${n};
const xs = w.xs, g = w.g, gOld = w.gOld, p = w.p, xTrial = w.xTrial, gTrial = w.gTrial, pivot = w.pivot;
const r = w.cg.r, v = w.cg.v, zk = w.cg.zk, emat = w.cg.emat, Hv = w.cg.Hv;
const xscale = w.box.xscale, xoffset = w.box.xoffset, lower = w.box.lower, upper = w.box.upper;
const mem = w.mem; // (only its vectors are read here: the scalars stay with the TypeScript around these loops)
const diagb = mem.diagb, invDiagb = mem.invDiagb, Bs = mem.Bs;
const sk = mem.sk, yk = mem.yk, sr = mem.sr, yr = mem.yr, Hyk = mem.Hyk, Hyr = mem.Hyr;
let second = 0;
let third = 0;
let fourth = 0;
let residualTimesStep = 0;

return {
  // ---------------------------------------------------------------- once per iteration

  saveGradient() {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const ai = g[i];
      gOld[i] = ai;
      s += ai * p[i];
    }
    return s;
  },

  rememberStep(alphaArg) {
    const alpha = alphaArg * 1;
    let ys = 0;
    for (let i = 0; i < n; i++) {
      yk[i] = g[i] - gOld[i];
      sk[i] = alpha * p[i];
      ys += yk[i] * sk[i];
    }
    return ys;
  },

  accumulatePair() {
    for (let i = 0; i < n; i++) {
      sr[i] += sk[i];
      yr[i] += yk[i];
    }
  },

  startSolve() {
    for (let i = 0; i < n; i++) {
      r[i] = pivot[i] !== ${free} ? 0 : -g[i];
      p[i] = 0;
      v[i] = 0;
    }
  },

  reciprocalTimes() {
    let yHy = 0;
    for (let i = 0; i < n; i++) {
      const q = 1 / diagb[i];
      const h = yk[i] * q;
      invDiagb[i] = q;
      Hyk[i] = h;
      yHy += h * yk[i];
    }
    return yHy;
  },

  reciprocalTimesTwice() {
    let yrHyr = 0;
    let yksr = 0;
    let ykHyr = 0;
    for (let i = 0; i < n; i++) {
      const q = 1 / diagb[i];
      const hr = yr[i] * q;
      invDiagb[i] = q;
      Hyk[i] = yk[i] * q;
      Hyr[i] = hr;
      yrHyr += yr[i] * hr;
      yksr += yk[i] * sr[i];
      ykHyr += yk[i] * hr;
    }
    second = yksr;
    third = ykHyr;
    return yrHyr;
  },

  bfgsUpdate(deltaArg, betaArg) {
    const delta = deltaArg * 1;
    const beta = betaArg * 1;
    let yHy = 0;
    for (let i = 0; i < n; i++) {
      const h = Hyk[i] + delta * sr[i] + beta * Hyr[i];
      Hyk[i] = h;
      yHy += h * yk[i];
    }
    return yHy;
  },

  diagonalTimes() {
    let sDs = 0;
    for (let i = 0; i < n; i++) {
      const b = diagb[i] * sk[i];
      Bs[i] = b;
      sDs += sk[i] * b;
    }
    return sDs;
  },

  diagonalUpdate(sBsArg, ysArg) {
    const sBs = sBsArg * 1;
    const ys = ysArg * 1;
    for (let i = 0; i < n; i++) {
      const d = diagb[i];
      emat[i] = d - (d * d * sk[i] * sk[i]) / sBs + (yk[i] * yk[i]) / ys;
    }
  },

  diagonalTimesWithProducts() {
    let srDsr = 0;
    let skDsr = 0;
    let yrsk = 0;
    for (let i = 0; i < n; i++) {
      const b = diagb[i] * sr[i];
      Bs[i] = b;
      srDsr += sr[i] * b;
      skDsr += sk[i] * b;
      yrsk += yr[i] * sk[i];
    }
    second = skDsr;
    third = yrsk;
    return srDsr;
  },

  updatedProductAndDiagonal(skBsrArg, srBsrArg, yrskArg, yrsrArg) {
    const skBsr = skBsrArg * 1;
    const srBsr = srBsrArg * 1;
    const yrsk = yrskArg * 1;
    const yrsr = yrsrArg * 1;
    let skBsk = 0;
    for (let i = 0; i < n; i++) {
      const d = diagb[i];
      const b = d * sk[i] - (Bs[i] * skBsr) / srBsr + (yr[i] * yrsk) / yrsr;
      Bs[i] = b;
      emat[i] = d - (d * d * sr[i] * sr[i]) / srBsr + (yr[i] * yr[i]) / yrsr;
      skBsk += sk[i] * b;
    }
    return skBsk;
  },

  subtractRankOnes(skBskArg, ykskArg) {
    const skBsk = skBskArg * 1;
    const yksk = ykskArg * 1;
    for (let i = 0; i < n; i++) emat[i] -= (Bs[i] * Bs[i]) / skBsk + (yk[i] * yk[i]) / yksk;
  },

  // ---------------------------------------------------------------- once per CG step or line-search trial
  divideByDiagonal() {
    let vo = 0;
    for (let i = 0; i < n; i++) {
      const o = pivot[i] !== ${free} ? 0 : r[i] / diagb[i];
      zk[i] = o;
      vo += r[i] * o;
    }
    return vo;
  },

  productsWithPair() {
    let vs = 0;
    let vHy = 0;
    for (let i = 0; i < n; i++) {
      vs += r[i] * sk[i];
      vHy += Hyk[i] * r[i];
    }
    second = vHy;
    return vs;
  },

  productsWithPairs() {
    let vsk = 0;
    let vHyk = 0;
    let vsr = 0;
    let vHyr = 0;
    for (let i = 0; i < n; i++) {
      const vi = r[i];
      vsk += vi * sk[i];
      vHyk += Hyk[i] * vi;
      vsr += vi * sr[i];
      vHyr += vi * Hyr[i];
    }
    second = vHyk;
    third = vsr;
    fourth = vHyr;
    return vsk;
  },

  secondProduct() {
    return second;
  },

  thirdProduct() {
    return third;
  },

  fourthProduct() {
    return fourth;
  },

  bfgsUpdateScaled(deltaArg, betaArg) {
    const delta = deltaArg * 1;
    const beta = betaArg * 1;
    let vo = 0;
    for (let i = 0; i < n; i++) {
      const o = pivot[i] !== ${free} ? 0 : r[i] * invDiagb[i] + delta * sk[i] + beta * Hyk[i];
      zk[i] = o;
      vo += r[i] * o;
    }
    return vo;
  },

  bfgsUpdateTwice(deltaRArg, betaRArg, deltaKArg, betaKArg) {
    const deltaR = deltaRArg * 1;
    const betaR = betaRArg * 1;
    const deltaK = deltaKArg * 1;
    const betaK = betaKArg * 1;
    let vo = 0;
    for (let i = 0; i < n; i++) {
      const vi = r[i];
      let o = 0;
      if (pivot[i] === ${free}) {
        const Hvi = vi * invDiagb[i] + deltaR * sr[i] + betaR * Hyr[i];
        o = Hvi + deltaK * sk[i] + betaK * Hyk[i];
      }
      zk[i] = o;
      vo += vi * o;
    }
    return vo;
  },

  nextDirection(betaArg) {
    const beta = betaArg * 1;
    let vr = 0;
    for (let i = 0; i < n; i++) {
      const vi = pivot[i] !== ${free} ? 0 : zk[i] + beta * v[i];
      v[i] = vi;
      vr += vi * r[i];
    }
    return vr;
  },

  trialAlongV(stepArg) {
    const step = stepArg * 1;
    ${trialPoint('v')}
  },

  trialAlongP(stepArg) {
    const step = stepArg * 1;
    ${trialPoint('p')}
  },

  trialAlongVClamped(stepArg) {
    const step = stepArg * 1;
    ${trialPointClamped('v')}
  },

  trialAlongPClamped(stepArg) {
    const step = stepArg * 1;
    ${trialPointClamped('p')}
  },

  hessianProduct(delta, fscaleArg) {
    const fscale = fscaleArg * 1;
    const invDelta = 1 / delta;
    let vHv = 0;
    for (let i = 0; i < n; i++) {
      const h = xscale[i] === 0 || pivot[i] !== ${free} ? 0 : (Hv[i] * (xscale[i] * fscale) - g[i]) * invDelta;
      Hv[i] = h;
      vHv += v[i] * h;
    }
    return vHv;
  },

  cgStep(alphaArg, vr, vHv) {
    const alpha = alphaArg * 1;
    const invVr = 1 / vr;
    const invVHv = 1 / vHv;
    let gp = 0;
    let rp = 0;
    for (let i = 0; i < n; i++) {
      const ri = r[i];
      const hi = Hv[i];
      const ei = emat[i] + (-ri * ri * invVr + hi * hi * invVHv);
      emat[i] = ei <= 1e-6 ? 1 : ei;
      const pNext = p[i] + alpha * v[i];
      const rNext = ri - alpha * hi;
      p[i] = pNext;
      r[i] = pivot[i] !== ${free} ? 0 : rNext;
      gp += pNext * g[i];
      rp += rNext * pNext;
    }
    residualTimesStep = rp;
    return gp;
  },

  residualTimesStep() {
    return residualTimesStep;
  },

  trialSlope(fscaleArg) {
    const fscale = fscaleArg * 1;
    let s = 0;
    for (let i = 0; i < n; i++) s += gTrial[i] * (xscale[i] * fscale) * p[i];
    return s;
  },
};
`;
}
