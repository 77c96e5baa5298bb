/**
 * The peak dgemm rate of this machine, measured in the same run: the native addon's `gemm` (OpenBLAS) on n×n
 * matrices with the benchmark's thread count. Every row's floor is its FLOPs divided by this rate.
 */
import * as core from '@backprop/core-native';
import { Rng } from '@backprop/nn';
import { gemmFlops } from './flops.js';
import { median, sampleSync } from './timing.js';

export interface PeakRate {
  n: number;
  gflops: number | null;
  samplesMs: number[];
  reason?: string;
}

export function measurePeak(n: number, repeat: number): PeakRate {
  if (!core.nativeStatus().available) {
    return { n, gflops: null, samplesMs: [], reason: core.nativeStatus().reason ?? 'native addon unavailable' };
  }
  const rng = new Rng(7);
  const A = new Float64Array(n * n).map(() => rng.uniform(-1, 1));
  const B = new Float64Array(n * n).map(() => rng.uniform(-1, 1));
  const C = new Float64Array(n * n);
  const { samplesMs } = sampleSync(() => core.gemm(false, false, n, n, n, 1, A, B, 0, C), repeat, 0);
  const ms = median(samplesMs);
  return { n, gflops: ms === null ? null : gemmFlops(n) / (ms * 1e6), samplesMs };
}
