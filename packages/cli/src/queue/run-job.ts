import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { BackpropError, modelToJson, type BackendChoice, type TrainMethod } from '@backprop/nn';
import type { JobResult, TrainJob } from '@backprop/queue';
import { loadData, split, type Splits } from '../dataset.js';
import { runPool } from '../sweep/pool.js';
import { shareDataset } from '../sweep/shared.js';

/** The data this worker does not have, or has in another version than the submitter's. */
export class JobDataError extends BackpropError {
  constructor(message: string) {
    super('ERR_JOB_DATA', message);
  }
}

/** The splits of the last data sets used (a sweep's jobs share one): at most two kept. */
const cache = new Map<string, Splits>();

function splitsFor(job: TrainJob): Splits {
  const key = JSON.stringify([job.data, job.seed]);
  const hit = cache.get(key);
  if (hit) return hit;
  const { spec, sha256, validation, csv } = job.data;
  if (sha256 !== undefined) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(spec);
    } catch (err) {
      throw new JobDataError(`data ${spec} is not on this worker (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    const actual = createHash('sha256').update(bytes).digest('hex');
    if (actual !== sha256) throw new JobDataError(`data ${spec} on this worker differs from the submitter's (SHA-256 ${actual.slice(0, 12)}…, expected ${sha256.slice(0, 12)}…)`);
  }
  const parts = split(loadData(spec, 'data', csv ?? {}), validation, 0, job.seed);
  const shared: Splits = { train: shareDataset(parts.train), ...(parts.validation ? { validation: shareDataset(parts.validation) } : {}) };
  if (cache.size >= 2) cache.delete(cache.keys().next().value!);
  cache.set(key, shared);
  return shared;
}

/**
 * Runs one queued training exactly as a local sweep runs a configuration: the same split, and `train` on a worker
 * thread of the same pool code, so the same seeds give the same model.
 */
export async function runJob(job: TrainJob, threads: number): Promise<Omit<JobResult, 'worker'>> {
  const { train, validation } = splitsFor(job);
  const [outcome] = await runPool([{ index: job.index, lambda: job.lambda, hidden: job.hidden }], {
    workers: 1,
    setup: {
      train,
      validation,
      method: job.method as TrainMethod,
      optimizer: job.optimizer,
      initRange: job.initRange,
      seed: job.seed,
      backend: job.backend as BackendChoice,
      threads,
    },
  });
  if (!outcome) throw new Error('the training did not run');
  if (!outcome.ok) throw new Error(outcome.error);
  return { summary: outcome.summary, model: modelToJson(outcome.model) };
}
