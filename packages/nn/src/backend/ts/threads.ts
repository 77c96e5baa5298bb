import { availableParallelism } from 'node:os';
import { InvalidArgumentError } from '../../errors.js';
import { MAX_SHARDS } from './plan.js';

/** Largest accepted thread count (as for the native backend's BLAS threads). A network uses at most MAX_SHARDS. */
export const MAX_THREADS = 1024;

let configured: number | undefined;

/** Throws InvalidArgumentError unless n is an integer 1..MAX_THREADS. */
export function checkThreads(n: unknown, name: string): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_THREADS) {
    throw new InvalidArgumentError(
      `${name}: expected an integer from 1 to ${MAX_THREADS}, got ${typeof n === 'number' ? n : typeof n}`,
    );
  }
  return n;
}

/**
 * A thread-count environment variable (BACKPROP_THREADS, BACKPROP_TS_THREADS), checked as BACKPROP_BACKEND is:
 * undefined when unset or empty; anything but an integer 1..MAX_THREADS (`abc`, `0`, `4.5`, `5000`) is an
 * InvalidArgumentError naming the variable, the value and the range — never a warning and a silent default.
 */
export function threadsFromEnv(name: 'BACKPROP_THREADS' | 'BACKPROP_TS_THREADS'): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = /^\s*\d+\s*$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > MAX_THREADS) {
    throw new InvalidArgumentError(`${name}: expected an integer from 1 to ${MAX_THREADS}, got ${JSON.stringify(raw)}`);
  }
  return n;
}

/**
 * Threads a TS network may use for one evaluation (the calling thread plus workers; more than MAX_SHARDS are
 * never used). Default: the environment variable BACKPROP_TS_THREADS when set, else the machine's available
 * parallelism. Results do not depend on it — only speed does.
 */
export function getTsThreads(): number {
  if (configured !== undefined) return configured;
  const env = threadsFromEnv('BACKPROP_TS_THREADS');
  if (env !== undefined) return env;
  return Math.min(MAX_SHARDS, availableParallelism());
}

/** Sets the thread count for every TS network (overrides BACKPROP_TS_THREADS). */
export function setTsThreads(n: number): void {
  configured = checkThreads(n, 'threads');
}

/** Forgets setTsThreads: back to BACKPROP_TS_THREADS or the machine's parallelism. */
export function resetTsThreads(): void {
  configured = undefined;
}
