/**
 * Classifier.fit and fitAsync take a validation set and early stopping, as train() does (scikit-learn's
 * MLPClassifier has early_stopping; Keras' EarlyStopping restore_best_weights). The sync fit runs its own loop, so
 * it is held to train(): the same weights bit for bit, the same status and message; and the figures are the kept
 * weights' (cost recomputed by `cost`, validation accuracy by `score`).
 */
import { describe, expect, it } from 'vitest';
import { Classifier, cost, InvalidArgumentError, loadDigits5000, subsetDataset, train } from '../src/index.js';

const digits = loadDigits5000();
const pick = (from: number, count: number, name: string) =>
  subsetDataset(digits, Array.from({ length: count }, (_, i) => from + i * 10), name);
const small = pick(0, 300, 'digits300');
const validation = pick(3, 100, 'digits100');
const settings = { hidden: [10], lambda: 1, seed: 3, method: 'tnc' as const, optimizer: { maxfun: 200 }, backend: 'ts' as const };

describe('Classifier with validation and early stopping', () => {
  it('fit and fitAsync keep the weights train() keeps, and report them', async () => {
    const { hidden, ...rest } = settings;
    const reference = await train({ hidden }, small, { ...rest, validation, earlyStopping: { patience: 2 } });
    const fitted = new Classifier(settings).fit(small, { validation, earlyStopping: { patience: 2 } });
    const awaited = await new Classifier(settings).fitAsync(small, { validation, earlyStopping: { patience: 2 } });
    for (const clf of [fitted, awaited]) {
      const t = clf.model.training!;
      expect(Array.from(clf.model.theta)).toEqual(Array.from(reference.model.theta));
      expect(t.status).toBe('early_stopping');
      expect(t.message).toBe(reference.model.training!.message);
      expect(t.validationAccuracy).toBe(clf.score(validation));
      expect(t.cost).toBeCloseTo(cost(clf.model.theta, small.X, small.y, { layers: clf.model.layers, lambda: 1, backend: 'ts' }), 12);
      expect(t.history.map((h) => h.validationAccuracy)).toEqual(reference.model.training!.history.map((h) => h.validationAccuracy));
    }
  });

  it('takes { X, y } with the training\'s class names, and refuses another class', () => {
    const X = [[0, 0], [1, 1], [0, 1], [1, 0], [0.9, 0.1], [0.1, 0.9]];
    const y = ['a', 'b', 'a', 'b', 'b', 'a'];
    const clf = new Classifier({ backend: 'ts', optimizer: { maxfun: 30 } }).fit(X, y, { validation: { X: X.slice(0, 4), y: y.slice(0, 4) } });
    expect(clf.model.training!.validationAccuracy).toBe(clf.score(X.slice(0, 4), y.slice(0, 4)));
    expect(() => new Classifier().fit(X, y, { validation: { X: [[0, 0]], y: ['c'] } })).toThrow(InvalidArgumentError);
    expect(() => new Classifier().fit(X, y, { validation: { X: [[0, 0]], y: ['c'] } })).toThrow('validation.y[0] = "c": not one of the training\'s classes');
    expect(() => new Classifier().fit(X, y, { earlyStopping: { patience: 2 } })).toThrow('earlyStopping needs a validation set');
  });
});
