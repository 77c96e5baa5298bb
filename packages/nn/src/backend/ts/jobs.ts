import { CTRL, PARKED, SHARD_DONE, SHARD_FAILED, SHARD_PENDING, type Resident } from './resident.js';
import type { ShardRunner } from './shard.js';

/** Status of a shard being computed by thread `id` (workers 0..14, the main thread MAIN_ID). */
export const SHARD_RUNNING = 3;
export const MAIN_ID = 15;

/**
 * Posts a job: parks the shard counter, lets `write` fill θ / rows / shard starts, bumps the generation, then
 * opens the counter and wakes the workers. A thread that takes a shard after the counter opens always sees the
 * new generation and the new θ (the atomics order every write before it).
 */
export function postJob(r: Resident, kind: number, count: number, shards: number, write: () => void): number {
  const { ctrl, status } = r;
  Atomics.store(ctrl, CTRL.NEXT, PARKED);
  write();
  Atomics.store(ctrl, CTRL.KIND, kind);
  Atomics.store(ctrl, CTRL.COUNT, count);
  Atomics.store(ctrl, CTRL.SHARDS, shards);
  for (let s = 0; s < shards; s++) Atomics.store(status, s, SHARD_PENDING);
  Atomics.store(ctrl, CTRL.DONE, 0);
  const generation = Atomics.add(ctrl, CTRL.GEN, 1) + 1;
  Atomics.store(ctrl, CTRL.NEXT, 0);
  Atomics.notify(ctrl, CTRL.GEN);
  return generation;
}

/** Runs one claimed shard and reports it; an exception marks the shard failed (the main thread redoes it). */
export function runShard(r: Resident, runner: ShardRunner, shard: number, id: number): void {
  if (Atomics.compareExchange(r.status, shard, SHARD_PENDING, SHARD_RUNNING + id) !== SHARD_PENDING) return;
  r.computedBy[shard] = id;
  let outcome = SHARD_DONE;
  try {
    runner.run(shard);
  } catch {
    outcome = SHARD_FAILED;
  }
  Atomics.store(r.status, shard, outcome);
  Atomics.add(r.ctrl, CTRL.DONE, 1);
  Atomics.notify(r.ctrl, CTRL.DONE);
}

/** Takes shards of the current job until none is left. */
export function takeShards(r: Resident, runner: ShardRunner, id: number): void {
  const { ctrl } = r;
  for (;;) {
    const shard = Atomics.add(ctrl, CTRL.NEXT, 1);
    if (shard >= Atomics.load(ctrl, CTRL.SHARDS)) return;
    runShard(r, runner, shard, id);
  }
}
