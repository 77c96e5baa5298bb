/**
 * A sweep through the queue says where its trainings run: on the `backprop worker` processes that take the jobs, not
 * on local worker threads (its header used to print the local pool's workers × BLAS threads, which a queued sweep
 * never starts).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cli, killAll, startRedis, type Proc, type TestRedis } from './helpers.js';

let redis: TestRedis;
const procs: Proc[] = [];
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => {
  killAll(procs);
  redis?.stop();
});

it('the header of a queued sweep names the queue and its workers, not local threads', async () => {
  const sweep = cli(['sweep', '--lambda', '1,3', '--hidden', '3', '--maxfun', '2', '--workers', '2', '--queue', redis.url]);
  procs.push(sweep);
  const [, id] = await sweep.waitFor(/sweep (\S+): 2 jobs queued/);
  sweep.child.kill('SIGINT');
  expect(await sweep.exited).toBe(130);
  expect(sweep.stderr()).toMatch(/sweep: 2 trainings \(λ ∈ \{1, 3\} × hidden ∈ \{3\}\) of \S+ with \S+ through the Redis queue, on the `backprop worker` processes that take them\n/);
  expect(sweep.stderr()).not.toMatch(/BLAS thread/);
  const cancel = cli(['sweep', '--queue', redis.url, '--cancel', id!]);
  expect(await cancel.exited).toBe(0);
});
