/**
 * How digits5000 is made from MNIST, in the layout of the course's ex4data1.mat:
 *
 * 1. Selection: from the MNIST TRAIN files, for digit 0 and then 1, 2, …, 9, the first 500 images of that digit in
 *    file order. Rows 0..499 are zeros (label 10), rows 500..999 ones (label 1), …, rows 4500..4999 nines.
 * 2. Pixels: value / 255, then 28x28 → 20x20 with MATLAB imresize's default filter (bicubic with antialiasing,
 *    resizeCubic in ../image/preprocess.ts). No cropping or re-centring: MNIST digits are already centred in a 20x20 box inside the
 *    28x28 frame, and the course's digits match a plain resize of the whole frame (values ≈ −0.13..1.13).
 * 3. Layout: each 20x20 image is stored column-major, as MATLAB does, so `reshape(x, 20, 20)` in MATLAB, or a
 *    row-major reshape followed by a transpose, shows the digit upright.
 * 4. Storage: each value is rounded to a multiple of 2^-14 and kept as the int16 q = round(x · 2^14), so the
 *    asset is small and X = q · 2^-14 decodes to the same doubles on every machine.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { DIGIT_LABEL_NAMES, type Dataset, labelOfDigit, makeDataset } from './dataset.js';
import { DatasetError } from './errors.js';
import { resizeCubic } from '../image/preprocess.js';

export const DIGITS5000_PER_CLASS = 500;
export const DIGITS5000_SIDE = 20;
/** X = q / 2^FIXED_POINT_BITS exactly. */
export const FIXED_POINT_BITS = 14;

const MAGIC = 'BPDIGITS';
const VERSION = 1;
const HEADER_BYTES = 8 + 4 * 5;

/** The fixed-point form of digits5000: q (m × 400, row-major rows of column-major images) and labels. */
export interface Digits5000Fixed {
  q: Int16Array;
  y: Int32Array;
}

/** MNIST rows chosen for digits5000: for each digit in course order, the first 500 of it in file order. */
export function selectDigits5000(digits: Uint8Array): Int32Array {
  const chosen = new Int32Array(DIGITS5000_PER_CLASS * 10);
  let at = 0;
  // the course's label order: 10 (digit 0) first, then 1..9
  for (let digit = 0; digit <= 9; digit++) {
    let found = 0;
    for (let i = 0; i < digits.length && found < DIGITS5000_PER_CLASS; i++) {
      if (digits[i] === digit) {
        chosen[at++] = i;
        found++;
      }
    }
    if (found < DIGITS5000_PER_CLASS) {
      throw new DatasetError('ERR_DATASET_SHAPE', `digits5000 needs 500 images of digit ${digit}, found ${found}`);
    }
  }
  return chosen;
}

/** Build the fixed-point digits5000 from MNIST training images (uint8, m × 28 × 28) and digit labels. */
export function buildDigits5000(
  images: Uint8Array,
  digits: Uint8Array,
  side = 28,
): Digits5000Fixed & { indices: Int32Array } {
  if (images.length !== digits.length * side * side) {
    throw new DatasetError(
      'ERR_DATASET_SHAPE',
      `expected ${digits.length} images of ${side}x${side} pixels, got ${images.length} bytes`,
    );
  }
  const indices = selectDigits5000(digits);
  const n = DIGITS5000_SIDE * DIGITS5000_SIDE;
  const q = new Int16Array(indices.length * n);
  const y = new Int32Array(indices.length);
  const pixels = new Float64Array(side * side);
  const unit = 2 ** FIXED_POINT_BITS;
  indices.forEach((row, k) => {
    for (let p = 0; p < pixels.length; p++) pixels[p] = images[row * side * side + p] / 255;
    const small = resizeCubic(pixels, side, side, DIGITS5000_SIDE, DIGITS5000_SIDE);
    for (let r = 0; r < DIGITS5000_SIDE; r++) {
      for (let c = 0; c < DIGITS5000_SIDE; c++) {
        const v = Math.round(small[r * DIGITS5000_SIDE + c] * unit);
        if (v < -32768 || v > 32767) {
          throw new DatasetError('ERR_DATASET_SHAPE', `pixel value ${v / unit} is outside the int16 fixed-point range`);
        }
        q[k * n + c * DIGITS5000_SIDE + r] = v; // column-major, like MATLAB
      }
    }
    y[k] = labelOfDigit(digits[row]);
  });
  return { q, y, indices };
}

/** The Dataset of a fixed-point digits5000: X = q · 2^-14 (exact), 20x20 column-major images, labels 1..10. */
export function digits5000Dataset(fixed: Digits5000Fixed): Dataset {
  const n = DIGITS5000_SIDE * DIGITS5000_SIDE;
  const scale = 2 ** -FIXED_POINT_BITS;
  const data = new Float64Array(fixed.q.length);
  for (let i = 0; i < data.length; i++) data[i] = fixed.q[i] * scale;
  return makeDataset({
    name: 'digits5000',
    X: { rows: fixed.y.length, cols: n, data },
    y: fixed.y,
    labelNames: DIGIT_LABEL_NAMES,
    imageShape: { width: DIGITS5000_SIDE, height: DIGITS5000_SIDE, order: 'column-major' },
    pixelOrderKnown: true,
  });
}

/**
 * The committed asset: gzip of [magic 'BPDIGITS', u32 version, m, n, fixed-point bits, reserved (all LE)],
 * m label bytes, padding to even, then m·n int16 LE values q.
 */
export function encodeDigits5000(fixed: Digits5000Fixed): Uint8Array {
  const m = fixed.y.length;
  const n = fixed.q.length / m;
  const labelsEnd = HEADER_BYTES + m + (m % 2);
  const raw = Buffer.alloc(labelsEnd + 2 * fixed.q.length);
  raw.write(MAGIC, 0, 'latin1');
  [VERSION, m, n, FIXED_POINT_BITS, 0].forEach((v, i) => raw.writeUInt32LE(v, 8 + 4 * i));
  fixed.y.forEach((label, i) => raw.writeUInt8(label, HEADER_BYTES + i));
  fixed.q.forEach((v, i) => raw.writeInt16LE(v, labelsEnd + 2 * i));
  return gzipSync(raw, { level: 9 });
}

/** Decode the asset written by encodeDigits5000, checking every size. */
export function decodeDigits5000(bytes: Uint8Array): Digits5000Fixed {
  let raw: Buffer;
  try {
    raw = gunzipSync(bytes, { maxOutputLength: 64 * 1024 * 1024 });
  } catch (cause) {
    throw new DatasetError('ERR_DATASET_ASSET', 'digits5000 asset is not a valid gzip stream', { cause });
  }
  const bad = (why: string) => new DatasetError('ERR_DATASET_ASSET', `digits5000 asset is malformed: ${why}`);
  if (raw.length < HEADER_BYTES || raw.toString('latin1', 0, 8) !== MAGIC) throw bad('bad magic');
  const [version, m, n, bits] = [0, 1, 2, 3].map((i) => raw.readUInt32LE(8 + 4 * i));
  if (version !== VERSION || bits !== FIXED_POINT_BITS) throw bad(`version ${version}, ${bits} fixed-point bits`);
  const labelsEnd = HEADER_BYTES + m + (m % 2);
  if (raw.length !== labelsEnd + 2 * m * n) throw bad(`${raw.length} bytes for ${m}x${n} values`);
  const y = new Int32Array(m);
  for (let i = 0; i < m; i++) y[i] = raw[HEADER_BYTES + i];
  const q = new Int16Array(m * n);
  for (let i = 0; i < q.length; i++) q[i] = raw.readInt16LE(labelsEnd + 2 * i);
  return { q, y };
}
