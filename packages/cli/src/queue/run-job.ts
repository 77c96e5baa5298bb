import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { BackpropError, modelToJson, resolveBackend, type BackendChoice, type DatasetSplit, type Model, type TrainingSizeRequest, type TrainMethod } from '@backprop/nn';
import type { JobResult, TrainJob } from '@backprop/queue';
import { loadData, split } from '../dataset.js';
import type { FromWorker, SweepConfig, ToWorker, TrainedSummary, WorkerSetup } from '../sweep/protocol.js';
import { shareDataset } from '../sweep/shared.js';

/** The data this worker does not have, or has in another version than the submitter's. */
export class JobDataError extends BackpropError {
  constructor(message: string) {
    super('ERR_JOB_DATA', message);
  }
}

/** The splits of the last data sets used (a sweep's jobs share one): at most two kept. */
const cache = new Map<string, DatasetSplit>();

function splitsFor(job: TrainJob): DatasetSplit {
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
  const shared: DatasetSplit = { train: shareDataset(parts.train), ...(parts.validation ? { validation: shareDataset(parts.validation) } : {}) };
  if (cache.size >= 2) cache.delete(cache.keys().next().value!);
  cache.set(key, shared);
  return shared;
}

/** A training thread kept between jobs: the local pool's worker script and protocol, for one setup. */
interface Trainer {
  key: string;
  worker: Worker;
  busy: boolean;
}

/** The threads of this process, busy or idle; at most `concurrency` of them stay (the idle ones of other setups go). */
const trainers: Trainer[] = [];

function trainerFor(key: string, setup: WorkerSetup, concurrency: number): Trainer {
  const idle = trainers.find((t) => !t.busy && t.key === key);
  if (idle) return idle;
  while (trainers.length >= concurrency) {
    const spare = trainers.find((t) => !t.busy);
    if (!spare) break;
    retire(spare);
  }
  const trainer: Trainer = { key, worker: new Worker(new URL('../sweep/worker.js', import.meta.url), { workerData: setup }), busy: false };
  trainers.push(trainer);
  // an idle thread that fails or ends is only dropped (a busy one's job is failed by trainOn)
  trainer.worker.on('error', () => undefined).on('exit', () => {
    if (!trainer.busy && trainers.includes(trainer)) trainers.splice(trainers.indexOf(trainer), 1);
  });
  return trainer;
}

function retire(trainer: Trainer): void {
  trainers.splice(trainers.indexOf(trainer), 1);
  void trainer.worker.terminate();
}

/** One configuration on a trainer; a crash (the training threw) rejects with its message and retires the thread. */
function trainOn(trainer: Trainer, config: SweepConfig): Promise<{ summary: TrainedSummary; model: Model }> {
  trainer.busy = true;
  return new Promise((resolve, reject) => {
    let crashed: string | undefined;
    const done = (): void => {
      trainer.worker.off('message', onMessage).off('error', onError).off('exit', onExit);
      trainer.busy = false;
    };
    const onMessage = (m: FromWorker): void => {
      if (m.type !== 'done') return;
      done();
      resolve(m);
    };
    const onError = (err: unknown): void => {
      crashed = err instanceof Error ? err.message : String(err);
    };
    const onExit = (code: number): void => {
      done();
      if (trainers.includes(trainer)) trainers.splice(trainers.indexOf(trainer), 1);
      reject(new Error(crashed ?? `the training thread exited with code ${code}`));
    };
    trainer.worker.on('message', onMessage).on('error', onError).on('exit', onExit);
    trainer.worker.postMessage({ type: 'train', config } satisfies ToWorker);
  });
}

/**
 * Runs one queued training exactly as a local sweep runs a configuration: the same split, and `train` on a thread
 * of the local pool's worker script, so the same seeds give the same model. The thread stays for the next job of
 * the same setup (the data already resident there), as a local pool's threads do.
 */
export async function runJob(job: TrainJob, threads: number, concurrency = 1): Promise<Omit<JobResult, 'worker'>> {
  const { train, validation } = splitsFor(job);
  const setup: WorkerSetup = {
    train,
    validation,
    method: job.method as TrainMethod,
    optimizer: job.optimizer,
    initRange: job.initRange,
    seed: job.seed,
    backend: job.backend as BackendChoice,
    threads,
    // the job's network (absent: the seed's, which is also what a setup without these fields trains)
    ...(job.network ? { output: job.network.output, leakySlope: job.network.leakySlope, init: job.network.init } : {}),
  };
  const { network } = job;
  const key = JSON.stringify([job.data, job.seed, job.method, job.optimizer, job.initRange, job.backend, threads, network?.output, network?.leakySlope, network?.init]);
  const config: SweepConfig = {
    index: job.index,
    lambda: job.lambda,
    hidden: job.hidden,
    ...(network ? { activation: network.activation } : {}),
    ...(job.dtype ? { dtype: job.dtype } : {}),
  };
  const { summary, model } = await trainOn(trainerFor(key, setup, concurrency), config);
  return { summary, model: modelToJson(model) };
}

/** What the job's training is, for the worker's memory check: its layers and examples (the data loaded, as runJob will). */
export function jobSizeRequest(job: TrainJob, threads: number): TrainingSizeRequest {
  const { train } = splitsFor(job);
  return {
    layers: [train.X.cols, ...job.hidden, train.K],
    m: train.X.rows,
    method: job.method,
    optimizer: job.optimizer,
    dtype: job.dtype,
    backend: resolveBackend(job.backend as BackendChoice).name,
    threads,
  };
}

/** Ends the kept training threads (when the worker stops). */
export async function stopTrainers(): Promise<void> {
  await Promise.all(trainers.splice(0).map((t) => t.worker.terminate()));
}
