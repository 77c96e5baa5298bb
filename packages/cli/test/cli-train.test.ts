import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { accuracy, backendInfo, decodePng, loadCheckpoint, loadDataset, loadModel, splitDataset } from '@backprop/nn';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, cliSpawn, ensureBuilt, oneLineError, onlyJson, tmp, writeCsv } from './helpers.js';

beforeAll(() => ensureBuilt());

/** Three well-separated blobs in the plane (no two classes closer than 3): a net can classify all of them. */
function blobs(): { X: number[][]; y: number[] } {
  const centres = [
    [0, 0],
    [4, 0],
    [0, 4],
  ];
  const X: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < 60; i++) {
    const k = i % 3;
    const angle = i * 2.399963; // golden angle: points spread around each centre
    const r = 0.5 * ((i % 7) / 7);
    X.push([centres[k][0] + r * Math.cos(angle), centres[k][1] + r * Math.sin(angle)]);
    y.push(k + 1);
  }
  return { X, y };
}

describe('backprop train', () => {
  it('a short run with validation and test splits: one JSON object, a loadable model and a full report', () => {
    const dir = tmp();
    const r = cli(
      ['train', '--maxfun', '20', '--validation', '0.1', '--test', '0.1', '--seed', '3', '--report', 'rep', '--out', 'm.json', '--json'],
      { cwd: dir },
    );
    expect(r.code, r.stderr).toBe(0);
    const j = onlyJson(r);
    expect(j).toMatchObject({ method: 'tnc', lambda: 10, layers: [400, 25, 10], data: 'digits5000', m: 4000, interrupted: false });
    expect(j.nfev).toBeLessThanOrEqual(20);
    expect(j.nit).toBeGreaterThan(0);
    expect(j.seconds).toBeGreaterThan(0);
    expect(['native', 'ts']).toContain(j.backend);
    expect(j.model).toBe(join(dir, 'm.json'));
    expect(j.report).toBe(join(dir, 'rep/report.md'));

    // The reported accuracies are those of the saved model on the same seeded split.
    const model = loadModel(join(dir, 'm.json'));
    expect(model.inputShape).toEqual({ width: 20, height: 20, order: 'column-major' });
    expect(model.training?.seconds).toBe(j.seconds);
    const parts = splitDataset(loadDataset('digits5000'), { validation: 0.1, test: 0.1, seed: 3 });
    const opts = { layers: model.layers };
    expect(j.trainAccuracy).toBe(accuracy(model.theta, parts.train.X, parts.train.y, opts));
    expect(j.validationAccuracy).toBe(accuracy(model.theta, parts.validation!.X, parts.validation!.y, opts));
    expect(j.testAccuracy).toBe(accuracy(model.theta, parts.test!.X, parts.test!.y, opts));

    // Report: the same model, the hidden layer 5x5 of 160-px units with 2-px separators, a cost curve with one
    // point per history entry, and a confusion table of the 500 test examples whose diagonal is the test accuracy.
    const rep = join(dir, 'rep');
    expect(loadModel(join(rep, 'model.json')).theta).toEqual(model.theta);
    const png = decodePng(readFileSync(join(rep, 'hidden.png')));
    expect([png.width, png.height]).toEqual([2 + 5 * 162, 2 + 5 * 162]);
    const svg = readFileSync(join(rep, 'cost.svg'), 'utf8');
    const points = /<polyline points="([^"]*)"/.exec(svg)![1].split(' ');
    expect(points).toHaveLength(model.training!.history.length);
    expect(svg).toContain('validation accuracy');
    const md = readFileSync(join(rep, 'report.md'), 'utf8');
    expect(md).toContain('![hidden layer](hidden.png)');
    expect(md).toContain('![cost per iteration](cost.svg)');
    expect(md).toContain('| λ (lambda) | 10 |');
    const table = md.slice(md.indexOf('| actual \\ predicted'));
    const rows = table.split('\n').slice(2, 12).map((l) => l.split('|').slice(1, -1).map((c) => c.trim()));
    expect(rows.map((r) => r[0])).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    const counts = rows.map((r) => r.slice(1).map(Number));
    const total = counts.flat().reduce((a, b) => a + b, 0);
    const diagonal = counts.reduce((s, r, i) => s + r[i], 0);
    expect(total).toBe(500);
    expect(diagonal / total).toBeCloseTo(j.testAccuracy, 12);
  });

  it('the seed’s configuration end to end reaches the seed’s accuracy (0.9408 with scipy’s TNC)', () => {
    const dir = tmp();
    const r = cli(['train', '--json'], { cwd: dir, timeout: 120_000 });
    expect(r.code, r.stderr).toBe(0);
    const j = onlyJson(r);
    expect(j).toMatchObject({ method: 'tnc', lambda: 10, layers: [400, 25, 10], m: 5000, optimizer: { maxfun: 300 } });
    expect(j.nfev).toBeLessThanOrEqual(300);
    expect(j.trainAccuracy).toBeGreaterThan(0.93);
    expect(j.validationAccuracy).toBeUndefined();
    expect(existsSync(join(dir, 'reports/latest/model.json'))).toBe(true); // the default: --report reports/latest
    expect(r.stderr).toMatch(/tnc: iteration \d+ +evals \d+\/300 +cost/); // plain progress lines off a terminal
    if (!backendInfo().nativeAvailable) console.warn('note: native backend unavailable, the seed run used the TS backend');
  });

  it('a CSV data set: trains, then evaluate and predict read it back (labels by construction)', () => {
    const { X, y } = blobs();
    const csv = writeCsv(X, y, 'blobs.csv');
    const dir = tmp();
    const t = cli(['train', '--data', csv, '--hidden', '4', '--lambda', '0', '--maxfun', '300', '--init-range', '1', '--json'], { cwd: dir });
    expect(t.code, t.stderr).toBe(0);
    const j = onlyJson(t);
    expect(j.layers).toEqual([2, 4, 3]);
    expect(j.trainAccuracy).toBe(1);
    const e = cli(['evaluate', '--model', 'reports/latest/model.json', '--data', csv, '--json'], { cwd: dir });
    expect(e.code, e.stderr).toBe(0);
    const ej = onlyJson(e);
    expect(ej.accuracy).toBe(1);
    expect(ej.confusion.counts).toEqual([
      [20, 0, 0],
      [0, 20, 0],
      [0, 0, 20],
    ]);
    const p = cli(['predict', '--model', 'reports/latest/model.json', '--data', csv, '--rows', '0:6', '--json'], { cwd: dir });
    expect(p.code, p.stderr).toBe(0);
    expect(onlyJson(p).predictions.map((q: { label: string }) => q.label)).toEqual(['1', '2', '3', '1', '2', '3']);
  });

  it('a model that does not fit the data is refused in one line', () => {
    const { X, y } = blobs();
    const dir = tmp();
    expect(cli(['train', '--data', writeCsv(X, y), '--hidden', '2', '--maxfun', '5'], { cwd: dir }).code).toBe(0);
    const r = cli(['evaluate', '--model', 'reports/latest/model.json', '--data', 'builtin:digits5000'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(oneLineError(r)).toContain('the model takes 2 inputs (layers 2-2-3) but digits5000 has 400 columns per example');
  });

  it('--checkpoint writes a resumable checkpoint; --resume continues from it', () => {
    const dir = tmp();
    const a = cli(['train', '--hidden', '5', '--maxfun', '20', '--checkpoint', 'run.ckpt', '--checkpoint-every', '2', '--json'], { cwd: dir });
    expect(a.code, a.stderr).toBe(0);
    const first = onlyJson(a);
    const cp = loadCheckpoint(join(dir, 'run.ckpt'));
    expect(cp.layers).toEqual([400, 5, 10]);
    expect(cp.nfev).toBe(first.nfev);
    // --maxfun is the whole run's budget: the finished run's checkpoint has nothing left of 20 ...
    const spent = cli(['train', '--hidden', '5', '--maxfun', '20', '--resume', 'run.ckpt'], { cwd: dir });
    expect(spent.code).toBe(2);
    expect(oneLineError(spent)).toContain(`tnc: nothing left to do: the run being resumed already used ${first.nfev} of the 20 evaluations (maxfun)`);
    // ... and a budget of 40 goes on to at most 40 in all
    const b = cli(['train', '--hidden', '5', '--maxfun', '40', '--resume', 'run.ckpt', '--out', 'resumed.json', '--json'], { cwd: dir });
    expect(b.code, b.stderr).toBe(0);
    const second = onlyJson(b);
    expect(second.nfev).toBeGreaterThan(first.nfev);
    expect(second.nfev).toBeLessThanOrEqual(40);
    expect(second.nit).toBeGreaterThan(first.nit);
    expect(second.cost).toBeLessThan(first.cost);
    const bad = cli(['train', '--hidden', '6', '--resume', 'run.ckpt'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(oneLineError(bad)).toMatch(/checkpoint is for layers \[400,5,10\]/);
  });

  it('--resume of an adam run that did all its --epochs is refused (exit 2, one line); more --epochs run only the rest', () => {
    const dir = tmp();
    const args = ['train', '--hidden', '5', '--method', 'adam', '--batch-size', '1000', '--lambda', '0'];
    const a = cli([...args, '--epochs', '2', '--checkpoint', 'ck.ckpt', '--out', 'ck.json', '--json'], { cwd: dir });
    expect(a.code, a.stderr).toBe(0);
    const spent = cli([...args, '--epochs', '2', '--resume', 'ck.ckpt', '--out', 'ck3.json'], { cwd: dir });
    expect(spent.code).toBe(2);
    expect(oneLineError(spent)).toContain('adam: nothing left to do: the run being resumed already used 2 of the 2 epochs — budgets count the whole run; raise epochs to go on');
    expect(existsSync(join(dir, 'ck3.json'))).toBe(false);
    // a total of 3 runs the one epoch left, after the checkpoint's 2
    const b = cli([...args, '--epochs', '3', '--resume', 'ck.ckpt', '--out', 'ck3.json', '--json'], { cwd: dir });
    expect(b.code, b.stderr).toBe(0);
    expect(loadModel(join(dir, 'ck3.json')).training!.history.map((h) => h.epoch)).toEqual([1, 2, 3]);
  });

  it('Ctrl-C (SIGINT) stops training, saves the best model and report, and exits 130', async () => {
    const dir = tmp();
    const child = cliSpawn(['train', '--maxfun', '100000', '--backend', 'ts', '--report', 'rep', '--json'], { cwd: dir });
    let stderr = '';
    let stdout = '';
    child.stdout!.on('data', (d) => (stdout += d));
    const progressed = new Promise<void>((resolve) => {
      child.stderr!.on('data', (d) => {
        stderr += d;
        if (/tnc: iteration/.test(stderr)) resolve();
      });
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await progressed;
    child.kill('SIGINT');
    const code = await exited;
    expect(code, stderr).toBe(130);
    expect(stderr).toContain('interrupted');
    const j = JSON.parse(stdout.trim());
    expect(j.interrupted).toBe(true);
    expect(j.status).toBe('aborted');
    const model = loadModel(join(dir, 'rep/model.json'));
    expect(model.layers).toEqual([400, 25, 10]);
    expect(model.training?.status).toBe('aborted');
    expect(existsSync(join(dir, 'rep/report.md'))).toBe(true);
  });

  it('a second Ctrl-C quits at once without saving, even in the middle of an evaluation', async () => {
    const dir = tmp();
    const child = cliSpawn(['train', '--maxfun', '100000', '--backend', 'ts', '--out', 'never.json'], { cwd: dir });
    let stderr = '';
    let interrupted = false;
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal })),
    );
    child.stderr!.on('data', (d) => {
      stderr += d;
      if (!interrupted && /tnc: iteration/.test(stderr)) {
        interrupted = true;
        child.kill('SIGINT');
      } else if (/interrupted: stopping/.test(stderr)) {
        child.kill('SIGINT'); // while the evaluation in progress (hundreds of ms on the TS backend) still runs
      }
    });
    const { code, signal } = await exited;
    expect({ code, signal }, stderr).toEqual({ code: null, signal: 'SIGINT' }); // a shell shows status 130
    expect(stderr).toContain('Ctrl-C again to quit at once without saving');
    expect(existsSync(join(dir, 'never.json'))).toBe(false);
  });
});
