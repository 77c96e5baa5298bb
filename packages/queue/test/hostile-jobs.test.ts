import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkTrainJob, JobPayloadError, QUEUE_OPTIONS, TRAIN_QUEUE, type TrainJob } from '@backprop/queue';
import { cli, killAll, sleep, startedJobs, startRedis, type Proc, type TestRedis } from './helpers.js';

/** Jobs written into Redis by hand (as an operator's injector does): none of them may take a worker down. */

const GOOD: TrainJob = {
  version: 1,
  sweep: 'hostile',
  index: 0,
  lambda: 1,
  hidden: [3],
  data: { spec: 'builtin:digits5000', validation: 0.2 },
  method: 'tnc',
  optimizer: { maxfun: 3 },
  initRange: 0.12,
  seed: 0,
  backend: 'auto',
};

describe('the job schema against hostile payloads', () => {
  it('caps the budget options as the CLI caps its flags (10^7 evaluations or iterations, 10^5 epochs, 10^6 rows a batch)', () => {
    const adam = { ...GOOD, method: 'adam' };
    expect(() => checkTrainJob({ ...adam, optimizer: { epochs: 1e15 } })).toThrow(
      /^job payload: job\.optimizer\.epochs: expected an integer from 0 to 100000, got 1000000000000000$/,
    );
    expect(() => checkTrainJob({ ...adam, optimizer: { batchSize: 1_000_001 } })).toThrow(/job\.optimizer\.batchSize: expected an integer from 1 to 1000000,/);
    expect(() => checkTrainJob({ ...GOOD, optimizer: { maxfun: 10_000_001 } })).toThrow(/job\.optimizer\.maxfun: expected an integer from 1 to 10000000,/);
    expect(() => checkTrainJob({ ...GOOD, method: 'cg', optimizer: { maxIter: -1e8 } })).toThrow(/job\.optimizer\.maxIter: expected an integer from -10000000 to 10000000,/);
    // the caps themselves are allowed, as on the command line
    expect(checkTrainJob({ ...adam, optimizer: { epochs: 100_000, batchSize: 1_000_000 } }).optimizer).toEqual({ epochs: 100_000, batchSize: 1_000_000 });
    expect(checkTrainJob({ ...GOOD, method: 'cg', optimizer: { maxIter: -10_000_000 } }).optimizer).toEqual({ maxIter: -10_000_000 });
  });

  it('names the field of a value nested 100,000 deep, or a million characters long, in one short line', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const huge = 'x'.repeat(1_000_000);
    for (const [change, field] of [
      [{ lambda: deep }, 'job.lambda'],
      [{ optimizer: { maxfun: deep } }, 'job.optimizer.maxfun'],
      [{ data: { spec: 'builtin:digits5000', validation: 0.2, csv: deep } }, 'job.data.csv'],
      [{ seed: huge }, 'job.seed'],
      [{ [huge]: 1 }, 'job.xxxxxxxx'],
    ] as const) {
      let message = '';
      try {
        checkTrainJob({ ...GOOD, ...change });
      } catch (err) {
        expect(err).toBeInstanceOf(JobPayloadError);
        message = (err as Error).message;
      }
      expect(message.startsWith(`job payload: ${field}`)).toBe(true);
      expect(message).not.toMatch(/call stack|\n/);
      expect(message.length).toBeLessThan(300);
    }
  });
});

describe('a worker against hostile jobs', () => {
  let redis: TestRedis;
  const procs: Proc[] = [];
  let connection: Redis;
  let queue: Queue;
  beforeAll(async () => {
    redis = await startRedis();
    connection = new Redis(redis.url, { maxRetriesPerRequest: null });
    connection.on('error', () => undefined); // the outage test stops Redis under it too
    queue = new Queue(TRAIN_QUEUE, { connection, ...QUEUE_OPTIONS });
    queue.on('error', () => undefined);
  });
  afterAll(async () => {
    killAll(procs);
    await queue?.close();
    connection?.disconnect();
    redis?.stop();
  });
  const worker = async (...args: string[]): Promise<Proc> => {
    const p = cli(['worker', '--queue', redis.url, '--stall-seconds', '2', ...args]);
    procs.push(p);
    await p.waitFor(/taking jobs/);
    return p;
  };
  /** The job's end state and reason, waiting up to `ms`. */
  const settled = async (id: string, ms = 60_000): Promise<{ state: string; reason: string; attempts: number }> => {
    for (const deadline = Date.now() + ms; Date.now() < deadline; await sleep(50)) {
      const state = await queue.getJobState(id);
      if (state === 'completed' || state === 'failed') {
        const hash = await connection.hgetall(`bull:${TRAIN_QUEUE}:${id}`);
        return { state, reason: hash.failedReason ?? '', attempts: Number(hash.atm ?? hash.attemptsMade ?? 0) };
      }
    }
    throw new Error(`${id} did not finish in ${ms} ms (state ${await queue.getJobState(id)})`);
  };

  it('a job whose stored data or opts is not JSON fails once, naming the job and the field; the worker goes on', async () => {
    const p = await worker();
    await queue.pause();
    await queue.add('train', GOOD, { jobId: 'nan.0' });
    await queue.add('train', { ...GOOD, index: 1 }, { jobId: 'garbage.1' });
    // what the reviewer's injector did: redis-cli hset bull:backprop-train:ID data …
    await connection.hset(`bull:${TRAIN_QUEUE}:nan.0`, 'data', '{"version":1,"lambda":NaN}');
    await connection.hset(`bull:${TRAIN_QUEUE}:garbage.1`, 'opts', 'garbage');
    await queue.add('train', { ...GOOD, index: 2 }, { jobId: 'after.2' });
    await queue.resume();
    const nan = await settled('nan.0', 20_000);
    expect(nan.state).toBe('failed');
    expect(nan.reason).toMatch(/^job nan\.0 cannot be read: its stored data is not JSON \(.*\)$/);
    const garbage = await settled('garbage.1', 20_000);
    expect(garbage.state).toBe('failed');
    expect(garbage.reason).toMatch(/^job garbage\.1 cannot be read: its stored opts is not JSON \(.*\)$/);
    expect((await settled('after.2')).state).toBe('completed');
    expect(p.stderr()).toMatch(/job nan\.0 refused: job nan\.0 cannot be read/);
    expect(p.stderr()).not.toMatch(/not valid JSON"?\s*$/m); // no warning lines without a job id
    expect(startedJobs(p.stderr())).toEqual(['after.2']);
    expect(p.child.exitCode).toBeNull();
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
  });

  it('a job whose memory estimate is above its share of the worker\'s --memory fails at once, never run or retried', async () => {
    const p = await worker('--memory', '1GiB', '--concurrency', '2');
    expect(p.stderr()).toMatch(/512 MiB a job/);
    // 400 inputs, 8000 hidden units, 10 outputs: 8000·401 + 10·8001 parameters; their float64 vectors alone (θ, the
    // gradient and TNC's ~29 work vectors) are 3,288,010 × 8 B × 38 ≈ 1 GB, twice the 1 GiB ÷ 2 a job may take
    const parameters = 8000 * (400 + 1) + 10 * (8000 + 1);
    await queue.add('train', { ...GOOD, hidden: [8000] }, { jobId: 'huge.0' });
    const huge = await settled('huge.0', 20_000);
    expect(huge.state).toBe('failed');
    expect(huge.reason).toContain(`${parameters.toLocaleString('en-US')} parameters, tnc on 4,000 examples) needs about `);
    expect(huge.reason).toContain('each of its 2 jobs at once 512 MiB of its memory budget of 1.0 GiB');
    expect(huge.reason).not.toMatch(/\n/);
    expect(huge.attempts).toBeLessThanOrEqual(1);
    await queue.add('train', { ...GOOD, index: 1 }, { jobId: 'small.1' });
    expect((await settled('small.1')).state).toBe('completed');
    expect(startedJobs(p.stderr())).toEqual(['small.1']);
    expect(p.stderr()).toMatch(/job huge\.0 refused: training layers \[400, 8000, 10\]/);
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
  });

  it('a --memory that is not a size is a usage error naming it', async () => {
    const p = cli(['worker', '--queue', redis.url, '--memory', 'lots']);
    procs.push(p);
    expect(await p.exited).toBe(2);
    expect(p.stderr()).toMatch(/--memory: expected a size of at least 1 MiB such as 512MiB or 8GiB, got "lots"/);
  });

  it('a Redis outage is said once when it starts and once when it ends; the worker then takes jobs again', async () => {
    const p = await worker();
    const before = p.stderr().length;
    redis.stop();
    await sleep(6_000);
    redis = await startRedis(redis.port);
    await p.waitFor(/is back after/, 20_000);
    const log = p.stderr().slice(before);
    const lines = log.split('\n').filter((l) => l.trim() !== '');
    expect(lines).toEqual([
      expect.stringMatching(new RegExp(`^worker: lost Redis at redis://127\\.0\\.0\\.1:${redis.port} \\(ECONNREFUSED\\): retrying until it is back$`)),
      expect.stringMatching(new RegExp(`^worker: Redis at redis://127\\.0\\.0\\.1:${redis.port} is back after \\d+\\.\\d s: taking jobs again$`)),
    ]);
    await queue.add('train', { ...GOOD, index: 3 }, { jobId: 'back.3' });
    expect((await settled('back.3')).state).toBe('completed');
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
  });
});
