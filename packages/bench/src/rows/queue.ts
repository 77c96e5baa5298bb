/**
 * Row 6: sweeps through the Redis queue (issue 17). A redis-server of its own on a free loopback port, two
 * `backprop worker` processes (1 BLAS thread each), and:
 *  - per-job added latency with the seed's network (400-25-10, a ~200 kB model document): enqueue → a worker
 *    starts it (BullMQ's timestamp → processedOn), and finish → the submitter has the result (finishedOn → the
 *    submitter's callback), each job sent alone to idle workers; median and p99. A short TNC budget keeps the
 *    samples many: the queue's overhead does not depend on the training's length;
 *  - throughput: the seed's grid (row 4's: λ ∈ {0.3, 1, 3, 10}, TNC maxfun 300) by the 2 queue workers vs the local
 *    2-worker sweep, both as the CLI's own wall time.
 * Skipped with a notice when redis-server is not installed or the CLI is not built.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { SEED } from '@backprop/nn';
import { QUEUE_OPTIONS, runSweep, TRAIN_QUEUE, type TrainJob } from '@backprop/queue';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { BenchContext } from '../context.js';
import { errorMessage, makeRow, measured, skipped, speedup } from '../report.js';
import type { BenchEntry, BenchRow } from '../types.js';
import { cliMain } from './sweep.js';

const NAMES = ['local sweep, 2 workers', 'queue, 2 worker processes', 'per-job added latency'];

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** The CLI's sweep, as JSON: its own wall time in seconds. */
function sweepWall(main: string, args: string[]): number {
  const run = spawnSync(process.execPath, [main, 'sweep', ...args, '--json'], { encoding: 'utf8', timeout: 1_200_000, maxBuffer: 64 << 20 });
  const last = run.stdout.trim().split('\n').pop() ?? '';
  if (run.status !== 0) throw new Error(`sweep ${args.join(' ')} exited with ${run.status ?? run.signal}: ${run.stderr.trim().split('\n').slice(-1)[0]}`);
  const json = JSON.parse(last) as { wallSeconds: number; failed: number };
  if (json.failed > 0) throw new Error(`sweep ${args.join(' ')}: ${json.failed} trainings failed`);
  return json.wallSeconds;
}

/** A child process that has printed `ready` on stderr. */
async function started(child: ChildProcess, ready: RegExp, what: string): Promise<void> {
  let err = '';
  await new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      if (ready.test(err)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`${what} exited with ${code}: ${err.trim().split('\n').pop()}`)));
  });
}

export async function benchQueue(ctx: BenchContext): Promise<BenchRow> {
  const startedAt = Date.now();
  const maxfun = ctx.quick ? 30 : SEED.optimizer.maxfun;
  const lambdas = ctx.quick ? '1,10' : '0.3,1,3,10';
  const latencyJobs = ctx.quick ? 10 : 40;
  const workload =
    `digits5000 (80% train), 400-25-10, TNC maxfun=${maxfun}, λ ∈ {${lambdas}}, 1 BLAS thread per worker; ` +
    `latency: ${latencyJobs} single jobs (maxfun 5, the seed's network and model size)`;
  const row = (entries: BenchEntry[], notes: string[]) =>
    makeRow(
      {
        id: 6,
        title: 'sweep through the Redis queue: latency, throughput vs local',
        workload,
        flops: null,
        floorMs: null,
        entries,
        checks: [
          speedup('queue / local throughput', entries[0], entries[1], { op: '>=', value: 0.9 }),
          {
            name: 'p99 added latency per job',
            value: (entries[2]?.details.p99Ms as number | undefined) ?? null,
            unit: 'ms',
            target: { op: '<=', value: 50 },
            met: entries[2]?.status === 'ok' ? (entries[2].details.p99Ms as number) <= 50 : null,
          },
        ],
        notes,
      },
      startedAt,
    );

  const main = cliMain();
  if (!main) return row(NAMES.map((n) => skipped(n, 'the CLI is not built: `npx nx run cli:build`')), []);
  if (spawnSync('redis-server', ['--version']).status !== 0) {
    return row(NAMES.map((n) => skipped(n, 'redis-server is not installed (apt-get install redis-server)')), []);
  }

  const dir = mkdtempSync(join(ctx.tmpDir, 'redis-'));
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  const children: ChildProcess[] = [];
  try {
    const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
    children.push(redis);
    for (let i = 0; spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout.trim() !== 'PONG'; i++) {
      if (i > 200) throw new Error('redis-server did not answer PING');
      await new Promise((r) => setTimeout(r, 50));
    }
    for (let w = 0; w < 2; w++) {
      const worker = spawn(process.execPath, [main, 'worker', '--queue', url, '--threads', '1'], { stdio: ['ignore', 'ignore', 'pipe'] });
      children.push(worker);
      await started(worker, /taking jobs/, 'backprop worker');
    }
    const grid = ['--data', 'builtin:digits5000', '--lambda', lambdas, '--hidden', '25', '--method', 'tnc', '--maxfun', String(maxfun),
      '--validation', '0.2', '--seed', '0', '--out', join(dir, 'best.json')];
    // Warm-up: each worker loads the data set once (kept for later jobs), as a local sweep's parent does before timing.
    sweepWall(main, ['--queue', url, ...grid.filter((_, i) => i < 2), '--lambda', '1,2,3,4', '--maxfun', '1', '--out', join(dir, 'w.json')]);

    ctx.log(`row 6: queue latency (${latencyJobs} single jobs)`);
    const latency = await measureLatency(url, latencyJobs);

    const rounds = ctx.quick ? 1 : Math.min(ctx.repeat, 2);
    const samples: number[][] = [[], []];
    for (let r = 0; r < rounds; r++) {
      for (const which of r % 2 === 0 ? [0, 1] : [1, 0]) {
        ctx.log(`row 6: ${NAMES[which]} (round ${r + 1}/${rounds})`);
        const args = which === 0 ? [...grid, '--workers', '2', '--threads-per-worker', '1'] : [...grid, '--queue', url];
        samples[which]!.push(sweepWall(main, args) * 1000);
      }
    }
    const entries = [
      measured(NAMES[0]!, { samplesMs: samples[0]!, inner: 1 }, { threads: 1 }),
      measured(NAMES[1]!, { samplesMs: samples[1]!, inner: 1 }, { threads: 1 }),
      measured(NAMES[2]!, { samplesMs: latency.total, inner: 1 }, {
        details: {
          p50Ms: percentile(latency.total, 50),
          p99Ms: percentile(latency.total, 99),
          enqueueToStartP50Ms: percentile(latency.toStart, 50),
          enqueueToStartP99Ms: percentile(latency.toStart, 99),
          finishToSeenP50Ms: percentile(latency.toSeen, 50),
          finishToSeenP99Ms: percentile(latency.toSeen, 99),
          workerOverheadP50Ms: percentile(latency.inWorker, 50),
          resultBytes: latency.resultBytes,
        },
      }),
    ];
    return row(entries, [
      'latency = enqueue → start + finish → result seen; workerOverhead = job time − training time (the result document; a thread start when the setup changes)',
    ]);
  } catch (err) {
    return row(NAMES.map((n) => skipped(n, errorMessage(err), 'failed')), []);
  } finally {
    for (const c of children.reverse()) if (c.pid !== undefined && c.exitCode === null) process.kill(c.pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Sends `n` one-job sweeps one after another and reads each job's BullMQ timestamps. */
async function measureLatency(url: string, n: number) {
  const connection = new Redis(url, { maxRetriesPerRequest: null });
  const queue = new Queue(TRAIN_QUEUE, { connection, ...QUEUE_OPTIONS });
  const out = { toStart: [] as number[], toSeen: [] as number[], total: [] as number[], inWorker: [] as number[], resultBytes: 0 };
  try {
    for (let i = 0; i < n; i++) {
      const sweep = `bench${Date.now().toString(36)}${i}`;
      const job: TrainJob = {
        version: 1, sweep, index: 0, lambda: SEED.lambda, hidden: [...SEED.hidden],
        data: { spec: 'builtin:digits5000', validation: 0.2 }, method: 'tnc', optimizer: { maxfun: 5 },
        initRange: SEED.initRange, seed: SEED.seed, backend: 'auto',
      };
      let seenAt = 0;
      const [outcome] = await runSweep({ url, jobs: [job], onOutcome: () => (seenAt = Date.now()) });
      if (!outcome?.ok) throw new Error(`latency job failed: ${outcome && !outcome.ok ? outcome.error : 'no result'}`);
      const stored = await queue.getJob(`${sweep}.0`);
      if (!stored?.processedOn || !stored.finishedOn) throw new Error('a latency job has no timestamps');
      out.toStart.push(stored.processedOn - stored.timestamp);
      out.toSeen.push(seenAt - stored.finishedOn);
      out.total.push(stored.processedOn - stored.timestamp + seenAt - stored.finishedOn);
      out.inWorker.push(stored.finishedOn - stored.processedOn - outcome.result.summary.seconds * 1000);
      out.resultBytes = JSON.stringify(outcome.result).length;
    }
  } finally {
    await queue.close();
    connection.disconnect();
  }
  return out;
}
