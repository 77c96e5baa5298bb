import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkTrainJob, JobPayloadError, parseRedisUrl, QUEUE_OPTIONS, TRAIN_QUEUE, type TrainJob } from '@backprop/queue';
import { cli, killAll, sleep, startRedis, tmp, type Proc, type TestRedis } from './helpers.js';

const GOOD: TrainJob = {
  version: 1,
  sweep: 'abc',
  index: 0,
  lambda: 1,
  hidden: [25],
  data: { spec: 'builtin:digits5000', validation: 0.2 },
  method: 'tnc',
  optimizer: { maxfun: 10 },
  initRange: 0.12,
  seed: 0,
  backend: 'auto',
};

describe('the job schema', () => {
  it('accepts a well-formed payload and returns it unchanged', () => {
    expect(checkTrainJob(structuredClone(GOOD))).toEqual(GOOD);
  });

  it.each([
    ['job.hidden[0]', { hidden: [1e9] }],
    ['job.hidden', { hidden: Array(17).fill(5) }],
    ['job.lambda', { lambda: -1 }],
    ['job.method', { method: 'x; rm -rf /' }],
    ['job.backend', { backend: 'gpu' }],
    ['job.version', { version: 2 }],
    ['job.code', { code: 'process.exit()' }],
    ['job.optimizer', { optimizer: { a: { nested: true } } }],
    ['job.data.sha256', { data: { spec: '/x.csv', sha256: 'nothex', validation: 0 } }],
  ])('refuses %s', (path, change) => {
    expect(() => checkTrainJob({ ...GOOD, ...change })).toThrow(JobPayloadError);
    expect(() => checkTrainJob({ ...GOOD, ...change })).toThrow(path);
  });

  it('never echoes the password of a queue URL', () => {
    expect(parseRedisUrl('redis://:s3cret@h:7000/2').shown).toBe('redis://h:7000/2');
    expect(parseRedisUrl('redis://u:s3cret@h').options).toMatchObject({ host: 'h', port: 6379, db: 0, username: 'u', password: 's3cret' });
    expect(() => parseRedisUrl('http://:s3cret@h')).toThrow(/redis:\/\//);
    expect(() => parseRedisUrl('http://:s3cret@h')).not.toThrow(/s3cret/);
  });
});

describe('queue faults', () => {
  let redis: TestRedis;
  const procs: Proc[] = [];
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(() => {
    killAll(procs);
    redis?.stop();
  });

  it('Redis unreachable: sweep and worker fail at once with one line naming the URL, not the password', async () => {
    const down = `redis://:hunter2@127.0.0.1:${redis.port}/3`.replace(String(redis.port), String(redis.port === 1 ? 2 : 1));
    for (const args of [
      ['sweep', '--queue', down, '--lambda', '1', '--maxfun', '5'],
      ['worker', '--queue', down],
    ]) {
      const p = cli(args);
      expect(await p.exited).toBe(1);
      const lines = p.stderr().split('\n').filter((l) => l.startsWith('backprop: error:'));
      expect(lines).toEqual([expect.stringMatching(/^backprop: error: cannot reach Redis at redis:\/\/127\.0\.0\.1:1\/3: connection refused \(is Redis running there\?\)$/)]);
      expect(p.stderr()).not.toContain('hunter2');
    }
  });

  it('a job whose payload fails the schema fails with the reason and is never run', async () => {
    const worker = cli(['worker', '--queue', redis.url]);
    procs.push(worker);
    await worker.waitFor(/taking jobs/);
    const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
    const queue = new Queue(TRAIN_QUEUE, { connection, ...QUEUE_OPTIONS });
    try {
      const job = await queue.add('train', { ...GOOD, hidden: [1_000_000_000] }, { jobId: 'bad.0' });
      let state = await job.getState();
      for (let i = 0; i < 200 && state !== 'failed'; i++) {
        await sleep(50);
        state = await job.getState();
      }
      expect(state).toBe('failed');
      const failed = await queue.getJob('bad.0');
      expect(failed!.failedReason).toMatch(/^job payload: job\.hidden\[0\]: expected an integer from 1 to 65536, got 1000000000$/);
      expect(failed!.attemptsMade).toBeLessThanOrEqual(1);
      expect(worker.stderr()).toMatch(/job bad\.0 refused/);
      expect(worker.stderr()).not.toMatch(/job bad\.0 started/);
    } finally {
      await queue.close();
      connection.disconnect();
    }
  });

  it('a training that throws fails only its job (with the reason) and the worker goes on to the next', async () => {
    const worker = cli(['worker', '--queue', redis.url]);
    procs.push(worker);
    await worker.waitFor(/taking jobs/);
    const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
    const queue = new Queue(TRAIN_QUEUE, { connection, ...QUEUE_OPTIONS });
    const settled = async (id: string): Promise<string> => {
      for (let i = 0; i < 1200; i++) {
        const state = await (await queue.getJob(id))!.getState();
        if (state === 'completed' || state === 'failed') return state;
        await sleep(50);
      }
      throw new Error(`${id} did not finish`);
    };
    try {
      await queue.add('train', { ...GOOD, sweep: 'crash', optimizer: { maxfun: 5, nosuch: 1 } }, { jobId: 'crash.0' });
      expect(await settled('crash.0')).toBe('failed');
      expect((await queue.getJob('crash.0'))!.failedReason).toMatch(/nosuch/);
      await queue.add('train', { ...GOOD, sweep: 'crash', index: 1, hidden: [3], optimizer: { maxfun: 3 } }, { jobId: 'crash.1' });
      expect(await settled('crash.1')).toBe('completed');
      expect(worker.child.exitCode).toBeNull();
    } finally {
      await queue.close();
      connection.disconnect();
    }
  });

  it('a data file that differs from the submitter\'s (SHA-256), or is missing, fails the job before training', async () => {
    const worker = cli(['worker', '--queue', redis.url]);
    procs.push(worker);
    await worker.waitFor(/taking jobs/);
    const dir = tmp();
    const csv = join(dir, 'data.csv');
    writeFileSync(csv, '0,1,1\n1,0,2\n1,1,1\n0,0,2\n');
    const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
    const queue = new Queue(TRAIN_QUEUE, { connection, ...QUEUE_OPTIONS });
    const reason = async (id: string): Promise<string> => {
      for (let i = 0; i < 600; i++) {
        // Read the reason after seeing the state: a job fetched before it failed carries no failedReason.
        if ((await queue.getJobState(id)) === 'failed') return (await queue.getJob(id))!.failedReason;
        await sleep(50);
      }
      throw new Error(`${id} did not fail`);
    };
    try {
      const other = createHash('sha256').update('something else').digest('hex');
      await queue.add('train', { ...GOOD, sweep: 'data', data: { spec: csv, sha256: other, validation: 0 } }, { jobId: 'data.0' });
      expect(await reason('data.0')).toMatch(new RegExp(`^data ${csv.replace(/[.]/g, '\\.')} on this worker differs from the submitter's \\(SHA-256 [0-9a-f]{12}…, expected ${other.slice(0, 12)}…\\)$`));
      await queue.add('train', { ...GOOD, sweep: 'data', index: 1, data: { spec: join(dir, 'gone.csv'), sha256: other, validation: 0 } }, { jobId: 'data.1' });
      expect(await reason('data.1')).toMatch(/is not on this worker \(ENOENT\)$/);
    } finally {
      await queue.close();
      connection.disconnect();
    }
  });

  it('--resume of a sweep id the queue does not know is refused as --cancel refuses it, and queues nothing', async () => {
    const unknown = `the queue at ${redis.url} knows no sweep typo123 (finished more than 7 days ago, cancelled, or never submitted there)`;
    const errors = (p: Proc): string[] => p.stderr().split('\n').filter((l) => l.startsWith('backprop: error:'));
    const cancel = cli(['sweep', '--queue', redis.url, '--cancel', 'typo123']);
    expect(await cancel.exited).toBe(1);
    expect(errors(cancel)).toEqual([`backprop: error: ${unknown}`]);
    const resume = cli(['sweep', '--lambda', '1', '--maxfun', '10', '--queue', redis.url, '--resume', 'typo123']);
    procs.push(resume);
    // exits, or (wrongly) says it queued the sweep
    expect(await Promise.race([resume.exited, resume.waitFor(/jobs queued/).then(() => 'queued')])).toBe(1);
    expect(errors(resume)).toEqual([`backprop: error: ${unknown}`]);
    expect(resume.stderr()).not.toMatch(/jobs queued/);
    const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
    try {
      // no sweep record, no job: no key of Redis names the sweep
      expect(await connection.keys('*typo123*')).toEqual([]);
    } finally {
      connection.disconnect();
    }
  });

  it('--resume and --cancel without --queue are usage errors', async () => {
    const p = cli(['sweep', '--resume', 'abc']);
    expect(await p.exited).toBe(2);
    expect(p.stderr()).toMatch(/need --queue/);
  });
});
