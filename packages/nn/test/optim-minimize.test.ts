import { describe, expect, it } from 'vitest';
import { BackpropError, InvalidArgumentError, NumericalError } from '../src/errors.js';
import { methodNames, minimize, minimizeAsync, NonFiniteObjectiveError } from '../src/optim/index.js';
import type { AsyncObjective, IterationInfo, Objective, OptimizeResult } from '../src/optim/index.js';
import { leastSquares, maxDiff, rosen, rosenStart } from './fixtures/optim/problems.js';

const FULL_BATCH = ['tnc', 'cg', 'lbfgs'] as const;

function bits(a: Float64Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex');
}

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

describe('the front door', () => {
  it('lists the registered methods', () => {
    expect(methodNames().sort()).toEqual(['adam', 'cg', 'lbfgs', 'sgd', 'tnc']);
  });

  it('rejects an unknown method option, naming it and listing the valid ones', () => {
    const e = catchError(() => minimize(rosen, rosenStart(2), { method: 'lbfgs', options: { maxiter: 5, gtol: 1 } }));
    expect(e).toBeInstanceOf(InvalidArgumentError);
    expect((e as BackpropError).code).toBe('ERR_INVALID_ARGUMENT');
    expect((e as Error).message).toMatch(/unknown lbfgs option 'maxiter'; valid options are: m, gtol, ftol, maxIter/);
  });

  it('rejects an unknown method, a misplaced option, a bad x0 and a bad callback', () => {
    expect(() => minimize(rosen, rosenStart(2), { method: 'bfgs' })).toThrow(
      /options.method must be one of 'tnc', 'cg', 'lbfgs', 'adam', 'sgd'; received "bfgs"/,
    );
    expect(() =>
      minimize(rosen, rosenStart(2), { method: 'tnc', maxfun: 3 } as unknown as Parameters<typeof minimize>[2]),
    ).toThrow(/unknown minimize option 'maxfun'.*options.options/);
    expect(() => minimize(rosen, [1, 2] as unknown as Float64Array, { method: 'tnc' })).toThrow(
      /x0 must be a non-empty Float64Array; received an array of length 2/,
    );
    expect(() => minimize(rosen, Float64Array.of(1, NaN), { method: 'tnc' })).toThrow(/x0\[1\] = NaN/);
    expect(() => minimize(rosen, new Float64Array(0), { method: 'tnc' })).toThrow(InvalidArgumentError);
    expect(() =>
      minimize(rosen, rosenStart(2), { method: 'tnc', callback: 3 as unknown as () => void }),
    ).toThrow(/options.callback must be a function; received 3/);
  });

  it('does not modify x0 and returns fresh arrays', () => {
    for (const method of FULL_BATCH) {
      const x0 = rosenStart(4);
      const copy = Float64Array.from(x0);
      const r = minimize(rosen, x0, { method, options: method === 'cg' ? { maxIter: 3 } : { maxfun: 20 } });
      expect(Array.from(x0)).toEqual(Array.from(copy));
      expect(r.x).not.toBe(x0);
    }
  });

  it('objectiveElapsed is the time inside the objective: at least what it spent, at most the whole run', async () => {
    const spinMs = 2;
    const slow: Objective = (x, g) => {
      const until = performance.now() + spinMs;
      while (performance.now() < until);
      return rosen(x, g);
    };
    for (const method of FULL_BATCH) {
      const options = method === 'cg' ? { maxIter: 3 } : { maxfun: 10 };
      const sync = minimize(slow, rosenStart(4), { method, options });
      const viaAsync = await minimizeAsync(async (x, g) => slow(x, g), rosenStart(4), { method, options });
      for (const r of [sync, viaAsync]) {
        expect(r.objectiveElapsed).toBeGreaterThanOrEqual(r.nfev * spinMs);
        expect(r.objectiveElapsed).toBeLessThanOrEqual(r.elapsed);
      }
      // An objective that costs nothing leaves the run's time to the method.
      const free = minimize(rosen, rosenStart(4), { method, options });
      expect(free.objectiveElapsed).toBeLessThan(free.nfev * spinMs);
    }
  });

  it('a Promise-returning objective in the sync minimize is a clear error', () => {
    const asyncFun: AsyncObjective = async (x, g) => rosen(x, g);
    expect(() => minimize(asyncFun as unknown as Objective, rosenStart(2), { method: 'tnc' })).toThrow(
      /returned a Promise: use minimizeAsync/,
    );
  });
});

describe.each(FULL_BATCH)('%s: callback, history, stop, abort', (method) => {
  const opts = method === 'cg' ? { maxIter: 40 } : { maxfun: 200 };

  it('the callback gets each iterate: increasing iteration and nfev, f and |∇f| of x', () => {
    const infos: IterationInfo[] = [];
    const r = minimize(rosen, rosenStart(5), {
      method,
      options: opts,
      callback: (info) => {
        infos.push({ ...info, x: Float64Array.from(info.x) });
      },
    });
    expect(infos.length).toBeGreaterThan(3);
    infos.forEach((info, i) => {
      if (i > 0) {
        expect(info.iteration).toBeGreaterThan(infos[i - 1].iteration);
        expect(info.nfev).toBeGreaterThan(infos[i - 1].nfev);
        expect(info.elapsed).toBeGreaterThanOrEqual(infos[i - 1].elapsed);
      }
      const g = new Float64Array(5);
      expect(info.fun).toBe(rosen(info.x, g)); // the reported f is f at the reported x
      expect(info.gradNorm).toBeCloseTo(Math.hypot(...g), 10);
    });
    expect(infos.at(-1)!.nfev).toBeLessThanOrEqual(r.nfev);
    // history: x0 as iteration 0, then one row per callback
    expect(r.history[0].iteration).toBe(0);
    expect(r.history.slice(1).map((h) => h.fun)).toEqual(infos.map((i) => i.fun));
    expect(r.method).toBe(method);
    expect(r.elapsed).toBeGreaterThanOrEqual(0);
  });

  it('returning true from the callback stops at that iterate', () => {
    let seen: Float64Array | null = null;
    const r = minimize(rosen, rosenStart(5), {
      method,
      options: opts,
      callback: (info) => {
        if (info.iteration >= 3) {
          seen = Float64Array.from(info.x);
          return true;
        }
        return false;
      },
    });
    expect(r.status).toBe('callback_stop');
    expect(r.success).toBe(false);
    expect(r.message).toMatch(/stopped by the callback at iteration 3/);
    expect(bits(r.x)).toBe(bits(seen!));
  });

  it('an abort mid-run returns the best point so far (not the trial being evaluated)', () => {
    const controller = new AbortController();
    let calls = 0;
    let best = Infinity;
    let bestX: Float64Array | null = null;
    const r = minimize(
      (x, g) => {
        if (++calls === 17) controller.abort();
        return rosen(x, g);
      },
      rosenStart(5),
      {
        method,
        options: opts,
        signal: controller.signal,
        callback: (info) => {
          if (info.fun < best) {
            best = info.fun;
            bestX = Float64Array.from(info.x);
          }
        },
      },
    );
    expect(r.status).toBe('aborted');
    expect(r.success).toBe(false);
    expect(r.nfev).toBe(17);
    expect(r.fun).toBe(best);
    expect(bits(r.x)).toBe(bits(bestX!));
    const g = new Float64Array(5);
    expect(r.fun).toBe(rosen(r.x, g));
    expect(Array.from(r.jac)).toEqual(Array.from(g));
    expect(r.message).toMatch(/aborted by the signal after 17 evaluations; returning the best point/);
  });

  it('an already-aborted signal stops before the first evaluation and returns x0', () => {
    const r = minimize(rosen, rosenStart(3), { method, signal: AbortSignal.abort() });
    expect(r.status).toBe('aborted');
    expect(r.nfev).toBe(0);
    expect(Array.from(r.x)).toEqual(Array.from(rosenStart(3)));
  });

  it('NaN from the objective throws NonFiniteObjectiveError naming iteration and evaluation, with the best point', () => {
    let calls = 0;
    let lastIteration = 0;
    let bestF = Infinity;
    const e = catchError(() =>
      minimize(
        (x, g) => {
          const f = rosen(x, g);
          if (++calls === 12) g[1] = NaN;
          return f;
        },
        rosenStart(5),
        {
          method,
          options: opts,
          callback: (info) => {
            lastIteration = info.iteration;
            bestF = Math.min(bestF, info.fun);
          },
        },
      ),
    ) as NonFiniteObjectiveError;
    expect(e).toBeInstanceOf(NonFiniteObjectiveError);
    expect(e).toBeInstanceOf(NumericalError);
    expect(e.code).toBe('ERR_NUMERICAL');
    expect(e.evaluation).toBe(12);
    expect(e.iteration).toBe(lastIteration + 1);
    expect(e.message).toMatch(new RegExp(`grad\\[1\\] = NaN\\) at iteration ${lastIteration + 1}, evaluation 12`));
    expect(e.result.status).toBe('numerical_error');
    expect(e.result.success).toBe(false);
    expect(e.result.fun).toBe(bestF);
    expect(e.result.nfev).toBe(12);
  });

  it('Infinity as f at the very first evaluation: iteration 0, result x0', () => {
    const e = catchError(() => minimize(() => Infinity, rosenStart(2), { method })) as NonFiniteObjectiveError;
    expect(e).toBeInstanceOf(NonFiniteObjectiveError);
    expect(e.message).toMatch(/\(f = Infinity\) at iteration 0, evaluation 1/);
    expect(Array.from(e.result.x)).toEqual(Array.from(rosenStart(2)));
  });
});

describe('minimizeAsync runs the same algorithms', () => {
  const { fun: lsq, m } = leastSquares();
  const cases: [string, Objective, Float64Array, Record<string, unknown>][] = [
    ['tnc', rosen, rosenStart(5), { maxfun: 150 }],
    ['cg', rosen, rosenStart(5), { maxIter: 30 }],
    ['lbfgs', rosen, rosenStart(5), { maxIter: 30 }],
    ['adam', lsq, new Float64Array(4), { m, epochs: 2, batchSize: 50 }],
    ['sgd', lsq, new Float64Array(4), { m, epochs: 2, batchSize: 50, learningRate: 0.01 }],
  ];

  it.each(cases)('%s: an async objective gives the same bits, counts and history as the sync run', async (method, fun, x0, options) => {
    const sync = minimize(fun, x0, { method, options });
    const asyncFun: AsyncObjective = (x, g, rows) =>
      new Promise((resolve) => setImmediate(() => resolve(fun(x, g, rows))));
    const viaAsync: OptimizeResult = await minimizeAsync(asyncFun, x0, { method, options });
    expect(bits(viaAsync.x)).toBe(bits(sync.x));
    expect(viaAsync.fun).toBe(sync.fun);
    expect(viaAsync.nfev).toBe(sync.nfev);
    expect(viaAsync.nit).toBe(sync.nit);
    expect(viaAsync.status).toBe(sync.status);
    expect(viaAsync.history.map((h) => h.fun)).toEqual(sync.history.map((h) => h.fun));
  });

  it('an abort during an in-flight evaluation takes effect when it completes', async () => {
    const controller = new AbortController();
    let calls = 0;
    let completed = 0;
    const asyncFun: AsyncObjective = async (x, g) => {
      calls++;
      if (calls === 5) setImmediate(() => controller.abort()); // fires while this evaluation is pending
      await new Promise((resolve) => setTimeout(resolve, 2));
      completed++;
      return rosen(x, g);
    };
    const r = await minimizeAsync(asyncFun, rosenStart(3), { method: 'lbfgs', signal: controller.signal });
    expect(r.status).toBe('aborted');
    expect(calls).toBe(5);
    expect(completed).toBe(5);
    expect(r.nfev).toBe(5);
  });

  it('NaN from an async objective rejects with NonFiniteObjectiveError', async () => {
    await expect(
      minimizeAsync(async () => NaN, rosenStart(2), { method: 'cg' }),
    ).rejects.toBeInstanceOf(NonFiniteObjectiveError);
  });

  it('a minibatch abort returns the latest point with a resumable state', async () => {
    const controller = new AbortController();
    let calls = 0;
    const r = await minimizeAsync(
      async (x, g, rows) => {
        if (++calls === 4) controller.abort();
        return lsq(x, g, rows);
      },
      new Float64Array(4),
      { method: 'adam', options: { m, batchSize: 64 }, signal: controller.signal },
    );
    expect(r.status).toBe('aborted');
    expect(r.nit).toBe(4);
    expect(r.state).toBeDefined();
    // the point after 4 steps is what a 1-epoch run (exactly 4 batches of 64) ends on
    const epoch = minimize(lsq, new Float64Array(4), { method: 'adam', options: { m, batchSize: 64, epochs: 1 } });
    expect(maxDiff(r.x, epoch.x)).toBe(0);
  });
});
