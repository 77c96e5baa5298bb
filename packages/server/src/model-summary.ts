import { createHash } from 'node:crypto';
import { describeNetwork, seedActivations, type TrainingSummary } from '@backprop/nn';
import type { ModelEntry } from './registry.js';

/**
 * What `GET /v1/models/{name}` says about a model: shape, provenance, accuracy — not the weights (the OpenAPI
 * document's ModelDescription). The training summary comes without its per-iteration history, only its length.
 */
export function describeModel(entry: ModelEntry, isDefault: boolean) {
  const { model } = entry;
  let training: (Omit<TrainingSummary, 'history'> & { historyLength: number }) | null = null;
  if (model.training) {
    const { history, ...rest } = model.training;
    training = { ...rest, historyLength: Array.isArray(history) ? history.length : 0 };
  }
  const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  return {
    name: entry.name,
    default: isDefault,
    layers: [...model.layers],
    activations: model.activations ?? seedActivations(model.layers),
    dtype: model.dtype ?? 'float64',
    architecture: describeNetwork(model.layers, model.activations, model.dtype),
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

/**
 * The ETag of a model description (or a list of them): a hash of everything in it but `loadedAt`, the time this
 * replica loaded the model. Every replica serving the same model — and the same model loaded again — answers with
 * the same one, so If-None-Match works behind a load balancer. Weak, because the bodies still differ in `loadedAt`.
 */
export function descriptionEtag(description: unknown): string {
  const content = JSON.stringify(description, (key, value: unknown) => (key === 'loadedAt' ? undefined : value));
  return `W/"${createHash('sha256').update(content).digest('base64url')}"`;
}
