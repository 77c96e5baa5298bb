/**
 * Early stopping keeps the best iterate's weights (Keras' restore_best_weights), and then every figure the model
 * reports is those weights': the cost is J(Θ) of the saved θ recomputed by `cost` (before the fix it was the last
 * iterate's), the accuracies are `accuracy` of the saved θ, and the status says early stopping stopped the run,
 * after which iteration, and which one was kept (before: `callback_stop`, "stopped by the callback"). A checkpoint
 * keeps the last iterate with its optimiser state and the best iterate beside it, so a run stopped early and
 * resumed with a larger patience ends exactly where one uninterrupted run does (before: the final checkpoint paired
 * the best weights with the last optimiser state and forgot the best, and the resume went elsewhere).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { accuracy, cost, InvalidArgumentError, loadCheckpoint, loadDigits5000, subsetDataset, train } from '../src/index.js';

const digits = loadDigits5000();
const pick = (from: number, count: number, name: string) =>
  subsetDataset(digits, Array.from({ length: count }, (_, i) => from + i * 10), name);
const small = pick(0, 300, 'digits300');
const validation = pick(3, 100, 'digits100');
const base = { lambda: 1, seed: 3, backend: 'ts' as const, validation };

describe('train with earlyStopping: the model reports the weights it keeps', () => {
  it('tnc: cost, accuracies and status belong to the best iterate', async () => {
    const { model, result } = await train({ hidden: [10] }, small, {
      ...base, method: 'tnc', optimizer: { maxfun: 200 }, earlyStopping: { patience: 2 },
    });
    const t = model.training!;
    const layers = model.layers;
    const best = Math.max(...t.history.map((h) => h.validationAccuracy!));
    const kept = t.history.find((h) => h.validationAccuracy === best)!;
    const last = t.history[t.history.length - 1];
    expect(last.iteration).toBe(kept.iteration + 2);
    // the saved weights are not the optimiser's last iterate, and every figure is recomputed from them
    expect(Array.from(model.theta)).not.toEqual(Array.from(result.x));
    expect(t.cost).toBeCloseTo(cost(model.theta, small.X, small.y, { layers, lambda: 1, backend: 'ts' }), 12);
    expect(t.cost).not.toBeCloseTo(result.fun, 6);
    expect(t.validationAccuracy).toBe(accuracy(model.theta, validation.X, validation.y, { layers, backend: 'ts' }));
    expect(t.validationAccuracy).toBe(best);
    expect(t.trainAccuracy).toBe(accuracy(model.theta, small.X, small.y, { layers, backend: 'ts' }));
    expect(t.status).toBe('early_stopping');
    expect(t.message).toContain(`after iteration ${kept.iteration}; stopped after iteration ${last.iteration}`);
    expect(t.message).toContain(`kept the weights of iteration ${kept.iteration}`);
  });

  it('adam: stopped early, then resumed with a larger patience, ends where one uninterrupted run does', async () => {
    const options = { ...base, method: 'adam' as const, optimizer: { epochs: 12, batchSize: 50, learningRate: 0.01 } };
    const whole = await train({ hidden: [10] }, small, { ...options, earlyStopping: { patience: 20 } });
    const path = join(mkdtempSync(join(tmpdir(), 'bp-early-')), 'ck.json');
    const first = await train({ hidden: [10] }, small, { ...options, earlyStopping: { patience: 1 }, checkpoint: { path } });
    expect(first.model.training!.status).toBe('early_stopping');
    expect(first.model.training!.message).toMatch(/^early stopping: no better validation accuracy in 1 epoch after epoch \d+; stopped after epoch \d+, kept the weights of epoch \d+/);
    expect(first.model.training!.history.length).toBeLessThan(12);
    // the checkpoint is the last iterate (the optimiser's state belongs to it), the best beside it
    const cp = loadCheckpoint(path);
    expect(cp.x).toEqual(Array.from(first.result.x));
    expect(cp.earlyStopping!.x).toEqual(Array.from(first.model.theta));
    const resumed = await train({ hidden: [10] }, small, { ...options, earlyStopping: { patience: 20 }, resume: path });
    expect(Array.from(resumed.model.theta)).toEqual(Array.from(whole.model.theta));
    expect(resumed.model.training!.cost).toBe(whole.model.training!.cost);
    const trace = (h: { epoch?: number; cost: number; validationAccuracy?: number }[]) =>
      h.map((e) => [e.epoch, e.cost, e.validationAccuracy]);
    expect(trace(resumed.model.training!.history)).toEqual(trace(whole.model.training!.history));
  });

  it('a validation set of other columns is refused before training, naming it', async () => {
    const wrong = { X: { rows: 2, cols: 3, data: new Float64Array(6) }, y: [1, 2] };
    await expect(train({ hidden: [5] }, small, { ...base, validation: wrong })).rejects.toThrow(
      'validation.X: has 3 columns but the input layer has 400 units (layers [400, 5, 10])',
    );
  });

  it('refuses a patience that is not an integer >= 1', async () => {
    for (const patience of [0, -1, 1.5, Number.NaN]) {
      await expect(train({ hidden: [5] }, small, { ...base, earlyStopping: { patience } })).rejects.toThrow(InvalidArgumentError);
    }
    await expect(train({ hidden: [5] }, small, { ...base, earlyStopping: { patience: 0 } })).rejects.toThrow(
      'earlyStopping.patience: expected an integer >= 1, got 0',
    );
  });
});
