import { formatBytes, machineMemory, NetworkSizeError, parseBytes, trainingSize, type TrainingSizeRequest } from '@backprop/nn';

/**
 * A worker's memory budget: what its trainings may take together. Each of its `concurrency` jobs may take an equal
 * share, and a job whose estimate (@backprop/nn's trainingSize, an upper bound within a small factor) is above its
 * share fails before anything of it is allocated, never retried: killed by the kernel instead, the job would come
 * back and kill the next worker too. Workers sharing a machine each need a budget of their own (the default assumes
 * one worker process a machine).
 */

/** The share of the machine's memory a worker takes by default (the rest: the OS, Redis, the process itself). */
export const DEFAULT_MEMORY_SHARE = 0.75;

/** The environment variable a worker's budget is read from when no option gives it. */
export const MEMORY_ENV = 'BACKPROP_WORKER_MEMORY';

/** What a worker's trainings may take together, by default: DEFAULT_MEMORY_SHARE of this machine's memory. */
export function defaultWorkerMemory(total = machineMemory()): number {
  return Math.floor(total * DEFAULT_MEMORY_SHARE);
}

/** "8GiB", "512 MiB", "1.5g", "1073741824" → bytes (nn's parseBytes); undefined for anything else or below 1 MiB. */
export function parseMemory(text: string): number | undefined {
  const bytes = parseBytes(text);
  return bytes !== undefined && bytes >= 2 ** 20 ? bytes : undefined;
}

/** The bytes one job may take: the worker's budget over its jobs at once. */
export function jobMemory(workerMemory: number, concurrency: number): number {
  return Math.floor(workerMemory / concurrency);
}

/** Refuses a job whose training needs more than its share of the worker's budget: NetworkSizeError, one line. */
export function checkJobMemory(request: TrainingSizeRequest, workerMemory: number, concurrency: number): void {
  const size = trainingSize(request);
  const share = jobMemory(workerMemory, concurrency);
  if (size.bytes <= share) return;
  const each = concurrency === 1 ? 'its' : `each of its ${concurrency} jobs at once ${formatBytes(share)} of its`;
  throw new NetworkSizeError(
    `training layers [${request.layers.join(', ')}] (${size.parameters.toLocaleString('en-US')} parameters, ` +
      `${request.method} on ${request.m.toLocaleString('en-US')} examples) needs about ${formatBytes(size.bytes)}, more than ` +
      `this worker gives a job (${each} memory budget of ${formatBytes(workerMemory)}); use smaller hidden layers or a worker with a larger budget`,
  );
}
