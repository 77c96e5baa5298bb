/**
 * Row 3: one epoch of MNIST (60,000 × 784, scaled by 1/255), 784-256-10 sigmoid, Adam, batch 128, float64 — native
 * and ts through the library's `train`, against PyTorch on the CPU with the same thread count (scripts/ref/
 * bench_torch.py reads the same IDX files and says why its loop is PyTorch at its best).
 *
 * Entries: native warm (the optimiser's own clock, each timed epoch right after an untimed one in the same
 * process); native cold (the whole `train()` call of a one-epoch training in a fresh process: addon load, data
 * binding, checksum and the final accuracy pass included — what a user waits for once the data is read); ts;
 * PyTorch float64 (the peer the target is judged against); PyTorch float32 (its default dtype, context only); and
 * PyTorch float64 with no penalty at all (the plain loop, to show the peer pays next to nothing for the penalty).
 * All are interleaved round by round. The TS epoch can take minutes on a machine without worker threads: it runs
 * at most twice, and under --quick once on the first 6,000 rows, scaled to 60,000 and marked extrapolated.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { getBackend, loadDataset, mnistDataDir, subsetDataset, train, type BackendName, type Dataset } from '@backprop/nn';
import type { ColdEpochOptions } from '../cold-epoch.js';
import type { BenchContext } from '../context.js';
import { costGradientFlops, floorMs, nonzeros } from '../flops.js';
import { findPython, PeerSession } from '../python.js';
import { unavailableBackends, makeRow, measured, skipped, speedup } from '../report.js';
import { interleave, type Job } from '../timing.js';
import type { BenchEntry, BenchRow } from '../types.js';

const HIDDEN = 256;
const BATCH = 128;
const LEARNING_RATE = 1e-3;
const LAMBDA = 1;
const QUICK_TS_ROWS = 6000;
const NATIVE_WARM = 'native (warm epoch)';
const NATIVE_COLD = 'native (cold: first epoch, new process)';
const TORCH = 'PyTorch (cpu, float64)';
const TORCH_F32 = 'PyTorch (cpu, float32, context)';
const TORCH_PLAIN = 'PyTorch float64, no penalty (plain loop)';
const COLD_SCRIPT = fileURLToPath(new URL('../cold-epoch.js', import.meta.url));

/** One cold epoch: a fresh node process runs coldEpoch() and reports the wall ms of its train() call. */
function coldJob(ctx: BenchContext, rounds: number): Job {
  return {
    name: NATIVE_COLD,
    rounds,
    sample: (round) =>
      new Promise<number>((resolve, reject) => {
        const options: ColdEpochOptions = {
          backend: 'native', threads: ctx.threads, hidden: HIDDEN, batch: BATCH, learningRate: LEARNING_RATE,
          lambda: LAMBDA, seed: round,
        };
        execFile(process.execPath, [COLD_SCRIPT, JSON.stringify(options)], { timeout: 600_000 }, (err, stdout, stderr) => {
          if (err) return reject(new Error(`cold epoch: ${stderr.trim().split('\n').pop() || err.message}`));
          resolve((JSON.parse(stdout) as { ms: number }).ms);
        });
      }),
  };
}

/** PyTorch epochs in one of the peer's variants (dtype, penalty). */
function torchJob(session: PeerSession, name: string, rounds: number, dtype: 'float64' | 'float32', penalty: 'inplace' | 'none',
  accuracy: Map<string, number | null>): Job {
  return {
    name,
    rounds,
    warm: true,
    sample: async (round) => {
      const run = (await session.request({ op: 'epoch', seed: round, dtype, penalty }, 3_600_000)) as { ms: number; testAccuracy: number };
      accuracy.set(name, run.testAccuracy);
      return run.ms;
    },
  };
}

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
      for (const name of [TORCH, TORCH_F32, TORCH_PLAIN]) {
        unavailable.set(name, 'PyTorch is not importable by python3 or /usr/bin/python3 (apt-get install -y python3-torch)');
      }
    } else {
      const opened = await PeerSession.start(python, 'bench_torch.py', ['serve', '--idx-dir', mnistDataDir(),
        '--threads', String(ctx.threads), '--hidden', String(HIDDEN), '--batch', String(BATCH), '--lr', String(LEARNING_RATE),
        '--lambda', String(LAMBDA)], { timeoutMs: 600_000, threads: ctx.threads });
      if (opened instanceof PeerSession) {
        peer = opened;
        torchMeta = peer.ready as typeof torchMeta;
        ctx.found.torchThreads = torchMeta!.threads;
        jobs.push(torchJob(peer, TORCH_F32, rounds, 'float32', 'inplace', accuracy));
        jobs.push(torchJob(peer, TORCH, rounds, 'float64', 'inplace', accuracy));
        jobs.push(torchJob(peer, TORCH_PLAIN, rounds, 'float64', 'none', accuracy));
      } else {
        for (const name of [TORCH, TORCH_F32, TORCH_PLAIN]) unavailable.set(name, opened.reason);
      }
    }

    // The cold epoch's process comes after PyTorch's epochs, so that PyTorch's float64 variants run back to back
    // behind the same kind of job and their ratio measures the penalty, not what ran before them.
    if (!unavailable.has('native')) jobs.push(coldJob(ctx, rounds));
    else unavailable.set(NATIVE_COLD, unavailable.get('native')!);

    const tsTrain = ctx.quick ? subsetDataset(trainSet, Array.from({ length: QUICK_TS_ROWS }, (_, i) => i), 'mnist-head') : trainSet;
    if (!unavailable.has('ts')) jobs.push(epochJob(ctx, 'ts', tsTrain, testSet, ctx.quick ? 1 : Math.min(rounds, 2), accuracy));

    ctx.log(`row 3: MNIST epoch — ${jobs.map((j) => j.name).join(', ')}, ${rounds} interleaved rounds (ts: ${ctx.quick ? `one ${QUICK_TS_ROWS}-row epoch, extrapolated` : `${Math.min(rounds, 2)}`})`);
    const results = await interleave(jobs, rounds, ctx.log);

    const torchNames = new Set([TORCH, TORCH_F32, TORCH_PLAIN]);
    const display = new Map([['native', NATIVE_WARM]]);
    const entries: BenchEntry[] = ['native', NATIVE_COLD, 'ts', TORCH, TORCH_F32, TORCH_PLAIN].map((name) => {
      const label = display.get(name) ?? name;
      const result = results.get(name);
      if (!result) return skipped(label, unavailable.get(name) ?? 'did not run');
      if (result.error !== undefined) return skipped(label, result.error, 'failed');
      const details: BenchEntry['details'] = name === NATIVE_COLD ? {} : { testAccuracy: accuracy.get(name) ?? null };
      if (name === 'ts' && ctx.quick) details.extrapolatedFromRows = QUICK_TS_ROWS;
      if (torchNames.has(name) && torchMeta) Object.assign(details, { torch: torchMeta.torch, python: torchMeta.python_executable });
      const threads = torchNames.has(name) ? (torchMeta?.threads ?? null) : name === NATIVE_COLD ? ctx.threads : getBackend(name as BackendName).getThreads();
      return measured(label, result, { floorMs: floor, threads, details });
    });
    const [native, nativeCold, ts, torch, torchF32, torchPlain] = entries;

    const notes = ctx.quick ? [`--quick: the ts epoch ran on the first ${QUICK_TS_ROWS} rows and was scaled to 60,000`] : [];
    if (torch.status !== 'ok') notes.push(`PyTorch ${torch.status}: ${torch.reason}`);
    const penaltyCost = speedup('', torchPlain, torch).value;
    if (penaltyCost !== null) {
      notes.push(`PyTorch's penalty costs it ${((1 / penaltyCost - 1) * 100).toFixed(1)}%: float64 epoch with the penalty / the plain loop without it = ${(1 / penaltyCost).toFixed(3)} (its best form should be ≤ 1.10)`);
    }
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
          speedup('PyTorch / native (warm)', torch, native, { op: '>=', value: 4 }),
          speedup('PyTorch / native (cold)', torch, nativeCold),
          speedup('PyTorch float32 / native (warm)', torchF32, native),
          speedup('PyTorch / ts', torch, ts),
        ],
        notes,
      },
      started,
    );
  } finally {
    await peer?.close();
  }
}
