import type { BackendChoice, Dataset, Dtype, HiddenActivation, InitScheme, Model, OutputActivation, TrainingSummary, TrainMethod } from '@backprop/nn';

/** One point of the grid. */
export interface SweepConfig {
  index: number;
  lambda: number;
  hidden: number[];
  /** Hidden activations: one for every layer, or one per layer. Absent: sigmoid (the seed's). */
  activation?: HiddenActivation[];
  /** What the network computes in. Absent: float64 (the seed's). */
  dtype?: Dtype;
}

/** What every worker needs, given once when it starts (the pool puts the data in shared memory: no copy per worker). */
export interface WorkerSetup {
  train: Dataset;
  validation?: Dataset;
  method: TrainMethod;
  optimizer: Record<string, unknown>;
  initRange: number;
  /** The output layer, leaky_relu's slope and the initialisation scheme of every training (absent: the seed's). */
  output?: OutputActivation;
  leakySlope?: number;
  init?: InitScheme;
  seed: number;
  backend: BackendChoice;
  threads: number;
}

export type ToWorker = { type: 'train'; config: SweepConfig } | { type: 'abort' };

/** What a sweep reports of each training (its summary without the history, which can be long). */
export const SUMMARY_FIELDS = ['status', 'message', 'trainAccuracy', 'validationAccuracy', 'cost', 'nit', 'nfev', 'seconds', 'backend'] as const;
export type TrainedSummary = Pick<TrainingSummary, (typeof SUMMARY_FIELDS)[number]>;

export type FromWorker =
  | { type: 'ready' }
  | { type: 'done'; index: number; summary: TrainedSummary; model: Model };
