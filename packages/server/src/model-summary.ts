import type { TrainingSummary } from '@backprop/nn';
import type { ModelEntry } from './registry.js';

/** What `GET /v1/models/{name}` says about a model: shape, provenance, accuracy — not the weights. */
export interface ModelDescription {
  name: string;
  default: boolean;
  layers: number[];
  parameters: number;
  labelNames: string[];
  inputShape: ModelEntry['model']['inputShape'] | null;
  checksum: string;
  source: ModelEntry['source'];
  loadedAt: string;
  createdAt: string | null;
  accuracy: { train: number | null; validation: number | null; test: number | null };
  /** The training summary without its per-iteration history (only its length). */
  training: (Omit<TrainingSummary, 'history'> & { historyLength: number }) | null;
}

export function describeModel(entry: ModelEntry, isDefault: boolean): ModelDescription {
  const { model } = entry;
  let training: ModelDescription['training'] = null;
  if (model.training) {
    const { history, ...rest } = model.training;
    training = { ...rest, historyLength: Array.isArray(history) ? history.length : 0 };
  }
  const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  return {
    name: entry.name,
    default: isDefault,
    layers: [...model.layers],
    parameters: model.theta.length,
    labelNames: [...model.labelNames],
    inputShape: model.inputShape ?? null,
    checksum: entry.checksum,
    source: entry.source,
    loadedAt: entry.loadedAt,
    createdAt: model.createdAt ?? null,
    accuracy: {
      train: num(model.training?.trainAccuracy),
      validation: num(model.training?.validationAccuracy),
      test: num(model.training?.testAccuracy),
    },
    training,
  };
}
