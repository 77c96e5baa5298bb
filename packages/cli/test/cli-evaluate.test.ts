import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodePng, loadMnist } from '@backprop/nn';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, ensureBuilt, EX4WEIGHTS, ex4Model, golden, oneLineError, onlyJson, tmp, writeCsv, type Golden } from './helpers.js';

let g: Golden;
let csv: string;
let model: string;

beforeAll(() => {
  ensureBuilt();
  g = golden();
  csv = writeCsv(g.X, g.y, 'digits50.csv');
  model = ex4Model().path;
});

describe('evaluate, predict and cost against numpy (scripts/ref/cli_golden.py: ex4weights on 50 digits)', () => {
  it('evaluate: accuracy, cost, confusion matrix and per-class precision/recall', () => {
    const r = cli(['evaluate', '--model', model, '--data', csv, '--lambda', '1', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = onlyJson(r);
    expect(j.m).toBe(50);
    expect(j.accuracy).toBe(g.accuracy);
    expect(j.cost).toBeCloseTo(g.cost['1'], 10);
    expect(j.confusion.counts).toEqual(g.confusion);
    expect(j.confusion.labels).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '0']);
    j.classes.forEach((c: { precision: number | null; recall: number | null; support: number }, k: number) => {
      expect(c.support).toBe(g.support[k]);
      if (g.precision[k] === null) expect(c.precision).toBeNull();
      else expect(c.precision).toBeCloseTo(g.precision[k]!, 12);
      expect(c.recall).toBeCloseTo(g.recall[k]!, 12);
    });
  });

  it('evaluate (human output): digits shown 0..9 in the confusion matrix; λ defaults to 0 for a model without training info', () => {
    const r = cli(['evaluate', '--model', model, '--data', csv]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`accuracy   ${(g.accuracy * 100).toFixed(2)}%`);
    expect(r.stdout).toContain(`cost J(Θ)  ${g.cost['0'].toPrecision(6)} (λ = 0, the default: the model records none)`);
    const header = r.stdout.split('\n').find((l) => l.includes('actual \\ predicted'))!;
    expect(header.trim().split(/\s+/).slice(3)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  });

  it('predict --rows: the predicted digit (label 10 → "0"), the class probabilities and the activations h of each row', () => {
    const r = cli(['predict', '--model', model, '--data', csv, '--rows', '0:50', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = onlyJson(r);
    expect(doc.classes).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '0']);
    const preds = doc.predictions as { row: number; label: string; actual: string; probabilities: number[]; scores: number[] }[];
    expect(preds.map((p) => p.label)).toEqual(g.predicted.map((k) => String(k % 10)));
    expect(preds.map((p) => p.actual)).toEqual(g.y.map((k) => String(k % 10)));
    preds.forEach((p, i) => {
      for (let k = 0; k < 10; k++) expect(p.scores[k]).toBeCloseTo(g.h[i][k], 12);
      const sum = g.h[i].reduce((a, b) => a + b, 0);
      for (let k = 0; k < 10; k++) expect(p.probabilities[k]).toBeCloseTo(g.h[i][k] / sum, 12);
    });
    const some = cli(['predict', '--model', model, '--data', csv, '--rows', '3,7', '--json']);
    expect(onlyJson(some).predictions.map((p: { row: number }) => p.row)).toEqual([3, 7]);
    const bad = cli(['predict', '--model', model, '--data', csv, '--rows', '49:60x']);
    expect(oneLineError(bad)).toMatch(/--rows: expected rows as START:END/);
    const out = cli(['predict', '--model', model, '--data', csv, '--rows', '70']);
    expect(oneLineError(out)).toMatch(/row 70 is out of range: the data has 50 rows/);
  });

  it('predict --image: MNIST test digits drawn dark on white at 4x are recognised by the course’s weights', () => {
    const test = loadMnist('test');
    const dir = tmp();
    let right = 0;
    for (let i = 0; i < 10; i++) {
      const img = test.X.data.subarray(i * 784, (i + 1) * 784);
      const W = 28 * 4 + 30;
      const gray = new Float64Array(W * W).fill(1);
      for (let r = 0; r < 112; r++) for (let c = 0; c < 112; c++) gray[(r + 20) * W + c + 7] = 1 - img[Math.floor(r / 4) * 28 + Math.floor(c / 4)];
      const file = join(dir, `digit${i}.png`);
      writeFileSync(file, encodePng(W, W, gray));
      const r = cli(['predict', '--model', model, '--image', file, '--json']);
      expect(r.code, r.stderr).toBe(0);
      const [p] = onlyJson(r).predictions;
      if (p.label === test.labelNames[test.y[i] - 1]) right++;
    }
    // ex4weights score ~91% on MNIST test digits resized like digits5000; the first ten are easy ones
    expect(right).toBeGreaterThanOrEqual(9);
  });

  it('predict --image: a file that is not a PNG, a blank picture, a model without inputShape', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'note.png'), 'hello');
    expect(oneLineError(cli(['predict', '--model', model, '--image', 'note.png'], { cwd: dir }))).toMatch(/--image note.png: not a PNG file/);
    writeFileSync(join(dir, 'blank.png'), encodePng(30, 30, new Float64Array(900).fill(1)));
    expect(oneLineError(cli(['predict', '--model', model, '--image', 'blank.png'], { cwd: dir }))).toMatch(/blank/);
    const { X, y } = { X: [[0, 1], [1, 0]], y: [1, 2] };
    const small = cli(['train', '--data', writeCsv(X, y), '--hidden', '2', '--maxfun', '5', '--out', 'small.json'], { cwd: dir });
    expect(small.code, small.stderr).toBe(0);
    expect(oneLineError(cli(['predict', '--model', 'small.json', '--image', 'blank.png'], { cwd: dir }))).toMatch(/has no inputShape/);
  });

  it('cost: the seed’s cost of ex4weights.mat (λ = 0, 1, 3) equals numpy’s', () => {
    for (const lambda of ['0', '1', '3']) {
      const r = cli(['cost', '--data', csv, '--weights', EX4WEIGHTS, '--lambda', lambda, '--json']);
      expect(r.code, r.stderr).toBe(0);
      const j = onlyJson(r);
      expect(j.cost).toBeCloseTo(g.cost[lambda], 10);
      expect(j.layers).toEqual([400, 25, 10]);
    }
    // a model .json works as --weights too
    expect(onlyJson(cli(['cost', '--data', csv, '--weights', model, '--json'])).cost).toBeCloseTo(g.cost['0'], 10);
  });

  it('cost on digits5000 is the course’s ex4 value 0.287629 to 1e-4 (digits5000 reproduces ex4data1)', () => {
    const r = cli(['cost', '--weights', EX4WEIGHTS, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(Math.abs(onlyJson(r).cost - 0.287629)).toBeLessThan(1e-4);
  });

  it('cost: weights that do not fit, or a MAT-file without Theta variables, are refused in one line', () => {
    const { X, y } = { X: [[0, 1, 2]], y: [1] };
    const r = cli(['cost', '--data', writeCsv(X, y), '--weights', EX4WEIGHTS]);
    expect(r.code).toBe(2);
    expect(oneLineError(r)).toContain('the model takes 400 inputs (layers 400-25-10) but data.csv has 3 columns per example');
    const dir = tmp();
    const exported = cli(['data', 'export', '--name', 'digits5000', '--out', 'd.mat'], { cwd: dir });
    expect(exported.code, exported.stderr).toBe(0);
    const noTheta = cli(['cost', '--weights', 'd.mat'], { cwd: dir });
    expect(oneLineError(noTheta)).toMatch(/d.mat: no Theta1, Theta2, … variables \(it has X, y\)/);
  });
});
