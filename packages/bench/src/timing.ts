/**
 * How everything is timed. Millisecond workloads are timed timeit-style: one warm-up call sizes an inner loop so a
 * sample lasts about `targetMs`, and each sample is the mean time of one call in that loop (the python peers do the
 * same, see scripts/ref/bench_common.py). Long runs are one call per sample. The implementations of a row are
 * sampled INTERLEAVED — round 1 of each, then round 2 of each … — so a neighbour's burst on a shared machine hits
 * all of them alike, and the report keeps medians, not means.
 */
import { performance } from 'node:perf_hooks';

export function median(values: readonly number[]): number | null {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

export interface Samples {
  samplesMs: number[];
  inner: number;
}

/** Inner-loop length so one sample of `fn` lasts about `targetMs` (one warm-up call; 1 when targetMs is 0). */
export function calibrate(fn: () => void, targetMs: number): number {
  const t0 = performance.now();
  fn();
  const warm = performance.now() - t0;
  return Math.max(1, Math.min(1000, Math.ceil(targetMs / Math.max(warm, 1e-6))));
}

/** Mean ms of one call over `inner` calls. */
export function timeInner(fn: () => void, inner: number): number {
  const t0 = performance.now();
  for (let i = 0; i < inner; i++) fn();
  return (performance.now() - t0) / inner;
}

/** `repeat` calibrated samples of `fn` back to back (for a lone measurement such as the peak rate). */
export function sampleSync(fn: () => void, repeat: number, targetMs: number): Samples {
  const inner = calibrate(fn, targetMs);
  return { samplesMs: Array.from({ length: repeat }, () => timeInner(fn, inner)), inner };
}

/** Wall ms of one call. */
export async function timeOnce(fn: () => Promise<unknown> | unknown): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/** One implementation in an interleaved measurement: `sample(round)` returns one sample in ms. */
export interface Job {
  name: string;
  sample(round: number): Promise<number> | number;
  /** Take part in the first `rounds` rounds only (slow implementations). Default: all. */
  rounds?: number;
  /** Calls averaged per sample (reported). Default 1. */
  inner?: number;
  /**
   * Take one untimed sample right before each timed one. For millisecond workloads: after the settle pause the
   * first ~100 ms of work run up to a third slower (threads and cores waking up), which would tax the fastest
   * implementation most.
   */
  warm?: boolean;
}

export interface JobResult {
  samplesMs: number[];
  inner: number;
  /** The error that stopped this job (its later rounds are skipped). */
  error?: string;
}

/**
 * How long to wait between two jobs: an OpenBLAS that just ran threaded keeps its worker threads spinning for a
 * while (up to ~0.1 s) before they sleep; without a pause they would take cores from the next job, which may be
 * another process (numpy, PyTorch). The pause is not timed.
 */
export const SETTLE_MS = 250;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Round r of every job, then round r + 1 … with a pause of `settleMs` before each sample. A job that throws keeps
 * the samples it had and stops.
 */
export async function interleave(
  jobs: readonly Job[],
  rounds: number,
  log?: (line: string) => void,
  settleMs = SETTLE_MS,
): Promise<Map<string, JobResult>> {
  const results = new Map<string, JobResult>(jobs.map((j) => [j.name, { samplesMs: [], inner: j.inner ?? 1 }]));
  for (let r = 0; r < rounds; r++) {
    for (const job of jobs) {
      const result = results.get(job.name)!;
      if (result.error !== undefined || r >= (job.rounds ?? rounds)) continue;
      log?.(`  round ${r + 1}/${Math.min(rounds, job.rounds ?? rounds)}: ${job.name}`);
      if (settleMs > 0) await sleep(settleMs);
      try {
        if (job.warm) await job.sample(r);
        result.samplesMs.push(await job.sample(r));
      } catch (err) {
        result.error = err instanceof Error ? err.message : String(err);
      }
    }
  }
  return results;
}
