// `train --early-stopping N --validation F`: Keras' restore_best_weights from the command line. The model saved is
// the best epoch's, and every figure printed with it is that model's: recomputed here by the library on the same
// seeded split (splitDataset, as the CLI splits), not read back from the run.
import { join } from 'node:path';
import { accuracy, loadDataset, loadModel, splitDataset } from '@backprop/nn';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, ensureBuilt, oneLineError, onlyJson, tmp } from './helpers.js';

beforeAll(() => ensureBuilt());

describe('train --early-stopping', () => {
  it('stops when validation accuracy stalls and saves the best epoch, whose accuracies it reports', () => {
    const out = join(tmp(), 'es.json');
    const r = cli(['train', '--method', 'adam', '--epochs', '60', '--hidden', '25', '--lambda', '1', '--validation', '0.2', '--early-stopping', '2', '--out', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = onlyJson(r);
    expect(j.status).toBe('early_stopping');
    expect(j.earlyStopping).toBe(2);
    const lastEpoch = Math.max(...loadModel(out).training!.history.map((h) => h.epoch ?? 0));
    expect(lastEpoch).toBeLessThan(60);
    expect(j.kept.epoch).toBe(lastEpoch - 2); // patience 2: two epochs without a better one after the kept one
    expect(j.message).toContain(`kept the weights of epoch ${j.kept.epoch}`);

    const model = loadModel(out);
    const parts = splitDataset(loadDataset('digits5000'), { validation: 0.2, test: 0, seed: 0 });
    const options = { layers: model.layers, activations: model.activations };
    expect(accuracy(model.theta, parts.validation!.X, parts.validation!.y, options)).toBe(j.validationAccuracy);
    expect(accuracy(model.theta, parts.train.X, parts.train.y, options)).toBe(j.trainAccuracy);
    // the best validation accuracy of the history is the kept epoch's
    const best = Math.max(...model.training!.history.map((h) => h.validationAccuracy ?? 0));
    expect(j.validationAccuracy).toBe(best);
  }, 120_000);

  it('without --validation, or with a patience below 1: one line, exit 2', () => {
    const none = cli(['train', '--early-stopping', '2', '--maxfun', '5']);
    expect(none.code).toBe(2);
    expect(oneLineError(none)).toBe('backprop: error: --early-stopping watches validation accuracy: give --validation too (a fraction held out, e.g. --validation 0.1)');
    const zero = cli(['train', '--early-stopping', '0', '--validation', '0.1', '--maxfun', '5']);
    expect(zero.code).toBe(2);
    expect(oneLineError(zero)).toMatch(/^backprop: error: --early-stopping: expected an integer/);
  });
});
