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

/** Multiply-adds per example for one cost-and-gradient evaluation (forward, δ and Δ), for sizing shards. */
export function workPerRow(layers: readonly number[], nnzPerRow: number): number {
  let work = 2 * nnzPerRow * layers[1];
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

/** Start of each shard (and the end): shard s is positions [starts[s], starts[s + 1]). */
export function shardStarts(count: number, shards: number, out: Int32Array): void {
  for (let s = 0; s <= shards; s++) out[s] = Math.floor((s * count) / shards);
}

/** Row boundaries of every sub-block of the full batch, shard by shard (the compressed-column blocks of X). */
export function fullBatchBlocks(m: number, shards: number, rowsPerBlock: number): { blockStart: Int32Array; shardBlock: Int32Array } {
  const starts = new Int32Array(shards + 1);
  shardStarts(m, shards, starts);
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
