import { describe, expect, it } from 'vitest';
import { backendInfo, loadDataset, train } from '../src/index.js';

const native = backendInfo().nativeAvailable;

// Full MNIST (60k) takes a few seconds per epoch on the native backend and far longer on ts, so this runs where
// native is available and says so where it is not.
if (!native) console.warn('[notice] MNIST Adam test skipped: native backend unavailable');

describe.skipIf(!native)('MNIST 784-128-10 with Adam', () => {
  it('reaches ≥ 0.95 test accuracy in 4 epochs', async () => {
    const trainSet = loadDataset('mnist');
    const testSet = loadDataset('mnist-test');
    expect(trainSet.X.rows).toBe(60000);
    expect(testSet.X.rows).toBe(10000);
    const epochs: number[] = [];
    const { model, result } = await train({ hidden: [128] }, trainSet, {
      method: 'adam',
      lambda: 1,
      optimizer: { epochs: 4, batchSize: 128, learningRate: 0.003 },
      init: { scheme: 'glorot' },
      seed: 3,
      test: testSet,
      trackAccuracy: false,
      backend: 'native',
      onProgress: (p) => {
        if (p.epoch !== undefined) epochs.push(p.epoch);
      },
    });
    expect(result.status).toBe('epochs_completed');
    expect(epochs).toEqual([1, 2, 3, 4]);
    expect(model.training!.testAccuracy).toBeGreaterThanOrEqual(0.95);
  }, 180_000);
});
