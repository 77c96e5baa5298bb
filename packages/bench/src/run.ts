/**
 * runBench: sets the BLAS thread count, measures the peak dgemm rate, runs the chosen rows one after another
 * (each row measures its implementations back to back, so ratios compare numbers taken minutes apart at most),
 * measures the peak again, and returns the report. Prints nothing on stdout; progress goes to `log`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as core from '@backprop/core-native';
import { getBackend } from '@backprop/nn';
import type { BenchContext } from './context.js';
import { load, machine, threadEnv } from './environment.js';
import { resolveBenchOptions, type BenchOptions } from './options.js';
import { measurePeak } from './peak.js';
import { errorMessage } from './report.js';
import { SETTLE_MS } from './timing.js';
import { benchCostGradient } from './rows/cost-gradient.js';
import { benchMnist } from './rows/mnist.js';
import { benchMnistRelu } from './rows/mnist-relu.js';
import { benchQueue } from './rows/queue.js';
import { benchServer } from './rows/server.js';
import { benchSweep } from './rows/sweep.js';
import { benchTnc } from './rows/tnc.js';
import type { BenchReport, BenchRow, BenchRowId } from './types.js';

const ROWS: Record<BenchRowId, { title: string; run: (ctx: BenchContext) => Promise<BenchRow> }> = {
  1: { title: 'cost + gradient, ex4 size', run: benchCostGradient },
  2: { title: "the seed's training: TNC, 300 evaluations", run: benchTnc },
  3: { title: 'MNIST epoch, Adam', run: benchMnist },
  4: { title: 'sweep throughput, 1 vs 2 workers', run: benchSweep },
  5: { title: 'server single predictions', run: benchServer },
  6: { title: 'sweep through the Redis queue', run: benchQueue },
  7: { title: 'MNIST ReLU + softmax, Adam, 5 epochs', run: benchMnistRelu },
};

const PEAK_N = 1000;

function failedRow(id: BenchRowId, err: unknown, startedAt: number): BenchRow {
  return {
    id,
    title: ROWS[id].title,
    workload: '',
    status: 'failed',
    flops: null,
    floorMs: null,
    entries: [],
    checks: [],
    notes: [`failed: ${errorMessage(err)}`],
    seconds: (Date.now() - startedAt) / 1000,
  };
}

/**
 * --isa and --blas-coretype become BACKPROP_ISA and OPENBLAS_CORETYPE in this process's environment, which the
 * addon (and OpenBLAS, as it is loaded with it) reads once on first load and every child the bench starts inherits.
 */
function applyClassOptions(o: ReturnType<typeof resolveBenchOptions>): void {
  if (o.isa !== null) process.env.BACKPROP_ISA = o.isa;
  if (o.blasCoretype !== null) process.env.OPENBLAS_CORETYPE = o.blasCoretype;
}

/** An addon loaded before runBench set the environment would run another class than the one asked for. */
function checkClassOptions(o: ReturnType<typeof resolveBenchOptions>, isa: string | undefined, blas: string): void {
  if (o.isa !== null && isa !== o.isa) {
    throw new Error(`--isa ${o.isa}: the addon loaded is ${isa ?? 'unknown'} (it was loaded before the bench set BACKPROP_ISA)`);
  }
  if (o.blasCoretype !== null && !blas.toLowerCase().split(' ').includes(o.blasCoretype.toLowerCase())) {
    throw new Error(`--blas-coretype ${o.blasCoretype}: OpenBLAS runs "${blas}" (unknown core name, or loaded before the bench set it)`);
  }
}

export async function runBench(options: BenchOptions = {}): Promise<BenchReport> {
  const o = resolveBenchOptions(options);
  applyClassOptions(o);
  const started = Date.now();
  const loadavgStart = load();
  const notes: string[] = [];
  const mach = machine();
  if (o.threads > mach.cores) notes.push(`--threads ${o.threads} exceeds the ${mach.cores} cores of this machine`);

  let nativeThreads: number | null = null;
  let nativeBlas: string | null = null;
  let nativeIsa: BenchReport['threads']['nativeIsa'] = null;
  try {
    const native = getBackend('native');
    native.setThreads(o.threads);
    nativeThreads = native.getThreads();
    nativeBlas = core.blasInfo().config;
    nativeIsa = core.nativeStatus().isa ?? null;
  } catch (err) {
    if (o.isa !== null) throw err; // a forced class that cannot run: the run would measure nothing it was asked for
    notes.push(`native backend unavailable, its entries are skipped: ${errorMessage(err)}`);
  }
  if (nativeBlas !== null) checkClassOptions(o, nativeIsa?.addon, nativeBlas);

  o.log(`peak dgemm ${PEAK_N}³ with ${o.threads} threads`);
  const peakRepeat = Math.max(3, o.repeat);
  const peakStart = measurePeak(PEAK_N, peakRepeat);
  if (peakStart.reason) notes.push(`no peak rate (floors omitted): ${peakStart.reason}`);

  const tmpDir = mkdtempSync(join(tmpdir(), 'backprop-bench-'));
  const ctx: BenchContext = { ...o, peakGflops: peakStart.gflops, tmpDir, found: {}, targetMs: o.quick ? 20 : 200 };
  const rows: BenchRow[] = [];
  try {
    for (const id of o.rows) {
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS)); // let the last row's BLAS threads park
      const rowStarted = Date.now();
      try {
        rows.push(await ROWS[id].run(ctx));
      } catch (err) {
        rows.push(failedRow(id, err, rowStarted));
      }
    }
  } finally {
    rmSync(tmpDir, { recursive: true, force: true });
  }
  const peakEnd = o.rows.length > 0 && peakStart.gflops !== null ? measurePeak(PEAK_N, peakRepeat) : undefined;
  const endGflops = peakEnd?.gflops ?? null;
  if (endGflops !== null && peakStart.gflops !== null && Math.abs(endGflops / peakStart.gflops - 1) > 0.1) {
    notes.push(
      `the peak rate moved from ${peakStart.gflops.toFixed(1)} to ${endGflops.toFixed(1)} GFLOP/s during the run ` +
        '(a busy neighbour?); floors use the start value',
    );
  }

  return {
    schema: 'backprop-bench/1',
    startedAt: new Date(started).toISOString(),
    finishedAt: new Date().toISOString(),
    seconds: (Date.now() - started) / 1000,
    options: { rows: o.rows, repeat: o.repeat, quick: o.quick, threads: o.threads, isa: o.isa, blasCoretype: o.blasCoretype },
    machine: { ...mach, loadavgStart, loadavgEnd: load() },
    threads: {
      native: nativeThreads,
      nativeBlas,
      nativeIsa,
      numpy: ctx.found.numpyBlas ?? null,
      torch: ctx.found.torchThreads ?? null,
      env: threadEnv(),
    },
    peak: {
      n: PEAK_N,
      gflops: peakStart.gflops,
      gflopsEnd: endGflops,
      samplesMs: peakStart.samplesMs,
      numpyGflops: ctx.found.numpyGflops ?? null,
    },
    rows,
    notes,
  };
}
