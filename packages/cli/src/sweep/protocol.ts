import type { BackendChoice, Dataset, Model, TrainMethod } from '@backprop/nn';

/** One point of the grid. */
export interface SweepConfig {
  index: number;
  lambda: number;
  hidden: number[];
}

/** What every worker needs, given once when it starts (the pool puts the data in shared memory: no copy per worker). */
export interface WorkerSetup {
  train: Dataset;
  validation?: Dataset;
  method: TrainMethod;
  optimizer: Record<string, unknown>;
  initRange: number;
  seed: number;
  backend: BackendChoice;
  threads: number;
}

export type ToWorker = { type: 'train'; config: SweepConfig } | { type: 'abort' };

export interface TrainedSummary {
  status: string;
  message: string;
  trainAccuracy?: number;
  validationAccuracy?: number;
  cost: number;
  nit: number;
  nfev: number;
  seconds: number;
  backend: string;
}

export type FromWorker =
  | { type: 'ready' }
  | { type: 'done'; index: number; summary: TrainedSummary; model: Model };
