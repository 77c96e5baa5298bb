// Issue 16 through the built CLI: train --activation/--output/--leaky-slope/--init, the architecture stated in
// full in the text and --json, evaluate and predict on a relu/softmax model (its probabilities are the softmax,
// checked against the library), and one-line errors naming the flag.
import { join } from 'node:path';
import { accuracy, loadDataset, loadModel, scores, splitDataset } from '@backprop/nn';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, ensureBuilt, oneLineError, onlyJson, tmp } from './helpers.js';

beforeAll(() => ensureBuilt());

describe('backprop train with a relu/softmax network', () => {
  const dir = tmp();
  let trained: Record<string, any>;
  beforeAll(() => {
    const r = cli(
      ['train', '--hidden', '20,12', '--activation', 'relu,tanh', '--output', 'softmax', '--method', 'adam', '--epochs', '2',
        '--lambda', '0.1', '--test', '0.2', '--seed', '2', '--out', 'm.json', '--report', 'rep', '--backend', 'ts', '--json'],
      { cwd: dir },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/training 400-20\(relu\)-12\(tanh\)-10\(softmax\) on digits5000/);
    trained = onlyJson(r);
  });

  it('--json states the architecture, the activations and the initialisation', () => {
    expect(trained.architecture).toBe('400-20(relu)-12(tanh)-10(softmax)');
    expect(trained.activations).toEqual({ hidden: ['relu', 'tanh'], output: 'softmax', leakySlope: 0.01 });
    expect(trained.init).toBe('he,glorot,glorot');
  });

  it('the model records the network, and its test accuracy is the library’s on the same split', () => {
    const model = loadModel(join(dir, 'm.json'));
    expect(model.activations).toEqual({ hidden: ['relu', 'tanh'], output: 'softmax', leakySlope: 0.01 });
    const { test } = splitDataset(loadDataset('digits5000'), { test: 0.2, seed: 2 });
    const opts = { layers: model.layers, activations: model.activations, backend: 'ts' as const };
    expect(trained.testAccuracy).toBe(accuracy(model.theta, test!.X, test!.y, opts));
    expect(trained.testAccuracy).toBeGreaterThan(0.6);
  });

  it('evaluate and predict work on it; predict’s probabilities are the softmax outputs', () => {
    const e = cli(['evaluate', '--model', 'm.json', '--data', 'builtin:digits5000', '--backend', 'ts', '--json'], { cwd: dir });
    expect(e.code, e.stderr).toBe(0);
    expect(onlyJson(e).architecture).toBe('400-20(relu)-12(tanh)-10(softmax)');
    const p = cli(['predict', '--model', 'm.json', '--data', 'builtin:digits5000', '--rows', '0:3', '--backend', 'ts', '--json'], { cwd: dir });
    expect(p.code, p.stderr).toBe(0);
    const model = loadModel(join(dir, 'm.json'));
    const ds = loadDataset('digits5000');
    const h = scores(model.theta, { rows: 3, cols: 400, data: ds.X.data.slice(0, 1200) }, {
      layers: model.layers, activations: model.activations, backend: 'ts',
    });
    onlyJson(p).predictions.forEach((q: { probabilities: number[]; scores: number[] }, i: number) => {
      expect(q.scores).toEqual(Array.from(h.data.subarray(i * 10, i * 10 + 10)));
      expect(q.probabilities).toEqual(q.scores);
    });
  });
});

describe('bad network flags: one line naming the flag', () => {
  it.each([
    [['--activation', 'gelu'], '--activation: expected one of sigmoid, tanh, relu, leaky_relu, got "gelu"'],
    [['--hidden', '5,5,5', '--activation', 'relu,tanh'], '--activation: expected 3 names (one per hidden layer) or one name for all, got 2 in "relu,tanh"'],
    [['--output', 'linear'], '--output: expected one of sigmoid, softmax, got "linear"'],
    [['--leaky-slope', '1'], '--leaky-slope: expected a number between 0 and 1 (exclusive), got "1"'],
    [['--leaky-slope', '-0.1'], '--leaky-slope: expected a number between 0 and 1 (exclusive), got "-0.1"'],
    [['--init', 'xavier'], '--init: expected one of he, glorot, seed, got "xavier"'],
  ])('%j', (args, message) => {
    const r = cli(['train', ...args]);
    expect(r.code).toBe(2);
    expect(oneLineError(r)).toContain(message);
  });
});

describe('backprop sweep over activations', () => {
  it('a grid axis: one training per activation, each model trained with it, the best saved with its network', () => {
    const dir = tmp();
    const r = cli(
      ['sweep', '--lambda', '1', '--hidden', '8', '--activation', 'sigmoid,relu,tanh', '--output', 'softmax', '--method', 'adam',
        '--epochs', '1', '--workers', '2', '--backend', 'ts', '--out', 'best.json', '--json'],
      { cwd: dir },
    );
    expect(r.code, r.stderr).toBe(0);
    const j = onlyJson(r);
    const got = (j.results as { activation: string[]; architecture: string; ok: boolean }[]).map((x) => [x.activation, x.architecture, x.ok]);
    expect(got.sort()).toEqual([
      [['relu'], '400-8(relu)-10(softmax)', true],
      [['sigmoid'], '400-8(sigmoid)-10(softmax)', true],
      [['tanh'], '400-8(tanh)-10(softmax)', true],
    ]);
    const best = loadModel(join(dir, 'best.json'));
    expect(best.activations).toEqual({ hidden: j.best.activation, output: 'softmax', leakySlope: 0.01 });
    expect(j.best.architecture).toBe(`400-8(${j.best.activation[0]})-10(softmax)`);
  });
  it('with --queue, a bad network flag is refused before connecting (the network itself travels: packages/queue/test/sweep-activations.test.ts)', () => {
    const r = cli(['sweep', '--queue', 'redis://127.0.0.1:1', '--activation', 'relu', '--leaky-slope', '2']);
    expect(r.code).toBe(2);
    expect(oneLineError(r)).toContain('--leaky-slope: expected a number between 0 and 1 (exclusive), got "2"');
  });
  it('a bad activation choice is a one-line error naming the flag', () => {
    const r = cli(['sweep', '--activation', 'relu,selu']);
    expect(r.code).toBe(2);
    expect(oneLineError(r)).toContain('--activation: expected one of sigmoid, tanh, relu, leaky_relu, got "selu"');
  });
});
