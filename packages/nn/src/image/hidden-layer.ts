import type { Matrix } from '../matrix.js';
import type { Model } from '../model/model.js';
import { thetaShapes } from '../network/layers.js';
import { ImageError } from './errors.js';
import { grayToPng } from './png.js';
import { checkInputShape, pixelIndex, tileGrid, upscale, type GrayImage, type InputShape } from './raster.js';

/** The weights to draw: a model (uses its Θ1 and inputShape), or Θ1 itself with the input's picture shape. */
export type HiddenLayerSource = Pick<Model, 'layers' | 'theta' | 'inputShape'> | { Theta1: Matrix; inputShape: InputShape };

export interface HiddenLayerOptions {
  /** Output pixels per weight (nearest-neighbour upscaling): default 8, so a 20×20 unit is drawn 160×160. */
  cell?: number;
  /** Width of the white separators between units, in output pixels. Default 2. */
  pad?: number;
  /** Overrides (or supplies) the model's inputShape. */
  inputShape?: InputShape;
}

function firstTheta(source: HiddenLayerSource): { Theta1: Matrix; inputShape?: InputShape } {
  if ('Theta1' in source) return source;
  const [[rows, cols]] = thetaShapes(source.layers);
  if (!(source.theta instanceof Float64Array) || source.theta.length < rows * cols) {
    throw new ImageError(`model theta: expected at least ${rows * cols} parameters for Theta1 (${rows}x${cols})`);
  }
  return { Theta1: { rows, cols, data: source.theta.subarray(0, rows * cols) }, inputShape: source.inputShape };
}

/**
 * The seed's `plot_hidden_layer`: what each hidden unit of the first layer looks for. Unit j's weights Θ1[j, 1:]
 * (bias dropped) are laid out as the input picture — for ex4's column-major 20×20 digits the pixel at (row r,
 * column c) is w[c·20 + r], i.e. numpy's `reshape(20, 20).T` — and scaled to the unit's own min..max.
 * Colour map as the seed's 'gray_r': the largest weight is black, the smallest white (constant units are mid-grey).
 * Units go left to right, top to bottom, in a near-square grid (5×5 for 25), separated by white lines.
 */
export function hiddenLayerGrid(source: HiddenLayerSource, options: HiddenLayerOptions = {}): GrayImage {
  const { Theta1, inputShape: own } = firstTheta(source);
  const shape = options.inputShape ?? own;
  const inputs = Theta1.cols - 1;
  if (!shape) {
    throw new ImageError(
      `the model has no inputShape (how its ${inputs} inputs form a picture): pass inputShape {width, height, order}`,
    );
  }
  checkInputShape(shape, inputs);
  const cell = options.cell ?? 8;
  const pad = options.pad ?? 2;
  if (!Number.isSafeInteger(pad) || pad < 0 || pad > 64) throw new ImageError(`pad: expected an integer in 0..64, got ${pad}`);
  const tiles: Float64Array[] = [];
  for (let j = 0; j < Theta1.rows; j++) {
    const w = Theta1.data.subarray(j * Theta1.cols + 1, (j + 1) * Theta1.cols);
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of w) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    const tile = new Float64Array(shape.width * shape.height);
    for (let r = 0; r < shape.height; r++) {
      for (let c = 0; c < shape.width; c++) {
        const v = w[pixelIndex(shape, r, c)];
        tile[r * shape.width + c] = hi > lo ? 1 - (v - lo) / (hi - lo) : 0.5;
      }
    }
    tiles.push(upscale({ width: shape.width, height: shape.height, gray: tile }, cell).gray);
  }
  return tileGrid(tiles, shape.width * cell, shape.height * cell, { pad, background: 1 });
}

/** {@link hiddenLayerGrid} encoded as a grayscale PNG. */
export function hiddenLayerPng(source: HiddenLayerSource, options: HiddenLayerOptions = {}): Buffer {
  return grayToPng(hiddenLayerGrid(source, options));
}
