#!/usr/bin/env node
// The training workloads of rows 2 and 3, alone, for profilers:
//   node --cpu-prof --cpu-prof-dir /tmp/prof packages/bench/tools/profile-train.mjs --workload mnist --backend native
//   perf stat -e task-clock,context-switches node packages/bench/tools/profile-train.mjs --workload tnc --backend native
// tnc: digits5000, 400-25-10, TNC maxfun 300, λ 10, init range 0.5 (row 2);
// mnist: MNIST 60k, 784-256-10, Adam lr 1e-3, batch 128, λ 1, one epoch (row 3; --rows N takes the first N rows).
// Prints one JSON line: workload, backend, optimiser ms, wall ms.
import { performance } from 'node:perf_hooks';
import { getBackend, loadDataset, loadDigits5000, subsetDataset, train } from '@backprop/nn';

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};
const workload = flag('--workload', 'tnc');
const backend = flag('--backend', 'native');
const threads = Number(flag('--threads', '2'));
const rows = flag('--rows', undefined);
if (!['tnc', 'mnist'].includes(workload) || !['native', 'ts'].includes(backend) || !(threads >= 1)) {
  process.stderr.write('usage: profile-train.mjs --workload tnc|mnist --backend native|ts [--threads N] [--rows N]\n');
  process.exit(2);
}
getBackend(backend).setThreads(threads);
let data = workload === 'tnc' ? loadDigits5000() : loadDataset('mnist');
if (rows !== undefined) data = subsetDataset(data, Array.from({ length: Number(rows) }, (_, i) => i), 'head');
const options =
  workload === 'tnc'
    ? { method: 'tnc', lambda: 10, optimizer: { maxfun: 300 }, init: { range: 0.5 }, seed: 0 }
    : { method: 'adam', lambda: 1, optimizer: { epochs: 1, batchSize: 128, learningRate: 1e-3 }, init: { scheme: 'glorot' }, seed: 0 };
const t0 = performance.now();
const { result } = await train(workload === 'tnc' ? [400, 25, 10] : { hidden: [256] }, data, {
  ...options,
  backend,
  threads: backend === 'native' ? threads : undefined,
  trackAccuracy: false,
});
process.stdout.write(`${JSON.stringify({ workload, backend, m: data.X.rows, optimizerMs: result.elapsed, wallMs: performance.now() - t0 })}\n`);
