import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel } from '@backprop/nn';
import { checkTrainJob, JobPayloadError, QUEUE_OPTIONS, TRAIN_QUEUE, type TrainJob } from '@backprop/queue';
import { cli, digitsCsv, killAll, sleep, startRedis, tmp, type Proc, type TestRedis } from './helpers.js';

// Issue 16's networks through the queue: the job carries the activations, output, leaky_relu's α and init scheme.
const GOOD: TrainJob = {
  version: 1,
  sweep: 'net',
  index: 0,
  lambda: 1,
  hidden: [6, 4],
  data: { spec: 'builtin:digits5000', validation: 0.2 },
  method: 'tnc',
  optimizer: { maxfun: 3 },
  initRange: 0.12,
  seed: 0,
  backend: 'auto',
  network: { activation: ['relu', 'leaky_relu'], output: 'softmax', leakySlope: 0.05, init: 'he' },
};

/** Payloads whose network is wrong, and the field the reason must name. */
const BROKEN: [string, Partial<TrainJob['network']> | Record<string, unknown>, RegExp][] = [
  ['an unknown activation', { activation: ['relu', 'swish'] }, /^job payload: job\.network\.activation\[1\]: expected one of sigmoid, tanh, relu, leaky_relu, got "swish"$/],
  ['the wrong count of activations', { activation: ['relu', 'relu', 'relu'] }, /^job payload: job\.network\.activation: expected 2 activation\(s\), one per hidden layer, got \["relu","relu","relu"\]$/],
  ['a slope of 1', { leakySlope: 1 }, /^job payload: job\.network\.leakySlope: expected a number between 0 and 1 \(exclusive\), got 1$/],
  ['a slope of 0', { leakySlope: 0 }, /^job payload: job\.network\.leakySlope: expected a number between 0 and 1 \(exclusive\), got 0$/],
  ['an unknown output', { output: 'linear' }, /^job payload: job\.network\.output: expected one of sigmoid, softmax, got "linear"$/],
  ['an unknown init', { init: 'xavier' }, /^job payload: job\.network\.init: expected one of auto, seed, glorot, he, uniform, got "xavier"$/],
  ['an unknown field', { dropout: 0.5 }, /^job payload: job\.network\.dropout: expected no such field, got 0\.5$/],
];
const broken = (change: Record<string, unknown>): unknown => ({ ...GOOD, network: { ...GOOD.network, ...change } });

describe('the job schema: a network', () => {
  it('accepts one activation per hidden layer, an output, a slope in (0, 1) and an init scheme; absent is the seed’s', () => {
    expect(checkTrainJob(structuredClone(GOOD))).toEqual(GOOD);
    const { network: _, ...seed } = GOOD;
    expect(checkTrainJob(structuredClone(seed))).toEqual(seed);
  });

  it.each(BROKEN)('refuses a payload whose network has %s, naming the field', (_, change, reason) => {
    expect(() => checkTrainJob(broken(change))).toThrow(JobPayloadError);
    expect(() => checkTrainJob(broken(change))).toThrow(reason);
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

/** A sweep of sigmoid and relu hidden layers with a softmax output, through the queue and locally: the same results. */
async function queuedEqualsLocal(workers: Proc[]): Promise<void> {
  const dir = tmp();
  const GRID = ['--data', await digitsCsv(dir), '--lambda', '0.3,1', '--hidden', '6', '--activation', 'sigmoid,relu', '--output', 'softmax', '--maxfun', '8', '--seed', '3', '--json'];
  const submitter = cli(['sweep', ...GRID, '--queue', redis.url, '--out', join(dir, 'best.json')]);
  procs.push(submitter);
  expect(await submitter.exited, submitter.stderr()).toBe(0);
  const queued = JSON.parse(submitter.stdout());
  expect(queued.status).toBe('ok');
  expect(queued.results).toHaveLength(4);
  // the workers said which network each job was
  const logs = workers.map((w) => w.stderr()).join('\n');
  expect(logs).toMatch(/started: λ = \S+, hidden 6 relu → softmax/);
  expect(logs).toMatch(/started: λ = \S+, hidden 6 sigmoid → softmax/);

  const local = cli(['sweep', ...GRID, '--workers', '2', '--out', join(dir, 'local.json')]);
  expect(await local.exited, local.stderr()).toBe(0);
  const reference = JSON.parse(local.stdout());
  const key = (r: { lambda: number; activation: string[] }): string => `${r.lambda}/${r.activation.join('+')}`;
  const byKey = new Map(reference.results.map((r: { lambda: number; activation: string[] }) => [key(r), r]));
  expect(new Set(queued.results.map(key))).toEqual(new Set(byKey.keys()));
  for (const r of queued.results) {
    const ref = byKey.get(key(r)) as { cost: number; nfev: number; validationAccuracy: number; architecture: string };
    expect(r.architecture).toBe(ref.architecture);
    expect(r.architecture).toMatch(/^400-6\((sigmoid|relu)\)-10\(softmax\)$/);
    expect(Math.abs(r.cost - ref.cost)).toBeLessThanOrEqual(1e-9);
    expect(r.nfev).toBe(ref.nfev);
    expect(r.validationAccuracy).toBe(ref.validationAccuracy);
  }
  expect(queued.best).toEqual(reference.best);
  // the saved model records the network it was trained as
  const best = loadModel(join(dir, 'best.json'));
  expect(best.activations?.output).toBe('softmax');
  expect(best.activations?.hidden).toEqual(queued.best.activation);
}

describe('sweep --queue of relu/softmax networks', () => {
  it('trains on 2 worker processes exactly the networks a local sweep trains (final cost equal to 1e-9)', async () => {
    const workers = [0, 1].map(() => cli(['worker', '--queue', redis.url]));
    procs.push(...workers);
    try {
      await Promise.all(workers.map((w) => w.waitFor(/taking jobs/)));
      await queuedEqualsLocal(workers);
    } finally {
      killAll(workers); // the next test's jobs are for its own worker
    }
  });

  it('a job whose network fails the schema fails with the reason naming the field and is never run', async () => {
    const worker = cli(['worker', '--queue', redis.url]);
    procs.push(worker);
    await worker.waitFor(/taking jobs/);
    const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
    const queue = new Queue(TRAIN_QUEUE, { connection, ...QUEUE_OPTIONS });
    const reason = async (id: string): Promise<string> => {
      for (let i = 0; i < 600; i++) {
        if ((await queue.getJobState(id)) === 'failed') return (await queue.getJob(id))!.failedReason;
        await sleep(50);
      }
      throw new Error(`${id} did not fail`);
    };
    try {
      for (const [i, [, change, expected]] of BROKEN.entries()) {
        const id = `badnet.${i}`;
        await queue.add('train', { ...(broken(change) as object), sweep: 'badnet', index: i }, { jobId: id });
        expect(await reason(id)).toMatch(expected);
        expect(worker.stderr()).toMatch(new RegExp(`job badnet\\.${i} refused`));
        expect(worker.stderr()).not.toMatch(new RegExp(`job badnet\\.${i} started`));
      }
    } finally {
      await queue.close();
      connection.disconnect();
    }
  });
});
