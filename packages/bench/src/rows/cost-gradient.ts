/**
 * Row 1: one regularised cost + gradient at ex4 size (digits5000, m = 5000, 400-25-10, λ = 1) — native, ts, the
 * seed's numpy code as written (reg_cost then reg_gradient: two forward passes), the same computation fused in
 * numpy, and TensorFlow.js (float32, autodiff). Every implementation evaluates the same θ on the same data (the
 * python peer reads them from a MAT-file written by writeMatFile); their costs are compared as a sanity check.
 * The five are sampled interleaved, round by round.
 */
import { join } from 'node:path';
import { bindNetwork, getBackend, loadDigits5000, oneHot, randomInit, writeMatFile, type BackendName, type Dataset, type ResidentNetwork } from '@backprop/nn';
import type { BenchContext } from '../context.js';
import { costGradientFlops, floorMs, nonzeros } from '../flops.js';
import { PeerSession } from '../python.js';
import { errorMessage, makeRow, measured, skipped, speedup } from '../report.js';
import { loadTfjs, quietly, tfjsNetwork, type TfjsNetwork } from '../tfjs.js';
import { calibrate, interleave, timeInner, type Job } from '../timing.js';
import type { BenchEntry, BenchRow, BlasLibrary } from '../types.js';

const LAYERS = [400, 25, 10];
const LAMBDA = 1;
const NAMES = {
  native: 'native',
  ts: 'ts',
  seed: 'numpy (seed as written)',
  fused: 'numpy (fused)',
  tfjs: 'TensorFlow.js (cpu, float32)',
} as const;

function norm(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}

/** A calibrated in-process job: `fn` is timed in an inner loop sized to ctx.targetMs. */
function inProcessJob(name: string, fn: () => void, targetMs: number): Job {
  const inner = calibrate(fn, targetMs);
  return { name, inner, warm: true, sample: () => timeInner(fn, inner) };
}

export async function benchCostGradient(ctx: BenchContext): Promise<BenchRow> {
  const started = Date.now();
  const data: Dataset = loadDigits5000();
  const theta = randomInit(LAYERS, { range: 0.5, seed: 1 });
  const flops = costGradientFlops(LAYERS, data.X.rows);
  const floor = floorMs(flops, ctx.peakGflops);
  const sparseFlops = costGradientFlops(LAYERS, data.X.rows, nonzeros(data.X.data));
  const jobs: Job[] = [];
  const unavailable = new Map<string, string>();
  const details = new Map<string, BenchEntry['details']>();
  const threads = new Map<string, number | null>();
  const networks: ResidentNetwork[] = [];
  let tfjsNet: TfjsNetwork | undefined;
  let peer: PeerSession | undefined;

  try {
    for (const name of ['native', 'ts'] as BackendName[]) {
      try {
        const net = bindNetwork(data.X, data.y, { layers: LAYERS, backend: name });
        networks.push(net);
        const grad = new Float64Array(net.parameterCount);
        const cost = net.costGradient(theta, LAMBDA, grad);
        details.set(name, { cost, gradNorm: norm(grad) });
        threads.set(name, getBackend(name).getThreads());
        jobs.push(inProcessJob(name, () => net.costGradient(theta, LAMBDA, grad), ctx.targetMs));
      } catch (err) {
        unavailable.set(name, errorMessage(err));
      }
    }

    const path = join(ctx.tmpDir, 'costgrad.mat');
    writeMatFile(path, {
      X: data.X,
      y: { rows: data.X.rows, cols: 1, data: Float64Array.from(data.y) },
      theta: { rows: theta.length, cols: 1, data: theta },
    });
    const opened = await PeerSession.start(ctx.python, 'bench_seed.py', ['serve', '--mat', path, '--threads', String(ctx.threads)], {
      timeoutMs: 300_000,
      threads: ctx.threads,
    });
    if (opened instanceof PeerSession) {
      peer = opened;
      const ready = peer.ready as { blas: BlasLibrary[]; numpy: string };
      ctx.found.numpyBlas = ready.blas;
      const numpyThreads = ready.blas?.find((b) => b.threads !== undefined)?.threads ?? null;
      try {
        const info = (await peer.request({ op: 'info', lambda: LAMBDA }, 300_000)) as {
          seed: { cost: number; gradNorm: number }; fused: { cost: number; gradNorm: number }; peak: { gflops: number };
        };
        ctx.found.numpyGflops = info.peak?.gflops;
        for (const what of ['seed', 'fused'] as const) {
          const name = NAMES[what];
          details.set(name, { ...info[what], numpy: ready.numpy, forwardPasses: what === 'seed' ? 2 : 1 });
          threads.set(name, numpyThreads);
          const first = await peer.request({ op: 'sample', what, lambda: LAMBDA, targetSeconds: ctx.targetMs / 1000 }, 600_000);
          const session = peer;
          jobs.push({
            name,
            inner: first.inner as number,
            warm: true,
            sample: async () => (await session.request({ op: 'sample', what, lambda: LAMBDA }, 600_000)).ms as number,
          });
        }
      } catch (err) {
        for (const what of ['seed', 'fused'] as const) unavailable.set(NAMES[what], errorMessage(err));
      }
    } else {
      for (const what of ['seed', 'fused'] as const) unavailable.set(NAMES[what], opened.reason);
    }

    try {
      // tfjs greets Node users (console.warn) on its first tensor: kept out of the output unless --verbose
      const { net, cost, grad } = await quietly((line) => ctx.verbose && ctx.log(`  tfjs: ${line}`), async () => {
        const tf = await loadTfjs();
        const created = tfjsNetwork(tf, LAYERS, data.X, oneHot(data.y, 10));
        return { net: created, ...created.costGradient(theta, LAMBDA) };
      });
      tfjsNet = net;
      details.set(NAMES.tfjs, { cost, gradNorm: norm(grad), tfjs: net.version, precision: 'float32' });
      threads.set(NAMES.tfjs, 1);
      jobs.push(inProcessJob(NAMES.tfjs, () => net.costGradient(theta, LAMBDA), ctx.targetMs));
    } catch (err) {
      unavailable.set(NAMES.tfjs, `TensorFlow.js unavailable: ${errorMessage(err)}`);
    }

    ctx.log(`row 1: cost+gradient — ${jobs.map((j) => j.name).join(', ')}, ${ctx.repeat} interleaved rounds`);
    const results = await interleave(jobs, ctx.repeat, ctx.verbose ? ctx.log : undefined);

    const entries: BenchEntry[] = Object.values(NAMES).map((name) => {
      const result = results.get(name);
      if (!result) return skipped(name, unavailable.get(name) ?? 'did not run');
      if (result.error !== undefined) return skipped(name, result.error, 'failed');
      return measured(name, result, { floorMs: floor, threads: threads.get(name) ?? null, details: details.get(name) });
    });
    const at = (name: string) => entries.find((e) => e.name === name);
    return makeRow(
      {
        id: 1,
        title: 'cost + gradient, ex4 size',
        workload: `digits5000 m=${data.X.rows}, 400-25-10, λ=${LAMBDA}, one regularised cost and gradient`,
        flops,
        floorMs: floor,
        sparseFlops,
        sparseFloorMs: floorMs(sparseFlops, ctx.peakGflops),
        entries,
        checks: [
          speedup('numpy seed / native', at(NAMES.seed), at(NAMES.native), { op: '>=', value: 6 }),
          speedup('numpy seed / ts', at(NAMES.seed), at(NAMES.ts), { op: '>=', value: 1 }, 'ts time ≤ 1.0 × numpy time'),
          speedup('numpy fused / native', at(NAMES.fused), at(NAMES.native)),
          speedup('numpy fused / ts', at(NAMES.fused), at(NAMES.ts)),
          speedup('tfjs / native', at(NAMES.tfjs), at(NAMES.native)),
          speedup('tfjs / ts', at(NAMES.tfjs), at(NAMES.ts)),
        ],
        notes: agreementNotes(entries),
      },
      started,
    );
  } finally {
    for (const net of networks) net.dispose();
    tfjsNet?.dispose();
    await peer?.close();
  }
}

/** Relative cost differences against the first float64 entry: every implementation must agree. */
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
