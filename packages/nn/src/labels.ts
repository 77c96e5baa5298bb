import { ShapeError } from './errors.js';
import type { Matrix } from './matrix.js';
import { checkTargetBytes } from './validate.js';

/**
 * One-hot encoding of labels 1..K into an m×K matrix (the seed's `one_hot_encoder`): row i has a 1 in column
 * y[i] − 1. The course maps digit 0 to label 10.
 */
export function oneHot(y: ArrayLike<number>, K: number): Matrix {
  if (!Number.isSafeInteger(K) || K < 1) throw new ShapeError(`K: expected a positive integer, got ${K}`);
  const m = y.length;
  checkTargetBytes(m, K);
  const data = new Float64Array(m * K);
  for (let i = 0; i < m; i++) {
    const label = y[i];
    if (!Number.isInteger(label) || label < 1 || label > K) {
      throw new ShapeError(`y[${i}] = ${label}: labels must be integers in 1..${K}`);
    }
    data[i * K + label - 1] = 1;
  }
  return { rows: m, cols: K, data };
}

/** Labels 1..K from rows of scores: argmax + 1 per row (the seed's `np.argmax(h, axis=1) + 1`). */
export function argmaxLabels(h: Matrix): Int32Array {
  const out = new Int32Array(h.rows);
  for (let i = 0; i < h.rows; i++) {
    let best = 0;
    let bestV = -Infinity;
    for (let k = 0; k < h.cols; k++) {
      const v = h.data[i * h.cols + k];
      if (v > bestV) {
        bestV = v;
        best = k;
      }
    }
    out[i] = best + 1;
  }
  return out;
}

/** Fraction of predictions equal to the labels. */
export function accuracyOf(predicted: ArrayLike<number>, y: ArrayLike<number>): number {
  if (predicted.length !== y.length) {
    throw new ShapeError(`accuracy: ${predicted.length} predictions for ${y.length} labels`);
  }
  if (y.length === 0) return NaN;
  let hits = 0;
  for (let i = 0; i < y.length; i++) if (predicted[i] === y[i]) hits++;
  return hits / y.length;
}
