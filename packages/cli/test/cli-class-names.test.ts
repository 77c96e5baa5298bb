// Classes are matched by name, one rule for built-in and file data: a MAT-file's or IDX file's plain numbered
// classes 1..10 are the course's (label 10 is the digit 0), and data whose class names are not the model's is
// refused, as a CSV's is, never scored by position. The reference is the course's own figure for its ex4 weights
// on its digits, 97.52% (numpy agrees: fixtures/ex4-digits5000.json), whatever order the model keeps its classes in.
import { join } from 'node:path';
import { saveModel, type Model } from '@backprop/nn';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, ensureBuilt, ex4Model, oneLineError, onlyJson, tmp } from './helpers.js';

let dir: string;

/** The ex4 weights with the output rows (classes 1..9, 0) kept under other names, in another order. */
function model(name: string, labelNames: string[], order: number[]): string {
  const { model: ex4 } = ex4Model();
  const hidden = 25 * 401;
  const theta = Float64Array.from(ex4.theta);
  // Theta2 (10 x 26) is stored row by row: row r of the new model is row order[r] of the course's
  order.forEach((from, r) => theta.set(ex4.theta.subarray(hidden + from * 26, hidden + (from + 1) * 26), hidden + r * 26));
  const path = join(dir, name);
  saveModel(path, { ...ex4, theta, labelNames } satisfies Model);
  return path;
}

beforeAll(() => {
  ensureBuilt();
  dir = tmp();
  for (const out of ['d.csv', 'd.idx', 'd.mat']) {
    const r = cli(['data', 'export', '--data', 'builtin:digits5000', '--out', out], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
  }
});

describe('classes are matched by name, for built-in and file data alike', () => {
  it('a model of the digits named 0..9 (as from a CSV) scores 97.52% on digits5000, its CSV, IDX and MAT exports', () => {
    // the course's rows are digits 1..9, 0: the digit d is row d − 1, the digit 0 row 9
    const digits = model('digits09.json', ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'], [9, 0, 1, 2, 3, 4, 5, 6, 7, 8]);
    for (const data of ['builtin:digits5000', 'd.csv', 'd.idx', 'd.mat']) {
      const r = cli(['evaluate', '--model', digits, '--data', data, '--json'], { cwd: dir });
      expect(r.code, `${data}: ${r.stderr}`).toBe(0);
      expect([data, onlyJson(r).accuracy]).toEqual([data, 0.9752]);
    }
  });

  it('a model whose classes are named cat0..cat9 is refused on data that names its classes, not scored by position', () => {
    const cats = model('cats.json', Array.from({ length: 10 }, (_, k) => `cat${k}`), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // digits5000 and its IDX export name the digits "1".."9", "0"; its CSV export "0".."9"
    for (const data of ['builtin:digits5000', 'd.csv', 'd.idx']) {
      const r = cli(['evaluate', '--model', cats, '--data', data], { cwd: dir });
      expect([data, r.code]).toEqual([data, 2]); // as a CSV's unknown label is
      expect(r.stdout).toBe('');
      expect(oneLineError(r)).toMatch(new RegExp(`^backprop: error: --data ${data.replace('.', '\\.')}: .*"cat0"`));
    }
    // a MAT-file's y names nothing: its numbers are the model's label numbers, and a note says so
    const mat = cli(['evaluate', '--model', cats, '--data', 'd.mat', '--json'], { cwd: dir });
    expect(mat.code, mat.stderr).toBe(0);
    expect(onlyJson(mat).accuracy).toBe(0.9752); // the cats are the course's rows in the course's order
    expect(mat.stderr.split('\n').filter((l) => l.startsWith('note:'))).toEqual([
      'note: --data d.mat names its classes only by number ("1", "2", "3", "4", "5", "6", "7", "8", "9", "10"): label k is ' +
        'taken as the model\'s k-th class ("cat0", "cat1", "cat2", "cat3", "cat4", "cat5", "cat6", "cat7", "cat8", "cat9")',
    ]);
    const p = cli(['predict', '--model', cats, '--data', 'builtin:digits5000', '--rows', '0:3'], { cwd: dir });
    expect(oneLineError(p)).toBe(
      'backprop: error: --data builtin:digits5000: its classes ("1", "2", "3", "4", "5", "6", "7", "8", "9", "0") are not among ' +
        'the model\'s ("cat0", "cat1", "cat2", "cat3", "cat4", "cat5", "cat6", "cat7", "cat8", "cat9"): classes are matched by name',
    );
  });
});
