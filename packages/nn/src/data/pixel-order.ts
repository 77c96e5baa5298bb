import { pixelIndex } from '../image/raster.js';
import { isLabelled, makeDataset, type ExampleSet, type ImageShape } from './dataset.js';

/**
 * The data set with its pictures laid out in `order`: each example's pixels permuted so that pixel (r, c) sits at
 * r·w + c (row-major) or c·h + r (column-major). File formats carry no layout of their own, and each has its
 * readers' convention — MATLAB's MAT-files column by column, CSV (Kaggle's MNIST) and IDX (MNIST) row by row — so
 * exporting in the target's order is what makes the pictures read back upright. A data set that is not pictures,
 * or already in `order`, is returned as it is. Examples without labels are laid out the same way.
 */
export function withPixelOrder<T extends ExampleSet>(ds: T, order: ImageShape['order']): T {
  const shape = ds.imageShape;
  if (!shape || shape.order === order || shape.width * shape.height !== ds.X.cols) return ds;
  const { width: w, height: h } = shape;
  const n = ds.X.cols;
  const from = pixelPermutation(shape, order);
  const src = ds.X.data;
  const data = new Float64Array(src.length);
  for (let i = 0; i < ds.X.rows; i++) {
    const base = i * n;
    for (let j = 0; j < n; j++) data[base + j] = src[base + from[j]];
  }
  const X = { rows: ds.X.rows, cols: n, data };
  const imageShape = { width: w, height: h, order };
  if (!isLabelled(ds)) return { ...ds, X, imageShape };
  return makeDataset({ name: ds.name, X, y: ds.y, K: ds.K, labelNames: ds.labelNames, imageShape, pixelOrderKnown: ds.pixelOrderKnown }) as ExampleSet as T;
}

/**
 * The permutation that lays pictures of `shape` out in `order`: from[j] is the pixel of the current layout that lands
 * at pixel j of the new one (withPixelOrder for a data set's rows; the CLI's MAT export for Θ1's input columns).
 */
export function pixelPermutation(shape: ImageShape, order: ImageShape['order']): Int32Array {
  const from = new Int32Array(shape.width * shape.height);
  const target = { ...shape, order };
  for (let r = 0; r < shape.height; r++) {
    for (let c = 0; c < shape.width; c++) from[pixelIndex(target, r, c)] = pixelIndex(shape, r, c);
  }
  return from;
}

/** Square pictures of `n` pixels in the given order, when n is a square (of a side above 1). */
export function squareShape(n: number, order: ImageShape['order']): ImageShape | undefined {
  const side = Math.round(Math.sqrt(n));
  return side > 1 && side * side === n ? { width: side, height: side, order } : undefined;
}
