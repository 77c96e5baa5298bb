/**
 * Entry point of a shard worker thread (loaded from dist/ as compiled JavaScript). It compiles its kernels on a
 * small synthetic job first, then keeps one ShardRunner over the shared resident data, sleeps on the job
 * generation, and takes shards until told to shut down.
 */
import { workerData } from 'node:worker_threads';
import { takeShards } from './jobs.js';
import { CTRL, type Resident } from './resident.js';
import { ShardRunner } from './shard.js';
import { warmUp } from './warmup.js';

const { resident, id } = workerData as { resident: Resident; id: number };
const { ctrl } = resident;
warmUp(resident.layers);
const runner = new ShardRunner(resident);
Atomics.store(ctrl, CTRL.ALIVE + id, 1);
process.on('exit', () => Atomics.store(ctrl, CTRL.ALIVE + id, 0));
Atomics.add(ctrl, CTRL.READY, 1);

for (;;) {
  const seen = Atomics.load(ctrl, CTRL.GEN);
  if (Atomics.load(ctrl, CTRL.SHUTDOWN) !== 0) break;
  if (Atomics.load(ctrl, CTRL.ENABLED + id) === 1) takeShards(resident, runner, id);
  Atomics.wait(ctrl, CTRL.GEN, seen);
}
Atomics.store(ctrl, CTRL.ALIVE + id, 0);
