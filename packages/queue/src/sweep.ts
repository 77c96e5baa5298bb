import { Job, Queue, QueueEvents } from 'bullmq';
import { connect } from './connection.js';
import { SweepStateError, unknownSweepError } from './errors.js';
import { checkTrainJob, type JobResult, type TrainJob } from './job.js';
import { cancelledKey, jobId, KEEP_SECONDS, QUEUE_OPTIONS, sweepKey, TRAIN_QUEUE } from './names.js';

/** One configuration's end: its result, or why it failed. */
export type JobOutcome = { index: number; ok: true; result: JobResult } | { index: number; ok: false; error: string; worker?: string };

export interface SweepOptions {
  /** `redis://…` */
  url: string;
  /** Every configuration's job, all with the same `sweep` id. */
  jobs: TrainJob[];
  /**
   * The id is an earlier sweep's (`--resume`): its record must be in Redis, else SweepStateError (the same "knows no
   * sweep" as `--cancel`) before anything is queued. Without it the id is new and its record is created.
   */
  resume?: boolean;
  /** Called once the sweep's jobs are in the queue (not when it is refused). */
  onQueued?: () => void;
  /** Called once per configuration as it finishes (including those finished before a restart). */
  onOutcome?: (outcome: JobOutcome) => void;
  /** Stops waiting (the jobs stay queued: `--resume` picks them up again). */
  signal?: AbortSignal;
  /** How often the states are read again in case an event was missed (default 2 s). */
  pollMs?: number;
}

/**
 * Submits a sweep and waits for it: records the sweep's payloads under its id (a restart with the same id must
 * bring the same payloads), adds one job per configuration with a fixed job id (adding an existing job is a no-op,
 * so a restarted submitter retrains nothing), then collects each job's result as it completes. Resolves with one
 * outcome per configuration, in index order; on abort, with those finished so far.
 */
export async function runSweep(options: SweepOptions): Promise<JobOutcome[]> {
  const jobs = options.jobs.map((j) => checkTrainJob(j));
  const sweep = jobs[0]?.sweep;
  if (sweep === undefined) return [];
  if (jobs.some((j) => j.sweep !== sweep)) throw new SweepStateError('every job of a sweep must carry the same sweep id');
  const { redis } = await connect(options.url);
  const queue = new Queue(TRAIN_QUEUE, { connection: redis, ...QUEUE_OPTIONS });
  const events = new QueueEvents(TRAIN_QUEUE, { connection: redis });
  const outcomes = new Map<number, JobOutcome>();
  try {
    await recordSweep(redis, options.url, sweep, jobs, options.resume === true);
    await events.waitUntilReady();
    const byId = new Map(jobs.map((j) => [jobId(sweep, j.index), j.index]));
    let wake: () => void = () => undefined;
    const settle = async (id: string): Promise<void> => {
      const index = byId.get(id);
      if (index === undefined || outcomes.has(index)) return;
      // The state first, then the job: a job read before its state could predate the result the state reports.
      const state = await queue.getJobState(id);
      if (state !== 'completed' && state !== 'failed') return;
      const job = await Job.fromId(queue, id);
      const outcome = job && outcomeOf(job, state, index);
      if (!outcome || outcomes.has(index)) return;
      outcomes.set(index, outcome);
      options.onOutcome?.(outcome);
      wake();
    };
    // Listening starts before the jobs are added or read, so no completion falls between the two.
    events.on('completed', ({ jobId: id }) => void settle(id).catch(() => undefined));
    events.on('failed', ({ jobId: id }) => void settle(id).catch(() => undefined));
    await queue.addBulk(
      jobs.map((j) => ({
        name: 'train',
        data: j,
        opts: { jobId: jobId(sweep, j.index), removeOnComplete: { age: KEEP_SECONDS }, removeOnFail: { age: KEEP_SECONDS } },
      })),
    );
    options.onQueued?.();
    const pollMs = options.pollMs ?? 2_000;
    while (outcomes.size < jobs.length && !options.signal?.aborted) {
      for (const id of byId.keys()) await settle(id);
      if (outcomes.size === jobs.length) break;
      // Until the next poll, the last result, or an abort; the abort listener goes with each wait (a long sweep
      // would otherwise pile them up on the signal).
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          clearTimeout(timer);
          options.signal?.removeEventListener('abort', stop);
          wake = () => undefined;
          resolve();
        };
        const timer = setTimeout(stop, pollMs);
        wake = () => (outcomes.size === jobs.length ? stop() : undefined);
        options.signal?.addEventListener('abort', stop, { once: true });
      });
    }
  } finally {
    await events.close().catch(() => undefined);
    await queue.close().catch(() => undefined);
    redis.disconnect();
  }
  return [...outcomes.values()].sort((a, b) => a.index - b.index);
}

/** The outcome of a finished job (undefined if its result is not there after all). */
function outcomeOf(job: Job, state: 'completed' | 'failed', index: number): JobOutcome | undefined {
  if (state === 'failed') return { index, ok: false, error: job.failedReason || 'failed', ...(job.processedBy ? { worker: job.processedBy } : {}) };
  const result = job.returnvalue as JobResult | null;
  return result && typeof result.model === 'string' ? { index, ok: true, result } : undefined;
}

/**
 * Stores a new sweep's payloads; a resumed sweep's record must be there (a resume never creates one) and a sweep id
 * seen before must come with the same payloads and not be cancelled.
 */
async function recordSweep(redis: import('ioredis').Redis, url: string, sweep: string, jobs: TrainJob[], resume: boolean): Promise<void> {
  if (await redis.exists(cancelledKey(sweep))) throw new SweepStateError(`sweep ${sweep} was cancelled; start a new sweep`);
  if (!resume && (await redis.set(sweepKey(sweep), JSON.stringify(jobs), 'EX', KEEP_SECONDS, 'NX')) === 'OK') return;
  const text = await redis.get(sweepKey(sweep));
  if (text === null) throw unknownSweepError(url, sweep);
  const before = JSON.parse(text) as TrainJob[];
  const differ = jobs.find((j, i) => JSON.stringify(j) !== JSON.stringify(before[i])) ?? (before.length !== jobs.length ? jobs[0] : undefined);
  if (differ) {
    throw new SweepStateError(
      `sweep ${sweep} was submitted with other settings (configuration ${differ.index} differs, or the grid's size: ${before.length} then, ${jobs.length} now); resume it with the same command and flags`,
    );
  }
}
