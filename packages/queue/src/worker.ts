import { hostname } from 'node:os';
import type { TrainingSizeRequest } from '@backprop/nn';
import { UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { checkJobMemory, defaultWorkerMemory } from './budget.js';
import { connect } from './connection.js';
import { JobPayloadError } from './errors.js';
import { checkTrainJob, type JobResult, type TrainJob } from './job.js';
import { cancelledKey, TRAIN_QUEUE } from './names.js';
import { screeningBackend, unreadableReason } from './stored-job.js';

/** What happens to one job, for the worker's log. */
export type WorkerEvent =
  | { type: 'started'; id: string; job: TrainJob }
  | { type: 'completed'; id: string; seconds: number }
  | { type: 'failed'; id: string; reason: string }
  | { type: 'refused'; id: string; reason: string }
  | { type: 'error'; message: string }
  /** Redis lost (said once, however many reconnection attempts fail), and Redis back (said once). */
  | { type: 'connection'; message: string };

export interface WorkerOptions {
  url: string;
  /** Trains one job (the CLI's: load the data, verify its checksum, train on a thread); throws to fail it. */
  run: (job: TrainJob) => Promise<Omit<JobResult, 'worker'>>;
  /** Jobs at once (default 1). */
  concurrency?: number;
  /**
   * Bytes this worker's trainings may take together (default: defaultWorkerMemory(), 3/4 of the machine's); each
   * job may take memory ÷ concurrency. See budget.ts.
   */
  memory?: number;
  /**
   * What the job's training is, for its memory estimate (its layers and examples: the worker knows its data), asked
   * before `run`; a job above its share of `memory` fails at once, never run. Absent: no memory check here.
   */
  size?: (job: TrainJob) => TrainingSizeRequest | Promise<TrainingSizeRequest>;
  /**
   * A job whose worker stops renewing its lock for this long (the process was killed) goes back to the queue for
   * another worker. Default 30 s.
   */
  stallSeconds?: number;
  onEvent?: (event: WorkerEvent) => void;
}

export interface RunningWorker {
  /** `host:pid`, as the sweep's results name it. */
  name: string;
  /** Stops taking jobs, waits for the running ones, disconnects. */
  close(): Promise<void>;
}

/**
 * Takes training jobs from the queue and runs them. A payload is checked against the job schema first: one that
 * fails, one whose stored hash is not JSON (stored-job.ts), one of a cancelled sweep, or one whose memory estimate is
 * above its share of the budget (budget.ts), fails with the reason and is never retried or run (UnrecoverableError).
 * A job whose run throws fails with that message (a training failure is deterministic: no retry).
 */
export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  const { redis, location } = await connect(options.url);
  const name = `${hostname()}:${process.pid}`;
  const stallMs = Math.round((options.stallSeconds ?? 30) * 1000);
  const emit = (e: WorkerEvent): void => options.onEvent?.(e);
  const concurrency = options.concurrency ?? 1;
  const memory = options.memory ?? defaultWorkerMemory();
  /** Throws UnrecoverableError with the reason, after saying so. */
  const refuse = (type: 'refused' | 'failed', id: string, err: unknown): never => {
    const reason = (err as Error).message ?? String(err);
    emit({ type, id, reason });
    throw new UnrecoverableError(reason);
  };
  const worker = new Worker(
    TRAIN_QUEUE,
    async (job) => {
      const id = job.id ?? '?';
      let payload: TrainJob;
      try {
        const unreadable = unreadableReason(job.data);
        if (unreadable !== undefined) throw new JobPayloadError(unreadable);
        payload = checkTrainJob(job.data);
        if (await redis.exists(cancelledKey(payload.sweep))) throw new Error(`sweep ${payload.sweep} was cancelled`);
      } catch (err) {
        return refuse('refused', id, err);
      }
      if (options.size) {
        let request: TrainingSizeRequest;
        try {
          request = await options.size(payload);
        } catch (err) {
          return refuse('failed', id, err); // the data is missing or not the submitter's
        }
        try {
          checkJobMemory(request, memory, concurrency);
        } catch (err) {
          return refuse('refused', id, err);
        }
      }
      emit({ type: 'started', id, job: payload });
      const started = Date.now();
      try {
        const result = await options.run(payload);
        emit({ type: 'completed', id, seconds: (Date.now() - started) / 1000 });
        return { ...result, worker: name } satisfies JobResult;
      } catch (err) {
        return refuse('failed', id, err);
      }
    },
    {
      connection: redis,
      name,
      concurrency,
      lockDuration: stallMs,
      stalledInterval: stallMs,
      maxStalledCount: 2,
    },
    screeningBackend,
  );
  const outage = watchConnection(redis, location.shown, emit);
  worker.on('error', (err) => {
    if (!outage.isConnectionError(err)) emit({ type: 'error', message: err.message });
  });
  await worker.waitUntilReady();
  return {
    name,
    async close() {
      await worker.close();
      redis.disconnect();
    },
  };
}

/** Socket errors of a lost connection: ioredis reports each failed reconnection attempt with one of these. */
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/** How long after the connection is back a late error of the worker's other (blocking) connection is still this outage's. */
const SETTLE_MS = 3_000;

/**
 * Says once that Redis was lost and once that it is back, instead of a line per failed attempt of each of the
 * worker's two connections (ioredis retries every ≤ 2 s, BullMQ's blocking connection alongside ours).
 */
function watchConnection(redis: Redis, shown: string, emit: (e: WorkerEvent) => void): { isConnectionError(err: Error): boolean } {
  let lostAt: number | undefined;
  let backAt = 0;
  redis.on('ready', () => {
    if (lostAt === undefined) return;
    emit({ type: 'connection', message: `Redis at ${shown} is back after ${((Date.now() - lostAt) / 1000).toFixed(1)} s: taking jobs again` });
    lostAt = undefined;
    backAt = Date.now();
  });
  return {
    isConnectionError(err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (!(code !== undefined && CONNECTION_CODES.has(code)) && !/^Connection is closed/.test(err.message)) return false;
      if (lostAt === undefined && Date.now() - backAt > SETTLE_MS) {
        lostAt = Date.now();
        emit({ type: 'connection', message: `lost Redis at ${shown} (${code ?? err.message}): retrying until it is back` });
      }
      return true;
    },
  };
}
