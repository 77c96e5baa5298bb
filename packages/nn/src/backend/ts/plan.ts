/**
 * How a batch is cut into shards and sub-blocks. Every cut depends only on the batch size and the network shape —
 * never on the number of threads — and shard partial sums are added in shard order, so a result is the same bit for
 * bit with 1 thread or 8, run after run.
 *
 * - A shard is a contiguous range of the batch whose partial cost and gradient one thread computes; idle threads
 *   take the next shard, so a core that is busy elsewhere only delays its own shards.
 * - A sub-block is at most `blockRows` rows of a shard, small enough that its activations and deltas stay in
 *   cache. The full batch also keeps X in compressed columns per sub-block.
 */

/** Upper bound on shards: enough to balance a few cores; each shard's partial gradient costs memory. */
export const MAX_SHARDS = 16;
/** Smallest shard worth handing to another thread, in multiply-adds. */
const MIN_SHARD_WORK = 1 << 20;
/** Memory for shard partial gradients (shards × parameters × 8 bytes) stays under this. */
const PARTIAL_BYTES = 32 << 20;
/** Workspace per sub-block (activations and deltas of every layer). */
const WORKSPACE_BYTES = 1 << 20;
/** Sub-block rows are indexed with 16 bits in the compressed columns. */
const MAX_BLOCK_ROWS = 65535;

/**
 * Multiply-adds per example with `nonZeros` non-zero inputs on average: z1 += x·W1 and Δ1 += x·δ2 per non-zero,
 * the dense layers' forward, δ and Δ products, and the sigmoids (each about as dear as a few dozen multiply-adds).
 */
export function workPerRow(layers: readonly number[], nonZeros: number): number {
  let work = 2 * layers[1] * nonZeros;
  for (let l = 2; l < layers.length; l++) work += 3 * layers[l - 1] * layers[l];
  for (let l = 1; l < layers.length; l++) work += 24 * layers[l];
  return work;
}

/** Rows per sub-block: the activations A_l and deltas D_l of every layer fit in WORKSPACE_BYTES. */
export function blockRows(layers: readonly number[], override?: number): number {
  if (override !== undefined) return Math.min(MAX_BLOCK_ROWS, override);
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

/** Cuts positions 0..count−1 into `shards` runs of equal length (±1): shard s is [out[s], out[s+1]). */
export function shardStarts(count: number, shards: number, out: Int32Array): void {
  for (let s = 0; s <= shards; s++) out[s] = Math.floor((s * count) / shards);
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
