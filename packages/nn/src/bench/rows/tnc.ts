/**
 * Row 2: the seed's training — TNC with 300 evaluations (maxfun), λ = 10, uniform(−0.5, 0.5) initialisation — on
 * digits5000: native and ts through the library's `train`, and scipy's TNC driving the seed's reg_cost and
 * reg_gradient as written. All start from the SAME initial vector: train's randomInit(range 0.5, seed 0), handed
 * to the python peer in the MAT-file.
 */
import { join } from 'node:path';
import { writeMatFile } from '../../data/mat/index.js';
import { loadDigits5000 } from '../../data/digits5000.js';
import type { Dataset } from '../../data/dataset.js';
import { getBackend } from '../../backend/select.js';
import type { BackendName } from '../../backend/types.js';
import { randomInit } from '../../network/init.js';
import { train, type TrainResult } from '../../train.js';
import type { BenchContext } from '../context.js';
import { costGradientFlops, floorMs } from '../flops.js';
import { runPeer } from '../python.js';
import { errorMessage, makeRow, measured, skipped, speedup } from '../report.js';
import { sampleAsync } from '../timing.js';
import type { BenchEntry, BenchRow, BlasLibrary } from '../types.js';

const LAYERS = [400, 25, 10];
const LAMBDA = 10;
const MAXFUN = 300;
const INIT_RANGE = 0.5;
const SEED = 0;

async function trainEntry(ctx: BenchContext, data: Dataset, name: BackendName, repeat: number, flopsPerEval: number): Promise<BenchEntry> {
  try {
    getBackend(name);
  } catch (err) {
    return skipped(name, errorMessage(err));
  }
  let last: TrainResult | undefined;
  try {
    const samples = await sampleAsync(async () => {
      last = await train(LAYERS, data, {
        method: 'tnc',
        lambda: LAMBDA,
        optimizer: { maxfun: MAXFUN },
        init: { range: INIT_RANGE },
        seed: SEED,
        backend: name,
        threads: name === 'native' ? ctx.threads : undefined,
        trackAccuracy: false,
      });
    }, repeat);
    const s = last!.model.training!;
    return measured(name, samples, {
      floorMs: floorMs(s.nfev * flopsPerEval, ctx.peakGflops),
      threads: getBackend(name).getThreads(),
      details: { nfev: s.nfev, nit: s.nit, cost: s.cost, trainAccuracy: s.trainAccuracy ?? null, status: s.status },
    });
  } catch (err) {
    return skipped(name, errorMessage(err), 'failed');
  }
}

function scipyEntry(ctx: BenchContext, data: Dataset, repeat: number, flopsPerEval: number): BenchEntry {
  const name = 'scipy TNC (seed as written)';
  const path = join(ctx.tmpDir, 'tnc.mat');
  const x0 = randomInit(LAYERS, { range: INIT_RANGE, seed: SEED }); // what train() starts from
  writeMatFile(path, {
    X: data.X,
    y: { rows: data.X.rows, cols: 1, data: Float64Array.from(data.y) },
    x0: { rows: x0.length, cols: 1, data: x0 },
  });
  const run = runPeer(
    ctx.python,
    'bench_seed.py',
    ['tnc', '--mat', path, '--repeat', String(repeat), '--maxfun', String(MAXFUN), '--lambda', String(LAMBDA),
      '--threads', String(ctx.threads)],
    { timeoutMs: 3_600_000, threads: ctx.threads },
  );
  if (!run.ok) return skipped(name, run.reason);
  const v = run.value as { runs: { ms: number; nfev: number; nit: number; cost: number; accuracy: number; message: string }[];
    blas: BlasLibrary[] };
  ctx.found.numpyBlas ??= v.blas;
  const last = v.runs[v.runs.length - 1];
  return measured(name, { samplesMs: v.runs.map((r) => r.ms), inner: 1 }, {
    // the seed evaluates reg_cost and reg_gradient separately, but the floor counts the computation itself
    floorMs: floorMs(last.nfev * flopsPerEval, ctx.peakGflops),
    threads: v.blas?.find((b) => b.threads !== undefined)?.threads ?? null,
    details: { nfev: last.nfev, nit: last.nit, cost: last.cost, trainAccuracy: last.accuracy, message: last.message },
  });
}

export async function benchTnc(ctx: BenchContext): Promise<BenchRow> {
  const started = Date.now();
  const data = loadDigits5000();
  const flopsPerEval = costGradientFlops(LAYERS, data.X.rows);
  const flops = MAXFUN * flopsPerEval;
  const longRepeat = ctx.quick ? 1 : Math.min(ctx.repeat, 3);

  ctx.log('row 2: TNC 300 evaluations — native');
  const native = await trainEntry(ctx, data, 'native', ctx.repeat, flopsPerEval);
  ctx.log('row 2: TNC 300 evaluations — ts');
  const ts = await trainEntry(ctx, data, 'ts', ctx.quick ? 1 : Math.min(ctx.repeat, 2), flopsPerEval);
  ctx.log('row 2: TNC 300 evaluations — scipy (python peer)');
  const scipy = scipyEntry(ctx, data, longRepeat, flopsPerEval);
  const entries = [native, ts, scipy];

  const notes: string[] = [];
  const costs = entries.filter((e) => e.status === 'ok').map((e) => [e.name, e.details.cost] as const);
  for (const [n, c] of costs.slice(1)) {
    const rel = Math.abs((c as number) - (costs[0][1] as number)) / Math.abs(costs[0][1] as number);
    if (rel > 1e-6) notes.push(`final cost of ${n} (${c}) differs from ${costs[0][0]} (${costs[0][1]}) by ${rel.toExponential(1)} relative`);
  }
  return makeRow(
    {
      id: 2,
      title: "the seed's training: TNC, 300 evaluations",
      workload: `digits5000 m=${data.X.rows}, 400-25-10, λ=${LAMBDA}, maxfun=${MAXFUN}, x0 ~ uniform(−0.5, 0.5) (same vector for all)`,
      flops,
      floorMs: floorMs(flops, ctx.peakGflops),
      entries,
      checks: [
        speedup('scipy / native', scipy, native, { op: '>=', value: 6 }),
        speedup('scipy / ts', scipy, ts),
      ],
      notes,
    },
    started,
  );
}
