import { postJob } from './jobs.js';
import { createResident, JOB_FULL, JOB_ROWS } from './resident.js';
import { ShardRunner } from './shard.js';

/** Multiply-adds a warm-up spends (a few milliseconds): enough for V8 to optimise every kernel. */
const WARM_UP_WORK = 4 << 20;
const WARM_UP_ROWS = 64;

/**
 * Runs full-batch and minibatch evaluations of the network shape on a small synthetic data set, so a new worker
 * thread compiles its kernels (with the same array types as the real data) before it takes real shards — a cold
 * worker would otherwise hold the main thread up on its first shards.
 */
export function warmUp(layers: readonly number[]): void {
  const n0 = layers[0];
  const K = layers[layers.length - 1];
  const m = WARM_UP_ROWS;
  const X = { rows: m, cols: n0, data: new Float64Array(m * n0) };
  const Y = { rows: m, cols: K, data: new Float64Array(m * K) };
  let seed = 12345;
  const next = (): number => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  for (let i = 0; i < X.data.length; i++) X.data[i] = next() < 0.5 ? 0 : next();
  for (let i = 0; i < m; i++) Y.data[i * K + (i % K)] = 1;
  const r = createResident(layers, X, Y);
  for (let i = 0; i < r.theta.length; i++) r.theta[i] = next() - 0.5;
  const runner = new ShardRunner(r);
  const reps = Math.max(2, Math.min(20, Math.ceil(WARM_UP_WORK / (m * r.perRow))));
  for (let rep = 0; rep < reps; rep++) {
    const rows = rep % 2 === 1;
    const shards = r.fullShards;
    postJob(r, rows ? JOB_ROWS : JOB_FULL, m, shards, () => {
      r.shardStart.set(r.fullShardStart);
      if (rows) r.rows.set(r.allRows);
    });
    for (let s = 0; s < shards; s++) runner.run(s);
  }
}
