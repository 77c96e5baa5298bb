/**
 * A sweep worker (node:worker_threads): trains the configurations the main thread sends, one at a time, with its
 * own BLAS thread count (1 by default, so N workers use N cores). Errors are NOT caught here: a failing training
 * crashes the worker, and the pool reports that configuration as failed and starts a fresh worker for the rest.
 */
import { parentPort, workerData } from 'node:worker_threads';
// Only the training module (not all of @backprop/nn: data loaders, images, model files), so a worker starts sooner.
import { train } from '@backprop/nn/train';
import { SUMMARY_FIELDS, type FromWorker, type ToWorker, type TrainedSummary, type WorkerSetup } from './protocol.js';

if (!parentPort) throw new Error('sweep/worker.js must run as a worker thread');
const port = parentPort;
const setup = workerData as WorkerSetup;
let current: AbortController | undefined;

function send(message: FromWorker): void {
  port.postMessage(message);
}

port.on('message', (message: ToWorker) => {
  if (message.type === 'abort') {
    current?.abort(new Error('sweep interrupted'));
    return;
  }
  const { config } = message;
  current = new AbortController();
  const run = train({ hidden: config.hidden }, setup.train, {
    method: setup.method,
    lambda: config.lambda,
    optimizer: setup.optimizer,
    init: { range: setup.initRange, scheme: setup.init },
    activation: config.activation === undefined ? undefined : config.activation.length === 1 ? config.activation[0] : config.activation,
    output: setup.output,
    leakySlope: setup.leakySlope,
    ...(config.dtype ? { dtype: config.dtype } : {}),
    seed: setup.seed,
    validation: setup.validation,
    trackAccuracy: false,
    backend: setup.backend,
    threads: setup.threads,
    signal: current.signal,
  });
  // No catch: a rejection is an uncaught error in this worker, which ends it and reaches the pool as 'error'.
  void run.then(({ model }) => {
    const t = model.training!;
    const summary = Object.fromEntries(SUMMARY_FIELDS.map((k) => [k, t[k]])) as TrainedSummary;
    send({ type: 'done', index: config.index, summary, model });
  });
});

send({ type: 'ready' });
