/**
 * Row 3: one epoch of MNIST (60,000 × 784, scaled by 1/255), 784-256-10 sigmoid, Adam, batch 128, float64 — native
 * and ts through the library's `train`, against PyTorch on the CPU with the same thread count (scripts/ref/
 * bench_torch.py reads the same IDX files). Only the epoch is timed: the optimiser's own clock for ours, the
 * epoch loop for PyTorch (data loading and test accuracy excluded for all three). Native and PyTorch epochs are
 * interleaved, each timed epoch right after an untimed one. The TS epoch can take minutes on a machine without worker threads: it runs at most twice, and under
 * --quick once on the first 6,000 rows, scaled to 60,000 and marked extrapolated.
 */
import { getBackend } from '../../backend/select.js';
import type { BackendName } from '../../backend/types.js';
import type { Dataset } from '../../data/dataset.js';
import { loadDataset } from '../../data/datasets.js';
import { mnistDataDir } from '../../data/mnist.js';
import { subsetDataset } from '../../data/split.js';
import { train } from '../../train.js';
import type { BenchContext } from '../context.js';
import { costGradientFlops, floorMs, nonzeros } from '../flops.js';
import { findPython, PeerSession } from '../python.js';
import { errorMessage, unavailableBackends, makeRow, measured, skipped, speedup } from '../report.js';
import { interleave, type Job } from '../timing.js';
import type { BenchEntry, BenchRow } from '../types.js';

const HIDDEN = 256;
const BATCH = 128;
const LEARNING_RATE = 1e-3;
const LAMBDA = 1;
const QUICK_TS_ROWS = 6000;
const TORCH = 'PyTorch (cpu, float64)';

function epochJob(ctx: BenchContext, name: BackendName, trainSet: Dataset, testSet: Dataset, rounds: number,
  accuracy: Map<string, number | null>): Job {
  const scale = 60000 / trainSet.X.rows;
  return {
    name,
    rounds,
    warm: name === 'native', // the TS epochs last seconds: a cold start is noise there
    sample: async (round) => {
      const { model, result } = await train({ hidden: [HIDDEN] }, trainSet, {
        method: 'adam',
        lambda: LAMBDA,
        optimizer: { epochs: 1, batchSize: BATCH, learningRate: LEARNING_RATE },
        init: { scheme: 'glorot' },
        seed: round,
        backend: name,
        threads: name === 'native' ? ctx.threads : undefined,
        trackAccuracy: false,
        test: testSet,
      });
      accuracy.set(name, model.training?.testAccuracy ?? null);
      return result.elapsed * scale;
    },
  };
}

export async function benchMnist(ctx: BenchContext): Promise<BenchRow> {
  const started = Date.now();
  const trainSet = loadDataset('mnist');
  const testSet = loadDataset('mnist-test');
  const layers = [trainSet.X.cols, HIDDEN, 10];
  const flops = costGradientFlops(layers, trainSet.X.rows);
  const floor = floorMs(flops, ctx.peakGflops);
  const sparseFlops = costGradientFlops(layers, trainSet.X.rows, nonzeros(trainSet.X.data));
  const rounds = ctx.quick ? 1 : Math.min(ctx.repeat, 3);
  const accuracy = new Map<string, number | null>();
  const unavailable = unavailableBackends(['native', 'ts']);
  const jobs: Job[] = [];
  let torchMeta: { threads: number; torch: string; python_executable: string } | undefined;
  let peer: PeerSession | undefined;

  try {
    if (!unavailable.has('native')) jobs.push(epochJob(ctx, 'native', trainSet, testSet, rounds, accuracy));

    const python = findPython([ctx.python, '/usr/bin/python3'], 'torch');
    if (!python) {
      unavailable.set(TORCH, 'PyTorch is not importable by python3 or /usr/bin/python3 (apt-get install -y python3-torch)');
    } else {
      const opened = await PeerSession.start(python, 'bench_torch.py', ['serve', '--idx-dir', mnistDataDir(),
        '--threads', String(ctx.threads), '--hidden', String(HIDDEN), '--batch', String(BATCH), '--lr', String(LEARNING_RATE),
        '--lambda', String(LAMBDA)], { timeoutMs: 600_000, threads: ctx.threads });
      if (opened instanceof PeerSession) {
        peer = opened;
        torchMeta = peer.ready as typeof torchMeta;
        ctx.found.torchThreads = torchMeta!.threads;
        const session = peer;
        jobs.push({
          name: TORCH,
          rounds,
          warm: true,
          sample: async (round) => {
            const run = (await session.request({ op: 'epoch', seed: round }, 3_600_000)) as { ms: number; testAccuracy: number };
            accuracy.set(TORCH, run.testAccuracy);
            return run.ms;
          },
        });
      } else {
        unavailable.set(TORCH, opened.reason);
      }
    }

    const tsTrain = ctx.quick ? subsetDataset(trainSet, Array.from({ length: QUICK_TS_ROWS }, (_, i) => i), 'mnist-head') : trainSet;
    if (!unavailable.has('ts')) jobs.push(epochJob(ctx, 'ts', tsTrain, testSet, ctx.quick ? 1 : Math.min(rounds, 2), accuracy));

    ctx.log(`row 3: MNIST epoch — ${jobs.map((j) => j.name).join(', ')}, ${rounds} interleaved rounds (ts: ${ctx.quick ? `one ${QUICK_TS_ROWS}-row epoch, extrapolated` : `${Math.min(rounds, 2)}`})`);
    const results = await interleave(jobs, rounds, ctx.log);

    const entries: BenchEntry[] = ['native', 'ts', TORCH].map((name) => {
      const result = results.get(name);
      if (!result) return skipped(name, unavailable.get(name) ?? 'did not run');
      if (result.error !== undefined) return skipped(name, result.error, 'failed');
      const details: BenchEntry['details'] = { testAccuracy: accuracy.get(name) ?? null };
      if (name === 'ts' && ctx.quick) details.extrapolatedFromRows = QUICK_TS_ROWS;
      if (name === TORCH && torchMeta) Object.assign(details, { torch: torchMeta.torch, python: torchMeta.python_executable });
      const threads = name === TORCH ? (torchMeta?.threads ?? null) : getBackend(name as BackendName).getThreads();
      return measured(name, result, { floorMs: floor, threads, details });
    });

    const notes = ctx.quick ? [`--quick: the ts epoch ran on the first ${QUICK_TS_ROWS} rows and was scaled to 60,000`] : [];
    const torch = entries[2];
    if (torch.status !== 'ok') notes.push(`PyTorch ${torch.status}: ${torch.reason}`);
    return makeRow(
      {
        id: 3,
        title: 'MNIST epoch, Adam',
        workload: `MNIST m=${trainSet.X.rows}, ${layers.join('-')} sigmoid, Adam lr=${LEARNING_RATE}, batch ${BATCH}, λ=${LAMBDA}, float64, one epoch`,
        flops,
        floorMs: floor,
        sparseFlops,
        sparseFloorMs: floorMs(sparseFlops, ctx.peakGflops),
        entries,
        checks: [
          speedup('PyTorch / native', torch, entries[0], { op: '>=', value: 4 }),
          speedup('PyTorch / ts', torch, entries[1]),
        ],
        notes,
      },
      started,
    );
  } finally {
    await peer?.close();
  }
}
