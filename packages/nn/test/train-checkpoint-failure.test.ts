import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadDataset, subsetDataset, train, type Dataset, type TrainProgress, type TrainWarning } from '../src/index.js';
import { isRoot, mountTmpfs, type Mount } from './mounts.js';

const mounts: Mount[] = [];
afterEach(() => {
  while (mounts.length) mounts.pop()!.unmount();
});

/** `rows` examples, every tenth digit: all ten classes (the first 500 are one class, which train refuses). */
const strided = (digits: Dataset, rows: number) =>
  subsetDataset(digits, Array.from({ length: rows }, (_, i) => i * 10), `digits${rows}`);

/** 40 iterations of the seed's network on 500 digits, a checkpoint after every one. */
async function trainWithCheckpoint(path: string) {
  const digits = loadDataset('digits5000');
  const rows = 500;
  const warnings: TrainWarning[] = [];
  const run = await train({ hidden: [5] }, strided(digits, rows), {
    method: 'tnc',
    lambda: 1,
    optimizer: { maxfun: 40 },
    checkpoint: { path, every: 1 },
    onWarning: (w) => warnings.push(w),
  });
  return { ...run, warnings };
}

describe('a checkpoint that cannot be written is a warning; the training goes on', () => {
  it('a checkpoint path under a file (ENOTDIR): the model comes back, one warning names the path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bp-ckpt-'));
    writeFileSync(join(dir, 'afile'), '');
    const path = join(dir, 'afile', 'run.ckpt');
    const { model, result, warnings } = await trainWithCheckpoint(path);
    expect(result.nfev).toBeGreaterThan(30);
    expect(model.training!.trainAccuracy).toBeGreaterThan(0.3);
    expect(warnings).toHaveLength(1); // one per cause, not one per iteration
    expect(warnings[0].code).toBe('BACKPROP_CHECKPOINT_FAILED');
    expect(warnings[0].path).toBe(path);
    expect(warnings[0].message).toContain(path);
  });

  it.skipIf(!isRoot())('a full disk (16 kB tmpfs): ENOSPC is a warning naming the path, the result is returned', async () => {
    const m = mountTmpfs('16k');
    mounts.push(m);
    const path = join(m.dir, 'run.ckpt');
    const { model, warnings } = await trainWithCheckpoint(path);
    expect(model.theta.length).toBe(401 * 5 + 6 * 10);
    expect(warnings.map((w) => w.message)).toEqual([`checkpoint not written (training goes on): cannot write ${path}: no space left on device (ENOSPC)`]);
    expect(readdirSync(m.dir)).toEqual([]); // no torn checkpoint, no temp file
  });

  it.skipIf(!isRoot())('a read-only file system: EROFS is a warning, the result is returned', async () => {
    const m = mountTmpfs('64k');
    mounts.push(m);
    m.readOnly();
    const { model, warnings } = await trainWithCheckpoint(join(m.dir, 'run.ckpt'));
    expect(model.training!.nfev).toBeGreaterThan(30);
    expect(warnings).toHaveLength(1);
    expect(warnings[0].message).toMatch(/read-only file system \(EROFS\)$/);
  });
});

describe('minibatch progress inside an epoch', () => {
  it('adam reports steps within each epoch (position, cost of the batch), then the epoch', async () => {
    const digits = loadDataset('digits5000');
    const rows = 400;
    const seen: TrainProgress[] = [];
    await train({ hidden: [5] }, strided(digits, rows), {
      method: 'adam',
      optimizer: { epochs: 2, batchSize: 4 },
      stepProgress: true,
      onProgress: (p) => seen.push(p),
    });
    const firstEpochEnd = seen.findIndex((p) => p.event === 'epoch');
    expect(firstEpochEnd).toBeGreaterThan(0);
    const steps = seen.slice(0, firstEpochEnd);
    // 100 steps an epoch, reported about 100 times: every step here
    expect(steps).toHaveLength(100);
    expect(steps.every((p) => p.event === 'step' && p.epoch === 1 && p.stepsPerEpoch === 100 && Number.isFinite(p.cost))).toBe(true);
    expect(steps.map((p) => p.step)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(seen[firstEpochEnd]).toMatchObject({ event: 'epoch', epoch: 1, step: 100, stepsPerEpoch: 100 });
    expect(seen.filter((p) => p.event === 'epoch')).toHaveLength(2);
  });

  it('without stepProgress, onProgress sees epochs only (as before)', async () => {
    const digits = loadDataset('digits5000');
    const rows = 400;
    const seen: TrainProgress[] = [];
    const { model } = await train({ hidden: [5] }, strided(digits, rows), {
      method: 'adam',
      optimizer: { epochs: 2, batchSize: 4 },
      onProgress: (p) => seen.push(p),
    });
    expect(seen.map((p) => [p.event, p.epoch])).toEqual([
      ['epoch', 1],
      ['epoch', 2],
    ]);
    expect(model.training!.options).not.toHaveProperty('callbackEvery');
  });
});
