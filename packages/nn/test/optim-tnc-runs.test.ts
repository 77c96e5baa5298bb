import { describe, expect, it, vi } from 'vitest';
import { Rng } from '../src/random.js';
import { driveSync, RunTracker } from '../src/optim/driver.js';
import { checkOptions, defaultsOf, mergeOptions } from '../src/optim/options.js';
import { tnc } from '../src/optim/tnc/tnc.js';
import type { Objective, OptimizeResult, MethodRun } from '../src/optim/types.js';
import { golden, rosen, rosenStart } from './fixtures/optim/problems.js';

// A TNC run owns its vectors: runs that advance in turns (async objectives), a run abandoned half-way (abort) and
// a run where the embedder forbids compiling code from strings each give, to the last bit, the iterates of one run
// alone.

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
  const options = mergeOptions('tnc', defaultsOf(method.options), given);
  checkOptions('tnc', method.options, options);
  method.validate?.(options, x0.length);
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

describe('TNC runs are independent of one another', () => {
  it('two runs of the same size advancing in turns each take the path they take alone', () => {
    const rng = new Rng(7);
    const n = 12;
    const funs = [randomObjective(rng, n), randomObjective(rng, n)];
    const x0s = [0, 1].map(() => Float64Array.from({ length: n }, () => rng.uniform(-2, 2)));
    const given = { maxfun: 150 };
    const references = [0, 1].map((i) => runTraced(tnc, funs[i], x0s[i], given));
    const traces = [0, 1].map(() => ({ iterates: [], fs: [], points: [] }) as unknown as Trace);
    const runs = [0, 1].map((i) => start(tnc, funs[i], x0s[i], given, traces[i]));
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
    expect(traces[0].iterates.length).toBeGreaterThan(2);
    expectSameRun(traces[0], references[0]);
    expectSameRun(traces[1], references[1]);
  });

  it('a run abandoned half-way (as on abort) does not disturb the next run of the same size', () => {
    const rng = new Rng(11);
    const n = 9;
    const fun = randomObjective(rng, n);
    const x0 = Float64Array.from({ length: n }, () => rng.uniform(-2, 2));
    const before = runTraced(tnc, fun, x0, { maxfun: 100 });
    const trace = { iterates: [], fs: [], points: [] } as unknown as Trace;
    const { run, tracker } = start(tnc, fun, x0, { maxfun: 100 }, trace);
    let answer = NaN;
    for (let events = 0; events < 7; events++) {
      const next = run.next(answer);
      expect(next.done).toBe(false);
      if (next.done) break;
      answer = next.value.kind === 'evaluate' ? tracker.evaluated(fun(next.value.x, next.value.grad), next.value) : NaN;
    } // ...and never resumed
    expectSameRun(runTraced(tnc, fun, x0, { maxfun: 100 }), before);
  });
});

describe('where code generation from strings is disallowed', () => {
  it('TNC still reproduces scipy on rosen10 (it compiles nothing)', () => {
    const ref = golden.problems.rosen10.tnc;
    // What node --disallow-code-generation-from-strings does to `new Function`.
    vi.stubGlobal('Function', function () {
      throw new EvalError('Code generation from strings disallowed for this context');
    });
    try {
      const trace = runTraced(tnc, rosen, rosenStart(10), { maxfun: ref.maxfun });
      expect(trace.fs).toEqual(ref.trajectory);
      expect(Array.from(trace.result.x)).toEqual(ref.x);
      expect(trace.result.nfev).toBe(ref.nfev);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
