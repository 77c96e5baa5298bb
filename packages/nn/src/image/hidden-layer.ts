import type { Matrix } from '../matrix.js';
import type { Model } from '../model/model.js';
import { thetaShapes } from '../network/layers.js';
import { ImageError } from './errors.js';
import { grayToPng, MAX_PNG_PIXELS } from './png.js';
import { checkInputShape, fitTileLayout, pixelIndex, type GrayImage, type InputShape } from './raster.js';

/** The weights to draw: a model (uses its Θ1 and inputShape), or Θ1 itself with the input's picture shape. */
export type HiddenLayerSource = Pick<Model, 'layers' | 'theta' | 'inputShape'> | { Theta1: Matrix; inputShape: InputShape };

/** The most pixels a hidden-layer picture has unless told otherwise (a quarter of the PNG encoder's cap). */
export const HIDDEN_LAYER_MAX_PIXELS = 4_000_000;

export interface HiddenLayerOptions {
  /** Output pixels per weight (nearest-neighbour upscaling): default 8, so a 20×20 unit is drawn 160×160. */
  cell?: number;
  /** Width of the white separators between units, in output pixels. Default 2. */
  pad?: number;
  /** Overrides (or supplies) the model's inputShape. */
  inputShape?: InputShape;
  /**
   * The most pixels the picture may have (default HIDDEN_LAYER_MAX_PIXELS). When all units do not fit at `cell`,
   * they are drawn smaller; when they do not fit even at one pixel per weight, the first units that fit are drawn.
   */
  maxPixels?: number;
}

/** The picture, and which units it shows: the first `drawn` of `units`, each weight as `cell`×`cell` pixels. */
export interface HiddenLayerPicture extends GrayImage {
  units: number;
  drawn: number;
  cell: number;
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
 *
 * The size is decided before anything is allocated (fitTileLayout): at most `maxPixels`, drawing the units
 * smaller, or only the first ones, when a wide layer would not fit. Each weight is written straight into its
 * cell×cell block of the picture.
 */
export function hiddenLayerGrid(source: HiddenLayerSource, options: HiddenLayerOptions = {}): HiddenLayerPicture {
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
  const maxPixels = options.maxPixels ?? HIDDEN_LAYER_MAX_PIXELS;
  if (!Number.isSafeInteger(cell) || cell < 1 || cell > 64) throw new ImageError(`cell: expected an integer in 1..64, got ${cell}`);
  if (!Number.isSafeInteger(pad) || pad < 0 || pad > 64) throw new ImageError(`pad: expected an integer in 0..64, got ${pad}`);
  if (!Number.isSafeInteger(maxPixels) || maxPixels < 1 || maxPixels > MAX_PNG_PIXELS) {
    throw new ImageError(`maxPixels: expected an integer in 1..${MAX_PNG_PIXELS}, got ${maxPixels}`);
  }
  const layout = fitTileLayout(Theta1.rows, shape.width, shape.height, { cell, pad, maxPixels });
  const { width, height, cols, cell: c, pad: p } = layout;
  const gray = new Float64Array(width * height).fill(1);
  const line = new Float64Array(shape.width * c); // one row of a unit, each weight repeated c times
  for (let j = 0; j < layout.tiles; j++) {
    const w = Theta1.data.subarray(j * Theta1.cols + 1, (j + 1) * Theta1.cols);
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < w.length; i++) {
      if (w[i] < lo) lo = w[i];
      if (w[i] > hi) hi = w[i];
    }
    const top = p + Math.floor(j / cols) * (shape.height * c + p);
    const left = p + (j % cols) * (shape.width * c + p);
    for (let r = 0; r < shape.height; r++) {
      for (let col = 0; col < shape.width; col++) {
        const v = w[pixelIndex(shape, r, col)];
        const value = hi > lo ? 1 - (v - lo) / (hi - lo) : 0.5;
        for (let dx = 0; dx < c; dx++) line[col * c + dx] = value;
      }
      for (let dy = 0; dy < c; dy++) gray.set(line, (top + r * c + dy) * width + left);
    }
  }
  return { width, height, gray, units: Theta1.rows, drawn: layout.tiles, cell: c };
}

/** {@link hiddenLayerGrid} encoded as a grayscale PNG. */
export function hiddenLayerPng(source: HiddenLayerSource, options: HiddenLayerOptions = {}): Buffer {
  return grayToPng(hiddenLayerGrid(source, options));
}
