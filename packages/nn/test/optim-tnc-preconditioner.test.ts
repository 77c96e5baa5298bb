import { describe, expect, it } from 'vitest';
import { Rng } from '../src/random.js';
import { AT_LOWER, FREE } from '../src/optim/tnc/bounds.js';
import {
  applyInverse,
  initialDiagonal,
  newMemory,
  prepareInverse,
  type QuasiNewtonMemory,
} from '../src/optim/tnc/preconditioner.js';

// TNC's preconditioner computes everything that does not depend on the vector once per inner solve
// (tnc/preconditioner.ts: prepareInverse). Its iterates must stay bit-identical to scipy's, so here it is checked,
// element by element and sign of zero included, against the textbook sequence of BFGS updates written out step by
// step (scipy's tnc.c order: D⁻¹v, fold in (s_r, y_r), then (s_k, y_k); project; dot).

function dotRef(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function bfgsRef(s: Float64Array, Hv: Float64Array, Hy: Float64Array, ys: number, yHy: number, vs: number, vHy: number) {
  let delta = 0;
  let beta = 0;
  if (ys !== 0) {
    delta = ((yHy / ys + 1) * vs) / ys - vHy / ys;
    beta = -vs / ys;
  }
  return Hv.map((h, i) => h + delta * s[i] + beta * Hy[i]);
}

function inverseRef(mem: QuasiNewtonMemory, v: Float64Array, pivot: Int8Array): { out: Float64Array; vout: number } {
  const { diagb, sk, yk, sr, yr } = mem;
  let out: Float64Array;
  if (mem.upd1) out = v.map((x, i) => x / diagb[i]);
  else {
    let Hv = v.map((x, i) => x * (1 / diagb[i]));
    let Hyk = yk.map((x, i) => x * (1 / diagb[i]));
    const vsk = dotRef(v, sk);
    if (!mem.lreset) {
      const Hyr = yr.map((x, i) => x * (1 / diagb[i]));
      const yrHyr = dotRef(yr, Hyr);
      Hv = bfgsRef(sr, Hv, Hyr, mem.yrsr, yrHyr, dotRef(v, sr), dotRef(v, Hyr));
      Hyk = bfgsRef(sr, Hyk, Hyr, mem.yrsr, yrHyr, dotRef(yk, sr), dotRef(yk, Hyr));
    }
    out = bfgsRef(sk, Hv, Hyk, mem.yksk, dotRef(Hyk, yk), vsk, dotRef(Hyk, v));
  }
  for (let i = 0; i < out.length; i++) if (pivot[i] !== FREE) out[i] = 0;
  return { out, vout: dotRef(v, out) };
}

function diagonalRef(mem: QuasiNewtonMemory): Float64Array {
  const { diagb, sk, yk, sr, yr } = mem;
  const n = diagb.length;
  if (mem.upd1) return Float64Array.from(diagb);
  const emat = new Float64Array(n);
  const yksk = mem.yksk === 0 ? 1 : mem.yksk;
  if (mem.lreset) {
    const Bs = diagb.map((d, i) => d * sk[i]);
    let sBs = dotRef(sk, Bs);
    if (sBs === 0) sBs = 1;
    for (let i = 0; i < n; i++) emat[i] = diagb[i] - (diagb[i] * diagb[i] * sk[i] * sk[i]) / sBs + (yk[i] * yk[i]) / yksk;
    return emat;
  }
  const Bs = diagb.map((d, i) => d * sr[i]);
  let srBsr = dotRef(sr, Bs);
  const skBsr = dotRef(sk, Bs);
  const yrsk = dotRef(yr, sk);
  const yrsr = mem.yrsr === 0 ? 1 : mem.yrsr;
  if (srBsr === 0) srBsr = 1;
  for (let i = 0; i < n; i++) {
    const d = diagb[i];
    Bs[i] = d * sk[i] - (Bs[i] * skBsr) / srBsr + (yr[i] * yrsk) / yrsr;
    emat[i] = d - (d * d * sr[i] * sr[i]) / srBsr + (yr[i] * yr[i]) / yrsr;
  }
  let skBsk = dotRef(sk, Bs);
  if (skBsk === 0) skBsk = 1;
  for (let i = 0; i < n; i++) emat[i] -= (Bs[i] * Bs[i]) / skBsk + (yk[i] * yk[i]) / yksk;
  return emat;
}

function randomMemory(rng: Rng, n: number, state: 'upd1' | 'lreset' | 'twoPairs', zeroCurvature: boolean) {
  const mem = newMemory(n);
  const fill = (a: Float64Array, lo: number, hi: number) => {
    for (let i = 0; i < n; i++) a[i] = rng.uniform(lo, hi);
  };
  fill(mem.diagb, 0.1, 3);
  fill(mem.sk, -1, 1);
  fill(mem.yk, -1, 1);
  fill(mem.sr, -1, 1);
  fill(mem.yr, -1, 1);
  mem.yksk = zeroCurvature ? 0 : dotRef(mem.yk, mem.sk);
  mem.yrsr = zeroCurvature ? 0 : dotRef(mem.yr, mem.sr);
  mem.upd1 = state === 'upd1';
  mem.lreset = state === 'lreset';
  return mem;
}

/** Bit-for-bit equality (Object.is per element: NaN equals NaN, +0 differs from −0). */
function expectSameBits(actual: Float64Array, expected: Float64Array) {
  expect(actual.length).toBe(expected.length);
  expect(expected.every(Number.isFinite), 'the reference is finite').toBe(true);
  const differing = Array.from(actual).findIndex((a, i) => !Object.is(a, expected[i]));
  expect(differing, `first differing element ${differing}`).toBe(-1);
}

describe('tnc preconditioner: prepared once per solve, same bits as the step-by-step updates', () => {
  const cases: ['upd1' | 'lreset' | 'twoPairs', boolean, boolean][] = [];
  for (const state of ['upd1', 'lreset', 'twoPairs'] as const) {
    for (const held of [false, true]) for (const zeroCurvature of [false, true]) cases.push([state, held, zeroCurvature]);
  }

  it.each(cases)('%s memory, held variables %s, yᵀs = 0 %s', (state, held, zeroCurvature) => {
    const rng = new Rng(state.length * 7 + (held ? 1 : 0) + (zeroCurvature ? 2 : 0));
    const n = 257;
    const mem = randomMemory(rng, n, state, zeroCurvature);
    const pivot = new Int8Array(n);
    if (held) for (let i = 0; i < n; i += 5) pivot[i] = AT_LOWER;
    prepareInverse(mem);
    // Several vectors per preparation, as in one inner solve (the second with exact zeros of both signs).
    for (let trial = 0; trial < 3; trial++) {
      const v = Float64Array.from({ length: n }, () => rng.uniform(-1, 1));
      if (trial === 1) for (let i = 0; i < n; i += 3) v[i] = i % 2 ? -0 : 0;
      const out = new Float64Array(n).fill(NaN);
      const vout = applyInverse(mem, v, out, pivot);
      const ref = inverseRef(mem, v, pivot);
      expectSameBits(out, ref.out);
      expect(Object.is(vout, ref.vout)).toBe(true);
    }
  });

  it.each(cases.filter(([, held]) => !held))('initial diagonal of M: %s memory (yᵀs = 0 %s)', (state, _held, zeroCurvature) => {
    const rng = new Rng(99 + state.length + (zeroCurvature ? 1 : 0));
    const mem = randomMemory(rng, 101, state, zeroCurvature);
    const emat = new Float64Array(101);
    initialDiagonal(mem, emat);
    expectSameBits(emat, diagonalRef(mem));
  });

  it('a changed memory needs prepareInverse again (stale constants give a different M⁻¹v)', () => {
    const rng = new Rng(5);
    const n = 64;
    const mem = randomMemory(rng, n, 'twoPairs', false);
    const pivot = new Int8Array(n);
    const v = Float64Array.from({ length: n }, () => rng.uniform(-0.5, 0.5));
    prepareInverse(mem);
    for (let i = 0; i < n; i++) mem.diagb[i] *= 2;
    const stale = new Float64Array(n);
    applyInverse(mem, v, stale, pivot);
    expect(Array.from(stale)).not.toEqual(Array.from(inverseRef(mem, v, pivot).out));
    prepareInverse(mem);
    const fresh = new Float64Array(n);
    applyInverse(mem, v, fresh, pivot);
    expectSameBits(fresh, inverseRef(mem, v, pivot).out);
  });
});
