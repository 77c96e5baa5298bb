import type { Matrix } from '../../matrix.js';
import { seedActivations, type Activations } from '../../network/activations.js';
import type { Dtype } from '../../network/dtype.js';
import { activationCode } from './kernels.js';
import { blockRows, fullBatchBlocks, maxShards, shardCount, shardStarts, workPerRow } from './plan.js';
import { sharedArray, sharedFloats, toCscBlocks, toCsr } from './sparse.js';

/** Slots of `Resident.job`: the kind of the current job (JOB_FULL or JOB_ROWS) and its generation (θ's version). */
export const JOB_KIND = 0;
export const JOB_GEN = 1;
export const JOB_FULL = 0;
export const JOB_ROWS = 1;

/** How a network cuts its work (defaults from plan.ts; small values exercise many shards on small data). */
export interface PlanOptions {
  /** Multiply-adds per shard. */
  shardWork?: number;
  /** Rows per sub-block (default: what fits the workspace budget). */
  blockRows?: number;
}

/**
 * Everything a shard needs, in shared memory: the data set (X in compressed rows, and in compressed columns per
 * full-batch sub-block; Y), the current job (θ, minibatch rows, shard starts) and the results (per-shard partial
 * cost and gradient). A plain object of numbers and typed arrays, so it crosses to a worker as `workerData`
 * without copying the arrays.
 */
export type Resident = ReturnType<typeof createResident>;

/**
 * Copies X (compressed) and Y into shared memory and lays out the job and result buffers. `activations` (checked
 * by the caller) default to the seed's network. With `dtype` float32, X, Y, θ and the partial sums are Float32Arrays
 * (X, Y and θ rounded to nearest as they are stored).
 */
export function createResident(
  layers: readonly number[], X: Matrix, Y: Matrix, plan: PlanOptions = {}, activations: Activations = seedActivations(layers),
  dtype: Dtype = 'float64',
) {
  const m = X.rows;
  let parameterCount = 0;
  for (let l = 1; l < layers.length; l++) parameterCount += layers[l] * (layers[l - 1] + 1);
  const csr = toCsr(X, dtype);
  const perRow = workPerRow(layers, csr.val.length / Math.max(1, m));
  const rowsPerBlock = blockRows(layers, plan.blockRows);
  const limit = maxShards(parameterCount);
  const fullShards = shardCount(m, perRow, limit, plan.shardWork);
  const allRows = sharedArray(Uint32Array, m);
  for (let i = 0; i < m; i++) allRows[i] = i;
  const fullShardStart = new Int32Array(fullShards + 1);
  shardStarts(m, fullShards, fullShardStart);
  const { blockStart, shardBlock } = fullBatchBlocks(m, fullShardStart, fullShards, rowsPerBlock);
  const csc = toCscBlocks(csr, blockStart);
  const Yshared = sharedFloats(dtype, Y.data.length);
  Yshared.set(Y.data);
  return {
    layers: [...layers] as readonly number[],
    dtype,
    m,
    n0: layers[0],
    K: layers[layers.length - 1],
    /** Each hidden layer's activation code (kernels.ts), whether the output is a softmax, and leaky_relu's α. */
    hidden: activations.hidden.map(activationCode),
    softmax: activations.output === 'softmax',
    alpha: activations.leakySlope,
    parameterCount,
    /** Multiply-adds per example, on average. */
    perRow,
    shardWork: plan.shardWork,
    blockRows: rowsPerBlock,
    maxShards: limit,
    /** Shards of the full batch, and where each starts (fullShards + 1 entries). */
    fullShards,
    fullShardStart,
    /** X in compressed rows, and in compressed columns per full-batch sub-block. */
    rowStart: csr.rowStart,
    col: csr.col,
    val: csr.val,
    cscColStart: csc.colStart,
    cscRow: csc.row,
    cscVal: csc.val,
    /** Full-batch sub-blocks: rows [blockStart[b], blockStart[b+1]); shard s owns blocks shardBlock[s]..[s+1]. */
    blockStart,
    shardBlock,
    Y: Yshared,
    /** 0..m−1, the row list of a full-batch job. */
    allRows,
    /** The job: its kind and generation (JOB_KIND, JOB_GEN), θ, minibatch rows (at most m), shard starts. */
    job: sharedArray(Int32Array, 2),
    theta: sharedFloats(dtype, parameterCount),
    rows: sharedArray(Uint32Array, m),
    shardStart: sharedArray(Int32Array, limit + 1),
    /** Shard s's gradient sums at s·parameterCount (per layer: bias sums, then Δᵀ as s_{l−1} × s_l). */
    partial: sharedFloats(dtype, limit * parameterCount),
    /** Shard s's cross-entropy sum. */
    cost: sharedArray(Float64Array, limit),
  };
}
