import { InvalidArgumentError, ShapeError } from '../../errors.js';
import type { Matrix } from '../../matrix.js';
import { checkLayers, describe, thetaOffsets, type LayerSizes } from '../../network/layers.js';
import type { ResidentNetwork } from '../types.js';
import { NetworkBusyError, NetworkDisposedError } from './errors.js';
import { MAIN_ID, postJob, takeShards } from './jobs.js';
import { shardCount, shardStarts } from './plan.js';
import { ShardPool } from './pool.js';
import { createResident, JOB_FULL, JOB_ROWS, type PlanOptions, type Resident } from './resident.js';
import { ShardRunner } from './shard.js';
import { checkThreads, getTsThreads } from './threads.js';

/** Below this much work (multiply-adds) per evaluation, other threads cost more than they save. */
const PARALLEL_MIN_WORK = 4 << 20;

export interface TsNetworkOptions {
  /** Threads for this network (calling thread + workers); default getTsThreads(). Results do not depend on it. */
  threads?: number;
  /** Smallest evaluation (multiply-adds) that uses worker threads; default ~4·10⁶. */
  minParallelWork?: number;
  /**
   * How the work is cut: multiply-adds per shard and rows per sub-block. Results depend on these cuts (to
   * rounding), never on the thread count; the defaults suit real data, small values exercise many shards.
   */
  plan?: PlanOptions;
}

export interface TsNetworkDiagnostics {
  /** Shards of the last evaluation, and how many of them worker threads computed. */
  shards: number;
  shardsOnWorkers: number;
  /** Worker threads alive now. */
  workers: number;
  /** Why no worker threads are used, when none are. */
  reason?: string;
}

/** Workers are terminated when a network is garbage-collected without dispose(). */
const pools = new FinalizationRegistry<ShardPool>((pool) => void pool.dispose());

/**
 * The pure-TypeScript fused forward/backward pass over a resident data set.
 *
 * X is kept compressed (rows for the forward product, columns per sub-block for δ2ᵀ·X), the inner loops are
 * plain loops per layer (kernels.ts), and one evaluation is cut into shards that the
 * calling thread and worker threads take in turn. Shard cuts depend only on the data and the shape, and shard
 * sums are added in order, so results are identical run to run and for any thread count.
 */
export class TsNetwork implements ResidentNetwork {
  readonly backend = 'ts' as const;
  readonly layers: LayerSizes;
  readonly m: number;
  readonly parameterCount: number;
  private r: Resident | null;
  private readonly runner: ShardRunner;
  private readonly offsets: number[];
  private readonly total: Float64Array;
  private readonly threads: number | undefined;
  private readonly minParallelWork: number;
  private pool: ShardPool | null = null;
  private poolReason: string | undefined;
  private evaluations = 0;
  private inFlight = false;
  private disposeWhenIdle = false;
  private lastShards = 0;
  private exited: Promise<void> = Promise.resolve();

  constructor(layers: LayerSizes, X: Matrix, Y: Matrix, options: TsNetworkOptions = {}) {
    this.layers = [...checkLayers(layers)];
    if (options.threads !== undefined) this.threads = checkThreads(options.threads, 'threads');
    this.minParallelWork = options.minParallelWork ?? PARALLEL_MIN_WORK;
    if (!(this.minParallelWork >= 0)) {
      throw new InvalidArgumentError(`minParallelWork: expected a number ≥ 0, got ${String(options.minParallelWork)}`);
    }
    this.m = X.rows;
    const plan = options.plan ?? {};
    for (const key of ['shardWork', 'blockRows'] as const) {
      const v = plan[key];
      if (v !== undefined && !(Number.isSafeInteger(v) && v >= 1)) {
        throw new InvalidArgumentError(`plan.${key}: expected a positive integer, got ${String(v)}`);
      }
    }
    this.r = createResident(this.layers, X, Y, plan);
    this.parameterCount = this.r.parameterCount;
    this.offsets = thetaOffsets(this.layers);
    this.total = new Float64Array(this.parameterCount);
    this.runner = new ShardRunner(this.r);
  }

  costGradient(theta: Float64Array, lambda: number, grad: Float64Array, rows?: Uint32Array): number {
    const r = this.live('costGradient');
    if (this.inFlight) throw new NetworkBusyError('costGradient');
    this.check(theta, lambda, grad, rows);
    // Even when this evaluation does not want workers, a worker that is being parked may still claim a shard of
    // it: with a pool, always wait until every shard is done (runSync) before summing.
    const pool = this.post(r, theta, rows) ?? this.pool;
    if (pool) {
      try {
        pool.runSync(this.runner);
      } finally {
        this.warnIfBroken(pool);
      }
    } else {
      takeShards(r, this.runner, MAIN_ID);
    }
    return this.finish(r, lambda, theta, grad, rows ? rows.length : this.m);
  }

  /**
   * The same evaluation off the calling thread when worker threads are running (θ and rows are copied when
   * called, grad is written when it resolves); inline otherwise. One call may be in flight per network.
   */
  async costGradientAsync(theta: Float64Array, lambda: number, grad: Float64Array, rows?: Uint32Array): Promise<number> {
    const r = this.live('costGradientAsync');
    if (this.inFlight) throw new NetworkBusyError('costGradientAsync');
    this.check(theta, lambda, grad, rows);
    const thetaCopy = Float64Array.from(theta);
    const B = rows ? rows.length : this.m;
    const pool = this.post(r, theta, rows);
    if (!pool || pool.live === 0) {
      if (this.pool) this.pool.runSync(this.runner);
      else takeShards(r, this.runner, MAIN_ID);
      return this.finish(r, lambda, thetaCopy, grad, B);
    }
    this.inFlight = true;
    try {
      await pool.runAsync(this.runner);
      return this.finish(r, lambda, thetaCopy, grad, B);
    } finally {
      this.warnIfBroken(pool);
      this.inFlight = false;
      if (this.disposeWhenIdle) this.dispose();
    }
  }

  /** Worker threads stopped being used (a worker failed): say so once; results are unaffected. */
  private warnIfBroken(pool: ShardPool): void {
    if (pool.broken === null || this.warnedBroken) return;
    this.warnedBroken = true;
    process.emitWarning(`TS backend: worker threads disabled for this network, continuing on one thread: ${pool.broken}`, {
      code: 'BACKPROP_TS_WORKERS',
    });
  }
  private warnedBroken = false;

  /** Shards and threads of the last evaluation. */
  diagnostics(): TsNetworkDiagnostics {
    const r = this.r;
    let onWorkers = 0;
    if (r) for (let s = 0; s < this.lastShards; s++) if (r.computedBy[s] !== MAIN_ID) onWorkers++;
    const d: TsNetworkDiagnostics = { shards: this.lastShards, shardsOnWorkers: onWorkers, workers: this.pool?.live ?? 0 };
    const reason = this.pool?.broken ?? this.poolReason;
    if (reason !== undefined && reason !== null) d.reason = reason;
    return d;
  }

  /** Resolves once every spawned worker has started (or after timeoutMs). For tests and benchmarks. */
  async workersReady(timeoutMs = 10_000): Promise<number> {
    const until = Date.now() + timeoutMs;
    while (this.pool && this.pool.live < this.pool.size && this.pool.broken === null && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return this.pool?.live ?? 0;
  }

  /** Frees the resident buffers and terminates worker threads (after an in-flight async call finishes). */
  dispose(): void {
    if (this.inFlight) {
      this.disposeWhenIdle = true;
      return;
    }
    if (this.pool) {
      pools.unregister(this);
      this.exited = this.pool.dispose();
      this.pool = null;
    }
    this.r = null;
  }

  /** Resolves when every worker thread this network started has exited (after dispose). */
  workersExited(): Promise<void> {
    return this.exited;
  }

  private live(method: string): Resident {
    if (this.r === null || this.disposeWhenIdle) throw new NetworkDisposedError(method);
    return this.r;
  }

  private check(theta: Float64Array, lambda: number, grad: Float64Array, rows: Uint32Array | undefined): void {
    const P = this.parameterCount;
    if (!(theta instanceof Float64Array) || theta.length !== P) {
      throw new ShapeError(`theta: expected Float64Array of length ${P}, got ${describe(theta)}`);
    }
    if (!(grad instanceof Float64Array) || grad.length !== P) {
      throw new ShapeError(`grad: expected Float64Array of length ${P}, got ${describe(grad)}`);
    }
    if (grad.buffer === theta.buffer) {
      const a = grad.byteOffset;
      const b = theta.byteOffset;
      if (a < b + theta.byteLength && b < a + grad.byteLength) {
        throw new InvalidArgumentError('grad: expected memory disjoint from theta, got an overlapping view');
      }
    }
    if (typeof lambda !== 'number' || !Number.isFinite(lambda) || lambda < 0) {
      throw new InvalidArgumentError(`lambda: expected a finite number ≥ 0, got ${String(lambda)}`);
    }
    if (rows !== undefined) {
      if (!(rows instanceof Uint32Array)) throw new InvalidArgumentError(`rows: expected Uint32Array, got ${describe(rows)}`);
      if (rows.length < 1 || rows.length > this.m) {
        throw new ShapeError(`rows: expected Uint32Array of length 1..${this.m}, got length ${rows.length}`);
      }
      for (let q = 0; q < rows.length; q++) {
        if (rows[q] >= this.m) {
          throw new InvalidArgumentError(`rows: expected row indices < ${this.m}, got ${rows[q]} at index ${q}`);
        }
      }
    }
  }

  /** Writes the job (θ, rows, shard starts) into shared memory; returns the pool when worker threads take part. */
  private post(r: Resident, theta: Float64Array, rows: Uint32Array | undefined): ShardPool | null {
    const count = rows ? rows.length : this.m;
    const shards = rows ? shardCount(count, r.perRow, r.maxShards, r.shardWork) : r.fullShards;
    const pool = this.poolFor(shards, count * r.perRow);
    postJob(r, rows ? JOB_ROWS : JOB_FULL, count, shards, () => {
      r.theta.set(theta);
      if (rows) r.rows.set(rows);
      if (rows) shardStarts(r.rows, count, shards, r.rowStart, r.fixedPerRow, r.perNonZero, r.shardStart);
      else r.shardStart.set(r.fullShardStart);
    });
    this.lastShards = shards;
    this.evaluations++;
    return pool;
  }

  /**
   * Worker threads pay from the second evaluation of a big enough job (a one-shot `cost()` never starts one).
   * They start in the background; until they run, the calling thread takes every shard itself.
   */
  private poolFor(shards: number, work: number): ShardPool | null {
    const threads = this.threads ?? getTsThreads();
    const workers = Math.min(threads, shards) - 1;
    if (workers < 1 || work < this.minParallelWork || this.evaluations === 0) {
      if (this.pool && threads === 1) this.pool.resize(0);
      return this.pool && this.pool.live > 0 && work >= this.minParallelWork ? this.pool : null;
    }
    if (!this.pool) {
      if (!ShardPool.available()) {
        this.poolReason = 'worker script not built (run `npx tsc -b packages/nn`)';
        return null;
      }
      this.pool = new ShardPool(this.r as Resident);
      pools.register(this, this.pool, this);
    }
    if (this.pool.broken !== null) {
      this.warnIfBroken(this.pool);
      return null;
    }
    this.pool.resize(workers);
    return this.pool;
  }

  /** Σ over shards in shard order, then J = Σ/B + λ/(2B)·Σθ², ∇ = Δ/B + (λ/B)·θ (bias columns unregularised). */
  private finish(r: Resident, lambda: number, theta: Float64Array, grad: Float64Array, B: number): number {
    const { layers, parameterCount: P, partial, cost } = r;
    const shards = this.lastShards;
    const total = this.total;
    total.set(partial.subarray(0, P));
    let J = cost[0];
    for (let s = 1; s < shards; s++) {
      const o = s * P;
      for (let e = 0; e < P; e++) total[e] += partial[o + e];
      J += cost[s];
    }
    const scale = 1 / B;
    const reg = lambda / B;
    let penalty = 0;
    let g = 0;
    for (let l = 1; l < layers.length; l++) {
      const s = layers[l - 1];
      const t = layers[l];
      const off = this.offsets[l - 1];
      for (let j = 0; j < t; j++) grad[off + j * (s + 1)] = total[g + j] * scale;
      g += t;
      for (let k = 0; k < s; k++, g += t) {
        for (let j = 0; j < t; j++) {
          const at = off + j * (s + 1) + 1 + k;
          const w = theta[at];
          penalty += w * w;
          grad[at] = total[g + j] * scale + reg * w;
        }
      }
    }
    return J / B + (lambda / (2 * B)) * penalty;
  }
}
