#!/usr/bin/env node
// A fixed amount of work for profilers: `evals` regularised cost+gradient evaluations at ex4 size (digits5000,
// 400-25-10, λ = 1) on one backend, nothing else. Used for PERFORMANCE.md's "where the time goes":
//   node --cpu-prof --cpu-prof-dir /tmp/prof packages/bench/tools/profile-costgrad.mjs --backend ts --evals 20
//   perf stat -e task-clock,cycles,instructions node packages/bench/tools/profile-costgrad.mjs --backend native --evals 300
//   valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.out node packages/bench/tools/profile-costgrad.mjs --backend native --evals 3 --m 1000
// Prints one JSON line: backend, threads, evaluations, mean ms per evaluation.
import { performance } from 'node:perf_hooks';
import { bindNetwork, getBackend, loadDigits5000, randomInit, subsetDataset } from '@backprop/nn';

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};
const backend = flag('--backend', 'native');
const evals = Number(flag('--evals', '100'));
const threads = Number(flag('--threads', '2'));
const m = Number(flag('--m', '5000'));
for (const [name, v, ok] of [
  ['--backend', backend, backend === 'native' || backend === 'ts'],
  ['--evals', evals, Number.isInteger(evals) && evals >= 1],
  ['--threads', threads, Number.isInteger(threads) && threads >= 1],
  ['--m', m, Number.isInteger(m) && m >= 1 && m <= 5000],
]) {
  if (!ok) {
    process.stderr.write(`profile-costgrad: ${name}: unexpected value ${JSON.stringify(v)}\n`);
    process.exit(2);
  }
}

const layers = [400, 25, 10];
let data = loadDigits5000();
if (m < data.X.rows) data = subsetDataset(data, Array.from({ length: m }, (_, i) => i), 'head');
getBackend(backend).setThreads(threads);
const net = bindNetwork(data.X, data.y, { layers, backend });
const theta = randomInit(layers, { range: 0.5, seed: 1 });
const grad = new Float64Array(net.parameterCount);
net.costGradient(theta, 1, grad);
const t0 = performance.now();
for (let i = 0; i < evals; i++) net.costGradient(theta, 1, grad);
const ms = (performance.now() - t0) / evals;
net.dispose();
process.stdout.write(`${JSON.stringify({ backend, threads: getBackend(backend).getThreads(), m, evals, msPerEval: ms })}\n`);
