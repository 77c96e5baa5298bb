/**
 * How a batch is cut into shards and sub-blocks. Every cut depends only on the data and the network shape — never
 * on the number of threads — and shard partial sums are added in shard order, so a result is the same bit for bit
 * with 1 thread or 8, run after run.
 *
 * - A shard is a contiguous range of the batch whose partial cost and gradient one thread computes; idle threads
 *   take the next shard (dynamic, so a busy core elsewhere only delays its own shards).
 * - A sub-block is at most `blockRows` rows of a shard, small enough that its activations and deltas stay in
 *   cache. The full-batch plan also keeps X in compressed columns per sub-block.
 */

/** Upper bound on shards: enough for dynamic balance on a few cores; partial gradients cost memory per shard. */
export const MAX_SHARDS = 16;
/** Smallest shard worth handing to another thread: ~2²⁰ multiply-adds (about a millisecond). */
export const MIN_SHARD_WORK = 1 << 20;
/** Memory for shard partial gradients (shards × parameters × 8 bytes) stays under this. */
const PARTIAL_BYTES = 32 << 20;
/** Workspace per sub-block (activations and deltas of every layer). */
const WORKSPACE_BYTES = 1 << 20;
/** Sub-block rows are indexed with 16 bits in the compressed columns. */
export const MAX_BLOCK_ROWS = 65535;

/** Multiply-adds per non-zero input of an example: z1 += x·W1 and Δ1 += x·δ2, each s_1 wide. */
export function workPerNonZero(layers: readonly number[]): number {
  return 2 * layers[1];
}

/** Multiply-adds per example beyond its non-zeros: the dense layers (forward, δ, Δ) and the sigmoids. */
export function fixedWorkPerRow(layers: readonly number[]): number {
  let work = 0;
  for (let l = 2; l < layers.length; l++) work += 3 * layers[l - 1] * layers[l];
  // Each sigmoid / softplus costs roughly as much as a few dozen multiply-adds.
  for (let l = 1; l < layers.length; l++) work += 24 * layers[l];
  return work;
}

/** Rows per sub-block: the activations A_l and deltas D_l of every layer fit in WORKSPACE_BYTES. */
export function blockRows(layers: readonly number[], override?: number): number {
  if (override !== undefined) return Math.max(1, Math.min(MAX_BLOCK_ROWS, override));
  let perRow = 0;
  for (let l = 1; l < layers.length; l++) perRow += 2 * layers[l];
  return Math.max(1, Math.min(MAX_BLOCK_ROWS, Math.floor(WORKSPACE_BYTES / (8 * perRow))));
}

/** Most shards the network's partial gradients may use. */
export function maxShards(parameterCount: number): number {
  return Math.max(1, Math.min(MAX_SHARDS, Math.floor(PARTIAL_BYTES / (8 * parameterCount))));
}

/** Shards for a batch of `count` examples: one per `shardWork` of work, at most `limit`, at most `count`. */
export function shardCount(count: number, perRow: number, limit: number, shardWork = MIN_SHARD_WORK): number {
  return Math.max(1, Math.min(limit, count, Math.ceil((count * perRow) / shardWork)));
}

/**
 * Cuts positions 0..count−1 into `shards` contiguous runs of about equal work, where position q costs
 * `fixed + perNonZero · nnz(rows[q])` (a row's forward and gradient work grows with its non-zeros): shard s is
 * positions [out[s], out[s+1]). Depends only on the data, so every thread count gets the same cuts.
 */
export function shardStarts(
  rows: Uint32Array, count: number, shards: number, rowStart: Int32Array, fixed: number, perNonZero: number,
  out: Int32Array,
): void {
  let total = 0;
  for (let q = 0; q < count; q++) total += fixed + perNonZero * (rowStart[rows[q] + 1] - rowStart[rows[q]]);
  out[0] = 0;
  let s = 1;
  let done = 0;
  for (let q = 0; q < count && s < shards; q++) {
    done += fixed + perNonZero * (rowStart[rows[q] + 1] - rowStart[rows[q]]);
    while (s < shards && done >= (total * s) / shards) out[s++] = q + 1;
  }
  while (s <= shards) out[s++] = count;
}

/** Row boundaries of every sub-block of the full batch, shard by shard (the compressed-column blocks of X). */
export function fullBatchBlocks(
  m: number, starts: Int32Array, shards: number, rowsPerBlock: number,
): { blockStart: Int32Array; shardBlock: Int32Array } {
  const bounds: number[] = [];
  const shardBlock = new Int32Array(shards + 1);
  for (let s = 0; s < shards; s++) {
    shardBlock[s] = bounds.length;
    for (let q = starts[s]; q < starts[s + 1]; q += rowsPerBlock) bounds.push(q);
  }
  shardBlock[shards] = bounds.length;
  bounds.push(m);
  return { blockStart: Int32Array.from(bounds), shardBlock };
}
