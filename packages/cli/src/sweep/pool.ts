import { Worker } from 'node:worker_threads';
import type { FromWorker, SweepConfig, ToWorker, TrainedSummary, WorkerSetup } from './protocol.js';
import type { Model } from '@backprop/nn';
import { shareDataset } from './shared.js';

export type Outcome =
  | { config: SweepConfig; ok: true; summary: TrainedSummary; model: Model; worker: number }
  | { config: SweepConfig; ok: false; error: string; worker: number };

export interface PoolOptions {
  workers: number;
  setup: WorkerSetup;
  /** Called as each configuration finishes (or fails). */
  onOutcome?: (outcome: Outcome) => void;
  /** Aborting stops handing out configurations and asks running trainings to stop (they return their best). */
  signal?: AbortSignal;
  /** The compiled worker script (default: ./worker.js next to this file). */
  script?: URL;
}

/**
 * Trains every configuration on a pool of worker threads, each pulling the next configuration when it is free.
 * A worker that crashes (an uncaught error, or exiting) fails only the configuration it was running: the failure
 * is recorded with its message and a new worker takes over the remaining queue. Resolves with one outcome per
 * configuration, in grid order (configurations never started because of an abort are left out).
 */
export function runPool(configs: SweepConfig[], options: PoolOptions): Promise<Outcome[]> {
  const script = options.script ?? new URL('./worker.js', import.meta.url);
  const { train, validation } = options.setup;
  const setup: WorkerSetup = { ...options.setup, train: shareDataset(train), validation: validation && shareDataset(validation) };
  const queue = [...configs];
  const outcomes = new Map<number, Outcome>();
  const live = new Set<Worker>();
  let nextId = 0;

  return new Promise((resolve) => {
    const finishIfDone = (): void => {
      if (live.size === 0) resolve(configs.filter((c) => outcomes.has(c.index)).map((c) => outcomes.get(c.index)!));
    };
    const record = (o: Outcome): void => {
      outcomes.set(o.config.index, o);
      options.onOutcome?.(o);
    };
    const start = (): void => {
      const id = ++nextId;
      const worker = new Worker(script, { workerData: setup });
      live.add(worker);
      let running: SweepConfig | undefined;
      let crashed: string | undefined;
      const next = (): void => {
        running = options.signal?.aborted ? undefined : queue.shift();
        if (running) worker.postMessage({ type: 'train', config: running } satisfies ToWorker);
        else void worker.terminate();
      };
      worker.on('message', (m: FromWorker) => {
        if (m.type === 'ready') next();
        else if (m.type === 'done' && running) {
          record({ config: running, ok: true, summary: m.summary, model: m.model, worker: id });
          next();
        }
      });
      worker.on('error', (err) => {
        crashed = err instanceof Error ? err.message : String(err);
      });
      worker.on('exit', (code) => {
        live.delete(worker);
        // A crash fails the configuration it was running; a worker that dies before taking one (it could not
        // even start) fails the next one in the queue, so every configuration is reported and the loop ends.
        const failed = running ?? (crashed !== undefined ? queue.shift() : undefined);
        running = undefined;
        if (failed) {
          record({ config: failed, ok: false, error: crashed ?? `worker exited with code ${code}`, worker: id });
          if (queue.length > 0 && !options.signal?.aborted) start();
        }
        finishIfDone();
      });
    };
    options.signal?.addEventListener('abort', () => {
      for (const w of live) w.postMessage({ type: 'abort' } satisfies ToWorker);
    });
    const n = Math.max(1, Math.min(options.workers, queue.length));
    if (queue.length === 0) resolve([]);
    for (let i = 0; i < n; i++) start();
  });
}
