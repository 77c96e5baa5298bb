/**
 * Picture → network input, the way the digit data sets were made. This file has NO imports on purpose: its compiled
 * form (dist/image/preprocess.js) is served to the browser as an ES module, so the drawing page converts a canvas
 * exactly as the CLI converts a PNG.
 *
 * The built-in digits are MNIST digits: each was scaled so its longer side is 20 px, anti-aliased and centred by
 * centre of mass in a 28×28 frame; digits5000 (like the course's ex4 data) then resizes that whole 28×28 frame to
 * 20×20 with MATLAB imresize's filter (bicubic with antialiasing: resizeCubic below). A picture is converted
 * the same way:
 *  1. polarity — the mean of the picture's border is the background's shade; when it is nearer the picture's
 *     lightest pixel than its darkest (a dark digit on paper) the picture is inverted, so the digit is bright (1)
 *     on dark (0) like the training data (a light digit on mid-grey, as displayData draws it, stays as it is);
 *  2. background removed and contrast stretched: ink = (v − border) / (max − border), clamped to [0, 1];
 *  3. crop to the bounding box of the ink;
 *  4. resize with area averaging (each output pixel is the mean of the source area it covers) so the longer side
 *     is `box` pixels (MNIST: 20), keeping the aspect ratio;
 *  5. place it in the MNIST frame (28×28) with its centre of mass at pixel (14, 14), as MNIST does (whole-pixel shift);
 *  6. when the input is smaller than 28×28 (digits5000: 20×20), resize the frame to it (resizeCubic, which built
 *     digits5000: the values overshoot [0, 1] slightly at sharp edges, as the data's do); inputs of 28×28 or more
 *     use a frame of their own size and a box of 20/28 of it;
 *  7. write the pixels in the input layout: column-major (ex4: index c·height + r) or row-major (r·width + c).
 */

/** How one input row is laid out as a picture: the one definition, for models, data sets and pictures alike. */
export interface InputShape {
  width: number;
  height: number;
  order: 'column-major' | 'row-major';
}

export interface PreprocessOptions {
  /** Longer side of the digit in the frame, in pixels. Default {@link defaultBox} (20 in MNIST's 28×28 frame). */
  box?: number;
  /** Force the polarity: true = the picture is a dark digit on light paper. Default: decided from the border. */
  darkOnLight?: boolean;
}

/**
 * Thrown for unusable input (wrong sizes, non-finite values, a blank picture). `code` is 'ERR_IMAGE', like the
 * library's ImageError (which `@backprop/nn`'s own imageToInput rethrows it as).
 */
export class PreprocessError extends Error {
  readonly code = 'ERR_IMAGE';
  constructor(message: string) {
    super(message);
    this.name = 'PreprocessError';
  }
}

/** Ink below this (after stretching to 0..1) is background when finding the bounding box. */
const INK_THRESHOLD = 0.1;
/** A picture whose strongest ink is this close to its background has no digit in it. */
const BLANK_CONTRAST = 0.05;

/** MNIST's frame: digits are centred in 28×28 with their longer side 20 px. */
export const MNIST_FRAME = 28;
export const MNIST_BOX = 20;

/**
 * The frame the digit is centred in before any final resize: 28×28 for inputs smaller than that (then resized to
 * the input size), otherwise the input's own size.
 */
export function frameOf(shape: { width: number; height: number }): { width: number; height: number } {
  return shape.width < MNIST_FRAME || shape.height < MNIST_FRAME
    ? { width: MNIST_FRAME, height: MNIST_FRAME }
    : { width: shape.width, height: shape.height };
}

/** The longer side of the digit in its frame: 20 px in 28 (MNIST), 20/28 of the shorter side of larger frames. */
export function defaultBox(shape: { width: number; height: number }): number {
  const frame = frameOf(shape);
  return Math.max(1, Math.round((Math.min(frame.width, frame.height) * MNIST_BOX) / MNIST_FRAME));
}

/**
 * Canvas RGBA bytes (0..255, row-major) to gray in [0, 1]: luminance 0.299 R + 0.587 G + 0.114 B, with alpha
 * composited onto white (a transparent canvas is white paper).
 */
export function rgbaToGray(rgba: ArrayLike<number>, width: number, height: number): Float64Array {
  checkSize(width, height, 'rgbaToGray');
  if (rgba.length !== width * height * 4) {
    throw new PreprocessError(`rgba: expected ${width * height * 4} bytes for ${width}x${height} RGBA, got ${rgba.length}`);
  }
  const gray = new Float64Array(width * height);
  for (let p = 0; p < gray.length; p++) {
    const o = p * 4;
    const lum = (0.299 * rgba[o] + 0.587 * rgba[o + 1] + 0.114 * rgba[o + 2]) / 255;
    const alpha = rgba[o + 3] / 255;
    gray[p] = alpha * lum + (1 - alpha);
  }
  return gray;
}

/**
 * Converts a grayscale picture of any size (`gray[r·width + c]` in [0, 1], 0 = black) holding one digit, dark on
 * light or light on dark, into the model's input vector (length inputShape.width × inputShape.height, digit bright
 * on dark; values in [0, 1] for 28×28 and larger inputs, about −0.13..1.13 after the 20×20 resize, like the data).
 * Throws PreprocessError for wrong sizes, non-finite values or a blank picture.
 */
export function imageToInput(
  gray: ArrayLike<number>,
  width: number,
  height: number,
  inputShape: InputShape,
  options: PreprocessOptions = {},
): Float64Array {
  checkSize(width, height, 'image');
  if (!gray || gray.length !== width * height) {
    throw new PreprocessError(`gray: expected ${width * height} values for a ${width}x${height} picture, got ${gray ? gray.length : gray}`);
  }
  checkShape(inputShape);
  const frame = frameOf(inputShape);
  const box = options.box ?? defaultBox(inputShape);
  if (!Number.isSafeInteger(box) || box < 1 || box > Math.min(frame.width, frame.height)) {
    throw new PreprocessError(`box: expected an integer in 1..${Math.min(frame.width, frame.height)}, got ${box}`);
  }
  const ink = inkOf(gray, width, height, options.darkOnLight);
  const bounds = boundingBox(ink, width, height);
  const patch = resizeArea(ink, width, bounds, box);
  let framed = centre(patch, frame);
  if (frame.width !== inputShape.width || frame.height !== inputShape.height) {
    framed = resizeCubic(framed, frame.width, frame.height, inputShape.width, inputShape.height);
  }
  return layOut(framed, inputShape);
}

function checkSize(width: number, height: number, name: string): void {
  if (!Number.isSafeInteger(width) || width < 1 || !Number.isSafeInteger(height) || height < 1 || width * height > 16_000_000) {
    throw new PreprocessError(`${name}: width and height must be positive integers (at most 16M pixels), got ${width}x${height}`);
  }
}

/** An InputShape: width and height positive integers (at most 1M pixels), order column-major or row-major. */
export function isInputShape(shape: InputShape | undefined | null): shape is InputShape {
  return (
    !!shape &&
    Number.isSafeInteger(shape.width) &&
    Number.isSafeInteger(shape.height) &&
    shape.width >= 1 &&
    shape.height >= 1 &&
    shape.width * shape.height <= 1_000_000 &&
    (shape.order === 'column-major' || shape.order === 'row-major')
  );
}

export function checkShape(shape: InputShape): void {
  if (!isInputShape(shape)) {
    throw new PreprocessError(
      `inputShape: expected {width, height, order: 'column-major' | 'row-major'}, got ${JSON.stringify(shape)}`,
    );
  }
}

/** Steps 1–2: digit bright on dark, background 0, strongest ink 1. */
function inkOf(gray: ArrayLike<number>, width: number, height: number, darkOnLight?: boolean): Float64Array {
  const frame = Math.max(1, Math.floor(Math.min(width, height) / 20));
  let borderSum = 0;
  let borderCount = 0;
  let lightest = 0;
  let darkest = 1;
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      const v = gray[r * width + c];
      if (!Number.isFinite(v)) throw new PreprocessError(`gray[${r * width + c}] is ${v}: pixels must be finite numbers in [0, 1]`);
      if (r < frame || r >= height - frame || c < frame || c >= width - frame) {
        borderSum += v;
        borderCount++;
      }
      lightest = Math.max(lightest, Math.min(1, v));
      darkest = Math.min(darkest, Math.max(0, v));
    }
  }
  const borderMean = borderSum / borderCount;
  // The background is the border's shade; the digit is whichever extreme lies farther from it. Comparing with the
  // picture's own range (not with 0.5) keeps a light digit on a mid-grey background (displayData's) upright.
  const invert = darkOnLight ?? borderMean - darkest > lightest - borderMean;
  const ink = new Float64Array(width * height);
  let max = -Infinity;
  for (let p = 0; p < ink.length; p++) {
    const v = Math.min(1, Math.max(0, gray[p]));
    ink[p] = invert ? 1 - v : v;
    max = Math.max(max, ink[p]);
  }
  const background = invert ? 1 - borderMean : borderMean;
  if (max - background < BLANK_CONTRAST) {
    throw new PreprocessError('the picture is blank: no digit found (draw or upload a digit)');
  }
  for (let p = 0; p < ink.length; p++) ink[p] = Math.min(1, Math.max(0, (ink[p] - background) / (max - background)));
  return ink;
}

interface Bounds {
  top: number;
  left: number;
  rows: number;
  cols: number;
}

/** Step 3: the smallest rectangle holding every pixel with ink above the threshold. */
function boundingBox(ink: Float64Array, width: number, height: number): Bounds {
  let top = height;
  let bottom = -1;
  let left = width;
  let right = -1;
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      if (ink[r * width + c] > INK_THRESHOLD) {
        top = Math.min(top, r);
        bottom = Math.max(bottom, r);
        left = Math.min(left, c);
        right = Math.max(right, c);
      }
    }
  }
  return { top, left, rows: bottom - top + 1, cols: right - left + 1 };
}

/** For each output pixel, the source pixels it reads and their weights. */
type Taps = { index: number; weight: number }[][];

/**
 * For n source pixels resampled to m: output pixel j covers source interval [j·n/m, (j+1)·n/m) and takes the
 * overlap-weighted mean of the source pixels it touches (weights sum to 1).
 */
function areaWeights(n: number, m: number): Taps {
  const step = n / m;
  const out: Taps = [];
  for (let j = 0; j < m; j++) {
    const a = j * step;
    const b = (j + 1) * step;
    const taps: { index: number; weight: number }[] = [];
    for (let i = Math.floor(a); i < Math.min(n, Math.ceil(b)); i++) {
      const overlap = Math.min(b, i + 1) - Math.max(a, i);
      if (overlap > 0) taps.push({ index: i, weight: overlap / step });
    }
    out.push(taps);
  }
  return out;
}

interface Patch {
  width: number;
  height: number;
  data: Float64Array;
}

/** Step 4: crop `bounds` and resize so the longer side is `box`, by area averaging. */
function resizeArea(ink: Float64Array, width: number, bounds: Bounds, box: number): Patch {
  const scale = box / Math.max(bounds.rows, bounds.cols);
  const outW = Math.max(1, Math.round(bounds.cols * scale));
  const outH = Math.max(1, Math.round(bounds.rows * scale));
  const crop = new Float64Array(bounds.rows * bounds.cols);
  for (let r = 0; r < bounds.rows; r++) {
    const from = (bounds.top + r) * width + bounds.left;
    crop.set(ink.subarray(from, from + bounds.cols), r * bounds.cols);
  }
  const data = separable(crop, bounds.cols, areaWeights(bounds.rows, outH), areaWeights(bounds.cols, outW));
  return { width: outW, height: outH, data: data.map((v) => Math.min(1, Math.max(0, v))) };
}

/**
 * Step 5: the patch in a frame with its centre of mass at pixel (height/2, width/2) — (14, 14) in 28×28, where
 * MNIST's digits have theirs (the mean over the test set is (13.99, 14.01)) — by a whole-pixel shift, kept inside.
 */
function centre(patch: Patch, frame: { width: number; height: number }): Float64Array {
  let mass = 0;
  let sumR = 0;
  let sumC = 0;
  for (let r = 0; r < patch.height; r++) {
    for (let c = 0; c < patch.width; c++) {
      const v = patch.data[r * patch.width + c];
      mass += v;
      sumR += v * r;
      sumC += v * c;
    }
  }
  const centreR = mass > 0 ? sumR / mass : (patch.height - 1) / 2;
  const centreC = mass > 0 ? sumC / mass : (patch.width - 1) / 2;
  const top = clamp(Math.round(frame.height / 2 - centreR), 0, frame.height - patch.height);
  const left = clamp(Math.round(frame.width / 2 - centreC), 0, frame.width - patch.width);
  const out = new Float64Array(frame.width * frame.height);
  for (let r = 0; r < patch.height; r++) {
    out.set(patch.data.subarray(r * patch.width, (r + 1) * patch.width), (top + r) * frame.width + left);
  }
  return out;
}

/** Keys' cubic convolution kernel, a = −0.5 (MATLAB imresize's 'bicubic'). */
function cubic(x: number): number {
  const ax = Math.abs(x);
  if (ax <= 1) return (1.5 * ax - 2.5) * ax * ax + 1;
  if (ax <= 2) return ((-0.5 * ax + 2.5) * ax - 4) * ax + 2;
  return 0;
}

/**
 * One dimension of imresize: output pixel j (1-based x = j + 1) is centred at input coordinate
 * u = x / s + (1 − 1/s) / 2 with s = outLen / inLen; when shrinking, the kernel is widened by 1/s (antialiasing).
 * Weights are normalised to sum 1; indices outside the image are mirrored (symmetric padding).
 */
function cubicWeights(inLen: number, outLen: number): Taps {
  const s = outLen / inLen;
  const k = s < 1 ? s : 1;
  const support = 4 / k;
  const taps = Math.ceil(support) + 2;
  const out: Taps = [];
  for (let j = 0; j < outLen; j++) {
    const u = (j + 1) / s + 0.5 * (1 - 1 / s);
    const first = Math.floor(u - support / 2);
    const w = new Float64Array(inLen);
    let total = 0;
    for (let t = 0; t < taps; t++) {
      const i = first + t;
      const weight = k * cubic(k * (u - i));
      let m = (i - 1) % (2 * inLen);
      if (m < 0) m += 2 * inLen;
      w[m < inLen ? m : 2 * inLen - 1 - m] += weight;
      total += weight;
    }
    const row: { index: number; weight: number }[] = [];
    for (let i = 0; i < inLen; i++) if (w[i] !== 0) row.push({ index: i, weight: w[i] / total });
    out.push(row);
  }
  return out;
}

/**
 * Step 6: resize a row-major inH×inW picture to outH×outW, rows first then columns. Not clamped: the cubic kernel
 * rings slightly below 0 and above 1 at sharp edges, exactly as in digits5000 (values ≈ −0.13..1.13), and the
 * model was trained on those values. digits5000 itself is built with this function (../data/digits5000-build.ts).
 */
export function resizeCubic(image: Float64Array, inW: number, inH: number, outW: number, outH: number): Float64Array {
  return separable(image, inW, cubicWeights(inH, outH), cubicWeights(inW, outW));
}

/** A row-major picture `inW` wide resampled by taps: output row r from `wr[r]`, then output column c from `wc[c]`. */
function separable(image: Float64Array, inW: number, wr: Taps, wc: Taps): Float64Array {
  const outH = wr.length;
  const outW = wc.length;
  const rows = new Float64Array(outH * inW);
  for (let r = 0; r < outH; r++) {
    for (const { index, weight } of wr[r]) {
      for (let c = 0; c < inW; c++) rows[r * inW + c] += weight * image[index * inW + c];
    }
  }
  const out = new Float64Array(outH * outW);
  for (let r = 0; r < outH; r++) {
    for (let c = 0; c < outW; c++) {
      let v = 0;
      for (const { index, weight } of wc[c]) v += weight * rows[r * inW + index];
      out[r * outW + c] = v;
    }
  }
  return out;
}

/** Step 7: a row-major picture of the input's size in the input's order. */
function layOut(picture: Float64Array, shape: InputShape): Float64Array {
  if (shape.order === 'row-major') return picture;
  const out = new Float64Array(picture.length);
  for (let r = 0; r < shape.height; r++) {
    for (let c = 0; c < shape.width; c++) out[c * shape.height + r] = picture[r * shape.width + c];
  }
  return out;
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(Math.max(v, lo), hi);
}
