/**
 * train() is the one front door (the CLI, sweep workers and Classifier.fitAsync call it): labels of a single class
 * are refused there with the line Classifier.fit gives (scikit-learn's classifiers refuse them too), before any
 * network is built. Before the fix train() made a network of one output unit that scored 100%.
 */
import { describe, expect, it } from 'vitest';
import { Classifier, fromRows, InvalidArgumentError, train } from '../src/index.js';

const rows = [[0.1, 0.2], [0.3, 0.1], [0.5, 0.9], [0.2, 0.4]];
const X = fromRows(rows);

describe('labels of one class', () => {
  it('train() refuses them with the one-line error Classifier.fit gives', async () => {
    const fit = (): unknown => new Classifier().fit(rows, [7, 7, 7, 7]);
    expect(fit).toThrow(InvalidArgumentError);
    expect(fit).toThrow('y: needs at least 2 classes, got 1');
    await expect(train({ hidden: [3] }, { X, y: [1, 1, 1, 1] })).rejects.toThrow(InvalidArgumentError);
    await expect(train({ hidden: [3] }, { X, y: [1, 1, 1, 1] })).rejects.toThrow('y: needs at least 2 classes, got 1');
  });

  it('also when K says there are more classes than the labels hold', async () => {
    await expect(train({ hidden: [3] }, { X, y: [2, 2, 2, 2], K: 3 })).rejects.toThrow('y: needs at least 2 classes, got 1');
  });

  it('two classes train', async () => {
    const { model } = await train({ hidden: [3] }, { X, y: [1, 2, 1, 2] }, { optimizer: { maxfun: 5 }, backend: 'ts' });
    expect(model.layers).toEqual([2, 3, 2]);
  });
});
