import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../src/errors.js';
import { minimize, minimizeAsync, NonFiniteObjectiveError } from '../src/optim/index.js';
import type { IterationInfo, MinibatchState, Objective, OptimizeResult } from '../src/optim/index.js';
import { golden, leastSquares, logistic, maxDiff } from './fixtures/optim/problems.js';

const P = golden.problems;

/** f on all examples (the objective without `rows`). */
function fullCost(fun: Objective, x: Float64Array): number {
  return fun(x, new Float64Array(x.length));
}

/** The state as it would come back from JSON: every Float64Array turned into a number[]. */
function viaJson(state: unknown): MinibatchState {
  return JSON.parse(JSON.stringify(state, (_k, v) => (v instanceof Float64Array ? Array.from(v) : v)));
}

function bits(a: Float64Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex');
}

describe.each(['adam', 'sgd'])('%s reaches the known optimum', (method) => {
  it('least squares: x within 1e-3 of the lstsq solution, f within 1e-5 (relative) of f*', () => {
    const { fun, m, n } = leastSquares();
    const r = minimize(fun, new Float64Array(n), {
      method,
      options: { m, epochs: 120, batchSize: 32, learningRate: 0.05, schedule: 'cosine', seed: 3 },
    });
    expect(r.status).toBe('epochs_completed');
    expect(r.success).toBe(true);
    expect(maxDiff(r.x, P.leastSquares.xStar)).toBeLessThan(1e-3);
    expect(fullCost(fun, r.x) - P.leastSquares.fStar).toBeLessThan(1e-5 * P.leastSquares.fStar);
  });

  it('regularised logistic regression: x within 5e-3 of the Newton minimiser', () => {
    const { fun, m, n } = logistic();
    const r = minimize(fun, new Float64Array(n), {
      method,
      options: { m, epochs: 300, batchSize: 16, learningRate: method === 'adam' ? 0.02 : 0.2, schedule: 'cosine' },
    });
    expect(maxDiff(r.x, P.logistic.xStar)).toBeLessThan(5e-3);
    expect(fullCost(fun, r.x) - P.logistic.fStar).toBeLessThan(1e-5);
  });
});

describe('minibatches and epochs', () => {
  function recordRows(options: Record<string, unknown>): { batches: number[][]; result: OptimizeResult } {
    const batches: number[][] = [];
    const fun: Objective = (x, g, rows) => {
      batches.push(Array.from(rows!));
      g.fill(0);
      return 0;
    };
    const result = minimize(fun, new Float64Array(2), { method: 'sgd', options: { m: 10, batchSize: 3, ...options } });
    return { batches, result };
  }

  it('every epoch visits each of the m rows exactly once, in batches of batchSize (last one smaller)', () => {
    const { batches, result } = recordRows({ epochs: 3 });
    expect(batches.map((b) => b.length)).toEqual([3, 3, 3, 1, 3, 3, 3, 1, 3, 3, 3, 1]);
    for (let e = 0; e < 3; e++) {
      const seen = batches.slice(4 * e, 4 * e + 4).flat();
      expect([...seen].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    }
    // shuffled: not the identity order, and a different order each epoch
    expect(batches.slice(0, 4).flat()).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(batches.slice(0, 4).flat()).not.toEqual(batches.slice(4, 8).flat());
    expect(result.nit).toBe(12);
    expect(result.nfev).toBe(12);
  });

  it('dropLast drops the short batch; shuffle false keeps the natural order', () => {
    const dropped = recordRows({ epochs: 2, dropLast: true });
    expect(dropped.batches.map((b) => b.length)).toEqual([3, 3, 3, 3, 3, 3]);
    const ordered = recordRows({ epochs: 1, shuffle: false });
    expect(ordered.batches).toEqual([[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]);
  });

  it('the epoch callback reports the row-weighted mean minibatch cost; callbackEvery adds step reports', () => {
    const { fun, m, n } = leastSquares();
    const costs: { f: number; rows: number }[] = [];
    const recorded: Objective = (x, g, rows) => {
      const f = fun(x, g, rows);
      costs.push({ f, rows: rows!.length });
      return f;
    };
    const infos: IterationInfo[] = [];
    const r = minimize(recorded, new Float64Array(n), {
      method: 'adam',
      options: { m, epochs: 3, batchSize: 100, callbackEvery: 2, learningRate: 0.01 },
      callback: (info) => {
        infos.push({ ...info, x: Float64Array.from(info.x) });
      },
    });
    // 256 rows in batches of 100: 3 steps per epoch (100, 100, 56).
    const epochs = infos.filter((i) => i.event === 'epoch');
    const steps = infos.filter((i) => i.event === 'step');
    expect(epochs.map((i) => i.iteration)).toEqual([1, 2, 3]);
    expect(epochs.map((i) => i.step)).toEqual([3, 6, 9]);
    expect(steps.map((i) => i.step)).toEqual([2, 4, 6, 8]);
    expect(steps.map((i) => i.epoch)).toEqual([1, 2, 2, 3]);
    for (let e = 0; e < 3; e++) {
      const batch = costs.slice(3 * e, 3 * e + 3);
      const mean = batch.reduce((s, c) => s + c.f * c.rows, 0) / 256;
      expect(epochs[e].fun).toBeCloseTo(mean, 14);
      expect(epochs[e].nfev).toBe(3 * (e + 1));
    }
    expect(r.fun).toBe(epochs[2].fun);
    expect(r.history.map((h) => h.iteration)).toEqual(infos.map((i) => i.iteration));
  });
});

describe('update rules and schedules against hand-computed values (constant gradient c, so every step is known)', () => {
  const c = 2;
  const constantGradient: Objective = (x, g) => {
    g.fill(c);
    return c * x[0];
  };
  function xAfterEachEpoch(method: string, options: Record<string, unknown>): number[] {
    const xs: number[] = [];
    minimize(constantGradient, new Float64Array(1), {
      method,
      options: { m: 4, batchSize: 2, ...options },
      callback: (info) => {
        if (info.event === 'epoch') xs.push(info.x[0]);
      },
    });
    return xs;
  }
  /** x after each epoch for sgd without momentum: two steps of −lr·c per epoch. */
  const expected = (lrs: number[]): number[] => {
    let x = 0;
    return lrs.map((lr) => (x -= 2 * lr * c));
  };

  it.each([
    ['constant', {}, [0.1, 0.1, 0.1, 0.1]],
    ['step', { decay: 0.5, stepSize: 2 }, [0.1, 0.1, 0.05, 0.05]],
    ['exponential', { decay: 0.5 }, [0.1, 0.05, 0.025, 0.0125]],
    // η_e = 0.1·(1 + cos(πe/4))/2 for e = 0..3
    ['cosine', {}, [0.1, 0.08535533905932738, 0.05, 0.014644660940672627]],
  ] as [string, Record<string, unknown>, number[]][])('schedule %s', (schedule, extra, lrs) => {
    const xs = xAfterEachEpoch('sgd', { epochs: 4, momentum: 0, learningRate: 0.1, schedule, ...extra });
    expected(lrs).forEach((x, i) => expect(xs[i]).toBeCloseTo(x, 12));
  });

  it('sgd heavy-ball and Nesterov momentum', () => {
    // heavy ball: v1 = c, v2 = (1+μ)c; x2 = −lr·(2+μ)c
    const mu = 0.9;
    const lr = 0.1;
    const heavy = xAfterEachEpoch('sgd', { epochs: 1, momentum: mu, learningRate: lr });
    expect(heavy[0]).toBeCloseTo(-lr * (2 + mu) * c, 12);
    // Nesterov: step_t = c + μ·v_t → (1+μ)c, then (1 + μ(1+μ))c
    const nesterov = xAfterEachEpoch('sgd', { epochs: 1, momentum: mu, learningRate: lr, nesterov: true });
    expect(nesterov[0]).toBeCloseTo(-lr * ((1 + mu) * c + (1 + mu * (1 + mu)) * c), 12);
  });

  it('adam with a constant gradient moves lr·c/(|c|+ε) per step (bias correction makes m̂ = c, v̂ = c²)', () => {
    const xs = xAfterEachEpoch('adam', { epochs: 3, learningRate: 0.01 });
    [1, 2, 3].forEach((e, i) => expect(xs[i]).toBeCloseTo(-2 * e * 0.01 * (c / (c + 1e-8)), 12));
  });
});

describe.each(['adam', 'sgd'])('%s determinism and bit-for-bit resume', (method) => {
  const { fun, m, n } = leastSquares();
  // 'step' changes the rate every epoch without depending on the total number of epochs (cosine does: a run
  // resumed to a larger total is only identical to an uninterrupted one if the first leg had that total too).
  const base = { m, batchSize: 48, learningRate: 0.01, seed: 42, schedule: 'step', decay: 0.7, stepSize: 1 };

  it('the same seed gives identical bits; another seed does not', () => {
    const a = minimize(fun, new Float64Array(n), { method, options: { ...base, epochs: 3 } });
    const b = minimize(fun, new Float64Array(n), { method, options: { ...base, epochs: 3 } });
    const c = minimize(fun, new Float64Array(n), { method, options: { ...base, epochs: 3, seed: 43 } });
    expect(bits(a.x)).toBe(bits(b.x));
    expect(bits(a.x)).not.toBe(bits(c.x));
  });

  it('2 epochs + resume to 5 epochs = 5 epochs uninterrupted (state through JSON)', () => {
    const whole = minimize(fun, new Float64Array(n), { method, options: { ...base, epochs: 5 } });
    const first = minimize(fun, new Float64Array(n), { method, options: { ...base, epochs: 2 } });
    const rest = minimize(fun, first.x, { method, options: { ...base, epochs: 5, state: viaJson(first.state) } });
    expect(bits(rest.x)).toBe(bits(whole.x));
    expect(rest.fun).toBe(whole.fun);
    expect(rest.nit).toBe(whole.nit);
    expect(first.nfev + rest.nfev).toBe(whole.nfev);
    expect(viaJson(rest.state)).toEqual(viaJson(whole.state));
  });

  it('an abort in the middle of an epoch resumes mid-epoch to the same bits', async () => {
    const whole = minimize(fun, new Float64Array(n), { method, options: { ...base, epochs: 4 } });
    const controller = new AbortController();
    let calls = 0;
    const aborting: Objective = (x, g, rows) => {
      if (++calls === 9) controller.abort(); // 6 batches per epoch: this is inside epoch 2
      return fun(x, g, rows);
    };
    const stopped = minimize(aborting, new Float64Array(n), {
      method,
      options: { ...base, epochs: 4 },
      signal: controller.signal,
    });
    expect(stopped.status).toBe('aborted');
    expect(stopped.success).toBe(false);
    expect(stopped.nit).toBe(9);
    expect(stopped.message).toMatch(/after step 9/);
    expect((stopped.state as MinibatchState).batch).toBe(3);
    // resume through the async driver: the same algorithm, so the same bits
    const rest = await minimizeAsync(fun, stopped.x, {
      method,
      options: { ...base, epochs: 4, state: viaJson(stopped.state) },
    });
    expect(bits(rest.x)).toBe(bits(whole.x));
    expect(rest.fun).toBe(whole.fun);
    expect(stopped.nfev + rest.nfev).toBe(whole.nfev);
  });

  it('a callback stop at an epoch end resumes at the next epoch', () => {
    const whole = minimize(fun, new Float64Array(n), { method, options: { ...base, epochs: 3 } });
    const stopped = minimize(fun, new Float64Array(n), {
      method,
      options: { ...base, epochs: 3 },
      callback: (info) => info.event === 'epoch' && info.epoch === 1,
    });
    expect(stopped.status).toBe('callback_stop');
    const rest = minimize(fun, stopped.x, { method, options: { ...base, epochs: 3, state: stopped.state } });
    expect(bits(rest.x)).toBe(bits(whole.x));
  });
});

describe('minibatch numerical errors', () => {
  it('NaN in a minibatch names the step and epoch and keeps the latest point and state', () => {
    const { fun, m, n } = leastSquares();
    let calls = 0;
    let e: unknown;
    try {
      minimize(
        (x, g, rows) => {
          const f = fun(x, g, rows);
          return ++calls === 7 ? NaN : f;
        },
        new Float64Array(n),
        { method: 'sgd', options: { m, batchSize: 64, learningRate: 0.01 } },
      );
    } catch (err) {
      e = err;
    }
    expect(e).toBeInstanceOf(NonFiniteObjectiveError);
    const err = e as NonFiniteObjectiveError;
    // 4 batches per epoch: the 7th evaluation is step 7, in epoch 2
    expect(err.message).toMatch(/\(f = NaN\) at step 7 \(epoch 2\), evaluation 7/);
    expect(err.iteration).toBe(7);
    expect(err.result.nit).toBe(6);
    const six = minimize(fun, new Float64Array(n), { method: 'sgd', options: { m, batchSize: 64, learningRate: 0.01, epochs: 2 } });
    // the point after 6 steps: resuming the error's state for the remaining 2 steps ends where 2 epochs end
    const rest = minimize(fun, err.result.x, {
      method: 'sgd',
      options: { m, batchSize: 64, learningRate: 0.01, epochs: 2, state: err.result.state as MinibatchState },
    });
    expect(bits(rest.x)).toBe(bits(six.x));
  });
});

describe('minibatch option checks', () => {
  const { fun, n } = leastSquares();
  it('m is required', () => {
    expect(() => minimize(fun, new Float64Array(n), { method: 'adam' })).toThrow(
      /adam option 'm' \(the number of examples.*\) is required.*received null/,
    );
  });
  it('rejects bad values, naming option, expectation and value', () => {
    expect(() => minimize(fun, new Float64Array(n), { method: 'sgd', options: { m: 10, batchSize: 0 } })).toThrow(
      /sgd option 'batchSize' must be an integer ≥ 1; received 0/,
    );
    expect(() => minimize(fun, new Float64Array(n), { method: 'sgd', options: { m: 10, schedule: 'linear' } })).toThrow(
      /'schedule' must be one of 'constant', 'step', 'exponential', 'cosine'; received "linear"/,
    );
    expect(() => minimize(fun, new Float64Array(n), { method: 'adam', options: { m: 10, beta1: 1 } })).toThrow(
      InvalidArgumentError,
    );
  });
  it('refuses a state from another method or another batch layout', () => {
    const r = minimize(fun, new Float64Array(n), { method: 'sgd', options: { m: 256, epochs: 1 } });
    expect(() => minimize(fun, r.x, { method: 'adam', options: { m: 256, state: r.state } })).toThrow(
      /produced by method "sgd", not 'adam'/,
    );
    expect(() => minimize(fun, r.x, { method: 'sgd', options: { m: 256, batchSize: 64, state: r.state } })).toThrow(
      /batchSize = 128; the options say 64/,
    );
  });
});
