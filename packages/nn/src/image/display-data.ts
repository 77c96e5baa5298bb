import type { Matrix } from '../matrix.js';
import { checkSeed, Rng } from '../random.js';
import { ImageError } from './errors.js';
import { grayToPng } from './png.js';
import { checkInputShape, pixelIndex, tileGrid, upscale, type GrayImage, type InputShape } from './raster.js';

export interface DisplayDataOptions {
  /** How many examples to show (default 100: the course's 10×10 grid); all rows if fewer. */
  count?: number;
  /** Seed for choosing the rows at random (default 0). With `rows`, no random choice is made. */
  seed?: number;
  /** Show exactly these rows of X, in this order. */
  rows?: readonly number[];
  /** Output pixels per input pixel (default 4). */
  cell?: number;
}

/**
 * The course's `displayData`: examples drawn side by side in a near-square grid (10×10 for 100) with 1-pixel black
 * padding. Each example is divided by its largest absolute value and shown on the course's scale −1 (black) … 1
 * (white), so a digit's strokes are white on a mid-grey background.
 */
export function displayDataGrid(X: Matrix, inputShape: InputShape, options: DisplayDataOptions = {}): GrayImage {
  checkInputShape(inputShape, X.cols);
  const rows = displayDataRows(X.rows, options);
  const { width, height } = inputShape;
  const tiles = rows.map((i) => {
    const x = X.data.subarray(i * X.cols, (i + 1) * X.cols);
    let maxAbs = 0;
    for (const v of x) maxAbs = Math.max(maxAbs, Math.abs(v));
    const tile = new Float64Array(width * height);
    for (let r = 0; r < height; r++) {
      for (let c = 0; c < width; c++) {
        const v = maxAbs > 0 ? x[pixelIndex(inputShape, r, c)] / maxAbs : 0;
        tile[r * width + c] = (v + 1) / 2;
      }
    }
    return tile;
  });
  // The black padding separates tiles; a single example is drawn without it, so that the picture is one digit on
  // its own background (as `predict --image` expects of a photo or a drawing) and reads back as the same digit.
  const pad = tiles.length === 1 ? 0 : 1;
  return upscale(tileGrid(tiles, width, height, { pad, background: 0 }), options.cell ?? 4);
}

/** The rows of X that {@link displayDataGrid} draws, in order: `options.rows`, or `count` rows chosen by `seed`. */
export function displayDataRows(m: number, options: Pick<DisplayDataOptions, 'count' | 'seed' | 'rows'> = {}): number[] {
  let rows: number[];
  if (options.rows) {
    rows = options.rows.map((i) => {
      if (!Number.isSafeInteger(i) || i < 0 || i >= m) throw new ImageError(`row ${i}: expected 0..${m - 1}`);
      return i;
    });
  } else {
    const count = options.count ?? 100;
    if (!Number.isSafeInteger(count) || count < 1) throw new ImageError(`count: expected a positive integer, got ${count}`);
    rows = Array.from(new Rng(checkSeed(options.seed ?? 0)).permutation(m).subarray(0, Math.min(count, m)));
  }
  if (rows.length === 0) throw new ImageError('displayData: no examples to show (X has 0 rows)');
  return rows;
}

/** {@link displayDataGrid} encoded as a grayscale PNG. */
export function displayDataPng(X: Matrix, inputShape: InputShape, options: DisplayDataOptions = {}): Buffer {
  return grayToPng(displayDataGrid(X, inputShape, options));
}
