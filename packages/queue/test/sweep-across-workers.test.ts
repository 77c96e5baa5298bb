import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel } from '@backprop/nn';
import { cli, digitsCsv, killAll, startedJobs, startRedis, tmp, type Proc, type TestRedis } from './helpers.js';

// A 16-configuration grid of small trainings (1000 digits, 10 evaluations each); the last four, with 300 hidden
// units, run long enough to kill a worker in the middle of one.
const grid = (data: string): string[] => ['--data', data, '--lambda', '0,0.3,1,3', '--hidden', '4,6,8,300', '--maxfun', '10', '--seed', '3', '--json'];

let redis: TestRedis;
const procs: Proc[] = [];
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => {
  killAll(procs);
  redis?.stop();
});

describe('sweep --queue across worker processes', () => {
  it('runs every configuration exactly once, with a worker SIGKILLed mid-training, and equals a local sweep', async () => {
    const workers = [0, 1, 2].map(() => cli(['worker', '--queue', redis.url, '--stall-seconds', '2']));
    procs.push(...workers);
    await Promise.all(workers.map((w) => w.waitFor(/taking jobs/)));

    const dir = tmp();
    const GRID = grid(await digitsCsv(dir));
    const submitter = cli(['sweep', ...GRID, '--queue', redis.url, '--out', join(dir, 'best.json')]);
    procs.push(submitter);
    // Kill the first worker to start a long job, in the middle of it: that job was taken and never finished by it.
    const killed = await Promise.any(workers.map(async (w) => ({ w, m: await w.waitFor(/job (\S+) started: λ = \S+, hidden 300/) })));
    killed.w.child.kill('SIGKILL');
    const killedJob = killed.m[1];
    expect(await submitter.exited, submitter.stderr()).toBe(0);
    const queued = JSON.parse(submitter.stdout());

    expect(queued.status).toBe('ok');
    expect(queued.results).toHaveLength(16);
    const keys = queued.results.map((r: { lambda: number; hidden: number[] }) => `${r.lambda}/${r.hidden.join('x')}`);
    expect(new Set(keys).size).toBe(16);
    // the killed worker's job was recovered as stalled and run by another worker
    const survivors = startedJobs(workers.filter((w) => w !== killed.w).map((w) => w.stderr()).join('\n'));
    expect(survivors).toContain(killedJob);
    expect(existsSync(join(dir, 'best.json'))).toBe(true);
    expect(loadModel(join(dir, 'best.json')).layers[0]).toBe(400);

    const local = cli(['sweep', ...GRID, '--workers', '2', '--out', join(dir, 'local.json')]);
    expect(await local.exited).toBe(0);
    const reference = JSON.parse(local.stdout());
    const byKey = new Map(reference.results.map((r: { lambda: number; hidden: number[] }) => [`${r.lambda}/${r.hidden.join('x')}`, r]));
    for (const r of queued.results) {
      const ref = byKey.get(`${r.lambda}/${r.hidden.join('x')}`) as { cost: number; nfev: number; validationAccuracy: number };
      expect(Math.abs(r.cost - ref.cost)).toBeLessThanOrEqual(1e-9);
      expect(r.nfev).toBe(ref.nfev);
      expect(r.validationAccuracy).toBe(ref.validationAccuracy);
    }
    expect(queued.best).toEqual(reference.best);
  });
});
