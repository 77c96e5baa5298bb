import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backendInfo, loadCheckpoint, loadDataset, loadModel, saveModel, train, type BackendName } from '../src/index.js';

const native = backendInfo().nativeAvailable;
if (!native) console.warn(`[notice] native backend unavailable (${backendInfo().reason}); training tests run on ts only`);
// The seed's full run is 300 evaluations on 5000 examples: on the TS backend that is the slow path, so the TS run
// is the same recipe at reduced budget, and the full-budget accuracy claims run on the fastest available backend.
const fastest: BackendName = native ? 'native' : 'ts';

describe('the seed and the course on digits5000', () => {
  const digits = loadDataset('digits5000');

  it(`TNC, 300 evaluations, λ = 10, uniform(−0.5, 0.5) → training accuracy ≥ 0.93 (${fastest})`, async () => {
    const { model, result } = await train({ hidden: [25] }, digits, {
      method: 'tnc',
      lambda: 10,
      optimizer: { maxfun: 300 },
      init: { range: 0.5 },
      seed: 1,
      backend: fastest,
      trackAccuracy: false,
    });
    expect(result.nfev).toBeLessThanOrEqual(300);
    expect(model.training!.trainAccuracy).toBeGreaterThanOrEqual(0.93);
    expect(model.layers).toEqual([400, 25, 10]);
  });

  it(`fmincg (cg), 50 iterations, λ = 1, ±0.12 → training accuracy ≥ 0.94 (${fastest})`, async () => {
    const { model, result } = await train({ hidden: [25] }, digits, {
      method: 'cg',
      lambda: 1,
      optimizer: { maxIter: 50 },
      init: { range: 0.12 },
      seed: 2,
      backend: fastest,
      trackAccuracy: false,
    });
    expect(result.nit).toBeLessThanOrEqual(50);
    expect(model.training!.trainAccuracy).toBeGreaterThanOrEqual(0.94);
  });

  it('the seed run is reproducible from its seed: same bits twice, on both backends to rounding', async () => {
    const opts = { method: 'tnc' as const, lambda: 10, optimizer: { maxfun: 40 }, init: { range: 0.5 }, seed: 7, trackAccuracy: false };
    const a = await train({ hidden: [25] }, digits, { ...opts, backend: fastest });
    const b = await train({ hidden: [25] }, digits, { ...opts, backend: fastest });
    expect(Buffer.from(a.model.theta.buffer).equals(Buffer.from(b.model.theta.buffer))).toBe(true);
    if (native) {
      const c = await train({ hidden: [25] }, digits, { ...opts, backend: 'ts' });
      expect(Math.abs(c.result.fun - a.result.fun) / a.result.fun).toBeLessThan(1e-6);
    }
  });

  it('an AbortSignal stops training, returns the best parameters, which save and load', async () => {
    const controller = new AbortController();
    let seen = 0;
    const { model, result } = await train({ hidden: [25] }, digits, {
      method: 'tnc',
      lambda: 10,
      optimizer: { maxfun: 300 },
      init: { range: 0.5 },
      backend: fastest,
      signal: controller.signal,
      onProgress: (p) => {
        if (++seen === 3) controller.abort();
        expect(Number.isFinite(p.cost)).toBe(true);
      },
    });
    expect(result.status).toBe('aborted');
    expect(result.nfev).toBeLessThan(300);
    const best = Math.min(...model.training!.history.map((h) => h.cost));
    expect(result.fun).toBeCloseTo(best, 12);
    const path = join(mkdtempSync(join(tmpdir(), 'bp-train-')), 'm.json');
    saveModel(path, model);
    expect(loadModel(path).theta).toEqual(model.theta);
  });

  it('checkpoints every N iterations and resumes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bp-ckpt-'));
    const path = join(dir, 'ck.json');
    const controller = new AbortController();
    await train({ hidden: [25] }, digits, {
      method: 'lbfgs',
      lambda: 1,
      optimizer: { maxIter: 40 },
      backend: fastest,
      checkpoint: { path, every: 5 },
      signal: controller.signal,
      onProgress: (p) => {
        if (p.iteration === 12) controller.abort();
      },
    });
    const cp = loadCheckpoint(path);
    expect(cp.iteration).toBeGreaterThanOrEqual(10);
    // the same budget: maxIter is the whole run's total, the checkpoint's iterations included
    const resumed = await train({ hidden: [25] }, digits, {
      method: 'lbfgs',
      lambda: 1,
      optimizer: { maxIter: 40 },
      backend: fastest,
      resume: path,
    });
    expect(resumed.model.training!.nit).toBeGreaterThan(cp.iteration);
    expect(resumed.model.training!.nit).toBeLessThanOrEqual(40);
    expect(resumed.result.fun).toBeLessThan(cp.history[cp.history.length - 1].cost);
  });
});

describe('minibatch checkpoints resume bit-for-bit', () => {
  it('adam: 3 epochs straight = 1 epoch, checkpoint, resume to 3', async () => {
    const digits = loadDataset('digits5000');
    const opts = {
      method: 'adam' as const,
      lambda: 1,
      seed: 4,
      trackAccuracy: false,
      backend: 'ts' as const,
    };
    const straight = await train({ hidden: [10] }, digits, { ...opts, optimizer: { epochs: 3, batchSize: 250 } });
    const dir = mkdtempSync(join(tmpdir(), 'bp-ckpt-'));
    const path = join(dir, 'adam.json');
    const controller = new AbortController();
    await train({ hidden: [10] }, digits, {
      ...opts,
      optimizer: { epochs: 3, batchSize: 250 },
      checkpoint: { path, every: 1 },
      signal: controller.signal,
      onProgress: (p) => {
        if (p.epoch === 1) controller.abort();
      },
    });
    const cp = loadCheckpoint(path);
    expect(cp.iteration).toBe(1);
    const resumed = await train({ hidden: [10] }, digits, { ...opts, optimizer: { epochs: 3, batchSize: 250 }, resume: path });
    expect(Buffer.from(resumed.model.theta.buffer).equals(Buffer.from(straight.model.theta.buffer))).toBe(true);
    expect(resumed.model.training!.history.map((h) => h.epoch)).toEqual([1, 2, 3]);
  });
});

describe('resume guards', () => {
  it('refuses a checkpoint made with another λ', async () => {
    const digits = loadDataset('digits5000');
    const path = join(mkdtempSync(join(tmpdir(), 'bp-ckpt-')), 'ck.json');
    await train({ hidden: [5] }, digits, { method: 'lbfgs', lambda: 1, optimizer: { maxIter: 3 }, checkpoint: { path, every: 1 }, trackAccuracy: false });
    await expect(train({ hidden: [5] }, digits, { method: 'lbfgs', lambda: 2, resume: path })).rejects.toThrow(/λ = 1, not λ = 2/);
  });
});
