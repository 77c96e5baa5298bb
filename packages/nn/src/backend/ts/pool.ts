import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { MAIN_ID, SHARD_RUNNING, runShard, takeShards } from './jobs.js';
import { CTRL, MAX_WORKERS, SHARD_DONE, SHARD_FAILED, SHARD_PENDING, type Resident } from './resident.js';
import type { ShardRunner } from './shard.js';

/**
 * The compiled worker script. Resolved against this file so it works from src/ (tests) and from dist/; it needs
 * `npx tsc -b packages/nn` first — without it the pool stays empty and everything runs on the calling thread.
 */
const WORKER_URL = new URL('../../../dist/backend/ts/shard-worker.js', import.meta.url);
/** Atomics.waitAsync (Node ≥ 16; not yet in TypeScript's ES2023 lib). */
type WaitAsync = (
  a: Int32Array, index: number, value: number, timeoutMs: number,
) => { async: false; value: 'not-equal' | 'timed-out' } | { async: true; value: Promise<'ok' | 'timed-out'> };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

/** How long the main thread sleeps between checks for shards orphaned by a dead worker. */
const RECLAIM_AFTER_MS = 250;

/**
 * Worker threads that take shards of the jobs posted in the resident control array. Workers are unref'd (they
 * never keep the process alive), share the resident data instead of copying it, and are terminated by dispose().
 * A worker that throws or dies only loses its shard: the main thread redoes it, then stops using the pool.
 */
export class ShardPool {
  private readonly r: Resident;
  /** Worker in each slot; a slot is spawned at most once, so a late exit can never be mistaken for its successor. */
  private readonly workers: (Worker | null)[] = [];
  private readonly spawnedOnce: boolean[] = [];
  private readonly exits: Promise<void>[] = [];
  /** Why the pool stopped taking work (a worker failed), or null. */
  broken: string | null = null;

  constructor(resident: Resident) {
    this.r = resident;
  }

  /** Whether the compiled worker script exists (is the package built?). */
  static available(): boolean {
    return existsSync(fileURLToPath(WORKER_URL));
  }

  /** Workers spawned and not terminated. */
  get size(): number {
    return this.workers.filter((w) => w !== null).length;
  }

  /** Workers that have started, are running and are enabled (take shards). */
  get live(): number {
    const { ctrl } = this.r;
    let n = 0;
    this.workers.forEach((w, id) => {
      if (w && Atomics.load(ctrl, CTRL.ALIVE + id) === 1 && Atomics.load(ctrl, CTRL.ENABLED + id) === 1) n++;
    });
    return n;
  }

  /**
   * n workers take shards (spawned on first need). Workers beyond n are parked, not terminated: a thread that is
   * terminated could be cut off inside a shard, while a parked one finishes what it took and then sleeps.
   */
  resize(n: number): void {
    const want = Math.max(0, Math.min(MAX_WORKERS, n));
    if (this.broken !== null) return;
    for (let id = 0; id < MAX_WORKERS; id++) {
      if (id < want && !this.workers[id] && !this.spawnedOnce[id]) this.spawn(id);
      Atomics.store(this.r.ctrl, CTRL.ENABLED + id, id < want ? 1 : 0);
    }
  }

  private spawn(id: number): void {
    this.spawnedOnce[id] = true;
    let worker: Worker;
    try {
      worker = new Worker(WORKER_URL, { workerData: { resident: this.r, id } });
    } catch (err) {
      this.broken = `could not start a shard worker: ${err instanceof Error ? err.message : String(err)}`;
      return;
    }
    worker.unref();
    worker.on('error', (err) => {
      this.broken = `shard worker ${id} failed: ${err instanceof Error ? err.message : String(err)}`;
    });
    this.exits[id] = new Promise((resolve) =>
      worker.once('exit', (code) => {
        Atomics.store(this.r.ctrl, CTRL.ALIVE + id, 0);
        if (this.workers[id] === worker) {
          // Not terminated by dispose(): retire the pool (a shard it held is redone by the main thread).
          this.workers[id] = null;
          this.broken ??= `shard worker ${id} exited unexpectedly (code ${code})`;
        }
        resolve();
      }),
    );
    this.workers[id] = worker;
  }

  /**
   * Runs the posted job with the calling (main) thread taking shards too, and blocks until every shard is done.
   * Main may block in Atomics.wait: it only waits for shards a worker has already taken.
   */
  runSync(runner: ShardRunner): void {
    takeShards(this.r, runner, MAIN_ID);
    const shards = Atomics.load(this.r.ctrl, CTRL.SHARDS);
    for (;;) {
      const done = Atomics.load(this.r.ctrl, CTRL.DONE);
      if (done >= shards) break;
      if (Atomics.wait(this.r.ctrl, CTRL.DONE, done, RECLAIM_AFTER_MS) === 'timed-out') this.reclaim(runner, shards);
    }
    this.redoFailed(runner, shards);
  }

  /** Runs the posted job on the workers only; the calling thread stays free until it resolves. */
  async runAsync(runner: ShardRunner): Promise<void> {
    const shards = Atomics.load(this.r.ctrl, CTRL.SHARDS);
    for (;;) {
      const done = Atomics.load(this.r.ctrl, CTRL.DONE);
      if (done >= shards) break;
      if (this.live === 0 && (this.broken !== null || this.size === 0)) {
        takeShards(this.r, runner, MAIN_ID);
        this.reclaim(runner, shards);
        continue;
      }
      const wait = waitAsync(this.r.ctrl, CTRL.DONE, done, RECLAIM_AFTER_MS);
      const outcome = wait.async ? await wait.value : wait.value;
      if (outcome === 'timed-out') this.reclaim(runner, shards);
    }
    this.redoFailed(runner, shards);
  }

  /** Takes over shards that nobody is computing: not yet started, or held by a worker that has exited. */
  private reclaim(runner: ShardRunner, shards: number): void {
    const { status, ctrl } = this.r;
    for (let s = 0; s < shards; s++) {
      const st = Atomics.load(status, s);
      const holder = st - SHARD_RUNNING;
      const orphan =
        st === SHARD_PENDING ||
        (holder >= 0 && holder < MAX_WORKERS && Atomics.load(ctrl, CTRL.ALIVE + holder) === 0);
      if (!orphan) continue;
      if (st !== SHARD_PENDING && Atomics.compareExchange(status, s, st, SHARD_PENDING) !== st) continue;
      runShard(this.r, runner, s, MAIN_ID);
    }
  }

  /** Shards a worker threw on are computed again on the main thread (rethrowing there); the pool is retired. */
  private redoFailed(runner: ShardRunner, shards: number): void {
    const { status } = this.r;
    for (let s = 0; s < shards; s++) {
      if (Atomics.load(status, s) !== SHARD_FAILED) continue;
      this.broken ??= `a shard worker threw on shard ${s}`;
      runner.run(s);
      Atomics.store(status, s, SHARD_DONE);
    }
    if (this.broken !== null) this.dispose();
  }

  /** Tells every worker to return and terminates it; resolves when all have exited. No job may follow. */
  dispose(): Promise<void> {
    const { ctrl } = this.r;
    Atomics.store(ctrl, CTRL.SHUTDOWN, 1);
    Atomics.add(ctrl, CTRL.GEN, 1);
    Atomics.notify(ctrl, CTRL.GEN);
    this.workers.forEach((worker, id) => {
      if (!worker) return;
      this.workers[id] = null;
      void worker.terminate();
    });
    return Promise.all(this.exits).then(() => undefined);
  }
}
