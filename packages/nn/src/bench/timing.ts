/**
 * How everything is timed. Millisecond workloads are timed timeit-style: one warm-up call sizes an inner loop so a
 * sample lasts about `targetMs`, each sample is the mean time of one call in that loop, and the median of the
 * samples is reported (the python peers do the same, see scripts/ref/bench_common.py). Long runs are one call per
 * sample. Medians, not means: the machines are shared and a neighbour's burst should not move the result.
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

/** `repeat` samples of the mean ms of one `fn()` call, each over an inner loop sized by a warm-up call. */
export function sampleSync(fn: () => void, repeat: number, targetMs: number): Samples {
  let t0 = performance.now();
  fn();
  const warm = performance.now() - t0;
  const inner = Math.max(1, Math.min(1000, Math.ceil(targetMs / Math.max(warm, 1e-6))));
  const samplesMs: number[] = [];
  for (let r = 0; r < repeat; r++) {
    t0 = performance.now();
    for (let i = 0; i < inner; i++) fn();
    samplesMs.push((performance.now() - t0) / inner);
  }
  return { samplesMs, inner };
}

/** `repeat` runs of an async workload, one call per sample (no warm-up: these runs last seconds). */
export async function sampleAsync(fn: (run: number) => Promise<void>, repeat: number): Promise<Samples> {
  const samplesMs: number[] = [];
  for (let r = 0; r < repeat; r++) {
    const t0 = performance.now();
    await fn(r);
    samplesMs.push(performance.now() - t0);
  }
  return { samplesMs, inner: 1 };
}
