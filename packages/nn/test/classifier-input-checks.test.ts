/**
 * The Classifier's input checks speak the user's terms, as scikit-learn's do. A 1-D array given to predict is one
 * example's values, not examples: refused saying to wrap it ("Expected 2D array, got 1D array instead" in sklearn),
 * where it said "expected a Matrix {rows, cols, data: Float64Array}, got object". `threads: 0` is refused naming
 * `threads` (the native addon's RangeError named `n`), at construction. `dataset`, which the constructor accepts
 * so that a preset (SEED) can be passed as it is, is a declared option, checked like the others.
 */
import { describe, expect, it } from 'vitest';
import { backendInfo, Classifier, InvalidArgumentError, resolveBackend, SEED, ShapeError, train, fromRows } from '../src/index.js';

const X = [[0, 0], [1, 1], [0, 1], [1, 0]];
const y = ['a', 'b', 'a', 'b'];
const clf = new Classifier({ optimizer: { maxfun: 20 }, backend: 'ts' }).fit(X, y);
const THREADS = 'threads: expected an integer from 1 to 1024, got 0';

describe('predict and fit name what they expect', () => {
  it('a 1-D array is one example: refused, saying to wrap it', () => {
    const f = (): unknown => clf.predict([0, 1] as never);
    expect(f).toThrow(ShapeError);
    expect(f).toThrow('X: expected an array of rows (one per example) or a Matrix, got a 1-D array of 2 numbers; wrap a single example in an array: [row]');
    expect(clf.predict([[0, 1]])).toEqual(clf.predict([[0, 1], [1, 1]]).slice(0, 1));
  });

  it('something else is refused naming both forms; a row that is not an array is named', () => {
    expect(() => clf.predict({} as never)).toThrow('X: expected an array of rows (one per example) or a Matrix {rows, cols, data: Float64Array}, got object');
    expect(() => clf.predict([[0, 1], 5] as never)).toThrow('X[1]: expected a row (an array of numbers), got number');
    expect(() => new Classifier().fit([1, 2, 3, 4] as never, y)).toThrow(/got a 1-D array of 4 numbers; wrap a single example/);
  });
});

describe('threads: 0 is refused naming threads', () => {
  it('by the constructor, before any training', () => {
    expect(() => new Classifier({ threads: 0 })).toThrow(InvalidArgumentError);
    expect(() => new Classifier({ threads: 0 })).toThrow(THREADS);
  });

  it.skipIf(!backendInfo().nativeAvailable)('by train and resolveBackend on the native backend', async () => {
    expect(() => resolveBackend('native', 0)).toThrow(InvalidArgumentError);
    expect(() => resolveBackend('native', 0)).toThrow(THREADS);
    await expect(train({ hidden: [2] }, { X: fromRows(X), y: [1, 2, 1, 2] }, { backend: 'native', threads: 0 })).rejects.toThrow(THREADS);
  });
});

describe('the options the constructor accepts are the ones ClassifierOptions declares', () => {
  it('a preset passes as it is; its dataset is checked like any option', () => {
    expect(new Classifier(SEED).options.hidden).toEqual([25]);
    expect(() => new Classifier({ dataset: 5 as never })).toThrow(InvalidArgumentError);
    expect(() => new Classifier({ dataset: 5 as never })).toThrow('dataset: expected the name of a data set, got number');
    expect(() => new Classifier({ datset: 'x' } as never)).toThrow(InvalidArgumentError);
  });
});
