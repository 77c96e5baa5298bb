import { getBackend } from './backend/select.js';
import type { BackendChoice } from './backend/types.js';
import { accuracyOf, argmaxLabels } from './labels.js';
import type { Matrix } from './matrix.js';
import { checkTheta, type LayerSizes } from './network/layers.js';
import { checkInputs } from './validate.js';

export interface PredictOptions {
  layers: LayerSizes;
  backend?: BackendChoice;
}

/** Output activations h (m×K): the probability-like score of each class for each row of X. */
export function probabilities(theta: Float64Array, X: Matrix, options: PredictOptions): Matrix {
  checkInputs(X, options.layers);
  checkTheta(theta, options.layers);
  return getBackend(options.backend).predict(options.layers, theta, X);
}

/** Same off the event loop (native: libuv worker). */
export async function probabilitiesAsync(theta: Float64Array, X: Matrix, options: PredictOptions): Promise<Matrix> {
  checkInputs(X, options.layers);
  checkTheta(theta, options.layers);
  return getBackend(options.backend).predictAsync(options.layers, theta, X);
}

/** Predicted labels 1..K: `argmax(h) + 1` as in the seed. */
export function predict(theta: Float64Array, X: Matrix, options: PredictOptions): Int32Array {
  return argmaxLabels(probabilities(theta, X, options));
}

/** Training-set accuracy as the seed computes it: mean(predict == y). */
export function accuracy(theta: Float64Array, X: Matrix, y: ArrayLike<number>, options: PredictOptions): number {
  return accuracyOf(predict(theta, X, options), y);
}
