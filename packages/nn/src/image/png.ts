import { inflateSync } from 'node:zlib';
import { PNG } from 'pngjs';
import { ImageError } from './errors.js';
import { encodeGrayPng } from './gray-png.js';
import { rgbaToGray } from './preprocess.js';
import type { GrayImage } from './raster.js';

/** Larger pictures are refused by the encoder. */
export const MAX_PNG_PIXELS = 16_000_000;

/**
 * Pictures to decode (`predict --image`, server uploads) are refused past 1,048,576 pixels (1024×1024) or 8192
 * pixels a side, from the IHDR header, before anything is inflated: a PNG header can claim any size, a picture to
 * classify is scaled down to 20×20 or 28×28 anyway, and pngjs's work per row and per pixel makes larger pictures
 * cost seconds (a 1×16,000,000 RGBA16 picture in a 140 kB file took 19.5 s and 2.3 GB).
 */
export const MAX_DECODE_PIXELS = 1024 * 1024;
export const MAX_DECODE_SIDE = 8192;

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export interface EncodeOptions {
  /** 1 = gray, 3 = RGB, 4 = RGBA. Default: inferred from the number of values per pixel. */
  channels?: 1 | 3 | 4;
}

/**
 * Encodes pixels as an 8-bit PNG. `pixels` holds `channels` values per pixel, row-major, top row first: bytes 0..255
 * (Uint8Array / Uint8ClampedArray) or numbers in [0, 1] (Float64Array / Float32Array; clamped, then rounded).
 * Gray input gives a grayscale PNG, RGB an RGB PNG, RGBA an RGBA PNG.
 */
export function encodePng(
  width: number,
  height: number,
  pixels: Uint8Array | Uint8ClampedArray | Float64Array | Float32Array,
  options: EncodeOptions = {},
): Buffer {
  if (!Number.isSafeInteger(width) || width < 1 || !Number.isSafeInteger(height) || height < 1) {
    throw new ImageError(`encodePng: width and height must be positive integers, got ${width}x${height}`);
  }
  if (width * height > MAX_PNG_PIXELS) {
    throw new ImageError(`encodePng: ${width}x${height} is more than ${MAX_PNG_PIXELS} pixels`);
  }
  const n = width * height;
  const channels = options.channels ?? pixels.length / n;
  if (channels !== 1 && channels !== 3 && channels !== 4) {
    throw new ImageError(`encodePng: channels must be 1, 3 or 4, got ${channels} (${pixels.length} values for ${width}x${height} pixels)`);
  }
  if (pixels.length !== n * channels) {
    throw new ImageError(`encodePng: ${width}x${height} with ${channels} channel(s) needs ${n * channels} values, got ${pixels.length}`);
  }
  const bytes = pixels instanceof Float64Array || pixels instanceof Float32Array;
  const toByte = (v: number): number => {
    if (!bytes) return v;
    if (!(v >= 0)) return 0; // also NaN
    return v >= 1 ? 255 : Math.round(v * 255);
  };
  const png = new PNG({ width, height });
  const rgba = png.data;
  for (let p = 0; p < n; p++) {
    const o = p * 4;
    if (channels === 1) {
      const g = toByte(pixels[p]);
      rgba[o] = g;
      rgba[o + 1] = g;
      rgba[o + 2] = g;
      rgba[o + 3] = 255;
    } else {
      const i = p * channels;
      rgba[o] = toByte(pixels[i]);
      rgba[o + 1] = toByte(pixels[i + 1]);
      rgba[o + 2] = toByte(pixels[i + 2]);
      rgba[o + 3] = channels === 4 ? toByte(pixels[i + 3]) : 255;
    }
  }
  const colorType = channels === 1 ? 0 : channels === 3 ? 2 : 6;
  return PNG.sync.write(png, { colorType, inputColorType: 6, inputHasAlpha: true });
}

/** A gray picture (values in [0, 1]) as a grayscale PNG (the same checks as encodePng, a faster encoder). */
export function grayToPng(image: GrayImage): Buffer {
  const { width, height, gray } = image;
  if (!Number.isSafeInteger(width) || width < 1 || !Number.isSafeInteger(height) || height < 1 || width * height > MAX_PNG_PIXELS) {
    return encodePng(width, height, gray, { channels: 1 }); // throws its ImageError
  }
  if (gray.length !== width * height) return encodePng(width, height, gray, { channels: 1 });
  return encodeGrayPng(width, height, gray);
}

/**
 * Decodes any PNG (gray, RGB, palette, with or without alpha, 1–16 bit) of at most MAX_DECODE_PIXELS pixels and
 * MAX_DECODE_SIDE a side to a grayscale picture in [0, 1]:
 * luminance 0.299 R + 0.587 G + 0.114 B, alpha composited onto white (a transparent pixel is white paper).
 */
export function decodePng(bytes: Uint8Array): GrayImage {
  if (!(bytes instanceof Uint8Array)) throw new ImageError(`decodePng: expected PNG bytes (Uint8Array), got ${typeof bytes}`);
  if (bytes.length < 33 || SIGNATURE.some((b, i) => bytes[i] !== b)) {
    throw new ImageError(`not a PNG file (${bytes.length} bytes, no PNG signature)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  if (width < 1 || height < 1 || width * height > MAX_DECODE_PIXELS || width > MAX_DECODE_SIDE || height > MAX_DECODE_SIDE) {
    throw new ImageError(
      `PNG is ${width}x${height}: expected 1..${MAX_DECODE_PIXELS} pixels, at most ${MAX_DECODE_SIDE} a side`,
    );
  }
  checkPixelStream(bytes, view, width, height);
  let png: PNG;
  try {
    png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (err) {
    throw new ImageError(`cannot decode PNG: ${(err as Error).message}`, { cause: err });
  }
  return { width: png.width, height: png.height, gray: rgbaToGray(png.data, png.width, png.height) };
}

/** Channels per pixel of each PNG colour type (0 gray, 2 RGB, 3 palette, 4 gray+alpha, 6 RGBA). */
const CHANNELS: Record<number, number | undefined> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/**
 * What pngjs does not check: exactly one IHDR (a second one would replace the size checked above), and a pixel
 * stream of exactly the size the header implies — pngjs inflates interlaced pictures with no bound, and decodes a
 * stream that ends early as if the missing rows were zero (a 90-byte file claiming 5 million pixels is "decoded").
 */
function checkPixelStream(bytes: Uint8Array, view: DataView, width: number, height: number): void {
  const idat: Uint8Array[] = [];
  for (let at = 8 + 12 + view.getUint32(8); at + 8 <= bytes.length; ) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(bytes[at + 4], bytes[at + 5], bytes[at + 6], bytes[at + 7]);
    if (type === 'IHDR') throw new ImageError('not a valid PNG: more than one IHDR chunk');
    if (type === 'IEND') break;
    if (type === 'IDAT') idat.push(bytes.subarray(at + 8, Math.min(bytes.length, at + 8 + length)));
    at += 12 + length;
  }
  const depth = bytes[24];
  const channels = CHANNELS[bytes[25]];
  if (channels === undefined) return; // an unknown colour type: refused by pngjs
  const rowBytes = (pixels: number): number => 1 + Math.ceil((pixels * depth * channels) / 8); // filter byte + pixels
  let expected = 0;
  if (bytes[28] === 1) {
    for (const [r0, c0, dr, dc] of ADAM7) {
      const w = Math.ceil((width - c0) / dc);
      const h = Math.ceil((height - r0) / dr);
      if (w > 0 && h > 0) expected += h * rowBytes(w);
    }
  } else {
    expected = height * rowBytes(width);
  }
  let inflated: Buffer;
  try {
    inflated = inflateSync(Buffer.concat(idat), { maxOutputLength: expected });
  } catch (err) {
    throw new ImageError(`cannot decode PNG: the pixel data does not inflate to the ${expected} bytes its header implies`, { cause: err });
  }
  if (inflated.length !== expected) {
    throw new ImageError(`cannot decode PNG: the pixel data ends after ${inflated.length} of the ${expected} bytes its header implies`);
  }
}

/** Adam7 passes: first row, first column, row step, column step. */
const ADAM7 = [[0, 0, 8, 8], [0, 4, 8, 8], [4, 0, 8, 4], [0, 2, 4, 4], [2, 0, 4, 2], [0, 1, 2, 2], [1, 0, 2, 1]];
