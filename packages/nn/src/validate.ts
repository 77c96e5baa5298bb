import { InvalidArgumentError, ShapeError } from './errors.js';
import type { Matrix } from './matrix.js';
import { checkLayers, describe, type LayerSizes } from './network/layers.js';

/** X must be a Matrix of finite doubles with layers[0] columns. */
export function checkInputs(X: Matrix, layers: LayerSizes, name = 'X'): void {
  checkLayers(layers);
  if (!X || !(X.data instanceof Float64Array) || !Number.isSafeInteger(X.rows) || !Number.isSafeInteger(X.cols)) {
    throw new ShapeError(`${name}: expected a Matrix {rows, cols, data: Float64Array}, got ${describe(X)}`);
  }
  if (X.data.length !== X.rows * X.cols) {
    throw new ShapeError(`${name}: ${X.rows}x${X.cols} needs ${X.rows * X.cols} values, has ${X.data.length}`);
  }
  if (X.cols !== layers[0]) {
    throw new ShapeError(
      `${name}: has ${X.cols} columns but the input layer has ${layers[0]} units (layers [${layers.join(', ')}])`,
    );
  }
  if (X.rows < 1) throw new ShapeError(`${name}: needs at least one example (row), got 0`);
  const d = X.data;
  for (let i = 0; i < d.length; i++) {
    if (!Number.isFinite(d[i])) {
      throw new ShapeError(`${name}[${Math.floor(i / X.cols)}, ${i % X.cols}] is ${d[i]}: inputs must be finite`);
    }
  }
}

/** λ must be a finite number ≥ 0. */
export function checkLambda(lambda: number): void {
  if (typeof lambda !== 'number' || !Number.isFinite(lambda) || lambda < 0) {
    throw new InvalidArgumentError(`lambda: expected a finite number >= 0, got ${String(lambda)}`);
  }
}

/** Targets: labels 1..K (length m) or a one-hot / soft-target Matrix m×K with values in [0, 1]. */
export function checkTargets(Y: Matrix, m: number, K: number, name = 'y'): void {
  if (Y.rows !== m || Y.cols !== K) {
    throw new ShapeError(`${name}: expected ${m}x${K} targets (one per example and class), got ${Y.rows}x${Y.cols}`);
  }
  for (let i = 0; i < Y.data.length; i++) {
    const v = Y.data[i];
    if (!(v >= 0 && v <= 1)) {
      throw new ShapeError(`${name}[${Math.floor(i / K)}, ${i % K}] is ${v}: targets must be in [0, 1]`);
    }
  }
}

/**
 * Class names are what a prediction answers, so each must be non-empty and name one class only: an
 * InvalidArgumentError names the first empty or repeated one.
 */
export function checkClassNames(names: readonly string[], name = 'labelNames'): void {
  const seen = new Map<string, number>();
  names.forEach((s, i) => {
    if (s === '') throw new InvalidArgumentError(`${name}[${i}] is empty: every class needs a name`);
    const first = seen.get(s);
    if (first !== undefined) {
      throw new InvalidArgumentError(`${name}: ${JSON.stringify(s)} names two classes (${name}[${first}] and [${i}]); class names must be distinct`);
    }
    seen.set(s, i);
  });
}

/** A classifier needs examples of at least two classes: `count` is how many distinct labels the data holds. */
export function checkTwoClasses(count: number, name = 'y'): void {
  if (count < 2) throw new InvalidArgumentError(`${name}: needs at least 2 classes, got ${count}`);
}

/** How many distinct labels y holds. */
export function classesIn(y: ArrayLike<number>): number {
  const seen = new Set<number>();
  for (let i = 0; i < y.length; i++) seen.add(y[i]);
  return seen.size;
}

/**
 * Bound on each m×K matrix of the output layer (the one-hot targets, and the output activations and errors that
 * training keeps beside them) and on the output layer's weights Θ_L: 256 MiB of doubles each.
 */
export const MAX_OUTPUT_BYTES = 256 * 2 ** 20;

/**
 * K classes must be what the data can support, checked before anything of size m×K is allocated: no more classes
 * than examples (a class without an example cannot be learned, and one stray label such as 65,536 would otherwise
 * set K), the one-hot targets m·K·8 bytes and the output weights K·(hidden + 1)·8 bytes each within
 * MAX_OUTPUT_BYTES. `hidden` is the size of the layer before the output.
 */
export function checkClassCount(K: number, m: number, hidden: number, name = 'y'): void {
  if (K > m) {
    throw new ShapeError(
      `${name}: ${K} classes (K, from the largest label) but only ${m} examples: at most ${m} classes can each have ` +
        'an example; check the labels for a stray value',
    );
  }
  checkTargetBytes(m, K, name);
  const weights = K * (hidden + 1) * 8;
  if (weights > MAX_OUTPUT_BYTES) {
    throw new ShapeError(
      `${name}: an output layer of ${K} classes over ${hidden} units needs ${mib(weights)} of weights, more than ` +
        `the ${mib(MAX_OUTPUT_BYTES)} bound`,
    );
  }
}

/** m×K one-hot targets within MAX_OUTPUT_BYTES (also checked by `oneHot` itself, before allocating). */
export function checkTargetBytes(m: number, K: number, name = 'y'): void {
  const bytes = m * K * 8;
  if (bytes > MAX_OUTPUT_BYTES) {
    throw new ShapeError(
      `${name}: one-hot targets for ${m} examples × ${K} classes need ${mib(bytes)}, more than the ` +
        `${mib(MAX_OUTPUT_BYTES)} bound`,
    );
  }
}

function mib(bytes: number): string {
  return `${Math.ceil(bytes / 2 ** 20)} MiB`;
}
