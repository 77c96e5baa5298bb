/**
 * The sweep's one ranking, for local and `--queue` sweeps alike (both hand their finished trainings to the sweep
 * command, which ranks them here). Best first:
 *
 * 1. accuracy on the ranking set — the validation set, or the training set with `--validation 0` — higher first;
 * 2. on a tie, that set's cross-entropy WITHOUT the λ penalty (the cost with λ = 0), lower first. The training cost
 *    a run reports includes λ/(2m)·Σθ², so comparing it across λ favours the least regularised setting whatever
 *    the data say: it is not a fair criterion between settings of different λ;
 * 3. then the grid's order (`config.index`, the order the sweep lists its configurations): the first wins.
 *
 * A cross-entropy that is not a number (NaN) ranks after every number.
 */
import { cost, type Dataset, type Model } from '@backprop/nn';
import type { BackendChoice } from '@backprop/nn';

/** What the ranking reads of a finished training. */
export interface Rankable {
  config: { index: number };
  summary: { validationAccuracy?: number; trainAccuracy?: number };
  /** The ranking set's cross-entropy without the λ penalty ({@link crossEntropyOf}). */
  crossEntropy: number;
}

/** The accuracy a training is ranked by: validation, else training (−1 when neither is known). */
export function rankingAccuracy(r: Rankable): number {
  return r.summary.validationAccuracy ?? r.summary.trainAccuracy ?? -1;
}

/** Negative when `a` ranks before `b` (see the module's header for the rule). */
export function compareResults(a: Rankable, b: Rankable): number {
  const byAccuracy = rankingAccuracy(b) - rankingAccuracy(a);
  if (byAccuracy !== 0) return byAccuracy;
  const ca = Number.isNaN(a.crossEntropy) ? Infinity : a.crossEntropy;
  const cb = Number.isNaN(b.crossEntropy) ? Infinity : b.crossEntropy;
  if (ca !== cb) return ca < cb ? -1 : 1;
  return a.config.index - b.config.index;
}

/** The trainings best first (a new array). */
export function rankResults<T extends Rankable>(results: readonly T[]): T[] {
  return [...results].sort(compareResults);
}

/**
 * The cross-entropy of `model` on `set` without the λ penalty: the network's own cost (the course's J for sigmoid
 * outputs, categorical cross-entropy for softmax) with λ = 0, one forward pass over the set.
 */
export function crossEntropyOf(model: Model, set: Dataset, backend?: BackendChoice): number {
  return cost(model.theta, set.X, set.y, {
    layers: model.layers,
    lambda: 0,
    ...(backend !== undefined ? { backend } : {}),
    ...(model.activations ? { activations: model.activations } : {}),
    ...(model.dtype ? { dtype: model.dtype } : {}),
  });
}
