/**
 * Row 2: the seed's training — TNC with 300 evaluations (maxfun), λ = 10, uniform(−0.5, 0.5) initialisation — on
 * digits5000: native and ts through the library's `train`, and scipy's TNC driving the seed's reg_cost and
 * reg_gradient as written. All start from the SAME initial vector: train's randomInit(range 0.5, seed 0), handed
 * to the python peer in the MAT-file. Runs are interleaved (native, scipy, ts; ts only in the first rounds); native
 * and scipy each run once untimed before every timed run.
 */
import { join } from 'node:path';
import { getBackend, loadDigits5000, randomInit, train, writeMatFile, type BackendName, type Dataset, type TrainingSummary } from '@backprop/nn';
import type { BenchContext } from '../context.js';
import { costGradientFlops, floorMs, nonzeros } from '../flops.js';
import { PeerSession } from '../python.js';
import { unavailableBackends, makeRow, measured, skipped, speedup } from '../report.js';
import { formatMs } from '../table.js';
import { interleave, median, timeOnce, type Job } from '../timing.js';
import type { BenchCheck, BenchEntry, BenchRow, BlasLibrary } from '../types.js';

const LAYERS = [400, 25, 10];
const LAMBDA = 10;
const MAXFUN = 300;
const INIT_RANGE = 0.5;
const SEED = 0;
const SCIPY = 'scipy TNC (seed as written)';

/** Where one run's time went: inside the objective, in the optimiser's own work, and around it. */
interface Split {
  evaluationsMs: number;
  optimizerMs: number;
  /** The rest of the sample: train's set-up (binding the network, init) and its final accuracy (ours only). */
  restMs: number;
}

function trainJob(
  ctx: BenchContext,
  data: Dataset,
  name: BackendName,
  rounds: number,
  last: Map<string, TrainingSummary>,
  splits: Split[],
): Job {
  return {
    name,
    rounds,
    warm: name === 'native', // the TS runs last seconds: a cold start is noise there
    sample: async () => {
      let run: { elapsed: number; objectiveElapsed: number } | undefined;
      const ms = await timeOnce(async () => {
        const { model, result } = await train(LAYERS, data, {
          method: 'tnc',
          lambda: LAMBDA,
          optimizer: { maxfun: MAXFUN },
          init: { range: INIT_RANGE },
          seed: SEED,
          backend: name,
          threads: name === 'native' ? ctx.threads : undefined,
          trackAccuracy: false,
        });
        last.set(name, model.training!);
        run = result;
      });
      splits.push({ evaluationsMs: run!.objectiveElapsed, optimizerMs: run!.elapsed - run!.objectiveElapsed, restMs: ms - run!.elapsed });
      return ms;
    },
  };
}

/** Medians of each part over a job's timed samples (a warm job's untimed run precedes each: every other split). */
function medianSplit(splits: readonly Split[], warm: boolean): Split | null {
  const kept = warm ? splits.filter((_, i) => i % 2 === 1) : splits;
  if (kept.length === 0) return null;
  const mid = (part: keyof Split) => median(kept.map((s) => s[part])) ?? NaN;
  return { evaluationsMs: mid('evaluationsMs'), optimizerMs: mid('optimizerMs'), restMs: mid('restMs') };
}


export async function benchTnc(ctx: BenchContext): Promise<BenchRow> {
  const started = Date.now();
  const data = loadDigits5000();
  const flopsPerEval = costGradientFlops(LAYERS, data.X.rows);
  const flops = MAXFUN * flopsPerEval;
  const sparseFlops = MAXFUN * costGradientFlops(LAYERS, data.X.rows, nonzeros(data.X.data));
  const rounds = ctx.quick ? 1 : ctx.repeat;
  const tsRounds = ctx.quick ? 1 : Math.min(ctx.repeat, 2);
  const last = new Map<string, TrainingSummary>();
  const splits = new Map<string, Split[]>([['native', []], ['ts', []], [SCIPY, []]]);
  const scipyRuns: { nfev: number; nit: number; cost: number; accuracy: number; message: string }[] = [];
  const unavailable = unavailableBackends(['native', 'ts']);
  const jobs: Job[] = [];
  let scipyThreads: number | null = null;
  let peer: PeerSession | undefined;

  try {
    if (!unavailable.has('native')) jobs.push(trainJob(ctx, data, 'native', rounds, last, splits.get('native')!));

    const path = join(ctx.tmpDir, 'tnc.mat');
    const x0 = randomInit(LAYERS, { range: INIT_RANGE, seed: SEED }); // what train() starts from
    writeMatFile(path, {
      X: data.X,
      y: { rows: data.X.rows, cols: 1, data: Float64Array.from(data.y) },
      x0: { rows: x0.length, cols: 1, data: x0 },
    });
    const opened = await PeerSession.start(ctx.python, 'bench_seed.py', ['serve', '--mat', path, '--threads', String(ctx.threads)], {
      timeoutMs: 300_000,
      threads: ctx.threads,
    });
    if (opened instanceof PeerSession) {
      peer = opened;
      const blas = (peer.ready as { blas: BlasLibrary[] }).blas;
      ctx.found.numpyBlas ??= blas;
      scipyThreads = blas?.find((b) => b.threads !== undefined)?.threads ?? null;
      const session = peer;
      jobs.push({
        name: SCIPY,
        rounds,
        warm: true,
        sample: async () => {
          const run = (await session.request({ op: 'tnc', maxfun: MAXFUN, lambda: LAMBDA }, 3_600_000)) as
            { ms: number; evalMs: number; nfev: number; nit: number; cost: number; accuracy: number; message: string };
          scipyRuns.push(run);
          splits.get(SCIPY)!.push({ evaluationsMs: run.evalMs, optimizerMs: run.ms - run.evalMs, restMs: 0 });
          return run.ms;
        },
      });
    } else {
      unavailable.set(SCIPY, opened.reason);
    }
    if (!unavailable.has('ts')) jobs.push(trainJob(ctx, data, 'ts', tsRounds, last, splits.get('ts')!));

    ctx.log(`row 2: TNC 300 evaluations — ${jobs.map((j) => j.name).join(', ')}, ${rounds} interleaved rounds (ts: ${tsRounds})`);
    const results = await interleave(jobs, rounds, ctx.log);

    const entries: BenchEntry[] = ['native', 'ts', SCIPY].map((name) => {
      const result = results.get(name);
      if (!result) return skipped(name, unavailable.get(name) ?? 'did not run');
      if (result.error !== undefined) return skipped(name, result.error, 'failed');
      const split = medianSplit(splits.get(name)!, jobs.find((j) => j.name === name)?.warm === true);
      if (name === SCIPY) {
        const r = scipyRuns[scipyRuns.length - 1];
        return measured(name, result, {
          // the seed evaluates reg_cost and reg_gradient separately, but the floor counts the computation itself
          floorMs: floorMs(r.nfev * flopsPerEval, ctx.peakGflops),
          threads: scipyThreads,
          details: { nfev: r.nfev, nit: r.nit, cost: r.cost, trainAccuracy: r.accuracy, message: r.message, ...split },
        });
      }
      const s = last.get(name)!;
      return measured(name, result, {
        floorMs: floorMs(s.nfev * flopsPerEval, ctx.peakGflops),
        threads: getBackend(name as BackendName).getThreads(),
        details: { nfev: s.nfev, nit: s.nit, cost: s.cost, trainAccuracy: s.trainAccuracy ?? null, status: s.status, ...split },
      });
    });

    // TNC's path depends on rounding, so 300 evaluations end at slightly different points: shown, not judged.
    const ran = entries.filter((e) => e.status === 'ok');
    const notes = ran.length > 1
      ? [`final costs: ${ran.map((e) => `${e.name} ${(e.details.cost as number).toPrecision(6)}`).join(', ')} (TNC paths drift apart with rounding)`]
      : [];
    const at = (name: string) => entries.find((e) => e.name === name);
    // Where each run's time went (medians): the objective's calls, the optimiser's own work, and the rest.
    for (const e of ran) {
      const d = e.details as Partial<Split> & { nfev: number };
      if (d.evaluationsMs === undefined) continue;
      const rest = e.name === SCIPY ? '' : `, set-up and final accuracy ${formatMs(d.restMs)}`;
      const optimizer = e.name === SCIPY ? "scipy's TNC (C) and the call overhead" : "TNC's own work";
      notes.push(
        `${e.name}: ${d.nfev} evaluations ${formatMs(d.evaluationsMs)} (${(d.evaluationsMs / d.nfev).toFixed(2)} ms each), ` +
          `${optimizer} ${formatMs(d.optimizerMs)}${rest}`,
      );
    }
    const native = at('native');
    const scipy = at(SCIPY);
    const nativeEvaluations = native?.details.evaluationsMs as number | undefined;
    const scipyEvaluations = scipy?.details.evaluationsMs as number | undefined;
    const bounds: BenchCheck[] = [];
    if (scipy?.median != null && nativeEvaluations !== undefined) {
      // The most the target ratio could be in this run if TNC and the set-up cost nothing.
      bounds.push({ name: 'scipy / native evaluations alone', value: scipy.median / nativeEvaluations, unit: 'x' });
    }
    if (scipyEvaluations !== undefined && nativeEvaluations !== undefined) {
      bounds.push({ name: 'scipy evaluations / native evaluations', value: scipyEvaluations / nativeEvaluations, unit: 'x' });
    }
    return makeRow(
      {
        id: 2,
        title: "the seed's training: TNC, 300 evaluations",
        workload: `digits5000 m=${data.X.rows}, 400-25-10, λ=${LAMBDA}, maxfun=${MAXFUN}, x0 ~ uniform(−0.5, 0.5) (the same vector for all)`,
        flops,
        floorMs: floorMs(flops, ctx.peakGflops),
        sparseFlops,
        sparseFloorMs: floorMs(sparseFlops, ctx.peakGflops),
        entries,
        checks: [
          speedup('scipy / native', at(SCIPY), at('native'), { op: '>=', value: 6 }),
          speedup('scipy / ts', at(SCIPY), at('ts')),
          ...bounds,
        ],
        notes,
      },
      started,
    );
  } finally {
    await peer?.close();
  }
}
