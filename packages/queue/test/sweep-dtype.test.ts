import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel } from '@backprop/nn';
import { checkTrainJob, JobPayloadError, type TrainJob } from '@backprop/queue';
import { cli, digitsCsv, killAll, startRedis, tmp, type Proc, type TestRedis } from './helpers.js';

// float32 networks (issue 16) through the queue: the job carries the dtype, and a worker trains in it.
const GOOD: TrainJob = {
  version: 1,
  sweep: 'f32',
  index: 0,
  lambda: 1,
  hidden: [6],
  data: { spec: 'builtin:digits5000', validation: 0.2 },
  method: 'tnc',
  optimizer: { maxfun: 3 },
  initRange: 0.12,
  seed: 0,
  backend: 'auto',
  dtype: 'float32',
};

describe('the job schema: a dtype', () => {
  it('accepts float32 and float64; absent is float64 (the seed’s)', () => {
    expect(checkTrainJob(structuredClone(GOOD))).toEqual(GOOD);
    expect(checkTrainJob({ ...GOOD, dtype: 'float64' })).toEqual({ ...GOOD, dtype: 'float64' });
    const { dtype: _, ...seed } = GOOD;
    expect(checkTrainJob(structuredClone(seed))).toEqual(seed);
  });

  it('refuses another dtype, naming the field', () => {
    expect(() => checkTrainJob({ ...GOOD, dtype: 'float16' })).toThrow(JobPayloadError);
    expect(() => checkTrainJob({ ...GOOD, dtype: 'float16' })).toThrow(/^job payload: job\.dtype: expected one of float64, float32, got "float16"$/);
  });
});

let redis: TestRedis;
const procs: Proc[] = [];
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => {
  killAll(procs);
  redis?.stop();
});

describe('sweep --queue over --dtype float64,float32', () => {
  it('a worker process trains each dtype exactly as a local sweep does (final cost equal to 1e-9)', async () => {
    const dir = tmp();
    const GRID = ['--data', await digitsCsv(dir), '--lambda', '0.3,1', '--hidden', '6', '--activation', 'relu', '--output', 'softmax', '--dtype', 'float64,float32', '--maxfun', '8', '--seed', '3', '--json'];
    const worker = cli(['worker', '--queue', redis.url]);
    procs.push(worker);
    await worker.waitFor(/taking jobs/);
    const submitter = cli(['sweep', ...GRID, '--queue', redis.url, '--out', join(dir, 'best.json')]);
    procs.push(submitter);
    expect(await submitter.exited, submitter.stderr()).toBe(0);
    const queued = JSON.parse(submitter.stdout());
    expect(queued.status).toBe('ok');
    expect(queued.results).toHaveLength(4);
    expect(worker.stderr()).toMatch(/started: λ = \S+, hidden 6 relu → softmax float32/);

    const local = cli(['sweep', ...GRID, '--workers', '2', '--out', join(dir, 'local.json')]);
    expect(await local.exited, local.stderr()).toBe(0);
    const reference = JSON.parse(local.stdout());
    const key = (r: { lambda: number; dtype: string }): string => `${r.lambda}/${r.dtype}`;
    const byKey = new Map(reference.results.map((r: { lambda: number; dtype: string }) => [key(r), r]));
    expect(new Set(queued.results.map(key))).toEqual(new Set(['0.3/float64', '1/float64', '0.3/float32', '1/float32']));
    for (const r of queued.results) {
      const ref = byKey.get(key(r)) as { cost: number; nfev: number; validationAccuracy: number };
      expect(Math.abs(r.cost - ref.cost)).toBeLessThanOrEqual(1e-9);
      expect(r.nfev).toBe(ref.nfev);
      expect(r.validationAccuracy).toBe(ref.validationAccuracy);
    }
    // float32 and float64 runs of one λ differ (the worker did not train float64 for a float32 job)
    const cost = (k: string) => (queued.results.find((r: { lambda: number; dtype: string }) => key(r) === k) as { cost: number }).cost;
    expect(cost('1/float32')).not.toBe(cost('1/float64'));
    expect(queued.best).toEqual(reference.best);
    expect(loadModel(join(dir, 'best.json')).dtype).toBe(queued.best.dtype);
  });
});
