/**
 * A resumed training keeps its budget: maxfun, maxIter (cg: either sign) and epochs are TOTALS over the first run and
 * every resume. Each case interrupts a run after k evaluations (or iterations, or epochs) with a checkpoint every
 * iteration, resumes from that checkpoint with the SAME budget, and checks that the evaluations and iterations of both
 * legs together stay within it. Before the fix a full-batch resume started its budget afresh (tnc: maxfun 30 ended
 * near 40 evaluations). A checkpoint whose budget is used up is refused with BudgetSpentError (adam/sgd too: before
 * that fix a resume of a finished run did nothing and returned it again).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BudgetSpentError, loadCheckpoint, loadDigits5000, minimize, subsetDataset, train, type TrainMethod, type TrainOptions,
} from '../src/index.js';

const digits = loadDigits5000();
// 500 examples, every tenth: all 10 classes, fast on the TS backend.
const small = subsetDataset(digits, Array.from({ length: 500 }, (_, i) => i * 10), 'digits500');
const base = { lambda: 1, seed: 3, backend: 'ts' as const, trackAccuracy: false };

/** Runs until `stopWhen` says so (checkpoint every iteration), then resumes with the same options. */
async function interruptAndResume(method: TrainMethod, optimizer: Record<string, unknown>, stopWhen: (p: { nfev: number; iteration: number }) => boolean) {
  const path = join(mkdtempSync(join(tmpdir(), 'bp-budget-')), 'ck.json');
  const controller = new AbortController();
  const options: TrainOptions = { ...base, method, optimizer };
  await train({ hidden: [5] }, small, {
    ...options,
    checkpoint: { path, every: 1 },
    signal: controller.signal,
    onProgress: (p) => {
      if (stopWhen(p)) controller.abort();
    },
  });
  const cp = loadCheckpoint(path);
  const resumed = await train({ hidden: [5] }, small, { ...options, resume: path });
  return { cp, training: resumed.model.training! };
}

describe('resume with the same budget: both legs together stay within it', () => {
  it('tnc, maxfun 30, interrupted after ≥ 10 evaluations', async () => {
    const { cp, training } = await interruptAndResume('tnc', { maxfun: 30 }, (p) => p.nfev >= 10);
    expect(cp.nfev).toBeGreaterThanOrEqual(10);
    expect(cp.nfev).toBeLessThan(30);
    expect(training.nfev).toBeGreaterThan(cp.nfev);
    expect(training.nfev).toBeLessThanOrEqual(30);
  });

  it('cg, maxIter 8 line searches, interrupted at iteration 3', async () => {
    const { cp, training } = await interruptAndResume('cg', { maxIter: 8 }, (p) => p.iteration >= 3);
    expect(cp.iteration).toBe(3);
    expect(training.nit).toBeGreaterThan(3);
    expect(training.nit).toBeLessThanOrEqual(8);
    expect(Math.max(...training.history.map((h) => h.iteration))).toBeLessThanOrEqual(8);
  });

  it('cg, maxIter −30 (30 evaluations), interrupted after ≥ 10 evaluations', async () => {
    const { cp, training } = await interruptAndResume('cg', { maxIter: -30 }, (p) => p.nfev >= 10);
    expect(cp.nfev).toBeGreaterThanOrEqual(10);
    expect(training.nfev).toBeGreaterThan(cp.nfev);
    expect(training.nfev).toBeLessThanOrEqual(30);
  });

  it('lbfgs, maxIter 8, interrupted at iteration 3', async () => {
    const { cp, training } = await interruptAndResume('lbfgs', { maxIter: 8 }, (p) => p.iteration >= 3);
    expect(cp.iteration).toBe(3);
    expect(training.nit).toBeGreaterThan(3);
    expect(training.nit).toBeLessThanOrEqual(8);
  });

  it('lbfgs, maxfun 25, interrupted after ≥ 10 evaluations', async () => {
    const { cp, training } = await interruptAndResume('lbfgs', { maxfun: 25 }, (p) => p.nfev >= 10);
    expect(cp.nfev).toBeGreaterThanOrEqual(10);
    expect(training.nfev).toBeGreaterThan(cp.nfev);
    expect(training.nfev).toBeLessThanOrEqual(25);
  });

  it.each(['adam', 'sgd'] as const)('%s, epochs 3, interrupted after epoch 1', async (method) => {
    const { cp, training } = await interruptAndResume(method, { epochs: 3, batchSize: 100 }, (p) => (p.epoch ?? 0) >= 1);
    expect(cp.iteration).toBe(1);
    // 500 examples in batches of 100: 5 steps an epoch, one evaluation each.
    expect(training.history.map((h) => h.epoch)).toEqual([1, 2, 3]);
    expect(training.nfev).toBe(15);
  });
});

describe('a checkpoint whose budget is used up', () => {
  it('is refused with BudgetSpentError naming the budget; a larger total goes on to exactly that total', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'bp-budget-')), 'ck.json');
    const first = await train({ hidden: [5] }, small, { ...base, method: 'tnc', optimizer: { maxfun: 12 }, checkpoint: { path } });
    expect(first.result.status).toBe('max_evaluations');
    expect(loadCheckpoint(path).nfev).toBe(first.model.training!.nfev);
    const again = train({ hidden: [5] }, small, { ...base, method: 'tnc', optimizer: { maxfun: 12 }, resume: path });
    await expect(again).rejects.toThrow(BudgetSpentError);
    await expect(again).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    await expect(again).rejects.toThrow(`tnc: nothing left to do: the run being resumed already used ${first.model.training!.nfev} of the 12 evaluations (maxfun) — budgets count the whole run; raise maxfun to go on`);
    const more = await train({ hidden: [5] }, small, { ...base, method: 'tnc', optimizer: { maxfun: 20 }, resume: path });
    expect(more.model.training!.nfev).toBeLessThanOrEqual(20);
    expect(more.model.training!.nfev).toBeGreaterThan(first.model.training!.nfev);
    // the method's message counts this leg only; the result says what came before
    expect(more.model.training!.message).toMatch(
      new RegExp(`\\(resumed after ${first.model.training!.nfev} evaluations and ${first.model.training!.nit} iterations, which the budget counts\\)$`),
    );
  });
});

describe('an adam/sgd checkpoint that already did all its epochs', () => {
  it.each(['adam', 'sgd'] as const)('%s: refused like a spent maxfun; a larger total runs only the epochs left', async (method) => {
    const path = join(mkdtempSync(join(tmpdir(), 'bp-budget-')), 'ck.json');
    const options: TrainOptions = { ...base, method, optimizer: { epochs: 2, batchSize: 100 } };
    const first = await train({ hidden: [5] }, small, { ...options, checkpoint: { path } });
    expect(first.result.status).toBe('epochs_completed');
    const again = train({ hidden: [5] }, small, { ...options, resume: path });
    await expect(again).rejects.toThrow(BudgetSpentError);
    await expect(again).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    await expect(again).rejects.toThrow(`${method}: nothing left to do: the run being resumed already used 2 of the 2 epochs — budgets count the whole run; raise epochs to go on`);
    // a smaller total than the checkpoint's is refused the same way
    await expect(train({ hidden: [5] }, small, { ...base, method, optimizer: { epochs: 1, batchSize: 100 }, resume: path }))
      .rejects.toThrow(`${method}: nothing left to do: the run being resumed already used 2 of the 1 epochs`);
    const more = await train({ hidden: [5] }, small, { ...base, method, optimizer: { epochs: 3, batchSize: 100 }, resume: path });
    // 500 examples in batches of 100: the one epoch left is 5 steps, one evaluation each.
    expect(more.model.training!.history.map((h) => h.epoch)).toEqual([1, 2, 3]);
    expect(more.result.nfev).toBe(5);
  });

  it('minimize: a state that did every epoch is refused; one stopped inside the last epoch finishes it', () => {
    const f = (x: Float64Array, g: Float64Array, rows?: Uint32Array): number => {
      g[0] = 2 * (x[0] - 1);
      return (x[0] - 1) ** 2 * (rows?.length ?? 1);
    };
    const options = { m: 10, epochs: 2, batchSize: 5 };
    const done = minimize(f, new Float64Array(1), { method: 'adam', options });
    expect(done.nit).toBe(4);
    const resumeDone = { method: 'adam', options: { ...options, state: done.state } };
    expect(() => minimize(f, done.x, resumeDone)).toThrow(BudgetSpentError);
    expect(() => minimize(f, done.x, resumeDone)).toThrow('adam: nothing left to do: the run being resumed already used 2 of the 2 epochs');
    const stopped = minimize(f, new Float64Array(1), {
      method: 'adam', options: { ...options, callbackEvery: 1 }, callback: (info) => info.event === 'step' && info.step === 3,
    });
    expect(stopped.nit).toBe(3);
    const rest = minimize(f, stopped.x, { method: 'adam', options: { ...options, callbackEvery: 1, state: stopped.state } });
    expect(rest.nit).toBe(4);
  });
});

describe('minimize: options.spent is work done toward the budget before x0', () => {
  // f(x) = Σ (x_i − i)²: a quadratic lbfgs would take many evaluations on, with a tight budget.
  const f = (x: Float64Array, g: Float64Array): number => {
    let s = 0;
    for (let i = 0; i < x.length; i++) {
      const d = x[i] - i;
      s += d * d * (1 + i);
      g[i] = 2 * d * (1 + i);
    }
    return s;
  };
  it('lbfgs with maxfun 10 and 7 spent evaluates at most 3 times; cg with maxIter 5 and 5 spent is refused', () => {
    const x0 = new Float64Array(20).fill(3);
    const r = minimize(f, x0, { method: 'lbfgs', options: { maxfun: 10 }, spent: { nfev: 7, nit: 2 } });
    expect(r.nfev).toBeLessThanOrEqual(3);
    expect(() => minimize(f, x0, { method: 'cg', options: { maxIter: 5 }, spent: { nfev: 40, nit: 5 } })).toThrow(BudgetSpentError);
    expect(() => minimize(f, x0, { method: 'lbfgs', spent: { nfev: -1, nit: 0 } })).toThrow("options.spent option 'nfev' must be an integer ≥ 0; received -1");
  });
});
