// `backprop cost --weights MODEL.json --data FILE.csv` reads the CSV as `evaluate` does for that model: a CSV's
// class names are looked up among the model's, so a file lacking a class (whose names would otherwise be numbered
// 1..K among themselves) is costed against the model's labels, not shifted ones.
// Costs are compared to 12 digits: a different row order sums in a different order.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, ensureBuilt, EX4WEIGHTS, ex4Model, onlyJson, tmp } from './helpers.js';

let dir: string;
let model: string;

/** Two features and a class name per row; the classes sit in three corners. */
const ROWS: [number, number, string][] = [
  [0, 0, 'cat'], [0.1, 0.2, 'cat'], [0.2, 0.1, 'cat'], [0.1, 0.1, 'cat'],
  [1, 0, 'dog'], [0.9, 0.1, 'dog'], [0.8, 0.2, 'dog'], [0.9, 0.2, 'dog'],
  [0, 1, 'fish'], [0.1, 0.9, 'fish'], [0.2, 0.8, 'fish'], [0.1, 0.8, 'fish'],
];

function csv(name: string, rows: [number, number, string | number][]): string {
  const path = join(dir, name);
  writeFileSync(path, ['a,b,class', ...rows.map((r) => r.join(','))].join('\n') + '\n');
  return path;
}

function costOf(args: string[]): number {
  const r = cli(['cost', '--weights', model, '--json', ...args]);
  expect(r.code, r.stderr).toBe(0);
  return onlyJson(r).cost;
}

function evaluateCostOf(args: string[]): number {
  const r = cli(['evaluate', '--model', model, '--json', ...args]);
  expect(r.code, r.stderr).toBe(0);
  return onlyJson(r).cost;
}

beforeAll(() => {
  ensureBuilt();
  dir = tmp();
  const t = cli(['train', '--data', csv('train.csv', ROWS), '--hidden', '3', '--maxfun', '20', '--lambda', '0.1', '--out', 'model.json'], { cwd: dir });
  expect(t.code, t.stderr).toBe(0);
  model = join(dir, 'model.json');
}, 60_000);

describe('cost reads a CSV as evaluate does for the model', () => {
  it('a CSV lacking a class: cost equals evaluate’s cost and the cost of the same rows with the model’s label numbers', () => {
    const noCat = ROWS.filter((r) => r[2] !== 'cat');
    const named = csv('no-cat.csv', noCat);
    // the same rows with the model's own numbers for the classes (cat 1, dog 2, fish 3), read as numbers
    const numbered = csv('no-cat-numbered.csv', noCat.map(([a, b, c]) => [a, b, ['cat', 'dog', 'fish'].indexOf(c) + 1]));
    const lambda = ['--lambda', '0.1'];
    const reference = costOf(['--data', numbered, '--labels', 'one-based', ...lambda]);
    expect(costOf(['--data', named, ...lambda])).toBeCloseTo(reference, 12);
    expect(evaluateCostOf(['--data', named, ...lambda])).toBeCloseTo(reference, 12);
  });

  it('the same rows with the classes in another order cost the same as the training file (sorted names: passes either way)', () => {
    const lambda = ['--lambda', '0'];
    const original = costOf(['--data', join(dir, 'train.csv'), ...lambda]);
    const shuffled = csv('shuffled.csv', [...ROWS].reverse());
    expect(costOf(['--data', shuffled, ...lambda])).toBeCloseTo(original, 12);
    expect(evaluateCostOf(['--data', shuffled, ...lambda])).toBeCloseTo(original, 12);
    expect(evaluateCostOf(['--data', join(dir, 'train.csv'), ...lambda])).toBeCloseTo(original, 12);
  });
});

// λ: without --lambda, a model file is costed with the λ it was trained with (as evaluate reports it), and says so;
// --lambda wins; .mat weights (which record no λ) keep λ = 0, the seed's `cost`.
describe('cost’s λ', () => {
  it('a model file without --lambda: the model’s λ, said in the output and in --json', () => {
    const data = ['--data', join(dir, 'train.csv')];
    const r = cli(['cost', '--weights', model, '--json', ...data]);
    expect(r.code, r.stderr).toBe(0);
    const j = onlyJson(r);
    expect(j).toMatchObject({ lambda: 0.1, lambdaFrom: 'model' });
    expect(j.cost).toBe(costOf([...data, '--lambda', '0.1']));
    expect(j.cost).toBeCloseTo(evaluateCostOf(data), 12);
    expect(cli(['cost', '--weights', model, ...data]).stdout).toMatch(/λ = 0\.1, from the model\b/);
  });

  it('--lambda wins over the model’s', () => {
    const r = cli(['cost', '--weights', model, '--json', '--data', join(dir, 'train.csv'), '--lambda', '0']);
    expect(r.code, r.stderr).toBe(0);
    expect(onlyJson(r)).toMatchObject({ lambda: 0, lambdaFrom: '--lambda' });
  });

  it('.mat weights and a model without its training record: λ = 0 as before', () => {
    const mat = cli(['cost', '--weights', EX4WEIGHTS, '--json']);
    expect(mat.code, mat.stderr).toBe(0);
    expect(onlyJson(mat)).toMatchObject({ lambda: 0, lambdaFrom: 'default' });
    const matZero = cli(['cost', '--weights', EX4WEIGHTS, '--json', '--lambda', '0']);
    expect(onlyJson(mat).cost).toBe(onlyJson(matZero).cost);
    const bare = cli(['cost', '--weights', ex4Model().path, '--json']);
    expect(onlyJson(bare)).toMatchObject({ lambda: 0, lambdaFrom: 'default' });
  });

  it('--help says where λ comes from', () => {
    const help = cli(['cost', '--help']).stdout.replace(/\s+/g, ' ');
    expect(help).toMatch(/--lambda <λ> +regularisation strength λ ≥ 0 \(default: the λ a model file was trained with, else 0\)/);
  });
});
