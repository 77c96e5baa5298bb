// `backprop cost --weights MODEL.json` without --data costs the model on the built-in set it was trained on, as
// `evaluate` and `predict` do (it used to take builtin:digits5000 and stop on the shape mismatch); --data still
// wins, and weights that record no data set (.mat, a model saved without its training) keep builtin:digits5000.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, ensureBuilt, EX4WEIGHTS, ex4Model, oneLineError, onlyJson, tmp, writeCsv } from './helpers.js';

let dir: string;
let model: string;

beforeAll(() => {
  ensureBuilt();
  dir = tmp();
  // 784-3-10 on MNIST's 10,000 test digits, two evaluations: about a second
  const t = cli(['train', '--data', 'builtin:mnist-test', '--hidden', '3', '--maxfun', '2', '--threads', '1', '--out', 'mnist.json'], { cwd: dir });
  expect(t.code, t.stderr).toBe(0);
  model = join(dir, 'mnist.json');
}, 150_000);

describe('cost --weights MODEL.json takes the model’s data set', () => {
  it('without --data: the built-in set the model was trained on, the same as naming it', () => {
    const implicit = cli(['cost', '--weights', model, '--json']);
    expect(implicit.code, implicit.stderr).toBe(0);
    const named = cli(['cost', '--weights', model, '--data', 'builtin:mnist-test', '--json']);
    expect(named.code, named.stderr).toBe(0);
    const a = onlyJson(implicit);
    expect(a).toMatchObject({ data: 'mnist-test', m: 10_000, layers: [784, 3, 10] });
    expect(a.cost).toBe(onlyJson(named).cost);
    expect(cli(['cost', '--weights', model]).stdout).toMatch(/10,?000 examples of mnist-test/);
  });

  it('an explicit --data wins', () => {
    const X = [0, 1, 2].map((k) => Array.from({ length: 784 }, (_, i) => ((i + k) % 7) / 7));
    const r = cli(['cost', '--weights', model, '--data', writeCsv(X, [1, 2, 3], 'three.csv'), '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(onlyJson(r)).toMatchObject({ data: 'three.csv', m: 3 });
  });

  it('a model trained on a file needs --data, as evaluate says', () => {
    const csv = writeCsv([[0, 1], [1, 0], [1, 1], [0, 0]], [1, 2, 1, 2]);
    const t = cli(['train', '--data', csv, '--hidden', '2', '--maxfun', '2', '--out', 'csv.json'], { cwd: dir });
    expect(t.code, t.stderr).toBe(0);
    const r = cli(['cost', '--weights', 'csv.json'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(oneLineError(r)).toBe('backprop: error: --data is required: the model was not trained on a built-in data set');
  });

  it('weights that record no data set, .mat or a model saved without its training: builtin:digits5000 as before', () => {
    for (const weights of [EX4WEIGHTS, ex4Model().path]) {
      const r = cli(['cost', '--weights', weights, '--json']);
      expect(r.code, r.stderr).toBe(0);
      expect(onlyJson(r)).toMatchObject({ data: 'digits5000', m: 5000 });
    }
  });
});
