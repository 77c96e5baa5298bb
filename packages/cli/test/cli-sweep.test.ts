import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { accuracy, loadDataset, loadModel, splitDataset } from '@backprop/nn';
import { beforeAll, describe, expect, it } from 'vitest';
import { shareDataset } from '../src/sweep/shared.js';
import { cli, ensureBuilt, onlyJson, tmp } from './helpers.js';

beforeAll(() => ensureBuilt());

describe('backprop sweep (worker threads)', () => {
  it('2 configurations × 2 workers: ranked by validation accuracy, best model saved, throughput reported', () => {
    const dir = tmp();
    const r = cli(['sweep', '--lambda', '0.3,30', '--hidden', '8', '--maxfun', '25', '--workers', '2', '--validation', '0.2', '--json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const j = onlyJson(r);
    expect(j).toMatchObject({ status: 'ok', configurations: 2, completed: 2, failed: 0, workers: 2, threadsPerWorker: 1, method: 'tnc' });
    expect(j.trainingsPerMinute).toBeGreaterThan(0);
    expect(j.wallSeconds).toBeGreaterThan(0);
    const results = j.results as { lambda: number; hidden: number[]; validationAccuracy: number; nfev: number; ok: boolean; worker: number }[];
    expect(results.map((x) => x.lambda).sort()).toEqual([0.3, 30]);
    expect(results[0].validationAccuracy).toBeGreaterThanOrEqual(results[1].validationAccuracy);
    for (const x of results) expect(x.nfev).toBeLessThanOrEqual(25);

    // The saved best model is the top row, and its validation accuracy is what the table says.
    const best = loadModel(join(dir, 'reports/sweep/best.json'));
    expect(best.layers).toEqual([400, 8, 10]);
    expect(best.training?.lambda).toBe(results[0].lambda);
    const parts = splitDataset(loadDataset('digits5000'), { validation: 0.2, seed: 0 });
    expect(accuracy(best.theta, parts.validation!.X, parts.validation!.y, { layers: best.layers })).toBe(results[0].validationAccuracy);
    expect(j.best).toMatchObject({ lambda: results[0].lambda, hidden: [8] });

    // human table on stdout without --json
    const h = cli(['sweep', '--lambda', '1', '--hidden', '3', '--maxfun', '5', '--workers', '1', '--out', 'b.json'], { cwd: dir });
    expect(h.code, h.stderr).toBe(0);
    expect(h.stdout).toMatch(/^#\s+λ\s+hidden\s+validation\s+training/m);
    expect(h.stdout).toMatch(/trainings\/min/);
  });

  it('a configuration that makes training throw crashes its worker: it is reported, the rest completes', () => {
    const dir = tmp();
    const r = cli(['sweep', '--lambda', '1,10', '--hidden', '0,6', '--maxfun', '10', '--workers', '2', '--json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const j = onlyJson(r);
    expect(j).toMatchObject({ status: 'partial', configurations: 4, completed: 2, failed: 2 });
    const failed = (j.results as { ok: boolean; hidden: number[]; error?: string }[]).filter((x) => !x.ok);
    expect(failed.map((x) => x.hidden)).toEqual([[0], [0]]);
    for (const f of failed) expect(f.error).toMatch(/layers\[1\]: expected a positive integer layer size, got 0/);
    expect(r.stderr).toMatch(/FAILED in worker \d+: layers\[1\]/);
    expect(loadModel(join(dir, 'reports/sweep/best.json')).layers).toEqual([400, 6, 10]);
  });

  it('every configuration failing is an error exit', () => {
    const r = cli(['sweep', '--lambda', '1', '--hidden', '0', '--workers', '1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/backprop: error: every training failed \(first: layers\[1\]/);
  });

  it('1 and 2 workers do the same work: every configuration ends with the same cost, nit, nfev and accuracies', () => {
    const run = (workers: number) => {
      const r = cli(['sweep', '--lambda', '0.3,3,30', '--hidden', '6', '--maxfun', '20', '--workers', String(workers), '--json'], { cwd: tmp() });
      expect(r.code, r.stderr).toBe(0);
      const j = onlyJson(r);
      expect(j).toMatchObject({ status: 'ok', completed: 3, workers });
      const results = j.results as { lambda: number; cost: number; nit: number; nfev: number; validationAccuracy: number; trainAccuracy: number }[];
      return results
        .map(({ lambda, cost, nit, nfev, validationAccuracy, trainAccuracy }) => ({ lambda, cost, nit, nfev, validationAccuracy, trainAccuracy }))
        .sort((a, b) => a.lambda - b.lambda);
    };
    const one = run(1);
    expect(one.map((r) => r.lambda)).toEqual([0.3, 3, 30]);
    expect(run(2)).toEqual(one);
  });

  it('bad grids are refused before any worker starts', () => {
    const a = cli(['sweep', '--lambda', '1,-3']);
    expect(a.code).toBe(2);
    expect(a.stderr).toContain('--lambda: expected a number >= 0, got "-3"');
    const b = cli(['sweep', '--hidden', '25,abc']);
    expect(b.code).toBe(2);
    expect(b.stderr).toContain('--hidden: expected comma-separated layer sizes');
  });
});

describe('sweep data in shared memory', () => {
  const ds = splitDataset(loadDataset('digits5000'), { validation: 0.2, seed: 0 }).validation!;

  it('shareDataset: the same values and labels over SharedArrayBuffers; the original is left as it was', () => {
    const shared = shareDataset(ds);
    expect(shared.X.data.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(shared.y.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(ds.X.data.buffer).not.toBeInstanceOf(SharedArrayBuffer);
    expect(shared.X.data).not.toBe(ds.X.data);
    expect(shared.X.data).toEqual(ds.X.data);
    expect(shared.y).toEqual(ds.y);
    expect({ ...shared, X: { ...shared.X, data: null }, y: null }).toEqual({ ...ds, X: { ...ds.X, data: null }, y: null });
    // Already shared: kept as is (a second share does not copy again).
    expect(shareDataset(shared).X.data).toBe(shared.X.data);
  });

  it('a worker given the shared data reads the main thread\'s memory, not a copy', async () => {
    const shared = shareDataset(ds);
    // The worker writes into X and y; the writes show in the main thread's arrays, so nothing was copied.
    const worker = new Worker(
      `const { parentPort, workerData } = require('node:worker_threads');
       workerData.X.data[7] = -1.5; workerData.y[3] = 99;
       parentPort.postMessage(workerData.X.data.buffer instanceof SharedArrayBuffer);`,
      { eval: true, workerData: shared },
    );
    const sawShared = await new Promise((resolve, reject) => worker.once('message', resolve).once('error', reject));
    await worker.terminate();
    expect(sawShared).toBe(true);
    expect(shared.X.data[7]).toBe(-1.5);
    expect(shared.y[3]).toBe(99);
    expect(ds.X.data[7]).not.toBe(-1.5);
  });
});
