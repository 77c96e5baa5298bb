import { ImageError } from './errors.js';
import { checkShape, type InputShape } from './preprocess.js';

export type { InputShape };

/**
 * A grayscale picture: `gray[r * width + c]` is the pixel at row r, column c (row-major, top row first), in [0, 1]
 * with 0 = black and 1 = white. Everything in this folder draws into and reads from this one layout.
 */
export interface GrayImage {
  width: number;
  height: number;
  gray: Float64Array;
}

/** Index into an input vector of the picture's pixel at (row r, column c). */
export function pixelIndex(shape: InputShape, r: number, c: number): number {
  return shape.order === 'column-major' ? c * shape.height + r : r * shape.width + c;
}

/** An InputShape (checkShape's rules) whose pixels are the `inputSize` values of an input. */
export function checkInputShape(shape: InputShape, inputSize: number): void {
  try {
    checkShape(shape);
  } catch (err) {
    throw new ImageError((err as Error).message);
  }
  if (shape.width * shape.height !== inputSize) {
    throw new ImageError(
      `inputShape: ${shape.width}x${shape.height} = ${shape.width * shape.height} pixels, but each input has ${inputSize} values`,
    );
  }
}

/** The most square arrangement of n tiles: columns = ⌈√n⌉, rows = ⌈n / columns⌉ (25 → 5×5, 10 → 4×3). */
export function gridSize(n: number): { rows: number; cols: number } {
  const cols = Math.max(1, Math.ceil(Math.sqrt(n)));
  return { rows: Math.max(1, Math.ceil(n / cols)), cols };
}

/**
 * The near-square layout of n tiles of tileWidth×tileHeight pixels: `cell` output pixels per tile pixel, `pad`
 * pixels around and between them, and the picture's width and height.
 */
export function tileLayout(n: number, tileWidth: number, tileHeight: number, cell: number, pad: number) {
  const { rows, cols } = gridSize(n);
  const width = pad + cols * (tileWidth * cell + pad);
  return { tiles: n, cols, rows, cell, pad, width, height: pad + rows * (tileHeight * cell + pad) };
}

export type TileLayout = ReturnType<typeof tileLayout>;

/**
 * The layout of up to n tiles that fits in `maxPixels`, decided before anything is drawn: all n at the largest
 * cell ≤ `cell` that fits (the padding shrinks with the cell, never below 1 if asked for), or, when even one pixel
 * per tile pixel is too large, the first as many tiles as fit at cell 1. An ImageError when not one tile fits.
 */
export function fitTileLayout(
  n: number,
  tileWidth: number,
  tileHeight: number,
  options: { cell: number; pad: number; maxPixels: number },
): TileLayout {
  const { cell, pad, maxPixels } = options;
  const padFor = (c: number): number => (pad === 0 ? 0 : Math.max(1, Math.round((pad * c) / cell)));
  const pixels = (l: TileLayout): number => l.width * l.height;
  for (let c = cell; c >= 1; c--) {
    const layout = tileLayout(n, tileWidth, tileHeight, c, padFor(c));
    if (pixels(layout) <= maxPixels) return layout;
  }
  // The largest count that fits at cell 1 (the pixel count grows with the count of tiles).
  const p = padFor(1);
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (pixels(tileLayout(mid, tileWidth, tileHeight, 1, p)) <= maxPixels) lo = mid;
    else hi = mid - 1;
  }
  if (lo === 0) {
    throw new ImageError(`a ${tileWidth}x${tileHeight} tile does not fit in ${maxPixels} pixels`);
  }
  return tileLayout(lo, tileWidth, tileHeight, 1, p);
}

/**
 * Lays equal-size tiles out row by row in a near-square grid, with `pad` pixels of `background` before, between and
 * after them (the course's displayData layout). Unused cells stay background.
 */
export function tileGrid(
  tiles: readonly Float64Array[],
  tileWidth: number,
  tileHeight: number,
  options: { pad?: number; background?: number; cols?: number } = {},
): GrayImage {
  const pad = options.pad ?? 1;
  const background = options.background ?? 1;
  const cols = options.cols ?? gridSize(tiles.length).cols;
  const rows = Math.max(1, Math.ceil(tiles.length / cols));
  const width = pad + cols * (tileWidth + pad);
  const height = pad + rows * (tileHeight + pad);
  const gray = new Float64Array(width * height).fill(background);
  tiles.forEach((tile, t) => {
    const top = pad + Math.floor(t / cols) * (tileHeight + pad);
    const left = pad + (t % cols) * (tileWidth + pad);
    for (let r = 0; r < tileHeight; r++) {
      gray.set(tile.subarray(r * tileWidth, (r + 1) * tileWidth), (top + r) * width + left);
    }
  });
  return { width, height, gray };
}

/** Each pixel becomes a factor×factor block (nearest neighbour), so small pictures stay crisp when viewed. */
export function upscale(image: GrayImage, factor: number): GrayImage {
  if (!Number.isSafeInteger(factor) || factor < 1 || factor > 64) {
    throw new ImageError(`scale: expected an integer in 1..64, got ${factor}`);
  }
  if (factor === 1) return image;
  const width = image.width * factor;
  const height = image.height * factor;
  const gray = new Float64Array(width * height);
  for (let r = 0; r < height; r++) {
    const src = Math.floor(r / factor) * image.width;
    for (let c = 0; c < width; c++) gray[r * width + c] = image.gray[src + Math.floor(c / factor)];
  }
  return { width, height, gray };
}
