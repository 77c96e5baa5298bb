import { InvalidArgumentError, ShapeError } from '../../errors.js';
import type { Matrix } from '../../matrix.js';
import { checkActivations, seedActivations, type Activations } from '../../network/activations.js';
import { checkDtype, type Dtype } from '../../network/dtype.js';
import { checkLayers, describe, type LayerSizes } from '../../network/layers.js';
import { addPenalty } from '../../network/penalty.js';
import type { ResidentNetwork } from '../types.js';
import { NetworkBusyError, NetworkDisposedError } from './errors.js';
import { shardCount, shardStarts } from './plan.js';
import { ShardPool } from './pool.js';
import { createResident, JOB_FULL, JOB_GEN, JOB_KIND, JOB_ROWS, type PlanOptions, type Resident } from './resident.js';
import { ShardRunner } from './shard.js';
import { checkThreads, getTsThreads } from './threads.js';

/** Below this much work (multiply-adds) per evaluation, other threads cost more than they save. */
const PARALLEL_MIN_WORK = 4 << 20;

export interface TsNetworkOptions {
  /** Each hidden layer's activation and the output's; default the seed's network (sigmoid everywhere). */
  activations?: Activations;
  /** float64 (default) or float32: X, Y, θ's copy, activations, deltas and gradient sums stored in float32. */
  dtype?: Dtype;
  /** Threads for this network (calling thread + workers); default getTsThreads(). Results do not depend on it. */
  threads?: number;
  /** Smallest evaluation (multiply-adds) that starts worker threads; default ~4·10⁶. */
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
 * plain loops per layer (kernels.ts), and one evaluation is cut into shards that the calling thread and worker
 * threads take in turn (pool.ts). Shard cuts depend only on the data and the shape, and shard sums are added in
 * order, so results are identical run to run and for any thread count.
 */
export class TsNetwork implements ResidentNetwork {
  readonly backend = 'ts' as const;
  readonly layers: LayerSizes;
  readonly m: number;
  readonly parameterCount: number;
  readonly dtype: Dtype;
  private r: Resident | null;
  private readonly runner: ShardRunner;
  private readonly threads: number | undefined;
  private readonly minParallelWork: number;
  /** Worker threads, once an evaluation is big enough; null while the calling thread works alone. */
  private pool: ShardPool | null = null;
  /** Why no pool is made any more (worker script not built, or a worker failed). */
  private poolReason: string | undefined;
  private evaluations = 0;
  private shards = 0;
  private inFlight = false;
  private disposeWhenIdle = false;
  private exited: Promise<unknown> = Promise.resolve();

  constructor(layers: LayerSizes, X: Matrix, Y: Matrix, options: TsNetworkOptions = {}) {
    this.layers = [...checkLayers(layers)];
    if (options.threads !== undefined) this.threads = checkThreads(options.threads, 'threads');
    this.minParallelWork = options.minParallelWork ?? PARALLEL_MIN_WORK;
    if (!(this.minParallelWork >= 0)) {
      throw new InvalidArgumentError(`minParallelWork: expected a number ≥ 0, got ${String(options.minParallelWork)}`);
    }
    const plan = options.plan ?? {};
    for (const key of ['shardWork', 'blockRows'] as const) {
      const v = plan[key];
      if (v !== undefined && !(Number.isSafeInteger(v) && v >= 1)) {
        throw new InvalidArgumentError(`plan.${key}: expected a positive integer, got ${String(v)}`);
      }
    }
    this.m = X.rows;
    const activations = checkActivations(options.activations ?? seedActivations(this.layers), this.layers);
    this.dtype = checkDtype(options.dtype ?? 'float64');
    this.r = createResident(this.layers, X, Y, plan, activations, this.dtype);
    this.parameterCount = this.r.parameterCount;
    this.runner = new ShardRunner(this.r);
  }

  costGradient(theta: Float64Array, lambda: number, grad: Float64Array, rows?: Uint32Array): number {
    const r = this.post('costGradient', theta, lambda, grad, rows);
    this.runHere();
    return this.finish(r, lambda, grad, rows ? rows.length : this.m);
  }

  /**
   * The same evaluation off the calling thread when worker threads are running (θ and rows are copied when
   * called, grad is written when it resolves); inline otherwise. One call may be in flight per network.
   */
  async costGradientAsync(theta: Float64Array, lambda: number, grad: Float64Array, rows?: Uint32Array): Promise<number> {
    const r = this.post('costGradientAsync', theta, lambda, grad, rows);
    const B = rows ? rows.length : this.m;
    const pool = this.pool;
    if (!pool || pool.live === 0) {
      this.runHere();
      return this.finish(r, lambda, grad, B);
    }
    this.inFlight = true;
    try {
      await pool.runAsync(this.runner);
      return this.finish(r, lambda, grad, B);
    } finally {
      this.inFlight = false;
      if (this.disposeWhenIdle) this.dispose();
    }
  }

  /** Shards and threads of the last evaluation. */
  diagnostics(): TsNetworkDiagnostics {
    const pool = this.pool;
    const d: TsNetworkDiagnostics = { shards: this.shards, shardsOnWorkers: pool?.shardsOnWorkers ?? 0, workers: pool?.live ?? 0 };
    const reason = pool?.broken ?? this.poolReason;
    if (reason !== undefined && reason !== null) d.reason = reason;
    return d;
  }

  /** Frees the resident buffers and terminates worker threads (after an in-flight async call finishes). */
  dispose(): void {
    if (this.inFlight) {
      this.disposeWhenIdle = true;
      return;
    }
    if (this.pool) this.retirePool();
    this.r = null;
  }

  /** Resolves when every worker thread this network started has exited (after dispose). */
  async workersExited(): Promise<void> {
    await this.exited;
  }

  /** Checks the arguments and writes the job (θ, rows, shard starts) where the shards read it. */
  private post(method: string, theta: Float64Array, lambda: number, grad: Float64Array, rows?: Uint32Array): Resident {
    const r = this.r;
    if (r === null || this.disposeWhenIdle) throw new NetworkDisposedError(method);
    if (this.inFlight) throw new NetworkBusyError(method);
    this.check(theta, lambda, grad, rows);
    const count = rows ? rows.length : this.m;
    const shards = rows ? shardCount(count, r.perRow, r.maxShards, r.shardWork) : r.fullShards;
    this.shards = shards;
    const write = (): void => {
      r.theta.set(theta);
      r.job[JOB_KIND] = rows ? JOB_ROWS : JOB_FULL;
      r.job[JOB_GEN]++;
      if (rows) r.rows.set(rows);
      if (rows) shardStarts(count, shards, r.shardStart);
      else r.shardStart.set(r.fullShardStart);
    };
    const pool = this.poolFor(r, count * r.perRow);
    if (pool) pool.post(shards, write);
    else write();
    this.evaluations++;
    return r;
  }

  /** Runs the posted job on the calling thread, with the pool's workers when there is a pool. */
  private runHere(): void {
    if (this.pool) this.pool.runSync(this.runner);
    else for (let s = 0; s < this.shards; s++) this.runner.run(s);
  }

  /**
   * Worker threads pay from the second evaluation of a big enough job (a one-shot `cost()` never starts one). They
   * start in the background; until they run, the calling thread takes every shard itself. Once made, the pool
   * serves every job until the thread count changes or a worker fails.
   */
  private poolFor(r: Resident, work: number): ShardPool | null {
    const workers = Math.min(this.threads ?? getTsThreads(), r.maxShards) - 1;
    if (this.pool && (this.pool.broken !== null || this.pool.size !== workers)) this.retirePool();
    if (this.pool || this.poolReason !== undefined) return this.pool;
    if (workers < 1 || this.shards < 2 || work < this.minParallelWork || this.evaluations === 0) return null;
    if (!ShardPool.available()) {
      this.poolReason = 'worker script not built (run `npx tsc -b packages/nn`)';
      return null;
    }
    this.pool = new ShardPool(r, workers);
    pools.register(this, this.pool, this);
    return this.pool;
  }

  /** Terminates the pool's workers; when one had failed, says so once and stays on one thread (same results). */
  private retirePool(): void {
    const pool = this.pool as ShardPool;
    if (pool.broken !== null) {
      this.poolReason = pool.broken;
      process.emitWarning(`TS backend: worker threads disabled for this network, continuing on one thread: ${pool.broken}`, {
        code: 'BACKPROP_TS_WORKERS',
      });
    }
    pools.unregister(this);
    this.exited = Promise.all([this.exited, pool.dispose()]);
    this.pool = null;
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

  /**
   * J = Σ_shards cost / B + the L2 term; ∇ = Σ_shards Δ / B + the L2 term. Shard sums are added in shard order;
   * `partial` holds per layer the bias sums (t), then Δᵀ (s × t), and grad takes Θ's layout (t × (s + 1)). The L2
   * term reads θ as the network holds it (float32: rounded); a float32 gradient is rounded to float32 and widened.
   */
  private finish(r: Resident, lambda: number, grad: Float64Array, B: number): number {
    const { layers, parameterCount: P, partial, cost } = r;
    const shards = this.shards;
    const scale = 1 / B;
    const sum = (e: number): number => {
      let v = partial[e];
      for (let s = 1; s < shards; s++) v += partial[s * P + e];
      return v;
    };
    let J = cost[0];
    for (let s = 1; s < shards; s++) J += cost[s];
    for (let l = 1, g = 0, off = 0; l < layers.length; l++) {
      const s = layers[l - 1];
      const t = layers[l];
      for (let j = 0; j < t; j++) grad[off + j * (s + 1)] = sum(g + j) * scale;
      g += t;
      for (let k = 0; k < s; k++, g += t) for (let j = 0; j < t; j++) grad[off + j * (s + 1) + 1 + k] = sum(g + j) * scale;
      off += t * (s + 1);
    }
    const J2 = J / B + addPenalty(layers, r.theta, lambda, B, grad);
    if (r.dtype === 'float32') for (let p = 0; p < P; p++) grad[p] = Math.fround(grad[p]);
    return J2;
  }
}
