/**
 * Training a network other than the seed's: `train()` and the Classifier take `activation` (one name or one per
 * hidden layer), `output`, `leakySlope` and `init`, refuse bad ones naming the option, and a ReLU/softmax network
 * trained with Adam learns digits5000; its model records the activations and its probabilities are the softmax.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  accuracy, CheckpointError, Classifier, InvalidArgumentError, loadDigits5000, splitDataset, subsetDataset, train,
  type TrainOptions,
} from '../src/index.js';

const ds = loadDigits5000();
const { train: tr, test } = splitDataset(ds, { test: 0.2, seed: 1 });

describe('ReLU + softmax + Adam on digits5000', () => {
  it('learns to a sensible accuracy in a few epochs, and the model records its network', async () => {
    const { model } = await train({ hidden: [64] }, tr, {
      activation: 'relu', output: 'softmax', method: 'adam', lambda: 0.1, backend: 'ts',
      optimizer: { epochs: 8, batchSize: 32, learningRate: 3e-3 }, trackAccuracy: false,
    });
    expect(model.activations).toEqual({ hidden: ['relu'], output: 'softmax', leakySlope: 0.01 });
    expect(model.training!.init.scheme).toBe('he,glorot');
    const acc = accuracy(model.theta, test!.X, test!.y, { layers: model.layers, activations: model.activations, backend: 'ts' });
    expect(acc).toBeGreaterThan(0.88);
  });
});

describe('the Classifier with a softmax output', () => {
  const clf = new Classifier({
    hidden: [16, 8], activation: ['tanh', 'leaky_relu'], output: 'softmax', leakySlope: 0.05, method: 'adam',
    optimizer: { epochs: 3 }, backend: 'ts',
  });
  clf.fit(tr);
  it('predictProba rows are the softmax: they sum to 1 and are the raw outputs', () => {
    const p = clf.predictProba(test!.X);
    const h = clf.predictScores(test!.X);
    expect(p.data).toEqual(h.data);
    for (let i = 0; i < p.rows; i++) {
      let sum = 0;
      for (let k = 0; k < p.cols; k++) sum += p.data[i * p.cols + k];
      expect(Math.abs(sum - 1)).toBeLessThan(1e-12);
    }
  });
  it('the model round-trips through save/load with its activations', () => {
    expect(clf.model.activations).toEqual({ hidden: ['tanh', 'leaky_relu'], output: 'softmax', leakySlope: 0.05 });
    const again = Classifier.fromModel(clf.model);
    expect(again.options).toMatchObject({ activation: ['tanh', 'leaky_relu'], output: 'softmax', leakySlope: 0.05 });
    expect(again.model.activations).toEqual(clf.model.activations);
    // `again` runs on the default backend (native when it loads): the activations reach it too.
    expect(again.predict(test!.X)).toEqual(clf.predict(test!.X));
  });
});

const circular: Record<string, unknown> = {};
circular.self = circular;

describe('bad network options name the option', () => {
  const cases: [string, TrainOptions, RegExp][] = [
    ['activation', { activation: 'gelu' as never }, /^activation: expected one of sigmoid, tanh, relu, leaky_relu, got "gelu"$/],
    ['activation list', { activation: ['relu', 'elu'] as never }, /^activation\[1\]: expected one of/],
    ['activation count', { activation: ['relu', 'relu'] }, /^activation: expected 1 activation\(s\), one per hidden layer, got 2$/],
    ['output', { output: 'linear' as never }, /^output: expected one of sigmoid, softmax, got "linear"$/],
    ['leakySlope', { leakySlope: 0 }, /^leakySlope: expected a number between 0 and 1 \(exclusive\), got 0$/],
    ['activation that is a circular object', { activation: [circular as never] }, /^activation\[0\]: expected one of sigmoid, tanh, relu, leaky_relu, got object$/],
    ['leakySlope NaN', { activation: 'leaky_relu', leakySlope: NaN }, /^leakySlope: expected a number between 0 and 1 \(exclusive\), got NaN$/],
    ['init', { init: { scheme: 'xavier' as never } }, /^init: expected one of auto, seed, glorot, he, uniform, got "xavier"$/],
  ];
  it.each(cases)('%s', async (_name, options, message) => {
    await expect(train({ hidden: [5] }, tr, { ...options, backend: 'ts' })).rejects.toThrow(InvalidArgumentError);
    await expect(train({ hidden: [5] }, tr, { ...options, backend: 'ts' })).rejects.toThrow(message);
  });
  it('the Classifier checks them when it is made', () => {
    expect(() => new Classifier({ activation: 'gelu' as never })).toThrow(/^activation: expected one of/);
    expect(() => new Classifier({ hidden: [4, 4], activation: ['relu'] })).toThrow(/^activation: expected 2 activation/);
    expect(() => new Classifier({ init: 'xavier' as never })).toThrow(/^init: expected one of/);
  });
});

describe('checkpoints record the network', () => {
  it('resuming a relu run as another network is refused, naming both', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'bp-act-')), 'run.ckpt');
    // every tenth example: several classes (the first 300 are all one class, which train refuses)
    const small = subsetDataset(tr, Array.from({ length: 300 }, (_, i) => i * 10), 'small');
    const base: TrainOptions = { method: 'adam', optimizer: { epochs: 1 }, backend: 'ts', trackAccuracy: false };
    await train({ hidden: [6] }, small, { ...base, activation: 'relu', checkpoint: { path } });
    await expect(train({ hidden: [6] }, small, { ...base, resume: path })).rejects.toThrow(CheckpointError);
    await expect(train({ hidden: [6] }, small, { ...base, resume: path })).rejects.toThrow(
      'checkpoint is for the network 400-6(relu)-10(sigmoid), not 400-6(sigmoid)-10(sigmoid): resume with the same activations',
    );
    await expect(train({ hidden: [6] }, small, { ...base, activation: 'relu', optimizer: { epochs: 2 }, resume: path })).resolves.toBeDefined();
  });
});
