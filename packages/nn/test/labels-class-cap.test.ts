// The number of classes K is capped by what the data can support (issue 18: a 15.9 kB MAT-file of 5000×400 zeros
// with one label of 65,536 grew `train` past 8 GB). The checks run before anything of size m×K is allocated.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../src/data/datasets.js';
import { writeMatFile } from '../src/data/mat/index.js';
import { ShapeError } from '../src/errors.js';
import { oneHot } from '../src/labels.js';
import { train } from '../src/train.js';
import { checkClassCount, MAX_OUTPUT_BYTES } from '../src/validate.js';
import { peakGrowthMiB, peakGrowthSince, resetPeak } from './peak-rss.js';

const dir = mkdtempSync(join(tmpdir(), 'backprop-class-cap-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** X: m×n zeros; y: all 1 but the last, which is `stray`. */
function strayLabelFile(m: number, n: number, stray: number): string {
  const y = new Float64Array(m).fill(1);
  y[m - 1] = stray;
  const path = join(dir, `stray-${m}x${n}-${stray}.mat`);
  writeMatFile(path, { X: { rows: m, cols: n, data: new Float64Array(m * n) }, y: { rows: m, cols: 1, data: y } }, { compress: true });
  return path;
}

async function shapeErrorOf(run: () => Promise<unknown>): Promise<ShapeError> {
  try {
    await run();
  } catch (err) {
    expect(err).toBeInstanceOf(ShapeError);
    return err as ShapeError;
  }
  throw new Error('expected a ShapeError, training finished');
}

describe('train refuses more classes than the data can support', () => {
  it('the 15.9 kB file (5000×400 zeros, one label 65,536) fails fast with ERR_SHAPE, nothing m×K allocated', async () => {
    const path = strayLabelFile(5000, 400, 65_536);
    expect(statSync(path).size).toBeLessThan(20_000);
    const ds = loadDataset(path);
    expect(ds.K).toBe(65_536);
    const start = resetPeak();
    const cpu = process.cpuUsage();
    const err = await shapeErrorOf(() => train({ hidden: [25] }, ds, { method: 'lbfgs', optimizer: { maxIter: 1 } }));
    const used = process.cpuUsage(cpu);
    expect(err.code).toBe('ERR_SHAPE');
    expect(err.message).toBe(
      'y: 65536 classes (K, from the largest label) but only 5000 examples: at most 5000 classes can each have an ' +
        'example; check the labels for a stray value',
    );
    expect((used.user + used.system) / 1000).toBeLessThan(2000);
    // 5000 × 65,536 one-hot targets alone would be 2.4 GiB.
    const growth = peakGrowthSince(start);
    if (growth !== undefined) expect(growth).toBeLessThan(256);
  });

  it('a stray label is refused even when its one-hot targets would fit in memory (50 examples, K = 65,536)', async () => {
    const ds = loadDataset(strayLabelFile(50, 4, 65_536));
    const err = await shapeErrorOf(() => train({ hidden: [3] }, ds, { method: 'lbfgs', optimizer: { maxIter: 1 } }));
    expect(err.message).toMatch(/65536 classes .* only 50 examples/);
  });

  it('K up to m trains', async () => {
    const ds = loadDataset(strayLabelFile(12, 4, 12));
    const { model } = await train({ hidden: [3] }, ds, { method: 'lbfgs', optimizer: { maxIter: 2 } });
    expect(model.layers).toEqual([4, 3, 12]);
  });
});

describe('the memory bounds of the output layer', () => {
  it('m×K one-hot targets past MAX_OUTPUT_BYTES are refused, by checkClassCount and by oneHot before allocating', () => {
    expect(MAX_OUTPUT_BYTES).toBe(256 * 2 ** 20);
    expect(() => checkClassCount(10_000, 40_000, 25)).toThrow(
      'y: one-hot targets for 40000 examples × 10000 classes need 3052 MiB, more than the 256 MiB bound',
    );
    const y = new Int32Array(40_000).fill(1);
    let thrown: unknown;
    const growth = peakGrowthMiB(() => {
      try {
        oneHot(y, 10_000);
      } catch (e) {
        thrown = e;
      }
    });
    expect(thrown).toBeInstanceOf(ShapeError);
    expect((thrown as Error).message).toMatch(/3052 MiB, more than the 256 MiB bound/);
    if (growth !== undefined) expect(growth).toBeLessThan(64);
  });

  it('output weights past MAX_OUTPUT_BYTES are refused', () => {
    expect(() => checkClassCount(4000, 5000, 10_000)).toThrow(/4000 classes over 10000 units needs 306 MiB of weights/);
  });

  it('sizes within the bounds pass', () => {
    expect(() => checkClassCount(10, 60_000, 25)).not.toThrow();
    expect(() => checkClassCount(5000, 5000, 25)).not.toThrow();
  });
});
