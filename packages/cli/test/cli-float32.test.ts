// float32 (issue 16) through the built CLI: `train --dtype float32` (listed in --help), the dtype stated with the
// architecture in the text and --json, the model file's dtype and float32 θ, the test accuracy the library's in
// float32 on the same split, evaluate/predict using the model's dtype (the same numbers as the library's float32,
// not its float64), export's ONNX default dtype the model's, gradcheck --dtype float32, and a bad --dtype a
// one-line error.
import { join } from 'node:path';
import { accuracy, loadDataset, loadModel, scores, splitDataset } from '@backprop/nn';
import { beforeAll, describe, expect, it } from 'vitest';
import { dtypeChoices, grid } from '../src/sweep/grid.js';
import { cli, EX4WEIGHTS, ensureBuilt, oneLineError, onlyJson, tmp } from './helpers.js';

beforeAll(() => ensureBuilt());

describe('backprop train --dtype float32', () => {
  const dir = tmp();
  let trained: Record<string, any>;
  beforeAll(() => {
    const r = cli(
      ['train', '--hidden', '16', '--activation', 'relu', '--output', 'softmax', '--dtype', 'float32', '--method', 'adam', '--epochs', '2',
        '--lambda', '0', '--test', '0.2', '--seed', '3', '--out', 'm.json', '--json'],
      { cwd: dir },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/training 400-16\(relu\)-10\(softmax\) float32 on digits5000/);
    trained = onlyJson(r);
  }, 120_000);

  it('--help lists --dtype', () => {
    const h = cli(['train', '--help']);
    expect(h.stdout.replace(/\s+/g, ' ')).toContain('--dtype <type> what the network computes in: float64 (the seed’s) or float32 (float32 compute, float64 optimiser state)');
  });

  it('--json states the dtype with the architecture; the model file is float32', () => {
    expect(trained.dtype).toBe('float32');
    expect(trained.architecture).toBe('400-16(relu)-10(softmax) float32');
    const model = loadModel(join(dir, 'm.json'));
    expect(model.dtype).toBe('float32');
    expect(model.theta.every((v) => Math.fround(v) === v)).toBe(true);
    const { test } = splitDataset(loadDataset('digits5000'), { test: 0.2, seed: 3 });
    const opts = { layers: model.layers, activations: model.activations, dtype: 'float32' as const };
    expect(trained.testAccuracy).toBe(accuracy(model.theta, test!.X, test!.y, opts));
    expect(trained.testAccuracy).toBeGreaterThan(0.6);
  });

  it('evaluate and predict compute in the model’s dtype', () => {
    const model = loadModel(join(dir, 'm.json'));
    const ds = loadDataset('digits5000');
    const e = cli(['evaluate', '--model', 'm.json', '--data', 'builtin:digits5000', '--json'], { cwd: dir });
    expect(e.code, e.stderr).toBe(0);
    const ev = onlyJson(e);
    expect(ev.architecture).toBe('400-16(relu)-10(softmax) float32');
    expect(ev.accuracy).toBe(accuracy(model.theta, ds.X, ds.y, { layers: model.layers, activations: model.activations, dtype: 'float32' }));
    const p = cli(['predict', '--model', 'm.json', '--data', 'builtin:digits5000', '--rows', '0:3', '--json'], { cwd: dir });
    expect(p.code, p.stderr).toBe(0);
    const X = { rows: 3, cols: 400, data: ds.X.data.slice(0, 1200) };
    const h32 = scores(model.theta, X, { layers: model.layers, activations: model.activations, dtype: 'float32' });
    const h64 = scores(model.theta, X, { layers: model.layers, activations: model.activations });
    const got = onlyJson(p).predictions.flatMap((q: { scores: number[] }) => q.scores);
    expect(got).toEqual(Array.from(h32.data));
    expect(got).not.toEqual(Array.from(h64.data));
  });

  it('export writes a float32 ONNX model by default, float64 when asked', () => {
    const a = cli(['export', '--out', 'm.onnx', 'm.json', '--json'], { cwd: dir });
    expect(a.code, a.stderr).toBe(0);
    expect(onlyJson(a).dtype).toBe('float32');
    const b = cli(['export', '--out', 'm64.onnx', '--dtype', 'float64', 'm.json', '--json'], { cwd: dir });
    expect(b.code, b.stderr).toBe(0);
    expect(onlyJson(b).dtype).toBe('float64');
  });
});

describe('sweep --dtype float64,float32: a grid axis', () => {
  it('each configuration trains in its dtype, and the table and --json say which', () => {
    const dir = tmp();
    const args = ['sweep', '--lambda', '1', '--hidden', '8', '--maxfun', '15', '--workers', '2', '--validation', '0.2', '--dtype', 'float64,float32'];
    const r = cli([...args, '--json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/× dtype ∈ \{float64, float32\}/);
    const j = onlyJson(r);
    expect(j.configurations).toBe(2);
    const rows = j.results as { dtype: string; validationAccuracy: number; architecture: string }[];
    expect(rows.map((x) => x.dtype).sort()).toEqual(['float32', 'float64']);
    for (const x of rows) expect(x.architecture).toBe(x.dtype === 'float32' ? '400-8(sigmoid)-10(sigmoid) float32' : '400-8(sigmoid)-10(sigmoid)');
    const best = loadModel(join(dir, 'reports/sweep/best.json'));
    expect(best.dtype).toBe(j.best.dtype);
    // the float32 training's validation accuracy is the library's float32 one for its model
    const parts = splitDataset(loadDataset('digits5000'), { validation: 0.2, seed: 0 });
    const opts = { layers: best.layers, dtype: best.dtype };
    expect(accuracy(best.theta, parts.validation!.X, parts.validation!.y, opts)).toBe(rows[0].validationAccuracy);
    const h = cli([...args, '--out', 'b.json'], { cwd: dir });
    expect(h.code, h.stderr).toBe(0);
    expect(h.stdout).toMatch(/^#\s+λ\s+hidden\s+dtype\s+validation\s+training/m);
  });

  it('the grid: λ fastest, then the activation, then the dtype, then the hidden choice; no dtype without the axis', () => {
    expect(grid([1, 2], [[8]], [['relu'], ['tanh']], ['float64', 'float32']).map((c) => [c.lambda, c.activation![0], c.dtype])).toEqual([
      [1, 'relu', 'float64'], [2, 'relu', 'float64'], [1, 'tanh', 'float64'], [2, 'tanh', 'float64'],
      [1, 'relu', 'float32'], [2, 'relu', 'float32'], [1, 'tanh', 'float32'], [2, 'tanh', 'float32'],
    ]);
    expect(grid([1], [[8]])).toEqual([{ index: 0, lambda: 1, hidden: [8] }]);
    expect(dtypeChoices(' float32 , float64')).toEqual(['float32', 'float64']);
  });
});

describe('cost --dtype float32', () => {
  it('the course’s weights on digits5000 in float32: J within 1e-6 of float64’s (relative), and not its bits', () => {
    const a = cli(['cost', '--weights', EX4WEIGHTS, '--dtype', 'float32', '--json']);
    const b = cli(['cost', '--weights', EX4WEIGHTS, '--json']);
    expect(a.code, a.stderr).toBe(0);
    const j32 = onlyJson(a);
    const j64 = onlyJson(b);
    expect(j32.dtype).toBe('float32');
    expect(j64.dtype).toBe('float64');
    expect(j32.architecture).toBe('400-25(sigmoid)-10(sigmoid) float32');
    expect(Math.abs(j32.cost - j64.cost) / j64.cost).toBeLessThan(1e-6);
    expect(j32.cost).not.toBe(j64.cost);
  });
});

describe('gradcheck --dtype float32 and bad values', () => {
  it('passes at the float32 bar', () => {
    const r = cli(['gradcheck', '--dtype', 'float32', '--activation', 'tanh', '--output', 'softmax', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = onlyJson(r);
    expect(j).toMatchObject({ passed: true, dtype: 'float32', tolerance: 3e-3, step: 5e-4 });
    expect(j.relativeDifference).toBeGreaterThan(1e-9); // float32 rounding shows: not the float64 computation
  });

  it.each([
    [['train', '--dtype', 'float16'], '--dtype: expected one of float64, float32, got "float16"'],
    [['sweep', '--dtype', 'float32,double'], '--dtype: expected one of float64, float32, got "double"'],
  ])('%j → one line', (args, message) => {
    const r = cli(args);
    expect(r.code).not.toBe(0);
    expect(oneLineError(r)).toContain(message);
  });
});
