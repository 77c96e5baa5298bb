import { createHash } from 'node:crypto';
import { endianness } from 'node:os';
import { InvalidArgumentError } from '../errors.js';
import type { InputShape } from '../image/preprocess.js';
import type { Matrix } from '../matrix.js';
import { DatasetError } from './errors.js';

/** How each row of X lays out a picture: `column-major` is MATLAB's order (the course's 20x20 digits). */
export type ImageShape = InputShape;

/**
 * Examples ready for the network, with or without their classes: X is m×n row-major with no bias column. Without
 * labels (a CSV with no label column, as Kaggle's test.csv) they can only be predicted; a Dataset has them.
 */
export interface ExampleSet {
  name: string;
  X: Matrix;
  imageShape?: ImageShape;
  /**
   * True when the pixel order in imageShape is declared — by a built-in set, an IDX file's [m, rows, cols] (row by
   * row, as MNIST's), or a CSV header pixel0 … pixelN−1 (row by row, as Kaggle's MNIST) — rather than guessed from a
   * square number of columns. Only a declared order is used to lay pictures out in a model's order.
   */
  pixelOrderKnown?: boolean;
}

/**
 * Labelled examples: y holds labels 1..K (the course's convention: for digits, label 10 is the digit 0), and
 * `labelNames[k − 1]` is the human name of label k. `checksum` is the SHA-256 (hex) of X's doubles then y's int32s,
 * both little-endian, so two machines can tell whether they hold the same data.
 */
export interface Dataset extends ExampleSet {
  y: Int32Array;
  K: number;
  labelNames: string[];
  checksum: string;
}

/** Whether the examples carry labels (a Dataset), or are features only. */
export function isLabelled(examples: ExampleSet): examples is Dataset {
  return 'y' in examples;
}

/** Label names of the course's digit sets: label k is digit k for 1..9, label 10 is digit 0. */
export const DIGIT_LABEL_NAMES: readonly string[] = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '0'];

/** The course label of a digit: 0 → 10, 1..9 → themselves. */
export function labelOfDigit(digit: number): number {
  if (!Number.isInteger(digit) || digit < 0 || digit > 9) {
    throw new InvalidArgumentError(`digit: expected an integer in 0..9, got ${digit}`);
  }
  return digit === 0 ? 10 : digit;
}

/** SHA-256 hex of X.data as little-endian float64 followed by y as little-endian int32. */
export function datasetChecksum(X: Matrix, y: Int32Array): string {
  const hash = createHash('sha256');
  hash.update(littleEndianBytes(X.data));
  hash.update(littleEndianBytes(y));
  return hash.digest('hex');
}

export interface DatasetParts {
  name: string;
  X: Matrix;
  y: Int32Array | ArrayLike<number>;
  /** Number of classes; default `labelNames.length`, else the largest label. */
  K?: number;
  labelNames?: readonly string[];
  imageShape?: ImageShape;
  /** See Dataset.pixelOrderKnown; kept only with an imageShape. */
  pixelOrderKnown?: boolean;
}

/** Check the parts fit together (rows, labels 1..K, image size) and seal them into a Dataset with its checksum. */
export function makeDataset(parts: DatasetParts): Dataset {
  const { name, X } = parts;
  if (X === null || typeof X !== 'object' || !(X.data instanceof Float64Array)) {
    throw new InvalidArgumentError(`${name}: X must be a Matrix {rows, cols, data: Float64Array}`);
  }
  if (X.data.length !== X.rows * X.cols) {
    throw new DatasetError('ERR_DATASET_SHAPE', `${name}: X is ${X.rows}x${X.cols} but holds ${X.data.length} values`);
  }
  const y = parts.y instanceof Int32Array ? parts.y : Int32Array.from(parts.y as ArrayLike<number>);
  if (y.length !== X.rows) {
    throw new DatasetError('ERR_DATASET_SHAPE', `${name}: y has ${y.length} labels for ${X.rows} rows of X`);
  }
  let maxLabel = 0;
  for (let i = 0; i < y.length; i++) maxLabel = Math.max(maxLabel, y[i]);
  const K = parts.K ?? parts.labelNames?.length ?? Math.max(1, maxLabel);
  if (!Number.isSafeInteger(K) || K < 1) {
    throw new DatasetError('ERR_DATASET_LABELS', `${name}: K must be a positive integer, got ${K}`);
  }
  for (let i = 0; i < y.length; i++) {
    if (y[i] < 1 || y[i] > K || y[i] !== (parts.y as ArrayLike<number>)[i]) {
      throw new DatasetError(
        'ERR_DATASET_LABELS',
        `${name}: y[${i}] = ${(parts.y as ArrayLike<number>)[i]}; labels must be integers in 1..${K}`,
      );
    }
  }
  const labelNames = parts.labelNames ? [...parts.labelNames] : Array.from({ length: K }, (_, k) => String(k + 1));
  if (labelNames.length !== K) {
    throw new DatasetError('ERR_DATASET_LABELS', `${name}: ${labelNames.length} label names for K = ${K} classes`);
  }
  const ds: Dataset = { name, X, y, K, labelNames, checksum: datasetChecksum(X, y) };
  if (parts.imageShape) {
    const { width, height } = parts.imageShape;
    if (width * height !== X.cols) {
      throw new DatasetError(
        'ERR_DATASET_SHAPE',
        `${name}: a ${width}x${height} image needs ${width * height} columns, X has ${X.cols}`,
      );
    }
    ds.imageShape = { ...parts.imageShape };
    if (parts.pixelOrderKnown) ds.pixelOrderKnown = true;
  }
  return ds;
}

/** The bytes of a typed array in little-endian order (a view on little-endian hosts, a swapped copy otherwise). */
function littleEndianBytes(a: Float64Array | Int32Array): Uint8Array {
  const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  if (endianness() === 'LE') return bytes;
  const size = a.BYTES_PER_ELEMENT;
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i += size) for (let k = 0; k < size; k++) out[i + k] = bytes[i + size - 1 - k];
  return out;
}
