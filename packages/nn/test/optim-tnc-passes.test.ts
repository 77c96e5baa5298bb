import { describe, expect, it, vi } from 'vitest';
import { InvalidArgumentError } from '../src/errors.js';
import { Rng } from '../src/random.js';
import { driveSync, RunTracker } from '../src/optim/driver.js';
import { minimize } from '../src/optim/minimize.js';
import { mergeOptions } from '../src/optim/options.js';
import { passesSource } from '../src/optim/tnc-passes.js';
import { tnc, tncWith } from '../src/optim/tnc.js';
import { acquireWorkspace, IDLE_DOUBLES, IDLE_KEPT, releaseWorkspace } from '../src/optim/tnc-workspace.js';
import type { Objective, OptimizeResult, MethodRun } from '../src/optim/types.js';
import { golden, logistic, quadratic, rosen, rosenStart, type ScipyRun } from './fixtures/optim/problems.js';

// TNC's hot passes come in two forms (tnc-passes.ts): the plain functions, and the same loops generated as source
// and compiled per workspace, with workspaces reused by later runs of the same size (tnc-workspace.ts). Both must
// do the same IEEE operations in the same order, so every iterate must agree to the last bit — checked here on
// random problems (with and without bounds, held and constant variables, rescaling, every CG-length setting) and
// against scipy's golden runs. tncWith(0) always generates; tncWith(Infinity) never does (the reference).

const generated = tncWith(0);
const plain = tncWith(Infinity);

interface Trace {
  result: OptimizeResult;
  /** The bits of f and x at every iterate the callback saw, and f. */
  iterates: string[];
  fs: number[];
  /** The points the objective was asked for, as bits. */
  points: string[];
}

function bits(x: Float64Array): string {
  return Array.from(new BigUint64Array(Float64Array.from(x).buffer), (b) => b.toString(16)).join(',');
}

function fBits(f: number): string {
  return new BigUint64Array(Float64Array.of(f).buffer)[0].toString(16);
}

function start(method: typeof tnc, fun: Objective, x0: Float64Array, given: Record<string, unknown>, trace: Trace) {
  const options = mergeOptions('tnc', method.defaults, given);
  method.validate(options, x0.length);
  const tracker = new RunTracker('tnc', x0, (info) => {
    trace.iterates.push(`${fBits(info.fun)}:${bits(info.x)}`);
    trace.fs.push(info.fun);
  }, undefined);
  return { run: method.run(Float64Array.from(x0), options), tracker };
}

function traced(fun: Objective, trace: Trace): Objective {
  return (x, g) => {
    trace.points.push(bits(x));
    return fun(x, g);
  };
}

/** Run `method` to the end, recording everything it asked for and reported. */
function runTraced(method: typeof tnc, fun: Objective, x0: Float64Array, given: Record<string, unknown>): Trace {
  const trace = { iterates: [], fs: [], points: [] } as unknown as Trace;
  const { run, tracker } = start(method, fun, x0, given, trace);
  trace.result = driveSync(run, traced(fun, trace), tracker);
  return trace;
}

function expectSameRun(a: Trace, b: Trace): void {
  expect(a.points.length).toBe(b.points.length);
  for (let i = 0; i < a.points.length; i++) if (a.points[i] !== b.points[i]) expect([i, a.points[i]]).toEqual([i, b.points[i]]);
  expect(a.iterates).toEqual(b.iterates);
  expect(bits(a.result.x)).toBe(bits(b.result.x));
  expect(bits(a.result.jac)).toBe(bits(b.result.jac));
  expect(fBits(a.result.fun)).toBe(fBits(b.result.fun));
  expect([a.result.nfev, a.result.nit, a.result.status, a.result.message]).toEqual([
    b.result.nfev,
    b.result.nit,
    b.result.status,
    b.result.message,
  ]);
}

/** A random smooth objective: a random convex quadratic plus a random sum of w·sin(c·x) ripples and a quartic. */
function randomObjective(rng: Rng, n: number): Objective {
  const k = 1 + rng.int(n);
  const M = Float64Array.from({ length: k * n }, () => rng.normal());
  const b = Float64Array.from({ length: n }, () => rng.normal() * 3);
  const w = Float64Array.from({ length: n }, () => (rng.next() < 0.5 ? 0 : rng.uniform(-2, 2)));
  const c = Float64Array.from({ length: n }, () => rng.uniform(0.5, 3));
  const quartic = rng.next() < 0.3 ? rng.uniform(0.01, 0.5) : 0;
  const fscale = 10 ** rng.uniform(-3, 4); // exercises TNC's rescaling of f
  const Mx = new Float64Array(k);
  return (x, g) => {
    let f = 0;
    for (let r = 0; r < k; r++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += M[r * n + j] * x[j];
      Mx[r] = s;
      f += 0.5 * s * s;
    }
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let r = 0; r < k; r++) s += M[r * n + j] * Mx[r];
      const xj = x[j];
      f += 0.05 * xj * xj - b[j] * xj + w[j] * Math.sin(c[j] * xj) + quartic * xj * xj * xj * xj;
      g[j] = (s + 0.1 * xj - b[j] + w[j] * c[j] * Math.cos(c[j] * xj) + 4 * quartic * xj * xj * xj) * fscale;
    }
    return f * fscale;
  };
}

/** Random options: bounds on some variables (some fixed, some starting on a bound), scaling, CG lengths... */
function randomOptions(rng: Rng, n: number, x0: Float64Array): Record<string, unknown> {
  const o: Record<string, unknown> = { maxfun: 5 + rng.int(250) };
  const pick = <T>(values: T[]) => values[rng.int(values.length)];
  o.maxCGit = pick([-1, -1, 0, 1, 2, 5, n]);
  if (rng.next() < 0.3) o.eta = pick([0.01, 0.5, 0.9]);
  if (rng.next() < 0.3) o.stepmx = pick([0.1, 1, 100]);
  if (rng.next() < 0.3) o.rescale = pick([0, 0.5, 3]);
  if (rng.next() < 0.2) o.ftol = pick([0, 1e-12, 1e-4]);
  if (rng.next() < 0.2) o.gtol = pick([0, 1e-12, 1e-3]);
  if (rng.next() < 0.5) {
    const lower = new Float64Array(n).fill(-Infinity);
    const upper = new Float64Array(n).fill(Infinity);
    for (let i = 0; i < n; i++) {
      const kind = rng.int(6);
      if (kind === 1) lower[i] = x0[i] - rng.uniform(0, 1);
      if (kind === 2) upper[i] = x0[i] + rng.uniform(0, 1);
      if (kind === 3) [lower[i], upper[i]] = [x0[i] - rng.uniform(0, 2), x0[i] + rng.uniform(0, 2)];
      if (kind === 4) lower[i] = upper[i] = x0[i];
      if (kind === 5) lower[i] = x0[i]; // starts on its lower bound
    }
    o.lower = lower;
    o.upper = upper;
  }
  if (rng.next() < 0.15) {
    o.scale = Float64Array.from({ length: n }, () => (rng.next() < 0.1 ? 0 : rng.uniform(0.1, 5)));
  }
  return o;
}

describe('generated TNC passes agree with the plain ones bit for bit', () => {
  it('on 240 random problems (n 1–40, random bounds and options; workspaces reused across cases)', () => {
    const rng = new Rng(20261128);
    for (let c = 0; c < 240; c++) {
      const n = 1 + rng.int(40);
      const fun = randomObjective(rng, n);
      const x0 = Float64Array.from({ length: n }, () => rng.uniform(-3, 3));
      const options = randomOptions(rng, n, x0);
      const reference = runTraced(plain, fun, x0, options);
      const fast = runTraced(generated, fun, x0, options);
      try {
        expectSameRun(fast, reference);
      } catch (e) {
        throw new Error(`case ${c} (n ${n}, options ${JSON.stringify(options)}): ${(e as Error).message}`);
      }
    }
  });

  it('two runs of the same size advancing in turns each get their own workspace', () => {
    const rng = new Rng(7);
    const n = 12;
    const funs = [randomObjective(rng, n), randomObjective(rng, n)];
    const x0s = [0, 1].map(() => Float64Array.from({ length: n }, () => rng.uniform(-2, 2)));
    const given = { maxfun: 150 };
    const references = [0, 1].map((i) => runTraced(plain, funs[i], x0s[i], given));
    const traces = [0, 1].map(() => ({ iterates: [], fs: [], points: [] }) as unknown as Trace);
    const runs = [0, 1].map((i) => start(generated, funs[i], x0s[i], given, traces[i]));
    // Step both generators alternately, one event at a time, as two async trainings would.
    const answers = [NaN, NaN];
    const done = [false, false];
    while (!done[0] || !done[1]) {
      for (const i of [0, 1]) {
        if (done[i]) continue;
        const { run, tracker } = runs[i] as { run: MethodRun; tracker: RunTracker };
        const next = run.next(answers[i]);
        if (next.done) {
          traces[i].result = tracker.finish(next.value);
          done[i] = true;
        } else if (next.value.kind === 'evaluate') {
          const f = traced(funs[i], traces[i])(next.value.x, next.value.grad);
          answers[i] = tracker.evaluated(f, next.value);
        } else {
          answers[i] = NaN;
          tracker.iterate(next.value);
        }
      }
    }
    expectSameRun(traces[0], references[0]);
    expectSameRun(traces[1], references[1]);
  });

  it('a run abandoned half-way (as on abort) does not disturb the next run of the same size', () => {
    const rng = new Rng(11);
    const n = 9;
    const fun = randomObjective(rng, n);
    const x0 = Float64Array.from({ length: n }, () => rng.uniform(-2, 2));
    const trace = { iterates: [], fs: [], points: [] } as unknown as Trace;
    const { run, tracker } = start(generated, fun, x0, { maxfun: 100 }, trace);
    let answer = NaN;
    for (let events = 0; events < 7; events++) {
      const next = run.next(answer);
      expect(next.done).toBe(false);
      if (next.done) break;
      answer = next.value.kind === 'evaluate' ? tracker.evaluated(fun(next.value.x, next.value.grad), next.value) : NaN;
    } // ...and never resumed
    expectSameRun(runTraced(generated, fun, x0, { maxfun: 100 }), runTraced(plain, fun, x0, { maxfun: 100 }));
  });

  it('minimize picks the generated passes for n ≥ 2000, with the same iterates as the plain ones', () => {
    const rng = new Rng(3);
    const n = 2100;
    const d = Float64Array.from({ length: n }, () => rng.uniform(0.5, 5));
    const b = Float64Array.from({ length: n }, () => rng.normal());
    const fun: Objective = (x, g) => {
      let f = 0;
      for (let i = 0; i < n; i++) {
        const t = x[i] - b[i];
        f += d[i] * t * t + 0.1 * t * t * t * t + 0.01 * x[i] * x[(i + 1) % n];
        g[i] = 2 * d[i] * t + 0.4 * t * t * t + 0.01 * (x[(i + 1) % n] + x[(i + n - 1) % n]);
      }
      return f;
    };
    const x0 = new Float64Array(n);
    for (const options of [{ maxfun: 60 }, { maxfun: 60, lower: -0.3, upper: 0.4 }]) {
      const reference = runTraced(plain, fun, x0, options);
      const viaMinimize = minimize(fun, x0, { method: 'tnc', options });
      expect(bits(viaMinimize.x)).toBe(bits(reference.result.x));
      expect([viaMinimize.nfev, viaMinimize.nit, viaMinimize.status]).toEqual([
        reference.result.nfev,
        reference.result.nit,
        reference.result.status,
      ]);
      expectSameRun(runTraced(tnc, fun, x0, options), reference); // the pooled workspace, second use
    }
  });
});

describe('generated TNC passes reproduce scipy (golden.json from scripts/ref/optim_golden.py)', () => {
  const P = golden.problems;
  const cases: [string, Objective, Float64Array, ScipyRun, Record<string, unknown>][] = [];
  for (const n of [2, 5, 10]) {
    cases.push([`rosen${n}`, rosen, rosenStart(n), P[`rosen${n}`].tnc, {}]);
    cases.push([`rosen${n}, maxfun 25`, rosen, rosenStart(n), P[`rosen${n}`].tncShort, {}]);
    cases.push([`rosen${n}, tight`, rosen, rosenStart(n), P[`rosen${n}`].tncTight, { ftol: 1e-14, gtol: 1e-10 }]);
  }
  cases.push(['rosen100 (maxCGit 50)', rosen, rosenStart(100), P.rosen100.tnc, {}]);
  cases.push(['quadratic', quadratic().fun, new Float64Array(8), P.quadratic.tnc, {}]);
  cases.push([
    'quadratic in a box',
    quadratic().fun,
    new Float64Array(8),
    P.quadratic.bounds.tnc,
    { lower: P.quadratic.bounds.lower, upper: P.quadratic.bounds.upper },
  ]);

  it.each(cases)('%s: identical iterates and evaluation count', (_name, fun, x0, ref, extra) => {
    const trace = runTraced(generated, fun, x0, { maxfun: ref.maxfun, ...extra });
    expect(trace.fs).toEqual(ref.trajectory);
    expect(Array.from(trace.result.x)).toEqual(ref.x);
    expect(trace.result.nfev).toBe(ref.nfev);
    expect(trace.result.nit).toBe(ref.nit);
  });

  it('logistic regression takes the same path as the plain passes', () => {
    const fun = logistic().fun;
    expectSameRun(runTraced(generated, fun, new Float64Array(4), {}), runTraced(plain, fun, new Float64Array(4), {}));
  });
});

describe('the workspace pool', () => {
  it('hands a released workspace to the next run of its size, cleared; never one in use', () => {
    const n = 777;
    const a = acquireWorkspace(n, true);
    const b = acquireWorkspace(n, true);
    expect(a).not.toBe(b);
    for (const v of [a.xs, a.g, a.p, a.xTrial, a.gTrial, a.cg.r, a.cg.emat, a.mem.sr, a.mem.diagb]) v.fill(3);
    a.pivot.fill(1);
    a.mem.upd1 = false;
    a.mem.yksk = 5;
    releaseWorkspace(a);
    const c = acquireWorkspace(n, true);
    expect(c).toBe(a);
    for (const v of [c.xs, c.g, c.p, c.xTrial, c.gTrial, c.cg.r, c.cg.emat, c.mem.sr]) expect(v.every((x) => x === 0)).toBe(true);
    expect(c.mem.diagb.every((x) => x === 1)).toBe(true);
    expect(c.pivot.every((x) => x === 0)).toBe(true);
    expect([c.mem.upd1, c.mem.lreset, c.mem.yksk]).toEqual([true, false, 0]);
    expect(acquireWorkspace(n, true)).not.toBe(b); // b was never released
  });

  it('keeps at most IDLE_KEPT idle workspaces, none with plain passes and none too big', () => {
    const sizes = Array.from({ length: IDLE_KEPT + 1 }, (_, i) => 900 + i);
    const released = sizes.map((n) => acquireWorkspace(n, true));
    released.forEach(releaseWorkspace);
    expect(acquireWorkspace(sizes[0], true)).not.toBe(released[0]); // the oldest was dropped
    expect(acquireWorkspace(sizes[IDLE_KEPT], true)).toBe(released[IDLE_KEPT]);
    const plainOne = acquireWorkspace(950, false);
    releaseWorkspace(plainOne);
    expect(acquireWorkspace(950, false)).not.toBe(plainOne);
    const big = acquireWorkspace(Math.floor(IDLE_DOUBLES / 23) + 1, true);
    releaseWorkspace(big);
    expect(acquireWorkspace(big.n, true)).not.toBe(big);
  });
});

describe('where code generation is disallowed', () => {
  it('TNC falls back to the plain passes (same iterates) and keeps no workspace', () => {
    const rng = new Rng(5);
    const n = 31;
    const fun = randomObjective(rng, n);
    const x0 = Float64Array.from({ length: n }, () => rng.uniform(-2, 2));
    const reference = runTraced(plain, fun, x0, { maxfun: 80 });
    // What node --disallow-code-generation-from-strings does to `new Function`.
    const disallowed = function () {
      throw new EvalError('Code generation from strings disallowed for this context');
    };
    vi.stubGlobal('Function', disallowed);
    try {
      const w = acquireWorkspace(n, true);
      expect(w.generated).toBe(false);
      const fallback = runTraced(generated, fun, x0, { maxfun: 80 });
      expectSameRun(fallback, reference);
    } finally {
      vi.unstubAllGlobals();
    }
    expect(acquireWorkspace(n, true).generated).toBe(true);
  });
});

describe('passesSource', () => {
  it('rejects a size that is not a positive integer, naming it', () => {
    for (const n of [0, -3, 2.5, NaN]) {
      expect(() => passesSource(n, 1)).toThrow(InvalidArgumentError);
      expect(() => passesSource(n, 1)).toThrow(`n must be a positive integer; received ${n}`);
    }
  });

  it('numbers each source (so V8 compiles every workspace afresh) and states n', () => {
    const a = passesSource(17, 1);
    const b = passesSource(17, 2);
    expect(a).not.toBe(b);
    expect(a).toContain('const n = 17;');
  });
});
