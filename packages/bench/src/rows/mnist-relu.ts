/**
 * Row 7 (issue 16): the network a PyTorch tutorial trains on MNIST — 784-256-10, ReLU hidden units, softmax output
 * with categorical cross-entropy, Adam lr 1e-3, batch 128, no penalty, 5 epochs — trained by the library (native,
 * float64) and by PyTorch the same way in the same run (scripts/ref/bench_torch.py --net relu-softmax: He weights
 * for the ReLU layer and Glorot for the output, biases 0, as the library's default for this network).
 *
 * Each sample is a whole 5-epoch training from a fresh initialisation (round r uses seed r); the entry's figure is
 * the mean epoch of that training, and its test accuracy is the one after the fifth epoch. Both sides train in
 * float64 and in float32 (PyTorch's default dtype; the library's float32 computes in float32 with float64 optimiser
 * state, see nn's network/dtype.ts).
 */
import { loadDataset, mnistDataDir, train, type Dataset, type Dtype } from '@backprop/nn';
import type { BenchContext } from '../context.js';
import { findPython, PeerSession } from '../python.js';
import { makeRow, measured, skipped, speedup, unavailableBackends } from '../report.js';
import { interleave, type Job } from '../timing.js';
import type { BenchEntry, BenchRow } from '../types.js';

const HIDDEN = 256;
const BATCH = 128;
const LEARNING_RATE = 1e-3;
const EPOCHS = 5;
const NATIVE = 'native float64';
const NATIVE_F32 = 'native float32';
const TORCH = 'PyTorch float64';
const TORCH_F32 = 'PyTorch float32';

function nativeJob(ctx: BenchContext, name: string, dtype: Dtype, trainSet: Dataset, testSet: Dataset,
  accuracy: Map<string, number[]>): Job {
  return {
    name,
    sample: async (round) => {
      const { model, result } = await train({ hidden: [HIDDEN] }, trainSet, {
        method: 'adam',
        lambda: 0,
        activation: 'relu',
        output: 'softmax',
        optimizer: { epochs: EPOCHS, batchSize: BATCH, learningRate: LEARNING_RATE },
        seed: round,
        dtype,
        backend: 'native',
        threads: ctx.threads,
        trackAccuracy: false,
        test: testSet,
      });
      accuracy.get(name)!.push(model.training?.testAccuracy ?? Number.NaN);
      return result.elapsed / EPOCHS;
    },
  };
}

function torchJob(session: PeerSession, name: string, dtype: Dtype, accuracy: Map<string, number[]>): Job {
  return {
    name,
    sample: async (round) => {
      const request = { op: 'epoch', seed: round, dtype, penalty: 'none', net: 'relu-softmax', epochs: EPOCHS };
      const run = (await session.request(request, 3_600_000)) as { ms: number; testAccuracy: number | null };
      accuracy.get(name)!.push(run.testAccuracy ?? Number.NaN);
      return run.ms;
    },
  };
}

const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

export async function benchMnistRelu(ctx: BenchContext): Promise<BenchRow> {
  const started = Date.now();
  const trainSet = loadDataset('mnist');
  const testSet = loadDataset('mnist-test');
  const rounds = ctx.quick ? 1 : Math.min(ctx.repeat, 2);
  const accuracy = new Map<string, number[]>([NATIVE, NATIVE_F32, TORCH, TORCH_F32].map((n) => [n, []]));
  const unavailable = unavailableBackends(['native']);
  const jobs: Job[] = [];
  let peer: PeerSession | undefined;
  try {
    if (!unavailable.has('native')) {
      jobs.push(nativeJob(ctx, NATIVE_F32, 'float32', trainSet, testSet, accuracy), nativeJob(ctx, NATIVE, 'float64', trainSet, testSet, accuracy));
    } else {
      for (const name of [NATIVE, NATIVE_F32]) unavailable.set(name, unavailable.get('native')!);
    }
    const python = findPython([ctx.python, '/usr/bin/python3'], 'torch');
    if (!python) {
      for (const name of [TORCH, TORCH_F32]) unavailable.set(name, 'PyTorch is not importable (apt-get install -y python3-torch)');
    } else {
      const opened = await PeerSession.start(python, 'bench_torch.py', ['serve', '--idx-dir', mnistDataDir(), '--threads',
        String(ctx.threads), '--hidden', String(HIDDEN), '--batch', String(BATCH), '--lr', String(LEARNING_RATE), '--lambda', '0'],
      { timeoutMs: 600_000, threads: ctx.threads });
      if (opened instanceof PeerSession) {
        peer = opened;
        jobs.push(torchJob(peer, TORCH_F32, 'float32', accuracy), torchJob(peer, TORCH, 'float64', accuracy));
      } else {
        for (const name of [TORCH, TORCH_F32]) unavailable.set(name, opened.reason);
      }
    }
    ctx.log(`row 7: MNIST ReLU + softmax, ${EPOCHS} epochs — ${jobs.map((j) => j.name).join(', ')}, ${rounds} interleaved rounds`);
    const results = await interleave(jobs, rounds, ctx.log);

    const entries: BenchEntry[] = [NATIVE, NATIVE_F32, TORCH, TORCH_F32].map((name) => {
      const result = results.get(name);
      if (!result) return skipped(name, unavailable.get(name) ?? 'did not run');
      if (result.error !== undefined) return skipped(name, result.error, 'failed');
      return measured(name, result, { threads: ctx.threads, details: { testAccuracy: mean(accuracy.get(name)!), testAccuracies: accuracy.get(name)!.join(' ') } });
    });
    const [native, nativeF32, torch, torchF32] = entries;
    const acc = (e: BenchEntry) => (typeof e.details.testAccuracy === 'number' ? e.details.testAccuracy : null);
    const points = (a: number | null, b: number | null) => (a === null || b === null ? null : ((a - b) * 100).toFixed(2));
    const notes: string[] = [];
    for (const e of [native, nativeF32]) {
      const a = acc(e);
      if (a !== null) notes.push(`test accuracy after ${EPOCHS} epochs: ${e.name} ${(a * 100).toFixed(2)}% (target ≥ 97.0%)`);
    }
    const gaps: [string, string | null][] = [
      ['PyTorch float64 − native float64', points(acc(torch), acc(native))],
      ['PyTorch float32 − native float32', points(acc(torchF32), acc(nativeF32))],
    ];
    for (const [what, gap] of gaps) if (gap !== null) notes.push(`${what} = ${gap} points (target ≤ 0.3)`);
    const f64 = acc(native), f32 = acc(nativeF32);
    if (f64 !== null && f32 !== null) notes.push(`|native float64 − native float32| = ${(Math.abs(f64 - f32) * 100).toFixed(2)} points (target ≤ 0.3)`);
    return makeRow(
      {
        id: 7,
        title: 'MNIST ReLU + softmax, Adam, 5 epochs',
        workload: `MNIST m=${trainSet.X.rows}, 784-${HIDDEN}(relu)-10(softmax), Adam lr=${LEARNING_RATE}, batch ${BATCH}, λ=0; ms per epoch (mean of ${EPOCHS})`,
        flops: null,
        floorMs: null,
        entries,
        checks: [
          speedup('PyTorch float64 / native float64', torch, native, { op: '>=', value: 4 }),
          speedup('PyTorch float32 / native float32', torchF32, nativeF32, { op: '>=', value: 5 }),
          speedup('PyTorch float32 / native float64 (context)', torchF32, native),
        ],
        notes,
      },
      started,
    );
  } finally {
    await peer?.close();
  }
}
