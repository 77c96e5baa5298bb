import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cli, digitsCsv, killAll, startedJobs, startRedis, tmp, type Proc, type TestRedis } from './helpers.js';

let redis: TestRedis;
let data: string;
const procs: Proc[] = [];
beforeAll(async () => {
  redis = await startRedis();
  data = await digitsCsv(tmp());
});
afterEach(() => killAll(procs)); // a failed test leaves no worker to take the next test's jobs
afterAll(() => redis?.stop());

const grid = ['--lambda', '0,1,3,10', '--hidden', '5,7', '--maxfun', '10', '--json'];

describe('sweep --queue: the submitting side stops and comes back', () => {
  it('a submitter killed mid-sweep and restarted with --resume ID picks up the finished results, retraining nothing', async () => {
    // No stall here to recover from: a long --stall-seconds, so that a loaded machine cannot make one up.
    const workers = [0, 1].map(() => cli(['worker', '--queue', redis.url, '--stall-seconds', '30']));
    procs.push(...workers);
    await Promise.all(workers.map((w) => w.waitFor(/taking jobs/)));
    const dir = tmp();
    const first = cli(['sweep', '--data', data, ...grid, '--queue', redis.url, '--out', join(dir, 'best.json')]);
    procs.push(first);
    const [, id] = await first.waitFor(/sweep (\S+): 8 jobs queued/);
    await first.waitFor(/\[3\/8\]/);
    first.child.kill('SIGKILL');
    await first.exited;

    const again = cli(['sweep', '--data', data, ...grid, '--queue', redis.url, '--resume', id!, '--out', join(dir, 'best.json')]);
    procs.push(again);
    expect(await again.exited).toBe(0);
    const result = JSON.parse(again.stdout());
    expect(result.results).toHaveLength(8);
    expect(result.results.every((r: { ok: boolean }) => r.ok)).toBe(true);
    // every job started exactly once across the workers: the restart retrained nothing
    const started = startedJobs(workers.map((w) => w.stderr()).join('\n'));
    expect(started.sort()).toEqual([...Array(8).keys()].map((i) => `${id}.${i}`).sort());

    // resuming with other settings is refused, naming the sweep
    const other = cli(['sweep', '--data', data, ...grid, '--maxfun', '11', '--queue', redis.url, '--resume', id!, '--out', join(dir, 'x.json')]);
    expect(await other.exited).toBe(1);
    expect(other.stderr()).toMatch(new RegExp(`backprop: error: sweep ${id} was submitted with other settings`));

    // SIGTERM lets a worker finish and exit 0
    for (const w of workers) w.child.kill('SIGTERM');
    expect(await Promise.all(workers.map((w) => w.exited))).toEqual([0, 0]);
  });

  it('Ctrl-C leaves the jobs queued; --cancel removes them and --resume of a cancelled sweep is refused', async () => {
    const dir = tmp();
    const first = cli(['sweep', '--data', data, ...grid, '--queue', redis.url, '--out', join(dir, 'best.json')]);
    procs.push(first);
    const [, id] = await first.waitFor(/sweep (\S+): 8 jobs queued/);
    await new Promise((r) => setTimeout(r, 300));
    first.child.kill('SIGINT');
    expect(await first.exited).toBe(130);

    const cancel = cli(['sweep', '--queue', redis.url, '--cancel', id!, '--json']);
    expect(await cancel.exited).toBe(0);
    expect(JSON.parse(cancel.stdout())).toMatchObject({ status: 'cancelled', sweep: id, removed: 8, running: 0, finished: 0 });

    const resume = cli(['sweep', '--data', data, ...grid, '--queue', redis.url, '--resume', id!, '--out', join(dir, 'best.json')]);
    expect(await resume.exited).toBe(1);
    expect(resume.stderr()).toContain(`backprop: error: sweep ${id} was cancelled`);
  });
});
