import { loadDataset, train, type BackendName } from '@backprop/nn';
/**
 * One MNIST epoch in a fresh process, for row 3's cold figure: what a user waits for on the first epoch of a
 * `train` run, the one-time binding of the data set to the backend included (loading the IDX files is not).
 * Run as `node cold-epoch.js '<json options>'`; prints one JSON object: {"ms": wall ms of train(), "accuracy"}.
 */
import { performance } from 'node:perf_hooks';

export interface ColdEpochOptions {
  backend: BackendName;
  threads: number;
  hidden: number;
  batch: number;
  learningRate: number;
  lambda: number;
  seed: number;
}

export async function coldEpoch(o: ColdEpochOptions): Promise<{ ms: number; accuracy: number | null }> {
  const trainSet = loadDataset('mnist');
  const t0 = performance.now();
  const { model } = await train({ hidden: [o.hidden] }, trainSet, {
    method: 'adam',
    lambda: o.lambda,
    optimizer: { epochs: 1, batchSize: o.batch, learningRate: o.learningRate },
    init: { scheme: 'glorot' },
    seed: o.seed,
    backend: o.backend,
    threads: o.threads,
    trackAccuracy: false,
  });
  const ms = performance.now() - t0;
  return { ms, accuracy: model.training?.trainAccuracy ?? null };
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  coldEpoch(JSON.parse(process.argv[2] ?? '{}') as ColdEpochOptions).then(
    (r) => process.stdout.write(`${JSON.stringify(r)}\n`),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
