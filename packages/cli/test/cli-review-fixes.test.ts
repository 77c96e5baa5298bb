import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, ensureBuilt, oneLineError, onlyJson, tmp, writeCsv } from './helpers.js';

// Findings of a new-user review of issue 16's CLI, each checked through the built CLI.

beforeAll(() => {
  ensureBuilt();
});

describe('a model trained on a split of a built-in set defaults --data to that set', () => {
  let dir: string;
  let model: string;

  beforeAll(() => {
    dir = tmp();
    const t = cli(['train', '--validation', '0.1', '--test', '0.1', '--maxfun', '3', '--seed', '1', '--report', 'run1'], { cwd: dir, timeout: 120_000 });
    expect(t.code, t.stderr).toBe(0);
    model = join(dir, 'run1/model.json');
  }, 150_000);

  it('evaluate --model without --data scores builtin:digits5000, the same as naming it', () => {
    const implicit = cli(['evaluate', '--model', model, '--json'], { cwd: dir });
    expect(implicit.code, implicit.stderr).toBe(0);
    const named = cli(['evaluate', '--model', model, '--data', 'builtin:digits5000', '--json'], { cwd: dir });
    expect(named.code, named.stderr).toBe(0);
    const a = onlyJson(implicit);
    const b = onlyJson(named);
    expect(a.data).toBe('digits5000');
    expect(a.m).toBe(5000);
    expect(a.accuracy).toBe(b.accuracy);
    expect(a.cost).toBe(b.cost);
  });

  it('predict --model without --data predicts rows of builtin:digits5000, the same as naming it', () => {
    const implicit = cli(['predict', '--model', model, '--rows', '0:3', '--json'], { cwd: dir });
    expect(implicit.code, implicit.stderr).toBe(0);
    const named = cli(['predict', '--model', model, '--data', 'builtin:digits5000', '--rows', '0:3', '--json'], { cwd: dir });
    expect(named.code, named.stderr).toBe(0);
    expect(onlyJson(implicit)).toEqual(onlyJson(named));
  });

  it('a model trained on a file still needs --data (a set named like a split of a built-in one is not taken for it)', () => {
    const csv = writeCsv([[0, 1], [1, 0], [1, 1], [0, 0]], [1, 2, 1, 2], 'digits5000.csv');
    const t = cli(['train', '--data', csv, '--hidden', '2', '--maxfun', '2', '--validation', '0.25', '--out', 'csv.json'], { cwd: dir });
    expect(t.code, t.stderr).toBe(0);
    const r = cli(['evaluate', '--model', 'csv.json'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(oneLineError(r)).toContain('--data is required');
  });
});

describe('adam/sgd: the printed final cost is named for what it is', () => {
  const X = [[0, 1], [1, 0], [1, 1], [0, 0], [0.2, 0.9], [0.9, 0.1]];
  const y = [1, 2, 1, 2, 1, 2];

  it('train --method adam labels it the mean minibatch cost over the last epoch, on stdout and in report.md', () => {
    const dir = tmp();
    const r = cli(['train', '--data', writeCsv(X, y), '--hidden', '2', '--method', 'adam', '--epochs', '2', '--report', 'rep'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/minibatch cost\s+[\d.e+-]+ \(mean over the last epoch, not J\(Θ\) at the final weights\)/);
    expect(r.stdout).not.toContain('cost J(Θ)');
    const md = readFileSync(join(dir, 'rep/report.md'), 'utf8');
    expect(md).toContain('final minibatch cost (mean over the last epoch, not J(Θ) at the final weights)');
    expect(md).not.toContain('final cost J(Θ)');
  });

  it('train with a full-batch method (cg) still prints cost J(Θ)', () => {
    const dir = tmp();
    const r = cli(['train', '--data', writeCsv(X, y), '--hidden', '2', '--method', 'cg', '--maxfun', '5', '--report', 'rep'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/cost J\(Θ\)\s+[\d.e+-]+\n/);
    expect(readFileSync(join(dir, 'rep/report.md'), 'utf8')).toContain('final cost J(Θ)');
  });
});

describe('--leaky-slope and --init-range: one wording for a bad slope, a warning when a flag does nothing', () => {
  const X = [[0, 1], [1, 0], [1, 1], [0, 0]];
  const y = [1, 2, 1, 2];

  it.each(['abc', '-0.1', '0', 'NaN', '1', '2', ''])('--leaky-slope %j: "between 0 and 1 (exclusive)"', (v) => {
    const r = cli(['train', '--activation', 'leaky_relu', '--leaky-slope', v, '--maxfun', '1', '--out', 'm.json']);
    expect(r.code).toBe(2);
    expect(oneLineError(r)).toBe(`backprop: error: --leaky-slope: expected a number between 0 and 1 (exclusive), got ${JSON.stringify(v)}`);
  });

  const warnings = (stderr: string): string[] => stderr.split('\n').filter((l) => l.startsWith('backprop: warning:'));

  it('train --leaky-slope without a leaky_relu layer warns once and trains; with one it does not warn', () => {
    const data = writeCsv(X, y);
    const idle = cli(['train', '--data', data, '--hidden', '2', '--activation', 'relu', '--leaky-slope', '0.2', '--maxfun', '2', '--out', 'm.json'], { cwd: tmp() });
    expect(idle.code, idle.stderr).toBe(0);
    expect(warnings(idle.stderr)).toEqual(['backprop: warning: --leaky-slope has no effect: no hidden layer is leaky_relu']);
    const used = cli(['train', '--data', data, '--hidden', '2', '--activation', 'leaky_relu', '--leaky-slope', '0.2', '--maxfun', '2', '--out', 'm.json'], { cwd: tmp() });
    expect(used.code, used.stderr).toBe(0);
    expect(warnings(used.stderr)).toEqual([]);
  });

  it('train --init-range warns when no layer is drawn by the seed scheme (--init he, or relu under auto), not otherwise', () => {
    const data = writeCsv(X, y);
    const run = (...extra: string[]) => cli(['train', '--data', data, '--hidden', '2', '--init-range', '0.3', '--maxfun', '2', '--out', 'm.json', ...extra], { cwd: tmp() });
    const he = run('--init', 'he');
    expect(he.code, he.stderr).toBe(0);
    expect(warnings(he.stderr)).toEqual(['backprop: warning: --init-range has no effect: it is the range of --init seed, and these weights are drawn by --init he']);
    const auto = run('--activation', 'relu');
    expect(auto.code, auto.stderr).toBe(0);
    expect(warnings(auto.stderr)).toHaveLength(1);
    expect(warnings(auto.stderr)[0]).toContain('--init-range has no effect');
    for (const quiet of [run(), run('--activation', 'relu', '--init', 'seed')]) {
      expect(quiet.code, quiet.stderr).toBe(0);
      expect(warnings(quiet.stderr)).toEqual([]);
    }
  });
});

describe('sweep warns of an idle --leaky-slope across its whole grid', () => {
  const data = (): string => writeCsv([[0, 1], [1, 0], [1, 1], [0, 0], [0.1, 0.9], [0.9, 0.2]], [1, 2, 1, 2, 1, 2]);
  const run = (activation: string) =>
    cli(['sweep', '--data', data(), '--lambda', '1', '--hidden', '2', '--activation', activation, '--leaky-slope', '0.2', '--maxfun', '2', '--workers', '1', '--validation', '0'], { cwd: tmp() });

  it('no configuration has a leaky_relu layer: one warning; one has: none', () => {
    const idle = run('relu,tanh');
    expect(idle.code, idle.stderr).toBe(0);
    expect(idle.stderr.split('\n').filter((l) => l.startsWith('backprop: warning:'))).toEqual([
      'backprop: warning: --leaky-slope has no effect: no hidden layer is leaky_relu',
    ]);
    const used = run('relu,leaky_relu');
    expect(used.code, used.stderr).toBe(0);
    expect(used.stderr).not.toContain('backprop: warning:');
  });
});

describe('--activation lists of the wrong length, in train and sweep alike', () => {
  it('train --activation relu,tanh with one hidden layer says it plainly', () => {
    const r = cli(['train', '--activation', 'relu,tanh', '--hidden', '25', '--maxfun', '1', '--out', 'm.json']);
    expect(r.code).toBe(2);
    expect(oneLineError(r)).toBe('backprop: error: --activation: expected 1 name (one per hidden layer) or one name for all, got 2 in "relu,tanh"');
  });

  it('sweep --activation relu+tanh --hidden 25 is refused up front (exit 2), in the same words, before any worker starts', () => {
    const r = cli(['sweep', '--activation', 'relu+tanh', '--hidden', '25', '--maxfun', '1', '--workers', '1']);
    expect(r.code).toBe(2);
    expect(oneLineError(r)).toBe(
      'backprop: error: --activation: expected 1 name (one per hidden layer of --hidden 25) or one name for all, got 2 in "relu+tanh"',
    );
    expect(r.stderr).not.toContain('sweep:');
  });

  it('the sweep header names the activation axis', () => {
    const data = writeCsv([[0, 1], [1, 0], [1, 1], [0, 0], [0.1, 0.9], [0.9, 0.2]], [1, 2, 1, 2, 1, 2]);
    const r = cli(['sweep', '--data', data, '--lambda', '1', '--hidden', '2', '--activation', 'relu,tanh', '--maxfun', '2', '--workers', '1', '--validation', '0'], { cwd: tmp() });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('sweep: 2 trainings (λ ∈ {1} × hidden ∈ {2} × activation ∈ {relu, tanh}) ');
  });
});

describe('small words: where λ came from, "1 epoch", --init names', () => {
  const X = [[0, 1], [1, 0], [1, 1], [0, 0]];
  const y = [1, 2, 1, 2];

  it('evaluate says λ came from the model only when the model records it', () => {
    const dir = tmp();
    const data = writeCsv(X, y);
    const t = cli(['train', '--data', data, '--hidden', '2', '--lambda', '0.25', '--maxfun', '2', '--out', 'm.json'], { cwd: dir });
    expect(t.code, t.stderr).toBe(0);
    const trained = cli(['evaluate', '--model', 'm.json', '--data', data], { cwd: dir });
    expect(trained.code, trained.stderr).toBe(0);
    expect(trained.stdout).toMatch(/\(λ = 0\.25, from the model\)/);
    const bare = JSON.parse(readFileSync(join(dir, 'm.json'), 'utf8'));
    delete bare.training;
    writeFileSync(join(dir, 'bare.json'), JSON.stringify(bare));
    const untrained = cli(['evaluate', '--model', 'bare.json', '--data', data], { cwd: dir });
    expect(untrained.code, untrained.stderr).toBe(0);
    expect(untrained.stdout).toMatch(/\(λ = 0, the default: the model records none\)/);
  });

  it('adam for 1 epoch: "Completed 1 epoch", not "1 epochs"', () => {
    const r = cli(['train', '--data', writeCsv(X, y), '--hidden', '2', '--method', 'adam', '--epochs', '1', '--batch-size', '4', '--out', 'm.json', '--json'], { cwd: tmp() });
    expect(r.code, r.stderr).toBe(0);
    expect(onlyJson(r).message).toBe('Completed 1 epoch (1 step of batch size 4)');
  });

  it('train --json names the initial weights as --init does: seed, not the model file\'s "uniform"', () => {
    const data = writeCsv(X, y);
    const seedRun = cli(['train', '--data', data, '--hidden', '2', '--maxfun', '2', '--out', 'm.json', '--json'], { cwd: tmp() });
    expect(seedRun.code, seedRun.stderr).toBe(0);
    expect(onlyJson(seedRun).init).toBe('seed');
    const mixed = cli(['train', '--data', data, '--hidden', '2', '--activation', 'relu', '--maxfun', '2', '--out', 'm.json', '--json'], { cwd: tmp() });
    expect(mixed.code, mixed.stderr).toBe(0);
    expect(onlyJson(mixed).init).toBe('he,glorot');
  });
});
