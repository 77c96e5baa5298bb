import type { LayerSizes } from '@backprop/nn';
/**
 * FLOP counts of the workloads, counting the dense matrix products only (2·m·n·k each); the elementwise work
 * (sigmoid, log, the Adam update) is O(m·units) and left out, so floors are lower bounds. The data's zeros are
 * counted as if they were not there: a kernel that skips them can beat the floor.
 */

/**
 * One regularised cost + gradient over m examples: forward, output-to-input deltas, gradient products. With
 * `inputNonzeros` (the nonzero entries of X), the two products with X count only those entries plus the bias
 * column: the work of a kernel that skips the zeros of the input.
 */
export function costGradientFlops(layers: LayerSizes, m: number, inputNonzeros?: number): number {
  let flops = 0;
  for (let l = 0; l + 1 < layers.length; l++) {
    const entries = l === 0 && inputNonzeros !== undefined ? m + inputNonzeros : m * (layers[l] + 1);
    flops += 2 * entries * layers[l + 1]; // z(l+1) = a(l) Θ(l)ᵀ
    flops += 2 * entries * layers[l + 1]; // D(l) = δ(l+1)ᵀ a(l)
    if (l > 0) flops += 2 * m * layers[l] * layers[l + 1]; // δ(l) = δ(l+1) Θ(l)[:, 1:]
  }
  return flops;
}

export function nonzeros(values: Float64Array): number {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (values[i] !== 0) n++;
  return n;
}

/** The peak-rate probe: one n×n by n×n product. */
export function gemmFlops(n: number): number {
  return 2 * n * n * n;
}

/** Milliseconds the FLOPs take at `gflops` (null when the peak is unknown). */
export function floorMs(flops: number | null, gflops: number | null): number | null {
  if (flops === null || gflops === null || !(gflops > 0)) return null;
  return flops / (gflops * 1e6);
}
