#!/usr/bin/env node
// TNC's own time, without the evaluations: record one real TNC run of row 2 (digits5000, 400-25-10, λ 10, init
// range 0.5, seed 0, maxfun 300, native backend) — its (f, ∇f) in call order — then replay TNC on that record, so
// every "evaluation" is a copy. What is left is TNC's own arithmetic (CG passes, preconditioner, line search).
//   node packages/bench/tools/profile-tnc-replay.mjs [--runs 7] [--dist DIR] [--record FILE]
//   node --cpu-prof --cpu-prof-dir /tmp/prof packages/bench/tools/profile-tnc-replay.mjs --runs 20
// --dist replays another build's TNC (e.g. a copy of an older dist) on the same record, to compare builds
// alternately; --record keeps the recording in FILE (written on first use, read afterwards), so that every build
// replays exactly the same sequence. The recording always comes from @backprop/nn's dist in this checkout.
// Prints one JSON line: the first replay (cold: this process's first TNC run), the median and all of the runs in
// ms, the median CPU time of the hot runs (all of the process's threads: less sensitive than wall time to other
// work on a shared machine), the number of evaluations, and a hash of the bits of the final x (equal hashes =
// identical iterates).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};
const runs = Number(flag('--runs', '7'));
const here = fileURLToPath(new URL('../../nn/dist/', import.meta.url)); // @backprop/nn's build in this checkout
const dist = resolve(flag('--dist', here));
const recordFile = flag('--record', undefined);
if (!(Number.isInteger(runs) && runs >= 1)) {
  process.stderr.write(`profile-tnc-replay: --runs: expected a positive integer, received ${JSON.stringify(runs)}\n`);
  process.exit(2);
}

const layers = [400, 25, 10];
const lambda = 10;
const options = { method: 'tnc', options: { maxfun: 300 } };

/** The recorded run: n, then for each evaluation f and ∇f (one Float64Array: [f0, g0..., f1, g1..., ...]). */
async function record() {
  if (recordFile !== undefined && existsSync(recordFile)) {
    const bytes = readFileSync(recordFile);
    const all = new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8);
    return { n: all[0], evaluations: Float64Array.from(all.subarray(1)) };
  }
  const { bindNetwork, getBackend, loadDigits5000, randomInit } = await import(pathToFileURL(here + 'index.js').href);
  const { minimize } = await import(pathToFileURL(here + 'optim/minimize.js').href);
  getBackend('native').setThreads(2);
  const data = loadDigits5000();
  const net = bindNetwork(data.X, data.y, { layers, backend: 'native' });
  const x0 = randomInit(layers, { range: 0.5, seed: 0 });
  const rows = [];
  minimize(
    (x, g) => {
      const f = net.costGradient(x, lambda, g);
      rows.push(f, ...g);
      return f;
    },
    x0,
    options,
  );
  const evaluations = Float64Array.from(rows);
  if (recordFile !== undefined) {
    const all = new Float64Array(1 + evaluations.length);
    all[0] = x0.length;
    all.set(evaluations, 1);
    writeFileSync(recordFile, new Uint8Array(all.buffer));
  }
  return { n: x0.length, evaluations };
}

const { n, evaluations } = await record();
const { randomInit } = await import(pathToFileURL(resolve(dist, 'network/init.js')).href);
const { minimize } = await import(pathToFileURL(resolve(dist, 'optim/minimize.js')).href);
const x0 = randomInit(layers, { range: 0.5, seed: 0 });
if (x0.length !== n) throw new Error(`the record is for n = ${n}, this network has n = ${x0.length}`);

const times = [];
const cpuTimes = [];
let hash = '';
let nfev = 0;
for (let r = 0; r < runs; r++) {
  let at = 0;
  const cpu = process.cpuUsage();
  const t = performance.now();
  const result = minimize(
    (x, g) => {
      const f = evaluations[at];
      g.set(evaluations.subarray(at + 1, at + 1 + n));
      at += n + 1;
      return f;
    },
    x0,
    options,
  );
  times.push(performance.now() - t);
  const used = process.cpuUsage(cpu);
  cpuTimes.push((used.user + used.system) / 1000);
  nfev = at / (n + 1);
  hash = createHash('sha256').update(new Uint8Array(result.x.buffer)).digest('hex').slice(0, 16);
}
const median = (values) => values.slice().sort((a, b) => a - b)[values.length >> 1];
const round = (v) => Math.round(v * 10) / 10;
process.stdout.write(
  `${JSON.stringify({
    dist,
    cold: round(times[0]),
    median: round(median(times)),
    hotCpuMedian: runs > 1 ? round(median(cpuTimes.slice(1))) : null,
    runs: times.map(round),
    nfev,
    xHash: hash,
  })}\n`,
);
