import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodePng, encodePng, ImageError, imageToInput, rgbaToGray } from '../src/image/index.js';
import { selectDigits5000 } from '../src/data/digits5000-build.js';
import { loadDigits5000 } from '../src/data/digits5000.js';
import { readMnistIdx } from '../src/data/mnist.js';
import { resizeImage } from './imresize-reference.js';
import { defaultBox } from '../src/image/preprocess.js';

/** A w×h picture of `bg` with the rectangle rows r0..r1, cols c0..c1 (inclusive) set to `fg`. */
function picture(w: number, h: number, bg: number, fg: number, [r0, r1, c0, c1]: number[]): Float64Array {
  const g = new Float64Array(w * h).fill(bg);
  for (let r = r0; r <= r1; r++) for (let c = c0; c <= c1; c++) g[r * w + c] = fg;
  return g;
}

/** Expected 20×20 input with the rectangle rows r0..r1, cols c0..c1 = 1, as the picture (row, col) → value. */
function expectedFrame([r0, r1, c0, c1]: number[]): (r: number, c: number) => number {
  return (r, c) => (r >= r0 && r <= r1 && c >= c0 && c <= c1 ? 1 : 0);
}

const col20 = { width: 20, height: 20, order: 'column-major' as const };

const row28 = { width: 28, height: 28, order: 'row-major' as const };

describe('imageToInput: picture → the model’s input, the way the digits were made', () => {
  it('an off-centre filled square ends up 20x20 and centred in MNIST’s 28x28 frame (hand-computed)', () => {
    // 100×100 paper with a black 30×30 square at rows 10..39, cols 50..79 (far from the centre).
    // Crop 30×30 → scale the longer side to 20 → 20×20 of ones; its centre of mass (9.5, 9.5) goes to pixel
    // (14, 14) where MNIST puts it: shift round(14 − 9.5) = 5, so the square covers rows 5..24 and cols 5..24.
    // (In a 28×28 frame exact centring of 20 pixels is impossible; MNIST's convention decides the half pixel.)
    const x = imageToInput(picture(100, 100, 1, 0, [10, 39, 50, 79]), 100, 100, row28);
    const want = expectedFrame([5, 24, 5, 24]);
    for (let r = 0; r < 28; r++) for (let c = 0; c < 28; c++) expect(x[r * 28 + c]).toBe(want(r, c));
  });

  it('20x20 column-major input (digits5000): the 28x28 frame resized like the data set (agrees with a dense-matrix imresize)', () => {
    const x = imageToInput(picture(100, 100, 1, 0, [10, 39, 50, 79]), 100, 100, col20);
    const frame = new Float64Array(28 * 28);
    const want = expectedFrame([5, 24, 5, 24]);
    for (let r = 0; r < 28; r++) for (let c = 0; c < 28; c++) frame[r * 28 + c] = want(r, c);
    const ref = resizeImage(frame, 28, 28, 20, 20); // an independent imresize (test/imresize-reference.ts)
    for (let r = 0; r < 20; r++) {
      for (let c = 0; c < 20; c++) {
        expect(x[c * 20 + r]).toBeCloseTo(ref[r * 20 + c], 12);
        // the digit is symmetric about the diagonal (a square), so transposing the picture changes nothing
        expect(x[c * 20 + r]).toBeCloseTo(x[r * 20 + c], 12);
      }
    }
  });

  it('light-on-dark and dark-on-light give the same input', () => {
    const dark = picture(60, 80, 1, 0, [5, 44, 30, 49]);
    const light = picture(60, 80, 0, 1, [5, 44, 30, 49]);
    const a = imageToInput(dark, 60, 80, col20);
    const b = imageToInput(light, 60, 80, col20);
    expect(Array.from(a)).toEqual(Array.from(b));
    // and a grey-on-grey picture is stretched to the same thing (background removed, contrast to 0..1)
    const grey = picture(60, 80, 0.8, 0.3, [5, 44, 30, 49]);
    Array.from(imageToInput(grey, 60, 80, col20)).forEach((v, i) => expect(v).toBeCloseTo(a[i], 12));
  });

  it('a tall bar keeps its aspect ratio: 40x20 → 20x10, centred by mass (hand-computed)', () => {
    // 40 rows × 20 cols → 20 × 10 patch of ones; centre of mass (9.5, 4.5) → top = round(14 − 9.5) = 5,
    // left = round(14 − 4.5) = 10.
    const x = imageToInput(picture(50, 50, 1, 0, [3, 42, 0, 19]), 50, 50, row28);
    const want = expectedFrame([5, 24, 10, 19]);
    for (let r = 0; r < 28; r++) for (let c = 0; c < 28; c++) expect(x[r * 28 + c]).toBe(want(r, c));
  });

  it('area averaging: a 1-pixel checkerboard scaled by 1/2 becomes uniform 50% ink, mass preserved', () => {
    // 40×40 checkerboard inside a 50×50 white page; scaled to 20×20, each output pixel averages a 2×2 block
    // holding two black pixels: ink 0.5 everywhere in the square at rows/cols 5..24.
    const w = 50;
    const g = new Float64Array(w * w).fill(1);
    for (let r = 5; r < 45; r++) for (let c = 5; c < 45; c++) g[r * w + c] = (r + c) % 2 === 0 ? 0 : 1;
    const x = imageToInput(g, w, w, row28);
    const want = expectedFrame([5, 24, 5, 24]);
    for (let r = 0; r < 28; r++) for (let c = 0; c < 28; c++) expect(x[r * 28 + c]).toBeCloseTo(want(r, c) * 0.5, 12);
  });

  it('MNIST geometry: the digit’s longer side is 20 px in a 28x28 frame; larger inputs scale it', () => {
    expect(defaultBox({ width: 20, height: 20 })).toBe(20);
    expect(defaultBox({ width: 28, height: 28 })).toBe(20);
    expect(defaultBox({ width: 56, height: 56 })).toBe(40);
  });

  it('a real MNIST digit photographed dark-on-white at 3x gives the digits5000 row made from it', () => {
    // digits5000 row k is MNIST train image idx[k] resized 28→20 by the data module. Drawing that image 3× larger,
    // inverted (as a user would upload it) and converting it must land on (almost) the same input.
    const { images, labels } = readMnistIdx('train');
    const idx = selectDigits5000(labels.data as Uint8Array);
    const d5 = loadDigits5000();
    for (let k = 0; k < 5000; k += 250) {
      const img = images.data.subarray(idx[k] * 784, (idx[k] + 1) * 784);
      const big = new Float64Array(84 * 84);
      for (let r = 0; r < 84; r++) for (let c = 0; c < 84; c++) big[r * 84 + c] = 1 - img[Math.floor(r / 3) * 28 + Math.floor(c / 3)] / 255;
      const x = imageToInput(big, 84, 84, col20);
      let sum = 0;
      let max = 0;
      for (let j = 0; j < 400; j++) {
        const e = Math.abs(x[j] - d5.X.data[k * 400 + j]);
        sum += e;
        max = Math.max(max, e);
      }
      expect(sum / 400).toBeLessThan(0.005);
      expect(max).toBeLessThan(0.15);
    }
  });

  it('works from a canvas’s RGBA (transparent = paper) and from a PNG file', () => {
    const w = 30;
    const rgba = new Uint8Array(w * w * 4); // all transparent
    for (let r = 3; r < 13; r++) for (let c = 3; c < 13; c++) rgba.set([0, 0, 0, 255], (r * w + c) * 4);
    const fromCanvas = imageToInput(rgbaToGray(rgba, w, w), w, w, col20);
    const fromArray = imageToInput(picture(w, w, 1, 0, [3, 12, 3, 12]), w, w, col20);
    expect(Array.from(fromCanvas)).toEqual(Array.from(fromArray));
    const png = decodePng(encodePng(w, w, picture(w, w, 1, 0, [3, 12, 3, 12])));
    expect(Array.from(imageToInput(png.gray, png.width, png.height, col20))).toEqual(Array.from(fromArray));
  });

  it('bad input: wrong length, non-finite pixels, a blank picture, a bad shape → ImageError naming the problem', () => {
    expect(() => imageToInput(new Float64Array(10), 4, 4, col20)).toThrow(/expected 16 values for a 4x4 picture, got 10/);
    expect(() => imageToInput(Float64Array.from([0, NaN, 1, 1]), 2, 2, col20)).toThrow(/gray\[1\] is NaN/);
    expect(() => imageToInput(new Float64Array(64).fill(1), 8, 8, col20)).toThrow(/blank/);
    expect(() => imageToInput(new Float64Array(4), 2, 2, { width: 20, height: 0, order: 'row-major' })).toThrow(/inputShape/);
    expect(() => imageToInput(picture(9, 9, 1, 0, [2, 5, 2, 5]), 9, 9, col20, { box: 30 })).toThrow(/box: expected an integer in 1..28/);
    try {
      imageToInput(new Float64Array(4), 3, 3, col20);
    } catch (err) {
      expect(err).toBeInstanceOf(ImageError);
      expect((err as ImageError).code).toBe('ERR_IMAGE');
    }
  });

  it('preprocess.ts has no imports, so its compiled file can be served to the browser', () => {
    const src = readFileSync(fileURLToPath(new URL('../src/image/preprocess.ts', import.meta.url)), 'utf8');
    expect(src).not.toMatch(/^\s*import\s/m);
    expect(src).not.toMatch(/\brequire\(|\bimport\(/);
  });
});
