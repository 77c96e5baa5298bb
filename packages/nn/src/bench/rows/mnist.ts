/**
 * Row 3: one epoch of MNIST (60,000 × 784, scaled by 1/255), 784-256-10 sigmoid, Adam, batch 128, float64 — native
 * and ts through the library's `train`, against PyTorch on the CPU with the same thread count (scripts/ref/
 * bench_torch.py reads the same IDX files). Only the epoch is timed: the optimiser's own clock for ours, the
 * epoch loop for PyTorch (data loading and test accuracy excluded for all three). The TS epoch takes minutes; it
 * runs once, and under --quick on the first 6,000 rows, scaled to 60,000 and marked extrapolated.
 */
import { getBackend } from '../../backend/select.js';
import type { BackendName } from '../../backend/types.js';
import type { Dataset } from '../../data/dataset.js';
import { loadDataset } from '../../data/datasets.js';
import { mnistDataDir } from '../../data/mnist.js';
import { subsetDataset } from '../../data/split.js';
import { train } from '../../train.js';
import type { BenchContext } from '../context.js';
import { costGradientFlops, floorMs } from '../flops.js';
import { findPython, runPeer } from '../python.js';
import { errorMessage, makeRow, measured, skipped, speedup } from '../report.js';
import type { BenchEntry, BenchRow } from '../types.js';

const HIDDEN = 256;
const BATCH = 128;
const LEARNING_RATE = 1e-3;
const LAMBDA = 1;
const QUICK_TS_ROWS = 6000;

async function epochEntry(
  ctx: BenchContext, name: BackendName, trainSet: Dataset, testSet: Dataset, repeat: number, floor: number | null,
): Promise<BenchEntry> {
  try {
    getBackend(name);
  } catch (err) {
    return skipped(name, errorMessage(err));
  }
  const m = trainSet.X.rows;
  const scale = 60000 / m;
  try {
    const samplesMs: number[] = [];
    let accuracy: number | null = null;
    for (let r = 0; r < repeat; r++) {
      const { model, result } = await train({ hidden: [HIDDEN] }, trainSet, {
        method: 'adam',
        lambda: LAMBDA,
        optimizer: { epochs: 1, batchSize: BATCH, learningRate: LEARNING_RATE },
        init: { scheme: 'glorot' },
        seed: r,
        backend: name,
        threads: name === 'native' ? ctx.threads : undefined,
        trackAccuracy: false,
        test: testSet,
      });
      samplesMs.push(result.elapsed * scale);
      accuracy = model.training?.testAccuracy ?? null;
    }
    const details: BenchEntry['details'] = { testAccuracy: accuracy, rows: m };
    if (scale !== 1) details.extrapolatedFromRows = m;
    return measured(name, { samplesMs, inner: 1 }, { floorMs: floor, threads: getBackend(name).getThreads(), details });
  } catch (err) {
    return skipped(name, errorMessage(err), 'failed');
  }
}

function torchEntry(ctx: BenchContext, repeat: number, floor: number | null): BenchEntry {
  const name = 'PyTorch (cpu, float64)';
  const python = findPython([ctx.python, '/usr/bin/python3'], 'torch');
  if (!python) {
    return skipped(name, 'PyTorch not importable by python3 or /usr/bin/python3 (apt-get install -y python3-torch)');
  }
  const run = runPeer(
    python,
    'bench_torch.py',
    ['--idx-dir', mnistDataDir(), '--repeat', String(repeat), '--threads', String(ctx.threads), '--hidden', String(HIDDEN),
      '--batch', String(BATCH), '--lr', String(LEARNING_RATE), '--lambda', String(LAMBDA)],
    { timeoutMs: 3_600_000, threads: ctx.threads },
  );
  if (!run.ok) return skipped(name, run.reason);
  const v = run.value as { runs: { ms: number; testAccuracy: number }[]; threads: number; torch: string; python_executable: string };
  ctx.found.torchThreads = v.threads;
  return measured(name, { samplesMs: v.runs.map((r) => r.ms), inner: 1 }, {
    floorMs: floor,
    threads: v.threads,
    details: { testAccuracy: v.runs[v.runs.length - 1].testAccuracy, torch: v.torch, python: v.python_executable },
  });
}

export async function benchMnist(ctx: BenchContext): Promise<BenchRow> {
  const started = Date.now();
  const trainSet = loadDataset('mnist');
  const testSet = loadDataset('mnist-test');
  const layers = [trainSet.X.cols, HIDDEN, 10];
  const flops = costGradientFlops(layers, trainSet.X.rows);
  const floor = floorMs(flops, ctx.peakGflops);
  const longRepeat = ctx.quick ? 1 : Math.min(ctx.repeat, 3);

  ctx.log('row 3: MNIST epoch — native');
  const native = await epochEntry(ctx, 'native', trainSet, testSet, longRepeat, floor);
  ctx.log(`row 3: MNIST epoch — ts${ctx.quick ? ` (first ${QUICK_TS_ROWS} rows, extrapolated)` : ' (one run: minutes)'}`);
  const tsTrain = ctx.quick ? subsetDataset(trainSet, Array.from({ length: QUICK_TS_ROWS }, (_, i) => i), 'mnist-head') : trainSet;
  const ts = await epochEntry(ctx, 'ts', tsTrain, testSet, 1, floor);
  ctx.log('row 3: MNIST epoch — PyTorch (python peer)');
  const torch = torchEntry(ctx, longRepeat, floor);

  const notes = ctx.quick ? [`--quick: the ts epoch ran on the first ${QUICK_TS_ROWS} rows and was scaled to 60,000`] : [];
  if (torch.status !== 'ok') notes.push(`PyTorch row skipped: ${torch.reason}`);
  return makeRow(
    {
      id: 3,
      title: 'MNIST epoch, Adam',
      workload: `MNIST m=${trainSet.X.rows}, ${layers.join('-')} sigmoid, Adam lr=${LEARNING_RATE}, batch ${BATCH}, λ=${LAMBDA}, float64, one epoch`,
      flops,
      floorMs: floor,
      entries: [native, ts, torch],
      checks: [
        speedup('PyTorch / native', torch, native, { op: '>=', value: 4 }),
        speedup('PyTorch / ts', torch, ts),
      ],
      notes,
    },
    started,
  );
}
