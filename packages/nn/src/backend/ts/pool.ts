import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { MAX_SHARDS } from './plan.js';
import type { Resident } from './resident.js';
import type { ShardRunner } from './shard.js';

/**
 * The compiled worker script. Resolved against this file so it works from src/ (tests) and from dist/; it needs
 * `npx tsc -b packages/nn` first — without it no pool is made and everything runs on the calling thread.
 */
const WORKER_URL = new URL('../../../dist/backend/ts/shard-worker.js', import.meta.url);

/** How long the main thread sleeps between checks for shards orphaned by a dead worker. */
const RECLAIM_AFTER_MS = 250;
const MAX_WORKERS = MAX_SHARDS - 1;
/** Worker ids are 0..MAX_WORKERS−1; the calling thread takes shards as MAIN_ID. */
const MAIN_ID = MAX_WORKERS;

/** Slots of a pool's control array (Int32, shared with its workers). */
const NEXT = 0; // next shard to take (Atomics.add); parked at PARKED while a job is being written
const SHARDS = 1; // shards in the current job
const DONE = 2; // shards finished in the current job
const ON_WORKERS = 3; // of which worker threads computed
const WAKE = 4; // bumped for every job and at shutdown; idle workers sleep on it
const SHUTDOWN = 5; // 1: workers return
const ALIVE = 8; // ALIVE + id is 1 while worker id runs
const PARKED = 1 << 30;

/** Shard status: PENDING, FINISHED, FAILED, or RUNNING + the id of the thread computing it. */
const PENDING = 0;
const FINISHED = 1;
const FAILED = 2;
const RUNNING = 3;

/** What a worker thread receives: the resident data and its pool's control and status arrays. */
export interface WorkerData {
  resident: Resident;
  ctrl: Int32Array;
  status: Int32Array;
  id: number;
}

/**
 * Runs one claimed shard and reports it. An exception marks the shard failed: once every shard is done, the main
 * thread computes it again and rethrows there (so no thread still writes to this job when the error surfaces).
 */
function runShard(d: WorkerData, runner: ShardRunner, shard: number): void {
  if (Atomics.compareExchange(d.status, shard, PENDING, RUNNING + d.id) !== PENDING) return;
  let outcome = FINISHED;
  try {
    runner.run(shard);
  } catch {
    outcome = FAILED;
  }
  Atomics.store(d.status, shard, outcome);
  if (d.id !== MAIN_ID) Atomics.add(d.ctrl, ON_WORKERS, 1);
  Atomics.add(d.ctrl, DONE, 1);
  Atomics.notify(d.ctrl, DONE);
}

/** Takes shards of the current job until none is left. */
export function takeShards(d: WorkerData, runner: ShardRunner): void {
  for (;;) {
    const shard = Atomics.add(d.ctrl, NEXT, 1);
    if (shard >= Atomics.load(d.ctrl, SHARDS)) return;
    runShard(d, runner, shard);
  }
}

/**
 * The loop of a worker thread: takes the shards of each job posted to its pool, sleeps between jobs, and returns
 * when the pool shuts down.
 */
export function serveShards(d: WorkerData, runner: ShardRunner): void {
  const { ctrl, id } = d;
  Atomics.store(ctrl, ALIVE + id, 1);
  process.on('exit', () => Atomics.store(ctrl, ALIVE + id, 0));
  for (;;) {
    const seen = Atomics.load(ctrl, WAKE);
    if (Atomics.load(ctrl, SHUTDOWN) !== 0) break;
    takeShards(d, runner);
    Atomics.wait(ctrl, WAKE, seen);
  }
  Atomics.store(ctrl, ALIVE + id, 0);
}

/**
 * The parent's Node options for a worker, without `--input-type` (`=value` or as two arguments): a worker inherits
 * execArgv and refuses that flag, so under `node --input-type=module -e …` every worker failed and the network fell
 * back to one thread with a warning.
 */
export function workerExecArgv(execArgv: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    if (execArgv[i] === '--input-type') i++;
    else if (!execArgv[i].startsWith('--input-type=')) kept.push(execArgv[i]);
  }
  return kept;
}

/**
 * Waits off the calling thread until ctrl[index] is no longer `value`, or `ms` pass. The ref'd timer is what keeps
 * the event loop alive meanwhile (a pending Atomics.waitAsync does not) and what ends the wait on time (the
 * waitAsync's own timeout does not fire once the loop has nothing else to run); it is cleared as the wait ends.
 */
async function waitForChange(ctrl: Int32Array, index: number, value: number, ms: number): Promise<'ok' | 'not-equal' | 'timed-out'> {
  const wait = Atomics.waitAsync(ctrl, index, value, ms);
  if (!wait.async) return wait.value;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timed-out'>((resolve) => {
    timer = setTimeout(resolve, ms, 'timed-out');
  });
  try {
    return await Promise.race([wait.value, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Worker threads that take shards of the jobs posted to this pool. Workers are unref'd (they never keep the process
 * alive), share the resident data instead of copying it, and are terminated by dispose(). A worker that throws or
 * dies only loses its shard: the main thread computes it, and the pool reports itself `broken`.
 */
export class ShardPool {
  private readonly main: WorkerData;
  /** One per worker id; null once it exited or was terminated. */
  private readonly workers: (Worker | null)[] = [];
  private readonly exits: Promise<void>[] = [];
  /** Why the pool should no longer be used (a worker failed), or null. */
  broken: string | null = null;

  /** Starts `size` workers (1..MAX_SHARDS−1) over the resident data. */
  constructor(resident: Resident, readonly size: number) {
    const ctrl = new Int32Array(new SharedArrayBuffer(4 * (ALIVE + MAX_WORKERS)));
    const status = new Int32Array(new SharedArrayBuffer(4 * MAX_SHARDS));
    Atomics.store(ctrl, NEXT, PARKED);
    this.main = { resident, ctrl, status, id: MAIN_ID };
    for (let id = 0; id < size; id++) this.spawn(id);
  }

  /** Whether the compiled worker script exists (is the package built?). */
  static available(): boolean {
    return existsSync(fileURLToPath(WORKER_URL));
  }

  /** Workers that have started and not exited. */
  get live(): number {
    let n = 0;
    for (let id = 0; id < this.size; id++) n += Atomics.load(this.main.ctrl, ALIVE + id);
    return n;
  }

  /** Shards of the last job that worker threads computed. */
  get shardsOnWorkers(): number {
    return Atomics.load(this.main.ctrl, ON_WORKERS);
  }

  private spawn(id: number): void {
    const { resident, ctrl, status } = this.main;
    let worker: Worker;
    try {
      worker = new Worker(WORKER_URL, {
        workerData: { resident, ctrl, status, id } satisfies WorkerData,
        execArgv: workerExecArgv(process.execArgv),
      });
    } catch (err) {
      this.broken = `could not start a shard worker: ${err instanceof Error ? err.message : String(err)}`;
      return;
    }
    worker.unref();
    worker.on('error', (err) => {
      this.broken = `shard worker ${id} failed: ${err instanceof Error ? err.message : String(err)}`;
    });
    this.exits.push(
      new Promise((resolve) =>
        worker.once('exit', (code) => {
          Atomics.store(ctrl, ALIVE + id, 0);
          // Not terminated by dispose(): retire the pool (a shard it held is redone by the main thread).
          if (this.workers[id] === worker) this.broken ??= `shard worker ${id} exited unexpectedly (code ${code})`;
          this.workers[id] = null;
          resolve();
        }),
      ),
    );
    this.workers[id] = worker;
  }

  /**
   * Posts a job of `shards` shards: parks the shard counter, lets `write` fill θ / rows / shard starts, then opens
   * the counter and wakes the workers. A thread that takes a shard after the counter opens sees everything `write`
   * wrote (the atomics order every write before it).
   */
  post(shards: number, write: () => void): void {
    const { ctrl, status } = this.main;
    Atomics.store(ctrl, NEXT, PARKED);
    write();
    Atomics.store(ctrl, SHARDS, shards);
    for (let s = 0; s < shards; s++) Atomics.store(status, s, PENDING);
    Atomics.store(ctrl, DONE, 0);
    Atomics.store(ctrl, ON_WORKERS, 0);
    Atomics.store(ctrl, NEXT, 0);
    Atomics.add(ctrl, WAKE, 1);
    Atomics.notify(ctrl, WAKE);
  }

  /**
   * Runs the posted job with the calling (main) thread taking shards too, and blocks until every shard is done.
   * Main only blocks in Atomics.wait for shards a worker has already taken.
   */
  runSync(runner: ShardRunner): void {
    const { ctrl } = this.main;
    takeShards(this.main, runner);
    const shards = Atomics.load(ctrl, SHARDS);
    for (let done = Atomics.load(ctrl, DONE); done < shards; done = Atomics.load(ctrl, DONE)) {
      if (Atomics.wait(ctrl, DONE, done, RECLAIM_AFTER_MS) === 'timed-out') this.reclaim(runner, shards);
    }
    this.redoFailed(runner, shards);
  }

  /**
   * Runs the posted job on the workers only; the calling thread stays free until it resolves.
   *
   * Node does not count a pending Atomics.waitAsync (nor its timeout) as work that keeps the event loop alive
   * (nodejs/node#61941), and the workers are unref'd: awaiting it alone let a script's top-level await end with
   * exit code 13 and the promise never settled. So each wait races a ref'd timer, which keeps the process alive
   * while a job is in flight (and only then) and wakes the main thread to reclaim orphaned shards.
   */
  async runAsync(runner: ShardRunner): Promise<void> {
    const { ctrl } = this.main;
    const shards = Atomics.load(ctrl, SHARDS);
    for (let done = Atomics.load(ctrl, DONE); done < shards; done = Atomics.load(ctrl, DONE)) {
      if (this.live === 0) {
        takeShards(this.main, runner);
        this.reclaim(runner, shards);
        continue;
      }
      if ((await waitForChange(ctrl, DONE, done, RECLAIM_AFTER_MS)) === 'timed-out') this.reclaim(runner, shards);
    }
    this.redoFailed(runner, shards);
  }

  /** Takes over shards that nobody is computing: not yet started, or held by a worker that has exited. */
  private reclaim(runner: ShardRunner, shards: number): void {
    const { status, ctrl } = this.main;
    for (let s = 0; s < shards; s++) {
      const st = Atomics.load(status, s);
      const holder = st - RUNNING;
      const orphan = holder >= 0 && holder < MAX_WORKERS && Atomics.load(ctrl, ALIVE + holder) === 0;
      if (st === PENDING || (orphan && Atomics.compareExchange(status, s, st, PENDING) === st)) {
        runShard(this.main, runner, s);
      }
    }
  }

  /** Shards that threw are computed again on the main thread (rethrowing there); the pool reports itself broken. */
  private redoFailed(runner: ShardRunner, shards: number): void {
    for (let s = 0; s < shards; s++) {
      if (Atomics.load(this.main.status, s) !== FAILED) continue;
      this.broken ??= `shard ${s} threw on a thread of the pool`;
      runner.run(s);
      Atomics.store(this.main.status, s, FINISHED);
    }
  }

  /** Tells every worker to return and terminates it; resolves when all have exited. No job may follow. */
  dispose(): Promise<void> {
    const { ctrl } = this.main;
    Atomics.store(ctrl, SHUTDOWN, 1);
    Atomics.add(ctrl, WAKE, 1);
    Atomics.notify(ctrl, WAKE);
    this.workers.forEach((worker, id) => {
      if (!worker) return;
      this.workers[id] = null;
      void worker.terminate();
    });
    return Promise.all(this.exits).then(() => undefined);
  }
}
