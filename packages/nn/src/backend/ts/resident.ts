import type { Matrix } from '../../matrix.js';
import type { IndexArray } from './kernels.js';
import {
  blockRows, fixedWorkPerRow, fullBatchBlocks, MAX_SHARDS, maxShards, MIN_SHARD_WORK, shardCount, shardStarts,
  workPerNonZero,
} from './plan.js';
import { sharedArray } from './shared.js';
import { toCscBlocks, toCsr } from './sparse.js';

/** Slots of the control array (Int32, shared) through which the main thread posts jobs to shard workers. */
export const CTRL = {
  /** Job generation: bumped for every job; workers sleep on it. */
  GEN: 0,
  /** Next shard to take (Atomics.add); parked at PARKED while a job is being written. */
  NEXT: 1,
  /** Shards finished in the current job. */
  DONE: 2,
  /** Set to 1 to make workers return. */
  SHUTDOWN: 3,
  /** JOB_FULL or JOB_ROWS. */
  KIND: 4,
  /** Examples in the job (m, or the number of minibatch rows). */
  COUNT: 5,
  /** Shards in the job. */
  SHARDS: 6,
  /** Workers that have started. */
  READY: 7,
  /** ALIVE + w is 1 while worker w runs (set by the worker; cleared when it exits). */
  ALIVE: 16,
  /** ENABLED + w is 1 while worker w should take shards (0: parked). */
  ENABLED: 32,
} as const;
export const MAX_WORKERS = MAX_SHARDS - 1;
export const PARKED = 1 << 30;
export const JOB_FULL = 0;
export const JOB_ROWS = 1;
export const SHARD_PENDING = 0;
export const SHARD_DONE = 1;
export const SHARD_FAILED = 2;

/**
 * Everything a shard needs, in shared memory: the data set (X in compressed rows, and in compressed columns per
 * full-batch sub-block; Y), the current job (θ, minibatch rows, shard starts) and the results (per-shard partial
 * cost and gradient). A plain object of numbers and typed arrays, so it crosses to a worker as `workerData`
 * without copying the arrays.
 */
export interface Resident {
  readonly layers: readonly number[];
  readonly m: number;
  readonly n0: number;
  readonly K: number;
  readonly parameterCount: number;
  /** Multiply-adds per example on average, per non-zero input, and per example beyond its non-zeros. */
  readonly perRow: number;
  readonly perNonZero: number;
  readonly fixedPerRow: number;
  readonly shardWork: number;
  readonly blockRows: number;
  readonly maxShards: number;
  /** Shards of the full batch. */
  readonly fullShards: number;
  readonly rowStart: Int32Array;
  readonly col: IndexArray;
  readonly val: Float64Array;
  readonly cscColStart: Int32Array;
  readonly cscRow: Uint16Array;
  readonly cscVal: Float64Array;
  /** Shard starts of the full batch (fullShards + 1). */
  readonly fullShardStart: Int32Array;
  /** Full-batch sub-blocks: rows [blockStart[b], blockStart[b+1]); shard s owns blocks shardBlock[s]..[s+1]. */
  readonly blockStart: Int32Array;
  readonly shardBlock: Int32Array;
  readonly Y: Float64Array;
  /** 0..m−1, the row list of a full-batch job. */
  readonly allRows: Uint32Array;
  readonly theta: Float64Array;
  /** Minibatch rows of the current job (capacity m: a minibatch has at most m rows). */
  readonly rows: Uint32Array;
  readonly shardStart: Int32Array;
  /** Shard s's gradient sums at s·parameterCount (per layer: bias sums, then Δᵀ as s_{l−1} × s_l). */
  readonly partial: Float64Array;
  /** Shard s's cross-entropy sum. */
  readonly cost: Float64Array;
  readonly status: Int32Array;
  /** Which thread computed shard s in the last job (worker id, or MAIN_ID): diagnostics only. */
  readonly computedBy: Int32Array;
  readonly ctrl: Int32Array;
}

/** Copies X (compressed) and Y into shared memory and lays out the job and result buffers. */
/** How a network cuts its work (defaults from plan.ts; smaller values exercise many shards on small data). */
export interface PlanOptions {
  /** Multiply-adds per shard (default MIN_SHARD_WORK). */
  shardWork?: number;
  /** Rows per sub-block (default: what fits the workspace budget). */
  blockRows?: number;
}

export function createResident(
  layers: readonly number[], X: Matrix, Y: Matrix, plan: PlanOptions = {},
): Resident {
  const m = X.rows;
  const n0 = layers[0];
  const K = layers[layers.length - 1];
  let parameterCount = 0;
  for (let l = 1; l < layers.length; l++) parameterCount += layers[l] * (layers[l - 1] + 1);
  const csr = toCsr(X);
  const perNonZero = workPerNonZero(layers);
  const fixedPerRow = fixedWorkPerRow(layers);
  const perRow = fixedPerRow + (perNonZero * csr.val.length) / Math.max(1, m);
  const rowsPerBlock = blockRows(layers, plan.blockRows);
  const limit = maxShards(parameterCount);
  const shardWork = plan.shardWork ?? MIN_SHARD_WORK;
  const fullShards = shardCount(m, perRow, limit, shardWork);
  const allRows = sharedArray(Uint32Array, m);
  for (let i = 0; i < m; i++) allRows[i] = i;
  const fullShardStart = new Int32Array(fullShards + 1);
  shardStarts(allRows, m, fullShards, csr.rowStart, fixedPerRow, perNonZero, fullShardStart);
  const { blockStart, shardBlock } = fullBatchBlocks(m, fullShardStart, fullShards, rowsPerBlock);
  const csc = toCscBlocks(csr, blockStart);
  const Yshared = sharedArray(Float64Array, Y.data.length);
  Yshared.set(Y.data);
  return {
    layers: [...layers],
    m,
    n0,
    K,
    parameterCount,
    perRow,
    perNonZero,
    fixedPerRow,
    shardWork,
    blockRows: rowsPerBlock,
    maxShards: limit,
    fullShards,
    rowStart: csr.rowStart,
    col: csr.col,
    val: csr.val,
    cscColStart: csc.colStart,
    cscRow: csc.row,
    cscVal: csc.val,
    fullShardStart,
    blockStart,
    shardBlock,
    Y: Yshared,
    allRows,
    theta: sharedArray(Float64Array, parameterCount),
    rows: sharedArray(Uint32Array, m),
    shardStart: sharedArray(Int32Array, limit + 1),
    partial: sharedArray(Float64Array, limit * parameterCount),
    cost: sharedArray(Float64Array, limit),
    status: sharedArray(Int32Array, limit),
    computedBy: sharedArray(Int32Array, limit),
    ctrl: sharedArray(Int32Array, CTRL.ENABLED + MAX_WORKERS),
  };
}
