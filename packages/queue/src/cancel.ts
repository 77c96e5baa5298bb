import { Job, Queue } from 'bullmq';
import { connect } from './connection.js';
import { unknownSweepError } from './errors.js';
import type { TrainJob } from './job.js';
import { cancelledKey, jobId, KEEP_SECONDS, QUEUE_OPTIONS, sweepKey, TRAIN_QUEUE } from './names.js';

export interface CancelReport {
  /** Jobs taken out of the queue before any worker started them. */
  removed: number;
  /** Jobs a worker is running: they finish, and their results expire with the sweep. */
  running: number;
  /** Jobs already finished (their results are dropped). */
  finished: number;
}

/**
 * Cancels a sweep: marks it cancelled (workers refuse its jobs from now on, a submitter refuses to resume it) and
 * removes its waiting and finished jobs. Running jobs cannot be taken from their worker; they finish unheeded.
 */
export async function cancelSweep(url: string, sweep: string): Promise<CancelReport> {
  const { redis } = await connect(url);
  const queue = new Queue(TRAIN_QUEUE, { connection: redis, ...QUEUE_OPTIONS });
  try {
    const text = await redis.get(sweepKey(sweep));
    if (text === null) throw unknownSweepError(url, sweep);
    await redis.set(cancelledKey(sweep), '1', 'EX', KEEP_SECONDS);
    const report: CancelReport = { removed: 0, running: 0, finished: 0 };
    for (const j of JSON.parse(text) as TrainJob[]) {
      const job = await Job.fromId(queue, jobId(sweep, j.index));
      if (!job) continue;
      const state = await job.getState();
      if (state === 'active') {
        report.running++;
        continue;
      }
      try {
        await job.remove();
        if (state === 'completed' || state === 'failed') report.finished++;
        else report.removed++;
      } catch {
        report.running++; // a worker took it between the two calls
      }
    }
    await redis.del(sweepKey(sweep));
    return report;
  } finally {
    await queue.close().catch(() => undefined);
    redis.disconnect();
  }
}
