/**
 * Row 1: one regularised cost + gradient at ex4 size (digits5000, m = 5000, 400-25-10, λ = 1) — native, ts, the
 * seed's numpy code as written (reg_cost then reg_gradient: two forward passes), the same computation fused in
 * numpy, and TensorFlow.js (float32, autodiff). Every implementation evaluates the same θ on the same data (the
 * python peer reads them from a MAT-file written by writeMatFile); their costs are compared as a sanity check.
 */
import { join } from 'node:path';
import { bindNetwork } from '../../cost.js';
import { writeMatFile } from '../../data/mat/index.js';
import { loadDigits5000 } from '../../data/digits5000.js';
import { getBackend } from '../../backend/select.js';
import type { BackendName } from '../../backend/types.js';
import { oneHot } from '../../labels.js';
import { randomInit } from '../../network/init.js';
import type { Dataset } from '../../data/dataset.js';
import type { BenchContext } from '../context.js';
import { costGradientFlops, floorMs } from '../flops.js';
import { runPeer } from '../python.js';
import { errorMessage, makeRow, measured, skipped, speedup } from '../report.js';
import { loadTfjs, quietly, tfjsNetwork } from '../tfjs.js';
import { sampleSync, type Samples } from '../timing.js';
import type { BenchEntry, BenchRow, BlasLibrary } from '../types.js';

const LAYERS = [400, 25, 10];
const LAMBDA = 1;

function norm(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}

function backendEntry(ctx: BenchContext, data: Dataset, theta: Float64Array, name: BackendName, floor: number | null): BenchEntry {
  let net;
  try {
    net = bindNetwork(data.X, data.y, { layers: LAYERS, backend: name });
  } catch (err) {
    return skipped(name, errorMessage(err));
  }
  try {
    const grad = new Float64Array(net.parameterCount);
    const samples = sampleSync(() => net.costGradient(theta, LAMBDA, grad), ctx.repeat, ctx.targetMs);
    const cost = net.costGradient(theta, LAMBDA, grad);
    return measured(name, samples, {
      floorMs: floor,
      threads: getBackend(name).getThreads(),
      details: { cost, gradNorm: norm(grad) },
    });
  } finally {
    net.dispose();
  }
}

function peerSamples(v: Record<string, unknown>): Samples & { cost: number; gradNorm: number } {
  const s = v as { samplesMs: number[]; inner: number; cost: number; gradNorm: number };
  return { samplesMs: s.samplesMs, inner: s.inner, cost: s.cost, gradNorm: s.gradNorm };
}

function numpyEntries(ctx: BenchContext, data: Dataset, theta: Float64Array, floor: number | null): BenchEntry[] {
  const names = ['numpy (seed as written)', 'numpy (fused)'];
  const path = join(ctx.tmpDir, 'costgrad.mat');
  writeMatFile(path, {
    X: data.X,
    y: { rows: data.X.rows, cols: 1, data: Float64Array.from(data.y) },
    theta: { rows: theta.length, cols: 1, data: theta },
  });
  const run = runPeer(
    ctx.python,
    'bench_seed.py',
    ['costgrad', '--mat', path, '--repeat', String(ctx.repeat), '--target-seconds', String(ctx.targetMs / 1000),
      '--lambda', String(LAMBDA), '--threads', String(ctx.threads)],
    { timeoutMs: 600_000, threads: ctx.threads },
  );
  if (!run.ok) return names.map((n) => skipped(n, run.reason));
  const v = run.value as { seed: Record<string, unknown>; fused: Record<string, unknown>; blas: BlasLibrary[];
    peak: { gflops: number }; numpy: string };
  ctx.found.numpyBlas = v.blas;
  ctx.found.numpyGflops = v.peak?.gflops;
  const threads = v.blas?.find((b) => b.threads !== undefined)?.threads ?? null;
  return [v.seed, v.fused].map((part, i) => {
    const s = peerSamples(part);
    return measured(names[i], s, {
      floorMs: floor,
      threads,
      details: { cost: s.cost, gradNorm: s.gradNorm, numpy: v.numpy, forwardPasses: i === 0 ? 2 : 1 },
    });
  });
}

async function tfjsEntry(ctx: BenchContext, data: Dataset, theta: Float64Array, floor: number | null): Promise<BenchEntry> {
  const name = 'TensorFlow.js (cpu, float32)';
  try {
    return await quietly((line) => ctx.verbose && ctx.log(`  tfjs: ${line}`), async () => {
      const tf = await loadTfjs();
      const net = tfjsNetwork(tf, LAYERS, data.X, oneHot(data.y, 10));
      try {
        const samples = sampleSync(() => net.costGradient(theta, LAMBDA), ctx.repeat, ctx.targetMs);
        const { cost, grad } = net.costGradient(theta, LAMBDA);
        return measured(name, samples, {
          floorMs: floor,
          threads: 1,
          details: { cost, gradNorm: norm(grad), tfjs: net.version, precision: 'float32' },
        });
      } finally {
        net.dispose();
      }
    });
  } catch (err) {
    return skipped(name, `TensorFlow.js unavailable: ${errorMessage(err)}`);
  }
}

/** Relative cost differences against the first float64 entry that ran: implementations must agree. */
function agreementNotes(entries: BenchEntry[]): string[] {
  const ref = entries.find((e) => e.status === 'ok' && typeof e.details.cost === 'number' && e.details.precision === undefined);
  if (!ref) return [];
  const J = ref.details.cost as number;
  const notes: string[] = [];
  for (const e of entries) {
    if (e === ref || e.status !== 'ok' || typeof e.details.cost !== 'number') continue;
    const rel = Math.abs((e.details.cost as number) - J) / Math.abs(J);
    e.details.relCostDiff = rel;
    const tolerance = e.details.precision === 'float32' ? 1e-4 : 1e-9;
    if (!(rel <= tolerance)) notes.push(`${e.name} disagrees with ${ref.name}: J = ${e.details.cost} vs ${J}`);
  }
  return notes;
}

export async function benchCostGradient(ctx: BenchContext): Promise<BenchRow> {
  const started = Date.now();
  const data = loadDigits5000();
  const theta = randomInit(LAYERS, { range: 0.5, seed: 1 });
  const flops = costGradientFlops(LAYERS, data.X.rows);
  const floor = floorMs(flops, ctx.peakGflops);

  ctx.log('row 1: cost+gradient — native');
  const native = backendEntry(ctx, data, theta, 'native', floor);
  ctx.log('row 1: cost+gradient — ts');
  const ts = backendEntry(ctx, data, theta, 'ts', floor);
  ctx.log('row 1: cost+gradient — numpy (python peer)');
  const [seed, fused] = numpyEntries(ctx, data, theta, floor);
  ctx.log('row 1: cost+gradient — TensorFlow.js');
  const tfjs = await tfjsEntry(ctx, data, theta, floor);
  const entries = [native, ts, seed, fused, tfjs];

  return makeRow(
    {
      id: 1,
      title: 'cost + gradient, ex4 size',
      workload: `digits5000 m=${data.X.rows}, 400-25-10, λ=${LAMBDA}, one regularised cost and gradient`,
      flops,
      floorMs: floor,
      entries,
      checks: [
        speedup('numpy seed / native', seed, native, { op: '>=', value: 6 }),
        speedup('numpy seed / ts', seed, ts, { op: '>=', value: 1 }, 'ts time ≤ 1.0 × numpy time'),
        speedup('numpy fused / native', fused, native),
        speedup('numpy fused / ts', fused, ts),
        speedup('tfjs / native', tfjs, native),
        speedup('tfjs / ts', tfjs, ts),
      ],
      notes: agreementNotes(entries),
    },
    started,
  );
}
