import { hostname } from 'node:os';
import { UnrecoverableError, Worker } from 'bullmq';
import { connect } from './connection.js';
import { checkTrainJob, type JobResult, type TrainJob } from './job.js';
import { cancelledKey, TRAIN_QUEUE } from './names.js';

/** What happens to one job, for the worker's log. */
export type WorkerEvent =
  | { type: 'started'; id: string; job: TrainJob }
  | { type: 'completed'; id: string; seconds: number }
  | { type: 'failed'; id: string; reason: string }
  | { type: 'refused'; id: string; reason: string }
  | { type: 'error'; message: string };

export interface WorkerOptions {
  url: string;
  /** Trains one job (the CLI's: load the data, verify its checksum, train on a thread); throws to fail it. */
  run: (job: TrainJob) => Promise<Omit<JobResult, 'worker'>>;
  /** Jobs at once (default 1). */
  concurrency?: number;
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
 * fails, or one of a cancelled sweep, fails with the reason and is never retried or run (UnrecoverableError).
 * A job whose run throws fails with that message (a training failure is deterministic: no retry).
 */
export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  const { redis } = await connect(options.url);
  const name = `${hostname()}:${process.pid}`;
  const stallMs = Math.round((options.stallSeconds ?? 30) * 1000);
  const emit = (e: WorkerEvent): void => options.onEvent?.(e);
  const worker = new Worker(
    TRAIN_QUEUE,
    async (job) => {
      const id = job.id ?? '?';
      let payload: TrainJob;
      try {
        payload = checkTrainJob(job.data);
        if (await redis.exists(cancelledKey(payload.sweep))) throw new Error(`sweep ${payload.sweep} was cancelled`);
      } catch (err) {
        const reason = (err as Error).message;
        emit({ type: 'refused', id, reason });
        throw new UnrecoverableError(reason);
      }
      emit({ type: 'started', id, job: payload });
      const started = Date.now();
      try {
        const result = await options.run(payload);
        emit({ type: 'completed', id, seconds: (Date.now() - started) / 1000 });
        return { ...result, worker: name } satisfies JobResult;
      } catch (err) {
        const reason = (err as Error).message ?? String(err);
        emit({ type: 'failed', id, reason });
        throw new UnrecoverableError(reason);
      }
    },
    {
      connection: redis,
      name,
      concurrency: options.concurrency ?? 1,
      lockDuration: stallMs,
      stalledInterval: stallMs,
      maxStalledCount: 2,
    },
  );
  worker.on('error', (err) => emit({ type: 'error', message: err.message }));
  await worker.waitUntilReady();
  return {
    name,
    async close() {
      await worker.close();
      redis.disconnect();
    },
  };
}
