import { getBackend } from './backend/select.js';
import type { BackendChoice } from './backend/types.js';
import { accuracyOf, argmaxLabels } from './labels.js';
import type { Matrix } from './matrix.js';
import { checkActivations, type Activations, type OutputActivation } from './network/activations.js';
import { checkDtype, type Dtype } from './network/dtype.js';
import { checkTheta, type LayerSizes } from './network/layers.js';
import { checkInputs } from './validate.js';

export interface PredictOptions {
  layers: LayerSizes;
  backend?: BackendChoice;
  /** Each hidden layer's activation and the output's; default the seed's network (sigmoid everywhere). */
  activations?: Activations;
  /** What the network computes in: a model's `dtype` (default float64). */
  dtype?: Dtype;
}

function checkPredict(theta: Float64Array, X: Matrix, options: PredictOptions): void {
  checkInputs(X, options.layers);
  checkTheta(theta, options.layers);
  if (options.activations !== undefined) checkActivations(options.activations, options.layers);
  if (options.dtype !== undefined) checkDtype(options.dtype);
}

/**
 * Output activations h (m×K). The seed's hypothesis is one independent sigmoid per output unit, so a row need not
 * sum to 1; with a softmax output, rows are a distribution over the classes. Column k − 1 is label k.
 * {@link probabilities} turns them into a distribution over the classes.
 */
export function scores(theta: Float64Array, X: Matrix, options: PredictOptions): Matrix {
  checkPredict(theta, X, options);
  return getBackend(options.backend).predict(options.layers, theta, X, options.activations, options.dtype);
}

/** Same off the event loop (native: libuv worker). */
export async function scoresAsync(theta: Float64Array, X: Matrix, options: PredictOptions): Promise<Matrix> {
  checkPredict(theta, X, options);
  return getBackend(options.backend).predictAsync(options.layers, theta, X, options.activations, options.dtype);
}

/** Probabilities from output activations: a softmax's are its outputs; sigmoid outputs are normalised. */
export function probabilitiesOf(h: Matrix, output: OutputActivation = 'sigmoid'): Matrix {
  return output === 'softmax' ? h : normalizeScores(h);
}

/**
 * Class probabilities from output activations: each row of h divided by its sum, so a row sums to 1 (to rounding)
 * and keeps the order of h (the argmax, the predicted class, is unchanged). The seed trains K independent
 * sigmoids, not a softmax, so this is a normalisation of its outputs, not a calibrated posterior. A row whose sum
 * is not a positive finite number (every unit underflowed to 0, or a non-finite value) becomes uniform, 1/K each.
 */
export function normalizeScores(h: Matrix): Matrix {
  const K = h.cols;
  const out = new Float64Array(h.data.length);
  for (let i = 0; i < h.rows; i++) {
    const o = i * K;
    let sum = 0;
    for (let k = 0; k < K; k++) sum += h.data[o + k];
    if (sum > 0 && Number.isFinite(sum)) {
      for (let k = 0; k < K; k++) out[o + k] = h.data[o + k] / sum;
    } else {
      out.fill(1 / K, o, o + K);
    }
  }
  return { rows: h.rows, cols: K, data: out };
}

/**
 * Class probabilities (m×K, rows summing to 1, column k − 1 = label k): a softmax network's outputs, or
 * {@link normalizeScores} of a sigmoid network's {@link scores}.
 */
export function probabilities(theta: Float64Array, X: Matrix, options: PredictOptions): Matrix {
  return probabilitiesOf(scores(theta, X, options), options.activations?.output);
}

/** Same off the event loop (native: libuv worker). */
export async function probabilitiesAsync(theta: Float64Array, X: Matrix, options: PredictOptions): Promise<Matrix> {
  return probabilitiesOf(await scoresAsync(theta, X, options), options.activations?.output);
}

/** Predicted labels 1..K: `argmax(h) + 1` as in the seed. */
export function predict(theta: Float64Array, X: Matrix, options: PredictOptions): Int32Array {
  return argmaxLabels(scores(theta, X, options));
}

/** Training-set accuracy as the seed computes it: mean(predict == y). */
export function accuracy(theta: Float64Array, X: Matrix, y: ArrayLike<number>, options: PredictOptions): number {
  return accuracyOf(predict(theta, X, options), y);
}

/**
 * One input's answer, the same shape from the library, the CLI's `predict --json` and the REST server. Arrays run
 * in the order of the model's classes (its `labelNames`, label 1 first), which every answer lists beside them.
 */
export interface Prediction {
  /** The predicted class: the class name of the largest output (the first one on a tie). */
  label: string;
  /** Class probabilities, summing to 1 ({@link probabilitiesOf}). */
  probabilities: number[];
  /** The raw output activations h_k (independent sigmoids, which need not sum to 1, or the softmax). */
  scores: number[];
}

/** The index of a row's largest value, the first on a tie (NaN is never the largest). */
function argmaxOf(d: Float64Array, offset: number, K: number): number {
  let best = 0;
  for (let k = 1; k < K; k++) if (d[offset + k] > d[offset + best]) best = k;
  return best;
}

/** One {@link Prediction} per row of the output activations h (m×K), for the K class names. */
export function predictionsOf(h: Matrix, classes: readonly string[], output: OutputActivation = 'sigmoid'): Prediction[] {
  const p = probabilitiesOf(h, output);
  const K = h.cols;
  const out: Prediction[] = new Array(h.rows);
  for (let i = 0; i < h.rows; i++) {
    const o = i * K;
    out[i] = {
      label: classes[argmaxOf(h.data, o, K)],
      probabilities: Array.from(p.data.subarray(o, o + K)),
      scores: Array.from(h.data.subarray(o, o + K)),
    };
  }
  return out;
}
